//! The semantic model of one `#[hpy_function]`: what the function is called in Python, which
//! parameters are the context / the module / Python arguments, and which calling convention it
//! gets. Lowering never fails: anything unacceptable is recorded so that [`super::check`] can
//! report it with the user's tokens.

use super::parse::{parse_param_attrs, DefaultValue, FunctionArgs, ParamAttrs};
use crate::attrs::{cfg_attrs, Doc, Marker};
use crate::diagnostics::Diagnostics;
use crate::signature::{impl_traits, type_is_named, Shape};
use proc_macro2::Span;
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
    /// Its type's last path segment is `Args`: receives all positional arguments (`*args`).
    Rest,
    /// A Python argument.
    Python,
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
}

impl Param {
    /// What the parameter receives.
    pub fn role(&self) -> Role {
        if self.attrs.module.is_some() {
            Role::Module
        } else if self.is_context_type {
            Role::Context
        } else if self.is_args_type {
            Role::Rest
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
}

impl FunctionModel {
    /// Lowers a parsed function. `func.attrs` must not contain the `#[hpy_function]` attribute
    /// being expanded (any that remain are duplicates). Malformed `#[hpy(...)]` attributes are
    /// recorded in `diag`.
    pub fn lower(args: FunctionArgs, func: &ItemFn, diag: &mut Diagnostics) -> Self {
        let params = func
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
                }),
                FnArg::Receiver(_) => None,
            })
            .collect();
        FunctionModel {
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
        }
    }

    /// The parameters Python passes, in order.
    pub fn python_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.role() == Role::Python)
    }

    /// The calling convention: KEYWORDS if forced or if any Python parameter has a default;
    /// otherwise by the number of Python parameters: 0 → NOARGS, 1 → O, more → VARARGS.
    pub fn convention(&self) -> Convention {
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

    /// How many Python parameters have no default.
    pub fn required_count(&self) -> usize {
        self.python_params()
            .filter(|p| p.default().is_none())
            .count()
    }

    /// Whether some parameter receives the context / the module.
    pub fn takes(&self, role: Role) -> bool {
        self.params.iter().any(|p| p.role() == role)
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
}
