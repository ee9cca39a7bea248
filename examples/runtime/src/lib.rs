//! The runtime families of the safe API: warnings, errno errors and `std::io::Error`,
//! exception classes made at run time, fatal errors, typed capsules, context variables,
//! slices and compiled code. `tests/python/test_runtime.py` checks each from Python in every
//! mode.

/// hpy-rs runtime families.
#[hpy::hpy_module]
mod runtime {
    use hpy::prelude::*;

    // ---- errors ----------------------------------------------------------------------------

    /// `warnings.warn(message, category, stacklevel)` from Rust; `category` is any class.
    #[hpy_function]
    fn warn(
        ctx: Context<'_>,
        category: Borrowed<'_>,
        message: &str,
        stacklevel: isize,
    ) -> PyResult<()> {
        hpy::warn(ctx, category, message, stacklevel)
    }

    /// A `DeprecationWarning` blaming the caller (stack level 1), given as a builtin kind.
    #[hpy_function]
    fn deprecated(ctx: Context<'_>, message: &str) -> PyResult<()> {
        hpy::warn(ctx, ExceptionKind::DeprecationWarning, message, 1)
    }

    /// Raises `MemoryError()` as `PyErr_NoMemory` does.
    #[hpy_function]
    fn no_memory(ctx: Context<'_>) -> PyResult<()> {
        Err(PyErr::no_memory(ctx))
    }

    /// Ends the process with HPy's fatal error.
    #[hpy_function]
    fn fatal(ctx: Context<'_>, message: &str) {
        hpy::fatal_error(ctx, message)
    }

    /// A new exception class `name` (`"module.Name"`), with an optional base, doc and dict.
    #[hpy_function]
    fn new_exception<'py>(
        ctx: Context<'py>,
        name: &str,
        #[hpy(default)] base: Option<Borrowed<'py>>,
        #[hpy(default)] doc: Option<&str>,
        #[hpy(default)] dict: Option<Borrowed<'py>>,
    ) -> PyResult<Handle<'py>> {
        PyErr::new_exception_type(ctx, name, doc, base, dict)
    }

    /// Raises the `std::io::Error` of OS error number `errno` (converted with `?`).
    #[hpy_function]
    fn io_error(errno: i32) -> PyResult<()> {
        Err(std::io::Error::from_raw_os_error(errno))?;
        Ok(())
    }

    /// The class name Rust gives (before raising) the `std::io::Error` of OS error `errno`:
    /// `PyErr::kind()` of the converted error.
    #[hpy_function]
    fn io_error_kind(errno: i32) -> String {
        let err = PyErr::from(std::io::Error::from_raw_os_error(errno));
        format!("{:?}", err.kind().expect("a lazy error has a kind"))
    }

    /// Raises a `std::io::Error` without an OS error number, of kind `kind` (its Debug name).
    #[hpy_function]
    fn io_error_of_kind(kind: &str, message: &str) -> PyResult<()> {
        use std::io::ErrorKind as K;
        let kind = match kind {
            "NotFound" => K::NotFound,
            "PermissionDenied" => K::PermissionDenied,
            "AlreadyExists" => K::AlreadyExists,
            "WouldBlock" => K::WouldBlock,
            "TimedOut" => K::TimedOut,
            "Interrupted" => K::Interrupted,
            "BrokenPipe" => K::BrokenPipe,
            "ConnectionRefused" => K::ConnectionRefused,
            "OutOfMemory" => K::OutOfMemory,
            "UnexpectedEof" => K::UnexpectedEof,
            _ => K::Other,
        };
        Err(std::io::Error::new(kind, message.to_owned()))?;
        Ok(())
    }

    /// Opens `path` for reading with Rust's std; a failure is the `std::io::Error`, converted.
    #[hpy_function]
    fn open_with_std(path: &str) -> PyResult<()> {
        std::fs::File::open(path)?;
        Ok(())
    }

    /// Opens `path` with Rust's std; a failure is raised from C's `errno` by
    /// `HPyErr_SetFromErrno[WithFilename]` with class `class`.
    #[hpy_function]
    fn open_with_errno<'py>(
        ctx: Context<'py>,
        class: Borrowed<'py>,
        path: &str,
        with_filename: bool,
    ) -> PyResult<()> {
        match std::fs::File::open(path) {
            Ok(_) => Ok(()),
            Err(_) if with_filename => Err(PyErr::from_errno_with_filename(ctx, class, path)),
            Err(_) => Err(PyErr::from_errno(ctx, class)),
        }
    }

    /// Renames `src` to `dst` with Rust's std; a failure is raised from `errno` with both file
    /// name objects (`HPyErr_SetFromErrnoWithFilenameObjects`).
    #[hpy_function]
    fn rename_with_errno<'py>(
        ctx: Context<'py>,
        src: Borrowed<'py>,
        dst: Borrowed<'py>,
    ) -> PyResult<()> {
        let (from, to): (String, String) = (src.extract()?, dst.extract()?);
        match std::fs::rename(from, to) {
            Ok(()) => Ok(()),
            Err(_) => Err(PyErr::from_errno_with_filename_objects(
                ctx,
                ExceptionKind::OSError,
                Some(src),
                Some(dst),
            )),
        }
    }

    // ---- capsules ----------------------------------------------------------------------------

    // ANCHOR: capsules
    /// How many `Counted` values capsules have dropped.
    static DROPS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    /// A capsule value whose drop Python can observe (`capsule_drops()`).
    struct Counted {
        value: i64,
    }

    impl Drop for Counted {
        fn drop(&mut self) {
            DROPS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// A capsule named `name` holding `value` (a Rust `Counted`).
    #[hpy_function]
    fn make_capsule<'py>(ctx: Context<'py>, name: &str, value: i64) -> PyResult<Handle<'py>> {
        hpy::Capsule::new(ctx, name, Counted { value })
    }

    /// A capsule named `name` holding a Rust `String`.
    #[hpy_function]
    fn make_text_capsule<'py>(
        ctx: Context<'py>,
        name: &str,
        text: String,
    ) -> PyResult<Handle<'py>> {
        hpy::Capsule::new(ctx, name, text)
    }

    /// The `Counted` value of a capsule made by `make_capsule`.
    #[hpy_function]
    fn capsule_value(capsule: Borrowed<'_>, name: &str) -> PyResult<i64> {
        let counted: &Counted = hpy::Capsule::get(&capsule, name)?;
        Ok(counted.value)
    }

    /// The `String` of a capsule made by `make_text_capsule`.
    #[hpy_function]
    fn capsule_text(capsule: Borrowed<'_>, name: &str) -> PyResult<String> {
        let text: &String = hpy::Capsule::get(&capsule, name)?;
        Ok(text.clone())
    }

    /// `HPyCapsule_IsValid(capsule, name)`.
    #[hpy_function]
    fn capsule_is_valid(capsule: Borrowed<'_>, name: &str) -> bool {
        hpy::Capsule::is_valid(&capsule, name)
    }

    /// The name of any capsule.
    #[hpy_function]
    fn capsule_name(capsule: Borrowed<'_>) -> PyResult<Option<String>> {
        hpy::Capsule::name(&capsule)
    }

    /// How many capsule values were dropped so far.
    #[hpy_function]
    fn capsule_drops() -> usize {
        DROPS.load(std::sync::atomic::Ordering::SeqCst)
    }
    // ANCHOR_END: capsules

    // ---- context variables -------------------------------------------------------------------

    /// `ContextVar(name[, default=default])`, made by `HPyContextVar_New`.
    #[hpy_function]
    fn cv_new<'py>(
        ctx: Context<'py>,
        name: &str,
        #[hpy(default)] default: Option<Borrowed<'py>>,
    ) -> PyResult<Handle<'py>> {
        Ok(hpy::ContextVar::new(ctx, name, default)?.into_handle())
    }

    /// `(True, value)` if `var` has a value (or a default) in the current context, else
    /// `(False, None)`.
    #[hpy_function]
    fn cv_get<'py>(var: Borrowed<'py>) -> PyResult<(bool, Option<Handle<'py>>)> {
        let value = hpy::ContextVar::from_object(var)?.get_object()?;
        Ok((value.is_some(), value))
    }

    /// `var.get(default)`.
    #[hpy_function]
    fn cv_get_or<'py>(var: Borrowed<'py>, default: Borrowed<'py>) -> PyResult<Handle<'py>> {
        hpy::ContextVar::from_object(var)?.get_object_or(default)
    }

    /// `var.set(value)`: the token.
    #[hpy_function]
    fn cv_set<'py>(var: Borrowed<'py>, value: Borrowed<'py>) -> PyResult<Handle<'py>> {
        Ok(hpy::ContextVar::from_object(var)?.set(value)?.into_handle())
    }

    /// `var.reset(token)`.
    #[hpy_function]
    fn cv_reset<'py>(var: Borrowed<'py>, token: Borrowed<'py>) -> PyResult<()> {
        let token = hpy::ContextVarToken::from_object(token)?;
        hpy::ContextVar::from_object(var)?.reset(token)
    }

    /// Adds `n` to the integer in `var` (0 when it has none) and returns the new value: typed
    /// get and set.
    #[hpy_function]
    fn cv_add(var: Borrowed<'_>, n: i64) -> PyResult<i64> {
        let var = hpy::ContextVar::from_object(var)?;
        let next = var.get::<i64>()?.unwrap_or(0) + n;
        var.set(next)?;
        Ok(next)
    }

    /// Sets `var` to `value`, runs `f()`, and resets `var` (set, then reset with the token),
    /// returning what `f` returned.
    #[hpy_function]
    fn cv_with<'py>(
        var: Borrowed<'py>,
        value: Borrowed<'py>,
        f: Borrowed<'py>,
    ) -> PyResult<Handle<'py>> {
        let var = hpy::ContextVar::from_object(var)?;
        let token = var.set(value)?;
        let result = f.call(());
        var.reset(token)?;
        result
    }

    // ---- slices ------------------------------------------------------------------------------

    /// A list of integers whose indexing and slicing (get, set, delete) are `list`'s.
    #[hpy_class]
    pub struct Seq {
        items: Vec<i64>,
    }

    #[hpy_methods]
    impl Seq {
        #[new]
        fn new(items: Vec<i64>) -> Self {
            Seq { items }
        }

        /// The items as a list.
        fn tolist(&self) -> Vec<i64> {
            self.items.clone()
        }

        fn __len__(&self) -> usize {
            self.items.len()
        }

        fn __getitem__<'py>(
            &self,
            ctx: Context<'py>,
            key: hpy::IndexOrSlice<'_>,
        ) -> PyResult<Handle<'py>> {
            match key {
                hpy::IndexOrSlice::Index(index) => {
                    let position = hpy::IndexOrSlice::resolve_index(index, self.items.len())
                        .ok_or_else(|| PyErr::index_error("list index out of range"))?;
                    ctx.to_object(self.items[position])
                }
                hpy::IndexOrSlice::Slice(slice) => {
                    let indices = slice.indices(self.items.len())?;
                    let mut picked = Vec::new();
                    picked.try_reserve_exact(indices.len)?;
                    picked.extend(indices.positions().map(|position| self.items[position]));
                    ctx.to_object(picked)
                }
            }
        }

        fn __setitem__(&mut self, key: hpy::IndexOrSlice<'_>, value: Borrowed<'_>) -> PyResult<()> {
            match key {
                hpy::IndexOrSlice::Index(index) => {
                    let position = hpy::IndexOrSlice::resolve_index(index, self.items.len())
                        .ok_or_else(|| PyErr::index_error("list assignment index out of range"))?;
                    self.items[position] = value.extract()?;
                }
                hpy::IndexOrSlice::Slice(slice) => {
                    let indices = slice.indices(self.items.len())?;
                    let values: Vec<i64> = value.extract()?;
                    if indices.step == 1 {
                        // `a[i:j] = values` replaces the range, whatever the lengths.
                        let start = indices.start as usize;
                        let stop = (indices.stop as usize).max(start);
                        self.items.try_reserve(values.len())?;
                        self.items.splice(start..stop, values);
                    } else {
                        if values.len() != indices.len {
                            return Err(PyErr::value_error(format!(
                                "attempt to assign sequence of size {} to extended slice of size {}",
                                values.len(),
                                indices.len
                            )));
                        }
                        for (position, value) in indices.positions().zip(values) {
                            self.items[position] = value;
                        }
                    }
                }
            }
            Ok(())
        }

        fn __delitem__(&mut self, key: hpy::IndexOrSlice<'_>) -> PyResult<()> {
            match key {
                hpy::IndexOrSlice::Index(index) => {
                    let position = hpy::IndexOrSlice::resolve_index(index, self.items.len())
                        .ok_or_else(|| PyErr::index_error("list assignment index out of range"))?;
                    self.items.remove(position);
                }
                hpy::IndexOrSlice::Slice(slice) => {
                    let indices = slice.indices(self.items.len())?;
                    let mut doomed = vec![false; self.items.len()];
                    for position in indices.positions() {
                        doomed[position] = true;
                    }
                    let mut flags = doomed.iter();
                    self.items
                        .retain(|_| !flags.next().copied().unwrap_or(false));
                }
            }
            Ok(())
        }
    }

    /// `slice.indices(length)` plus the slice length, through `Slice::indices` (HPySlice_Unpack
    /// and the adjusting): `(start, stop, step, len)`.
    #[hpy_function]
    fn slice_indices(
        slice: hpy::Slice<'_>,
        length: usize,
    ) -> PyResult<(isize, isize, isize, usize)> {
        let indices = slice.indices(length)?;
        Ok((indices.start, indices.stop, indices.step, indices.len))
    }

    /// `HPySlice_Unpack` alone: `(start, stop, step)`.
    #[hpy_function]
    fn slice_unpack(slice: hpy::Slice<'_>) -> PyResult<(isize, isize, isize)> {
        slice.unpack()
    }

    // ---- code --------------------------------------------------------------------------------

    fn source_kind(mode: &str) -> PyResult<hpy::SourceKind> {
        match mode {
            "exec" => Ok(hpy::SourceKind::File),
            "eval" => Ok(hpy::SourceKind::Eval),
            "single" => Ok(hpy::SourceKind::Single),
            _ => Err(PyErr::value_error(
                "compile() mode must be 'exec', 'eval' or 'single'",
            )),
        }
    }

    /// `compile(source, filename, mode)` through `HPy_Compile_s`.
    #[hpy_function]
    fn compile_code<'py>(
        ctx: Context<'py>,
        source: &str,
        filename: &str,
        mode: &str,
    ) -> PyResult<Handle<'py>> {
        hpy::compile(ctx, source, filename, source_kind(mode)?)
    }

    /// `eval(code, globals, locals)` through `HPy_EvalCode`.
    #[hpy_function]
    fn eval_code<'py>(
        code: Borrowed<'py>,
        globals: Borrowed<'py>,
        #[hpy(default)] locals: Option<Borrowed<'py>>,
    ) -> PyResult<Handle<'py>> {
        hpy::eval_code(&code, &globals, locals)
    }

    /// Compiles `source` (as `mode`) and runs it in `globals`/`locals`.
    #[hpy_function]
    fn run<'py>(
        ctx: Context<'py>,
        source: &str,
        mode: &str,
        globals: Borrowed<'py>,
        #[hpy(default)] locals: Option<Borrowed<'py>>,
    ) -> PyResult<Handle<'py>> {
        let code = hpy::compile(ctx, source, "<run>", source_kind(mode)?)?;
        hpy::eval_code(&code, &globals, locals)
    }
}
