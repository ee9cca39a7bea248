"""Hostile inputs for test_fuzz.py: hypothesis strategies of *recipes*, and the builder that
turns a recipe into fresh Python objects.

A recipe is a plain nested tuple (e.g. `("list", (("int", 2**64), ("hostile", "__index__", "raise")))`).
Hypothesis draws, shrinks and prints recipes; each HPy mode builds its own objects from the same
recipe, so that an argument mutated by one mode (a list cleared by an `__index__`, a dict changed
by a key's `__hash__`) is new again for the next, and the modes can be compared call for call.

Values: huge ints (±2**64, ±2**1000...), nan/inf/-0.0, lone surrogates, non-BMP text, bytes,
None, bools, builtin types, nested lists/tuples/dicts/sets/frozensets; `Hostile` objects, each
with one dunder (`__index__`, `__float__`, `__int__`, `__eq__`, `__hash__`, `__len__`, `__iter__`,
...) that raises, returns a wrong type or a huge value; containers that are mutated while they are
converted (a list subclass whose `__getitem__`/`__iter__`/`__len__` clears or grows it, an element
whose `__index__`/`__float__` clears or grows the list holding it, a dict whose key's
`__hash__`/`__eq__` or whose value's `__index__` changes the dict); instances of the example's own
classes; a callable that gives up after 100 calls.

Hostile objects are *armed* only once the whole argument is built, so that building never fails.
"""

from __future__ import annotations

from typing import Any, Callable, List, Optional

from hypothesis import strategies as st


class FuzzError(Exception):
    """What the fuzzer's hostile objects raise."""


# ---------------------------------------------------------------------------------------------
# hostile objects

# The dunders a Hostile can spoil, and what it returns for them when it behaves.
HOSTILE_DUNDERS = (
    "__index__", "__int__", "__float__", "__eq__", "__hash__", "__len__", "__iter__",
    "__getitem__", "__bool__", "__repr__", "__str__", "__lt__", "__contains__", "__next__",
)
# How: "raise" FuzzError; "wrong": a value of the wrong type or sign; "huge": a value too big.
HOSTILE_HOW = ("raise", "wrong", "huge")


class _BadBool:
    """What a `wrong` __eq__/__lt__ returns: truth-testing it raises."""

    def __bool__(self):
        raise FuzzError("__bool__ of the result of a comparison")

    def __repr__(self):
        return "_BadBool()"


_WRONG = {
    "__index__": 1.5, "__int__": "7", "__float__": "7.5", "__eq__": _BadBool(), "__hash__": "77",
    "__len__": -1, "__iter__": 5, "__getitem__": None, "__bool__": 2, "__repr__": 5, "__str__": 5,
    "__lt__": _BadBool(), "__contains__": _BadBool(), "__next__": None,
}
_HUGE = {
    "__index__": 2**40, "__int__": 2**1000, "__float__": float("inf"), "__eq__": 2**1000,
    "__hash__": 2**1000, "__len__": 2**40, "__iter__": None, "__getitem__": 2**1000, "__bool__": None,
    "__repr__": "r" * 100_000, "__str__": "s" * 100_000, "__lt__": 2**1000, "__contains__": 2**1000,
    "__next__": 2**1000,
}


class Hostile:
    """Looks like everything (an int 7, a float 7.5, a sequence [1, 2, 3], hashable...) but its
    dunder `which` misbehaves as `how` says once armed."""

    def __init__(self, which: str, how: str) -> None:
        self.which, self.how, self.armed, self.pos = which, how, False, 0

    def _act(self, name: str, normal: Callable[[], Any]) -> Any:
        if self.armed and name == self.which:
            if self.how == "raise":
                raise FuzzError(f"{name} of {Hostile.__repr__(self)}")
            table = _WRONG if self.how == "wrong" else _HUGE
            value = table[name]
            if value is not None:
                return value
        return normal()

    def __index__(self):
        return self._act("__index__", lambda: 7)

    def __int__(self):
        return self._act("__int__", lambda: 7)

    def __float__(self):
        return self._act("__float__", lambda: 7.5)

    def __eq__(self, other):
        return self._act("__eq__", lambda: self is other)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __lt__(self, other):
        return self._act("__lt__", lambda: False)

    def __hash__(self):
        return self._act("__hash__", lambda: 77)

    def __len__(self):
        return self._act("__len__", lambda: 3)

    def __iter__(self):
        return self._act("__iter__", lambda: self)

    def __next__(self):
        def normal():
            self.pos += 1
            if self.pos > 3:
                raise StopIteration
            return self.pos

        return self._act("__next__", normal)

    def __getitem__(self, index):
        return self._act("__getitem__", lambda: [1, 2, 3][index])

    def __contains__(self, item):
        return self._act("__contains__", lambda: False)

    def __bool__(self):
        return self._act("__bool__", lambda: True)

    def __repr__(self):
        return self._act("__repr__", lambda: f"Hostile({self.which}={self.how})")

    def __str__(self):
        return self._act("__str__", lambda: f"hostile {self.which}={self.how}")


class Mutator:
    """An int/float-like element that, on its first `__index__`/`__int__`/`__float__`/`__hash__`/
    `__eq__` after arming, mutates `target` (the container being converted): `clear`, `append`,
    `pop` or `extend` it."""

    def __init__(self, target: Any, action: str) -> None:
        self.target, self.action, self.armed, self.done = target, action, False, False

    def _mutate(self) -> None:
        if not self.armed or self.done:
            return
        self.done = True
        t = self.target
        if isinstance(t, dict):
            if self.action == "clear":
                t.clear()
            elif self.action in ("append", "extend"):
                for i in range(1 if self.action == "append" else 50):
                    t[f"new{i}"] = i
            elif self.action == "pop" and t:
                t.popitem()
        else:
            if self.action == "clear":
                t.clear()
            elif self.action == "append":
                t.append(1)
            elif self.action == "extend":
                t.extend(range(50))
            elif self.action == "pop" and t:
                t.pop()

    def __index__(self):
        self._mutate()
        return 1

    __int__ = __index__

    def __float__(self):
        self._mutate()
        return 1.0

    def __hash__(self):
        self._mutate()
        return 1234

    def __eq__(self, other):
        self._mutate()
        return self is other

    def __repr__(self):
        return f"Mutator({self.action})"


class MutatingList(list):
    """A list whose `__getitem__`/`__iter__`/`__len__` (`which`) changes it on first use."""

    def __init__(self, items, which: str, action: str) -> None:
        super().__init__(items)
        self.which, self.action, self.armed, self.done = which, action, False, False

    def _mutate(self, name: str) -> None:
        if self.armed and not self.done and name == self.which:
            self.done = True
            if self.action == "clear":
                list.clear(self)
            elif self.action == "append":
                list.append(self, 1)
            elif self.action == "extend":
                list.extend(self, range(50))
            elif self.action == "pop" and list.__len__(self):
                list.pop(self)

    def __getitem__(self, index):
        self._mutate("__getitem__")
        return list.__getitem__(self, index)

    def __iter__(self):
        self._mutate("__iter__")
        return list.__iter__(self)

    def __len__(self):
        self._mutate("__len__")
        return list.__len__(self)

    def __repr__(self):
        return f"MutatingList({list.__repr__(self)}, {self.which}, {self.action})"


class GivingUpCallable:
    """A callable returning its first argument (or None); it raises after 100 calls, so that a
    function calling it in a loop (`apply(f, x, times=2**32-1)`) ends quickly."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls > 100:
            raise FuzzError("called more than 100 times")
        return args[0] if args else None

    def __repr__(self):
        return "GivingUpCallable()"


# ---------------------------------------------------------------------------------------------
# leaves

INTS = (
    0, 1, -1, 2, 7, 255, 256, -128, -129, 65535, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**32 - 1, 2**32,
    2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64 - 1, 2**64, -(2**64), 2**100, 2**127, 2**128,
    -(2**127) - 1, 2**1000, -(2**1000),
)
FLOATS = (
    0.0, -0.0, 1.5, -2.5, float("nan"), float("inf"), float("-inf"), 1e308, -1e308, 5e-324, 3.4028235e38,
    3.5e38, 2.0**63, 2.0**64,
)
TEXTS = (
    "", "a", "Hello", " two words ", "\x00", "é", "\u20ac", "\U0001f600", "a\U0001f600b", "\ud800", "\udfff",
    "x\ud800y", "\U0010ffff", "tolist", "__class__", "x" * 300,
)
BYTES = (b"", b"a", b"\x00\xff", b"\x80abc", bytes(range(16)))
# Builtin types and an exception class: callable, so a fuzzed function may call them.
TYPES = ("int", "float", "str", "bytes", "list", "tuple", "dict", "set", "object", "type", "ValueError", "Exception")
MUTATE_ACTIONS = ("clear", "append", "extend", "pop")


def _scalars() -> st.SearchStrategy:
    ints = st.one_of(st.sampled_from(INTS), st.integers(-1000, 1000)).map(lambda v: ("int", v))
    floats = st.one_of(st.sampled_from(FLOATS), st.floats(-1e6, 1e6)).map(lambda v: ("float", v))
    texts = st.one_of(
        st.sampled_from(TEXTS), st.text(st.sampled_from("ab \x00é€\U0001f600\ud800"), max_size=6)
    ).map(lambda v: ("str", v))
    return ints, floats, texts


def _plain_leaves() -> st.SearchStrategy:
    ints, floats, texts = _scalars()
    return st.one_of(
        texts,
        ints,
        floats,
        st.sampled_from(BYTES).map(lambda v: ("bytes", v)),
        st.sampled_from([("none",), ("bool", True), ("bool", False)]),
        # homogeneous lists, as a Vec<f64>/Vec<i64>/Vec<String> parameter wants them
        st.one_of(st.lists(ints, max_size=4), st.lists(floats, max_size=4), st.lists(texts, max_size=4)).map(
            lambda xs: ("list", tuple(xs))
        ),
    )


def _hashable() -> st.SearchStrategy:
    leaf = st.one_of(*_scalars(), st.sampled_from(BYTES).map(lambda v: ("bytes", v)), st.just(("none",)))
    return st.one_of(leaf, st.lists(leaf, max_size=2).map(lambda xs: ("tuple", tuple(xs))))


def values(instance_recipes: Optional[List[tuple]] = None) -> st.SearchStrategy:
    """Recipes of arbitrary hostile values; `instance_recipes` are `("instance", ...)` recipes
    of the example's own classes, offered as values too."""
    special = [
        st.sampled_from(TYPES).map(lambda v: ("type", v)),
        st.just(("object",)),
        st.just(("callable",)),
        st.tuples(st.just("hostile"), st.sampled_from(HOSTILE_DUNDERS), st.sampled_from(HOSTILE_HOW)),
    ]
    if instance_recipes:
        special.append(st.sampled_from(instance_recipes))
    plain = _plain_leaves()
    special_leaves = st.one_of(*special)
    # Mostly plain values, so that calls often get past argument conversion to the code behind it.
    leaves = st.one_of(plain, plain, plain, special_leaves)
    nested = st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=4).map(lambda xs: ("list", tuple(xs))),
            st.lists(children, max_size=3).map(lambda xs: ("tuple", tuple(xs))),
            st.lists(st.tuples(_hashable(), children), max_size=3).map(lambda kv: ("dict", tuple(kv))),
            st.lists(_hashable(), max_size=3).map(lambda xs: ("set", tuple(xs))),
            st.lists(_hashable(), max_size=3).map(lambda xs: ("frozenset", tuple(xs))),
        ),
        max_leaves=8,
    )
    mutated = st.one_of(
        # a list subclass that changes itself while being read
        st.tuples(
            st.just("mutlist"),
            st.lists(st.one_of(*_scalars()), max_size=4).map(tuple),
            st.sampled_from(("__getitem__", "__iter__", "__len__")),
            st.sampled_from(MUTATE_ACTIONS),
        ),
        # a list (or tuple of that list) of numbers one of which changes the list when converted
        st.tuples(
            st.just("list_with_mutator"),
            st.integers(0, 3),
            st.integers(0, 3),
            st.sampled_from(MUTATE_ACTIONS),
            st.sampled_from(("int", "float", "str")),
        ),
        # a dict whose key (__hash__/__eq__) or value (__index__/__float__) changes it
        st.tuples(
            st.just("dict_with_mutator"),
            st.sampled_from(("key", "value")),
            st.integers(0, 3),
            st.sampled_from(MUTATE_ACTIONS),
        ),
    )
    return st.one_of(leaves, leaves, leaves, nested, mutated)


# ---------------------------------------------------------------------------------------------
# building


class Builder:
    """Builds recipes for one mode; `instance(recipe)` makes an instance of the example's class
    (given by test_fuzz.py). `arm()` arms every hostile object built so far."""

    def __init__(self, instance: Callable[[tuple], Any]) -> None:
        self.instance = instance
        self.to_arm: List[Any] = []

    def arm(self) -> None:
        for obj in self.to_arm:
            obj.armed = True
        self.to_arm.clear()

    def build(self, r: tuple) -> Any:
        kind = r[0]
        if kind in ("int", "float", "str", "bytes", "bool"):
            return r[1]
        if kind == "none":
            return None
        if kind == "type":
            return __builtins__[r[1]] if isinstance(__builtins__, dict) else getattr(__builtins__, r[1])
        if kind == "object":
            return object()
        if kind == "callable":
            return GivingUpCallable()
        if kind == "hostile":
            obj = Hostile(r[1], r[2])
            self.to_arm.append(obj)
            return obj
        if kind == "instance":
            return self.instance(r)
        if kind == "list":
            return [self.build(x) for x in r[1]]
        if kind == "tuple":
            return tuple(self.build(x) for x in r[1])
        if kind == "dict":
            return {self.build(k): self.build(v) for k, v in r[1]}
        if kind == "set":
            return {self.build(x) for x in r[1]}
        if kind == "frozenset":
            return frozenset(self.build(x) for x in r[1])
        if kind == "mutlist":
            obj = MutatingList([self.build(x) for x in r[1]], r[2], r[3])
            self.to_arm.append(obj)
            return obj
        if kind == "list_with_mutator":
            _, before, after, action, flavour = r
            filler = {"int": 5, "float": 2.5, "str": "s"}[flavour]
            lst: List[Any] = [filler] * before
            mutator = Mutator(lst, action)
            lst.append(mutator)
            lst.extend([filler] * after)
            self.to_arm.append(mutator)
            return lst
        if kind == "dict_with_mutator":
            _, where, others, action = r
            d: dict = {f"k{i}": i for i in range(others)}
            mutator = Mutator(d, action)
            if where == "key":
                d[mutator] = 1
            else:
                d["m"] = mutator
            d.update({f"j{i}": float(i) for i in range(others)})
            self.to_arm.append(mutator)
            return d
        raise ValueError(f"unknown recipe {r!r}")


# ---------------------------------------------------------------------------------------------
# typed values: test_fuzz.py probes which kind of value each parameter accepts, and then mostly
# draws values of that kind (hostile ones included), so that calls get past argument conversion.

# (kind, a recipe of that kind), in the order they are tried.
KIND_PROBES = (
    ("float", ("float", 1.5)),
    ("int", ("int", 1)),
    ("str", ("str", "a")),
    ("bytes", ("bytes", b"a")),
    ("bool", ("bool", True)),
    ("list_float", ("list", (("float", 1.5), ("float", 2.5)))),
    ("list_int", ("list", (("int", 1), ("int", 2)))),
    ("list_str", ("list", (("str", "a"), ("str", "b")))),
    ("tuple_isf", ("tuple", (("int", 1), ("str", "a"), ("float", 1.5)))),
    ("list_list_str", ("list", (("list", (("str", "a"),)),))),
    ("dict_str_int", ("dict", ((("str", "a"), ("int", 1)),))),
    ("callable", ("callable",)),
)


def typed(kind: str, fallback: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly values of `kind` (a KIND_PROBES name), hostile ones among them; sometimes `fallback`."""
    ints, floats, texts = _scalars()

    def hostile(*dunders):
        return st.tuples(st.just("hostile"), st.sampled_from(dunders), st.sampled_from(HOSTILE_HOW))

    def mutated(flavour):
        return st.one_of(
            st.tuples(st.just("list_with_mutator"), st.integers(0, 3), st.integers(0, 3),
                      st.sampled_from(MUTATE_ACTIONS), st.just(flavour)),
            st.tuples(
                st.just("mutlist"),
                st.lists({"int": ints, "float": floats, "str": texts}[flavour], max_size=4).map(tuple),
                st.sampled_from(("__getitem__", "__iter__", "__len__")),
                st.sampled_from(MUTATE_ACTIONS),
            ),
        )

    def list_of(s):
        return st.lists(s, max_size=5).map(lambda xs: ("list", tuple(xs)))

    table = {
        "float": st.one_of(floats, floats, ints, hostile("__float__", "__index__")),
        "int": st.one_of(ints, ints, hostile("__index__", "__int__")),
        "str": texts,
        "bytes": st.one_of(st.sampled_from(BYTES), st.binary(max_size=8)).map(lambda v: ("bytes", v)),
        "bool": st.sampled_from([("bool", True), ("bool", False), ("int", 1), ("hostile", "__bool__", "raise")]),
        "list_float": st.one_of(list_of(st.one_of(floats, ints, hostile("__float__"))), mutated("float"),
                                list_of(floats).map(lambda r: ("tuple", r[1]))),
        "list_int": st.one_of(list_of(st.one_of(ints, hostile("__index__", "__int__"))), mutated("int"),
                              list_of(ints).map(lambda r: ("tuple", r[1]))),
        "list_str": st.one_of(list_of(texts), mutated("str"), list_of(texts).map(lambda r: ("tuple", r[1]))),
        "tuple_isf": st.tuples(st.one_of(ints, hostile("__index__")), texts, st.one_of(floats, hostile("__float__")))
        .map(lambda t: ("tuple", t)),
        "list_list_str": list_of(list_of(texts)),
        "dict_str_int": st.one_of(
            st.lists(st.tuples(texts, st.one_of(ints, hostile("__index__"))), max_size=4).map(
                lambda kv: ("dict", tuple(kv))
            ),
            st.tuples(st.just("dict_with_mutator"), st.sampled_from(("key", "value")), st.integers(0, 3),
                      st.sampled_from(MUTATE_ACTIONS)),
        ),
        "callable": st.just(("callable",)),
    }
    return st.one_of(table[kind], table[kind], table[kind], fallback)
