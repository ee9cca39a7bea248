//! Constraints: an expression compared with zero, with a strength.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::{strength, Expression};

/// The relation of a constraint's expression to zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelationalOperator {
    /// `expression <= 0`
    LessOrEqual,
    /// `expression >= 0`
    GreaterOrEqual,
    /// `expression == 0`
    Equal,
}

impl RelationalOperator {
    /// The operator as Python writes it: `<=`, `>=` or `==`.
    pub fn symbol(self) -> &'static str {
        match self {
            RelationalOperator::LessOrEqual => "<=",
            RelationalOperator::GreaterOrEqual => ">=",
            RelationalOperator::Equal => "==",
        }
    }
}

struct ConstraintData {
    expression: Expression,
    op: RelationalOperator,
    strength: f64,
}

/// A constraint `expression op 0` with a strength; a cheap shared handle (`Send` and `Sync`).
///
/// Equality and hashing are by identity: a solver knows a constraint object, not an equation.
#[derive(Clone)]
pub struct Constraint(Arc<ConstraintData>);

impl Constraint {
    /// Creates a constraint. The expression is reduced (see [`Expression::reduce`]) and the
    /// strength clipped (see [`strength::clip`]).
    pub fn new(expression: &Expression, op: RelationalOperator, strength: f64) -> Constraint {
        Constraint(Arc::new(ConstraintData {
            expression: expression.reduce(),
            op,
            strength: strength::clip(strength),
        }))
    }

    /// A new constraint (a different identity) with this one's expression and operator and another
    /// strength (clipped): what Python's `constraint | strength` gives.
    pub fn with_strength(&self, strength: f64) -> Constraint {
        Constraint(Arc::new(ConstraintData {
            expression: self.0.expression.clone(),
            op: self.0.op,
            strength: strength::clip(strength),
        }))
    }

    /// The (reduced) expression.
    pub fn expression(&self) -> &Expression {
        &self.0.expression
    }

    /// The relational operator.
    pub fn op(&self) -> RelationalOperator {
        self.0.op
    }

    /// The strength.
    pub fn strength(&self) -> f64 {
        self.0.strength
    }

    /// Whether the constraint is violated by the variables' current values (an equality is
    /// satisfied when its expression is within 1e-8 of zero).
    pub fn violated(&self) -> bool {
        let value = self.0.expression.value();
        match self.0.op {
            RelationalOperator::Equal => !crate::row::near_zero(value),
            RelationalOperator::GreaterOrEqual => value < 0.0,
            RelationalOperator::LessOrEqual => value > 0.0,
        }
    }

    /// Whether two handles refer to the same constraint.
    pub fn is(&self, other: &Constraint) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl PartialEq for Constraint {
    fn eq(&self, other: &Constraint) -> bool {
        self.is(other)
    }
}

impl Eq for Constraint {}

impl Hash for Constraint {
    fn hash<H: Hasher>(&self, state: &mut H) {
        Arc::as_ptr(&self.0).hash(state);
    }
}

impl fmt::Debug for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Constraint")
            .field("expression", &self.0.expression)
            .field("op", &self.0.op)
            .field("strength", &self.0.strength)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Term, Variable};

    #[test]
    fn identity_reduction_and_violation() {
        let x = Variable::new("x");
        let e = Expression::new(
            vec![Term::new(x.clone(), 1.0), Term::new(x.clone(), 1.0)],
            -4.0,
        );
        let c = Constraint::new(&e, RelationalOperator::Equal, 5e9);
        assert_eq!(c.strength(), strength::REQUIRED);
        assert_eq!(c.expression().terms.len(), 1);
        assert_eq!(c.expression().terms[0].coefficient, 2.0);
        let d = c.with_strength(strength::WEAK);
        assert_ne!(c, d);
        assert_eq!(c, c.clone());
        assert_eq!(d.strength(), 1.0);
        assert_eq!(d.op(), RelationalOperator::Equal);
        assert!(c.violated());
        x.set_value(2.0);
        assert!(!c.violated());
        let ge = Constraint::new(&e, RelationalOperator::GreaterOrEqual, 1.0);
        let le = Constraint::new(&e, RelationalOperator::LessOrEqual, 1.0);
        x.set_value(3.0);
        assert!(!ge.violated());
        assert!(le.violated());
    }
}
