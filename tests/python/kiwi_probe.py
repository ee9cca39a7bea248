"""Prints, one JSON value per line, what `kiwisolver` gives for a fixed script: reprs, results,
error types and messages, solver values. tests/python/test_kiwisolver.py runs it once against
the real kiwisolver 1.5.1 and once against the port, and compares the two outputs."""

import json
import sys

import kiwisolver as k


def show(label, thunk):
    try:
        value = thunk()
        out = ["ok", type(value).__name__, repr(value), str(value)]
    except Exception as e:  # the error's type, module and message are what is compared
        out = ["raise", type(e).__module__ + "." + type(e).__qualname__, str(e), [repr(a) for a in e.args]]
    print(json.dumps([label] + out))


v, v2 = k.Variable("foo"), k.Variable("bar")
t = k.Term(v, 2)
e = v + 2 * v2 + 3
show("names", lambda: (k.__version__, k.__kiwi_version__, k.Variable.__module__, k.Variable.__name__,
                       type(k.strength).__name__, sorted(n for n in k.__all__)))
show("_cext names", lambda: sorted(n for n in dir(k._cext) if not n.startswith("__")))
show("exceptions", lambda: [(c.__module__, c.__name__, c.__mro__[1].__name__, c.__slots__ if "__slots__" in vars(c) else None)
                            for c in (k.BadRequiredStrength, k.DuplicateConstraint, k.DuplicateEditVariable,
                                      k.UnknownConstraint, k.UnknownEditVariable, k.UnsatisfiableConstraint)])
show("variable", lambda: (repr(v), str(v), v.name(), v.value(), v.context()))
show("term", lambda: (repr(t), t.coefficient(), t.value()))
show("term float", lambda: repr(k.Term(v, 1e20)))
show("expression", lambda: (repr(e), e.constant(), len(e.terms()), e.value()))
show("expression constant only", lambda: repr(k.Expression([], 1)))
show("expression -0", lambda: repr(v - 0))
show("expression half", lambda: repr(v + 0.5))
show("rsub order", lambda: repr(v2 - (t + 5)))
show("rsub number", lambda: repr(2 - v))
show("neg expression", lambda: repr(-(t + 5)))
# An omitted optional argument takes its default; an explicit None is rejected.
show("Variable(None)", lambda: k.Variable(None))
show("Variable(name, None)", lambda: k.Variable("x", None).context())
show("Term(v, None)", lambda: k.Term(v, None))
show("Term(v)", lambda: k.Term(v).coefficient())
show("Expression((), None)", lambda: k.Expression((), None))
show("Expression(())", lambda: k.Expression(()).constant())
show("Constraint(e, op, None)", lambda: k.Constraint(v + 1, "==", None))
show("Constraint(e, op)", lambda: k.Constraint(v + 1, "==").strength())
show("create(a, b, c, None)", lambda: k.strength.create(1, 2, 3, None))
show("create(a, b, c)", lambda: k.strength.create(1, 2, 3))
show("constraint", lambda: repr(v + 1 >= 0))
show("constraint reduce", lambda: repr(v + v - 1 <= v * 3))
show("constraint signed zeros", lambda: [repr(c) for c in (v >= 0, v <= -0.0, t == 0, (v + 1) >= 1, (v - 0) <= 0.0)])
# kiwisolver orders the reduced terms by the address of each Variable object (a std::map keyed by
# PyObject*), the port by variable creation (see examples/kiwisolver/solver/README.md): compare
# the terms as a set.
show("constraint reduce terms", lambda: sorted((t.variable().name(), t.coefficient())
                                               for t in (v + v2 + v - 1 <= v2 * 3).expression().terms()))
show("constraint weak", lambda: repr((v + 1 == 0) | "weak"))
show("constraint ror", lambda: repr("strong" | (v + 1 == 0)))
show("constraint number strength", lambda: ((v + 1 == 0) | k.strength.create(1, 2, 3)).strength())
show("constraint op", lambda: (v <= 1).op())
show("strengths", lambda: (k.strength.weak, k.strength.medium, k.strength.strong, k.strength.required))
show("strength create", lambda: (k.strength.create(1, 2, 3), k.strength.create(1, 2, 3, 4)))
for label, thunk in [
    ("hash variable", lambda: hash(v)),
    ("hash term", lambda: hash(t)),
    ("hash expression", lambda: hash(e)),
    ("hash constraint", lambda: type(hash(v == 1)).__name__),
    ("lt", lambda: v < v2),
    ("ne", lambda: v != v2),
    ("gt", lambda: k.Term(v) > 1),
    ("expr lt", lambda: (v + 1) < v2),
    ("eq str", lambda: v == "x"),
    ("mul", lambda: v * v2),
    ("div zero", lambda: v / 0),
    ("rdiv", lambda: 1 / v),
    ("add str", lambda: v + ""),
    ("term bad", lambda: k.Term("")),
    ("expression bad", lambda: k.Expression((1,))),
    ("constraint bad expression", lambda: k.Constraint(1, "==")),
    ("constraint bad op type", lambda: k.Constraint(v + 1, 1)),
    ("constraint bad op", lambda: k.Constraint(v + 1, "!=")),
    ("bad strength", lambda: (v == 1) | "x"),
    ("strength create bad", lambda: k.strength.create("", "", "")),
    ("variable bad", lambda: k.Variable(1)),
    ("set name bad", lambda: v.setName(1)),
    ("edit bad strength", lambda: k.Solver().addEditVariable(v, "x")),
    ("edit bad variable", lambda: k.Solver().addEditVariable(object(), "weak")),
    ("add bad constraint", lambda: k.Solver().addConstraint(1)),
]:
    show(label, thunk)

s = k.Solver()
c = v >= 1
s.addConstraint(c)
show("duplicate", lambda: s.addConstraint(c))
show("unsatisfiable", lambda: s.addConstraint(v <= 0))
show("unknown constraint", lambda: s.removeConstraint(v == 3))
show("unknown edit", lambda: s.removeEditVariable(v))
show("bad required", lambda: s.addEditVariable(v, "required"))
s.addEditVariable(v2, "strong")
show("duplicate edit", lambda: s.addEditVariable(v2, "weak"))
try:
    s.addConstraint(c)
except k.DuplicateConstraint as err:
    show("exception attribute", lambda: (err.constraint is c, repr(err), type(err).__mro__[1].__name__))

# Values: a small layout, solved and re-solved with suggested values.
x = [k.Variable(f"x{i}") for i in range(6)]
s = k.Solver()
for a, b in zip(x, x[1:]):
    s.addConstraint(b >= a + 10)
s.addConstraint(x[0] >= 0)
s.addConstraint((x[-1] == 300) | "strong")
s.addConstraint((x[2] == 2 * x[1]) | "medium")
s.addEditVariable(x[3], "medium")
for value in (0, 150, 1000):
    s.suggestValue(x[3], value)
    s.updateVariables()
    show(f"values {value}", lambda: [xi.value() for xi in x])
show("violated", lambda: [(x[-1] == 300).violated()])
show("dumps headers", lambda: [h in s.dumps() for h in ("Objective", "Tableau", "Infeasible", "Variables", "Edit Variables", "Constraints")])
sys.stdout.flush()
