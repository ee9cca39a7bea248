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
//! `cassowary` (0.3.0, unmaintained since 2017) and its maintained fork `kasuari` (0.4.12, the
//! ratatui team) keep rows and cells in hash maps, so their pivots, and the values of an
//! underdetermined system, follow a hash order instead; they also drop variables that no
//! constraint uses any more (kiwi keeps them and sets them to 0), and their errors carry neither
//! the constraint nor the variable. See the crate's README for the details.
//!
//! So this crate implements the algorithm itself, written from reading kiwi's sources: the
//! tableau and its rows are vectors sorted by symbol id (as kiwi's), and each step (row creation, subject choice, artificial
//! variable, primal and dual optimisation, marker removal, edit suggestions) follows kiwi's
//! order of operations, including after errors (a failed `add_constraint` leaves the tableau
//! and the symbol ids it consumed as kiwi leaves them).
//!
//! One difference cannot be removed: kiwi orders the terms of a constraint by the memory address
//! of the variables, which decides the symbol ids of variables first seen together. This crate
//! orders them by variable creation, which is the same order when malloc gave the variables
//! increasing addresses (see [`Expression::reduce`]). Systems whose solution is unique do not
//! depend on it.
#![forbid(unsafe_code)]

mod constraint;
mod error;
mod expression;
mod hash;
mod row;
mod solver;
pub mod strength;
mod variable;

pub use constraint::{Constraint, RelationalOperator};
pub use error::SolverError;
pub use expression::{Expression, Term};
pub use solver::{format_g, Solver};
pub use variable::{Context, Variable};
