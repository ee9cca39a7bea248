//! The errors of the solver, one per kiwi exception.

use std::fmt;

use crate::{Constraint, Variable};

/// An error raised by a [`Solver`](crate::Solver) operation. Each variant is one of kiwisolver's
/// exceptions and carries what that exception carries.
#[derive(Clone, Debug)]
pub enum SolverError {
    /// The constraint has already been added to the solver.
    DuplicateConstraint(Constraint),
    /// The constraint is required and cannot be satisfied.
    UnsatisfiableConstraint(Constraint),
    /// The constraint has not been added to the solver.
    UnknownConstraint(Constraint),
    /// The variable is already an edit variable of the solver.
    DuplicateEditVariable(Variable),
    /// The variable is not an edit variable of the solver.
    UnknownEditVariable(Variable),
    /// An edit variable cannot have the required strength.
    BadRequiredStrength,
    /// The solver reached a state that should be impossible (kiwi's `InternalSolverError`).
    InternalSolverError(&'static str),
}

impl SolverError {
    /// The name of the matching kiwisolver exception class.
    pub fn kind_name(&self) -> &'static str {
        match self {
            SolverError::DuplicateConstraint(_) => "DuplicateConstraint",
            SolverError::UnsatisfiableConstraint(_) => "UnsatisfiableConstraint",
            SolverError::UnknownConstraint(_) => "UnknownConstraint",
            SolverError::DuplicateEditVariable(_) => "DuplicateEditVariable",
            SolverError::UnknownEditVariable(_) => "UnknownEditVariable",
            SolverError::BadRequiredStrength => "BadRequiredStrength",
            SolverError::InternalSolverError(_) => "InternalSolverError",
        }
    }
}

impl fmt::Display for SolverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SolverError::DuplicateConstraint(_) => f.write_str("duplicate constraint"),
            SolverError::UnsatisfiableConstraint(_) => f.write_str("unsatisfiable constraint"),
            SolverError::UnknownConstraint(_) => f.write_str("unknown constraint"),
            SolverError::DuplicateEditVariable(_) => f.write_str("duplicate edit variable"),
            SolverError::UnknownEditVariable(_) => f.write_str("unknown edit variable"),
            SolverError::BadRequiredStrength => {
                f.write_str("a required strength cannot be used by an edit variable")
            }
            SolverError::InternalSolverError(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for SolverError {}
