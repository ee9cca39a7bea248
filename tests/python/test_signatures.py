"""examples/signatures: every parameter kind declared with `signature = (...)`, the unified
error messages, and `__text_signature__` / `inspect.signature` (all modes)."""

import inspect
import sys

import pytest

from hpyrs_testing import example_module

mod = example_module("signatures")

P = inspect.Parameter


def _interpreter_names_functions_with_their_module():
    """Whether this interpreter names a builtin function `module.f()` in the argument errors it
    writes itself (CPython 3.9+: `math.sqrt() takes exactly one argument (2 given)`)."""
    import math

    try:
        math.sqrt(1.0, 2.0)
    except TypeError as err:
        return str(err).startswith("math.sqrt()")
    raise AssertionError("math.sqrt accepted two arguments")


QUALIFIED = _interpreter_names_functions_with_their_module()


def fn(mod, name):
    """The regex of module function `name` in argument errors: one form for every function of
    the module, the interpreter's (hpy-rs's own parser says what CPython says for METH_O)."""
    return (mod.__name__ + r"\." if QUALIFIED else "") + name


def every_reference(a, /, b=1, *args, c, d=2, **kwargs):
    """What `every` does, written in Python: the reference for its results."""
    return (a, b, list(args), c, d, kwargs)


EVERY_CALLS = [
    ((1,), {"c": 3}),
    ((1, 5), {"c": 3}),
    ((1, 5, 6, 7), {"c": 3, "d": 4}),
    ((1,), {"b": 9, "c": 3, "x": 1, "y": 2}),
    ((1,), {"c": 3, "a": 8}),  # positional-only name: goes to **kwargs, as in Python
]


@pytest.mark.parametrize("args, kwargs", EVERY_CALLS)
def test_every_kind_matches_python(mod, args, kwargs):
    assert mod.every(*args, **kwargs) == every_reference(*args, **kwargs)


def test_every_kind_errors(mod):
    with pytest.raises(TypeError, match=rf"^{fn(mod, 'every')}\(\) missing required argument 'a' \(pos 1\)$"):
        mod.every(c=1)
    with pytest.raises(TypeError, match=rf"^{fn(mod, 'every')}\(\) missing required keyword-only argument 'c'$"):
        mod.every(1)
    with pytest.raises(TypeError, match=rf"^{fn(mod, 'every')}\(\) got multiple values for argument 'b'$"):
        mod.every(1, 2, b=3, c=4)
    with pytest.raises(TypeError, match=rf"^{fn(mod, 'every')}\(\) argument 'c': "):
        mod.every(1, c="x")


def test_one_form_for_every_function(mod):
    # `count` is METH_O: the interpreter writes its arity error; `count_kw` and `pos_only` go
    # through hpy-rs's parser. Both name the function the same way (issue: `wordcount.count()`
    # next to `top()` before).
    with pytest.raises(TypeError) as by_interpreter:
        mod.count("a", "b")
    with pytest.raises(TypeError) as by_parser:
        mod.count_kw("a", "b")
    with pytest.raises(TypeError) as by_conversion:
        mod.count_kw(1)
    prefix = str(by_interpreter.value)[: str(by_interpreter.value).index("count(")]
    assert prefix == (mod.__name__ + "." if QUALIFIED else "")
    assert str(by_parser.value).startswith(prefix + "count_kw() takes exactly 1 argument")
    assert str(by_conversion.value).startswith(prefix + "count_kw() argument 'text'")


def test_one_parameter_function_is_positional_only(mod):
    assert mod.count("héllo") == 5
    # The default: `O`, positional-only (CPython words the errors of METH_O itself).
    with pytest.raises(TypeError):
        mod.count(text="abc")
    with pytest.raises(TypeError, match=r"takes exactly one argument \(2 given\)"):
        mod.count("a", "b")
    assert mod.count.__text_signature__ == "($module, text, /)"
    # `signature = (text)` makes the keyword accepted.
    assert mod.count_kw(text="abc") == 3
    assert mod.count_kw("abcd") == 4
    assert mod.count_kw.__text_signature__ == "($module, text)"
    with pytest.raises(TypeError, match=rf"^{fn(mod, 'count_kw')}\(\) takes exactly 1 argument \(2 given\)$"):
        mod.count_kw("a", "b")
    with pytest.raises(TypeError, match=rf"^{fn(mod, 'count_kw')}\(\) got an unexpected keyword argument 'x'$"):
        mod.count_kw(x=1)


def test_keyword_only(mod):
    assert mod.affine(2.0, scale=3.0) == 6.5
    assert mod.affine(x=2.0, scale=3.0, offset=1.0) == 7.0
    with pytest.raises(
        TypeError, match=rf"^{fn(mod, 'affine')}\(\) takes exactly 1 positional argument \(2 given\)$"
    ):
        mod.affine(2.0, 3.0)
    with pytest.raises(
        TypeError, match=rf"^{fn(mod, 'affine')}\(\) missing required keyword-only argument 'scale'$"
    ):
        mod.affine(2.0)


def test_defaults(mod):
    assert mod.greet() == "hello world|-1.5"
    assert mod.greet("you", 2, sep="-") == "hello you-hello you|-1.5"
    assert mod.greet(loud=True) == "HELLO WORLD|-1.5"


def test_defaults_in_inspect_signature(mod):
    sig = inspect.signature(mod.greet)
    assert [(p.name, p.kind, p.default) for p in sig.parameters.values()] == [
        ("name", P.POSITIONAL_OR_KEYWORD, "world"),
        ("times", P.POSITIONAL_OR_KEYWORD, 1),
        ("loud", P.POSITIONAL_OR_KEYWORD, False),
        ("sep", P.POSITIONAL_OR_KEYWORD, None),
        ("ratio", P.POSITIONAL_OR_KEYWORD, -1.5),
    ]


def test_non_literal_default_and_shorthand(mod):
    assert mod.take([1, 2, 3]) == [1, 2, 3]
    assert mod.take([1, 2, 3], 2) == [1, 2]
    with pytest.raises(ValueError, match="too many values"):
        mod.take([1, 2, 3], 2, strict=True)
    assert mod.take.__text_signature__ == "($module, values, limit=..., *, strict=...)"


def test_varargs_next_to_a_parameter(mod):
    assert mod.join_all("a") == "a"
    assert mod.join_all("a", "b", "c") == "abc"
    assert mod.join_all(first="z") == "z"
    with pytest.raises(TypeError, match=rf"^{fn(mod, 'join_all')}\(\) missing required argument 'first' \(pos 1\)$"):
        mod.join_all()


def test_varargs_as_a_tuple(mod):
    assert mod.as_tuple() == ()
    assert mod.as_tuple(1, "a") == (1, "a")
    assert type(mod.as_tuple(1)) is tuple
    with pytest.raises(TypeError, match=r"as_tuple\(\) takes no keyword arguments$"):
        mod.as_tuple(x=1)


def test_kwargs_as_a_map(mod):
    assert mod.options() == []
    assert mod.options(b=2, a=1) == [("a", 1), ("b", 2)]
    with pytest.raises(TypeError, match=rf"^{fn(mod, 'options')}\(\) takes no positional arguments \(1 given\)$"):
        mod.options(1)
    with pytest.raises(TypeError, match=rf"^{fn(mod, 'options')}\(\) argument 'options': "):
        mod.options(a="x")


def test_positional_only_with_defaults(mod):
    assert mod.pos_only(1) == (1, 10, 20)
    assert mod.pos_only(1, 2, c=3) == (1, 2, 3)
    with pytest.raises(
        TypeError,
        match=rf"^{fn(mod, 'pos_only')}\(\) got some positional-only arguments passed as keyword arguments: 'b'$",
    ):
        mod.pos_only(1, b=2)
    with pytest.raises(TypeError, match=rf"^{fn(mod, 'pos_only')}\(\) takes at most 3 arguments \(4 given\)$"):
        mod.pos_only(1, 2, 3, 4)


def skaliere_reference(größe, *, faktor=2):
    return größe * faktor


@pytest.mark.parametrize(
    "args, kwargs",
    [((3,), {}), ((3,), {"faktor": 4}), ((), {"größe": 5}), ((), {"faktor": 3, "größe": 2})],
)
def test_non_ascii_parameter_names(mod, args, kwargs):
    # Matched by bytes normally, by code points in debug mode: both must agree with Python.
    assert mod.skaliere(*args, **kwargs) == skaliere_reference(*args, **kwargs)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"grösse": 1}, "got an unexpected keyword argument 'grösse'"),
        ({"größ": 1}, "got an unexpected keyword argument 'größ'"),
        ({"größee": 1}, "got an unexpected keyword argument 'größee'"),
        ({"faktor": 1}, r"missing required argument 'größe' \(pos 1\)"),
    ],
)
def test_non_ascii_parameter_name_errors(mod, kwargs, message):
    # A name that only shares a prefix, or differs in one code point, matches nothing.
    with pytest.raises(TypeError):
        skaliere_reference(**kwargs)
    with pytest.raises(TypeError, match=rf"^{fn(mod, 'skaliere')}\(\) {message}$"):
        mod.skaliere(**kwargs)


TEXT_SIGNATURES = {
    "every": "($module, a, /, b=1, *args, c, d=2, **kwargs)",
    "count": "($module, text, /)",
    "count_kw": "($module, text)",
    "affine": "($module, x, *, scale, offset=0.5)",
    "greet": "($module, name='world', times=1, loud=False, sep=None, ratio=-1.5)",
    "take": "($module, values, limit=..., *, strict=...)",
    "join_all": "($module, first, *rest)",
    "options": "($module, **options)",
    "as_tuple": "($module, *items)",
    "pos_only": "($module, a, b=10, /, c=20)",
    "skaliere": "($module, größe, *, faktor=2)",
}


@pytest.mark.parametrize("name", sorted(TEXT_SIGNATURES))
def test_function_text_signatures(mod, name):
    func = getattr(mod, name)
    assert func.__text_signature__ == TEXT_SIGNATURES[name]
    assert func.__doc__ and "--" not in func.__doc__


@pytest.mark.parametrize("name", sorted(TEXT_SIGNATURES))
def test_function_inspect_signature(mod, name):
    func = getattr(mod, name)
    if not TEXT_SIGNATURES[name].isascii():
        pytest.skip("CPython's inspect parses text signatures as ASCII only")
    # `inspect` reads the text signature; it equals the one written in Python.
    expected = TEXT_SIGNATURES[name].replace("$module, ", "").replace("...", "Ellipsis")
    assert str(inspect.signature(func)) == expected


def test_methods(mod):
    c = mod.Counter()
    assert c.total == 0
    assert c.add(5) == 5
    assert c.add(2, times=3) == 11
    assert c.add(1, 2) == 13
    assert c.add_all(1, 2, x=3) == 19
    c.set(4)
    assert c.total == 4
    c.reset()
    assert c.total == 0
    assert mod.Counter(3, step=2).total == 6
    assert mod.Counter(start=3).total == 3
    assert mod.Counter.combine(3) == 6
    assert mod.Counter.combine(3, b=4) == 12
    assert mod.Counter.starting_at(7) == ("Counter", 7)


def test_new_with_varargs_and_kwargs(mod):
    r = mod.Record("r", 1, 2, b="x", a="y")
    assert (r.name, r.values, r.tags) == ("r", [1, 2], [("a", "y"), ("b", "x")])
    r = mod.Record(name="s")
    assert (r.name, r.values, r.tags) == ("s", [], [])
    with pytest.raises(TypeError, match=r"^Record\(\) missing required argument 'name' \(pos 1\)$"):
        mod.Record()
    with pytest.raises(TypeError, match=r"^Record\(\) got multiple values for argument 'name'$"):
        mod.Record("a", name="b")
    with pytest.raises(TypeError, match=r"^Record\(\) argument 'tags': "):
        mod.Record("a", t=1)


def test_method_errors_use_the_qualified_name(mod):
    c = mod.Counter()
    with pytest.raises(TypeError, match=r"^Counter\.add\(\) missing required argument 'amount' \(pos 1\)$"):
        c.add()
    with pytest.raises(
        TypeError,
        match=r"^Counter\.add\(\) got some positional-only arguments passed as keyword arguments: 'amount'$",
    ):
        c.add(amount=1)
    with pytest.raises(TypeError, match=r"^Counter\.add\(\) takes at most 2 arguments \(3 given\)$"):
        c.add(1, 2, 3)
    with pytest.raises(TypeError, match=r"^Counter\.add_all\(\) argument 'named': "):
        c.add_all(x="y")
    with pytest.raises(TypeError, match=r"^Counter\.combine\(\) takes exactly 1 positional argument \(2 given\)$"):
        mod.Counter.combine(1, 2)
    with pytest.raises(TypeError, match=r"^Counter\(\) takes at most 1 positional argument \(2 given\)$"):
        mod.Counter(1, 2)


METHOD_SIGNATURES = {
    "add": "(amount, /, times=1)",
    "add_all": "(*amounts, **named)",
    "set": "(value, /)",
    "reset": "()",
    "combine": "(a, *, b=2)",
    "starting_at": "(start, /)",
}


@pytest.mark.parametrize("name", sorted(METHOD_SIGNATURES))
def test_method_signatures(mod, name):
    # On an instance (bound) and on the class, `self`/`cls` are not shown.
    assert str(inspect.signature(getattr(mod.Counter(), name))) == METHOD_SIGNATURES[name]


def test_method_text_signatures(mod):
    assert mod.Counter.add.__text_signature__ == "($self, amount, /, times=1)"
    assert mod.Counter.add.__doc__ == "Adds `amount` (`times` times)."
    assert mod.Counter.reset.__text_signature__ == "($self)"
    assert str(inspect.signature(mod.Counter.add)) == "(self, amount, /, times=1)"


# CPython < 3.10's PyType_FromSpec copies tp_doc without its signature header (it calls
# _PyType_DocWithoutSignature), so a type made through HPy cannot have a __text_signature__.
OLD_FROMSPEC = sys.version_info < (3, 10)


@pytest.mark.skipif(OLD_FROMSPEC, reason="CPython < 3.10 drops the header in PyType_FromSpec")
def test_class_signature(mod):
    # `#[new]`'s parameters head the class doc, where CPython finds `__text_signature__`.
    assert mod.Counter.__text_signature__ == "(start=0, *, step=1)"
    assert mod.Record.__text_signature__ == "(name, *values, **tags)"
    assert mod.Counter.__doc__ == "A counter with every method kind."
    sig = inspect.signature(mod.Counter)
    assert [(p.name, p.kind, p.default) for p in sig.parameters.values()] == [
        ("start", P.POSITIONAL_OR_KEYWORD, 0),
        ("step", P.KEYWORD_ONLY, 1),
    ]


def test_help_shows_the_parameters(mod):
    text = __import__("pydoc").render_doc(mod.greet, renderer=__import__("pydoc").plaintext)
    assert "greet(name='world', times=1, loud=False, sep=None, ratio=-1.5)" in text
    text = __import__("pydoc").render_doc(mod.Counter, renderer=__import__("pydoc").plaintext)
    assert "add(self, amount, /, times=1)" in text
    if not OLD_FROMSPEC:
        assert "Counter(start=0, *, step=1)" in text


# ---- every example: each public builtin function, method and class has a text signature ----

# (modcreate is left out: its HPy_mod_create returns a plain object, without functions.)
EXAMPLES = [
    "quickstart", "pof", "tour", "microbench", "array", "shapes", "slots", "containers",
    "runtime", "text", "objects", "callfn", "signatures",
]
for _name in EXAMPLES:
    globals()[f"example_{_name}"] = example_module(_name)


def _public_callables(module):
    """(qualified name, object) of every public builtin function, class and method of `module`."""
    modname = getattr(module, "__name__", None)
    for name in sorted(dir(module)):
        if name.startswith("_"):
            continue
        obj = getattr(module, name)
        if isinstance(obj, type):
            if obj.__module__ != modname or issubclass(obj, BaseException):
                continue
            yield name, obj
            for attr, raw in sorted(vars(obj).items()):
                if attr.startswith("_") or not callable(raw) and not isinstance(raw, (staticmethod, classmethod)):
                    continue
                if isinstance(raw, (property, type)):
                    continue
                yield f"{name}.{attr}", getattr(obj, attr)
        elif callable(obj) and not isinstance(obj, type) and type(obj).__module__ == "builtins":
            yield name, obj


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_example_has_text_signatures(request, hpy_mode, example):
    module = request.getfixturevalue(f"example_{example}")
    checked = 0
    for name, obj in _public_callables(module):
        if isinstance(obj, type):
            if OLD_FROMSPEC:
                continue
            if obj.__text_signature__ is None:
                # Only classes that cannot be created from Python (no `#[new]`) have none.
                with pytest.raises(TypeError, match="cannot create"):
                    obj()
                continue
        text = obj.__text_signature__
        assert text is not None, name
        if not text.isascii():
            # CPython's `inspect` reads text signatures as ASCII (every version up to 3.15), so
            # it cannot parse parameter names beyond ASCII: a ValueError, as for no signature.
            with pytest.raises(ValueError):
                inspect.signature(obj)
            continue
        # `inspect` accepts it and finds its parameters.
        assert list(inspect.signature(obj).parameters) == _expected_names(obj, text), name
        checked += 1
    assert checked > 0


def _expected_names(obj, text):
    """The parameter names `inspect.signature(obj)` shows for the text signature `text`."""
    names = []
    for part in text[1:-1].split(","):
        part = part.strip()
        if part in ("", "/", "*"):
            continue
        if part.startswith("$"):
            if part == "$self":
                names.append("self")  # a method looked up on its class: unbound
            continue
        names.append(part.split("=")[0].lstrip("*"))
    if inspect.ismethod(obj):  # a class method: `cls` is bound
        names = names[1:]
    return names
