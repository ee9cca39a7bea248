//! Validation of a [`FunctionModel`]: every problem is reported at the user's tokens, each with
//! what is wrong and what is allowed instead.

use super::model::{FunctionModel, Param, Role};
use super::parse::DefaultValue;
use crate::diagnostics::Diagnostics;
use crate::signature::{check_shape, Subject};
use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::Pat;

/// Reports every problem of `model` into `diag`.
pub fn check(model: &FunctionModel, diag: &mut Diagnostics) {
    check_as(model, Subject::Function, diag);
}

/// [`check`], with messages naming `subject` (`#[hpy_methods]` checks its methods with this).
pub fn check_as(model: &FunctionModel, subject: Subject, diag: &mut Diagnostics) {
    check_shape(&model.shape, subject, diag);
    for marker in &model.duplicate_markers {
        diag.error(
            marker,
            "duplicate #[hpy_function] attribute; a function is exported once (use \
             `#[hpy_function(name = \"...\")]` to pick its Python name)",
        );
    }
    check_python_name(&model.py_name.value, model.py_name.span, diag);
    if let Some(attr) = model.doc.nul_attribute() {
        diag.error(attr, DOC_NUL);
    }
    check_params(model, subject, diag);
}

/// The message for a docstring containing NUL.
pub const DOC_NUL: &str =
    "docstrings cannot contain NUL bytes (`\\0`): Python receives them as C strings";

/// Reports a Python name that cannot be used (empty, or containing NUL).
pub fn check_python_name(name: &str, span: Span, diag: &mut Diagnostics) {
    if name.is_empty() {
        diag.error_at(span, "the Python name cannot be empty");
    } else if name.contains('\0') {
        diag.error_at(
            span,
            "the Python name cannot contain NUL bytes (`\\0`): Python receives it as a C string",
        );
    }
}

fn check_params(model: &FunctionModel, subject: Subject, diag: &mut Diagnostics) {
    let attr = subject.attr();
    let params = subject.params();
    let mut context_seen = false;
    let mut module_seen = false;
    let mut first_default: Option<&Param> = None;
    for (index, param) in model.params.iter().enumerate() {
        for cfg in &param.attrs.cfg_attrs {
            diag.error(
                cfg,
                format_args!(
                    "{params} cannot be conditional (`#[cfg]`): the Python signature must be \
                     fixed; put `#[cfg]` on the whole function instead"
                ),
            );
        }
        for impl_trait in &param.impl_traits {
            diag.error(
                impl_trait,
                format_args!(
                    "{params} cannot use `impl Trait`; the wrapper needs a concrete type to \
                     convert the Python argument to (e.g. `i64`, `&str` or `Borrowed<'py>`)"
                ),
            );
        }
        if param.is_context_type {
            if let Some(attr) = param.attrs.hpy_attrs.first() {
                diag.error(
                    attr,
                    "`#[hpy(...)]` cannot be used on the `Context` parameter; it always \
                     receives the context of the call",
                );
                continue;
            }
        }
        match param.role() {
            Role::Context => {
                if context_seen {
                    diag.error(
                        &param.ty,
                        format_args!(
                            "{attr} takes at most one `Context` parameter; use the first one \
                             (`Context` is `Copy`)"
                        ),
                    );
                } else if index != 0 {
                    diag.error(
                        &param.ty,
                        "the `Context` parameter must come first: \
                         `fn name<'py>(ctx: Context<'py>, ...)`",
                    );
                }
                context_seen = true;
            }
            Role::Module => {
                if module_seen {
                    diag.error(
                        param.attrs.module.as_ref(),
                        "only one parameter can be `#[hpy(module)]`",
                    );
                }
                if let Some(default) = param.default() {
                    diag.error(
                        default_tokens(default),
                        "a `#[hpy(module)]` parameter cannot have a default; it always receives \
                         the module object",
                    );
                }
                module_seen = true;
            }
            Role::Kwargs => {}
            Role::Rest if model.has_signature => {}
            Role::Rest => {
                if model.python_params().next().is_some()
                    || model
                        .params
                        .iter()
                        .filter(|p| p.role() == Role::Rest)
                        .count()
                        > 1
                    || model.keywords_flag.is_some()
                {
                    diag.error(
                        &param.ty,
                        "an `Args` parameter receives all positional arguments: it cannot be \
                         combined with other Python parameters, another `Args` or `keywords`",
                    );
                }
            }
            Role::Python => {
                check_pattern(param, params, diag);
                if model.has_signature {
                    continue;
                }
                match (param.default(), first_default) {
                    (Some(_), None) => first_default = Some(param),
                    (None, Some(defaulted)) => diag.error(
                        &param.pat,
                        format_args!(
                            "parameter `{}` has no default but comes after `{}`, which has one; \
                             parameters without `#[hpy(default)]` must come first",
                            display_pat(&param.pat),
                            display_pat(&defaulted.pat),
                        ),
                    ),
                    _ => {}
                }
            }
        }
    }
}

fn check_pattern(param: &Param, params: &str, diag: &mut Diagnostics) {
    if param.ident().is_some() {
        return;
    }
    let message = match &*param.pat {
        Pat::Wild(_) => format!(
            "{params} need a name, which becomes the Python parameter name; write e.g. \
             `_unused: T` instead of `_`"
        ),
        _ => format!(
            "{params} must be plain names like `x: i64` (the name is the Python parameter \
             name); destructure inside the function body instead"
        ),
    };
    diag.error(&param.pat, message);
}

/// The tokens of a default, for spans.
pub fn default_tokens(default: &DefaultValue) -> TokenStream {
    match default {
        DefaultValue::Implicit(ident) => ident.to_token_stream(),
        DefaultValue::Explicit(expr) => expr.to_token_stream(),
    }
}

fn display_pat(pat: &Pat) -> String {
    match pat {
        Pat::Ident(p) => p.ident.to_string(),
        other => other.to_token_stream().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use crate::function::analyze;
    use quote::quote;
    use syn::{parse_quote, ItemFn};

    fn messages(args: proc_macro2::TokenStream, f: ItemFn) -> Vec<String> {
        analyze(args, &f).1.messages()
    }

    #[test]
    fn args_collects_every_positional_argument_alone() {
        assert!(messages(
            quote!(),
            parse_quote!(
                fn f<'py>(ctx: Context<'py>, rest: Args<'py>) {}
            )
        )
        .is_empty());
        let m = messages(
            quote!(),
            parse_quote!(
                fn f<'py>(a: i64, rest: Args<'py>) {}
            ),
        );
        assert_eq!(m.len(), 1);
        assert!(m[0].starts_with("an `Args` parameter receives all positional arguments"));
        let m = messages(
            quote!(keywords),
            parse_quote!(
                fn f<'py>(rest: Args<'py>) {}
            ),
        );
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn good_functions_pass() {
        let good: Vec<ItemFn> = vec![
            parse_quote!(
                fn add(a: i64, b: i64) -> i64 {
                    a + b
                }
            ),
            parse_quote!(
                const fn f() {}
            ),
            parse_quote!(
                pub fn f<'py>(ctx: Context<'py>, #[hpy(module)] m: Borrowed<'py>) {}
            ),
            parse_quote!(
                fn f<'py>(
                    ctx: Context<'py>,
                    a: &str,
                    #[hpy(default)] b: i64,
                    #[hpy(default = 3)] c: i64,
                ) {
                }
            ),
            parse_quote!(
                fn f<'py>(#[hpy(module)] _: Borrowed<'py>, mut a: i64, ref b: i64) {}
            ),
            parse_quote!(
                fn f(a: i64) -> impl Sized {
                    a
                }
            ),
        ];
        for f in good {
            let name = f.sig.ident.to_string();
            assert!(messages(quote!(), f).is_empty(), "{name}");
        }
    }

    #[test]
    fn receiver_message() {
        let m = messages(
            quote!(),
            parse_quote!(
                fn f(&self, a: i64) {}
            ),
        );
        assert_eq!(m, ["#[hpy_function] cannot take `self`; module functions receive the module with `#[hpy(module)] m: Borrowed<'py>`"]);
    }

    #[test]
    fn patterns_and_impl_trait() {
        let m = messages(
            quote!(),
            parse_quote!(
                fn f((a, b): (i64, i64), _: i64, c: impl Into<i64>) {}
            ),
        );
        assert_eq!(m.len(), 3, "{m:#?}");
        assert!(m[0].starts_with("#[hpy_function] parameters must be plain names like `x: i64`"));
        assert!(m[1].starts_with("#[hpy_function] parameters need a name"));
        assert!(m[2].starts_with("#[hpy_function] parameters cannot use `impl Trait`"));
    }

    #[test]
    fn context_rules() {
        let m = messages(
            quote!(),
            parse_quote!(
                fn f<'py>(a: i64, ctx: Context<'py>, c2: Context<'py>) {}
            ),
        );
        assert_eq!(m.len(), 2, "{m:#?}");
        assert!(m[0].starts_with("the `Context` parameter must come first"));
        assert!(m[1].starts_with("#[hpy_function] takes at most one `Context` parameter"));
        let m = messages(
            quote!(),
            parse_quote!(
                fn f<'py>(#[hpy(default)] ctx: Context<'py>) {}
            ),
        );
        assert_eq!(m.len(), 1);
        assert!(m[0].starts_with("`#[hpy(...)]` cannot be used on the `Context` parameter"));
    }

    #[test]
    fn module_rules() {
        let m = messages(
            quote!(),
            parse_quote!(
                fn f<'py>(
                    #[hpy(module)] a: Borrowed<'py>,
                    #[hpy(module, default)] b: Borrowed<'py>,
                ) {
                }
            ),
        );
        assert_eq!(
            m,
            [
                "only one parameter can be `#[hpy(module)]`",
                "a `#[hpy(module)]` parameter cannot have a default; it always receives the module object",
            ]
        );
    }

    #[test]
    fn required_after_default() {
        let m = messages(
            quote!(),
            parse_quote!(
                fn f(#[hpy(default)] a: i64, b: i64, #[hpy(default)] c: i64, d: i64) {}
            ),
        );
        assert_eq!(m.len(), 2);
        assert_eq!(m[0], "parameter `b` has no default but comes after `a`, which has one; parameters without `#[hpy(default)]` must come first");
        assert!(m[1].starts_with("parameter `d` has no default but comes after `a`"));
    }

    #[test]
    fn cfg_names_docs_and_duplicates() {
        let m = messages(
            quote!(name = ""),
            parse_quote! {
                #[doc = "bad\0doc"]
                #[hpy_function]
                fn f(#[cfg(x)] a: i64) {}
            },
        );
        assert_eq!(m.len(), 4, "{m:#?}");
        assert!(m[0].starts_with("duplicate #[hpy_function] attribute"));
        assert_eq!(m[1], "the Python name cannot be empty");
        assert!(m[2].starts_with("docstrings cannot contain NUL bytes"));
        assert!(m[3].starts_with("#[hpy_function] parameters cannot be conditional"));
        let m = messages(
            quote!(name = "a\0b"),
            parse_quote!(
                fn f() {}
            ),
        );
        assert_eq!(m.len(), 1);
        assert!(m[0].starts_with("the Python name cannot contain NUL bytes"));
    }

    #[test]
    fn parse_and_check_errors_are_reported_together() {
        let m = messages(
            quote!(nmae = "x"),
            parse_quote!(
                async fn f(self, #[hpy(defualt)] a: i64) {}
            ),
        );
        assert_eq!(m.len(), 4, "{m:#?}");
    }
}
