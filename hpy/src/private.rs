//! What `#[hpy_module]`/`#[hpy_function]` expansions call. Not a public API: names and
//! signatures here may change in any release.

pub use crate::__hpy_export_module as export_module;
pub use crate::class::{
    add_class, add_exception, builtin_exception, exception_type, extract_operand,
    extract_operand_in, is_instance_in, is_not_implemented, new_object_in, no_constructor,
    not_implemented, parse_dict_keywords, parse_dict_keywords_extra, property_accessor_def,
    try_borrow, try_borrow_in, try_borrow_mut, try_borrow_mut_in, IntoBaseInit, IntoClassInit,
    IntoHash, KeywordValues, NewAsFunction, OwnType, PropertyAccessor, PyException, SlotAsFunction,
    TernarySlotAsFunction,
};
pub use crate::ffi::class::{
    borrow_self, borrow_self_mut, call_function, create_instance, field_get, field_set, HPyField,
    HPyGlobal, PyRef, PyRefMut,
};
pub use crate::ffi::class::{
    member, needs_destroy, needs_traverse, slot_destroy, slot_traverse, BorrowFlag, ClassBase,
    ClassPost, FlagStorage, FloatBase, GlobalTable, ListBase, LongBase, MemberType, MethodKind,
    MutableClass, NoBorrowFlag, ObjectBase, PyClass, Subclassable, TypeBase, TypeSpecCell,
    UnicodeBase, WrappedMethod,
};
pub use crate::ffi::slots::{
    buffer_view_fn, export_buffer, getset, getset_rw, getset_wo, getter_method, release_buffer,
    setter_method, slot_binary, slot_call, slot_finalize, slot_getbuffer, slot_hash, slot_init,
    slot_len, slot_mp_ass_subscript, slot_nb_bool, slot_new, slot_releasebuffer, slot_richcompare,
    slot_sq_ass_item, slot_sq_contains, slot_sq_item_from_subscript, slot_ssizearg, slot_ternary,
    slot_unary, BinarySlot, BinarySlotId, BufferView, ExportedBuffer, FinalizeSlot, GetBufferSlot,
    GetterFn, HashSlot, InitSlot, InquirySlot, IntoBufferView, LenSlot, LenSlotId, NewSlot,
    ObjObjArgSlot, ObjObjSlot, ReleaseBufferSlot, RichCmpSlot, SetterFn, SsizeArgSlot,
    SsizeArgSlotId, SsizeObjArgSlot, TernarySlot, TernarySlotId, UnarySlot, UnarySlotId,
};
#[cfg(feature = "cpython-abi")]
pub use crate::ffi::trampoline::cpython_module_init;
#[cfg(not(feature = "cpython-abi"))]
pub use crate::ffi::trampoline::init_global_context;
pub use crate::ffi::trampoline::{
    defs_len, meth_keywords, meth_noargs, meth_o, meth_varargs, slot_mod_create, slot_mod_exec,
    Args, DefCell, DefTable, KeywordsFn, ModCreateFn, ModExecFn, ModuleDefCell, NoArgsFn, OneArgFn,
    VarArgsFn,
};

/// Fallbacks for classes without an `#[hpy_methods]` block: that block's inherent consts of the
/// same names take priority.
pub trait NoClassItems {
    /// The type's method/slot/property definitions.
    const __HPY_TYPE_DEFS: &'static [&'static DefCell] = &[];
    /// Hidden module functions (static and class methods).
    const __HPY_MODULE_DEFS: &'static [&'static DefCell] = &[];
    /// Whether there is a `#[new]`.
    const __HPY_HAS_NEW: bool = false;
    /// Post-creation steps.
    const __HPY_POST: ClassPost = ClassPost::EMPTY;
}
impl<T: ?Sized> NoClassItems for T {}

use crate::class::KeywordSource;
use crate::ffi::{raw, KeywordNames};
pub use hpy_sys as sys;

use crate::convert::{FromPy, IntoPy, IntoPyResult};
use crate::err::{PyErr, PyResult};
use crate::ffi::{Borrowed, Context, Handle};
use crate::object::AnyHandle;

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Checks the number of positional arguments, with CPython's wording.
#[inline(always)]
pub fn check_nargs(function: &'static str, nargs: usize, min: usize, max: usize) -> PyResult<()> {
    if min <= nargs && nargs <= max {
        Ok(())
    } else {
        Err(nargs_error(function, nargs, min, max))
    }
}

/// The error of [`check_nargs`], out of line so the check itself stays a compare and a branch.
#[cold]
#[inline(never)]
fn nargs_error(function: &'static str, nargs: usize, min: usize, max: usize) -> PyErr {
    PyErr::argument_error(if max == 0 {
        format!("{function}() takes no arguments ({nargs} given)")
    } else if min == max {
        format!(
            "{function}() takes exactly {min} argument{} ({nargs} given)",
            plural(min)
        )
    } else if nargs < min {
        format!(
            "{function}() takes at least {min} argument{} ({nargs} given)",
            plural(min)
        )
    } else {
        format!(
            "{function}() takes at most {max} argument{} ({nargs} given)",
            plural(max)
        )
    })
}

/// `tp_new`/`tp_init` of a function without parameters: no positional and no keyword argument.
#[inline(always)]
pub fn no_arguments(
    function: &'static str,
    args: Args<'_>,
    kw: Option<Borrowed<'_>>,
) -> PyResult<()> {
    check_nargs(function, args.len(), 0, 0)?;
    match kw {
        None => Ok(()),
        Some(kw) => no_keywords(function, kw),
    }
}

#[cold]
#[inline(never)]
fn no_keywords(function: &'static str, kw: Borrowed<'_>) -> PyResult<()> {
    if kw.len()? != 0 {
        return Err(PyErr::argument_error(format!(
            "{function}() takes no keyword arguments"
        )));
    }
    Ok(())
}

/// Converts argument `parameter` of `function`; errors name both.
#[inline(always)]
pub fn extract<'a, T: FromPy<'a>>(
    obj: Borrowed<'a>,
    function: &'static str,
    parameter: &'static str,
) -> PyResult<T> {
    match T::from_py(obj) {
        Ok(value) => Ok(value),
        Err(err) => Err(err.with_argument(function, parameter)),
    }
}

/// Converts the key of `obj[key]`: as [`extract`], except that a key out of the range of an
/// integer key type is an `IndexError` in CPython's words (`[][2**70]`), not an `OverflowError`.
#[inline(always)]
pub fn extract_key<'a, T: FromPy<'a>>(
    obj: Borrowed<'a>,
    function: &'static str,
    parameter: &'static str,
) -> PyResult<T> {
    T::from_py(obj).map_err(|err| key_error(err, function, parameter))
}

/// [`extract_key`] when no call came before it (see `FromPy::from_py_first`).
#[inline(always)]
pub fn extract_key_first<'a, T: FromPy<'a>>(
    obj: Borrowed<'a>,
    function: &'static str,
    parameter: &'static str,
) -> PyResult<T> {
    T::from_py_first(obj).map_err(|err| key_error(err, function, parameter))
}

#[cold]
#[inline(never)]
fn key_error(err: PyErr, function: &'static str, parameter: &'static str) -> PyErr {
    use crate::ExceptionKind::{IndexError, OverflowError};
    if err.kind() == Some(OverflowError) {
        err.convert_kind(OverflowError, IndexError)
    } else {
        err.with_argument(function, parameter)
    }
}

/// [`extract`] of the first argument a function converts, when no call came before it (see
/// `FromPy::from_py_first`).
#[inline(always)]
pub fn extract_first<'a, T: FromPy<'a>>(
    obj: Borrowed<'a>,
    function: &'static str,
    parameter: &'static str,
) -> PyResult<T> {
    match T::from_py_first(obj) {
        Ok(value) => Ok(value),
        Err(err) => Err(err.with_argument(function, parameter)),
    }
}

/// The parameters of a KEYWORDS function, in order: the first `positional` can be given by
/// position (the first `positional_only` only by position), the others only by keyword.
pub struct KeywordsSpec {
    /// The name of the function in messages (`count`, `Counter.add`).
    pub func: &'static str,
    /// Parameter names.
    pub params: &'static [&'static str],
    /// How many leading parameters are required (positional ones without a default).
    pub required: usize,
    /// How many leading parameters are positional-only.
    pub positional_only: usize,
    /// How many leading parameters can be given by position.
    pub positional: usize,
    /// Per parameter: whether it has a default (may be left out).
    pub optional: &'static [bool],
    /// Whether extra positional arguments go to `*args`.
    pub varargs: bool,
    /// Whether extra keyword arguments go to `**kwargs`.
    pub varkw: bool,
    /// No keyword-only requirement, `*args` or `**kwargs`: positional arguments alone,
    /// between `required` and `positional` of them, are always a valid call.
    pub simple: bool,
}

/// What a call gave beyond the named parameters: `*args` and `**kwargs`.
pub struct ExtraArgs<'py> {
    /// The positional arguments after the named positional parameters.
    pub rest: Args<'py>,
    /// The keyword arguments no parameter took (a new dict), when the function has `**kwargs`.
    pub kwargs: Option<Handle<'py>>,
}

impl<'py> ExtraArgs<'py> {
    /// The `**kwargs` dict (an empty one when the call gave no extra keywords).
    ///
    /// # Panics
    /// If the function has no `**kwargs` (the macros only call this when it has).
    #[inline]
    pub fn kwargs(&self) -> Borrowed<'_> {
        self.kwargs
            .as_ref()
            .map(Handle::as_borrowed)
            .expect("hpy: **kwargs read for a function without **kwargs")
    }
}

/// The `**kwargs` parameter from the dict the parser made (`extra.kwargs`), handed over to
/// the parameter's type (`FromPy::from_kwargs`); `keep` holds it open for types that borrow.
#[inline(always)]
pub fn extract_kwargs<'a, 'py: 'a, T: FromPy<'a>>(
    dict: Option<Handle<'py>>,
    keep: &'a mut Option<Handle<'py>>,
    function: &'static str,
    parameter: &'static str,
) -> PyResult<T> {
    let dict = dict.expect("hpy: **kwargs read for a function without **kwargs");
    match T::from_kwargs(dict, keep) {
        Ok(value) => Ok(value),
        Err(err) => Err(err.with_argument(function, parameter)),
    }
}

/// `err`, prefixed with `module.` when it is about the arguments of a function of `module`
/// (`PyErr::argument_error`): VARARGS module functions qualify their conversion errors
/// themselves.
#[cold]
#[inline(never)]
pub fn qualified_by_module(err: PyErr, module: Borrowed<'_>) -> PyErr {
    err.qualified_by_module(module)
}

/// A handle whose lifetime was tied to a local (the `**kwargs` dict of the call) back at the
/// call's lifetime: it is owned, so it stays open until closed, whatever it was created from.
#[inline(always)]
pub fn reown<'py>(ctx: Context<'py>, result: PyResult<Handle<'_>>) -> PyResult<Handle<'py>> {
    match result {
        Ok(handle) => Ok(ctx
            .own(handle.into_raw())
            .expect("an owned handle is never NULL")),
        Err(err) => Err(err),
    }
}

/// `*args` as a new `tuple`, for a `*args: PyTuple<'py>` parameter.
pub fn args_tuple<'py>(ctx: Context<'py>, args: Args<'py>) -> PyResult<crate::PyTuple<'py>> {
    crate::PyTuple::from_iter(ctx, args.iter())
}

/// Matches positional and keyword arguments to the parameters of `spec`. Each slot is the
/// argument for that parameter, `None` when it was not given (only for defaulted ones).
///
/// The path of every call to a function without `*args` and `**kwargs`, kept lean: the
/// positional arguments are copied, each keyword's name is matched by its bytes, and anything
/// unusual is left to the out-of-line error path. Inlined into the function it parses for,
/// so the slots stay in registers (measured: bench/README.md, the keyword patterns).
#[inline(always)]
pub fn parse_keywords<'py, const N: usize>(
    spec: &KeywordsSpec,
    args: Args<'py>,
    kwnames: Option<Borrowed<'py>>,
) -> PyResult<[Option<Borrowed<'py>>; N]> {
    let nargs = args.len();
    if nargs > spec.positional {
        return Err(too_many_positional(spec, nargs));
    }
    let mut slots: [Option<Borrowed<'py>>; N] = [None; N];
    for (index, slot) in slots.iter_mut().enumerate().take(nargs) {
        *slot = Some(args.get(index));
    }
    if let Some(names) = kwnames {
        let names = KeywordNames::new(names);
        for (index, value) in args.keyword_values().enumerate() {
            let name = names.get(index)?;
            let name = name.as_borrowed();
            match keyword_parameter(spec, name) {
                Some(position) if slots[position].is_none() => slots[position] = Some(value),
                _ => return Err(misplaced_keyword(spec, &mut slots, name, value)),
            }
        }
    }
    check_required(spec, &slots)?;
    Ok(slots)
}

/// The error for a keyword argument [`parse_keywords`] could not place: a repeated, unknown
/// or positional-only name, or one that is not a `str`.
#[cold]
#[inline(never)]
fn misplaced_keyword<'py>(
    spec: &KeywordsSpec,
    slots: &mut [Option<Borrowed<'py>>],
    name: Borrowed<'_>,
    value: Borrowed<'py>,
) -> PyErr {
    let text = match keyword_name(spec.func, name) {
        Ok(text) => text,
        Err(err) => return err,
    };
    match place_keyword(spec, slots, text, Some(name), value, &mut None) {
        Err(err) => err,
        // Unreachable: a name that fills a free parameter took the fast path.
        Ok(()) => PyErr::argument_error(format!(
            "{}() got an unexpected keyword argument '{text}'",
            spec.func
        )),
    }
}

/// Checks that every parameter without a default was given.
#[inline(always)]
fn check_required(spec: &KeywordsSpec, slots: &[Option<Borrowed<'_>>]) -> PyResult<()> {
    if spec.simple {
        // Only the leading positional parameters can be required.
        for (position, slot) in slots.iter().enumerate().take(spec.required) {
            if slot.is_none() {
                return Err(missing_argument(spec, position));
            }
        }
    } else {
        for (position, slot) in slots.iter().enumerate() {
            if slot.is_none() && !spec.optional.get(position).copied().unwrap_or(false) {
                return Err(missing_argument(spec, position));
            }
        }
    }
    Ok(())
}

/// [`parse_keywords`] for a function with `*args` or `**kwargs`: also returns what they take.
#[inline(always)]
pub fn parse_keywords_extra<'py, const N: usize>(
    spec: &KeywordsSpec,
    ctx: Context<'py>,
    args: Args<'py>,
    kwnames: Option<Borrowed<'py>>,
) -> PyResult<([Option<Borrowed<'py>>; N], ExtraArgs<'py>)> {
    if spec.varkw && !spec.varargs && spec.positional_only == N && spec.required == N {
        // `(a, b, /, **kwargs)`: the arguments are the positional ones, and every keyword
        // goes to the dict under the caller's own name object. Any other count is an error,
        // which the general path words.
        if args.len() == N {
            return collect_keywords(ctx, args, kwnames);
        }
    }
    let mut extra = ExtraArgs {
        rest: args,
        kwargs: None,
    };
    let slots = parse_keywords_from(
        spec,
        args,
        kwnames.map(KeywordSource::Names),
        Some((ctx, &mut extra)),
    )?;
    Ok((slots, extra))
}

/// [`parse_keywords_extra`] for `N` positional-only parameters and `**kwargs`, called with
/// exactly `N` positional arguments.
#[inline(always)]
fn collect_keywords<'py, const N: usize>(
    ctx: Context<'py>,
    args: Args<'py>,
    kwnames: Option<Borrowed<'py>>,
) -> PyResult<([Option<Borrowed<'py>>; N], ExtraArgs<'py>)> {
    let dict = new_dict(ctx)?;
    args.store_keywords(kwnames, dict.as_borrowed())?;
    // Read after the loop, so that they are not kept across it.
    let mut slots: [Option<Borrowed<'py>>; N] = [None; N];
    for (index, slot) in slots.iter_mut().enumerate() {
        *slot = Some(args.get(index));
    }
    let mut rest = args;
    for _ in 0..N {
        rest = rest.skip_first();
    }
    Ok((
        slots,
        ExtraArgs {
            rest,
            kwargs: Some(dict),
        },
    ))
}

/// A keyword argument's name as `&str`. Names that are not text raise CPython's
/// `TypeError: keywords must be strings`, and those UTF-8 cannot hold (lone surrogates)
/// `TypeError: '\ud800' is an invalid keyword argument for f()`, rather than an encoding error.
pub(crate) fn keyword_name<'a>(function: &'static str, name: Borrowed<'a>) -> PyResult<&'a str> {
    match <&'a str as FromPy<'a>>::from_py(name) {
        Ok(text) => Ok(text),
        Err(err) => {
            err.clear(name.context());
            if !name.is_instance_of(crate::BuiltinType::Str) {
                return Err(PyErr::type_error("keywords must be strings"));
            }
            let shown = crate::object::repr_string(name).unwrap_or_else(|| "'?'".to_owned());
            Err(PyErr::type_error(format!(
                "{shown} is an invalid keyword argument for {function}()"
            )))
        }
    }
}

fn place_keyword<'py>(
    spec: &KeywordsSpec,
    slots: &mut [Option<Borrowed<'py>>],
    name: &str,
    // The name as the caller's `str`, when there is one: `**kwargs` reuses it as the key.
    name_object: Option<Borrowed<'_>>,
    value: Borrowed<'py>,
    extra: &mut Option<(Context<'py>, &mut ExtraArgs<'py>)>,
) -> PyResult<()> {
    let function = spec.func;
    let position = spec.params.iter().position(|param| *param == name);
    match position {
        Some(position) if position >= spec.positional_only => {
            if slots[position].is_some() {
                return Err(multiple_values(spec, name));
            }
            slots[position] = Some(value);
            Ok(())
        }
        _ => match extra {
            Some((ctx, extra)) if spec.varkw => {
                let dict = match &extra.kwargs {
                    Some(dict) => dict,
                    None => extra.kwargs.insert(new_dict(*ctx)?),
                };
                match name_object {
                    Some(key) => dict.setitem(key, value),
                    None => dict.setitem_str(name, value),
                }
            }
            _ if position.is_some() => Err(PyErr::argument_error(format!(
                "{function}() got some positional-only arguments passed as keyword arguments: \
                 '{name}'"
            ))),
            _ => Err(PyErr::argument_error(format!(
                "{function}() got an unexpected keyword argument '{name}'"
            ))),
        },
    }
}

/// The position of the parameter a keyword argument named `name` fills, when it is a `str`
/// spelling one that can be given by keyword. Anything else (unknown, positional-only, not a
/// `str`, not encodable) is `None`, for the slower path that places or rejects it.
#[inline(always)]
fn keyword_parameter(spec: &KeywordsSpec, name: Borrowed<'_>) -> Option<usize> {
    let ctx = name.context();
    if raw::predicate(ctx, hpy_sys::HPyUnicode_Check, name) != 1 {
        return None;
    }
    if crate::ffi::runtime_is_debug() {
        return keyword_parameter_by_code_points(spec, name);
    }
    let Some(bytes) = raw::unicode_as_utf8(ctx, name) else {
        // Lone surrogates: the slower path raises CPython's error for them.
        raw::err_clear(ctx);
        return None;
    };
    // Byte by byte: the names are short, and equal bytes mean valid UTF-8, as the
    // parameter's own name is.
    let same =
        |param: &&str| param.len() == bytes.len() && param.bytes().zip(bytes).all(|(a, b)| a == *b);
    let keyword_able = &spec.params[spec.positional_only..];
    keyword_able
        .iter()
        .position(same)
        .map(|index| index + spec.positional_only)
}

/// [`keyword_parameter`] in HPy's debug mode, which makes every `HPyUnicode_AsUTF8AndSize`
/// copy the text into freshly mapped memory (protected when the handle closes: two system
/// calls, about 12 µs per keyword): the name's length and code points are read instead.
#[inline(never)]
fn keyword_parameter_by_code_points(spec: &KeywordsSpec, name: Borrowed<'_>) -> Option<usize> {
    let ctx = name.context();
    let length = raw::length(ctx, name);
    if length < 0 {
        raw::err_clear(ctx);
        return None;
    }
    let same = |param: &&str| {
        param.chars().count() == length as usize
            && param.chars().enumerate().all(|(index, expected)| {
                crate::ffi::text_calls::unicode_read_char(ctx, name, index as isize)
                    == u32::from(expected)
            })
    };
    let keyword_able = &spec.params[spec.positional_only..];
    keyword_able
        .iter()
        .position(same)
        .map(|index| index + spec.positional_only)
}

/// `f() got multiple values for argument 'x'`, in CPython's words.
#[cold]
#[inline(never)]
fn multiple_values(spec: &KeywordsSpec, name: &str) -> PyErr {
    let function = spec.func;
    PyErr::argument_error(format!(
        "{function}() got multiple values for argument '{name}'"
    ))
}

fn new_dict(ctx: Context<'_>) -> PyResult<Handle<'_>> {
    use crate::types::View;
    Ok(crate::PyDict::new(ctx)?.into_handle())
}

/// The error for too many positional arguments, in CPython's words.
#[cold]
#[inline(never)]
fn too_many_positional(spec: &KeywordsSpec, nargs: usize) -> PyErr {
    let function = spec.func;
    let max = spec.positional;
    let keyword_only = spec.params.len() > max || spec.varkw;
    let noun = if keyword_only {
        "positional argument"
    } else {
        "argument"
    };
    PyErr::argument_error(if max == 0 {
        format!("{function}() takes no {noun}s ({nargs} given)")
    } else if spec.required == max {
        format!(
            "{function}() takes exactly {max} {noun}{} ({nargs} given)",
            plural(max)
        )
    } else {
        format!(
            "{function}() takes at most {max} {noun}{} ({nargs} given)",
            plural(max)
        )
    })
}

/// The error for a required parameter left out, in CPython's words.
#[cold]
#[inline(never)]
fn missing_argument(spec: &KeywordsSpec, position: usize) -> PyErr {
    let function = spec.func;
    let name = spec.params[position];
    PyErr::argument_error(if position < spec.positional {
        format!(
            "{function}() missing required argument '{name}' (pos {})",
            position + 1
        )
    } else {
        format!("{function}() missing required keyword-only argument '{name}'")
    })
}

pub(crate) fn parse_keywords_from<'py, const N: usize>(
    spec: &KeywordsSpec,
    args: Args<'py>,
    keywords: Option<KeywordSource<'py>>,
    mut extra: Option<(Context<'py>, &mut ExtraArgs<'py>)>,
) -> PyResult<[Option<Borrowed<'py>>; N]> {
    let function = spec.func;
    let mut slots: [Option<Borrowed<'py>>; N] = [None; N];
    let nargs = args.len();
    let given = nargs.min(spec.positional);
    if nargs > spec.positional {
        match &mut extra {
            Some((_, extra)) if spec.varargs => {
                let mut rest = args;
                for _ in 0..given {
                    rest = rest.skip_first();
                }
                extra.rest = rest;
            }
            _ => return Err(too_many_positional(spec, nargs)),
        }
    } else if let Some((_, extra)) = &mut extra {
        let mut rest = args;
        for _ in 0..given {
            rest = rest.skip_first();
        }
        extra.rest = rest;
    }
    for (index, slot) in slots.iter_mut().enumerate().take(given) {
        *slot = Some(args.get(index));
    }
    match keywords {
        None => {}
        Some(KeywordSource::Names(names))
            if spec.varkw && spec.positional_only == spec.params.len() && extra.is_some() =>
        {
            // No parameter takes a keyword: every keyword goes to `**kwargs` under the caller's
            // own name object (the interpreter made sure each is a `str`).
            if let Some((ctx, extra)) = &mut extra {
                let dict = match &extra.kwargs {
                    Some(dict) => dict,
                    None => extra.kwargs.insert(new_dict(*ctx)?),
                };
                args.store_keywords(Some(names), dict.as_borrowed())?;
            }
        }
        Some(KeywordSource::Names(names)) => {
            let names = KeywordNames::new(names);
            for (index, value) in args.keyword_values().enumerate() {
                let name = names.get(index)?;
                let name = name.as_borrowed();
                // The common case first: a parameter's name, compared as bytes.
                if let Some(position) = keyword_parameter(spec, name) {
                    if slots[position].is_some() {
                        return Err(multiple_values(spec, spec.params[position]));
                    }
                    slots[position] = Some(value);
                    continue;
                }
                let text = keyword_name(function, name)?;
                place_keyword(spec, &mut slots, text, Some(name), value, &mut extra)?;
            }
        }
        Some(KeywordSource::Dict(values)) => {
            for (name, value) in values {
                place_keyword(spec, &mut slots, name, None, value, &mut extra)?;
            }
        }
    }
    check_required(spec, &slots)?;
    if let Some((ctx, extra)) = extra {
        if spec.varkw && extra.kwargs.is_none() {
            extra.kwargs = Some(new_dict(ctx)?);
        }
    }
    Ok(slots)
}

/// Copies `N` bytes of `class`, a dot and `name` (`Counter.add`): a method's qualified name,
/// built at compile time.
pub const fn qualified_name_bytes<const N: usize>(class: &str, name: &str) -> [u8; N] {
    let mut out = [0u8; N];
    let (class, name) = (class.as_bytes(), name.as_bytes());
    let mut i = 0;
    while i < class.len() {
        out[i] = class[i];
        i += 1;
    }
    out[i] = b'.';
    let mut j = 0;
    while j < name.len() {
        out[i + 1 + j] = name[j];
        j += 1;
    }
    out
}

/// The text of bytes built by [`qualified_name_bytes`] (at compile time).
pub const fn utf8(bytes: &[u8]) -> &str {
    match core::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => panic!("a qualified name is UTF-8"),
    }
}

/// [`into_result`] inside a binary slot that loaded its class's type once.
#[inline(always)]
pub fn into_result_in<'py, R: IntoPyResult<'py>>(
    ret: R,
    ctx: Context<'py>,
    own: &crate::class::OwnType<'py>,
) -> PyResult<Handle<'py>> {
    ret.into_py_result_in(ctx, own)
}

/// `false` when `ret` converts to a new object (never `NotImplemented`); see `IntoPy::NEW_OBJECT`.
#[inline(always)]
pub fn may_be_not_implemented<'py, R: IntoPyResult<'py>>(_ret: &R) -> bool {
    !R::NEW_OBJECT
}

/// Converts what a user function returned.
#[inline(always)]
pub fn into_result<'py, R: IntoPyResult<'py>>(ret: R, ctx: Context<'py>) -> PyResult<Handle<'py>> {
    ret.into_py_result(ctx)
}

/// Sets a module attribute (for `#[hpy_const]` items).
pub fn set_module_attr<'py, V: IntoPy<'py>>(
    _ctx: Context<'py>,
    module: Borrowed<'py>,
    name: &'static str,
    value: V,
) -> PyResult<()> {
    module.setattr(name, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: PyResult<()>) -> String {
        let err = result.expect_err("expected an error");
        assert_eq!(err.kind(), Some(crate::ExceptionKind::TypeError));
        err.to_string()
    }

    #[test]
    fn argument_count_messages_follow_cpython() {
        assert!(check_nargs("f", 2, 2, 2).is_ok());
        assert!(check_nargs("f", 1, 0, 3).is_ok());
        let cases = [
            ((1, 0, 0), "f() takes no arguments (1 given)"),
            ((3, 2, 2), "f() takes exactly 2 arguments (3 given)"),
            ((0, 1, 1), "f() takes exactly 1 argument (0 given)"),
            ((0, 1, 3), "f() takes at least 1 argument (0 given)"),
            ((4, 1, 3), "f() takes at most 3 arguments (4 given)"),
        ];
        for ((nargs, min, max), expected) in cases {
            assert_eq!(
                message(check_nargs("f", nargs, min, max)),
                format!("TypeError: {expected}")
            );
        }
    }

    fn spec(positional: usize, required: usize, params: &'static [&'static str]) -> KeywordsSpec {
        KeywordsSpec {
            func: "f",
            params,
            required,
            positional_only: 0,
            positional,
            optional: &[],
            varargs: false,
            varkw: false,
            simple: true,
        }
    }

    #[test]
    fn keyword_parser_messages_follow_cpython_builtins() {
        let text = |err: PyErr| err.to_string();
        // Like `(1).to_bytes(1, 'big', 3, 4)` and `math.isclose(1, 2, 3)`.
        assert_eq!(
            text(too_many_positional(&spec(3, 0, &["a", "b", "c"]), 4)),
            "TypeError: f() takes at most 3 arguments (4 given)"
        );
        assert_eq!(
            text(too_many_positional(&spec(2, 2, &["a", "b", "c"]), 3)),
            "TypeError: f() takes exactly 2 positional arguments (3 given)"
        );
        assert_eq!(
            text(too_many_positional(&spec(0, 0, &["a"]), 1)),
            "TypeError: f() takes no positional arguments (1 given)"
        );
        assert_eq!(
            text(missing_argument(&spec(1, 1, &["a", "b"]), 0)),
            "TypeError: f() missing required argument 'a' (pos 1)"
        );
        assert_eq!(
            text(missing_argument(&spec(1, 1, &["a", "b"]), 1)),
            "TypeError: f() missing required keyword-only argument 'b'"
        );
    }

    #[test]
    fn qualified_names_are_built_at_compile_time() {
        const N: usize = "Counter".len() + 1 + "add".len();
        const BYTES: [u8; N] = qualified_name_bytes::<N>("Counter", "add");
        assert_eq!(utf8(&BYTES), "Counter.add");
    }
}
