//! The semantic model of one `#[hpy_function]`: what the function is called in Python, which
//! parameters are the context / the module / Python arguments, and which calling convention it
//! gets. Lowering never fails: anything unacceptable is recorded so that [`super::check`] can
//! report it with the user's tokens.

use super::parse::{parse_param_attrs, DefaultValue, FunctionArgs, ParamAttrs};
use crate::attrs::{cfg_attrs, Doc, Marker};
use crate::diagnostics::Diagnostics;
use crate::signature::{impl_traits, type_is_named, Shape, SigItem, SigSpec};
use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::{
    Attribute, FnArg, Ident, ItemFn, LitStr, Pat, ReturnType, Type, TypeImplTrait, Visibility,
};

/// How Python passes arguments, chosen from the signature (see [`FunctionModel::convention`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Convention {
    /// `HPyFunc_NOARGS`: no Python parameters.
    NoArgs,
    /// `HPyFunc_O`: exactly one Python parameter.
    O,
    /// `HPyFunc_VARARGS`: two or more positional parameters.
    VarArgs,
    /// `HPyFunc_KEYWORDS`: some parameter has a default, or `#[hpy_function(keywords)]`.
    Keywords,
}

impl Convention {
    /// The `::hpy::__private` trait the generated unit struct implements.
    pub fn trait_name(self) -> &'static str {
        match self {
            Convention::NoArgs => "NoArgsFn",
            Convention::O => "OneArgFn",
            Convention::VarArgs => "VarArgsFn",
            Convention::Keywords => "KeywordsFn",
        }
    }

    /// The `::hpy::__private` const fn that builds the `HPyDef`.
    pub fn def_fn(self) -> &'static str {
        match self {
            Convention::NoArgs => "meth_noargs",
            Convention::O => "meth_o",
            Convention::VarArgs => "meth_varargs",
            Convention::Keywords => "meth_keywords",
        }
    }
}

/// The Python name of a function and where it came from.
#[derive(Clone)]
pub struct PyName {
    /// The name.
    pub value: String,
    /// The `name = "..."` literal, or the function's identifier.
    pub span: Span,
}

impl PyName {
    /// `explicit` when given, else the identifier without any `r#`.
    pub fn new(explicit: Option<LitStr>, ident: &Ident) -> Self {
        match explicit {
            Some(lit) => PyName {
                value: lit.value(),
                span: lit.span(),
            },
            None => PyName {
                value: ident.unraw().to_string(),
                span: ident.span(),
            },
        }
    }
}

/// What a parameter is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Its type's last path segment is `Context`: receives the call's context.
    Context,
    /// Marked `#[hpy(module)]`: receives the module object.
    Module,
    /// `*args` (without `signature`: its type's last path segment is `Args`).
    Rest,
    /// `**kwargs` in `signature = (...)`.
    Kwargs,
    /// A Python argument.
    Python,
}

/// How Python passes a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// Before `/` (and every parameter of a NOARGS/O/VARARGS function).
    PositionalOnly,
    /// By position or by keyword.
    PositionalOrKeyword,
    /// After `*` or `*args`.
    KeywordOnly,
    /// `*args`.
    VarArgs,
    /// `**kwargs`.
    VarKeywords,
}

/// One parameter of the user's function (receivers are recorded in [`Shape`] instead).
#[derive(Clone)]
pub struct Param {
    /// The pattern as written (`a`, `mut a`, `(a, b)`, `_`).
    pub pat: Box<Pat>,
    /// The type as written.
    pub ty: Box<Type>,
    /// Its `#[hpy(...)]` and `#[cfg]` attributes.
    pub attrs: ParamAttrs,
    /// Whether the type is named `Context`.
    pub is_context_type: bool,
    /// Whether the type is named `Args` (all positional arguments).
    pub is_args_type: bool,
    /// Every `impl Trait` in the type.
    pub impl_traits: Vec<TypeImplTrait>,
    /// How Python passes it (meaningful for Python parameters, `*args` and `**kwargs`).
    pub kind: ParamKind,
}

impl Param {
    /// What the parameter receives.
    pub fn role(&self) -> Role {
        if self.attrs.module.is_some() {
            Role::Module
        } else if self.is_context_type {
            Role::Context
        } else if self.kind == ParamKind::VarArgs {
            Role::Rest
        } else if self.kind == ParamKind::VarKeywords {
            Role::Kwargs
        } else {
            Role::Python
        }
    }

    /// The binding when the pattern is a plain identifier (`a`, `mut a`, `ref a`).
    pub fn ident(&self) -> Option<&Ident> {
        match &*self.pat {
            Pat::Ident(p) if p.subpat.is_none() => Some(&p.ident),
            _ => None,
        }
    }

    /// The Python parameter name: the identifier without any `r#`.
    pub fn python_name(&self) -> Option<String> {
        self.ident().map(|i| i.unraw().to_string())
    }

    /// The default value, if any.
    pub fn default(&self) -> Option<&DefaultValue> {
        self.attrs.default.as_ref()
    }
}

/// Everything the check and expand stages need to know about one `#[hpy_function]`.
#[derive(Clone)]
pub struct FunctionModel {
    /// The Rust name.
    pub ident: Ident,
    /// The function's visibility (the generated items copy it).
    pub vis: Visibility,
    /// The Python name.
    pub py_name: PyName,
    /// The docstring.
    pub doc: Doc,
    /// `keywords` from `#[hpy_function(keywords)]`.
    pub keywords_flag: Option<Ident>,
    /// Refused signature parts.
    pub shape: Shape,
    /// Parameters in order, receivers excluded.
    pub params: Vec<Param>,
    /// The return type as written.
    pub output: ReturnType,
    /// Further `#[hpy_function]` attributes on the same function.
    pub duplicate_markers: Vec<Attribute>,
    /// The function's `#[cfg(...)]` attributes (copied onto the generated items).
    pub cfgs: Vec<Attribute>,
    /// Whether `signature = (...)` was given.
    pub has_signature: bool,
    /// The first Python parameter is a class method's class (not in the signature).
    pub implicit_first: bool,
}

impl FunctionModel {
    /// Lowers a parsed function. `func.attrs` must not contain the `#[hpy_function]` attribute
    /// being expanded (any that remain are duplicates). Malformed `#[hpy(...)]` attributes are
    /// recorded in `diag`.
    pub fn lower(args: FunctionArgs, func: &ItemFn, diag: &mut Diagnostics) -> Self {
        let mut params: Vec<Param> = func
            .sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                FnArg::Typed(pt) => Some(Param {
                    pat: pt.pat.clone(),
                    ty: pt.ty.clone(),
                    attrs: parse_param_attrs(&pt.attrs, diag),
                    is_context_type: type_is_named(&pt.ty, "Context"),
                    is_args_type: type_is_named(&pt.ty, "Args"),
                    impl_traits: impl_traits(&pt.ty),
                    kind: if type_is_named(&pt.ty, "Args") {
                        ParamKind::VarArgs
                    } else {
                        ParamKind::PositionalOrKeyword
                    },
                }),
                FnArg::Receiver(_) => None,
            })
            .collect();
        let has_signature = args.signature.is_some();
        if let Some(sig) = &args.signature {
            apply_signature(sig, &mut params, args.implicit_first, diag);
        }
        let mut model = FunctionModel {
            ident: func.sig.ident.clone(),
            vis: func.vis.clone(),
            py_name: PyName::new(args.name, &func.sig.ident),
            doc: Doc::from_attrs(&func.attrs),
            keywords_flag: args.keywords,
            shape: Shape::of(&func.sig),
            params,
            output: func.sig.output.clone(),
            duplicate_markers: func
                .attrs
                .iter()
                .filter(|a| Marker::of(a) == Some(Marker::Function))
                .cloned()
                .collect(),
            cfgs: cfg_attrs(&func.attrs),
            has_signature,
            implicit_first: args.implicit_first,
        };
        if !has_signature {
            // Without a signature: positional-only under NOARGS/O/VARARGS, positional-or-keyword
            // under KEYWORDS (as the parameters' names are then accepted).
            let kind = if args.force_keywords || model.convention() == Convention::Keywords {
                ParamKind::PositionalOrKeyword
            } else {
                ParamKind::PositionalOnly
            };
            for p in &mut model.params {
                if p.role() == Role::Python {
                    p.kind = kind;
                }
            }
            if model.implicit_first {
                if let Some(p) = model.params.iter_mut().find(|p| p.role() == Role::Python) {
                    p.kind = ParamKind::PositionalOnly;
                }
            }
        }
        model
    }

    /// The parameters Python passes, in order.
    pub fn python_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.role() == Role::Python)
    }

    /// The calling convention: KEYWORDS if forced or if any Python parameter has a default;
    /// otherwise by the number of Python parameters: 0 → NOARGS, 1 → O, more → VARARGS.
    pub fn convention(&self) -> Convention {
        if self.has_signature {
            let positional_only = self.keywords_flag.is_none()
                && !self.takes(Role::Kwargs)
                && self
                    .python_params()
                    .all(|p| p.kind == ParamKind::PositionalOnly && p.default().is_none());
            if !positional_only || (self.takes(Role::Rest) && self.python_params().count() > 0) {
                return Convention::Keywords;
            }
        }
        if self.keywords_flag.is_some() || self.python_params().any(|p| p.default().is_some()) {
            return Convention::Keywords;
        }
        if self.takes(Role::Rest) {
            return Convention::VarArgs;
        }
        match self.python_params().count() {
            0 => Convention::NoArgs,
            1 => Convention::O,
            _ => Convention::VarArgs,
        }
    }

    /// Whether `*args`/`**kwargs` come from the keyword parser's `ExtraArgs` under `convention`.
    pub fn uses_extra(&self, convention: Convention) -> bool {
        convention == Convention::Keywords
            && self.has_signature
            && (self.takes(Role::Rest) || self.takes(Role::Kwargs))
    }

    /// The function's text signature for `__text_signature__`: `(a, /, b=1, *, c)`, after
    /// `first` (`$module`, `$self`, ...) when given.
    pub fn text_signature(&self, first: Option<&str>) -> String {
        let mut parts: Vec<String> = first.map(str::to_owned).into_iter().collect();
        let mut positional_only_open = false;
        let mut star_done = false;
        for p in &self.params {
            let role = p.role();
            if matches!(role, Role::Context | Role::Module) {
                continue;
            }
            let mut name = p.python_name().unwrap_or_else(|| "_".to_owned());
            if crate::signature::PYTHON_KEYWORDS.contains(&name.as_str()) {
                // `class` cannot be written in a signature (it would not parse).
                name.push('_');
            }
            if p.kind != ParamKind::PositionalOnly && positional_only_open {
                parts.push("/".to_owned());
                positional_only_open = false;
            }
            match p.kind {
                ParamKind::PositionalOnly => positional_only_open = true,
                ParamKind::KeywordOnly if !star_done => {
                    parts.push("*".to_owned());
                    star_done = true;
                }
                _ => {}
            }
            let text = match p.kind {
                ParamKind::VarArgs => {
                    star_done = true;
                    format!("*{name}")
                }
                ParamKind::VarKeywords => format!("**{name}"),
                _ => match p.default() {
                    None => name,
                    Some(_) if p.attrs.shown_default.is_some() => {
                        let shown = p.attrs.shown_default.as_deref().into_iter();
                        let text: String = shown.map(crate::signature::python_literal).collect();
                        format!("{name}={text}")
                    }
                    Some(DefaultValue::Implicit(_)) => format!("{name}=..."),
                    Some(DefaultValue::Explicit(e)) => {
                        format!("{name}={}", crate::signature::python_literal(e))
                    }
                },
            };
            parts.push(text);
        }
        if positional_only_open {
            parts.push("/".to_owned());
        }
        format!("({})", parts.join(", "))
    }

    /// How many Python parameters have no default.
    pub fn required_count(&self) -> usize {
        self.python_params()
            .take_while(|p| p.kind != ParamKind::KeywordOnly)
            .filter(|p| p.default().is_none())
            .count()
    }

    /// Whether some parameter receives the context / the module.
    pub fn takes(&self, role: Role) -> bool {
        self.params.iter().any(|p| p.role() == role)
    }
}

/// Gives each parameter named in `sig` its kind and default, reporting every name or order
/// problem at the signature's tokens.
fn apply_signature(
    sig: &SigSpec,
    params: &mut [Param],
    implicit_first: bool,
    diag: &mut Diagnostics,
) {
    // The parameters Python can pass: not the context or the module.
    let mut candidates: Vec<usize> = params
        .iter()
        .enumerate()
        .filter(|(_, p)| p.attrs.module.is_none() && !p.is_context_type)
        .map(|(i, _)| i)
        .collect();
    for &i in &candidates {
        params[i].kind = ParamKind::PositionalOrKeyword;
    }
    if implicit_first && !candidates.is_empty() {
        let first = candidates.remove(0);
        params[first].kind = ParamKind::PositionalOnly;
    }
    let names: Vec<Option<String>> = candidates
        .iter()
        .map(|&i| params[i].python_name())
        .collect();
    let mut listed: Vec<(String, Span)> = Vec::new();
    let mut assigned = vec![false; candidates.len()];
    let mut last_position: Option<usize> = None;
    let mut positional: Vec<usize> = Vec::new();
    let mut slash_seen = false;
    let mut star_seen = false;
    let mut bare_star: Option<TokenStream> = None;
    let mut varkw: Option<TokenStream> = None;
    let mut defaulted: Option<String> = None;
    let mut find = |name: &Ident, diag: &mut Diagnostics| -> Option<usize> {
        let py = name.unraw().to_string();
        if listed.iter().any(|(n, _)| *n == py) {
            diag.error(name, format_args!("`{py}` appears twice in the signature"));
            return None;
        }
        listed.push((py.clone(), name.span()));
        let found = names.iter().position(|n| n.as_deref() == Some(py.as_str()));
        let Some(position) = found else {
            let names: Vec<String> = names.iter().flatten().map(|n| format!("`{n}`")).collect();
            diag.error(
                name,
                format_args!(
                    "`{py}` is not a parameter of this function; the signature names its \
                     Python parameters ({})",
                    if names.is_empty() {
                        "it has none".to_owned()
                    } else {
                        names.join(", ")
                    }
                ),
            );
            return None;
        };
        if last_position.is_some_and(|last| position < last) {
            diag.error(
                name,
                format_args!(
                    "`{py}` is out of order: the signature lists the parameters in the order \
                     of the Rust function"
                ),
            );
        }
        last_position = Some(position);
        assigned[position] = true;
        Some(candidates[position])
    };
    for item in &sig.items {
        if let Some(kw) = &varkw {
            diag.error(kw, "`**kwargs` must come last in the signature");
            // The rest is not read: its parameters are not reported missing.
            return;
        }
        match item {
            SigItem::Param {
                name,
                default,
                shown,
            } => {
                bare_star = None;
                let Some(index) = find(name, diag) else {
                    continue;
                };
                let param = &mut params[index];
                if param.is_args_type {
                    diag.error(
                        name,
                        format_args!(
                            "`{0}` has the type `Args` (all extra positional arguments): write \
                             it as `*{0}`",
                            name.unraw()
                        ),
                    );
                }
                param.kind = if star_seen {
                    ParamKind::KeywordOnly
                } else {
                    positional.push(index);
                    ParamKind::PositionalOrKeyword
                };
                if let Some(expr) = default {
                    if param.attrs.default.is_some() {
                        diag.error(
                            expr,
                            format_args!(
                                "`{}` has a default both here and in `#[hpy(default ...)]`; \
                                 give it only once",
                                name.unraw()
                            ),
                        );
                    } else {
                        param.attrs.default = Some(DefaultValue::Explicit(expr.clone()));
                        param.attrs.shown_default = shown.clone();
                    }
                }
                if !star_seen {
                    match (&param.attrs.default, &defaulted) {
                        (Some(_), None) => defaulted = Some(name.unraw().to_string()),
                        (None, Some(before)) => diag.error(
                            name,
                            format_args!(
                                "`{}` has no default but follows `{before}`, which has one: a \
                                 required positional parameter cannot follow an optional one \
                                 (give it a default, or make it keyword-only after `*`)",
                                name.unraw()
                            ),
                        ),
                        _ => {}
                    }
                }
            }
            SigItem::Slash(slash) => {
                if slash_seen {
                    diag.error(slash, "`/` can appear only once in a signature");
                } else if star_seen {
                    diag.error(slash, "`/` must come before `*` and `*args`");
                } else if positional.is_empty() {
                    diag.error(
                        slash,
                        "`/` must follow at least one parameter (the ones before it are \
                         positional-only)",
                    );
                } else {
                    for &i in &positional {
                        params[i].kind = ParamKind::PositionalOnly;
                    }
                }
                slash_seen = true;
            }
            SigItem::Star(star) => {
                if star_seen {
                    diag.error(star, "`*` or `*args` can appear only once in a signature");
                }
                star_seen = true;
                bare_star = Some(item.tokens());
            }
            SigItem::VarArgs(star, name) => {
                bare_star = None;
                if star_seen {
                    diag.error(star, "`*` or `*args` can appear only once in a signature");
                }
                star_seen = true;
                if let Some(index) = find(name, diag) {
                    let param = &mut params[index];
                    if !param.is_args_type && !type_is_named(&param.ty, "PyTuple") {
                        diag.error(
                            &param.ty,
                            format_args!(
                                "`*{}` receives the extra positional arguments: its type must \
                                 be `Args<'py>` (a view of them) or `PyTuple<'py>` (a new tuple)",
                                name.unraw()
                            ),
                        );
                    }
                    param.kind = ParamKind::VarArgs;
                }
            }
            SigItem::VarKeywords(_, name) => {
                bare_star = None;
                if let Some(index) = find(name, diag) {
                    params[index].kind = ParamKind::VarKeywords;
                }
                varkw = Some(item.tokens());
            }
        }
    }
    if let Some(star) = bare_star {
        diag.error(
            star,
            "a bare `*` must be followed by at least one keyword-only parameter",
        );
    }
    for (position, &index) in candidates.iter().enumerate() {
        if !assigned[position] {
            let param = &params[index];
            let name = param.python_name().unwrap_or_else(|| "_".to_owned());
            diag.error(
                &param.pat,
                format_args!(
                    "parameter `{name}` is missing from `signature = (...)`; list every Python \
                     parameter there"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;
    use syn::parse_quote;

    fn lower(args: proc_macro2::TokenStream, f: ItemFn) -> FunctionModel {
        let mut diag = Diagnostics::new();
        let args = super::super::parse::parse_args(args, &mut diag);
        let model = FunctionModel::lower(args, &f, &mut diag);
        assert!(diag.is_empty(), "{:?}", diag.messages());
        model
    }

    #[test]
    fn conventions_follow_the_python_parameters() {
        let m = lower(
            quote!(),
            parse_quote!(
                fn f() {}
            ),
        );
        assert_eq!(m.convention(), Convention::NoArgs);
        let m = lower(
            quote!(),
            parse_quote!(
                fn f<'py>(ctx: Context<'py>, #[hpy(module)] m: Borrowed<'py>) {}
            ),
        );
        assert_eq!(m.convention(), Convention::NoArgs);
        assert!(m.takes(Role::Context) && m.takes(Role::Module));
        let m = lower(
            quote!(),
            parse_quote!(
                fn f<'py>(ctx: Context<'py>, x: Borrowed<'py>) {}
            ),
        );
        assert_eq!(m.convention(), Convention::O);
        let m = lower(
            quote!(),
            parse_quote!(
                fn f(a: i64, b: i64) {}
            ),
        );
        assert_eq!(m.convention(), Convention::VarArgs);
        assert_eq!(m.required_count(), 2);
        let m = lower(
            quote!(),
            parse_quote!(
                fn f<'py>(rest: Args<'py>) {}
            ),
        );
        assert_eq!(m.convention(), Convention::VarArgs);
        assert!(m.takes(Role::Rest) && m.python_params().next().is_none());
        let m = lower(
            quote!(keywords),
            parse_quote!(
                fn f(a: i64) {}
            ),
        );
        assert_eq!(m.convention(), Convention::Keywords);
        let m = lower(
            quote!(),
            parse_quote!(
                fn f(a: i64, #[hpy(default)] b: i64) {}
            ),
        );
        assert_eq!(m.convention(), Convention::Keywords);
        assert_eq!(m.required_count(), 1);
        let m = lower(
            quote!(keywords),
            parse_quote!(
                fn f() {}
            ),
        );
        assert_eq!(m.convention(), Convention::Keywords);
    }

    #[test]
    fn names() {
        let m = lower(
            quote!(),
            parse_quote!(
                fn r#type(r#in: i64, mut b: i64) {}
            ),
        );
        assert_eq!(m.py_name.value, "type");
        let names: Vec<_> = m.params.iter().map(|p| p.python_name().unwrap()).collect();
        assert_eq!(names, ["in", "b"]);
        let m = lower(
            quote!(name = "greet"),
            parse_quote!(
                fn greet_impl() {}
            ),
        );
        assert_eq!(m.py_name.value, "greet");
    }

    #[test]
    fn roles() {
        let m = lower(
            quote!(),
            parse_quote!(
                fn f<'py>(
                    c: hpy::Context<'py>,
                    a: i64,
                    #[hpy(module)] m: Borrowed<'py>,
                    (x, y): (i64, i64),
                ) {
                }
            ),
        );
        let roles: Vec<_> = m.params.iter().map(Param::role).collect();
        assert_eq!(
            roles,
            [Role::Context, Role::Python, Role::Module, Role::Python]
        );
        assert!(m.params[3].python_name().is_none());
    }

    #[test]
    fn records_everything_check_needs() {
        let f: ItemFn = parse_quote! {
            /// Doc.
            #[hpy_function]
            pub async fn f<T>(&self, a: impl Into<i64>) -> i64 { 0 }
        };
        let m = lower(quote!(), f);
        assert!(m.shape.receiver.is_some() && m.shape.asyncness.is_some());
        assert_eq!(m.shape.type_params.len(), 1);
        assert_eq!(m.params.len(), 1);
        assert_eq!(m.params[0].impl_traits.len(), 1);
        assert_eq!(m.duplicate_markers.len(), 1);
        assert_eq!(m.doc.text().as_deref(), Some("Doc."));
        assert!(matches!(m.vis, Visibility::Public(_)));
    }

    #[test]
    fn signature_kinds_conventions_and_text() {
        let m = lower(
            quote!(signature = (a, /, b = 1, *args, c, d = 2, **kwargs)),
            parse_quote!(
                fn f<'py>(
                    ctx: Context<'py>,
                    a: i64,
                    b: i64,
                    args: Args<'py>,
                    c: i64,
                    d: i64,
                    kwargs: PyDict<'py>,
                ) {
                }
            ),
        );
        let kinds: Vec<_> = m.params.iter().skip(1).map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [
                ParamKind::PositionalOnly,
                ParamKind::PositionalOrKeyword,
                ParamKind::VarArgs,
                ParamKind::KeywordOnly,
                ParamKind::KeywordOnly,
                ParamKind::VarKeywords
            ]
        );
        assert_eq!(m.convention(), Convention::Keywords);
        assert_eq!(m.required_count(), 1);
        assert_eq!(
            m.text_signature(Some("$module")),
            "($module, a, /, b=1, *args, c, d=2, **kwargs)"
        );
        // Only positional-only parameters without defaults keep the fast conventions.
        let m = lower(
            quote!(signature = (a, /)),
            parse_quote!(
                fn f(a: i64) {}
            ),
        );
        assert_eq!(m.convention(), Convention::O);
        let m = lower(
            quote!(signature = (a)),
            parse_quote!(
                fn f(a: i64) {}
            ),
        );
        assert_eq!(m.convention(), Convention::Keywords);
        assert_eq!(m.text_signature(None), "(a)");
        let m = lower(
            quote!(signature = (*rest)),
            parse_quote!(
                fn f<'py>(rest: Args<'py>) {}
            ),
        );
        assert_eq!(m.convention(), Convention::VarArgs);
        // Without a signature: positional-only unless a default makes it KEYWORDS.
        let m = lower(
            quote!(),
            parse_quote!(
                fn f(a: i64, b: i64) {}
            ),
        );
        assert_eq!(m.text_signature(Some("$self")), "($self, a, b, /)");
        let m = lower(
            quote!(),
            parse_quote!(
                fn f(a: i64, #[hpy(default)] b: i64) {}
            ),
        );
        assert_eq!(m.text_signature(None), "(a, b=...)");
        // `=> LITERAL` states the Python default the text signature shows.
        let m = lower(
            quote!(signature = (a = None => 1.5, b = None => "", c = 2 => -3, /)),
            parse_quote!(
                fn f(a: Option<i64>, b: Option<String>, c: i64) {}
            ),
        );
        assert_eq!(m.text_signature(None), "(a=1.5, b='', c=-3, /)");
    }

    #[test]
    fn signature_errors() {
        let errors = |args: proc_macro2::TokenStream, f: ItemFn| {
            let mut diag = Diagnostics::new();
            let args = super::super::parse::parse_args(args, &mut diag);
            FunctionModel::lower(args, &f, &mut diag);
            diag.messages()
        };
        let m = errors(
            quote!(signature = (a, /, /)),
            parse_quote!(
                fn f(a: i64) {}
            ),
        );
        assert_eq!(m, ["`/` can appear only once in a signature"]);
        let m = errors(
            quote!(signature = (/, a)),
            parse_quote!(
                fn f(a: i64) {}
            ),
        );
        assert!(
            m[0].starts_with("`/` must follow at least one parameter"),
            "{m:?}"
        );
        let m = errors(
            quote!(signature = (a = 1)),
            parse_quote!(
                fn f(#[hpy(default)] a: i64) {}
            ),
        );
        assert!(m[0].starts_with("`a` has a default both here"), "{m:?}");
        let m = errors(
            quote!(signature = (a, *, b = 1, c)),
            parse_quote!(
                fn f(a: i64, b: i64, c: i64) {}
            ),
        );
        assert!(
            m.is_empty(),
            "keyword-only parameters may be required after defaults: {m:?}"
        );
        // `=>` shows a Python literal, nothing else.
        let m = errors(
            quote!(signature = (a = None => Vec::new())),
            parse_quote!(
                fn f(a: Option<i64>) {}
            ),
        );
        assert!(
            m[0].starts_with("`=>` gives the Python default shown in the text signature"),
            "{m:?}"
        );
    }
}
