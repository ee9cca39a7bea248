//! The semantic model of one `#[hpy_class]` struct: Python name, qualified name, options, base,
//! and its fields (which are `HPyField`s, which are properties or members).

use super::parse::{take_field_attrs, BaseArg, ClassArgs, FieldAttrs};
use crate::attrs::{cfg_attrs, Doc};
use crate::diagnostics::Diagnostics;
use crate::function::model::PyName;
use crate::signature::type_is_named;
use syn::{Attribute, Fields, Ident, ItemStruct, LitStr, Member, Type};

/// One field of the struct.
#[derive(Clone)]
pub struct FieldEntry {
    /// `x` or `0`.
    pub member: Member,
    /// Its type.
    pub ty: Type,
    /// Its `#[hpy(...)]` options.
    pub attrs: FieldAttrs,
    /// The Python attribute name (named fields only).
    pub py_name: Option<PyName>,
    /// Its doc comment.
    pub doc: Doc,
    /// Whether the type's last path segment is `HPyField`.
    pub is_hpy_field: bool,
}

/// Everything check and expand need about one `#[hpy_class]`.
#[derive(Clone)]
pub struct ClassModel {
    /// The struct's name.
    pub ident: Ident,
    /// The Python name.
    pub py_name: PyName,
    /// `module = "..."`.
    pub module: Option<LitStr>,
    /// `frozen`.
    pub frozen: Option<Ident>,
    /// `subclass`.
    pub subclass: Option<Ident>,
    /// `base = ...`.
    pub base: Option<BaseArg>,
    /// The docstring.
    pub doc: Doc,
    /// The struct's generics (refused when not empty).
    pub generics: syn::Generics,
    /// Its fields.
    pub fields: Vec<FieldEntry>,
    /// Its `#[cfg]`s.
    pub cfgs: Vec<Attribute>,
    /// `eq`, `ord`, `hash`, `str`, `get_all`, `set_all`, `rename_all` (`options.rs`).
    pub options: super::options::ClassOptions,
    /// Whether the item is a (fieldless) enum.
    pub is_enum: bool,
    /// The enum's variants (empty for structs).
    pub variants: Vec<super::enums::VariantEntry>,
}

impl ClassModel {
    /// Lowers the struct, removing the `#[hpy(...)]` field attributes from it.
    pub fn lower(args: ClassArgs, item: &mut ItemStruct, diag: &mut Diagnostics) -> Self {
        let named = matches!(item.fields, Fields::Named(_));
        let options = &args.options;
        let fields = item
            .fields
            .iter_mut()
            .enumerate()
            .map(|(index, field)| {
                let mut attrs = take_field_attrs(&mut field.attrs, diag);
                // `get_all`/`set_all`: as if each named field said `#[hpy(get)]`/`#[hpy(set)]`
                // (not for `member` fields, nor `set` on a frozen class: check reports those).
                if named && attrs.member.is_none() {
                    if attrs.get.is_none() {
                        attrs.get.clone_from(&options.get_all);
                    }
                    if attrs.set.is_none() && args.frozen.is_none() {
                        attrs.set.clone_from(&options.set_all);
                    }
                }
                let member = match &field.ident {
                    Some(ident) => Member::Named(ident.clone()),
                    None => Member::Unnamed(syn::Index::from(index)),
                };
                let py_name = field.ident.as_ref().filter(|_| named).map(|ident| {
                    match (&attrs.name, options.rename_all) {
                        (None, Some((rule, _))) => PyName {
                            value: rule.apply(&syn::ext::IdentExt::unraw(ident).to_string()),
                            span: ident.span(),
                        },
                        _ => PyName::new(attrs.name.clone(), ident),
                    }
                });
                FieldEntry {
                    member,
                    ty: field.ty.clone(),
                    py_name,
                    doc: Doc::from_attrs(&field.attrs),
                    is_hpy_field: type_is_named(&field.ty, "HPyField"),
                    attrs,
                }
            })
            .collect();
        ClassModel {
            ident: item.ident.clone(),
            py_name: PyName::new(args.name, &item.ident),
            module: args.module,
            frozen: args.frozen,
            subclass: args.subclass,
            base: args.base,
            doc: Doc::from_attrs(&item.attrs),
            generics: item.generics.clone(),
            fields,
            cfgs: cfg_attrs(&item.attrs),
            options: args.options,
            is_enum: false,
            variants: Vec::new(),
        }
    }

    /// `true` for an enum with at least one variant with fields (`Circle { r: f64 }`,
    /// `Pair(i64, i64)`): every variant becomes a subclass.
    pub fn is_data_enum(&self) -> bool {
        self.variants
            .iter()
            .any(|v| v.shape != super::enums::VariantShape::Unit)
    }

    /// `module.Name`, or `Name` without a module.
    pub fn qualname(&self) -> String {
        match &self.module {
            Some(m) => format!("{}.{}", m.value(), self.py_name.value),
            None => self.py_name.value.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::class::parse::parse_args;
    use quote::{quote, ToTokens};
    use syn::parse_quote;

    #[test]
    fn fields_and_names() {
        let mut diag = Diagnostics::new();
        let args = parse_args(quote!(name = "Pt", module = "shapes"), &mut diag);
        let mut item: ItemStruct = parse_quote! {
            /// A point.
            pub struct Point {
                /// The x.
                #[hpy(get, set)] x: f64,
                y: f64,
                label: hpy::HPyField,
            }
        };
        let m = ClassModel::lower(args, &mut item, &mut diag);
        assert!(diag.is_empty());
        assert_eq!(m.qualname(), "shapes.Pt");
        assert_eq!(m.doc.text().unwrap(), "A point.");
        assert_eq!(m.fields.len(), 3);
        assert!(m.fields[0].attrs.get.is_some());
        assert_eq!(m.fields[0].doc.text().unwrap(), "The x.");
        assert!(m.fields[2].is_hpy_field && !m.fields[1].is_hpy_field);
        assert!(!item.to_token_stream().to_string().contains("hpy ("));
    }

    #[test]
    fn tuple_structs_have_unnamed_members() {
        let mut diag = Diagnostics::new();
        let mut item: ItemStruct = parse_quote!(
            struct W(HPyField, i64);
        );
        let m = ClassModel::lower(ClassArgs::default(), &mut item, &mut diag);
        assert!(matches!(m.fields[0].member, Member::Unnamed(_)));
        assert!(m.fields[0].py_name.is_none());
        assert_eq!(m.qualname(), "W");
    }
}
