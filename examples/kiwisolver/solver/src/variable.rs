//! Shared, named solver variables.

use std::any::Any;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// The opaque context object a variable can carry.
pub type Context = Arc<dyn Any + Send + Sync>;

/// Counter giving every variable a creation serial number (its order among variables).
static NEXT_SERIAL: AtomicU64 = AtomicU64::new(0);

struct VariableData {
    serial: u64,
    name: Mutex<String>,
    /// The value's bits (an atomic f64).
    value: AtomicU64,
    context: Mutex<Option<Context>>,
}

/// Locks a mutex; a poisoned one (a panic while it was held) still holds a valid value.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A solver variable: a cheap, shared handle (cloning shares the same variable). `Send` and
/// `Sync`, so it can live in a Python object's payload.
///
/// Equality and hashing are by identity: two handles are equal when they refer to the same
/// variable, whatever their names. Variables are ordered by creation; that order decides the
/// order of the terms of a [`Constraint`](crate::Constraint) (kiwi orders them by address, which
/// for variables allocated one after the other is the same order).
#[derive(Clone)]
pub struct Variable(Arc<VariableData>);

impl Variable {
    /// Creates a variable with the given name, the value 0 and no context.
    pub fn new(name: impl Into<String>) -> Variable {
        Variable(Arc::new(VariableData {
            serial: NEXT_SERIAL.fetch_add(1, Ordering::Relaxed),
            name: Mutex::new(name.into()),
            value: AtomicU64::new(0.0_f64.to_bits()),
            context: Mutex::new(None),
        }))
    }

    /// The name of the variable.
    pub fn name(&self) -> String {
        lock(&self.0.name).clone()
    }

    /// Renames the variable.
    pub fn set_name(&self, name: impl Into<String>) {
        *lock(&self.0.name) = name.into();
    }

    /// The current value (set by [`Solver::update_variables`](crate::Solver::update_variables)).
    pub fn value(&self) -> f64 {
        f64::from_bits(self.0.value.load(Ordering::Relaxed))
    }

    /// Sets the value of the variable.
    pub fn set_value(&self, value: f64) {
        self.0.value.store(value.to_bits(), Ordering::Relaxed);
    }

    /// The opaque context object attached to the variable, if any.
    pub fn context(&self) -> Option<Context> {
        lock(&self.0.context).clone()
    }

    /// Attaches an opaque context object to the variable (or removes it with `None`), returning
    /// the previous one.
    pub fn set_context(&self, context: Option<Context>) -> Option<Context> {
        std::mem::replace(&mut *lock(&self.0.context), context)
    }

    /// Whether two handles refer to the same variable.
    pub fn is(&self, other: &Variable) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
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
            .field("name", &*lock(&self.0.name))
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
        assert!(a.set_context(Some(Arc::new(7_i32))).is_none());
        let ctx = a.context().expect("context");
        assert_eq!(ctx.downcast_ref::<i32>(), Some(&7));
        assert!(a.set_context(None).is_some());
    }

    #[test]
    fn handles_are_send_and_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Variable>();
        check::<crate::Constraint>();
        check::<crate::Expression>();
        check::<crate::Solver>();
        check::<crate::SolverError>();
    }
}
