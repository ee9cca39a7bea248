"""examples/containers: typed views, iteration and collection conversions, checked from Python
in every mode against what Python itself does (debug modes run under a LeakDetector)."""

import collections
import os
import re
import sys

import pytest

from hpyrs_testing import example_module, is_universal

mod = example_module("containers")


class DictSub(dict):
    pass


class ListSub(list):
    def __iter__(self):
        # Python's `for` uses this override; our fast path must too (exact lists only).
        return iter(["overridden"])


def assert_no_rust_words(message):
    assert not re.search(r"\b[iu](8|16|32|64|128|size)\b|Rust|Py(Dict|List|Tuple|Set)\b", message), message


# ---- dict ----


def test_dict_get_set_del(mod):
    d = {"a": 1}
    assert mod.dict_get(d, "a") == 1
    assert mod.dict_get(d, "missing") is None
    assert mod.dict_set(d, "b", 2) is d and d == {"a": 1, "b": 2}
    mod.dict_del(d, "a")
    assert d == {"b": 2}
    with pytest.raises(KeyError) as info:
        mod.dict_del(d, "a")
    assert info.value.args == ("a",)
    with pytest.raises(TypeError, match="unhashable type: 'list'"):
        mod.dict_get(d, [1])
    with pytest.raises(TypeError, match="unhashable type: 'list'"):
        mod.dict_set(d, [1], 1)
    assert mod.dict_contains_len({"x": 1, "y": 2}, "x") == (True, 2)
    assert mod.dict_contains_len({}, "x") == (False, 0)


def test_dict_views_match_python(mod):
    d = {"b": 2, "a": 1, 3: [4]}
    keys, values, items = mod.dict_views(d)
    assert keys == list(d.keys())
    assert values == list(d.values())
    assert items == list(d.items())
    assert all(type(x) is list for x in (keys, values, items))
    copy = mod.dict_copy(DictSub(d))
    assert copy == d and type(copy) is dict
    assert mod.dict_from_pairs([("x", 1), ("y", 2)]) == {"x": 1, "y": 2}
    assert mod.dict_update({"a": 1}, {"b": 2}) == {"a": 1, "b": 2}
    assert mod.dict_update({"a": 1}, [("a", 3)]) == {"a": 3}


def test_dict_view_parameters_reject_other_types(mod):
    for bad in ([], 1, None, "abc", collections.OrderedDict):
        with pytest.raises(TypeError) as info:
            mod.dict_get(bad, "a")
        assert f"dict_get() argument 'd': expected dict, got '{type(bad).__name__}'" in str(info.value)
        assert_no_rust_words(str(info.value))
    # Subclasses are dicts.
    assert mod.dict_get(DictSub(a=1), "a") == 1
    assert mod.dict_get(collections.OrderedDict(a=5), "a") == 5


def test_dict_iteration(mod):
    d = {i: str(i) for i in range(50)}
    assert mod.dict_pairs(d, None) == list(d.items())
    assert mod.dict_pairs({}, None) == []

    # Growing or shrinking the dict during iteration: RuntimeError, as in Python.
    grow = {1: 1, 2: 2}
    with pytest.raises(RuntimeError, match="dictionary changed size during iteration"):
        mod.dict_pairs(grow, lambda key: grow.__setitem__(key + 100, 0))
    shrink = {1: 1, 2: 2, 3: 3}
    with pytest.raises(RuntimeError, match="changed size during iteration"):
        mod.dict_pairs(shrink, lambda key: shrink.pop(3, None))
    # Replacing a key (same size): noticed too.
    swap = {1: 1, 2: 2, 3: 3}

    def replace(key):
        if key == 1:
            del swap[2]
            swap[4] = 4

    with pytest.raises(RuntimeError, match="dictionary keys changed during iteration"):
        mod.dict_pairs(swap, replace)
    # An error raised by the visitor propagates.
    with pytest.raises(ZeroDivisionError):
        mod.dict_pairs({1: 1}, lambda key: 1 / 0)


# ---- list and tuple ----


def test_list_methods_match_python(mod):
    for index in (-10, -2, 0, 1, 3, 10):
        expected = [1, 2, 3]
        expected.insert(index, "x")
        assert mod.list_insert([1, 2, 3], index, "x") == expected
    lst = [1]
    assert mod.list_append(lst, 2) is lst and lst == [1, 2]
    assert mod.list_get([10, 20, 30], -1) == 30
    with pytest.raises(IndexError, match="list index out of range"):
        mod.list_get([10], 1)
    assert mod.list_set([1, 2], -1, "z") == [1, "z"]
    with pytest.raises(IndexError) as expected:
        [1, 2][2] = "z"
    with pytest.raises(IndexError, match=re.escape(str(expected.value))):
        mod.list_set([1, 2], 2, "z")
    assert mod.list_range(0) == []
    assert mod.list_range(5) == [0, 1, 2, 3, 4]
    with pytest.raises(TypeError, match="argument 'l': expected list, got 'tuple'"):
        mod.list_append((1,), 2)


def test_tuples(mod):
    t = mod.tuple_of([1, 2, 3])
    assert t == (1, 2, 3) and type(t) is tuple
    assert mod.tuple_of([]) == ()
    assert mod.tuple_of_strs([1, "a", None]) == ("1", "a", "None")

    class BadStr:
        def __str__(self):
            raise ValueError("no str")

    # The builder is cancelled: no leak (checked in debug mode), the error propagates.
    with pytest.raises(ValueError, match="no str"):
        mod.tuple_of_strs([1, BadStr(), 3])
    assert mod.tuple_get((5, 6), -1) == (6, 2)
    with pytest.raises(IndexError, match="tuple index out of range"):
        mod.tuple_get((5, 6), 2)


# ---- iteration ----


def gen(n):
    yield from range(n)


@pytest.mark.parametrize(
    "make",
    [
        lambda: [1, 2, 3],
        lambda: (1, 2, 3),
        lambda: {1: "a", 2: "b"},
        lambda: DictSub({1: "a"}),
        lambda: {4, 5},
        lambda: frozenset({6}),
        lambda: "héllo😀",
        lambda: b"ab",
        lambda: bytearray(b"cd"),
        lambda: range(5),
        lambda: gen(4),
        lambda: iter([7, 8]),
        lambda: ListSub([1, 2]),
        lambda: collections.deque([1, 2]),
        lambda: {"k": 1}.items(),
        lambda: [],
        lambda: (),
    ],
)
def test_iteration_matches_python(mod, make):
    assert mod.iterate(make()) == list(make())


def test_iteration_errors(mod):
    with pytest.raises(TypeError, match="'int' object is not iterable"):
        mod.iterate(1)

    def failing():
        yield 1
        raise KeyError("inside")

    with pytest.raises(KeyError, match="inside"):
        mod.iterate(failing())
    assert mod.sum_ints(range(101)) == 5050
    assert mod.sum_ints(x for x in [1, 2]) == 3
    with pytest.raises(TypeError, match="expected int, got 'str'"):
        mod.sum_ints([1, "2"])


def test_iteration_sees_mutation_like_python(mod):
    # A list that grows while iterated: the new items are seen, as by Python's list iterator.
    lst = [1, 2, 3]

    def grow(item):
        if item < 3:
            lst.append(item + 10)

    expected_list = [1, 2, 3]
    seen = []
    for item in expected_list:
        seen.append(item)
        if item < 3:
            expected_list.append(item + 10)
    assert mod.iterate_visiting(lst, grow) == seen

    # A list cleared while iterated stops early, as in Python.
    lst = [1, 2, 3]
    assert mod.iterate_visiting(lst, lambda item: lst.clear()) == [1]

    # A dict that grows while iterated: RuntimeError, as in Python.
    d = {1: 1}
    with pytest.raises(RuntimeError, match="dictionary changed size during iteration"):
        mod.iterate_visiting(d, lambda key: d.__setitem__(key + 1, 0))


# ---- sets ----


def test_sets(mod):
    s = mod.set_edit([1, 2, 2, 3], 4, 1)
    assert s == {2, 3, 4} and type(s) is set
    assert mod.set_edit((), 1, 99) == {1}
    with pytest.raises(TypeError, match="unhashable type: 'list'"):
        mod.set_edit([], [1], 0)
    assert mod.set_contains_len({1, 2}, 1) == (True, 2)
    assert mod.set_contains_len(frozenset({1}), 2) == (False, 1)
    with pytest.raises(TypeError, match="expected frozenset, got 'list'"):
        mod.set_contains_len([1], 1)
    f = mod.frozen([3, 3, 4])
    assert f == frozenset({3, 4}) and type(f) is frozenset
    empty, cleared = mod.set_empty_and_clear({1, 2})
    assert empty == set() and cleared == set()


# ---- type and module ----


def test_types(mod):
    assert mod.type_info(bool, int) == ("bool", True)
    assert mod.type_info(int, bool) == ("int", False)
    assert mod.type_info(KeyError, LookupError) == ("KeyError", True)
    with pytest.raises(TypeError, match="argument 't': expected type, got 'int'"):
        mod.type_info(1, int)
    t, inst = mod.type_of(True, int)
    assert t is bool and inst is True
    t, inst = mod.type_of("x", int)
    assert t is str and inst is False


def test_modules(mod):
    import types

    m = types.ModuleType("fresh")
    assert mod.module_info(m, "added", "added", 5) == ("fresh", True)
    assert m.added == 5
    assert mod.module_info(os, "nope", "_hpyrs_probe", 1) == ("os", False)
    del os._hpyrs_probe
    assert mod.import_name("os.path") == os.path.__name__
    with pytest.raises(ModuleNotFoundError):
        mod.import_name("no_such_module_hpyrs")
    with pytest.raises(TypeError, match="argument 'm': expected module, got 'dict'"):
        mod.module_info({}, "a", "b", 1)


def test_downcasts(mod):
    cases = {
        "dict": {},
        "list": [],
        "tuple": (),
        "set": set(),
        "frozenset": frozenset(),
        "str": "",
        "bytes": b"",
        "type": int,
        "module": os,
    }
    for kind, obj in cases.items():
        assert mod.view_kind(obj) == kind
    with pytest.raises(TypeError, match="expected module, got 'int'"):
        mod.view_kind(1)
    d = {"a": 1}
    assert mod.as_dict(d) is d
    with pytest.raises(TypeError, match="expected dict, got 'list'"):
        mod.as_dict([])


# ---- std collections, arrays, boxes, Cow, paths ----


def test_hash_and_btree_maps(mod):
    assert mod.hashmap_doubled({"a": 1, "b": -2}) == {"a": 2, "b": -4}
    assert mod.hashmap_doubled(DictSub(x=3)) == {"x": 6}
    assert mod.hashmap_doubled({}) == {}
    result = mod.btreemap_sorted({3: "c", -1: "a", 2: "b"})
    assert list(result.items()) == [(-1, "a"), (2, "b"), (3, "c")]
    with pytest.raises(TypeError, match="expected dict, got 'list'"):
        mod.hashmap_doubled([("a", 1)])
    with pytest.raises(TypeError, match="argument 'map': key: expected str, got 'int'"):
        mod.hashmap_doubled({1: 1})
    with pytest.raises(TypeError, match="argument 'map': value of key 'a': expected int, got 'str'"):
        mod.hashmap_doubled({"a": "1"})
    with pytest.raises(OverflowError) as info:
        mod.hashmap_doubled({"a": 2**70})
    assert_no_rust_words(str(info.value))


def test_sets_convert(mod):
    assert mod.hashset_roundtrip({1, 2, 3}) == {1, 2, 3}
    assert type(mod.hashset_roundtrip(frozenset({1}))) is set
    assert mod.hashset_roundtrip(set()) == set()
    assert mod.btreeset_sorted({"b", "a", "c"}) == ["a", "b", "c"]
    assert mod.btreeset_roundtrip(frozenset({"x"})) == {"x"}
    with pytest.raises(TypeError, match="expected set or frozenset, got 'list'"):
        mod.hashset_roundtrip([1, 2])
    with pytest.raises(TypeError, match="item: expected int, got 'str'"):
        mod.hashset_roundtrip({1, "a"})


def test_arrays_boxes_cows(mod):
    assert mod.reversed3([1, 2, 3.5]) == [3.5, 2.0, 1.0]
    assert mod.reversed3((1, 2, 3)) == [3.0, 2.0, 1.0]
    assert mod.reversed3(iter([1, 2, 3])) == [3.0, 2.0, 1.0]
    with pytest.raises(ValueError, match="expected a sequence of length 3, got length 2"):
        mod.reversed3([1, 2])
    assert mod.boxed_inc(41) == 42
    with pytest.raises(OverflowError):
        mod.boxed_inc(2**63 - 1)
    assert mod.cow_upper("abc") == "ABC"
    assert mod.cow_upper("ABC") == "ABC"
    assert mod.cow_upper("héllo😀") == "héllo😀".upper()
    with pytest.raises(UnicodeEncodeError):
        mod.cow_upper("\ud800")


def test_vec_from_any_iterable(mod):
    assert mod.vec_of_ints([1, 2]) == [1, 2]
    assert mod.vec_of_ints((1, 2)) == [1, 2]
    assert mod.vec_of_ints(range(4)) == [0, 1, 2, 3]
    assert mod.vec_of_ints({5: "a"}) == [5]
    assert mod.vec_of_ints(x * x for x in range(3)) == [0, 1, 4]
    assert mod.vec_of_ints(b"\x01\x02") == [1, 2]
    with pytest.raises(TypeError, match="expected list or other non-str iterable, got 'str'"):
        mod.vec_of_ints("12")
    with pytest.raises(TypeError, match="'int' object is not iterable"):
        mod.vec_of_ints(5)
    with pytest.raises(TypeError, match="item 1: expected int, got 'str'"):
        mod.vec_of_ints(iter([1, "x"]))


def test_a_failing_item_conversion_releases_the_list(mod):
    assert mod.nonzero_list([1, 2]) == [1, 2]
    assert mod.nonzero_list([]) == []
    # Debug mode checks that the half-built list (and its items) leaked no handle.
    with pytest.raises(ValueError, match="zero has no Python value here"):
        mod.nonzero_list([1, 0, 2])


def test_paths(mod):
    import pathlib

    assert mod.path_roundtrip("/a/b") == "/a/b"
    assert mod.path_roundtrip(b"/a/b") == "/a/b"
    assert mod.path_roundtrip(pathlib.Path("/x/y")) == "/x/y"
    # Undecodable bytes survive as lone surrogates, as os.fsdecode gives them.
    raw = b"/tmp/\xff"
    assert mod.path_roundtrip(raw) == os.fsdecode(raw)
    assert mod.path_roundtrip(os.fsdecode(raw)) == os.fsdecode(raw)
    assert mod.path_join("/base", "leaf.txt") == (os.path.join("/base", "leaf.txt"), "leaf.txt")
    assert mod.path_join("/", "..") == ("/..", None)
    assert mod.static_path() == "/tmp/hpy-rs"
    with pytest.raises(TypeError, match="expected str, bytes or os.PathLike object, not int"):
        mod.path_roundtrip(1)


# ---- PyObject* exchange ----


def test_c_api_exchange(mod, hpy_mode):
    assert mod.has_c_api() is (not is_universal(hpy_mode))
    if is_universal(hpy_mode):
        assert not hasattr(mod, "c_api_double")
        return
    assert mod.c_api_double(21) == 42
    assert mod.c_api_double("ab") == "abab"
    with pytest.raises(TypeError, match="unsupported operand"):
        mod.c_api_double(None)
    if hasattr(sys, "gettotalrefcount"):
        value = object()
        before = sys.getrefcount(value)
        with pytest.raises(TypeError):
            mod.c_api_double(value)
        assert sys.getrefcount(value) == before
