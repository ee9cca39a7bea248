"""examples/runtime: warnings, errno errors and std::io::Error, exception classes made at run time,
fatal errors, typed capsules, context variables, slices and compiled code, each compared with
what Python itself does, in every mode."""

import contextvars
import errno
import os
import signal
import sys
import tempfile
import warnings

import pytest

from hpyrs_testing import collect_garbage, example_module, is_debug

mod = example_module("runtime")

IS_PYPY = sys.implementation.name == "pypy"


# ---- warnings ---------------------------------------------------------------------------------


def _warn_here(mod, *args):
    """Calls mod.warn from this line (the line a stack level of 1 blames)."""
    return mod.warn(*args)


def test_warning_category_message_and_stacklevel(mod):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _warn_here(mod, UserWarning, "plain", 1)
        _warn_here(mod, RuntimeWarning, "one up", 2)
        mod.deprecated("old")
    assert [(w.category, str(w.message)) for w in caught] == [
        (UserWarning, "plain"),
        (RuntimeWarning, "one up"),
        (DeprecationWarning, "old"),
    ]
    # Level 1 blames the Python line that called the Rust function, level 2 its caller: the
    # same lines Python's own warnings.warn would report from there.
    here = _warn_here.__code__
    assert caught[0].filename == here.co_filename
    assert caught[0].lineno == here.co_firstlineno + 2
    assert caught[1].filename == __file__
    assert caught[1].lineno == test_warning_category_message_and_stacklevel.__code__.co_firstlineno + 4
    assert caught[2].lineno == test_warning_category_message_and_stacklevel.__code__.co_firstlineno + 5


def test_warning_subclass_defined_in_python(mod):
    class MyWarning(UserWarning):
        pass

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mod.warn(MyWarning, "mine", 1)
    assert len(caught) == 1 and caught[0].category is MyWarning


def test_warning_turned_into_an_error_propagates(mod):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DeprecationWarning, match="^old$"):
            mod.deprecated("old")
        with pytest.raises(UserWarning, match="^boom$"):
            mod.warn(UserWarning, "boom", 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert mod.warn(UserWarning, "ignored", 1) is None


@pytest.mark.parametrize("category", [int, 42, ValueError])
def test_warning_category_must_be_a_warning_class(mod, category):
    with pytest.raises(TypeError) as expected:
        warnings.warn("x", category)
    with pytest.raises(TypeError) as got:
        mod.warn(category, "x", 1)
    assert str(got.value) == str(expected.value)
    assert str(got.value).startswith("category must be a Warning subclass, not ")


# ---- MemoryError, fatal errors -------------------------------------------------------------------


def test_no_memory(mod):
    with pytest.raises(MemoryError) as info:
        mod.no_memory()
    assert info.value.args == ()


def test_fatal_error_kills_the_process_with_the_message(mod, hpy_mode):
    """HPy_FatalError must end the process (SIGABRT) with the message on stderr. In a forked
    child, whose stderr goes to a file."""
    sys.stdout.flush()
    sys.stderr.flush()
    with tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:  # the child
            try:
                os.dup2(err.fileno(), 2)
                mod.fatal("the sky is falling")
            finally:
                os._exit(3)  # only if fatal() returned or raised
        _, status = os.waitpid(pid, 0)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    assert os.WIFSIGNALED(status), (status, stderr)
    assert os.WTERMSIG(status) == signal.SIGABRT
    assert "the sky is falling" in stderr


# ---- exception classes made at run time ----------------------------------------------------------


def test_new_exception_default_base(mod):
    cls = mod.new_exception("mypkg.MyError")
    assert isinstance(cls, type) and issubclass(cls, Exception)
    assert cls.__bases__ == (Exception,)
    assert cls.__name__ == "MyError" and cls.__module__ == "mypkg"
    assert cls.__qualname__ == "MyError"
    with pytest.raises(cls, match="hello"):
        raise cls("hello")


def test_new_exception_with_base_doc_and_dict(mod):
    cls = mod.new_exception("pkg.sub.LookupFailure", KeyError, "A lookup failed.", {"answer": 42})
    assert issubclass(cls, KeyError) and issubclass(cls, LookupError)
    assert cls.__module__ == "pkg.sub" and cls.__name__ == "LookupFailure"
    assert cls.__doc__ == "A lookup failed."
    assert cls.answer == 42
    # Same shape as a class Python makes with type().
    ref = type("LookupFailure", (KeyError,), {"__module__": "pkg.sub", "__doc__": "A lookup failed."})
    assert cls.__mro__[1:] == ref.__mro__[1:]


def test_new_exception_with_a_python_base(mod):
    class Base(Exception):
        pass

    cls = mod.new_exception("m.Derived", Base)
    assert cls.__bases__ == (Base,)


def test_new_exception_bad_arguments(mod):
    # Not CPython's SystemError (C-API misuse): a ValueError about the argument.
    with pytest.raises(ValueError, match="^an exception name must be 'module.Name', got 'NoDot'$"):
        mod.new_exception("NoDot")
    with pytest.raises(ValueError, match="must be 'module.Name'"):
        mod.new_exception("")
    with pytest.raises(TypeError, match="BaseException"):
        mod.new_exception("m.X", int)
    with pytest.raises(TypeError, match="must be a dict, not 'list'"):
        mod.new_exception("m.X", None, None, [])
    with pytest.raises(ValueError, match="embedded null character"):
        mod.new_exception("m.X\0Y")


# ---- std::io::Error and errno ---------------------------------------------------------------------

ERRNOS = sorted(
    {
        getattr(errno, name)
        for name in (
            "EPERM ENOENT ESRCH EINTR EIO ECHILD EAGAIN ENOMEM EACCES EEXIST ENOTDIR EISDIR EINVAL "
            "EPIPE ENOSPC EALREADY EINPROGRESS ECONNABORTED ECONNRESET ESHUTDOWN ETIMEDOUT "
            "ECONNREFUSED EWOULDBLOCK EBADF ENOTEMPTY"
        ).split()
        if hasattr(errno, name)
    }
)


@pytest.mark.parametrize("code", ERRNOS, ids=lambda code: errno.errorcode[code])
def test_io_error_with_errno_is_what_python_raises(mod, code):
    expected = OSError(code, os.strerror(code))
    with pytest.raises(OSError) as info:
        mod.io_error(code)
    got = info.value
    assert type(got) is type(expected)
    assert got.errno == code
    assert got.strerror == os.strerror(code)
    assert got.args == expected.args
    assert got.filename is None
    # What Rust says the error is before raising it (PyErr::kind) is that class too.
    assert mod.io_error_kind(code) == type(expected).__name__


@pytest.mark.parametrize(
    "kind, exc_type",
    [
        ("NotFound", FileNotFoundError),
        ("PermissionDenied", PermissionError),
        ("AlreadyExists", FileExistsError),
        ("WouldBlock", BlockingIOError),
        ("TimedOut", TimeoutError),
        ("Interrupted", InterruptedError),
        ("BrokenPipe", BrokenPipeError),
        ("ConnectionRefused", ConnectionRefusedError),
        ("OutOfMemory", MemoryError),
        ("UnexpectedEof", EOFError),
        ("Other", OSError),
    ],
)
def test_io_error_without_errno_by_kind(mod, kind, exc_type):
    with pytest.raises(exc_type) as info:
        mod.io_error_of_kind(kind, "custom text")
    assert type(info.value) is exc_type
    assert str(info.value) == "custom text"


def test_io_error_from_std_open(mod, tmp_path):
    missing = str(tmp_path / "missing")
    with pytest.raises(FileNotFoundError) as info:
        mod.open_with_std(missing)
    assert info.value.errno == errno.ENOENT
    assert info.value.strerror == os.strerror(errno.ENOENT)


def _python_error(fn):
    try:
        fn()
    except OSError as exc:
        return exc
    raise AssertionError("no error")


def test_errno_with_filename(mod, tmp_path):
    missing = str(tmp_path / "missing")
    expected = _python_error(lambda: open(missing))
    got = _python_error(lambda: mod.open_with_errno(OSError, missing, True))
    assert type(got) is type(expected) is FileNotFoundError
    assert (got.errno, got.strerror, got.filename) == (expected.errno, expected.strerror, expected.filename)
    assert str(got) == str(expected)


def test_errno_without_filename(mod, tmp_path):
    missing = str(tmp_path / "missing")
    got = _python_error(lambda: mod.open_with_errno(OSError, missing, False))
    assert type(got) is FileNotFoundError
    assert (got.errno, got.strerror, got.filename) == (errno.ENOENT, os.strerror(errno.ENOENT), None)


def test_errno_with_a_subclass_given(mod, tmp_path):
    class MyOSError(OSError):
        pass

    got = _python_error(lambda: mod.open_with_errno(MyOSError, str(tmp_path / "missing"), True))
    assert type(got) is MyOSError and got.errno == errno.ENOENT


def test_errno_with_two_filename_objects(mod, tmp_path):
    src, dst = str(tmp_path / "missing"), str(tmp_path / "elsewhere")
    expected = _python_error(lambda: os.rename(src, dst))
    got = _python_error(lambda: mod.rename_with_errno(src, dst))
    assert type(got) is type(expected) is FileNotFoundError
    assert (got.errno, got.filename, got.filename2) == (expected.errno, expected.filename, expected.filename2)
    assert str(got) == str(expected)


def test_errno_class_must_be_an_exception(mod, tmp_path):
    with pytest.raises(TypeError, match="exceptions must derive from BaseException"):
        mod.open_with_errno(int, str(tmp_path / "missing"), True)


# ---- capsules ---------------------------------------------------------------------------------------


def test_capsule_round_trip_through_python(mod):
    cap = mod.make_capsule("runtime.answer", 42)
    assert type(cap).__name__ == "PyCapsule"
    holder = {"deep": [cap]}
    assert mod.capsule_value(holder["deep"][0], "runtime.answer") == 42
    assert mod.capsule_name(cap) == "runtime.answer"
    assert mod.capsule_is_valid(cap, "runtime.answer")
    assert not mod.capsule_is_valid(cap, "runtime.other")
    assert not mod.capsule_is_valid(42, "runtime.answer")
    assert "runtime.answer" in repr(cap)
    text = mod.make_text_capsule("runtime.text", "héllo")
    assert mod.capsule_text(text, "runtime.text") == "héllo"


def test_capsule_wrong_name_or_object(mod):
    cap = mod.make_capsule("runtime.answer", 1)
    with pytest.raises(ValueError, match="^PyCapsule_GetPointer called with incorrect name$"):
        mod.capsule_value(cap, "runtime.other")
    with pytest.raises(ValueError, match="^PyCapsule_GetPointer called with invalid PyCapsule object$"):
        mod.capsule_value(object(), "runtime.answer")
    with pytest.raises(ValueError, match="^PyCapsule_GetName called with invalid PyCapsule object$"):
        mod.capsule_name("not a capsule")


def test_capsule_only_gives_back_its_own_type(mod):
    text = mod.make_text_capsule("runtime.shared", "abc")
    with pytest.raises(TypeError, match="^capsule 'runtime.shared' does not hold a value of the requested type$"):
        mod.capsule_value(text, "runtime.shared")
    counted = mod.make_capsule("runtime.shared", 5)
    with pytest.raises(TypeError, match="does not hold a value of the requested type"):
        mod.capsule_text(counted, "runtime.shared")
    assert mod.capsule_value(counted, "runtime.shared") == 5


def test_capsule_made_by_other_code_is_refused(mod):
    import datetime

    capi = getattr(datetime, "datetime_CAPI", None)
    if capi is None:
        pytest.skip("this Python's datetime has no C API capsule")
    assert mod.capsule_name(capi) == "datetime.datetime_CAPI"
    assert mod.capsule_is_valid(capi, "datetime.datetime_CAPI")
    with pytest.raises(TypeError, match="does not hold a value of the requested type"):
        mod.capsule_value(capi, "datetime.datetime_CAPI")


def test_capsule_drops_its_value(mod):
    collect_garbage()
    before = mod.capsule_drops()
    cap = mod.make_capsule("runtime.dropped", 7)
    keep = [cap]
    del cap
    collect_garbage()
    assert mod.capsule_drops() == before  # still referenced
    assert mod.capsule_value(keep[0], "runtime.dropped") == 7
    del keep
    collect_garbage()
    assert mod.capsule_drops() == before + 1
    for i in range(10):
        mod.make_capsule("runtime.temp", i)
    collect_garbage()
    assert mod.capsule_drops() == before + 11


def test_capsule_name_with_nul(mod):
    with pytest.raises(ValueError, match="embedded null character"):
        mod.make_capsule("a\0b", 1)


# ---- context variables -----------------------------------------------------------------------------


def test_contextvar_new_is_a_python_contextvar(mod):
    var = mod.cv_new("request_id")
    assert isinstance(var, contextvars.ContextVar)
    assert var.name == "request_id"
    with pytest.raises(LookupError):
        var.get()
    assert mod.cv_get(var) == (False, None)
    with_default = mod.cv_new("level", 3)
    assert with_default.get() == 3
    assert mod.cv_get(with_default) == (True, 3)
    # A ContextVar whose default is None has a value, None.
    none_default = contextvars.ContextVar("n", default=None)
    assert mod.cv_get(none_default) == (True, None)


def test_contextvar_get_set_match_python(mod):
    var = contextvars.ContextVar("v")
    assert mod.cv_get_or(var, "fallback") == var.get("fallback") == "fallback"
    token = mod.cv_set(var, "one")
    assert isinstance(token, contextvars.Token)
    assert token.var is var and token.old_value is contextvars.Token.MISSING
    assert var.get() == "one" and mod.cv_get(var) == (True, "one")
    assert mod.cv_get_or(var, "fallback") == var.get("fallback") == "one"
    token2 = var.set("two")  # set from Python, reset from Rust
    assert mod.cv_get(var) == (True, "two")
    mod.cv_reset(var, token2)
    assert var.get() == "one"
    mod.cv_reset(var, token)
    with pytest.raises(LookupError):
        var.get()


def test_contextvar_reset_errors_are_pythons(mod):
    var, other = contextvars.ContextVar("a"), contextvars.ContextVar("b")
    token = mod.cv_set(var, 1)
    with pytest.raises(ValueError) as expected:
        other.reset(token)
    with pytest.raises(ValueError) as got:
        mod.cv_reset(other, token)
    assert str(got.value) == str(expected.value)
    mod.cv_reset(var, token)
    with pytest.raises(RuntimeError) as got:
        mod.cv_reset(var, token)
    with pytest.raises(RuntimeError) as expected:
        var.reset(token)
    assert str(got.value) == str(expected.value)
    with pytest.raises(TypeError, match="an instance of Token was expected, not 'int'"):
        mod.cv_reset(var, 5)
    with pytest.raises(TypeError, match="an instance of ContextVar was expected, not 'str'"):
        mod.cv_set("x", 1)


def test_contextvar_isolation_between_contexts(mod):
    var = mod.cv_new("counter", 0)
    assert mod.cv_add(var, 5) == 5
    assert var.get() == 5

    def in_copy():
        assert var.get() == 5  # copied
        assert mod.cv_add(var, 10) == 15
        return var.get()

    copy = contextvars.copy_context()
    assert copy.run(in_copy) == 15
    assert copy[var] == 15
    assert var.get() == 5  # the outer context is untouched
    # A set made in one context cannot be reset in another (Python's rule).
    token = copy.run(mod.cv_set, var, 99)
    with pytest.raises(ValueError):
        mod.cv_reset(var, token)
    copy.run(mod.cv_reset, var, token)
    assert copy[var] == 15


def test_contextvar_set_and_reset_around_a_call(mod):
    var = contextvars.ContextVar("scoped", default="outer")
    assert mod.cv_with(var, "inner", var.get) == "inner"
    assert var.get() == "outer"


def test_contextvar_typed_get_refuses_other_types(mod):
    var = contextvars.ContextVar("typed")
    var.set("not a number")
    with pytest.raises(TypeError):
        mod.cv_add(var, 1)


# ---- slices ------------------------------------------------------------------------------------------

BOUNDS = [None, 0, 1, 2, 3, 5, 7, 8, 9, 100, -1, -2, -3, -7, -8, -9, -100, 2**63 - 1, -(2**63), 2**70, -(2**70)]
STEPS = [None, 1, 2, 3, -1, -2, -3, 7, -7, 2**63 - 1, -(2**63) + 1, 2**70, -(2**70)]
SLICES = [slice(a, b, c) for a in BOUNDS for b in BOUNDS for c in STEPS]
REF = list(range(10, 18))  # 8 items


def test_slice_indices_match_python(mod):
    for length in (0, 1, 8):
        for s in SLICES:
            start, stop, step = s.indices(length)
            got = mod.slice_indices(s, length)
            assert got[:2] == (start, stop), (s, length)
            if abs(step) < 2**63:
                assert got[2] == step, (s, length)
            assert got[3] == len(range(start, stop, step)), (s, length)


def test_slice_unpack_clamps_as_cpython(mod):
    maxsize = sys.maxsize
    assert mod.slice_unpack(slice(None)) == (0, maxsize, 1)
    assert mod.slice_unpack(slice(None, None, -1)) == (maxsize, -maxsize - 1, -1)
    assert mod.slice_unpack(slice(2**100, -(2**100), 3)) == (maxsize, -maxsize - 1, 3)
    assert mod.slice_unpack(slice(1, 2, -(2**100))) == (1, 2, -maxsize)
    assert mod.slice_unpack(slice(-5, 5, 2)) == (-5, 5, 2)

    class Idx:
        def __index__(self):
            return 4

    assert mod.slice_unpack(slice(Idx(), Idx(), Idx())) == (4, 4, 4)


def test_slice_errors_are_pythons(mod):
    for bad in (slice(None, None, 0), slice(1, 2, 0)):
        with pytest.raises(ValueError, match="^slice step cannot be zero$"):
            mod.slice_indices(bad, 5)
        with pytest.raises(ValueError, match="^slice step cannot be zero$"):
            mod.Seq([1, 2, 3])[bad]
        with pytest.raises(ValueError, match="^slice step cannot be zero$"):
            REF[bad]
    with pytest.raises(TypeError) as expected:
        REF["a":]
    with pytest.raises(TypeError) as got:
        mod.Seq([1])["a":]
    assert str(got.value) == str(expected.value)
    with pytest.raises(TypeError, match="expected slice, got 'int'"):
        mod.slice_indices(3, 5)


def test_sequence_slicing_matches_list(mod):
    seq = mod.Seq(REF)
    for s in SLICES:
        assert seq[s] == REF[s], s


def test_sequence_indexing_matches_list(mod):
    seq = mod.Seq(REF)
    for i in range(-10, 10):
        try:
            expected = REF[i]
        except IndexError as exc:
            with pytest.raises(IndexError, match=f"^{exc}$"):
                seq[i]
        else:
            assert seq[i] == expected
    assert list(seq) == REF  # iterates through sq_item

    class Idx:
        def __index__(self):
            return -1

    assert seq[Idx()] == REF[Idx()]
    assert seq[True] == REF[True]
    for huge in (2**70, -(2**70)):
        with pytest.raises(IndexError) as expected:
            REF[huge]
        with pytest.raises(IndexError) as got:
            seq[huge]
        assert str(got.value) == str(expected.value)
    with pytest.raises(TypeError) as expected:
        REF["x"]
    with pytest.raises(TypeError) as got:
        seq["x"]
    # list names itself ("list indices must be ..."); the rest is CPython's wording (PyPy's
    # list quotes the type name).
    if not IS_PYPY:
        assert str(expected.value).endswith(str(got.value))
    assert str(got.value) == "indices must be integers or slices, not str"


def test_sequence_slice_assignment_matches_list(mod):
    for s in SLICES:
        ref = list(REF)
        seq = mod.Seq(REF)
        size = len(range(*s.indices(len(ref))))
        for values in ([], [1], [1, 2, 3], list(range(100, 100 + size))):
            ref, seq = list(REF), mod.Seq(REF)
            try:
                ref[s] = values
            except ValueError as exc:
                with pytest.raises(ValueError) as got:
                    seq[s] = values
                assert str(got.value) == str(exc), s
            else:
                seq[s] = values
                assert seq.tolist() == ref, (s, values)


def test_sequence_deletion_matches_list(mod):
    for s in SLICES:
        ref, seq = list(REF), mod.Seq(REF)
        del ref[s]
        del seq[s]
        assert seq.tolist() == ref, s
    ref, seq = list(REF), mod.Seq(REF)
    del ref[-1], ref[0]
    del seq[-1], seq[0]
    assert seq.tolist() == ref
    with pytest.raises(IndexError, match="^list assignment index out of range$"):
        del seq[100]
    with pytest.raises(IndexError, match="^list assignment index out of range$"):
        seq[100] = 1
    seq[-1] = 42
    assert seq.tolist()[-1] == 42


# ---- code ------------------------------------------------------------------------------------------

CODE_ATTRS = ("co_code", "co_consts", "co_names", "co_varnames", "co_filename", "co_name", "co_firstlineno", "co_flags")


@pytest.mark.parametrize(
    "source, mode",
    [
        ("1 + 2", "eval"),
        ("[x * x for x in range(n)]", "eval"),
        ("x = 5\ndef f(y):\n    return x * y\n", "exec"),
        ("a = 1", "single"),
        ("a + 1", "single"),
    ],
)
def test_compile_matches_python(mod, source, mode):
    got = mod.compile_code(source, "<mine>", mode)
    expected = compile(source, "<mine>", mode, dont_inherit=True)
    assert type(got) is type(expected)
    for attr in CODE_ATTRS:
        assert getattr(got, attr) == getattr(expected, attr), attr


def test_eval_matches_python(mod):
    assert mod.run("1 + 2", "eval", {}) == eval("1 + 2", {}) == 3
    assert mod.run("[x * x for x in range(n)]", "eval", {"n": 4}) == [0, 1, 4, 9]
    code = compile("len(s) + k", "<c>", "eval")
    assert mod.eval_code(code, {"s": "abc"}, {"k": 10}) == eval(code, {"s": "abc"}, {"k": 10}) == 13
    g = {}
    assert mod.eval_code(compile("abs(-3)", "<c>", "eval"), g) == 3
    assert "__builtins__" in g  # added, as eval() does


def test_exec_matches_python(mod):
    source = "x = 5\ndef f(y):\n    return x * y\n"
    ours, theirs = {}, {}
    assert mod.run(source, "exec", ours) is None
    exec(source, theirs)
    assert ours["x"] == theirs["x"] == 5
    assert ours["f"](3) == theirs["f"](3) == 15
    assert ours["f"].__code__.co_filename == "<run>"
    glob, loc = {"a": 1}, {}
    mod.run("y = a + 1", "exec", glob, loc)
    assert loc == {"y": 2} and "y" not in glob


def test_single_mode_displays_like_python(mod, monkeypatch):
    shown = []
    monkeypatch.setattr(sys, "displayhook", shown.append)
    mod.run("a + 1", "single", {"a": 41})
    exec(compile("a + 1", "<py>", "single"), {"a": 41})
    assert shown == [42, 42]


def test_syntax_error_matches_python(mod):
    for source, mode in [("1 +", "eval"), ("def f(:\n    pass\n", "exec"), ("x = = 1", "single"), ("  indented", "exec")]:
        with pytest.raises(SyntaxError) as expected:
            compile(source, "<mine>", mode, dont_inherit=True)
        with pytest.raises(SyntaxError) as got:
            mod.compile_code(source, "<mine>", mode)
        assert type(got.value) is type(expected.value)
        for attr in ("msg", "filename", "lineno", "offset", "text"):
            assert getattr(got.value, attr) == getattr(expected.value, attr), (source, attr)


def test_errors_while_running_propagate(mod):
    with pytest.raises(ZeroDivisionError):
        mod.run("1 / 0", "eval", {})
    with pytest.raises(NameError, match="undefined_name"):
        mod.run("undefined_name", "eval", {})


def test_eval_code_checks_its_arguments(mod):
    code = compile("1", "<c>", "eval")
    with pytest.raises(TypeError, match="expected a code object, got 'str'"):
        mod.eval_code("1", {})
    with pytest.raises(TypeError, match="globals must be a dict, not list"):
        mod.eval_code(code, [])
    with pytest.raises(TypeError, match="locals must be a mapping, not int"):
        mod.eval_code(code, {}, 5)
    with pytest.raises(ValueError, match="source code string cannot contain null bytes"):
        mod.compile_code("1\0", "<c>", "eval")
