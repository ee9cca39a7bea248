//! Solver operations and errors, and scenarios ported from kiwisolver 1.5.1's `py/tests`
//! (rewritten for the Rust API; expected values are the ones the real kiwisolver gives).

use kiwi_solver::strength::{self, MEDIUM, REQUIRED, STRONG, WEAK};
use kiwi_solver::{
    Constraint, Expression, RelationalOperator, Solver, SolverError, Term, Variable,
};

use RelationalOperator::{Equal as EQ, GreaterOrEqual as GE, LessOrEqual as LE};

/// `sum(coefficient * variable) + constant op 0` with a strength.
fn cn(terms: &[(&Variable, f64)], constant: f64, op: RelationalOperator, s: f64) -> Constraint {
    let terms = terms
        .iter()
        .map(|(v, c)| Term::new((*v).clone(), *c))
        .collect();
    Constraint::new(&Expression::new(terms, constant), op, s)
}

#[test]
fn add_remove_has_constraint_and_errors() {
    let mut s = Solver::new();
    let v = Variable::new("foo");
    let c1 = cn(&[(&v, 1.0)], -1.0, GE, REQUIRED); // v >= 1
    let c2 = cn(&[(&v, 1.0)], 0.0, LE, REQUIRED); // v <= 0

    assert!(!s.has_constraint(&c1));
    s.add_constraint(&c1).unwrap();
    assert!(s.has_constraint(&c1));
    match s.add_constraint(&c1) {
        Err(SolverError::DuplicateConstraint(c)) => assert_eq!(c, c1),
        other => panic!("expected DuplicateConstraint, got {other:?}"),
    }
    match s.remove_constraint(&c2) {
        Err(SolverError::UnknownConstraint(c)) => assert_eq!(c, c2),
        other => panic!("expected UnknownConstraint, got {other:?}"),
    }
    match s.add_constraint(&c2) {
        Err(SolverError::UnsatisfiableConstraint(c)) => assert_eq!(c, c2),
        other => panic!("expected UnsatisfiableConstraint, got {other:?}"),
    }
    assert!(!s.has_constraint(&c2));
    s.remove_constraint(&c1).unwrap();
    assert!(!s.has_constraint(&c1));
    s.add_constraint(&c2).unwrap();
    assert!(s.has_constraint(&c2));
    s.reset();
    assert!(!s.has_constraint(&c2));
}

#[test]
fn equal_constraints_are_distinct_objects() {
    let mut s = Solver::new();
    let v = Variable::new("v");
    let a = cn(&[(&v, 1.0)], -3.0, EQ, REQUIRED);
    let b = cn(&[(&v, 1.0)], -3.0, EQ, REQUIRED);
    s.add_constraint(&a).unwrap();
    // Same equation, another constraint: redundant, so accepted.
    s.add_constraint(&b).unwrap();
    s.remove_constraint(&a).unwrap();
    assert!(s.has_constraint(&b));
    s.update_variables();
    assert_eq!(v.value(), 3.0);
    // `|` in Python: a new constraint with another strength.
    let weak = b.with_strength(WEAK);
    assert!(!s.has_constraint(&weak));
}

#[test]
fn unsatisfiable_required_equalities() {
    let mut s = Solver::new();
    let x = Variable::new("x");
    s.add_constraint(&cn(&[(&x, 1.0)], -1.0, EQ, REQUIRED))
        .unwrap();
    let bad = cn(&[(&x, 1.0)], -2.0, EQ, REQUIRED);
    assert!(matches!(
        s.add_constraint(&bad),
        Err(SolverError::UnsatisfiableConstraint(_))
    ));
    // The solver still works after the failure.
    s.update_variables();
    assert_eq!(x.value(), 1.0);
}

#[test]
fn managing_edit_variables() {
    // Ported: test_managing_edit_variable.
    let mut s = Solver::new();
    let v1 = Variable::new("foo");
    let v2 = Variable::new("bar");

    assert!(!s.has_edit_variable(&v1));
    s.add_edit_variable(&v1, WEAK).unwrap();
    assert!(s.has_edit_variable(&v1));
    match s.add_edit_variable(&v1, MEDIUM) {
        Err(SolverError::DuplicateEditVariable(v)) => assert_eq!(v, v1),
        other => panic!("expected DuplicateEditVariable, got {other:?}"),
    }
    match s.remove_edit_variable(&v2) {
        Err(SolverError::UnknownEditVariable(v)) => assert_eq!(v, v2),
        other => panic!("expected UnknownEditVariable, got {other:?}"),
    }
    s.remove_edit_variable(&v1).unwrap();
    assert!(!s.has_edit_variable(&v1));

    assert!(matches!(
        s.add_edit_variable(&v1, REQUIRED),
        Err(SolverError::BadRequiredStrength)
    ));
    // Clipped first: above required is required.
    assert!(matches!(
        s.add_edit_variable(&v1, 2.0 * REQUIRED),
        Err(SolverError::BadRequiredStrength)
    ));

    s.add_edit_variable(&v2, STRONG).unwrap();
    assert!(s.has_edit_variable(&v2));
    match s.suggest_value(&v1, 10.0) {
        Err(SolverError::UnknownEditVariable(v)) => assert_eq!(v, v1),
        other => panic!("expected UnknownEditVariable, got {other:?}"),
    }
    s.reset();
    assert!(!s.has_edit_variable(&v2));
}

#[test]
fn suggesting_values_for_edit_variables() {
    // Ported: test_suggesting_values_for_edit_variables.
    let mut s = Solver::new();
    let v1 = Variable::new("foo");
    s.add_edit_variable(&v1, MEDIUM).unwrap();
    s.add_constraint(&cn(&[(&v1, 1.0)], -1.0, EQ, WEAK))
        .unwrap();
    s.suggest_value(&v1, 2.0).unwrap();
    s.update_variables();
    assert_eq!(v1.value(), 2.0);

    // An edit variable entering several rows.
    let mut s = Solver::new();
    let v1 = Variable::new("foo");
    let v2 = Variable::new("bar");
    s.add_edit_variable(&v2, WEAK).unwrap();
    s.add_constraint(&cn(&[(&v1, 1.0), (&v2, 1.0)], 0.0, EQ, REQUIRED))
        .unwrap();
    s.add_constraint(&cn(&[(&v2, 1.0)], 1.0, LE, REQUIRED))
        .unwrap();
    s.add_constraint(&cn(&[(&v2, 1.0)], -0.0, GE, WEAK))
        .unwrap();
    s.suggest_value(&v2, 0.0).unwrap();
    s.update_variables();
    assert!(v2.value() <= -1.0);
}

#[test]
fn removing_an_edit_variable_releases_it() {
    let mut s = Solver::new();
    let x = Variable::new("x");
    s.add_constraint(&cn(&[(&x, 1.0)], -5.0, EQ, WEAK)).unwrap();
    s.add_edit_variable(&x, STRONG).unwrap();
    s.suggest_value(&x, 42.0).unwrap();
    s.update_variables();
    assert_eq!(x.value(), 42.0);
    s.remove_edit_variable(&x).unwrap();
    s.update_variables();
    assert_eq!(x.value(), 5.0);
}

#[test]
fn solving_under_constrained_system() {
    // Ported: test_solving_under_constrained_system.
    let mut s = Solver::new();
    let v = Variable::new("foo");
    let c = cn(&[(&v, 2.0)], 1.0, GE, REQUIRED);
    s.add_edit_variable(&v, WEAK).unwrap();
    s.add_constraint(&c).unwrap();
    s.suggest_value(&v, 10.0).unwrap();
    s.update_variables();
    assert_eq!(c.expression().value(), 21.0);
    assert_eq!(c.expression().terms[0].value(), 20.0);
    assert_eq!(c.expression().terms[0].variable.value(), 10.0);
}

#[test]
fn underdetermined_values_follow_kiwi_pivoting() {
    // x + y == 10 alone: kiwi makes the variable that sorts first basic (kiwi: the lower
    // address, here: created first), the other one is parametric and reads 0. Checked against
    // kiwisolver 1.5.1 where x has the lower address.
    let mut s = Solver::new();
    let x = Variable::new("x");
    let y = Variable::new("y");
    s.add_constraint(&cn(&[(&y, 1.0), (&x, 1.0)], -10.0, EQ, REQUIRED))
        .unwrap();
    s.update_variables();
    assert_eq!((x.value(), y.value()), (10.0, 0.0));
    // A term with a zero coefficient is skipped: its variable stays unknown to the solver and
    // update_variables leaves its value alone.
    let z = Variable::new("z");
    z.set_value(7.0);
    let bad = cn(&[(&x, 1.0), (&z, 0.0)], -11.0, EQ, REQUIRED);
    // x == 11 contradicts nothing (y is free): y gives way.
    s.add_constraint(&bad).unwrap();
    s.update_variables();
    assert_eq!((x.value(), y.value()), (11.0, -1.0));
    assert_eq!(z.value(), 7.0);
}

#[test]
fn solving_with_strength() {
    // Ported: test_solving_with_strength.
    let v1 = Variable::new("foo");
    let v2 = Variable::new("bar");
    let mut s = Solver::new();
    s.add_constraint(&cn(&[(&v1, 1.0), (&v2, 1.0)], 0.0, EQ, REQUIRED))
        .unwrap();
    s.add_constraint(&cn(&[(&v1, 1.0)], -10.0, EQ, REQUIRED))
        .unwrap();
    s.add_constraint(&cn(&[(&v2, 1.0)], -0.0, GE, WEAK))
        .unwrap();
    s.update_variables();
    assert_eq!((v1.value(), v2.value()), (10.0, -10.0));

    s.reset();
    s.add_constraint(&cn(&[(&v1, 1.0), (&v2, 1.0)], 0.0, EQ, REQUIRED))
        .unwrap();
    s.add_constraint(&cn(&[(&v1, 1.0)], -10.0, GE, MEDIUM))
        .unwrap();
    s.add_constraint(&cn(&[(&v2, 1.0)], -2.0, EQ, STRONG))
        .unwrap();
    s.update_variables();
    assert_eq!((v1.value(), v2.value()), (-2.0, 2.0));
}

#[test]
fn handling_infeasible_constraints() {
    // Ported: test_handling_infeasible_constraints (the Cassowary paper's example, which makes
    // suggest_value go through the dual simplex).
    let xm = Variable::new("xm");
    let xl = Variable::new("xl");
    let xr = Variable::new("xr");
    let mut s = Solver::new();
    s.add_edit_variable(&xm, STRONG).unwrap();
    s.add_edit_variable(&xl, WEAK).unwrap();
    s.add_edit_variable(&xr, WEAK).unwrap();
    s.add_constraint(&cn(
        &[(&xm, 2.0), (&xl, -1.0), (&xr, -1.0)],
        0.0,
        EQ,
        REQUIRED,
    ))
    .unwrap();
    s.add_constraint(&cn(&[(&xl, 1.0), (&xr, -1.0)], 20.0, LE, REQUIRED))
        .unwrap();
    s.add_constraint(&cn(&[(&xl, 1.0)], 10.0, GE, REQUIRED))
        .unwrap();
    s.add_constraint(&cn(&[(&xr, 1.0)], -100.0, LE, REQUIRED))
        .unwrap();
    s.suggest_value(&xm, 40.0).unwrap();
    s.suggest_value(&xr, 50.0).unwrap();
    s.suggest_value(&xl, 30.0).unwrap();
    s.suggest_value(&xm, 60.0).unwrap();
    s.suggest_value(&xm, 90.0).unwrap();
    s.update_variables();
    assert_eq!(xl.value() + xr.value(), 2.0 * xm.value());
    assert_eq!(xl.value(), 80.0);
    assert_eq!(xr.value(), 100.0);
}

#[test]
fn constraint_violated() {
    // Ported: test_constraint_violated.
    let mut s = Solver::new();
    let v = Variable::new("foo");
    let c1 = cn(&[(&v, 1.0)], -10.0, GE, REQUIRED);
    let c2 = cn(&[(&v, 1.0)], 5.0, LE, WEAK);
    s.add_constraint(&c1).unwrap();
    s.add_constraint(&c2).unwrap();
    s.update_variables();
    assert!(v.value() >= 10.0);
    assert!(!c1.violated());
    assert!(c2.violated());
}

#[test]
fn strength_create_matches_kiwi() {
    // Ported: test_strength.py; the numbers are what kiwisolver.strength gives.
    let named = [WEAK, MEDIUM, STRONG, REQUIRED];
    assert_eq!(named, [1.0, 1000.0, 1e6, 1_001_001_000.0]);
    assert!(named.windows(2).all(|w| w[0] < w[1]));
    assert!(strength::create(0.0, 0.0, 1.0, 1.0) < strength::create(0.0, 1.0, 0.0, 1.0));
    assert!(strength::create(0.0, 1.0, 0.0, 1.0) < strength::create(1.0, 0.0, 0.0, 1.0));
    assert!(strength::create(1.0, 0.0, 0.0, 1.0) < strength::create(1.0, 0.0, 0.0, 4.0));
    assert_eq!(strength::create(1.0, 2.0, 3.0, 1.0), 1_002_003.0);
    assert_eq!(strength::create(1.0, 2.0, 3.0, 2.0), 2_004_006.0);
    assert_eq!(strength::create(2000.0, -1.0, 0.5, 0.5), 1_000_000_000.25);
}

#[test]
fn dumps_like_kiwi() {
    // Ported: test_dumping_solver. The sections that do not depend on memory addresses are
    // compared with the text the real kiwisolver 1.5.1 prints for the same calls.
    let v1 = Variable::new("foo");
    let v2 = Variable::new("bar");
    let mut s = Solver::new();
    s.add_edit_variable(&v2, WEAK).unwrap();
    s.add_constraint(&cn(&[(&v1, 1.0), (&v2, 1.0)], 0.0, EQ, REQUIRED))
        .unwrap();
    s.add_constraint(&cn(&[(&v2, 1.0)], 1.0, LE, REQUIRED))
        .unwrap();
    s.add_constraint(&cn(&[(&v2, 1.0)], -0.0, GE, WEAK))
        .unwrap();
    s.update_variables();
    let bad = cn(&[(&v2, 1.0)], -1.0, GE, REQUIRED);
    assert!(matches!(
        s.add_constraint(&bad),
        Err(SolverError::UnsatisfiableConstraint(_))
    ));
    let dump = s.dumps();
    let expected_start = "Objective\n---------\n + 2 * e2 + 1 * s8 + -2 * s10\n\n\
        Tableau\n-------\nv1 |  + 1 * s10\ne3 |  + 1 * e2 + -1 * s10\n\
        v4 |  + -1 * d5 + -1 * s10\ns6 |  + -1 * s10\ne9 |  + 1 * s8 + -1 * s10\n\n\
        Infeasible\n----------\ne3\ne9\n\nVariables\n---------\n";
    assert!(dump.starts_with(expected_start), "{dump}");
    for line in [
        "foo = v4\n",
        "bar = v1\n",
        "\nEdit Variables\n--------------\nbar\n\nConstraints\n-----------\n",
        "1 * bar + 1 <= 0  | strength = 1.001e+09\n",
        "1 * bar + 0 == 0  | strength = 1\n",
        "1 * bar + -0 >= 0  | strength = 1\n",
        "1 * foo + 1 * bar + 0 == 0  | strength = 1.001e+09\n",
    ] {
        assert!(dump.contains(line), "{line:?} missing from {dump}");
    }
    assert!(dump.ends_with("\n\n\n"));
}

#[test]
fn variable_values_and_context_survive_solving() {
    let mut s = Solver::new();
    let x = Variable::new("x");
    x.set_context(Some(std::sync::Arc::new("ctx")));
    s.add_constraint(&cn(&[(&x, 4.0)], -2.0, EQ, REQUIRED))
        .unwrap();
    s.update_variables();
    assert_eq!(x.value(), 0.5);
    let ctx = x.context().unwrap();
    assert_eq!(ctx.downcast_ref::<&str>(), Some(&"ctx"));
}
