//! A pure-Rust Cassowary constraint solver with kiwi's model and kiwi's algorithm, step for step:
//! the solver core of the kiwisolver port (`examples/kiwisolver`).
//!
//! # Why not a crate from crates.io
//!
//! The port must give the values the real kiwisolver 1.5.1 gives, including on underdetermined
//! systems, where the values depend on which symbol the simplex pivots on. kiwi keeps the rows of
//! its tableau and the cells of each row in maps sorted by symbol creation order, and every
//! choice (subject of a new row, entering symbol, leaving row, ties) takes the first candidate in
//! that order.
//!
//! - `cassowary` (0.3.0, 2017, unmaintained) is a port of kiwi, but keeps rows and cells in
//!   `std::collections::HashMap`s: the iteration order, hence the pivots and the values of an
//!   underdetermined system, follows a randomly seeded hash and can change from run to run.
//! - `kasuari` (ratatui's maintained fork of `cassowary`) keeps the same structure over
//!   `hashbrown::HashMap`s: same problem. Neither has kiwi's `dumps()` nor an opaque per-variable
//!   context slot the binding needs, and their error values do not carry what kiwi's exceptions
//!   carry.
//!
//! So this crate implements the algorithm itself, written from reading kiwi's sources: rows are
//! `BTreeMap`s keyed by symbol id, and each step (row creation, subject choice, artificial
//! variable, primal and dual optimisation, marker removal, edit suggestions) follows kiwi's
//! order of operations, including its behaviour on errors (a failed `add_constraint` keeps the
//! variables it registered and the error terms it put into the objective).
//!
//! One difference cannot be removed: kiwi orders the terms of a constraint by the memory address
//! of the variables, which decides the symbol ids of variables first seen together. This crate
//! orders them by variable creation, which is the same order whenever the variables were
//! allocated one after the other (see [`Expression::reduce`]).
#![forbid(unsafe_code)]

mod constraint;
mod error;
mod expression;
mod row;
mod solver;
pub mod strength;
mod variable;

pub use constraint::{Constraint, RelationalOperator};
pub use error::SolverError;
pub use expression::{Expression, Term};
pub use solver::Solver;
pub use variable::Variable;
