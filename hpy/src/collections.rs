//! Conversions of the standard library's collections, boxes and paths.
//!
//! | Rust | Python |
//! |---|---|
//! | `HashMap<K, V>`, `BTreeMap<K, V>` | `dict` (a subclass is accepted) |
//! | `HashSet<T>`, `BTreeSet<T>` | `set` (a `frozenset` is accepted too) |
//! | `[T; N]` | `list` (any iterable of exactly `N` items is accepted) |
//! | `Box<T>` | what `T` converts to |
//! | `Cow<str>` | `str` |
//! | `PathBuf`, `&Path`, `OsString`, `&OsStr` | `str` (`os.fsdecode`); in: `str`, `bytes` or `os.PathLike` (`os.fsencode`) |
//!
//! A size read from Python is reserved with `try_reserve`: too large raises `MemoryError`.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::hash::{BuildHasher, Hash};
use std::path::{Path, PathBuf};

use crate::convert::{FromPy, IntoPy};
use crate::err::{PyErr, PyResult};
use crate::ffi::{Borrowed, Context, Handle};
use crate::object::{repr_string, AnyHandle};
use crate::types::view::mismatch;
use crate::types::{PyDict, PyList, View};

// ---- dicts ----

/// The `(key, value)` pairs of a `dict`, each converted; `reserve` is told the length first.
fn dict_entries<'a, C, K, V>(
    obj: Borrowed<'a>,
    into: &mut C,
    reserve: impl FnOnce(&mut C, usize) -> PyResult<()>,
    mut insert: impl FnMut(&mut C, K, V),
) -> PyResult<()>
where
    K: for<'x> FromPy<'x>,
    V: for<'x> FromPy<'x>,
{
    let dict = PyDict::from_py(obj)?;
    reserve(into, dict.len()?)?;
    for entry in dict.iter()? {
        let (key, value) = entry?;
        let converted_key = K::from_py(key.as_borrowed()).map_err(|e| e.with_context("key"))?;
        let converted_value = V::from_py(value.as_borrowed()).map_err(|e| {
            let key = repr_string(key.as_borrowed()).unwrap_or_else(|| "?".to_owned());
            e.with_context(&format!("value of key {key}"))
        })?;
        insert(into, converted_key, converted_value);
    }
    Ok(())
}

impl<'a, K, V, S> FromPy<'a> for HashMap<K, V, S>
where
    K: for<'x> FromPy<'x> + Eq + Hash,
    V: for<'x> FromPy<'x>,
    S: BuildHasher + Default,
{
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
        let mut map = HashMap::with_hasher(S::default());
        dict_entries(
            obj,
            &mut map,
            |c, len| c.try_reserve(len).map_err(PyErr::from),
            |c, k, v| {
                c.insert(k, v);
            },
        )?;
        Ok(map)
    }
}

impl<'a, K, V> FromPy<'a> for BTreeMap<K, V>
where
    K: for<'x> FromPy<'x> + Ord,
    V: for<'x> FromPy<'x>,
{
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
        let mut map = BTreeMap::new();
        dict_entries(
            obj,
            &mut map,
            |_, _| Ok(()),
            |c, k, v| {
                c.insert(k, v);
            },
        )?;
        Ok(map)
    }
}

fn dict_from_pairs<'py, K: IntoPy<'py>, V: IntoPy<'py>>(
    ctx: Context<'py>,
    pairs: impl Iterator<Item = (K, V)>,
) -> PyResult<Handle<'py>> {
    let dict = PyDict::new(ctx)?;
    for (key, value) in pairs {
        dict.set_item(key, value)?;
    }
    Ok(dict.into_handle())
}

impl<'py, K: IntoPy<'py>, V: IntoPy<'py>, S> IntoPy<'py> for HashMap<K, V, S> {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        dict_from_pairs(ctx, self.into_iter())
    }
}

impl<'py, K: IntoPy<'py>, V: IntoPy<'py>> IntoPy<'py> for BTreeMap<K, V> {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        dict_from_pairs(ctx, self.into_iter())
    }
}

// ---- sets ----

/// The items of a `set` or `frozenset`, each converted.
fn set_items<'a, C, T: for<'x> FromPy<'x>>(
    obj: Borrowed<'a>,
    into: &mut C,
    reserve: impl FnOnce(&mut C, usize) -> PyResult<()>,
    mut insert: impl FnMut(&mut C, T),
) -> PyResult<()> {
    let builtins = obj.context().import("builtins")?;
    if !(obj.is_instance(&builtins.getattr("set")?)?
        || obj.is_instance(&builtins.getattr("frozenset")?)?)
    {
        return Err(mismatch("set or frozenset", obj));
    }
    // HPy 0.9 has no set API: one Python-level call, `list(obj)`, then the items by index,
    // which costs less than a call of the iterator's `__next__` per item.
    let items = builtins.getattr("list")?.call((obj,))?;
    let len = items.len()?;
    reserve(into, len)?;
    for index in 0..len {
        let item = items.get_index(index as isize)?;
        insert(
            into,
            T::from_py(item.as_borrowed()).map_err(|e| e.with_context("item"))?,
        );
    }
    Ok(())
}

impl<'a, T, S> FromPy<'a> for HashSet<T, S>
where
    T: for<'x> FromPy<'x> + Eq + Hash,
    S: BuildHasher + Default,
{
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
        let mut set = HashSet::with_hasher(S::default());
        set_items(
            obj,
            &mut set,
            |c, len| c.try_reserve(len).map_err(PyErr::from),
            |c, item| {
                c.insert(item);
            },
        )?;
        Ok(set)
    }
}

impl<'a, T: for<'x> FromPy<'x> + Ord> FromPy<'a> for BTreeSet<T> {
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
        let mut set = BTreeSet::new();
        set_items(
            obj,
            &mut set,
            |_, _| Ok(()),
            |c, item| {
                c.insert(item);
            },
        )?;
        Ok(set)
    }
}

fn set_from_items<'py, T: IntoPy<'py>>(
    ctx: Context<'py>,
    items: impl Iterator<Item = T>,
) -> PyResult<Handle<'py>> {
    let list = PyList::from_iter(ctx, items)?;
    crate::types::set::set_from_list(ctx, list.into_handle())
}

impl<'py, T: IntoPy<'py>, S> IntoPy<'py> for HashSet<T, S> {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        set_from_items(ctx, self.into_iter())
    }
}

impl<'py, T: IntoPy<'py>> IntoPy<'py> for BTreeSet<T> {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        set_from_items(ctx, self.into_iter())
    }
}

// ---- arrays, boxes, Cow ----

impl<'a, T: for<'x> FromPy<'x>, const N: usize> FromPy<'a> for [T; N] {
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
        let items = Vec::<T>::from_py(obj)?;
        let len = items.len();
        items.try_into().map_err(|_| {
            PyErr::value_error(format!(
                "expected a sequence of length {N}, got length {len}"
            ))
        })
    }
}

impl<'py, T: IntoPy<'py>, const N: usize> IntoPy<'py> for [T; N] {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        T::vec_into_py(Vec::from(self), ctx)
    }
}

impl<'a, T: FromPy<'a>> FromPy<'a> for Box<T> {
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
        T::from_py(obj).map(Box::new)
    }
}

impl<'py, T: IntoPy<'py>> IntoPy<'py> for Box<T> {
    const NEW_OBJECT: bool = T::NEW_OBJECT;
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        (*self).into_py(ctx)
    }
}

impl<'a> FromPy<'a> for Cow<'a, str> {
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
        <&'a str>::from_py(obj).map(Cow::Borrowed)
    }
}

// ---- paths ----

/// `os.fsencode(obj)`: the file-system bytes of a `str`, `bytes` or `os.PathLike`.
fn fs_bytes(obj: Borrowed<'_>) -> PyResult<Vec<u8>> {
    let ctx = obj.context();
    let encoded = ctx.import("os")?.getattr("fsencode")?.call((obj.dup(),))?;
    encoded.extract::<Vec<u8>>()
}

/// `os.fsdecode(bytes)`: a `str`, undecodable bytes as lone surrogates (`surrogateescape`).
fn fs_str<'py>(ctx: Context<'py>, bytes: &[u8]) -> PyResult<Handle<'py>> {
    ctx.import("os")?.getattr("fsdecode")?.call((bytes,))
}

#[cfg(unix)]
fn os_string_from_bytes(bytes: Vec<u8>) -> PyResult<OsString> {
    use std::os::unix::ffi::OsStringExt;
    Ok(OsString::from_vec(bytes))
}

#[cfg(not(unix))]
fn os_string_from_bytes(bytes: Vec<u8>) -> PyResult<OsString> {
    String::from_utf8(bytes)
        .map(OsString::from)
        .map_err(|e| PyErr::from(e.utf8_error()))
}

#[cfg(unix)]
fn os_str_bytes(text: &OsStr) -> Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    Cow::Borrowed(text.as_bytes())
}

#[cfg(not(unix))]
fn os_str_bytes(text: &OsStr) -> Cow<'_, [u8]> {
    match text.to_string_lossy() {
        Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    }
}

impl FromPy<'_> for OsString {
    fn from_py(obj: Borrowed<'_>) -> PyResult<Self> {
        os_string_from_bytes(fs_bytes(obj)?)
    }
}

impl FromPy<'_> for PathBuf {
    fn from_py(obj: Borrowed<'_>) -> PyResult<Self> {
        OsString::from_py(obj).map(PathBuf::from)
    }
}

impl<'py> IntoPy<'py> for &OsStr {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        fs_str(ctx, &os_str_bytes(self))
    }
}

impl<'py> IntoPy<'py> for OsString {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        self.as_os_str().into_py(ctx)
    }
}

impl<'py> IntoPy<'py> for &Path {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        self.as_os_str().into_py(ctx)
    }
}

impl<'py> IntoPy<'py> for PathBuf {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        self.as_os_str().into_py(ctx)
    }
}
