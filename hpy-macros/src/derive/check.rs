//! Validation of a [`DeriveModel`]: one spanned error per problem.

use super::model::{Body, Derive, DeriveModel, Kind, Shape, Style};
use crate::diagnostics::Diagnostics;
use syn::visit::Visit;
use syn::{GenericParam, Lifetime, Type};

/// The first lifetime other than `'static` in `ty`, if any (`&'py str`, `Borrowed<'py>`, a
/// derived `View<'py>`): such a type converts only from an object open for that lifetime.
fn borrowed_lifetime(ty: &Type) -> Option<Lifetime> {
    struct Find(Option<Lifetime>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_lifetime(&mut self, lifetime: &'ast Lifetime) {
            if self.0.is_none() && lifetime.ident != "static" {
                self.0 = Some(lifetime.clone());
            }
        }
    }
    let mut find = Find(None);
    find.visit_type(ty);
    find.0
}

/// Reports every problem of `model` into `diag`.
pub fn check(model: &DeriveModel, diag: &mut Diagnostics) {
    let derive = model.derive.name();
    for param in &model.generics.params {
        match param {
            GenericParam::Lifetime(_) => {}
            GenericParam::Type(t) => diag.error(
                &t.ident,
                format_args!(
                    "#[derive({derive})] does not support type parameters (lifetimes are fine): \
                     write the conversion for each concrete type, e.g. with a newtype struct"
                ),
            ),
            GenericParam::Const(c) => diag.error(
                &c.ident,
                format_args!(
                    "#[derive({derive})] does not support const parameters (lifetimes are fine)"
                ),
            ),
        }
    }
    match &model.shape {
        Shape::Struct(body) => {
            if body.style == Style::Unit {
                diag.error(
                    &body.ident,
                    format_args!(
                        "#[derive({derive})] needs a struct with fields: a unit struct has \
                         nothing to convert"
                    ),
                );
            }
            if let Some((key, _)) = &body.opts.value {
                diag.error(key, "`value` is for unit variants of an enum");
            }
            check_body(model.derive, body, false, diag);
        }
        Shape::Enum(opts, variants) => {
            if variants.is_empty() && model.derive == Derive::FromPy {
                diag.error(
                    &model.ident,
                    "#[derive(FromPy)] needs an enum with variants: no value converts to an \
                     empty enum",
                );
            }
            if let Some(t) = &opts.transparent {
                diag.error(
                    t,
                    "`transparent` goes on a struct or a variant with one field, not on an enum",
                );
            }
            if let Some((key, _)) = &opts.value {
                diag.error(key, "`value` goes on a unit variant, not on the enum");
            }
            for variant in variants {
                check_body(model.derive, variant, true, diag);
            }
        }
    }
}

fn check_body(derive: Derive, body: &Body, variant: bool, diag: &mut Diagnostics) {
    let what = if variant { "variant" } else { "struct" };
    if let Some(t) = &body.opts.transparent {
        if body.fields.len() != 1 {
            diag.error(
                t,
                format_args!(
                    "`transparent` needs a {what} with exactly one field (it converts from and \
                     into that field's value)"
                ),
            );
        }
    }
    if let Some(m) = &body.opts.mapping {
        if body.style != Style::Named {
            diag.error(
                m,
                format_args!("`mapping` is for a {what} with named fields"),
            );
        }
    }
    match (&body.opts.value, body.style) {
        (Some(_), Style::Unit) => {}
        (Some((key, _)), _) => {
            diag.error(
                key,
                "`value` is for unit variants (variants without fields)",
            );
        }
        (None, Style::Unit) if variant && derive == Derive::FromPy => diag.error(
            &body.ident,
            format_args!(
                "#[derive(FromPy)] needs `#[hpy(value = ...)]` on the unit variant `{}`: the \
                 Python value (a str or int literal) that converts to it, e.g. \
                 `#[hpy(value = \"{}\")]`",
                body.name,
                body.name.to_lowercase()
            ),
        ),
        (None, _) => {}
    }
    let by_name = body.style == Style::Named && body.opts.transparent.is_none();
    let mut keys: Vec<&str> = Vec::new();
    for field in &body.fields {
        let o = &field.opts;
        if let (Some(a), Some(_)) = (&o.attribute, &o.item) {
            diag.error(
                &a.key,
                "a field comes from either an `attribute` or an `item`, not both",
            );
        }
        if derive == Derive::FromPy && body.kind() != Kind::Transparent {
            if let Some(lifetime) = borrowed_lifetime(&field.ty) {
                diag.error(
                    lifetime,
                    "this field borrows, but fields read from an attribute, an item or a \
                     sequence are converted from a new reference released right after: use an \
                     owning type (`String`, not `&str`); only the field of a transparent struct \
                     or newtype variant, converted from the object itself, can borrow",
                );
            }
        }
        if !by_name {
            let reason = if body.fields.len() == 1 && body.style != Style::Named {
                "a one-field tuple struct or variant converts from the whole object"
            } else if body.style == Style::Tuple {
                "tuple fields are taken by position from a sequence"
            } else {
                "a `transparent` field converts from the whole object"
            };
            for key in [&o.attribute, &o.item].into_iter().flatten() {
                diag.error(
                    &key.key,
                    format_args!("`{}` needs a named field: {reason}", key.key),
                );
            }
            if let Some(d) = &o.default {
                diag.error(
                    &d.key,
                    format_args!("`default` needs a named field: {reason}"),
                );
            }
            continue;
        }
        if field.key.is_empty() {
            diag.error_at(field.key_span, "the Python name cannot be empty");
        } else if field.key.contains('\0') {
            diag.error_at(
                field.key_span,
                "the Python name cannot contain NUL bytes (`\\0`)",
            );
        }
        if keys.contains(&field.key.as_str()) {
            diag.error_at(
                field.key_span,
                format_args!(
                    "duplicate Python name `{}` in {what} `{}`",
                    field.key, body.name
                ),
            );
        }
        keys.push(&field.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::{parse_quote, DeriveInput};

    fn messages(derive: Derive, input: DeriveInput) -> Vec<String> {
        let mut diag = Diagnostics::new();
        let model = DeriveModel::lower(derive, &input, &mut diag);
        check(&model, &mut diag);
        diag.messages()
    }

    #[test]
    fn supported_shapes_pass() {
        let input: DeriveInput = parse_quote! {
            enum Shape<'py> {
                Circle { r: f64 },
                #[hpy(mapping)] Rect { #[hpy(default)] w: f64, #[hpy(attribute = "H")] h: f64 },
                Pair(f64, f64),
                Obj(hpy::Borrowed<'py>),
                #[hpy(transparent)] Named { inner: i64 },
                #[hpy(value = "none")] Nothing,
            }
        };
        assert!(messages(Derive::FromPy, input.clone()).is_empty());
        assert!(messages(Derive::IntoPy, input).is_empty());
    }

    #[test]
    fn unsupported_shapes() {
        let m = messages(
            Derive::FromPy,
            parse_quote!(
                enum E {}
            ),
        );
        assert_eq!(m.len(), 1);
        assert!(m[0].starts_with("#[derive(FromPy)] needs an enum with variants"));
        assert!(messages(
            Derive::IntoPy,
            parse_quote!(
                enum E {}
            )
        )
        .is_empty());
        let m = messages(
            Derive::FromPy,
            parse_quote!(
                enum E {
                    A,
                    B(i64),
                }
            ),
        );
        assert_eq!(m.len(), 1);
        assert!(m[0]
            .starts_with("#[derive(FromPy)] needs `#[hpy(value = ...)]` on the unit variant `A`"));
        assert!(messages(
            Derive::IntoPy,
            parse_quote!(
                enum E {
                    A,
                    B(i64),
                }
            )
        )
        .is_empty());
        let m = messages(
            Derive::IntoPy,
            parse_quote!(
                struct S;
            ),
        );
        assert!(m[0].starts_with("#[derive(IntoPy)] needs a struct with fields"));
        let m = messages(
            Derive::FromPy,
            parse_quote!(
                struct S<T, const N: usize>(T);
            ),
        );
        assert_eq!(m.len(), 2, "{m:#?}");
        assert!(m[0].starts_with("#[derive(FromPy)] does not support type parameters"));
        assert!(m[1].starts_with("#[derive(FromPy)] does not support const parameters"));
    }

    #[test]
    fn misplaced_options() {
        let input: DeriveInput = parse_quote! {
            #[hpy(transparent, value = 1)]
            enum E {
                #[hpy(transparent)] A(i64, i64),
                #[hpy(mapping)] B(i64, #[hpy(item, default)] i64),
                #[hpy(value = 2)] C { #[hpy(attribute, item)] x: i64, #[hpy(item = "x")] y: i64 },
                D(#[hpy(attribute)] i64),
            }
        };
        let m = messages(Derive::FromPy, input);
        assert_eq!(
            m,
            [
                "`transparent` goes on a struct or a variant with one field, not on an enum",
                "`value` goes on a unit variant, not on the enum",
                "`transparent` needs a variant with exactly one field (it converts from and into \
                 that field's value)",
                "`mapping` is for a variant with named fields",
                "`item` needs a named field: tuple fields are taken by position from a sequence",
                "`default` needs a named field: tuple fields are taken by position from a sequence",
                "`value` is for unit variants (variants without fields)",
                "a field comes from either an `attribute` or an `item`, not both",
                "duplicate Python name `x` in variant `C`",
                "`attribute` needs a named field: a one-field tuple struct or variant converts \
                 from the whole object",
            ],
            "{m:#?}"
        );
    }

    #[test]
    fn borrowing_fields_only_when_transparent() {
        let input: DeriveInput = parse_quote! {
            enum E<'py> {
                A(hpy::Borrowed<'py>),
                B(&'py str, i64),
                C { x: Option<View<'py>>, y: &'static str },
                #[hpy(transparent)] D { inner: &'py str },
            }
        };
        let m = messages(Derive::FromPy, input.clone());
        assert_eq!(m.len(), 2, "{m:#?}");
        assert!(m.iter().all(|m| m.starts_with("this field borrows")));
        assert!(messages(Derive::IntoPy, input).is_empty());
    }

    #[test]
    fn bad_names() {
        let input: DeriveInput = parse_quote! {
            struct S { #[hpy(attribute = "")] a: i64, #[hpy(item = "a\0b")] b: i64 }
        };
        let m = messages(Derive::FromPy, input);
        assert_eq!(
            m,
            [
                "the Python name cannot be empty",
                "the Python name cannot contain NUL bytes (`\\0`)"
            ]
        );
    }
}
