"""kiwisolver on hpy-rs: a drop-in replacement for kiwisolver 1.5.1 (the Cassowary solver)."""

from ._cext import (
    Constraint,
    Expression,
    Solver,
    Term,
    Variable,
    __kiwi_version__,
    __version__,
    strength,
)
from .exceptions import (
    BadRequiredStrength,
    DuplicateConstraint,
    DuplicateEditVariable,
    UnknownConstraint,
    UnknownEditVariable,
    UnsatisfiableConstraint,
)

# kiwisolver's _cext holds the exception classes too (it imports them from .exceptions).
from . import _cext, exceptions

for _name in (
    "BadRequiredStrength",
    "DuplicateConstraint",
    "DuplicateEditVariable",
    "UnknownConstraint",
    "UnknownEditVariable",
    "UnsatisfiableConstraint",
):
    setattr(_cext, _name, getattr(exceptions, _name))
del _name

__all__ = [
    "BadRequiredStrength",
    "Constraint",
    "DuplicateConstraint",
    "DuplicateEditVariable",
    "Expression",
    "Solver",
    "Term",
    "UnknownConstraint",
    "UnknownEditVariable",
    "UnsatisfiableConstraint",
    "Variable",
    "__kiwi_version__",
    "__version__",
    "strength",
]
