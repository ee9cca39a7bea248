//! Tableau symbols and rows (internal).

use std::collections::BTreeMap;

/// Values closer to zero than this count as zero.
const EPSILON: f64 = 1.0e-8;

/// Whether `value` is within [`EPSILON`] of zero.
pub(crate) fn near_zero(value: f64) -> bool {
    if value < 0.0 {
        -value < EPSILON
    } else {
        value < EPSILON
    }
}

/// What a tableau symbol stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SymbolKind {
    /// No symbol.
    Invalid,
    /// A user variable.
    External,
    /// A slack variable of an inequality (also artificial variables).
    Slack,
    /// An error variable of a non-required constraint.
    Error,
    /// The marker of a required equality.
    Dummy,
}

/// A tableau symbol. Symbols compare and sort by id only, so maps keyed by symbols iterate in
/// creation order: the pivoting choices depend on that order.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Symbol {
    pub(crate) id: u64,
    pub(crate) kind: SymbolKind,
}

impl Symbol {
    pub(crate) const INVALID: Symbol = Symbol {
        id: 0,
        kind: SymbolKind::Invalid,
    };

    pub(crate) fn is_invalid(self) -> bool {
        self.kind == SymbolKind::Invalid
    }

    /// Slack and error symbols: those that can be pivoted freely and must stay >= 0.
    pub(crate) fn is_restricted_pivotable(self) -> bool {
        matches!(self.kind, SymbolKind::Slack | SymbolKind::Error)
    }
}

impl PartialEq for Symbol {
    fn eq(&self, other: &Symbol) -> bool {
        self.id == other.id
    }
}

impl Eq for Symbol {}

impl PartialOrd for Symbol {
    fn partial_cmp(&self, other: &Symbol) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Symbol {
    fn cmp(&self, other: &Symbol) -> std::cmp::Ordering {
        self.id.cmp(&other.id)
    }
}

/// A row `constant + sum(coefficient * symbol)`, cells kept sorted by symbol id.
#[derive(Clone, Debug, Default)]
pub(crate) struct Row {
    pub(crate) cells: BTreeMap<Symbol, f64>,
    pub(crate) constant: f64,
}

impl Row {
    pub(crate) fn new(constant: f64) -> Row {
        Row {
            cells: BTreeMap::new(),
            constant,
        }
    }

    /// Adds `value` to the constant and returns the new constant.
    pub(crate) fn add(&mut self, value: f64) -> f64 {
        self.constant += value;
        self.constant
    }

    /// Adds `coefficient` to the symbol's cell, dropping the cell when it becomes near zero.
    pub(crate) fn insert_symbol(&mut self, symbol: Symbol, coefficient: f64) {
        let cell = self.cells.entry(symbol).or_insert(0.0);
        *cell += coefficient;
        if near_zero(*cell) {
            self.cells.remove(&symbol);
        }
    }

    /// Adds `coefficient * other` to this row.
    pub(crate) fn insert_row(&mut self, other: &Row, coefficient: f64) {
        self.constant += other.constant * coefficient;
        for (&symbol, &value) in &other.cells {
            self.insert_symbol(symbol, value * coefficient);
        }
    }

    pub(crate) fn remove(&mut self, symbol: Symbol) {
        self.cells.remove(&symbol);
    }

    pub(crate) fn reverse_sign(&mut self) {
        self.constant = -self.constant;
        for value in self.cells.values_mut() {
            *value = -*value;
        }
    }

    /// Turns `a * symbol + rest = 0` into `symbol = -rest / a` (the symbol leaves the row).
    pub(crate) fn solve_for(&mut self, symbol: Symbol) {
        let coefficient = self.cells.remove(&symbol).unwrap_or(0.0);
        let factor = -1.0 / coefficient;
        self.constant *= factor;
        for value in self.cells.values_mut() {
            *value *= factor;
        }
    }

    /// Turns `lhs = rest` (lhs absent from the row) into a row solved for `rhs`.
    pub(crate) fn solve_for_pair(&mut self, lhs: Symbol, rhs: Symbol) {
        self.insert_symbol(lhs, -1.0);
        self.solve_for(rhs);
    }

    pub(crate) fn coefficient_for(&self, symbol: Symbol) -> f64 {
        self.cells.get(&symbol).copied().unwrap_or(0.0)
    }

    /// Replaces `symbol` in this row by the expression `row`.
    pub(crate) fn substitute(&mut self, symbol: Symbol, row: &Row) {
        if let Some(coefficient) = self.cells.remove(&symbol) {
            self.insert_row(row, coefficient);
        }
    }
}
