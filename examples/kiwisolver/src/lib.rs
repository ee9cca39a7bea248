//! `kiwisolver._cext` on hpy-rs: the Python classes of kiwisolver 1.5.1 (`Variable`, `Term`,
//! `Expression`, `Constraint`, `Solver`, `strength`) over the pure-Rust `kiwi-solver` core.
//!
//! The Python objects keep the Python objects they were built from, as kiwisolver does: a
//! `Term` holds its `Variable` object, an `Expression` the tuple of its `Term` objects, a
//! `Constraint` its reduced `Expression` (all `HPyField`s), so `t.variable() is v` holds. A
//! `Variable` and a `Constraint` also hold the core's value (`kiwi::Variable`,
//! `kiwi::Constraint`), which the solver uses; a `Term` and an `Expression` hold only their
//! objects and numbers, as kiwi's do (cheap to make, nothing to drop), and the core expression
//! is built from them when a `Constraint` is.
//! The exceptions are Python classes in `kiwisolver/exceptions.py`, looked up when raised.

/// kiwisolver's C++ core, ported to Rust.
#[hpy::hpy_module]
mod _cext {
    use hpy::prelude::*;
    use kiwi_solver as kiwi;
    use kiwi_solver::format_g as g;
    use kiwi_solver::RelationalOperator as RelOp;
    use smallvec::SmallVec;

    /// The version of kiwisolver this port follows.
    #[allow(non_upper_case_globals)]
    #[hpy_const]
    pub const __version__: &str = "1.5.1";

    /// The version of the kiwi C++ library kiwisolver 1.5.1 reports.
    #[allow(non_upper_case_globals)]
    #[hpy_const]
    pub const __kiwi_version__: &str = "1.5.1";

    // ---- operands --------------------------------------------------------------------------

    /// An optional argument that tells "not given" from an explicit `None`: kiwisolver takes
    /// `Term(v)` but rejects `Term(v, None)` (`Option<Borrowed>` would read both as absent).
    #[derive(Clone, Copy)]
    enum Given<'py> {
        Omitted,
        Object(Borrowed<'py>),
    }

    impl<'py> Given<'py> {
        fn object(self) -> Option<Borrowed<'py>> {
            match self {
                Given::Omitted => None,
                Given::Object(obj) => Some(obj),
            }
        }
    }

    impl<'py> FromPy<'py> for Given<'py> {
        fn from_py(obj: Borrowed<'py>) -> PyResult<Self> {
            Ok(Given::Object(obj))
        }
    }

    impl hpy::stub::PyTypeHint for Given<'_> {
        fn input_hint() -> String {
            "Any".into()
        }
    }

    /// One operand of an arithmetic or comparison operator.
    #[derive(Clone, Copy)]
    enum Operand<'py> {
        Num(f64),
        Var(Borrowed<'py>),
        Term(Borrowed<'py>),
        Expr(Borrowed<'py>),
    }

    /// True if `obj` is an instance of `T` (clears the `TypeError` of a failed borrow).
    fn is_a<T: PyClass>(obj: Borrowed<'_>) -> bool {
        match obj.borrow::<T>() {
            Ok(_) => true,
            Err(e) => {
                e.clear(obj.context());
                false
            }
        }
    }

    /// The value of a `float` or an `int` (as kiwi reads them: an `int` directly, without
    /// the temporary `float` of Python's float protocol); `None` for anything else.
    fn number(obj: Borrowed<'_>) -> PyResult<Option<f64>> {
        if obj.is_instance_of(BuiltinType::Float) {
            obj.extract::<f64>().map(Some)
        } else if obj.is_instance_of(BuiltinType::Int) {
            obj.int_to_f64().map(Some)
        } else {
            Ok(None)
        }
    }

    /// The three symbolic classes, stored by the exec hook: an operand's type is compared with
    /// them by identity (a failed `borrow` would build a `TypeError` for each miss).
    static VARIABLE_TYPE: HPyGlobal = HPyGlobal::new();
    static TERM_TYPE: HPyGlobal = HPyGlobal::new();
    static EXPRESSION_TYPE: HPyGlobal = HPyGlobal::new();

    fn classify<'py>(obj: Borrowed<'py>) -> PyResult<Option<Operand<'py>>> {
        if let Some(n) = number(obj)? {
            return Ok(Some(Operand::Num(n)));
        }
        let ctx = obj.context();
        let ty = obj.get_type();
        let is = |global: &'static HPyGlobal| global.load(ctx).is_some_and(|t| t.is(&ty));
        if is(&VARIABLE_TYPE) {
            Ok(Some(Operand::Var(obj)))
        } else if is(&TERM_TYPE) {
            Ok(Some(Operand::Term(obj)))
        } else if is(&EXPRESSION_TYPE) {
            Ok(Some(Operand::Expr(obj)))
        } else {
            Ok(None)
        }
    }

    /// kiwisolver's "Expected object of type `X`. Got object of type `Y` instead."
    fn expected(obj: Borrowed<'_>, what: &str) -> PyErr {
        let got = obj
            .get_type()
            .getattr("__name__")
            .and_then(|n| n.extract::<String>())
            .unwrap_or_else(|e| {
                e.clear(obj.context());
                String::from("object")
            });
        PyErr::new(
            ExceptionKind::TypeError,
            format!("Expected object of type `{what}`. Got object of type `{got}` instead."),
        )
    }

    /// A type's name as CPython's `tp_name` gives it: `kiwisolver.Variable`, `int`.
    fn full_type_name(obj: Borrowed<'_>) -> String {
        let ty = obj.get_type();
        let get = |attr: &str| match ty.getattr(attr).and_then(|n| n.extract::<String>()) {
            Ok(s) => s,
            Err(e) => {
                e.clear(obj.context());
                String::new()
            }
        };
        let (module, name) = (get("__module__"), get("__name__"));
        if module.is_empty() || module == "builtins" {
            name
        } else {
            format!("{module}.{name}")
        }
    }

    fn to_double(obj: Borrowed<'_>) -> PyResult<f64> {
        number(obj)?.ok_or_else(|| expected(obj, "float, int, or long"))
    }

    // ---- constructors of result objects ----------------------------------------------------

    /// A `Term` of `var`, a `Variable` object. A `Term` holds only its variable object and its
    /// coefficient, as kiwi's does: nothing to drop, so PyPy has no finalizer to run for the
    /// many short-lived terms an expression builds.
    fn make_term<'py>(
        ctx: Context<'py>,
        var: Borrowed<'_>,
        coefficient: f64,
    ) -> PyResult<Handle<'py>> {
        ctx.new_object_with(
            Term {
                variable: HPyField::new(),
                coefficient,
            },
            |t| t.variable.store(t, Some(var)),
        )
    }

    /// An `Expression` of these term objects.
    fn make_expression<'py>(
        ctx: Context<'py>,
        terms: &[Borrowed<'_>],
        constant: f64,
    ) -> PyResult<Handle<'py>> {
        expression_of(ctx, ctx.new_tuple(terms)?, constant)
    }

    /// An `Expression` of a tuple of `Term` objects.
    fn expression_of<'py>(
        ctx: Context<'py>,
        tuple: Handle<'_>,
        constant: f64,
    ) -> PyResult<Handle<'py>> {
        ctx.new_object_with(
            Expression {
                terms: HPyField::new(),
                constant,
            },
            |e| e.terms.store(e, Some(tuple.as_borrowed())),
        )
    }

    /// The one term object of a variable (a new `Term`) or a term operand.
    fn single_term<'a>(op: &Operand<'a>) -> PyResult<Handle<'a>> {
        match *op {
            Operand::Var(v) => make_term(v.context(), v, 1.0),
            Operand::Term(t) => Ok(t.to_handle()),
            _ => Err(PyErr::new(ExceptionKind::SystemError, "not a single term")),
        }
    }

    /// Term objects, on the stack while they are few.
    type Terms<'a> = SmallVec<[Handle<'a>; 8]>;

    /// Appends the term objects of an operand (a new `Term` for a variable) to `out`, and
    /// returns its constant.
    fn push_terms<'a>(out: &mut Terms<'a>, op: &Operand<'a>) -> PyResult<f64> {
        match *op {
            Operand::Num(n) => Ok(n),
            Operand::Var(v) => {
                out.push(make_term(v.context(), v, 1.0)?);
                Ok(0.0)
            }
            Operand::Term(t) => {
                out.push(t.to_handle());
                Ok(0.0)
            }
            Operand::Expr(e) => {
                let (tuple, constant) = {
                    let r = e.borrow::<Expression>()?;
                    (r.terms.load(&r), r.constant)
                };
                if let Some(tuple) = tuple {
                    let n = tuple.len()?;
                    out.reserve(n);
                    for i in 0..n {
                        out.push(tuple.get_index(i as isize)?);
                    }
                }
                Ok(constant)
            }
        }
    }

    /// The term objects of an operand and its constant.
    fn parts<'a>(op: &Operand<'a>) -> PyResult<(Terms<'a>, f64)> {
        let mut out = Terms::new();
        let constant = push_terms(&mut out, op)?;
        Ok((out, constant))
    }

    /// Borrowed views of term objects, for `new_tuple`.
    fn borrow_all<'a>(terms: &'a [Handle<'_>]) -> SmallVec<[Borrowed<'a>; 8]> {
        terms.iter().map(|h| h.as_borrowed()).collect()
    }

    /// `-operand` (a variable gives a `Term`, a term a `Term`, an expression an `Expression`).
    fn negate<'py>(ctx: Context<'py>, op: &Operand<'_>) -> PyResult<Handle<'py>> {
        scale(ctx, op, -1.0)
    }

    /// `operand * k` for a variable, term or expression.
    fn scale<'py>(ctx: Context<'py>, op: &Operand<'_>, k: f64) -> PyResult<Handle<'py>> {
        match *op {
            Operand::Num(n) => ctx.to_object(n * k),
            Operand::Var(v) => make_term(ctx, v, k),
            Operand::Term(t) => {
                let (var, c) = {
                    let r = t.borrow::<Term>()?;
                    (r.variable.load(&r), r.coefficient)
                };
                let var =
                    var.ok_or_else(|| PyErr::new(ExceptionKind::SystemError, "empty term"))?;
                make_term(ctx, var.as_borrowed(), c * k)
            }
            Operand::Expr(_) => {
                let (terms, constant) = parts(op)?;
                let mut scaled = Terms::new();
                for t in &terms {
                    scaled.push(scale(ctx, &Operand::Term(t.as_borrowed()), k)?);
                }
                let borrowed = borrow_all(&scaled);
                make_expression(ctx, &borrowed, constant * k)
            }
        }
    }

    /// Whether an operand contributes a constant to a sum: not a variable or a term, so that
    /// `v + x` keeps `x` as given (kiwi builds `Expression(term, x)`; `-0.0` stays `-0.0`).
    fn has_constant(op: &Operand<'_>) -> bool {
        matches!(op, Operand::Num(_) | Operand::Expr(_))
    }

    /// `a + b` for operands of which at least one is symbolic: `a`'s terms, then `b`'s.
    fn add_operands<'py>(
        ctx: Context<'py>,
        a: &Operand<'_>,
        b: &Operand<'_>,
    ) -> PyResult<Handle<'py>> {
        // The common shapes build their tuple straight from the term objects.
        let single = |op: &Operand<'_>| matches!(op, Operand::Var(_) | Operand::Term(_));
        match (a, b) {
            (Operand::Num(n), other) | (other, Operand::Num(n)) if single(other) => {
                let tuple = (single_term(other)?,).into_py(ctx)?;
                return expression_of(ctx, tuple, *n);
            }
            _ if single(a) && single(b) => {
                let x = single_term(a)?;
                let tuple = (x, single_term(b)?).into_py(ctx)?;
                return expression_of(ctx, tuple, 0.0);
            }
            _ => {}
        }
        let mut terms = Terms::new();
        let x = push_terms(&mut terms, a)?;
        let y = push_terms(&mut terms, b)?;
        let constant = match (has_constant(a), has_constant(b)) {
            (true, true) => x + y,
            (true, false) => x,
            (false, true) => y,
            (false, false) => 0.0,
        };
        let borrowed = borrow_all(&terms);
        make_expression(ctx, &borrowed, constant)
    }

    /// `expression + number`: the same terms (the same tuple, as kiwi shares it), a new constant.
    fn shift<'py>(ctx: Context<'py>, e: Borrowed<'_>, n: f64) -> PyResult<Handle<'py>> {
        let (tuple, constant) = {
            let r = e.borrow::<Expression>()?;
            (r.terms.load(&r), r.constant + n)
        };
        ctx.new_object_with(
            Expression {
                terms: HPyField::new(),
                constant,
            },
            |r| r.terms.store(r, tuple.as_ref().map(|t| t.as_borrowed())),
        )
    }

    /// kiwi's `+`: `x + expression` is `expression + x` (the expression's terms come first).
    fn sum<'py>(ctx: Context<'py>, x: &Operand<'_>, y: &Operand<'_>) -> PyResult<Handle<'py>> {
        match (x, y) {
            (Operand::Expr(e), Operand::Num(n)) | (Operand::Num(n), Operand::Expr(e)) => {
                return shift(ctx, *e, *n)
            }
            _ => {}
        }
        if matches!(y, Operand::Expr(_)) && !matches!(x, Operand::Expr(_)) {
            add_operands(ctx, y, x)
        } else {
            add_operands(ctx, x, y)
        }
    }

    /// kiwi's `-`: `x + (-y)`, except `number - y` and `(variable | term) - expression`,
    /// which are `(-y) + x`.
    fn difference<'py>(
        ctx: Context<'py>,
        x: &Operand<'_>,
        y: &Operand<'_>,
    ) -> PyResult<Handle<'py>> {
        let y_first = matches!(x, Operand::Num(_))
            || (matches!(y, Operand::Expr(_)) && !matches!(x, Operand::Expr(_)));
        if let Operand::Num(n) = *y {
            return sum(ctx, x, &Operand::Num(-n));
        }
        let neg = negate(ctx, y)?;
        let neg_op = classify(neg.as_borrowed())?
            .ok_or_else(|| PyErr::new(ExceptionKind::SystemError, "bad negation"))?;
        if y_first {
            add_operands(ctx, &neg_op, x)
        } else {
            add_operands(ctx, x, &neg_op)
        }
    }

    impl<'py> Operand<'py> {
        /// The object of a symbolic operand.
        fn object(&self) -> Option<Borrowed<'py>> {
            match *self {
                Operand::Num(_) => None,
                Operand::Var(o) | Operand::Term(o) | Operand::Expr(o) => Some(o),
            }
        }
    }

    /// The operands of a binary operator in Python's order: `x op other`, or `other op x` when
    /// the operator is reflected. `x` is the object whose slot runs (always symbolic); `None` when
    /// `other` is not an operand (the slot then returns `NotImplemented`).
    fn operands<'py>(
        x: Operand<'py>,
        other: Borrowed<'py>,
        reflected: bool,
    ) -> PyResult<Option<(Operand<'py>, Operand<'py>)>> {
        Ok(classify(other)?.map(|y| if reflected { (y, x) } else { (x, y) }))
    }

    /// `a + b` (`NotImplemented` unless the other side is an operand).
    fn add<'py>(x: Operand<'py>, other: Borrowed<'py>, reflected: bool) -> PyResult<Handle<'py>> {
        let ctx = other.context();
        match operands(x, other, reflected)? {
            Some((a, b)) => sum(ctx, &a, &b),
            None => Ok(ctx.not_implemented().to_handle()),
        }
    }

    /// `a - b`.
    fn sub<'py>(x: Operand<'py>, other: Borrowed<'py>, reflected: bool) -> PyResult<Handle<'py>> {
        let ctx = other.context();
        match operands(x, other, reflected)? {
            Some((a, b)) => difference(ctx, &a, &b),
            None => Ok(ctx.not_implemented().to_handle()),
        }
    }

    /// `a * b`: the other side must be a number.
    fn mul<'py>(x: Operand<'py>, other: Borrowed<'py>, _reflected: bool) -> PyResult<Handle<'py>> {
        let ctx = other.context();
        match classify(other)? {
            Some(Operand::Num(k)) => scale(ctx, &x, k),
            _ => Ok(ctx.not_implemented().to_handle()),
        }
    }

    /// `a / b`: a symbolic left side, a number on the right (`number / symbolic` is not
    /// defined).
    fn div<'py>(x: Operand<'py>, other: Borrowed<'py>, reflected: bool) -> PyResult<Handle<'py>> {
        let ctx = other.context();
        match classify(other)? {
            Some(Operand::Num(k)) if !reflected => {
                if k == 0.0 {
                    return Err(PyErr::new(
                        ExceptionKind::ZeroDivisionError,
                        "float division by zero",
                    ));
                }
                scale(ctx, &x, 1.0 / k)
            }
            _ => Ok(ctx.not_implemented().to_handle()),
        }
    }

    /// The reduced form of an expression: one `Term` per variable, in the core's order
    /// (variable creation), as the `Constraint` holds it, and the same as a core expression.
    fn reduce<'py>(
        ctx: Context<'py>,
        expr: Borrowed<'_>,
    ) -> PyResult<(Handle<'py>, kiwi::Expression)> {
        let (terms, constant) = parts(&Operand::Expr(expr))?;
        reduce_terms(ctx, &terms, constant)
    }

    /// [`reduce`] of the expression with these term objects and this constant.
    fn reduce_terms<'py>(
        ctx: Context<'py>,
        terms: &[Handle<'_>],
        constant: f64,
    ) -> PyResult<(Handle<'py>, kiwi::Expression)> {
        let mut merged: Vec<(Handle<'_>, kiwi::Term)> = Vec::with_capacity(terms.len());
        for t in terms {
            let (var, kvar, c) = {
                let r = t.borrow::<Term>()?;
                let (var, core) = term_parts(&r)?;
                (var, core.variable, core.coefficient)
            };
            match merged
                .iter_mut()
                .find(|(_, k)| k.variable.serial() == kvar.serial())
            {
                Some(entry) => entry.1.coefficient += c,
                None => merged.push((var, kiwi::Term::new(kvar, c))),
            }
        }
        merged.sort_by_key(|(_, k)| k.variable.serial());
        let mut out = Terms::new();
        for (var, k) in &merged {
            out.push(make_term(ctx, var.as_borrowed(), k.coefficient)?);
        }
        let obj = make_expression(ctx, &borrow_all(&out), constant)?;
        let core = kiwi::Expression::new(merged.into_iter().map(|(_, k)| k).collect(), constant);
        Ok((obj, core))
    }

    /// The variable object of a `Term` object, and the term as a core term.
    fn term_parts<'py>(t: &PyRef<'_, 'py, Term>) -> PyResult<(Handle<'py>, kiwi::Term)> {
        let var = t.variable.load(t).ok_or_else(|| empty("Term"))?;
        let kvar = var.borrow::<Variable>()?.var.clone();
        Ok((var, kiwi::Term::new(kvar, t.coefficient)))
    }

    /// kiwi's `repr` of a term: `2 * x`.
    fn term_repr(t: &PyRef<'_, '_, Term>) -> PyResult<String> {
        let core = term_parts(t)?.1;
        Ok(format!(
            "{} * {}",
            g(core.coefficient),
            core.variable.name()
        ))
    }

    /// The core expression of an `Expression` object, read from its `Term` objects.
    fn core_expression(e: &PyRef<'_, '_, Expression>) -> PyResult<kiwi::Expression> {
        let mut terms = Vec::new();
        if let Some(tuple) = e.terms.load(e) {
            let n = tuple.len()?;
            terms.reserve(n);
            for i in 0..n {
                let item = tuple.get_index(i as isize)?;
                let t = item.borrow::<Term>()?;
                terms.push(term_parts(&t)?.1);
            }
        }
        Ok(kiwi::Expression::new(terms, e.constant))
    }

    /// A `Constraint` on a reduced expression (see [`reduce`]).
    fn make_constraint<'py>(
        ctx: Context<'py>,
        (reduced, core): (Handle<'_>, kiwi::Expression),
        op: RelOp,
        strength: f64,
    ) -> PyResult<Handle<'py>> {
        let kc = kiwi::Constraint::new(&core, op, strength);
        ctx.new_object_with(
            Constraint {
                expression: HPyField::new(),
                constraint: kc,
            },
            |c| c.expression.store(c, Some(reduced.as_borrowed())),
        )
    }

    /// `a <= b`, `a == b`, `a >= b` build a `Constraint` on `a - b`; `<`, `!=`, `>` raise.
    fn richcmp<'py>(x: Operand<'py>, other: Borrowed<'py>, op: CompareOp) -> PyResult<Handle<'py>> {
        let ctx = other.context();
        let rel = match op {
            CompareOp::Le => Some(RelOp::LessOrEqual),
            CompareOp::Eq => Some(RelOp::Equal),
            CompareOp::Ge => Some(RelOp::GreaterOrEqual),
            _ => None,
        };
        let Some(y) = classify(other)? else {
            return Ok(ctx.not_implemented().to_handle());
        };
        let Some(rel) = rel else {
            let symbol = match op {
                CompareOp::Lt => "<",
                CompareOp::Ne => "!=",
                _ => ">",
            };
            return Err(PyErr::new(
                ExceptionKind::TypeError,
                format!(
                    "unsupported operand type(s) for {symbol}: '{}' and '{}'",
                    x.object().map_or_else(String::new, full_type_name),
                    full_type_name(other)
                ),
            ));
        };
        // `x - number` is reduced straight from `x`'s terms: the intermediate `Expression`
        // would only be read once (its constant as `x - n` has it: `-n` for a variable or a term).
        let reduced = match y {
            Operand::Num(n) => {
                let (terms, c) = parts(&x)?;
                let constant = if has_constant(&x) { c + -n } else { -n };
                reduce_terms(ctx, &terms, constant)?
            }
            _ => reduce(ctx, difference(ctx, &x, &y)?.as_borrowed())?,
        };
        make_constraint(ctx, reduced, rel, kiwi::strength::REQUIRED)
    }

    /// A strength given as a number or as "weak", "medium", "strong", "required".
    fn convert_strength(obj: Borrowed<'_>) -> PyResult<f64> {
        if obj.is_instance_of(BuiltinType::Str) {
            let s: &str = obj.extract()?;
            return match s {
                "required" => Ok(kiwi::strength::REQUIRED),
                "strong" => Ok(kiwi::strength::STRONG),
                "medium" => Ok(kiwi::strength::MEDIUM),
                "weak" => Ok(kiwi::strength::WEAK),
                _ => Err(PyErr::new(
                    ExceptionKind::ValueError,
                    format!(
                        "string strength must be 'required', 'strong', 'medium', or 'weak', not '{s}'"
                    ),
                )),
            };
        }
        to_double(obj)
    }

    fn expression_repr(expr: &kiwi::Expression) -> String {
        let mut out = String::new();
        for t in &expr.terms {
            out.push_str(&g(t.coefficient));
            out.push_str(" * ");
            out.push_str(&t.variable.name());
            out.push_str(" + ");
        }
        out.push_str(&g(expr.constant));
        out
    }

    // ---- the classes -----------------------------------------------------------------------

    /// Variable to express a constraint in a solver.
    #[hpy_class(module = "kiwisolver")]
    pub struct Variable {
        var: kiwi::Variable,
        context: HPyField,
    }

    #[hpy_methods]
    impl Variable {
        #[new]
        fn new() -> Self {
            Variable {
                var: kiwi::Variable::new(""),
                context: HPyField::new(),
            }
        }

        #[hpy(signature = (name = Given::Omitted => "", context = None))]
        fn __init__<'py>(
            slf: PyRef<'_, 'py, Self>,
            name: Given<'py>,
            context: Option<Borrowed<'py>>,
        ) -> PyResult<()> {
            if let Some(name) = name.object() {
                slf.var.set_name(str_arg(name)?);
            }
            slf.context.store(&slf, context.filter(|c| !c.is_none()));
            Ok(())
        }

        /// Get the name of the variable.
        fn name(&self) -> String {
            self.var.name()
        }

        /// Set the name of the variable.
        #[allow(non_snake_case)]
        fn setName<'py>(&self, name: Borrowed<'py>) -> PyResult<()> {
            self.var.set_name(str_arg(name)?);
            Ok(())
        }

        /// Get the current value of the variable.
        fn value(&self) -> f64 {
            self.var.value()
        }

        /// Get the context object associated with the variable.
        fn context<'py>(slf: PyRef<'_, 'py, Self>) -> Option<Handle<'py>> {
            slf.context.load(&slf)
        }

        /// Set the context object associated with the variable.
        #[allow(non_snake_case)]
        fn setContext<'py>(slf: PyRef<'_, 'py, Self>, context: Borrowed<'py>) {
            slf.context
                .store(&slf, Some(context).filter(|c| !c.is_none()));
        }

        fn __repr__(&self) -> String {
            self.var.name()
        }

        fn __str__(&self) -> String {
            self.var.name()
        }

        fn __neg__<'py>(slf: Borrowed<'py>) -> PyResult<Handle<'py>> {
            make_term(slf.context(), slf, -1.0)
        }

        fn __add__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            add(Operand::Var(slf), other, false)
        }

        fn __radd__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            add(Operand::Var(slf), other, true)
        }

        fn __sub__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            sub(Operand::Var(slf), other, false)
        }

        fn __rsub__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            sub(Operand::Var(slf), other, true)
        }

        fn __mul__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            mul(Operand::Var(slf), other, false)
        }

        fn __rmul__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            mul(Operand::Var(slf), other, true)
        }

        fn __truediv__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            div(Operand::Var(slf), other, false)
        }

        fn __rtruediv__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            div(Operand::Var(slf), other, true)
        }

        fn __richcmp__<'py>(
            slf: Borrowed<'py>,
            other: Borrowed<'py>,
            op: CompareOp,
        ) -> PyResult<Handle<'py>> {
            richcmp(Operand::Var(slf), other, op)
        }
    }

    fn str_arg(obj: Borrowed<'_>) -> PyResult<String> {
        if obj.is_instance_of(BuiltinType::Str) {
            obj.extract::<String>()
        } else {
            Err(expected(obj, "str"))
        }
    }

    /// Product of a variable by a constant pre-factor.
    #[hpy_class(module = "kiwisolver")]
    pub struct Term {
        variable: HPyField,
        coefficient: f64,
    }

    fn empty(what: &str) -> PyErr {
        PyErr::new(ExceptionKind::SystemError, format!("uninitialized {what}"))
    }

    #[hpy_methods]
    impl Term {
        #[new]
        fn new() -> Self {
            Term {
                variable: HPyField::new(),
                coefficient: 0.0,
            }
        }

        #[hpy(signature = (variable, coefficient = Given::Omitted => 1.0))]
        fn __init__<'py>(
            mut slf: PyRefMut<'_, 'py, Self>,
            variable: Borrowed<'py>,
            coefficient: Given<'py>,
        ) -> PyResult<()> {
            if !is_a::<Variable>(variable) {
                return Err(expected(variable, "Variable"));
            }
            let coefficient = match coefficient.object() {
                Some(c) => to_double(c)?,
                None => 1.0,
            };
            slf.coefficient = coefficient;
            slf.variable.store(&slf, Some(variable));
            Ok(())
        }

        /// Get the coefficient for the term.
        fn coefficient(&self) -> f64 {
            self.coefficient
        }

        /// Get the variable for the term.
        fn variable<'py>(slf: PyRef<'_, 'py, Self>) -> PyResult<Handle<'py>> {
            slf.variable.load(&slf).ok_or_else(|| empty("Term"))
        }

        /// Get the value for the term.
        fn value(slf: PyRef<'_, '_, Self>) -> PyResult<f64> {
            Ok(term_parts(&slf)?.1.value())
        }

        fn __repr__(slf: PyRef<'_, '_, Self>) -> PyResult<String> {
            term_repr(&slf)
        }

        fn __str__(slf: PyRef<'_, '_, Self>) -> PyResult<String> {
            term_repr(&slf)
        }

        fn __neg__<'py>(slf: Borrowed<'py>) -> PyResult<Handle<'py>> {
            negate(slf.context(), &Operand::Term(slf))
        }

        fn __add__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            add(Operand::Term(slf), other, false)
        }

        fn __radd__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            add(Operand::Term(slf), other, true)
        }

        fn __sub__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            sub(Operand::Term(slf), other, false)
        }

        fn __rsub__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            sub(Operand::Term(slf), other, true)
        }

        fn __mul__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            mul(Operand::Term(slf), other, false)
        }

        fn __rmul__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            mul(Operand::Term(slf), other, true)
        }

        fn __truediv__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            div(Operand::Term(slf), other, false)
        }

        fn __rtruediv__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            div(Operand::Term(slf), other, true)
        }

        fn __richcmp__<'py>(
            slf: Borrowed<'py>,
            other: Borrowed<'py>,
            op: CompareOp,
        ) -> PyResult<Handle<'py>> {
            richcmp(Operand::Term(slf), other, op)
        }
    }

    /// Sum of terms and an additional constant.
    #[hpy_class(module = "kiwisolver")]
    pub struct Expression {
        terms: HPyField,
        constant: f64,
    }

    #[hpy_methods]
    impl Expression {
        #[new]
        fn new() -> Self {
            Expression {
                terms: HPyField::new(),
                constant: 0.0,
            }
        }

        #[hpy(signature = (terms, constant = Given::Omitted => 0.0))]
        fn __init__<'py>(
            mut slf: PyRefMut<'_, 'py, Self>,
            terms: Borrowed<'py>,
            constant: Given<'py>,
        ) -> PyResult<()> {
            let ctx = terms.context();
            let mut items = Vec::new();
            for item in terms.iter()? {
                let item = item?;
                if !is_a::<Term>(item.as_borrowed()) {
                    return Err(expected(item.as_borrowed(), "Term"));
                }
                items.push(item);
            }
            let constant = match constant.object() {
                Some(c) => to_double(c)?,
                None => 0.0,
            };
            let borrowed: Vec<Borrowed<'_>> = items.iter().map(|h| h.as_borrowed()).collect();
            let tuple = ctx.new_tuple(&borrowed)?;
            slf.constant = constant;
            slf.terms.store(&slf, Some(tuple.as_borrowed()));
            Ok(())
        }

        /// Get the constant for the expression.
        fn constant(&self) -> f64 {
            self.constant
        }

        /// Get the tuple of terms for the expression.
        fn terms<'py>(slf: PyRef<'py, 'py, Self>) -> PyResult<Handle<'py>> {
            match slf.terms.load(&slf) {
                Some(t) => Ok(t),
                None => slf.as_handle().context().new_tuple(&[]),
            }
        }

        /// Get the value for the expression.
        fn value(slf: PyRef<'_, '_, Self>) -> PyResult<f64> {
            Ok(core_expression(&slf)?.value())
        }

        fn __repr__(slf: PyRef<'_, '_, Self>) -> PyResult<String> {
            Ok(expression_repr(&core_expression(&slf)?))
        }

        fn __str__(slf: PyRef<'_, '_, Self>) -> PyResult<String> {
            Ok(expression_repr(&core_expression(&slf)?))
        }

        fn __neg__<'py>(slf: Borrowed<'py>) -> PyResult<Handle<'py>> {
            negate(slf.context(), &Operand::Expr(slf))
        }

        fn __add__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            add(Operand::Expr(slf), other, false)
        }

        fn __radd__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            add(Operand::Expr(slf), other, true)
        }

        fn __sub__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            sub(Operand::Expr(slf), other, false)
        }

        fn __rsub__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            sub(Operand::Expr(slf), other, true)
        }

        fn __mul__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            mul(Operand::Expr(slf), other, false)
        }

        fn __rmul__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            mul(Operand::Expr(slf), other, true)
        }

        fn __truediv__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            div(Operand::Expr(slf), other, false)
        }

        fn __rtruediv__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            div(Operand::Expr(slf), other, true)
        }

        fn __richcmp__<'py>(
            slf: Borrowed<'py>,
            other: Borrowed<'py>,
            op: CompareOp,
        ) -> PyResult<Handle<'py>> {
            richcmp(Operand::Expr(slf), other, op)
        }
    }

    /// A relation between an expression and zero, with a strength.
    #[hpy_class(module = "kiwisolver")]
    pub struct Constraint {
        expression: HPyField,
        constraint: kiwi::Constraint,
    }

    fn placeholder_constraint() -> kiwi::Constraint {
        static PLACEHOLDER: std::sync::OnceLock<kiwi::Constraint> = std::sync::OnceLock::new();
        PLACEHOLDER
            .get_or_init(|| {
                kiwi::Constraint::new(&kiwi::Expression::from_constant(0.0), RelOp::Equal, 0.0)
            })
            .clone()
    }

    fn constraint_repr(c: &kiwi::Constraint) -> String {
        let mut s = format!(
            "{} {} 0 | strength = {}",
            expression_repr(c.expression()),
            c.op().symbol(),
            g(c.strength())
        );
        if c.violated() {
            s.push_str(" (VIOLATED)");
        }
        s
    }

    #[hpy_methods]
    impl Constraint {
        #[new]
        fn new() -> Self {
            Constraint {
                expression: HPyField::new(),
                constraint: placeholder_constraint(),
            }
        }

        #[hpy(signature = (expression, op, strength = Given::Omitted => "required"))]
        fn __init__<'py>(
            mut slf: PyRefMut<'_, 'py, Self>,
            expression: Borrowed<'py>,
            op: Borrowed<'py>,
            strength: Given<'py>,
        ) -> PyResult<()> {
            let ctx = expression.context();
            if !is_a::<Expression>(expression) {
                return Err(expected(expression, "Expression"));
            }
            let op = str_arg(op)?;
            let rel = match op.as_str() {
                "==" => RelOp::Equal,
                "<=" => RelOp::LessOrEqual,
                ">=" => RelOp::GreaterOrEqual,
                _ => {
                    return Err(PyErr::new(
                        ExceptionKind::ValueError,
                        format!("relational operator must be '==', '<=', or '>=', not '{op}'"),
                    ))
                }
            };
            let strength = match strength.object() {
                Some(s) => convert_strength(s)?,
                None => kiwi::strength::REQUIRED,
            };
            let (reduced, core) = reduce(ctx, expression)?;
            let kc = kiwi::Constraint::new(&core, rel, strength);
            slf.constraint = kc;
            slf.expression.store(&slf, Some(reduced.as_borrowed()));
            Ok(())
        }

        /// Get the expression object for the constraint.
        fn expression<'py>(slf: PyRef<'_, 'py, Self>) -> PyResult<Handle<'py>> {
            slf.expression.load(&slf).ok_or_else(|| empty("Constraint"))
        }

        /// Get the relational operator for the constraint.
        fn op(&self) -> &'static str {
            self.constraint.op().symbol()
        }

        /// Get the strength for the constraint.
        fn strength(&self) -> f64 {
            self.constraint.strength()
        }

        /// Indicate if the constraint is violated in teh current state of the solver.
        fn violated(&self) -> bool {
            self.constraint.violated()
        }

        fn __repr__(&self) -> String {
            constraint_repr(&self.constraint)
        }

        fn __str__(&self) -> String {
            constraint_repr(&self.constraint)
        }

        fn __or__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            constraint_or(slf, other)
        }

        fn __ror__<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
            constraint_or(slf, other)
        }
    }

    /// `constraint | strength`: a new constraint with the same expression.
    fn constraint_or<'py>(slf: Borrowed<'py>, other: Borrowed<'py>) -> PyResult<Handle<'py>> {
        let ctx = slf.context();
        let strength = convert_strength(other)?;
        let (expr, kc) = {
            let r = slf.borrow::<Constraint>()?;
            (r.expression.load(&r), r.constraint.with_strength(strength))
        };
        ctx.new_object_with(
            Constraint {
                expression: HPyField::new(),
                constraint: kc,
            },
            |c| {
                c.expression
                    .store(c, expr.as_ref().map(|e| e.as_borrowed()))
            },
        )
    }

    /// The predefined strengths and `create` (the type of `kiwisolver.strength`).
    #[hpy_class(module = "kiwisolver", name = "Strength")]
    pub struct Strength {}

    #[hpy_methods]
    impl Strength {
        #[getter]
        fn weak(&self) -> f64 {
            kiwi::strength::WEAK
        }

        #[getter]
        fn medium(&self) -> f64 {
            kiwi::strength::MEDIUM
        }

        #[getter]
        fn strong(&self) -> f64 {
            kiwi::strength::STRONG
        }

        #[getter]
        fn required(&self) -> f64 {
            kiwi::strength::REQUIRED
        }

        /// Create a strength from its three parts and a weight.
        #[hpy(signature = (a, b, c, w = Given::Omitted => 1.0, /))]
        fn create<'py>(
            &self,
            a: Borrowed<'py>,
            b: Borrowed<'py>,
            c: Borrowed<'py>,
            w: Given<'py>,
        ) -> PyResult<f64> {
            let w = match w.object() {
                Some(w) => to_double(w)?,
                None => 1.0,
            };
            Ok(kiwi::strength::create(
                to_double(a)?,
                to_double(b)?,
                to_double(c)?,
                w,
            ))
        }
    }

    #[hpy_exec]
    fn setup<'py>(ctx: Context<'py>, module: Borrowed<'py>) -> PyResult<()> {
        // `==` builds a Constraint, so these are unhashable, as in kiwisolver. CPython's type
        // creation sets `__hash__ = None` itself for a class with `tp_richcompare` and no
        // `tp_hash`; PyPy's HPy keeps `object.__hash__`, so it is set here for both.
        for name in ["Variable", "Term", "Expression"] {
            module.getattr(name)?.setattr("__hash__", ())?;
        }
        VARIABLE_TYPE.store(ctx, module.getattr("Variable")?.as_borrowed())?;
        TERM_TYPE.store(ctx, module.getattr("Term")?.as_borrowed())?;
        EXPRESSION_TYPE.store(ctx, module.getattr("Expression")?.as_borrowed())?;
        module.setattr("strength", ctx.new_object(Strength {})?)?;
        // Like kiwisolver's, the type of `strength` is not a module attribute.
        module.delattr("Strength")?;
        // The exception classes are put on this module by the package's `__init__.py`: loaded
        // on its own (as `_cext`, e.g. by stubtest) it must not import an installed kiwisolver.
        Ok(())
    }

    /// Kiwi solver class.
    #[hpy_class(module = "kiwisolver")]
    pub struct Solver {
        solver: kiwi::Solver,
    }

    fn raise_kiwi<'py>(ctx: Context<'py>, err: kiwi::SolverError, obj: Borrowed<'py>) -> PyErr {
        let r = (|| -> PyResult<PyErr> {
            let module = ctx.import("kiwisolver.exceptions")?;
            let cls = module.getattr(err.kind_name())?;
            if let kiwi::SolverError::BadRequiredStrength = err {
                return Ok(PyErr::raise_type(
                    ctx,
                    cls.as_borrowed(),
                    "A required strength cannot be used in this context.",
                ));
            }
            if let kiwi::SolverError::InternalSolverError(m) = err {
                return Ok(PyErr::new(ExceptionKind::SystemError, m.to_string()));
            }
            let exc = cls.call((obj,))?;
            Ok(PyErr::raise_object(ctx, exc.as_borrowed()))
        })();
        r.unwrap_or_else(|e| e)
    }

    fn constraint_arg<'a>(c: &'a PyRef<'_, '_, Constraint>) -> &'a kiwi::Constraint {
        &c.constraint
    }

    fn borrow_or<'py, T: PyClass>(obj: Borrowed<'py>, what: &str) -> PyResult<PyRef<'py, 'py, T>> {
        match obj.borrow::<T>() {
            Ok(r) => Ok(r),
            Err(e) => {
                e.clear(obj.context());
                Err(expected(obj, what))
            }
        }
    }

    #[hpy_methods]
    impl Solver {
        #[new]
        fn new() -> Self {
            Solver {
                solver: kiwi::Solver::new(),
            }
        }

        /// Add a constraint to the solver.
        #[allow(non_snake_case)]
        fn addConstraint<'py>(&mut self, constraint: Borrowed<'py>) -> PyResult<()> {
            let c = borrow_or::<Constraint>(constraint, "Constraint")?;
            self.solver
                .add_constraint(constraint_arg(&c))
                .map_err(|e| raise_kiwi(constraint.context(), e, constraint))
        }

        /// Remove a constraint from the solver.
        #[allow(non_snake_case)]
        fn removeConstraint<'py>(&mut self, constraint: Borrowed<'py>) -> PyResult<()> {
            let c = borrow_or::<Constraint>(constraint, "Constraint")?;
            self.solver
                .remove_constraint(constraint_arg(&c))
                .map_err(|e| raise_kiwi(constraint.context(), e, constraint))
        }

        /// Check whether the solver contains a constraint.
        #[allow(non_snake_case)]
        fn hasConstraint<'py>(&self, constraint: Borrowed<'py>) -> PyResult<bool> {
            let c = borrow_or::<Constraint>(constraint, "Constraint")?;
            Ok(self.solver.has_constraint(constraint_arg(&c)))
        }

        /// Add an edit variable to the solver.
        #[allow(non_snake_case)]
        fn addEditVariable<'py>(
            &mut self,
            variable: Borrowed<'py>,
            strength: Borrowed<'py>,
        ) -> PyResult<()> {
            let v = borrow_or::<Variable>(variable, "Variable")?;
            let s = convert_strength(strength)?;
            self.solver
                .add_edit_variable(&v.var, s)
                .map_err(|e| raise_kiwi(variable.context(), e, variable))
        }

        /// Remove an edit variable from the solver.
        #[allow(non_snake_case)]
        fn removeEditVariable<'py>(&mut self, variable: Borrowed<'py>) -> PyResult<()> {
            let v = borrow_or::<Variable>(variable, "Variable")?;
            self.solver
                .remove_edit_variable(&v.var)
                .map_err(|e| raise_kiwi(variable.context(), e, variable))
        }

        /// Check whether the solver contains an edit variable.
        #[allow(non_snake_case)]
        fn hasEditVariable<'py>(&self, variable: Borrowed<'py>) -> PyResult<bool> {
            let v = borrow_or::<Variable>(variable, "Variable")?;
            Ok(self.solver.has_edit_variable(&v.var))
        }

        /// Suggest a desired value for an edit variable.
        #[allow(non_snake_case)]
        fn suggestValue<'py>(
            &mut self,
            variable: Borrowed<'py>,
            value: Borrowed<'py>,
        ) -> PyResult<()> {
            let v = borrow_or::<Variable>(variable, "Variable")?;
            let value = to_double(value)?;
            self.solver
                .suggest_value(&v.var, value)
                .map_err(|e| raise_kiwi(variable.context(), e, variable))
        }

        /// Update the values of the solver variables.
        #[allow(non_snake_case)]
        fn updateVariables(&self) {
            self.solver.update_variables()
        }

        /// Reset the solver to the initial empty starting condition.
        fn reset(&mut self) {
            self.solver.reset()
        }

        /// Dump a representation of the solver internals to stdout.
        fn dump<'py>(slf: PyRef<'_, 'py, Self>) -> PyResult<()> {
            let text = slf.solver.dumps();
            let ctx = slf.as_handle().context();
            let print = ctx.builtins().getitem_str("print")?;
            print.call_with_kwargs((text,), [("end", "")])?;
            Ok(())
        }

        /// Dump a representation of the solver internals to a string.
        fn dumps(&self) -> String {
            self.solver.dumps()
        }
    }
}
