//! The Cassowary solver, step for step kiwi's algorithm.

use std::collections::HashMap;
use std::fmt::Write;
use std::hash::BuildHasherDefault;

use crate::hash::IdHasher;
use crate::row::{near_zero, Row, Symbol, SymbolKind, SymbolMap};
use crate::{strength, Constraint, Expression, RelationalOperator, SolverError, Variable};

/// The symbols a constraint put into the tableau.
#[derive(Clone, Copy, Debug)]
struct Tag {
    /// The slack (inequality), positive error (soft equality) or dummy (required equality).
    marker: Symbol,
    /// The error symbol of a soft inequality, the negative error of a soft equality.
    other: Symbol,
}

/// An edit variable's constraint and last suggested value.
#[derive(Clone, Debug)]
struct EditInfo {
    tag: Tag,
    constraint: Constraint,
    constant: f64,
}

/// Which row [`Solver::optimize`] minimises.
#[derive(Clone, Copy)]
enum Objective {
    Main,
    Artificial,
}

/// A hash map keyed by variables or constraints, which hash one integer (see [`IdHasher`]).
type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// An incremental Cassowary constraint solver.
///
/// Rows and their cells are kept sorted by symbol creation order, as kiwi keeps them, so every
/// pivoting choice, and therefore every value of an underdetermined system, is kiwi's.
#[derive(Debug)]
pub struct Solver {
    cns: IdMap<Constraint, Tag>,
    rows: SymbolMap<Row>,
    vars: IdMap<Variable, Symbol>,
    /// The same variables in the order of their symbols (creation order, so pushing keeps it
    /// sorted): [`update_variables`](Solver::update_variables) walks it alongside the sorted
    /// rows instead of searching the rows for each variable.
    var_symbols: Vec<(Symbol, Variable)>,
    edits: IdMap<Variable, EditInfo>,
    infeasible_rows: Vec<Symbol>,
    objective: Row,
    artificial: Option<Row>,
    id_tick: u64,
}

impl Default for Solver {
    fn default() -> Solver {
        Solver::new()
    }
}

impl Solver {
    /// Creates an empty solver.
    pub fn new() -> Solver {
        Solver {
            cns: IdMap::default(),
            rows: SymbolMap::default(),
            vars: IdMap::default(),
            var_symbols: Vec::new(),
            edits: IdMap::default(),
            infeasible_rows: Vec::new(),
            objective: Row::new(0.0),
            artificial: None,
            id_tick: 1,
        }
    }

    /// Adds a constraint.
    ///
    /// Errors: [`SolverError::DuplicateConstraint`] if it is already in the solver,
    /// [`SolverError::UnsatisfiableConstraint`] if it is required and cannot be satisfied (the
    /// solver is then left as kiwi leaves it, symbol ids consumed included, so later results
    /// still match kiwi's).
    pub fn add_constraint(&mut self, constraint: &Constraint) -> Result<(), SolverError> {
        if self.cns.contains_key(constraint) {
            return Err(SolverError::DuplicateConstraint(constraint.clone()));
        }
        let (mut row, tag) = self.create_row(constraint);
        let mut subject = choose_subject(&row, &tag);

        // A row of dummies only: redundant if its constant is zero, else unsatisfiable.
        if subject.is_invalid() && all_dummies(&row) {
            if !near_zero(row.constant) {
                return Err(SolverError::UnsatisfiableConstraint(constraint.clone()));
            }
            subject = tag.marker;
        }

        if subject.is_invalid() {
            if !self.add_with_artificial_variable(&row)? {
                return Err(SolverError::UnsatisfiableConstraint(constraint.clone()));
            }
        } else {
            row.solve_for(subject);
            self.substitute(subject, &row);
            self.rows.insert(subject, row);
        }

        self.cns.insert(constraint.clone(), tag);
        self.optimize(Objective::Main)
    }

    /// Removes a constraint.
    ///
    /// Errors: [`SolverError::UnknownConstraint`] if it is not in the solver.
    pub fn remove_constraint(&mut self, constraint: &Constraint) -> Result<(), SolverError> {
        let tag = self
            .cns
            .remove(constraint)
            .ok_or_else(|| SolverError::UnknownConstraint(constraint.clone()))?;

        // The error terms leave the objective before any pivot.
        self.remove_constraint_effects(constraint, &tag);

        if self.rows.remove(tag.marker).is_none() {
            let leaving =
                self.marker_leaving_row(tag.marker)
                    .ok_or(SolverError::InternalSolverError(
                        "failed to find leaving row",
                    ))?;
            let mut row = self.rows.remove(leaving).unwrap_or_default();
            row.solve_for_pair(leaving, tag.marker);
            self.substitute(tag.marker, &row);
        }
        self.optimize(Objective::Main)
    }

    /// Whether the constraint is in the solver.
    pub fn has_constraint(&self, constraint: &Constraint) -> bool {
        self.cns.contains_key(constraint)
    }

    /// Makes `variable` an edit variable with the given strength (clipped).
    ///
    /// Errors: [`SolverError::DuplicateEditVariable`] if it already is one,
    /// [`SolverError::BadRequiredStrength`] if the clipped strength is required.
    pub fn add_edit_variable(
        &mut self,
        variable: &Variable,
        strength: f64,
    ) -> Result<(), SolverError> {
        if self.edits.contains_key(variable) {
            return Err(SolverError::DuplicateEditVariable(variable.clone()));
        }
        let strength = strength::clip(strength);
        if strength == strength::REQUIRED {
            return Err(SolverError::BadRequiredStrength);
        }
        let constraint = Constraint::new(
            &Expression::from_variable(variable.clone()),
            RelationalOperator::Equal,
            strength,
        );
        self.add_constraint(&constraint)?;
        let tag = self.cns[&constraint];
        self.edits.insert(
            variable.clone(),
            EditInfo {
                tag,
                constraint,
                constant: 0.0,
            },
        );
        Ok(())
    }

    /// Stops `variable` being an edit variable.
    ///
    /// Errors: [`SolverError::UnknownEditVariable`] if it is not one.
    pub fn remove_edit_variable(&mut self, variable: &Variable) -> Result<(), SolverError> {
        let constraint = match self.edits.get(variable) {
            Some(info) => info.constraint.clone(),
            None => return Err(SolverError::UnknownEditVariable(variable.clone())),
        };
        self.remove_constraint(&constraint)?;
        self.edits.remove(variable);
        Ok(())
    }

    /// Whether `variable` is an edit variable of the solver.
    pub fn has_edit_variable(&self, variable: &Variable) -> bool {
        self.edits.contains_key(variable)
    }

    /// Suggests a value for an edit variable; the solution is re-optimised at once (values are
    /// published by [`update_variables`](Solver::update_variables)).
    ///
    /// Errors: [`SolverError::UnknownEditVariable`] if `variable` is not an edit variable.
    pub fn suggest_value(&mut self, variable: &Variable, value: f64) -> Result<(), SolverError> {
        let info = self
            .edits
            .get_mut(variable)
            .ok_or_else(|| SolverError::UnknownEditVariable(variable.clone()))?;
        let delta = value - info.constant;
        info.constant = value;
        let Tag { marker, other } = info.tag;

        if let Some(row) = self.rows.get_mut(marker) {
            // The positive error is basic.
            if row.add(-delta) < 0.0 {
                self.infeasible_rows.push(marker);
            }
        } else if let Some(row) = self.rows.get_mut(other) {
            // The negative error is basic.
            if row.add(delta) < 0.0 {
                self.infeasible_rows.push(other);
            }
        } else {
            // Both are parametric: shift every row that holds the marker.
            for (symbol, row) in self.rows.iter_mut() {
                let coefficient = row.coefficient_for(marker);
                if coefficient != 0.0 && row.add(delta * coefficient) < 0.0 && !symbol.is_external()
                {
                    self.infeasible_rows.push(symbol);
                }
            }
        }
        self.dual_optimize()
    }

    /// Writes the solution into the variables: a variable that is basic gets its row's constant,
    /// any other known variable gets 0.
    pub fn update_variables(&self) {
        // Both sequences are sorted by symbol: each variable's row, if any, is at or after the
        // previous variable's.
        let mut start = 0;
        for (symbol, variable) in &self.var_symbols {
            let (position, row) = self.rows.find_from(start, *symbol);
            start = position;
            variable.set_value(row.map_or(0.0, |row| row.constant));
        }
    }

    /// Forgets every constraint, edit variable and variable, as a new solver.
    pub fn reset(&mut self) {
        *self = Solver::new();
    }

    /// The solver's internal state as text, laid out as kiwi's `dumps()` lays it out (sections
    /// Objective, Tableau, Infeasible, Variables, Edit Variables, Constraints; numbers as C++
    /// streams print them). Variables, edit variables and constraints are listed in creation
    /// order, where kiwi lists them in memory-address order.
    pub fn dumps(&self) -> String {
        let mut out = String::new();
        out.push_str("Objective\n---------\n");
        dump_row(&mut out, &self.objective);
        out.push_str("\nTableau\n-------\n");
        for (symbol, row) in self.rows.iter() {
            dump_symbol(&mut out, symbol);
            out.push_str(" | ");
            dump_row(&mut out, row);
        }
        out.push_str("\nInfeasible\n----------\n");
        for &symbol in &self.infeasible_rows {
            dump_symbol(&mut out, symbol);
            out.push('\n');
        }
        out.push_str("\nVariables\n---------\n");
        let mut vars: Vec<_> = self.vars.iter().collect();
        vars.sort_by(|a, b| a.0.cmp(b.0));
        for (variable, &symbol) in vars {
            let _ = write!(out, "{} = ", variable.name());
            dump_symbol(&mut out, symbol);
            out.push('\n');
        }
        out.push_str("\nEdit Variables\n--------------\n");
        let mut edits: Vec<_> = self.edits.keys().collect();
        edits.sort();
        for variable in edits {
            out.push_str(&variable.name());
            out.push('\n');
        }
        out.push_str("\nConstraints\n-----------\n");
        let mut cns: Vec<_> = self.cns.iter().collect();
        cns.sort_by_key(|(_, tag)| tag.marker.id());
        for (constraint, _) in cns {
            for term in &constraint.expression().terms {
                let _ = write!(
                    out,
                    "{} * {} + ",
                    format_g(term.coefficient),
                    term.variable.name()
                );
            }
            let _ = writeln!(
                out,
                "{} {} 0  | strength = {}",
                format_g(constraint.expression().constant),
                constraint.op().symbol(),
                format_g(constraint.strength())
            );
        }
        out.push_str("\n\n");
        out
    }

    // ----- internals, each mirroring one step of kiwi's SolverImpl -----

    /// The symbol of a variable, created on first use.
    fn var_symbol(&mut self, variable: &Variable) -> Symbol {
        if let Some(&symbol) = self.vars.get(variable) {
            return symbol;
        }
        let symbol = self.new_symbol(SymbolKind::External);
        self.vars.insert(variable.clone(), symbol);
        self.var_symbols.push((symbol, variable.clone()));
        symbol
    }

    fn new_symbol(&mut self, kind: SymbolKind) -> Symbol {
        let symbol = Symbol::new(self.id_tick, kind);
        self.id_tick += 1;
        symbol
    }

    /// Builds the tableau row of a constraint: basic variables substituted, slack/error/dummy
    /// symbols added (error symbols also enter the objective), constant made non-negative.
    fn create_row(&mut self, constraint: &Constraint) -> (Row, Tag) {
        let expression = constraint.expression();
        // Room for the terms and the marker symbols: the row then needs no regrowth in the
        // common case (no term is basic).
        let mut row = Row::with_capacity(expression.constant, expression.terms.len() + 2);
        for term in &expression.terms {
            if near_zero(term.coefficient) {
                continue;
            }
            let symbol = self.var_symbol(&term.variable);
            match self.rows.get(symbol) {
                Some(basic) => row.insert_row(basic, term.coefficient),
                None => row.insert_symbol(symbol, term.coefficient),
            }
        }

        let strength = constraint.strength();
        let mut tag = Tag {
            marker: Symbol::INVALID,
            other: Symbol::INVALID,
        };
        match constraint.op() {
            RelationalOperator::LessOrEqual | RelationalOperator::GreaterOrEqual => {
                let coefficient = if constraint.op() == RelationalOperator::LessOrEqual {
                    1.0
                } else {
                    -1.0
                };
                let slack = self.new_symbol(SymbolKind::Slack);
                tag.marker = slack;
                row.insert_symbol(slack, coefficient);
                if strength < strength::REQUIRED {
                    let error = self.new_symbol(SymbolKind::Error);
                    tag.other = error;
                    row.insert_symbol(error, -coefficient);
                    self.objective.insert_symbol(error, strength);
                }
            }
            RelationalOperator::Equal => {
                if strength < strength::REQUIRED {
                    let plus = self.new_symbol(SymbolKind::Error);
                    let minus = self.new_symbol(SymbolKind::Error);
                    tag.marker = plus;
                    tag.other = minus;
                    row.insert_symbol(plus, -1.0);
                    row.insert_symbol(minus, 1.0);
                    self.objective.insert_symbol(plus, strength);
                    self.objective.insert_symbol(minus, strength);
                } else {
                    let dummy = self.new_symbol(SymbolKind::Dummy);
                    tag.marker = dummy;
                    row.insert_symbol(dummy, 1.0);
                }
            }
        }

        if row.constant < 0.0 {
            row.reverse_sign();
        }
        (row, tag)
    }

    /// Adds a row through an artificial variable; `Ok(false)` when the row cannot be satisfied.
    fn add_with_artificial_variable(&mut self, row: &Row) -> Result<bool, SolverError> {
        let art = self.new_symbol(SymbolKind::Slack);
        self.rows.insert(art, row.clone());
        self.artificial = Some(row.clone());

        let optimized = self.optimize(Objective::Artificial);
        let artificial = self.artificial.take();
        optimized?;
        let success = artificial.is_some_and(|r| near_zero(r.constant));

        if let Some(mut art_row) = self.rows.remove(art) {
            if art_row.is_empty() {
                return Ok(success);
            }
            let entering = any_pivotable_symbol(&art_row);
            if entering.is_invalid() {
                return Ok(false);
            }
            art_row.solve_for_pair(art, entering);
            self.substitute(entering, &art_row);
            self.rows.insert(entering, art_row);
        }

        for (_, r) in self.rows.iter_mut() {
            r.remove(art);
        }
        self.objective.remove(art);
        Ok(success)
    }

    /// Replaces `symbol` by `row` in every row and the objective(s); rows of restricted symbols
    /// that turn negative are queued as infeasible.
    fn substitute(&mut self, symbol: Symbol, row: &Row) {
        for (basic, r) in self.rows.iter_mut() {
            r.substitute(symbol, row);
            if !basic.is_external() && r.constant < 0.0 {
                self.infeasible_rows.push(basic);
            }
        }
        self.objective.substitute(symbol, row);
        if let Some(artificial) = self.artificial.as_mut() {
            artificial.substitute(symbol, row);
        }
    }

    fn objective_row(&self, which: Objective) -> Option<&Row> {
        match which {
            Objective::Main => Some(&self.objective),
            Objective::Artificial => self.artificial.as_ref(),
        }
    }

    /// Primal simplex iterations until the objective is minimal.
    fn optimize(&mut self, which: Objective) -> Result<(), SolverError> {
        loop {
            let entering = match self.objective_row(which) {
                Some(objective) => entering_symbol(objective),
                None => return Ok(()),
            };
            if entering.is_invalid() {
                return Ok(());
            }
            let leaving = self
                .leaving_row(entering)
                .ok_or(SolverError::InternalSolverError(
                    "The objective is unbounded.",
                ))?;
            let mut row = self.rows.remove(leaving).unwrap_or_default();
            row.solve_for_pair(leaving, entering);
            self.substitute(entering, &row);
            self.rows.insert(entering, row);
        }
    }

    /// Dual simplex iterations until no queued row is infeasible.
    fn dual_optimize(&mut self) -> Result<(), SolverError> {
        while let Some(leaving) = self.infeasible_rows.pop() {
            let infeasible = self
                .rows
                .get(leaving)
                .is_some_and(|row| !near_zero(row.constant) && row.constant < 0.0);
            if !infeasible {
                continue;
            }
            let entering = match self.rows.get(leaving) {
                Some(row) => self.dual_entering_symbol(row),
                None => Symbol::INVALID,
            };
            if entering.is_invalid() {
                return Err(SolverError::InternalSolverError("Dual optimize failed."));
            }
            let mut row = self.rows.remove(leaving).unwrap_or_default();
            row.solve_for_pair(leaving, entering);
            self.substitute(entering, &row);
            self.rows.insert(entering, row);
        }
        Ok(())
    }

    /// The non-dummy symbol with a positive coefficient in `row` and the smallest ratio of its
    /// objective coefficient to that coefficient (the first one on ties).
    fn dual_entering_symbol(&self, row: &Row) -> Symbol {
        let mut entering = Symbol::INVALID;
        let mut ratio = f64::MAX;
        for &(symbol, coefficient) in row.cells() {
            if coefficient > 0.0 && symbol.kind() != SymbolKind::Dummy {
                let r = self.objective.coefficient_for(symbol) / coefficient;
                if r < ratio {
                    ratio = r;
                    entering = symbol;
                }
            }
        }
        entering
    }

    /// The restricted row limiting the entering symbol the most (the first one on ties).
    fn leaving_row(&self, entering: Symbol) -> Option<Symbol> {
        let mut ratio = f64::MAX;
        let mut found = None;
        for (symbol, row) in self.rows.iter() {
            if symbol.is_external() {
                continue;
            }
            let coefficient = row.coefficient_for(entering);
            if coefficient < 0.0 {
                let r = -row.constant / coefficient;
                if r < ratio {
                    ratio = r;
                    found = Some(symbol);
                }
            }
        }
        found
    }

    /// The row to pivot a constraint's marker out of: a restricted row where the marker has a
    /// negative coefficient (smallest ratio), else a restricted row (smallest ratio), else the
    /// last unrestricted row holding it.
    fn marker_leaving_row(&self, marker: Symbol) -> Option<Symbol> {
        let mut r1 = f64::MAX;
        let mut r2 = f64::MAX;
        let mut first = None;
        let mut second = None;
        let mut third = None;
        for (symbol, row) in self.rows.iter() {
            let c = row.coefficient_for(marker);
            if c == 0.0 {
                continue;
            }
            if symbol.is_external() {
                third = Some(symbol);
            } else if c < 0.0 {
                let r = -row.constant / c;
                if r < r1 {
                    r1 = r;
                    first = Some(symbol);
                }
            } else {
                let r = row.constant / c;
                if r < r2 {
                    r2 = r;
                    second = Some(symbol);
                }
            }
        }
        first.or(second).or(third)
    }

    fn remove_constraint_effects(&mut self, constraint: &Constraint, tag: &Tag) {
        for symbol in [tag.marker, tag.other] {
            if symbol.kind() == SymbolKind::Error {
                self.remove_marker_effects(symbol, constraint.strength());
            }
        }
    }

    fn remove_marker_effects(&mut self, marker: Symbol, strength: f64) {
        match self.rows.get(marker) {
            Some(row) => self.objective.insert_row(row, -strength),
            None => self.objective.insert_symbol(marker, -strength),
        }
    }
}

/// The subject to solve a new row for: its first external symbol, else the constraint's slack
/// or error marker (then other) if its coefficient is negative.
fn choose_subject(row: &Row, tag: &Tag) -> Symbol {
    if let Some(symbol) = row.symbols().find(|s| s.is_external()) {
        return symbol;
    }
    for candidate in [tag.marker, tag.other] {
        if candidate.is_restricted_pivotable() && row.coefficient_for(candidate) < 0.0 {
            return candidate;
        }
    }
    Symbol::INVALID
}

fn all_dummies(row: &Row) -> bool {
    row.symbols().all(|s| s.kind() == SymbolKind::Dummy)
}

/// The first slack or error symbol of the row.
fn any_pivotable_symbol(row: &Row) -> Symbol {
    row.symbols()
        .find(|s| s.is_restricted_pivotable())
        .unwrap_or(Symbol::INVALID)
}

/// The first non-dummy symbol with a negative coefficient in the objective.
fn entering_symbol(objective: &Row) -> Symbol {
    objective
        .cells()
        .iter()
        .find(|&&(s, c)| s.kind() != SymbolKind::Dummy && c < 0.0)
        .map_or(Symbol::INVALID, |&(s, _)| s)
}

fn dump_symbol(out: &mut String, symbol: Symbol) {
    let letter = match symbol.kind() {
        SymbolKind::Invalid => 'i',
        SymbolKind::External => 'v',
        SymbolKind::Slack => 's',
        SymbolKind::Error => 'e',
        SymbolKind::Dummy => 'd',
    };
    let _ = write!(out, "{letter}{}", symbol.id());
}

fn dump_row(out: &mut String, row: &Row) {
    for &(symbol, coefficient) in row.cells() {
        let _ = write!(out, " + {} * ", format_g(coefficient));
        dump_symbol(out, symbol);
    }
    out.push('\n');
}

/// A number as a default C++ stream prints it (`%g`, 6 significant digits): the format of
/// kiwi's dumps and of kiwisolver's reprs.
pub fn format_g(x: f64) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan" } else { "nan" }.to_string();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.to_string();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    let sci = format!("{x:.5e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if !(-4..6).contains(&exponent) {
        let mantissa = trim_zeros(mantissa);
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    } else {
        let decimals = usize::try_from(5 - exponent).unwrap_or(0);
        trim_zeros(&format!("{x:.decimals$}")).to_string()
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::format_g;

    #[test]
    fn format_g_matches_printf() {
        // Expected strings: Python's `'%g' % x`, which is C's printf, as C++ streams print.
        let cases = [
            (1.0, "1"),
            (-1.0, "-1"),
            (0.5, "0.5"),
            (1001001000.0, "1.001e+09"),
            (1000000.0, "1e+06"),
            (999999.5, "1e+06"),
            (123456.7, "123457"),
            (1234567.0, "1.23457e+06"),
            (0.0001, "0.0001"),
            (1.234e-05, "1.234e-05"),
            (-2.5e-07, "-2.5e-07"),
            (1.23456789, "1.23457"),
            (100000.0, "100000"),
            (9.9999e-05, "9.9999e-05"),
            (2.0 / 3.0, "0.666667"),
            (-1e+21, "-1e+21"),
            (1e+300, "1e+300"),
            (1e20, "1e+20"),
            (123456.0, "123456"),
            (0.00001, "1e-05"),
            (5e-324, "4.94066e-324"),
            (0.0, "0"),
            (-0.0, "-0"),
        ];
        for (x, expected) in cases {
            assert_eq!(format_g(x), expected, "{x:e}");
        }
    }
}
