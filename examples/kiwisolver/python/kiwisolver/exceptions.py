"""The exceptions the solver raises (the extension looks them up here when it raises one)."""


class BadRequiredStrength(Exception):
    """A required strength where only a non-required one is allowed (edit variables)."""


class DuplicateConstraint(Exception):
    """The constraint is already in the solver."""

    __slots__ = ("constraint",)

    def __init__(self, constraint):
        self.constraint = constraint


class DuplicateEditVariable(Exception):
    """The variable is already an edit variable of the solver."""

    __slots__ = ("edit_variable",)

    def __init__(self, edit_variable):
        self.edit_variable = edit_variable


class UnknownConstraint(Exception):
    """The constraint is not in the solver."""

    __slots__ = ("constraint",)

    def __init__(self, constraint):
        self.constraint = constraint


class UnknownEditVariable(Exception):
    """The variable is not an edit variable of the solver."""

    __slots__ = ("edit_variable",)

    def __init__(self, edit_variable):
        self.edit_variable = edit_variable


class UnsatisfiableConstraint(Exception):
    """The required constraint cannot be satisfied together with the others."""

    __slots__ = ("constraint",)

    def __init__(self, constraint):
        self.constraint = constraint
