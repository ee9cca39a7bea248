//! The parts of a Rust function signature that neither `#[hpy_function]`, `#[hpy_exec]` nor
//! `#[hpy_create]` accept (receivers, `async`, `unsafe`, ABIs, variadics, type/const generics), recorded during
//! modelling and reported during checking. Shared by all of them.

use crate::diagnostics::Diagnostics;
use proc_macro2::TokenStream;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{Expr, FnArg, GenericParam, Ident, Lit, Signature, Token, Type, TypeImplTrait};

/// Which macro is looking at the signature (the messages differ).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// `#[hpy_function]`
    Function,
    /// `#[hpy_exec]`
    Exec,
    /// `#[hpy_create]`
    Create,
    /// A method of a `#[hpy_methods]` block.
    Method,
}

impl Subject {
    /// How messages name the item ("#[hpy_function] cannot ...").
    pub fn attr(self) -> &'static str {
        match self {
            Subject::Function => "#[hpy_function]",
            Subject::Exec => "#[hpy_exec]",
            Subject::Create => "#[hpy_create]",
            Subject::Method => "a #[hpy_methods] method",
        }
    }

    /// How messages name the item's parameters ("#[hpy_function] parameters must ...").
    pub fn params(self) -> &'static str {
        match self {
            Subject::Function => "#[hpy_function] parameters",
            Subject::Exec => "#[hpy_exec] parameters",
            Subject::Create => "#[hpy_create] parameters",
            Subject::Method => "method parameters",
        }
    }
}

/// The signature exactly as `#[hpy_exec]` requires it, for messages.
pub const EXEC_SIGNATURE: &str =
    "fn name<'py>(ctx: Context<'py>, module: Borrowed<'py>) -> PyResult<()>";

/// The signature exactly as `#[hpy_create]` requires it, for messages.
pub const CREATE_SIGNATURE: &str =
    "fn name<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>>";

/// Everything in a signature that the macros refuse, kept as the user's tokens for spans.
#[derive(Clone, Default)]
pub struct Shape {
    /// `async`
    pub asyncness: Option<syn::Token![async]>,
    /// `unsafe`
    pub unsafety: Option<syn::Token![unsafe]>,
    /// `extern "..."`
    pub abi: Option<syn::Abi>,
    /// `...`
    pub variadic: Option<syn::Variadic>,
    /// `self`, `&self`, `mut self: Box<Self>`, ...
    pub receiver: Option<syn::Receiver>,
    /// `<T: Bound>`
    pub type_params: Vec<syn::TypeParam>,
    /// `<const N: usize>`
    pub const_params: Vec<syn::ConstParam>,
}

impl Shape {
    /// Records the refused parts of `sig`.
    pub fn of(sig: &Signature) -> Self {
        let mut shape = Shape {
            asyncness: sig.asyncness,
            unsafety: sig.unsafety,
            abi: sig.abi.clone(),
            variadic: sig.variadic.clone(),
            ..Shape::default()
        };
        for input in &sig.inputs {
            if let FnArg::Receiver(r) = input {
                shape.receiver.get_or_insert_with(|| r.clone());
            }
        }
        for param in &sig.generics.params {
            match param {
                GenericParam::Type(t) => shape.type_params.push(t.clone()),
                GenericParam::Const(c) => shape.const_params.push(c.clone()),
                GenericParam::Lifetime(_) => {}
            }
        }
        shape
    }
}

/// Reports each refused part of `shape`, one message per problem.
pub fn check_shape(shape: &Shape, subject: Subject, diag: &mut Diagnostics) {
    let attr = subject.attr();
    if let Some(receiver) = &shape.receiver {
        let hint = match subject {
            Subject::Function => {
                "module functions receive the module with `#[hpy(module)] m: Borrowed<'py>`"
            }
            Subject::Exec => "it receives the module as its second parameter",
            Subject::Create => "it receives the module spec as its second parameter",
            Subject::Method => "mark it `#[staticmethod]`, or use `&self`",
        };
        diag.error(receiver, format_args!("{attr} cannot take `self`; {hint}"));
    }
    if let Some(asyncness) = &shape.asyncness {
        diag.error(
            asyncness,
            format_args!(
                "{attr} cannot be an `async fn`; Python calls it synchronously, so write a plain `fn`"
            ),
        );
    }
    if let Some(unsafety) = &shape.unsafety {
        diag.error(
            unsafety,
            format_args!(
                "{attr} cannot be an `unsafe fn`; Python cannot uphold its safety contract, so \
                 write a safe `fn` (with `unsafe` blocks inside if it really needs them)"
            ),
        );
    }
    if let Some(abi) = &shape.abi {
        diag.error(
            abi,
            format_args!(
                "{attr} cannot declare an `extern` ABI; write a plain Rust `fn`, the generated \
                 wrapper provides the C entry point"
            ),
        );
    }
    if let Some(variadic) = &shape.variadic {
        let hint = match subject {
            Subject::Function | Subject::Method => {
                "take a fixed list of parameters (use `#[hpy(default)]` for optional ones)"
            }
            Subject::Exec => "the signature must be exactly `fn name<'py>(ctx: Context<'py>, module: Borrowed<'py>) -> PyResult<()>`",
            Subject::Create => "the signature must be exactly `fn name<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>>`",
        };
        diag.error(
            variadic,
            format_args!("{attr} cannot be variadic (`...`); {hint}"),
        );
    }
    for t in &shape.type_params {
        diag.error(
            t,
            format_args!(
                "{attr} cannot be generic over the type `{}`; only lifetime parameters (like \
                 `'py`) are allowed, so use a concrete type",
                t.ident
            ),
        );
    }
    for c in &shape.const_params {
        diag.error(
            c,
            format_args!(
                "{attr} cannot have the const generic parameter `{}`; only lifetime parameters \
                 (like `'py`) are allowed",
                c.ident
            ),
        );
    }
}

/// Every `impl Trait` inside `ty` (e.g. `impl Into<i64>`, `Vec<impl Fn()>`).
pub fn impl_traits(ty: &Type) -> Vec<TypeImplTrait> {
    struct Finder(Vec<TypeImplTrait>);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_type_impl_trait(&mut self, node: &'ast TypeImplTrait) {
            self.0.push(node.clone());
        }
    }
    let mut finder = Finder(Vec::new());
    finder.visit_type(ty);
    finder.0
}

/// The identifier of the last path segment of `ty` (`Context` for `hpy::Context<'py>`), looking
/// through parentheses and invisible groups. `None` for references, tuples, etc.
pub fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        Type::Paren(p) => last_segment(&p.elem),
        Type::Group(g) => last_segment(&g.elem),
        _ => None,
    }
}

/// Whether the last path segment of `ty` is named `name`.
pub fn type_is_named(ty: &Type, name: &str) -> bool {
    last_segment(ty).is_some_and(|s| s.ident == name)
}

/// One entry of `signature = (...)`.
#[derive(Clone)]
pub enum SigItem {
    /// `name`, `name = EXPR` or `name = EXPR => LITERAL`.
    Param {
        /// The parameter's name.
        name: Ident,
        /// Its default.
        default: Option<Box<Expr>>,
        /// `=> LITERAL`: the Python default `__text_signature__` shows instead of `EXPR`'s
        /// (for a default that is not itself a Python literal, e.g. `None` of an
        /// `Option<Borrowed>` that the function replaces by `1.0`).
        shown: Option<Box<Expr>>,
    },
    /// `/`: the parameters before it are positional-only.
    Slash(Token![/]),
    /// `*`: the parameters after it are keyword-only.
    Star(Token![*]),
    /// `*args`.
    VarArgs(Token![*], Ident),
    /// `**kwargs`.
    VarKeywords(Token![*], Ident),
}

impl SigItem {
    /// The tokens of the item, for spans.
    pub fn tokens(&self) -> TokenStream {
        match self {
            SigItem::Param {
                name,
                default,
                shown,
            } => match (default, shown) {
                (Some(d), Some(s)) => quote::quote!(#name = #d => #s),
                (Some(d), None) => quote::quote!(#name = #d),
                _ => quote::quote!(#name),
            },
            SigItem::Slash(t) => quote::quote!(#t),
            SigItem::Star(t) => quote::quote!(#t),
            SigItem::VarArgs(t, name) => quote::quote!(#t #name),
            SigItem::VarKeywords(t, name) => quote::quote!(#t #t #name),
        }
    }
}

/// A parsed `signature = (...)`.
#[derive(Clone)]
pub struct SigSpec {
    /// The entries, in order.
    pub items: Vec<SigItem>,
}

impl Parse for SigItem {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(Token![/]) {
            return Ok(SigItem::Slash(input.parse()?));
        }
        if input.peek(Token![*]) {
            let star: Token![*] = input.parse()?;
            if input.peek(Token![*]) {
                let _: Token![*] = input.parse()?;
                return Ok(SigItem::VarKeywords(star, Ident::parse_any(input)?));
            }
            if input.peek(syn::Ident::peek_any) {
                return Ok(SigItem::VarArgs(star, Ident::parse_any(input)?));
            }
            return Ok(SigItem::Star(star));
        }
        let name = Ident::parse_any(input).map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected a parameter name, `name = default`, `/`, `*`, `*args` or `**kwargs`",
            )
        })?;
        let default = if input.peek(Token![=]) {
            let _: Token![=] = input.parse()?;
            Some(Box::new(input.parse::<Expr>()?))
        } else {
            None
        };
        let shown = if default.is_some() && input.peek(Token![=>]) {
            let _: Token![=>] = input.parse()?;
            let expr = input.parse::<Expr>()?;
            if python_literal(&expr) == "..." {
                return Err(syn::Error::new_spanned(
                    &expr,
                    "`=>` gives the Python default shown in the text signature: write a literal \
                     (a number, a string, `true`/`false` or `None`)",
                ));
            }
            Some(Box::new(expr))
        } else {
            None
        };
        Ok(SigItem::Param {
            name,
            default,
            shown,
        })
    }
}

impl SigSpec {
    /// Parses the value of `signature = (...)` (after the `=`).
    pub fn parse_value(input: ParseStream<'_>) -> syn::Result<Self> {
        let content;
        syn::parenthesized!(content in input);
        let items = Punctuated::<SigItem, Token![,]>::parse_terminated(&content)?;
        Ok(SigSpec {
            items: items.into_iter().collect(),
        })
    }
}

/// Python's keywords: a parameter with such a name is shown with a trailing `_` in text
/// signatures (which could not be parsed otherwise).
pub const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// A Rust default as a Python literal for `__text_signature__` (integers, floats, strings,
/// booleans and `None`), or `...` for anything else.
pub fn python_literal(expr: &Expr) -> String {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Int(i) if matches!(i.suffix(), "f32" | "f64") => {
                format!("{}.0", i.base10_digits())
            }
            Lit::Int(i) => i.base10_digits().to_owned(),
            Lit::Float(f) => {
                let digits = f.base10_digits();
                if digits.contains(['.', 'e', 'E']) {
                    digits.to_owned()
                } else {
                    format!("{digits}.0")
                }
            }
            Lit::Bool(b) => if b.value { "True" } else { "False" }.to_owned(),
            Lit::Str(s) => python_str(&s.value()),
            _ => "...".to_owned(),
        },
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => {
            let inner = python_literal(&u.expr);
            if inner == "..." {
                inner
            } else {
                format!("-{inner}")
            }
        }
        Expr::Paren(p) => python_literal(&p.expr),
        Expr::Group(g) => python_literal(&g.expr),
        Expr::Path(p) if p.path.is_ident("None") => "None".to_owned(),
        Expr::MethodCall(m)
            if matches!(&*m.receiver, Expr::Lit(l) if matches!(l.lit, Lit::Str(_)))
                && (m.method == "to_string" || m.method == "to_owned" || m.method == "into")
                && m.args.is_empty() =>
        {
            python_literal(&m.receiver)
        }
        _ => "...".to_owned(),
    }
}

/// A docstring that starts with CPython's signature header, `name(sig)\n--\n\n`, from which
/// `__text_signature__` is derived; the rest is `doc`.
pub fn doc_with_signature(name: &str, signature: &str, doc: Option<&str>) -> String {
    format!("{name}{signature}\n--\n\n{}", doc.unwrap_or(""))
}

/// `text` as a Python string literal (single quotes, like `repr`).
fn python_str(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn messages(sig: Signature, subject: Subject) -> Vec<String> {
        let mut diag = Diagnostics::new();
        check_shape(&Shape::of(&sig), subject, &mut diag);
        diag.messages()
    }

    #[test]
    fn plain_signatures_pass() {
        assert!(messages(parse_quote!(fn f<'py>(a: i64) -> i64), Subject::Function).is_empty());
        assert!(messages(parse_quote!(const fn f()), Subject::Function).is_empty());
    }

    #[test]
    fn every_refused_part_is_reported_once() {
        let sig: Signature = parse_quote!(
            async unsafe extern "C" fn f<'a, T: Copy, U, const N: usize>(&self, a: T, ...)
        );
        let m = messages(sig, Subject::Function);
        assert_eq!(m.len(), 8, "{m:#?}");
        assert_eq!(m[0], "#[hpy_function] cannot take `self`; module functions receive the module with `#[hpy(module)] m: Borrowed<'py>`");
        assert!(m[1].starts_with("#[hpy_function] cannot be an `async fn`"));
        assert!(m[2].starts_with("#[hpy_function] cannot be an `unsafe fn`"));
        assert!(m[3].starts_with("#[hpy_function] cannot declare an `extern` ABI"));
        assert!(m[4].starts_with("#[hpy_function] cannot be variadic"));
        assert!(m[5].contains("generic over the type `T`"));
        assert!(m[6].contains("generic over the type `U`"));
        assert!(m[7].contains("const generic parameter `N`"));
    }

    #[test]
    fn const_generics_and_exec_wording() {
        let m = messages(parse_quote!(fn f<const N: usize>(self)), Subject::Exec);
        assert_eq!(m.len(), 2);
        assert!(m[0].starts_with("#[hpy_exec] cannot take `self`"));
        assert!(m[1].contains("const generic parameter `N`"));
    }

    #[test]
    fn impl_trait_is_found_anywhere_in_a_type() {
        assert_eq!(impl_traits(&parse_quote!(impl Into<i64>)).len(), 1);
        assert_eq!(impl_traits(&parse_quote!(Vec<(impl Copy, u8)>)).len(), 1);
        assert!(impl_traits(&parse_quote!(Vec<Box<dyn Fn()>>)).is_empty());
    }

    #[test]
    fn type_names() {
        assert!(type_is_named(&parse_quote!(Context<'py>), "Context"));
        assert!(type_is_named(&parse_quote!(::hpy::Context<'_>), "Context"));
        assert!(type_is_named(&parse_quote!((Context)), "Context"));
        assert!(!type_is_named(&parse_quote!(&Context<'py>), "Context"));
        assert!(!type_is_named(&parse_quote!(<T as X>::Context), "Context"));
        assert!(!type_is_named(&parse_quote!(MyContext), "Context"));
    }

    #[test]
    fn defaults_as_python_literals() {
        let lit = |e: Expr| python_literal(&e);
        assert_eq!(lit(parse_quote!(1_000u32)), "1000");
        assert_eq!(lit(parse_quote!(-2)), "-2");
        assert_eq!(lit(parse_quote!(0.5f64)), "0.5");
        assert_eq!(lit(parse_quote!(3f64)), "3.0");
        assert_eq!(lit(parse_quote!(true)), "True");
        assert_eq!(lit(parse_quote!(None)), "None");
        assert_eq!(lit(parse_quote!("it's\n")), "'it\\'s\\n'");
        assert_eq!(lit(parse_quote!("x".to_string())), "'x'");
        assert_eq!(lit(parse_quote!(usize::MAX)), "...");
        assert_eq!(lit(parse_quote!(-usize::MAX)), "...");
        assert_eq!(lit(parse_quote!(b'x')), "...");
    }

    #[test]
    fn signature_items_parse() {
        let spec: SigSpec = syn::parse::Parser::parse2(
            SigSpec::parse_value,
            quote::quote!((a, /, b = 1 + 2, *args, c, **kw)),
        )
        .unwrap();
        assert_eq!(spec.items.len(), 6);
        assert!(matches!(
            &spec.items[2],
            SigItem::Param {
                default: Some(_),
                ..
            }
        ));
        assert!(matches!(spec.items[3], SigItem::VarArgs(..)));
        assert!(matches!(spec.items[5], SigItem::VarKeywords(..)));
        assert!(syn::parse::Parser::parse2(SigSpec::parse_value, quote::quote!((1))).is_err());
    }
}
