//! The semantic model of a derived type: a struct with one body, or an enum with one body per
//! variant. A body is converted one of four ways ([`Kind`]): from named fields (attributes or
//! mapping items), from a sequence (tuple fields), as its one field (transparent), or, for a
//! unit variant, from a value.

use super::parse::{container_opts, field_opts, ContainerOpts, FieldOpts, UnitValue};
use crate::diagnostics::Diagnostics;
use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Generics, Ident, Member, Type};

/// Which derive is expanding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Derive {
    /// `#[derive(FromPy)]`
    FromPy,
    /// `#[derive(IntoPy)]`
    IntoPy,
}

impl Derive {
    /// The derive's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Derive::FromPy => "FromPy",
            Derive::IntoPy => "IntoPy",
        }
    }
}

/// Where a named field is looked up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// `obj.name`
    Attribute,
    /// `obj["name"]`
    Item,
}

/// One field.
#[derive(Clone)]
pub struct FieldModel {
    /// `x` or `0`.
    pub member: Member,
    /// Its type.
    pub ty: Type,
    /// Its options.
    pub opts: FieldOpts,
    /// The Python name (attribute or key; the dict key of `IntoPy`): the explicit
    /// `attribute = "..."`/`item = "..."` name, else the field's name. Unused for tuple fields.
    pub key: String,
    /// The span of that name.
    pub key_span: Span,
    /// Where a named field comes from.
    pub source: Source,
}

/// The syntactic form of a body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `{ x: T }`
    Named,
    /// `(T, U)`
    Tuple,
    /// No fields.
    Unit,
}

/// How a body converts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Named fields, each from an attribute or an item; `IntoPy`: a `dict`.
    Named,
    /// Tuple fields from a sequence of that length; `IntoPy`: a `tuple`.
    Tuple,
    /// The one field from/into the whole object (`transparent`, or a one-field tuple body).
    Transparent,
    /// A unit variant: from its `value`; `IntoPy`: the value, or the variant's name as a `str`.
    Unit,
}

/// A struct's body, or one variant.
#[derive(Clone)]
pub struct Body {
    /// The struct's or the variant's identifier.
    pub ident: Ident,
    /// Its name in messages (the identifier without `r#`).
    pub name: String,
    /// Its options.
    pub opts: ContainerOpts,
    /// Its form.
    pub style: Style,
    /// Its fields.
    pub fields: Vec<FieldModel>,
}

impl Body {
    fn lower(
        ident: &Ident,
        attrs: &[syn::Attribute],
        fields: &Fields,
        inherited_mapping: bool,
        diag: &mut Diagnostics,
    ) -> Self {
        let opts = container_opts(attrs, diag);
        let mapping = inherited_mapping || opts.mapping.is_some();
        let style = match fields {
            Fields::Named(_) => Style::Named,
            Fields::Unnamed(_) => Style::Tuple,
            Fields::Unit => Style::Unit,
        };
        let fields = fields
            .iter()
            .enumerate()
            .map(|(index, field)| {
                let opts = field_opts(&field.attrs, diag);
                let member = match &field.ident {
                    Some(ident) => Member::Named(ident.clone()),
                    None => Member::Unnamed(syn::Index::from(index)),
                };
                let source = if opts.item.is_some() {
                    Source::Item
                } else if opts.attribute.is_some() {
                    Source::Attribute
                } else if mapping {
                    Source::Item
                } else {
                    Source::Attribute
                };
                let explicit = match source {
                    Source::Item => opts.item.as_ref(),
                    Source::Attribute => opts.attribute.as_ref(),
                }
                .and_then(|o| o.name.clone());
                let (key, key_span) = match (explicit, &field.ident) {
                    (Some(lit), _) => (lit.value(), lit.span()),
                    (None, Some(ident)) => (ident.unraw().to_string(), ident.span()),
                    (None, None) => (index.to_string(), field.ty.span()),
                };
                FieldModel {
                    member,
                    ty: field.ty.clone(),
                    opts,
                    key,
                    key_span,
                    source,
                }
            })
            .collect();
        Body {
            ident: ident.clone(),
            name: ident.unraw().to_string(),
            opts,
            style,
            fields,
        }
    }

    /// How the body converts (check has made sure the options fit).
    pub fn kind(&self) -> Kind {
        match self.style {
            _ if self.opts.transparent.is_some() => Kind::Transparent,
            Style::Named => Kind::Named,
            Style::Tuple if self.fields.len() == 1 => Kind::Transparent,
            Style::Tuple => Kind::Tuple,
            Style::Unit => Kind::Unit,
        }
    }

    /// The unit variant's value.
    pub fn value(&self) -> Option<&UnitValue> {
        self.opts.value.as_ref().map(|(_, v)| v)
    }
}

/// What is derived on.
#[derive(Clone)]
pub enum Shape {
    /// A struct.
    Struct(Body),
    /// An enum: its options and its variants.
    Enum(ContainerOpts, Vec<Body>),
}

/// Everything check and expand need about one derive.
#[derive(Clone)]
pub struct DeriveModel {
    /// Which derive.
    pub derive: Derive,
    /// The type's identifier.
    pub ident: Ident,
    /// Its name in messages.
    pub name: String,
    /// Its generics (lifetimes only are supported).
    pub generics: Generics,
    /// The struct or the enum.
    pub shape: Shape,
}

impl DeriveModel {
    /// Lowers the parsed item (not a union: parse refused those).
    pub fn lower(derive: Derive, input: &DeriveInput, diag: &mut Diagnostics) -> Self {
        let shape = match &input.data {
            Data::Struct(s) => Shape::Struct(Body::lower(
                &input.ident,
                &input.attrs,
                &s.fields,
                false,
                diag,
            )),
            Data::Enum(e) => {
                let opts = container_opts(&input.attrs, diag);
                let mapping = opts.mapping.is_some();
                let variants = e
                    .variants
                    .iter()
                    .map(|v| Body::lower(&v.ident, &v.attrs, &v.fields, mapping, diag))
                    .collect();
                Shape::Enum(opts, variants)
            }
            Data::Union(_) => unreachable!("parse_input refuses unions"),
        };
        DeriveModel {
            derive,
            ident: input.ident.clone(),
            name: input.ident.unraw().to_string(),
            generics: input.generics.clone(),
            shape,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn model(input: DeriveInput) -> DeriveModel {
        let mut diag = Diagnostics::new();
        let m = DeriveModel::lower(Derive::FromPy, &input, &mut diag);
        assert!(diag.is_empty(), "{:?}", diag.messages());
        m
    }

    #[test]
    fn struct_fields_and_sources() {
        let m = model(parse_quote! {
            #[hpy(mapping)]
            struct Config {
                name: String,
                #[hpy(attribute)] r#type: String,
                #[hpy(item = "max-size")] max_size: usize,
                #[hpy(attribute = "lvl", default)] level: u8,
            }
        });
        let Shape::Struct(body) = &m.shape else {
            panic!()
        };
        assert_eq!(body.kind(), Kind::Named);
        let f: Vec<(&str, Source)> = body
            .fields
            .iter()
            .map(|f| (f.key.as_str(), f.source))
            .collect();
        assert_eq!(
            f,
            [
                ("name", Source::Item),
                ("type", Source::Attribute),
                ("max-size", Source::Item),
                ("lvl", Source::Attribute),
            ]
        );
    }

    #[test]
    fn kinds() {
        let m = model(parse_quote! {
            #[hpy(mapping)]
            enum E {
                A(i64),
                B(i64, i64),
                C { x: i64 },
                #[hpy(transparent)] D { inner: i64 },
                #[hpy(value = "e")] E,
            }
        });
        let Shape::Enum(opts, variants) = &m.shape else {
            panic!()
        };
        assert!(opts.mapping.is_some());
        let kinds: Vec<Kind> = variants.iter().map(Body::kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::Transparent,
                Kind::Tuple,
                Kind::Named,
                Kind::Transparent,
                Kind::Unit
            ]
        );
        assert_eq!(variants[2].fields[0].source, Source::Item);
    }
}
