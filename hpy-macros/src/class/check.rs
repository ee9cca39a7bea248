//! Validation of a [`ClassModel`].

use super::model::ClassModel;
use crate::diagnostics::Diagnostics;
use crate::function::check::{check_python_name, DOC_NUL};

/// Reports every problem of `model` into `diag`.
pub fn check(model: &ClassModel, diag: &mut Diagnostics) {
    super::options::check(model, diag);
    if !model.generics.params.is_empty() || model.generics.where_clause.is_some() {
        diag.error(
            &model.generics,
            "#[hpy_class] structs cannot have generic or lifetime parameters: a Python type \
             must be 'static and not generic",
        );
    }
    check_python_name(&model.py_name.value, model.py_name.span, diag);
    if let Some(module) = &model.module {
        if module.value().is_empty() || module.value().contains('\0') {
            diag.error(
                module,
                "the module name must be non-empty and without NUL bytes",
            );
        }
    }
    if let Some(attr) = model.doc.nul_attribute() {
        diag.error(attr, DOC_NUL);
    }
    let mut names: Vec<&str> = Vec::new();
    for field in &model.fields {
        let a = &field.attrs;
        let exported = a.get.is_some() || a.set.is_some() || a.member.is_some();
        if !exported {
            if let Some(name) = &a.name {
                diag.error(name, "`name` needs `get`, `set` or `member` on the field");
            }
            continue;
        }
        let Some(py_name) = &field.py_name else {
            diag.error(
                &a.attrs[0],
                "tuple struct fields have no name to export; use a struct with named fields",
            );
            continue;
        };
        check_python_name(&py_name.value, py_name.span, diag);
        if let Some(attr) = field.doc.nul_attribute() {
            diag.error(attr, DOC_NUL);
        }
        if let Some(member) = &a.member {
            // An `HPyField` member is a property through the borrow flag (HPy's own object
            // members would rewrite the definition in place, see `docs/classes.md`).
            if model.frozen.is_none() && !field.is_hpy_field {
                diag.error(
                    member,
                    "`#[hpy(member)]` needs a `frozen` class (`#[hpy_class(frozen)]`): Python \
                     reads members directly, bypassing the borrow flag; use `#[hpy(get, set)]`",
                );
            }
            if let Some(other) = a.get.as_ref().or(a.set.as_ref()) {
                diag.error(
                    other,
                    "a field is either a `member` or a `get`/`set` property, not both",
                );
            }
        }
        if let (Some(set), Some(_)) = (&a.set, &model.frozen) {
            diag.error(
                set,
                "a frozen class cannot be modified through `set`; use `#[hpy(member)]` on a \
                 `Cell<T>` field for a writable attribute",
            );
        }
        if names.contains(&py_name.value.as_str()) {
            diag.error_at(
                py_name.span,
                format_args!("duplicate attribute name `{}`", py_name.value),
            );
        }
        names.push(&py_name.value);
    }
}

#[cfg(test)]
mod tests {
    use crate::class::analyze;
    use quote::quote;
    use syn::parse_quote;

    fn messages(args: proc_macro2::TokenStream, item: syn::ItemStruct) -> Vec<String> {
        analyze(args, item).2.messages()
    }

    #[test]
    fn good_classes_pass() {
        assert!(messages(
            quote!(),
            parse_quote!(
                struct Unit;
            )
        )
        .is_empty());
        assert!(messages(
            quote!(),
            parse_quote!(
                struct T(i64, HPyField);
            )
        )
        .is_empty());
        assert!(messages(
            quote!(frozen),
            parse_quote!(
                struct P {
                    #[hpy(member)]
                    x: i64,
                    #[hpy(get)]
                    y: String,
                    f: HPyField,
                }
            )
        )
        .is_empty());
        assert!(messages(
            quote!(subclass, base = int),
            parse_quote!(
                pub struct P {
                    #[hpy(get, set)]
                    x: f64,
                }
            )
        )
        .is_empty());
    }

    #[test]
    fn problems() {
        let m = messages(
            quote!(name = ""),
            parse_quote! {
                struct P<'a, T> {
                    #[hpy(member)] a: i64,
                    #[hpy(get)] f: HPyField,
                    #[hpy(get, name = "b")] x: i64,
                    #[hpy(set)] b: i64,
                    #[hpy(name = "c")] c: i64,
                    r: &'a T,
                }
            },
        );
        // (`#[hpy(get)]` on an `HPyField` is fine: a property that loads it.)
        assert_eq!(m.len(), 5, "{m:#?}");
        assert!(m[0].ends_with("a Python type must be 'static and not generic"));
        assert_eq!(m[1], "the Python name cannot be empty");
        assert!(m[2].starts_with("`#[hpy(member)]` needs a `frozen` class"));
        assert_eq!(m[3], "duplicate attribute name `b`");
        assert_eq!(m[4], "`name` needs `get`, `set` or `member` on the field");
    }

    #[test]
    fn option_problems() {
        let m = messages(
            quote!(ord, hash, eq_int, get_all),
            parse_quote!(
                struct P(i64);
            ),
        );
        assert_eq!(m.len(), 5, "{m:#?}");
        assert!(m[0].starts_with("`ord` needs `eq` too"));
        assert!(m[1].starts_with("`hash` needs `eq` too"));
        assert!(m[2].starts_with("`hash` needs `frozen`"));
        assert!(m[3].starts_with("`eq_int` applies to enums"));
        assert!(m[4].starts_with("`get_all` needs a struct with named fields"));
        let (model, _, diag) = crate::class::analyze(
            quote!(get_all, set_all, rename_all = "PascalCase"),
            parse_quote!(
                struct P {
                    first_name: String,
                    #[hpy(name = "x")]
                    second: i64,
                }
            ),
        );
        assert!(diag.is_empty());
        let names: Vec<&str> = model
            .fields
            .iter()
            .map(|f| f.py_name.as_ref().unwrap().value.as_str())
            .collect();
        assert_eq!(names, ["FirstName", "x"]);
        assert!(model
            .fields
            .iter()
            .all(|f| f.attrs.get.is_some() && f.attrs.set.is_some()));
    }

    #[test]
    fn frozen_problems() {
        let m = messages(
            quote!(frozen),
            parse_quote!(
                struct P(#[hpy(get)] i64, i64);
            ),
        );
        assert_eq!(m.len(), 1);
        assert!(m[0].starts_with("tuple struct fields have no name"));
        let m = messages(
            quote!(frozen),
            parse_quote!(
                struct P {
                    #[hpy(set, member)]
                    a: i64,
                }
            ),
        );
        assert_eq!(m.len(), 2, "{m:#?}");
        assert!(m[0].starts_with("a field is either a `member`"));
        assert!(m[1].starts_with("a frozen class cannot be modified"));
    }
}
