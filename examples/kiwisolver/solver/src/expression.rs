//! Terms and linear expressions.

use crate::Variable;

/// A variable multiplied by a coefficient.
#[derive(Clone, Debug)]
pub struct Term {
    /// The variable.
    pub variable: Variable,
    /// The coefficient.
    pub coefficient: f64,
}

impl Term {
    /// Creates the term `coefficient * variable`.
    pub fn new(variable: Variable, coefficient: f64) -> Term {
        Term {
            variable,
            coefficient,
        }
    }

    /// The value of the term from the variable's current value.
    pub fn value(&self) -> f64 {
        self.coefficient * self.variable.value()
    }
}

/// A linear expression: a sum of terms plus a constant.
#[derive(Clone, Debug, Default)]
pub struct Expression {
    /// The terms, in order (a variable may appear in several terms).
    pub terms: Vec<Term>,
    /// The constant.
    pub constant: f64,
}

impl Expression {
    /// Creates an expression from its terms and constant.
    pub fn new(terms: Vec<Term>, constant: f64) -> Expression {
        Expression { terms, constant }
    }

    /// The expression `1 * variable + 0`.
    pub fn from_variable(variable: Variable) -> Expression {
        Expression::new(vec![Term::new(variable, 1.0)], 0.0)
    }

    /// The expression holding only a constant.
    pub fn from_constant(constant: f64) -> Expression {
        Expression::new(Vec::new(), constant)
    }

    /// The value of the expression from the variables' current values.
    pub fn value(&self) -> f64 {
        self.terms
            .iter()
            .fold(self.constant, |acc, term| acc + term.value())
    }

    /// The expression with one term per variable (coefficients of repeated variables summed, in
    /// term order), the terms sorted by variable creation order, as kiwi's constraints do.
    pub fn reduce(&self) -> Expression {
        let mut terms: Vec<Term> = Vec::with_capacity(self.terms.len());
        for term in &self.terms {
            match terms.iter_mut().find(|t| t.variable == term.variable) {
                Some(existing) => existing.coefficient += term.coefficient,
                None => terms.push(term.clone()),
            }
        }
        terms.sort_by(|a, b| a.variable.cmp(&b.variable));
        Expression::new(terms, self.constant)
    }
}

impl From<Variable> for Expression {
    fn from(variable: Variable) -> Expression {
        Expression::from_variable(variable)
    }
}

impl From<Term> for Expression {
    fn from(term: Term) -> Expression {
        Expression::new(vec![term], 0.0)
    }
}

impl From<f64> for Expression {
    fn from(constant: f64) -> Expression {
        Expression::from_constant(constant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_and_reduce() {
        let x = Variable::new("x");
        let y = Variable::new("y");
        x.set_value(2.0);
        y.set_value(3.0);
        let e = Expression::new(
            vec![
                Term::new(y.clone(), 1.0),
                Term::new(x.clone(), 4.0),
                Term::new(y.clone(), 2.0),
            ],
            1.0,
        );
        assert_eq!(e.value(), 1.0 + 3.0 + 8.0 + 6.0);
        let r = e.reduce();
        assert_eq!(r.terms.len(), 2);
        assert_eq!(r.terms[0].variable, x);
        assert_eq!(r.terms[0].coefficient, 4.0);
        assert_eq!(r.terms[1].variable, y);
        assert_eq!(r.terms[1].coefficient, 3.0);
        assert_eq!(r.constant, 1.0);
        assert_eq!(r.value(), e.value());
    }
}
