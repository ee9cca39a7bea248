//! The solver growth workload of `tools/bench.sh --kiwi` without Python, to profile the solver
//! core alone (e.g. under `valgrind --tool=callgrind`): N variables in a binary tree,
//! `x[0] >= 0`, `x[i] >= x[(i-1)/2] + 1`, 10 strong edit variables, suggested values and
//! `update_variables`, twice.
//!
//! Usage: `cargo run --release -p kiwi-solver --example growth -- [N ...] [--cycles C]`
//! (default N = 1000 5000, C = 3). Prints the median time of each phase in ms and a checksum of
//! the values (the sum of all variables after the last update), which must not change when the
//! solver is optimised.

use std::time::Instant;

use kiwi_solver::{strength, Constraint, Expression, RelationalOperator, Solver, Term, Variable};

const PHASES: [&str; 5] = [
    "build",
    "addConstraint",
    "addEditVariable",
    "suggest+update",
    "resuggest+update",
];

/// One whole cycle: the time of each phase (seconds) and the checksum.
fn cycle(n: usize) -> ([f64; 5], f64) {
    let mut times = [0.0; 5];
    let mut clock = Instant::now();
    let mut lap = |phase: usize| {
        times[phase] = clock.elapsed().as_secs_f64();
        clock = Instant::now();
    };

    let xs: Vec<Variable> = (0..n).map(|i| Variable::new(format!("x{i}"))).collect();
    let mut cons = vec![Constraint::new(
        &Expression::from_variable(xs[0].clone()),
        RelationalOperator::GreaterOrEqual,
        strength::REQUIRED,
    )];
    for i in 1..n {
        // x[i] - (x[parent] + 1) >= 0
        let e = Expression::new(
            vec![
                Term::new(xs[i].clone(), 1.0),
                Term::new(xs[(i - 1) / 2].clone(), -1.0),
            ],
            -1.0,
        );
        cons.push(Constraint::new(
            &e,
            RelationalOperator::GreaterOrEqual,
            strength::REQUIRED,
        ));
    }
    lap(0);

    let mut s = Solver::new();
    for c in &cons {
        s.add_constraint(c).expect("satisfiable");
    }
    lap(1);

    let edits: Vec<&Variable> = xs.iter().step_by((n / 10).max(1)).collect();
    for x in &edits {
        s.add_edit_variable(x, strength::STRONG).expect("new edit");
    }
    lap(2);

    for (j, x) in edits.iter().enumerate() {
        s.suggest_value(x, 3.0 * j as f64).expect("edit");
    }
    s.update_variables();
    lap(3);

    for (j, x) in edits.iter().enumerate() {
        s.suggest_value(x, 1000.0 + 7.0 * j as f64).expect("edit");
    }
    s.update_variables();
    lap(4);

    (times, xs.iter().map(Variable::value).sum())
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let mut sizes = Vec::new();
    let mut cycles = 3;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--cycles" {
            cycles = args
                .next()
                .and_then(|c| c.parse().ok())
                .expect("--cycles C");
        } else {
            sizes.push(arg.parse::<usize>().expect("N"));
        }
    }
    if sizes.is_empty() {
        sizes = vec![1000, 5000];
    }
    for n in sizes {
        let runs: Vec<([f64; 5], f64)> = (0..cycles).map(|_| cycle(n)).collect();
        let check = runs[0].1;
        assert!(runs.iter().all(|r| r.1.to_bits() == check.to_bits()));
        let mut line = format!("N = {n}: checksum {check:?};");
        let mut total = 0.0;
        for (p, phase) in PHASES.iter().enumerate() {
            let ms = median(runs.iter().map(|r| r.0[p] * 1e3).collect());
            total += ms;
            line += &format!(" {phase} {ms:.3}");
        }
        println!("{line}; total {total:.3} ms");
    }
}
