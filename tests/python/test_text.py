"""examples/text: PyStr and PyBytes (the HPyUnicode_* and HPyBytes_* families), compared with
what Python itself does for the same operation (str.encode, bytes.decode, os.fsencode/fsdecode,
str(obj, encoding, errors), sys.intern, indexing and slicing), in every mode: results, and for
errors the exception type and message."""

import itertools
import os
import sys

import pytest

from hpyrs_testing import example_module

mod = example_module("text")

TEXTS = [
    "",
    "abc",
    "a\x00b",  # embedded NUL
    "caf\xe9",  # Latin-1
    "\x7f\x80\xff",
    "\u20ac uro",  # BMP, beyond Latin-1
    "snake \U0001f40d",  # beyond the BMP
    "\ud800",  # lone surrogates
    "ab\udcff",
    "\udc80\udc81abc",
    "x" * 1000,
]

BYTES = [
    b"",
    b"abc",
    b"a\x00b",
    b"caf\xc3\xa9",  # valid UTF-8
    b"\xff\xfe",  # not UTF-8 at all
    b"ok \x80 then \xed\xa0\x80",  # stray continuation byte, encoded surrogate
    b"\xf0\x9f\x90\x8d",
    bytes(range(256)),
]


def outcome(f, *args, **kwargs):
    """What a call did: its result and result type, or its exception type and message."""
    try:
        result = f(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 (the exception is what is compared)
        return ("raised", type(exc), str(exc))
    return ("returned", type(result), result)


# ---- encoding ----


@pytest.mark.parametrize(
    "function, codec",
    [("encode_ascii", "ascii"), ("encode_latin1", "latin-1"), ("encode_utf8", "utf-8")],
)
def test_encode_matches_str_encode(mod, function, codec):
    for text in TEXTS:
        assert outcome(getattr(mod, function), text) == outcome(text.encode, codec), text


def test_encode_errors_are_unicode_encode_errors(mod):
    with pytest.raises(UnicodeEncodeError) as info:
        mod.encode_ascii("abc\xe9")
    assert (info.value.encoding, info.value.start, info.value.end) == ("ascii", 3, 4)
    assert info.value.object == "abc\xe9"


def test_encode_fs_default_matches_os_fsencode(mod):
    for text in TEXTS:
        assert outcome(mod.encode_fs_default, text) == outcome(os.fsencode, text), text


def test_fs_default_round_trips_undecodable_bytes(mod):
    # surrogateescape: bytes the file system encoding cannot decode survive the round trip.
    for data in BYTES:
        text = mod.decode_fs_default(data)
        assert text == os.fsdecode(data)
        assert mod.encode_fs_default(text) == data == os.fsencode(text)


def test_encode_rejects_non_str(mod):
    for function in ("encode_ascii", "encode_latin1", "encode_utf8", "encode_fs_default"):
        with pytest.raises(TypeError):
            getattr(mod, function)(b"abc")


# ---- decoding ----


@pytest.mark.parametrize(
    "errors", [None, "strict", "replace", "ignore", "surrogateescape", "backslashreplace", "bogus"]
)
def test_decode_ascii_matches_bytes_decode(mod, errors):
    import codecs

    # On debug builds and in dev mode `bytes.decode` checks the error handler's name up front,
    # even when no error occurs; HPyUnicode_DecodeASCII calls the codec itself, which checks it
    # only when it needs the handler: compare with the codec there.
    eager = hasattr(sys, "gettotalrefcount") or sys.flags.dev_mode
    for data in BYTES:
        if eager:
            expected = outcome(lambda: codecs.ascii_decode(data, errors or "strict")[0])
        else:
            expected = outcome(data.decode, "ascii", errors or "strict")
        assert outcome(mod.decode_ascii, data, errors) == expected, data


def test_decode_ascii_error_details(mod):
    with pytest.raises(UnicodeDecodeError) as info:
        mod.decode_ascii(b"ab\xffc", None)
    assert (info.value.encoding, info.value.start, info.value.end) == ("ascii", 2, 3)
    assert info.value.object == b"ab\xffc"


def test_decode_latin1_matches_bytes_decode(mod):
    for data in BYTES:
        assert outcome(mod.decode_latin1, data) == outcome(data.decode, "latin-1"), data


def test_decode_fs_default_matches_os_fsdecode(mod):
    for data in BYTES:
        assert outcome(mod.decode_fs_default, data) == outcome(os.fsdecode, data), data


def test_decode_fs_default_c_str(mod):
    for data in BYTES:
        if b"\x00" in data:
            # The C-string form cannot hold it: the example refuses, as Python does.
            with pytest.raises(ValueError, match="embedded null byte"):
                mod.decode_fs_default_c_str(data)
        else:
            assert outcome(mod.decode_fs_default_c_str, data) == outcome(os.fsdecode, data)


def test_str_from_c_str_matches_utf8_decode(mod):
    for data in BYTES:
        if b"\x00" not in data:
            assert outcome(mod.str_from_c_str, data) == outcome(data.decode, "utf-8"), data


PYPY = sys.implementation.name == "pypy"


def same_as_python(got, expected):
    """Whether a call did what Python did: the same outcome on CPython. On PyPy, the same
    result or an exception of the same type: PyPy words some codec errors differently in its
    HPy than in its own str() ("unknown error handler name bogus" vs "decoding with 'utf-8'
    codec failed (LookupError: ...)"), and its str() differs from CPython's in others
    ("unexpected end of data" for b"abc\\xff")."""
    if not PYPY or got[0] == "returned":
        return got == expected
    return got[:2] == expected[:2]


@pytest.mark.parametrize("encoding", [None, "utf-8", "latin-1", "ascii", "utf-16", "hex", "nope"])
@pytest.mark.parametrize("errors", [None, "strict", "replace", "bogus"])
def test_from_encoded_object_matches_str(mod, encoding, errors):
    objects = [*BYTES, bytearray(b"caf\xc3\xa9"), memoryview(b"abc\xff"), "text", 5, None]
    for obj in objects:
        if PYPY and isinstance(obj, bytes) and not obj:
            # CPython's str() returns "" for empty bytes without looking the codec up; so do
            # both HPys (PyPy's own str() raises LookupError for an unknown codec).
            expected = ("returned", str, "")
        elif PYPY and isinstance(obj, (bytearray, memoryview)):
            # PyPy's own str() fails to word a UnicodeDecodeError about a memoryview
            # ("TypeError: expected bytes, got memoryview object" from its __str__).
            expected = outcome(str, bytes(obj), encoding or "utf-8", errors or "strict")
        else:
            expected = outcome(str, obj, encoding or "utf-8", errors or "strict")
        got = outcome(mod.from_encoded_object, obj, encoding, errors)
        assert same_as_python(got, expected), (obj, got, expected)


def test_from_encoded_object_errors_speak_cpython(mod):
    # Exact messages in every mode, PyPy included (hpy-rs words PyPy's differences as CPython).
    cases = [
        ((5, None, None), TypeError, "decoding to str: need a bytes-like object, int found"),
        ((None, "ascii", None), TypeError, "decoding to str: need a bytes-like object, NoneType found"),
        (("text", None, None), TypeError, "decoding str is not supported"),
    ]
    for args, kind, message in cases:
        assert outcome(mod.from_encoded_object, *args) == ("raised", kind, message)
        if not PYPY:
            assert outcome(str, args[0], args[1] or "utf-8") == ("raised", kind, message)


def test_from_encoded_object_decodes_any_buffer(mod):
    for buffer in (bytearray(b"caf\xc3\xa9"), memoryview(b"caf\xc3\xa9"), memoryview(b"xcaf\xc3\xa9")[1:]):
        assert mod.from_encoded_object(buffer, None, None) == "caf\xe9"
        assert mod.from_encoded_object(buffer, "latin-1", None) == str(buffer, "latin-1")
    resizable = bytearray(b"abc")
    assert mod.from_encoded_object(resizable, "ascii", None) == "abc"
    resizable.extend(b"def")  # no buffer export left behind
    assert resizable == b"abcdef"


def test_from_encoded_object_null_in_names(mod):
    # HPy takes C strings: a NUL cannot be passed, so it is CPython's ValueError everywhere
    # (PyPy's own str() ignores what follows the NUL instead).
    for encoding, errors in [("utf\x008", None), ("utf-8", "str\x00ict")]:
        got = outcome(mod.from_encoded_object, b"abc", encoding, errors)
        assert got == ("raised", ValueError, "embedded null character")
        if not PYPY:
            assert got == outcome(str, b"abc", encoding, errors or "strict")


WIDE = [
    [],
    [0x41, 0x42],
    [0, 0x41, 0],  # NULs are kept
    [0xE9, 0x20AC, 0x1F40D, 0x10FFFF],
    [0xD800],  # a lone surrogate is a code point like any other here
    [0xDC80, 0x61],
]


def test_from_wide_matches_chr(mod):
    for codes in WIDE:
        assert outcome(mod.from_wide, codes) == ("returned", str, "".join(map(chr, codes)))


def _cpython_from_wide(codes):
    """CPython's own PyUnicode_FromWideChar on the same array, through ctypes."""
    import ctypes

    array = (ctypes.c_int32 * len(codes))(*codes)
    function = ctypes.pythonapi.PyUnicode_FromWideChar
    function.restype = ctypes.py_object
    function.argtypes = [ctypes.c_void_p, ctypes.c_ssize_t]
    return function(ctypes.cast(array, ctypes.c_void_p), len(codes))


@pytest.mark.parametrize("codes", [[0x110000], [0x41, -1], [0x7FFFFFFF], [-(2**31)]])
def test_from_wide_out_of_range_is_cpythons_value_error(mod, codes):
    got = outcome(mod.from_wide, codes)
    assert got[:2] == ("raised", ValueError)
    if sys.implementation.name == "cpython":
        assert got == outcome(_cpython_from_wide, codes)
    else:
        bad = next(c for c in codes if not 0 <= c <= 0x10FFFF) & 0xFFFFFFFF
        assert got[2] == f"character U+{bad:x} is not in range [U+0000; U+10ffff]"


# ---- reading ----


def test_read_code_point_matches_ord_of_index(mod):
    for text in TEXTS:
        for index in range(len(text) + 2):
            expected = outcome(lambda: ord(text[index]))
            assert outcome(mod.read_code_point, text, index) == expected, (text, index)


def test_read_code_point_huge_index(mod):
    for index in (2**63 - 1, 2**63, 2**64 - 1):
        with pytest.raises(IndexError, match="^string index out of range$"):
            mod.read_code_point("abc", index)


def test_read_char(mod):
    for text in TEXTS:
        for index in range(len(text) + 1):
            got = outcome(mod.read_char, text, index)
            if index < len(text) and 0xD800 <= ord(text[index]) <= 0xDFFF:
                # Not a Rust char: the error encoding it to UTF-8 gives, at that position.
                probe = "x" * index + text[index]
                assert got == outcome(probe.encode, "utf-8"), (text, index)
            else:
                assert got == outcome(lambda: text[index]), (text, index)


def test_substring_matches_slicing(mod):
    big = 2**63 - 1
    for text in TEXTS[:-1]:
        n = len(text)
        indices = [-big - 1, -n - 2, -n, -1, 0, 1, n - 1, n, n + 3, big]
        for start, end in itertools.product(sorted(set(indices)), repeat=2):
            assert outcome(mod.substring, text, start, end) == outcome(
                lambda: text[start:end]
            ), (text, start, end)


def test_substring_of_a_subclass_is_a_plain_str(mod):
    class S(str):
        pass

    got = mod.substring(S("hello"), 1, 3)
    assert type(got) is str and got == "el"


def test_len(mod):
    for text in TEXTS:
        assert mod.str_len(text) == len(text)


class LyingStr(str):
    def __len__(self):
        return 100


def test_subclass_len_override_is_ignored_like_slicing_does(mod):
    text = LyingStr("hello")
    assert mod.str_len(text) == str.__len__(text) == 5
    for start, end in [(-2, 100), (0, 100), (-100, 3), (1, -1), (99, 100)]:
        assert mod.substring(text, start, end) == text[start:end]
    assert outcome(mod.read_code_point, text, 5) == outcome(lambda: text[5])
    assert mod.intern(text) == "hello"  # Rust text (`&str`) of it: its 5 code points


# ---- interning ----


def _fresh(text):
    """An equal str that is a new object (not interned by the compiler)."""
    return "".join(list(text))


@pytest.mark.parametrize("text", ["", "a", "attribute_name", "caf\xe9", "snake \U0001f40d"])
def test_intern_is_sys_intern(mod, text):
    first = mod.intern(_fresh(text))
    second = mod.intern(_fresh(text))
    assert first == text and type(first) is str
    assert first is second
    assert first is sys.intern(_fresh(text))


def test_intern_cached_interns_once(mod, monkeypatch):
    real_intern = sys.intern
    calls = []

    def counting_intern(text):
        calls.append(text)
        return real_intern(text)

    monkeypatch.setattr(sys, "intern", counting_intern)
    assert mod.intern(_fresh("hot_name")) is real_intern("hot_name")
    assert calls == ["hot_name"]  # PyStr::intern goes through sys.intern every time
    first = mod.intern_cached(_fresh("hot_name"))  # from the cache if an earlier test filled it
    calls.clear()
    for _ in range(3):
        assert mod.intern_cached(_fresh("hot_name")) is first is real_intern("hot_name")
    assert calls == []
    # One global per text: the cache keeps the text it was filled with.
    assert mod.intern_cached("another name") is first


def test_into_interned(mod):
    text = _fresh("some words \ud800 with a surrogate")
    interned = mod.into_interned(text)
    assert interned is sys.intern(_fresh(text))
    assert mod.into_interned(_fresh(text)) is interned

    class S(str):
        pass

    assert outcome(mod.into_interned, S("abc")) == outcome(sys.intern, S("abc"))


def test_intern_rejects_lone_surrogates_like_any_rust_text(mod):
    # `intern` takes Rust text (`&str`), which cannot hold a lone surrogate.
    with pytest.raises(UnicodeEncodeError, match="surrogates not allowed"):
        mod.intern("\ud800")


# ---- bytes ----


class SubBytes(bytes):
    def __len__(self):
        return 1000


def test_bytes_from_c_str(mod):
    for data in BYTES:
        if b"\x00" in data:
            with pytest.raises(ValueError, match="embedded null byte"):
                mod.bytes_from_c_str(data)
        else:
            got = mod.bytes_from_c_str(data)
            assert type(got) is bytes and got == data


def test_bytes_contents(mod):
    for data in [*BYTES, b"x" * 1_000_000, SubBytes(b"sub\x00class")]:
        assert outcome(mod.bytes_copy, data) == ("returned", bytes, bytes(data))
        size = bytes.__len__(data)  # SubBytes's __len__ lies; the contents do not
        assert mod.bytes_len_and_sum(data) == (size, sum(data))
        assert mod.bytes_is_empty(data) is (size == 0)


def test_bytes_view_rejects_other_types(mod):
    for obj in (bytearray(b"abc"), memoryview(b"abc"), "abc", 5):
        with pytest.raises(TypeError):
            mod.bytes_copy(obj)


# ---- views forged around the wrong type ----


def test_hot_lookups_use_a_cached_interned_name(mod):
    assert mod.call_upper("abc") == "ABC"
    assert mod.call_upper(b"x") == b"X"
    with pytest.raises(AttributeError, match="'int' object has no attribute 'upper'"):
        mod.call_upper(5)
