//! Replays constraint systems given as JSON on stdin and prints, as JSON on stdout, the outcome of
//! every operation: `"ok"`, the error kind, or the variable values after `update`.
//!
//! Input: a list of systems, each `{"vars": [names in creation order], "constraints":
//! [{"terms": [[var, coefficient], ...], "constant": c, "op": "<=" | ">=" | "==",
//! "strength": s}], "ops": [...]}` where an op is one of `{"op": "add", "cn": i}`,
//! `{"op": "remove", "cn": i}`, `{"op": "has", "cn": i}`, `{"op": "add_edit", "var": i,
//! "strength": s}`, `{"op": "remove_edit", "var": i}`, `{"op": "has_edit", "var": i}`,
//! `{"op": "suggest", "var": i, "value": x}`, `{"op": "update"}`, `{"op": "reset"}`,
//! `{"op": "add_with_strength", "cn": i, "strength": s}` (adds a new constraint: constraint `i`
//! with another strength), `{"op": "dumps"}`.
//! Output: a list (one per system) of lists of outcomes; `update` gives the values of all
//! variables in the order of `vars`.

use std::io::Read;

use kiwi_solver::{Constraint, Expression, RelationalOperator, Solver, Term, Variable};
use serde_json::{json, Value};

fn num(v: &Value) -> f64 {
    v.as_f64().expect("a number")
}

fn index(v: &Value) -> usize {
    usize::try_from(v.as_u64().expect("an index")).expect("an index")
}

fn run_system(system: &Value) -> Value {
    let vars: Vec<Variable> = system["vars"]
        .as_array()
        .expect("vars")
        .iter()
        .map(|n| Variable::new(n.as_str().expect("a name")))
        .collect();
    let constraints: Vec<Constraint> = system["constraints"]
        .as_array()
        .expect("constraints")
        .iter()
        .map(|c| {
            let terms = c["terms"]
                .as_array()
                .expect("terms")
                .iter()
                .map(|t| Term::new(vars[index(&t[0])].clone(), num(&t[1])))
                .collect();
            let op = match c["op"].as_str().expect("op") {
                "<=" => RelationalOperator::LessOrEqual,
                ">=" => RelationalOperator::GreaterOrEqual,
                _ => RelationalOperator::Equal,
            };
            Constraint::new(
                &Expression::new(terms, num(&c["constant"])),
                op,
                num(&c["strength"]),
            )
        })
        .collect();
    let mut solver = Solver::new();
    let mut out = Vec::new();
    for op in system["ops"].as_array().expect("ops") {
        let cn = || &constraints[index(&op["cn"])];
        let var = || &vars[index(&op["var"])];
        let result = match op["op"].as_str().expect("op") {
            "add" => solver.add_constraint(cn()),
            "add_with_strength" => solver.add_constraint(&cn().with_strength(num(&op["strength"]))),
            "remove" => solver.remove_constraint(cn()),
            "add_edit" => solver.add_edit_variable(var(), num(&op["strength"])),
            "remove_edit" => solver.remove_edit_variable(var()),
            "suggest" => solver.suggest_value(var(), num(&op["value"])),
            "has" => {
                out.push(json!(solver.has_constraint(cn())));
                continue;
            }
            "has_edit" => {
                out.push(json!(solver.has_edit_variable(var())));
                continue;
            }
            "update" => {
                solver.update_variables();
                out.push(json!(vars.iter().map(Variable::value).collect::<Vec<_>>()));
                continue;
            }
            "dumps" => {
                out.push(json!(solver.dumps()));
                continue;
            }
            "reset" => {
                solver.reset();
                Ok(())
            }
            other => panic!("unknown op {other}"),
        };
        out.push(match result {
            Ok(()) => json!("ok"),
            Err(e) => json!(e.kind_name()),
        });
    }
    Value::Array(out)
}

fn main() {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .expect("read stdin");
    let systems: Value = serde_json::from_str(&input).expect("JSON input");
    let results: Vec<Value> = systems
        .as_array()
        .expect("a list of systems")
        .iter()
        .map(run_system)
        .collect();
    println!("{}", Value::Array(results));
}
