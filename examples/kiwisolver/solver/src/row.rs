//! Tableau symbols, rows and the sorted map of rows (internal).
//!
//! kiwi keeps the cells of a row and the rows of the tableau in sorted vectors (Loki's
//! `AssocVector`: binary search, insertion and removal by moving the tail). So do these types,
//! rather than `BTreeMap`s: iteration walks contiguous memory in symbol order, and a row is one
//! small allocation. The order of iteration, and the floating-point operations performed on
//! each cell, are those of a sorted map, so every result is the same bit for bit.

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
#[repr(u8)]
pub(crate) enum SymbolKind {
    /// No symbol.
    Invalid = 0,
    /// A user variable.
    External = 1,
    /// A slack variable of an inequality (also artificial variables).
    Slack = 2,
    /// An error variable of a non-required constraint.
    Error = 3,
    /// The marker of a required equality.
    Dummy = 4,
}

/// Bits of a [`Symbol`] that hold its kind.
const KIND_BITS: u32 = 3;

/// A tableau symbol: its id and kind packed into one word (`id << 3 | kind`), so that a cell
/// (symbol and coefficient) takes 16 bytes.
///
/// A solver gives every symbol a new id, so one id always comes with the same kind: comparing
/// packed words compares ids. Maps keyed by symbols therefore iterate in creation order, on
/// which the pivoting choices depend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Symbol(u64);

impl Symbol {
    /// The absent symbol (id 0; real symbols start at 1).
    pub(crate) const INVALID: Symbol = Symbol(0);

    /// A symbol with the given id (below 2^61, which a `u64` counter never reaches) and kind.
    pub(crate) fn new(id: u64, kind: SymbolKind) -> Symbol {
        Symbol(id << KIND_BITS | kind as u64)
    }

    /// The id: the symbol's creation order within its solver.
    pub(crate) fn id(self) -> u64 {
        self.0 >> KIND_BITS
    }

    pub(crate) fn kind(self) -> SymbolKind {
        match self.0 & ((1 << KIND_BITS) - 1) {
            1 => SymbolKind::External,
            2 => SymbolKind::Slack,
            3 => SymbolKind::Error,
            4 => SymbolKind::Dummy,
            _ => SymbolKind::Invalid,
        }
    }

    pub(crate) fn is_invalid(self) -> bool {
        self.kind() == SymbolKind::Invalid
    }

    pub(crate) fn is_external(self) -> bool {
        self.kind() == SymbolKind::External
    }

    /// Slack and error symbols: those that can be pivoted freely and must stay >= 0.
    pub(crate) fn is_restricted_pivotable(self) -> bool {
        matches!(self.kind(), SymbolKind::Slack | SymbolKind::Error)
    }

    /// The symbol's bit in a row's [`filter`](Row::filter).
    fn filter_bit(self) -> u64 {
        1 << (self.id() % 64)
    }
}

/// A row `constant + sum(coefficient * symbol)`, cells kept sorted by symbol id.
#[derive(Clone, Debug, Default)]
pub(crate) struct Row {
    /// The cells, sorted by symbol; no symbol twice.
    cells: Vec<(Symbol, f64)>,
    pub(crate) constant: f64,
    /// Bit `id % 64` is set for the id of every symbol in `cells`: a row whose filter lacks a
    /// symbol's bit does not hold that symbol. The solver asks every row of the tableau about
    /// one symbol (substitution, ratio tests), and most rows do not hold it: the filter answers
    /// them without touching the cells. Kept exact: recomputed when cells leave.
    filter: u64,
}

impl Row {
    pub(crate) fn new(constant: f64) -> Row {
        Row {
            cells: Vec::new(),
            constant,
            filter: 0,
        }
    }

    /// A row with room for `capacity` cells.
    pub(crate) fn with_capacity(constant: f64, capacity: usize) -> Row {
        Row {
            cells: Vec::with_capacity(capacity),
            constant,
            filter: 0,
        }
    }

    /// The cells in symbol order.
    pub(crate) fn cells(&self) -> &[(Symbol, f64)] {
        &self.cells
    }

    /// The symbols of the cells, in order.
    pub(crate) fn symbols(&self) -> impl Iterator<Item = Symbol> + '_ {
        self.cells.iter().map(|&(symbol, _)| symbol)
    }

    /// Whether the row has no cells (only a constant).
    pub(crate) fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Where `symbol`'s cell is (`Ok`) or would be inserted (`Err`), if the row may hold it;
    /// `None` when the filter says it does not.
    #[inline]
    fn find(&self, symbol: Symbol) -> Option<Result<usize, usize>> {
        if self.filter & symbol.filter_bit() == 0 {
            return None;
        }
        Some(self.cells.binary_search_by(|&(s, _)| s.cmp(&symbol)))
    }

    /// Recomputes the filter after cells left the row.
    fn refilter(&mut self) {
        self.filter = self
            .cells
            .iter()
            .fold(0, |filter, &(symbol, _)| filter | symbol.filter_bit());
    }

    /// Adds `value` to the constant and returns the new constant.
    pub(crate) fn add(&mut self, value: f64) -> f64 {
        self.constant += value;
        self.constant
    }

    /// Adds `coefficient` to the symbol's cell, dropping the cell when it becomes near zero.
    pub(crate) fn insert_symbol(&mut self, symbol: Symbol, coefficient: f64) {
        let position = match self.find(symbol) {
            Some(found) => found,
            None => Err(self.cells.partition_point(|&(s, _)| s < symbol)),
        };
        if self.add_to_cell(position, symbol, coefficient) {
            self.refilter();
        }
    }

    /// Adds `coefficient` to the cell of `symbol` found at `position` (`Ok`: it exists, `Err`:
    /// where it goes); a new cell starts at 0.0, and a cell that becomes near zero is removed,
    /// as kiwi's `cells[symbol] += coefficient` then erase does. Returns whether a cell was
    /// removed (the filter then needs recomputing).
    fn add_to_cell(
        &mut self,
        position: Result<usize, usize>,
        symbol: Symbol,
        coefficient: f64,
    ) -> bool {
        match position {
            Ok(i) => {
                let value = self.cells[i].1 + coefficient;
                if near_zero(value) {
                    self.cells.remove(i);
                    return true;
                }
                self.cells[i].1 = value;
            }
            Err(i) => {
                // `0.0 +` as in kiwi (it turns -0.0 into 0.0, which near_zero drops anyway).
                let value = 0.0 + coefficient;
                if !near_zero(value) {
                    self.cells.insert(i, (symbol, value));
                    self.filter |= symbol.filter_bit();
                }
            }
        }
        false
    }

    /// Adds `coefficient * other` to this row.
    pub(crate) fn insert_row(&mut self, other: &Row, coefficient: f64) {
        self.constant += other.constant * coefficient;
        // Each cell gets what kiwi's `cells[symbol] += value * coefficient` then erase-if-near-
        // zero gives it, but all cells in one merge of the two sorted rows, in place: the row
        // first grows by `other`'s length, then the merge runs from the back, writing each
        // result at `write`, which never falls below `mine` (the end of this row's cells not
        // yet merged), so no unread cell is overwritten. This avoids one binary search and one
        // move of the tail per inserted cell.
        let old_len = self.cells.len();
        self.cells
            .resize(old_len + other.cells.len(), (Symbol::INVALID, 0.0));
        let mut write = self.cells.len();
        let mut mine = old_len;
        let mut removed = false;
        for &(symbol, value) in other.cells.iter().rev() {
            // This row's larger cells are unchanged: move them to their place.
            while mine > 0 && self.cells[mine - 1].0 > symbol {
                mine -= 1;
                write -= 1;
                self.cells[write] = self.cells[mine];
            }
            let existing = mine > 0 && self.cells[mine - 1].0 == symbol;
            // A new cell starts at 0.0, as in kiwi (`0.0 +` turns -0.0 into 0.0, which
            // near_zero drops anyway).
            let start = if existing {
                mine -= 1;
                self.cells[mine].1
            } else {
                0.0
            };
            let result = start + value * coefficient;
            if near_zero(result) {
                removed |= existing;
            } else {
                write -= 1;
                self.cells[write] = (symbol, result);
                self.filter |= symbol.filter_bit();
            }
        }
        // Cells [..mine] are in place; [mine..write] are left over from growing or dropped.
        self.cells.drain(mine..write);
        if removed {
            self.refilter();
        }
    }

    pub(crate) fn remove(&mut self, symbol: Symbol) {
        if let Some(Ok(i)) = self.find(symbol) {
            self.cells.remove(i);
            self.refilter();
        }
    }

    /// Removes `symbol`'s cell and returns its coefficient, if the row holds it.
    fn take(&mut self, symbol: Symbol) -> Option<f64> {
        let Some(Ok(i)) = self.find(symbol) else {
            return None;
        };
        let (_, coefficient) = self.cells.remove(i);
        self.refilter();
        Some(coefficient)
    }

    pub(crate) fn reverse_sign(&mut self) {
        self.constant = -self.constant;
        for (_, value) in &mut self.cells {
            *value = -*value;
        }
    }

    /// Turns `a * symbol + rest = 0` into `symbol = -rest / a` (the symbol leaves the row).
    pub(crate) fn solve_for(&mut self, symbol: Symbol) {
        let coefficient = self.take(symbol).unwrap_or(0.0);
        let factor = -1.0 / coefficient;
        self.constant *= factor;
        for (_, value) in &mut self.cells {
            *value *= factor;
        }
    }

    /// Turns `lhs = rest` (lhs absent from the row) into a row solved for `rhs`.
    pub(crate) fn solve_for_pair(&mut self, lhs: Symbol, rhs: Symbol) {
        self.insert_symbol(lhs, -1.0);
        self.solve_for(rhs);
    }

    #[inline]
    pub(crate) fn coefficient_for(&self, symbol: Symbol) -> f64 {
        match self.find(symbol) {
            Some(Ok(i)) => self.cells[i].1,
            _ => 0.0,
        }
    }

    /// Replaces `symbol` in this row by the expression `row`.
    #[inline]
    pub(crate) fn substitute(&mut self, symbol: Symbol, row: &Row) {
        if let Some(coefficient) = self.take(symbol) {
            self.insert_row(row, coefficient);
        }
    }
}

/// A map from symbols to values, kept as a vector sorted by symbol (kiwi's `AssocVector`):
/// iteration is in symbol order over contiguous memory, lookups are binary searches, insertions
/// and removals move the entries after them.
#[derive(Clone, Debug)]
pub(crate) struct SymbolMap<V> {
    entries: Vec<(Symbol, V)>,
}

impl<V> Default for SymbolMap<V> {
    fn default() -> SymbolMap<V> {
        SymbolMap {
            entries: Vec::new(),
        }
    }
}

impl<V> SymbolMap<V> {
    fn position(&self, symbol: Symbol) -> Result<usize, usize> {
        self.entries.binary_search_by(|&(s, _)| s.cmp(&symbol))
    }

    pub(crate) fn get(&self, symbol: Symbol) -> Option<&V> {
        let i = self.position(symbol).ok()?;
        Some(&self.entries[i].1)
    }

    pub(crate) fn get_mut(&mut self, symbol: Symbol) -> Option<&mut V> {
        let i = self.position(symbol).ok()?;
        Some(&mut self.entries[i].1)
    }

    /// Looks `symbol` up among the entries from index `start` on (all earlier ones being smaller
    /// symbols): returns the index of its entry, or where it would be, and its value. The entry
    /// at `start` is tried first, so a walk over symbols that are mostly keys costs one
    /// comparison each.
    pub(crate) fn find_from(&self, start: usize, symbol: Symbol) -> (usize, Option<&V>) {
        let rest = &self.entries[start.min(self.entries.len())..];
        let found = match rest.first() {
            Some(&(first, _)) if first == symbol => Ok(0),
            Some(&(first, _)) if first > symbol => Err(0),
            _ => rest.binary_search_by(|&(s, _)| s.cmp(&symbol)),
        };
        match found {
            Ok(i) => (start + i, Some(&rest[i].1)),
            Err(i) => (start + i, None),
        }
    }

    /// Sets `symbol`'s value (replacing any previous one).
    pub(crate) fn insert(&mut self, symbol: Symbol, value: V) {
        match self.position(symbol) {
            Ok(i) => self.entries[i].1 = value,
            // New symbols usually have the largest id: then this appends.
            Err(i) => self.entries.insert(i, (symbol, value)),
        }
    }

    pub(crate) fn remove(&mut self, symbol: Symbol) -> Option<V> {
        let i = self.position(symbol).ok()?;
        Some(self.entries.remove(i).1)
    }

    /// The entries in symbol order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Symbol, &V)> {
        self.entries.iter().map(|(symbol, value)| (*symbol, value))
    }

    /// The entries in symbol order, values mutable.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (Symbol, &mut V)> {
        self.entries
            .iter_mut()
            .map(|(symbol, value)| (*symbol, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(id: u64) -> Symbol {
        Symbol::new(id, SymbolKind::Slack)
    }

    /// The row's cells as (id, value) pairs, checking the invariants on the way.
    fn cells(row: &Row) -> Vec<(u64, f64)> {
        let ids: Vec<u64> = row.symbols().map(Symbol::id).collect();
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "sorted, unique: {ids:?}"
        );
        let mut exact = row.clone();
        exact.refilter();
        assert_eq!(row.filter, exact.filter);
        row.cells().iter().map(|&(s, v)| (s.id(), v)).collect()
    }

    #[test]
    fn symbols_pack_id_and_kind() {
        let s = Symbol::new(70, SymbolKind::Dummy);
        assert_eq!((s.id(), s.kind()), (70, SymbolKind::Dummy));
        assert!(Symbol::new(3, SymbolKind::Dummy) < Symbol::new(4, SymbolKind::External));
        assert!(Symbol::INVALID.is_invalid());
        assert!(Symbol::new(1, SymbolKind::External).is_external());
    }

    #[test]
    fn insert_row_merges_like_a_sorted_map() {
        // ids 1 and 65 share a filter bit.
        let mut a = Row::new(1.0);
        for (id, v) in [(1, 1.0), (3, 2.0), (65, 4.0), (90, 1.0)] {
            a.insert_symbol(sym(id), v);
        }
        let mut b = Row::new(2.0);
        for (id, v) in [
            (0, 5.0),
            (1, 1.0),
            (2, 3.0),
            (65, -2.0),
            (70, 1.0),
            (91, 1.0),
        ] {
            b.insert_symbol(sym(id), v);
        }
        a.insert_row(&b, -0.5);
        let expected = [
            (0, -2.5),
            (1, 0.5),
            (2, -1.5),
            (3, 2.0),
            (65, 5.0),
            (70, -0.5),
            (90, 1.0),
            (91, -0.5),
        ];
        assert_eq!(cells(&a), expected);
        assert_eq!(a.constant, 0.0);
        // Cells that cancel leave the row, and the filter forgets them.
        let mut c = Row::new(0.0);
        c.insert_row(&a, -1.0);
        c.insert_row(&a, 1.0);
        assert_eq!(cells(&c), []);
        assert_eq!(c.coefficient_for(sym(65)), 0.0);
        a.substitute(sym(65), &b);
        assert_eq!(a.coefficient_for(sym(65)), -10.0);
        assert_eq!(a.coefficient_for(sym(1)), 5.5);
        assert_eq!(cells(&a).len(), 8);
        a.remove(sym(1));
        a.solve_for(sym(3));
        assert_eq!(a.coefficient_for(sym(90)), -0.5);
        assert_eq!(cells(&a).len(), 6);
    }

    #[test]
    fn symbol_map_is_sorted() {
        let mut m = SymbolMap::default();
        for id in [5, 1, 9, 3] {
            m.insert(sym(id), id * 10);
        }
        m.insert(sym(3), 31);
        assert_eq!(m.remove(sym(9)), Some(90));
        assert_eq!(m.remove(sym(9)), None);
        *m.get_mut(sym(1)).unwrap() += 1;
        let all: Vec<_> = m.iter().map(|(s, &v)| (s.id(), v)).collect();
        assert_eq!(all, [(1, 11), (3, 31), (5, 50)]);
        assert_eq!(m.get(sym(4)), None);
        assert_eq!(m.find_from(0, sym(1)), (0, Some(&11)));
        assert_eq!(m.find_from(1, sym(3)), (1, Some(&31)));
        assert_eq!(m.find_from(0, sym(4)), (2, None));
        assert_eq!(m.find_from(0, sym(5)), (2, Some(&50)));
        assert_eq!(m.find_from(2, sym(7)), (3, None));
        assert_eq!(m.find_from(3, sym(8)), (3, None));
    }
}
