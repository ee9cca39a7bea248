//! Shared, named solver variables.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counter giving every variable a creation serial number (its order among variables).
static NEXT_SERIAL: AtomicU64 = AtomicU64::new(0);

struct VariableData {
    serial: u64,
    name: RefCell<String>,
    value: Cell<f64>,
    context: RefCell<Option<Rc<dyn Any>>>,
}

/// A solver variable: a cheap, shared handle (cloning shares the same variable).
///
/// Equality and hashing are by identity: two handles are equal when they refer to the same
/// variable, whatever their names. Variables are ordered by creation; that order decides the
/// order of the terms of a [`Constraint`](crate::Constraint) (kiwi orders them by address, which
/// for variables allocated one after the other is the same order).
#[derive(Clone)]
pub struct Variable(Rc<VariableData>);

impl Variable {
    /// Creates a variable with the given name, the value 0 and no context.
    pub fn new(name: impl Into<String>) -> Variable {
        Variable(Rc::new(VariableData {
            serial: NEXT_SERIAL.fetch_add(1, Ordering::Relaxed),
            name: RefCell::new(name.into()),
            value: Cell::new(0.0),
            context: RefCell::new(None),
        }))
    }

    /// The name of the variable.
    pub fn name(&self) -> String {
        self.0.name.borrow().clone()
    }

    /// Renames the variable.
    pub fn set_name(&self, name: impl Into<String>) {
        *self.0.name.borrow_mut() = name.into();
    }

    /// The current value (set by [`Solver::update_variables`](crate::Solver::update_variables)).
    pub fn value(&self) -> f64 {
        self.0.value.get()
    }

    /// Sets the value of the variable.
    pub fn set_value(&self, value: f64) {
        self.0.value.set(value);
    }

    /// The opaque context object attached to the variable, if any.
    pub fn context(&self) -> Option<Rc<dyn Any>> {
        self.0.context.borrow().clone()
    }

    /// Attaches an opaque context object to the variable (or removes it with `None`), returning
    /// the previous one.
    pub fn set_context(&self, context: Option<Rc<dyn Any>>) -> Option<Rc<dyn Any>> {
        std::mem::replace(&mut *self.0.context.borrow_mut(), context)
    }

    /// Whether two handles refer to the same variable.
    pub fn is(&self, other: &Variable) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// The creation serial number: variables created later have larger numbers.
    pub fn serial(&self) -> u64 {
        self.0.serial
    }
}

impl PartialEq for Variable {
    fn eq(&self, other: &Variable) -> bool {
        self.is(other)
    }
}

impl Eq for Variable {}

impl Hash for Variable {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.serial.hash(state);
    }
}

impl PartialOrd for Variable {
    fn partial_cmp(&self, other: &Variable) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Variable {
    fn cmp(&self, other: &Variable) -> std::cmp::Ordering {
        self.0.serial.cmp(&other.0.serial)
    }
}

impl fmt::Debug for Variable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Variable")
            .field("name", &*self.0.name.borrow())
            .field("value", &self.value())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_and_fields() {
        let a = Variable::new("a");
        let b = Variable::new("a");
        assert_ne!(a, b);
        assert_eq!(a, a.clone());
        assert!(a < b);
        a.set_name("x");
        assert_eq!(a.name(), "x");
        assert_eq!(a.value(), 0.0);
        a.set_value(3.5);
        assert_eq!(a.clone().value(), 3.5);
        assert!(a.context().is_none());
        assert!(a.set_context(Some(Rc::new(7_i32))).is_none());
        let ctx = a.context().expect("context");
        assert_eq!(ctx.downcast_ref::<i32>(), Some(&7));
        assert!(a.set_context(None).is_some());
    }
}
