//! The semantic model of one `#[hpy_module]`: its Python name and docstring, the functions,
//! constants, exec slots and create slot it exports, and any marker attribute used where it
//! cannot work.
//!
//! Lowering also removes the `#[hpy_const]` / `#[hpy_exec]` / `#[hpy_create]` markers (and
//! `#[hpy(...)]` parameter attributes on exec and create functions) from the module's items,
//! since this macro consumes them. `#[hpy_function]` attributes stay: each function expands itself.

use super::parse::{parse_const_args, parse_create_args, parse_exec_args, ConstArgs, ModuleArgs};
use crate::attrs::{cfg_attrs, is_hpy_param_attr, marker_arguments, Doc, Marker};
use crate::diagnostics::Diagnostics;
use crate::function;
use crate::function::model::PyName;
use crate::signature::{type_is_named, Shape};
use syn::{
    Attribute, Expr, ExprLit, FnArg, Ident, Item, ItemFn, ItemMod, Lit, Meta, Signature, Type,
};

/// A `#[hpy_function]` found in the module.
#[derive(Clone)]
pub struct FunctionEntry {
    /// The Rust name (its `DefCell` is `__HPY_DEF_<ident>`).
    pub ident: Ident,
    /// The Python name, as `#[hpy_function]` will compute it.
    pub py_name: PyName,
    /// Whether `#[hpy_function]` will accept the function. Invalid functions report their own
    /// errors when they expand; the module just leaves them out of its definitions.
    pub valid: bool,
    /// Its `#[cfg(...)]` attributes (its table entry gets them too).
    pub cfgs: Vec<Attribute>,
}

/// A `#[hpy_const]` constant.
#[derive(Clone)]
pub struct ConstEntry {
    /// The constant's Rust name.
    pub ident: Ident,
    /// Its declared type (errors about converting it point here).
    pub ty: Box<Type>,
    /// The module attribute name.
    pub py_name: PyName,
    /// Its `#[cfg(...)]` attributes.
    pub cfgs: Vec<Attribute>,
}

/// A `#[hpy_exec]` function (or, as [`CreateEntry`], a `#[hpy_create]` one: same parts).
#[derive(Clone)]
pub struct ExecEntry {
    /// The signature as written.
    pub sig: Signature,
    /// Refused signature parts.
    pub shape: Shape,
    /// `#[hpy(...)]` attributes found on its parameters (not allowed).
    pub hpy_param_attrs: Vec<Attribute>,
    /// Its `#[cfg(...)]` attributes.
    pub cfgs: Vec<Attribute>,
}

/// A `#[hpy_create]` function (`HPy_mod_create`): recorded like an exec function.
pub type CreateEntry = ExecEntry;

/// A `#[hpy_class]` or `#[hpy_exception]` struct in the module.
#[derive(Clone)]
pub struct TypeEntry {
    /// The struct's name.
    pub ident: Ident,
    /// Its Python name (as the attribute will compute it).
    pub py_name: PyName,
    /// `true` for `#[hpy_exception]`, `false` for `#[hpy_class]`.
    pub exception: bool,
    /// Its `#[cfg(...)]` attributes.
    pub cfgs: Vec<Attribute>,
}

/// A `static X: HPyGlobal` in the module.
#[derive(Clone)]
pub struct GlobalEntry {
    /// The static's name.
    pub ident: Ident,
    /// Its `#[cfg(...)]` attributes.
    pub cfgs: Vec<Attribute>,
}

/// Why a marker attribute cannot do its job where it is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MisplacedKind {
    /// `#[hpy_const]` on something other than a `const`.
    ConstOnNonConst,
    /// `#[hpy_const]` on `const _`.
    UnnamedConst,
    /// `#[hpy_exec]` on something other than a function.
    ExecOnNonFn,
    /// `#[hpy_exec]` on a function that is also `#[hpy_function]`.
    ExecOnFunction,
    /// `#[hpy_create]` on something other than a function.
    CreateOnNonFn,
    /// `#[hpy_create]` on a function that is also `#[hpy_function]`.
    CreateOnFunction,
    /// `#[hpy_create]` on a function that is also `#[hpy_exec]`.
    CreateOnExec,
    /// The same marker twice on one item.
    Duplicate,
}

/// A marker that is misplaced (reported at the attribute).
#[derive(Clone)]
pub struct Misplaced {
    /// The marker attribute.
    pub attr: Attribute,
    /// Which marker it is.
    pub marker: Marker,
    /// What is wrong.
    pub kind: MisplacedKind,
}

/// The module's Python name and where it came from.
#[derive(Clone)]
pub struct ModuleName {
    /// The name.
    pub value: String,
    /// The `name = "..."` literal, or the `mod`'s identifier.
    pub span: proc_macro2::Span,
}

/// Everything check and expand need to know about one `#[hpy_module]`.
#[derive(Clone)]
pub struct ModuleModel {
    /// The Python module name.
    pub name: ModuleName,
    /// The module docstring (outer `///` and inner `//!` comments).
    pub doc: Doc,
    /// Functions, in source order.
    pub functions: Vec<FunctionEntry>,
    /// Constants, in source order.
    pub consts: Vec<ConstEntry>,
    /// Exec slots, in source order.
    pub execs: Vec<ExecEntry>,
    /// `#[hpy_create]` functions, in source order (at most one is valid).
    pub creates: Vec<CreateEntry>,
    /// Markers that cannot work where they are.
    pub misplaced: Vec<Misplaced>,
    /// Classes and exceptions, in source order.
    pub types: Vec<TypeEntry>,
    /// `static X: HPyGlobal` items, in source order.
    pub globals: Vec<GlobalEntry>,
    /// `#[hpy_class]`/`#[hpy_exception]` on a `use` that does not import exactly one name.
    pub bad_type_uses: Vec<syn::ItemUse>,
}

impl ModuleModel {
    /// Lowers `item` (an inline module), removing the markers this macro consumes from it.
    /// Malformed marker arguments are recorded in `diag`.
    pub fn lower(args: ModuleArgs, item: &mut ItemMod, diag: &mut Diagnostics) -> Self {
        let name = match args.name {
            Some(lit) => ModuleName {
                value: lit.value(),
                span: lit.span(),
            },
            None => ModuleName {
                value: syn::ext::IdentExt::unraw(&item.ident).to_string(),
                span: item.ident.span(),
            },
        };
        let mut model = ModuleModel {
            name,
            doc: Doc::from_attrs(&item.attrs),
            functions: Vec::new(),
            consts: Vec::new(),
            execs: Vec::new(),
            creates: Vec::new(),
            misplaced: Vec::new(),
            types: Vec::new(),
            globals: Vec::new(),
            bad_type_uses: Vec::new(),
        };
        if let Some((_, items)) = &mut item.content {
            for item in items {
                model.lower_type(item);
                model.lower_item(item, diag);
            }
        }
        model
    }

    fn lower_item(&mut self, item: &mut Item, diag: &mut Diagnostics) {
        let Some(attrs) = item_attrs(item) else {
            return;
        };
        let const_markers = take_markers(attrs, Marker::Const);
        let exec_markers = take_markers(attrs, Marker::Exec);
        let create_markers = take_markers(attrs, Marker::Create);
        let function_marker = attrs
            .iter()
            .find(|a| Marker::of(a) == Some(Marker::Function))
            .cloned();

        for extra in const_markers
            .iter()
            .skip(1)
            .chain(exec_markers.iter().skip(1))
            .chain(create_markers.iter().skip(1))
        {
            self.misplace(extra, MisplacedKind::Duplicate);
        }

        if let Some(marker) = const_markers.first() {
            match item {
                Item::Const(c) if c.ident == "_" => {
                    self.misplace(marker, MisplacedKind::UnnamedConst)
                }
                Item::Const(c) => {
                    let ConstArgs { name } = match marker_arguments(marker) {
                        Some(tokens) => parse_const_args(tokens, diag),
                        None => ConstArgs::default(),
                    };
                    self.consts.push(ConstEntry {
                        ident: c.ident.clone(),
                        ty: c.ty.clone(),
                        py_name: PyName::new(name, &c.ident),
                        cfgs: cfg_attrs(&c.attrs),
                    });
                }
                _ => self.misplace(marker, MisplacedKind::ConstOnNonConst),
            }
        }

        if let Some(marker) = exec_markers.first() {
            if let Some(tokens) = marker_arguments(marker) {
                parse_exec_args(tokens, diag);
            }
            match item {
                Item::Fn(_) if function_marker.is_some() => {
                    self.misplace(marker, MisplacedKind::ExecOnFunction)
                }
                Item::Fn(f) => {
                    let hpy_param_attrs = take_param_attrs(f);
                    self.execs.push(ExecEntry {
                        sig: f.sig.clone(),
                        shape: Shape::of(&f.sig),
                        hpy_param_attrs,
                        cfgs: cfg_attrs(&f.attrs),
                    });
                }
                _ => self.misplace(marker, MisplacedKind::ExecOnNonFn),
            }
        }

        if let Some(marker) = create_markers.first() {
            if let Some(tokens) = marker_arguments(marker) {
                parse_create_args(tokens, diag);
            }
            match item {
                Item::Fn(_) if function_marker.is_some() => {
                    self.misplace(marker, MisplacedKind::CreateOnFunction)
                }
                Item::Fn(_) if !exec_markers.is_empty() => {
                    self.misplace(marker, MisplacedKind::CreateOnExec)
                }
                Item::Fn(f) => {
                    let hpy_param_attrs = take_param_attrs(f);
                    self.creates.push(CreateEntry {
                        sig: f.sig.clone(),
                        shape: Shape::of(&f.sig),
                        hpy_param_attrs,
                        cfgs: cfg_attrs(&f.attrs),
                    });
                }
                _ => self.misplace(marker, MisplacedKind::CreateOnNonFn),
            }
        }

        if let (Some(marker), Item::Fn(f)) = (function_marker, &*item) {
            // `#[hpy_function]` on anything else reports that itself when it expands.
            self.functions.push(function_entry(&marker, f));
        }
    }

    /// Records classes, exceptions and globals; injects `module = "<name>"` into the
    /// `#[hpy_class]` / `#[hpy_exception]` attributes.
    fn lower_type(&mut self, item: &mut Item) {
        match item {
            Item::Struct(s) => {
                let module = self.name.value.clone();
                for attr in &mut s.attrs {
                    let Some(last) = attr.path().segments.last() else {
                        continue;
                    };
                    let exception = if last.ident == "hpy_class" {
                        false
                    } else if last.ident == "hpy_exception" {
                        true
                    } else {
                        continue;
                    };
                    let name = attr_name_arg(attr);
                    inject_module(attr, &module);
                    self.types.push(TypeEntry {
                        ident: s.ident.clone(),
                        py_name: PyName::new(name, &s.ident),
                        exception,
                        cfgs: cfg_attrs(&s.attrs),
                    });
                    break;
                }
            }
            // `#[hpy_class]` enums (class/enums.rs): recorded exactly as a struct would be.
            Item::Enum(e) => {
                let mut as_struct: syn::ItemStruct = syn::parse_quote!(
                    struct __HpyEnum;
                );
                as_struct.ident = e.ident.clone();
                as_struct.attrs = std::mem::take(&mut e.attrs);
                let mut as_item = Item::Struct(as_struct);
                self.lower_type(&mut as_item);
                if let Item::Struct(s) = as_item {
                    e.attrs = s.attrs;
                }
            }
            // A class or exception declared elsewhere: `#[hpy_class] use crate::shapes::Point;`.
            // The attribute is consumed here (the type has its own `#[hpy_class]`).
            Item::Use(u) => {
                let Some(position) = u.attrs.iter().position(|attr| {
                    attr.path()
                        .segments
                        .last()
                        .is_some_and(|s| s.ident == "hpy_class" || s.ident == "hpy_exception")
                }) else {
                    return;
                };
                let attr = u.attrs.remove(position);
                let exception = attr
                    .path()
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "hpy_exception");
                match imported_name(&u.tree) {
                    Some(ident) => self.types.push(TypeEntry {
                        py_name: PyName::new(None, &ident),
                        ident,
                        exception,
                        cfgs: cfg_attrs(&u.attrs),
                    }),
                    None => self.bad_type_uses.push(u.clone()),
                }
            }
            Item::Static(st) if type_is_named(&st.ty, "HPyGlobal") => {
                self.globals.push(GlobalEntry {
                    ident: st.ident.clone(),
                    cfgs: cfg_attrs(&st.attrs),
                });
            }
            _ => {}
        }
    }

    fn misplace(&mut self, attr: &Attribute, kind: MisplacedKind) {
        if let Some(marker) = Marker::of(attr) {
            self.misplaced.push(Misplaced {
                attr: attr.clone(),
                marker,
                kind,
            });
        }
    }
}

/// The one name a `use` tree imports (`a::b::C` → `C`, `a::C as D` → `D`), if it is one.
fn imported_name(tree: &syn::UseTree) -> Option<Ident> {
    match tree {
        syn::UseTree::Path(path) => imported_name(&path.tree),
        syn::UseTree::Name(name) => Some(name.ident.clone()),
        syn::UseTree::Rename(rename) => Some(rename.rename.clone()),
        syn::UseTree::Group(group) if group.items.len() == 1 => imported_name(&group.items[0]),
        _ => None,
    }
}

/// The `name = "..."` of a `#[hpy_class(...)]` / `#[hpy_exception(...)]` attribute, if any.
fn attr_name_arg(attr: &Attribute) -> Option<syn::LitStr> {
    let mut name = None;
    if let Meta::List(list) = &attr.meta {
        let _ = list.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                if let Ok(Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                })) = meta.value()?.parse::<Expr>()
                {
                    name = Some(s);
                }
            } else if meta.input.peek(syn::Token![=]) {
                let _: Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let content;
                syn::parenthesized!(content in meta.input);
                let _: proc_macro2::TokenStream = content.parse()?;
            }
            Ok(())
        });
    }
    name
}

/// Adds `module = "<module>"` to a `#[hpy_class]` / `#[hpy_exception]` attribute that has none.
fn inject_module(attr: &mut Attribute, module: &str) {
    let tokens = match &attr.meta {
        Meta::Path(_) => proc_macro2::TokenStream::new(),
        Meta::List(list) => list.tokens.clone(),
        Meta::NameValue(_) => return,
    };
    let mut previous_is_module = false;
    for tt in tokens.clone() {
        match &tt {
            proc_macro2::TokenTree::Punct(p) if p.as_char() == '=' && previous_is_module => return,
            proc_macro2::TokenTree::Ident(i) => previous_is_module = i == "module",
            _ => previous_is_module = false,
        }
    }
    let separator = if tokens.is_empty() || tokens.to_string().trim_end().ends_with(',') {
        quote::quote!()
    } else {
        quote::quote!(,)
    };
    let path = attr.path().clone();
    *attr = syn::parse_quote!(#[#path(#tokens #separator module = #module)]);
}

/// Analyses a `#[hpy_function]` the way the attribute itself will when it expands.
fn function_entry(marker: &Attribute, f: &ItemFn) -> FunctionEntry {
    let mut without_marker = f.clone();
    if let Some(pos) = without_marker
        .attrs
        .iter()
        .position(|a| Marker::of(a) == Some(Marker::Function))
    {
        without_marker.attrs.remove(pos);
    }
    let Some(args) = marker_arguments(marker) else {
        // `#[hpy_function = ...]`: rustc rejects this form itself.
        return FunctionEntry {
            ident: f.sig.ident.clone(),
            py_name: PyName::new(None, &f.sig.ident),
            valid: false,
            cfgs: cfg_attrs(&f.attrs),
        };
    };
    let (model, diag) = function::analyze(args, &without_marker);
    FunctionEntry {
        ident: f.sig.ident.clone(),
        py_name: model.py_name,
        valid: diag.is_empty(),
        cfgs: model.cfgs,
    }
}

/// Removes and returns every `marker` attribute in `attrs`.
fn take_markers(attrs: &mut Vec<Attribute>, marker: Marker) -> Vec<Attribute> {
    let mut taken = Vec::new();
    attrs.retain(|a| {
        if Marker::of(a) == Some(marker) {
            taken.push(a.clone());
            false
        } else {
            true
        }
    });
    taken
}

/// Removes and returns the `#[hpy(...)]` attributes on `f`'s parameters.
fn take_param_attrs(f: &mut ItemFn) -> Vec<Attribute> {
    let mut taken = Vec::new();
    for input in &mut f.sig.inputs {
        if let FnArg::Typed(pt) = input {
            pt.attrs.retain(|a| {
                if is_hpy_param_attr(a) {
                    taken.push(a.clone());
                    false
                } else {
                    true
                }
            });
        }
    }
    taken
}

/// The attributes of items that can carry our markers.
fn item_attrs(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    Some(match item {
        Item::Const(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::ExternCrate(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::ForeignMod(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Struct(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::TraitAlias(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::{quote, ToTokens};
    use syn::parse_quote;

    fn lower(
        args: proc_macro2::TokenStream,
        mut item: ItemMod,
    ) -> (ModuleModel, ItemMod, Diagnostics) {
        let mut diag = Diagnostics::new();
        let args = super::super::parse::parse_args(args, &mut diag);
        let model = ModuleModel::lower(args, &mut item, &mut diag);
        (model, item, diag)
    }

    #[test]
    fn collects_functions_consts_and_execs_and_strips_markers() {
        let (model, item, diag) = lower(
            quote!(),
            parse_quote! {
                /// Outer doc.
                mod r#quick {
                    //! Inner doc.
                    use hpy::prelude::*;
                    #[hpy_function]
                    fn add(a: i64, b: i64) -> i64 { a + b }
                    #[hpy::hpy_function(name = "greet")]
                    fn greet_impl(#[hpy(default)] g: String) -> String { g }
                    #[hpy_function]
                    fn bad(&self) {}
                    #[hpy_const]
                    pub const ANSWER: i64 = 42;
                    #[hpy_const(name = "PI")]
                    const PI_VALUE: f64 = 3.14;
                    #[hpy_exec]
                    fn setup<'py>(ctx: Context<'py>, module: Borrowed<'py>) -> PyResult<()> { Ok(()) }
                }
            },
        );
        assert!(diag.is_empty(), "{:?}", diag.messages());
        assert_eq!(model.name.value, "quick");
        assert_eq!(model.doc.text().unwrap(), "Outer doc.\nInner doc.");
        let f: Vec<_> = model
            .functions
            .iter()
            .map(|f| (f.ident.to_string(), f.py_name.value.clone(), f.valid))
            .collect();
        assert_eq!(
            f,
            [
                ("add".into(), "add".into(), true),
                ("greet_impl".into(), "greet".into(), true),
                ("bad".into(), "bad".into(), false),
            ]
        );
        let c: Vec<_> = model
            .consts
            .iter()
            .map(|c| (c.ident.to_string(), c.py_name.value.clone()))
            .collect();
        assert_eq!(
            c,
            [
                ("ANSWER".into(), "ANSWER".into()),
                ("PI_VALUE".into(), "PI".into())
            ]
        );
        assert_eq!(model.execs.len(), 1);
        assert_eq!(model.execs[0].sig.ident, "setup");
        let text = item.to_token_stream().to_string();
        assert!(
            !text.contains("hpy_const") && !text.contains("hpy_exec"),
            "{text}"
        );
        assert_eq!(text.matches("hpy_function").count(), 3, "{text}");
        assert!(
            text.contains("# [hpy (default)]"),
            "function param attributes are left to #[hpy_function]"
        );
    }

    #[test]
    fn classes_exceptions_and_globals() {
        let (model, item, diag) = lower(
            quote!(),
            parse_quote! {
                mod shapes {
                    #[hpy_class(subclass)] pub struct Point;
                    #[hpy::hpy_class] struct Other;
                    #[hpy_class(name = "Renamed", module = "elsewhere",)] struct R;
                    #[hpy_exception(base = ValueError)] pub struct PointError;
                    static CACHE: HPyGlobal = HPyGlobal::new();
                    static NOT: i64 = 1;
                }
            },
        );
        assert!(diag.is_empty());
        let t: Vec<_> = model
            .types
            .iter()
            .map(|t| (t.ident.to_string(), t.py_name.value.clone(), t.exception))
            .collect();
        assert_eq!(
            t,
            [
                ("Point".into(), "Point".into(), false),
                ("Other".into(), "Other".into(), false),
                ("R".into(), "Renamed".into(), false),
                ("PointError".into(), "PointError".into(), true),
            ]
        );
        assert_eq!(model.globals.len(), 1);
        let text = item.to_token_stream().to_string();
        assert!(
            text.contains("# [hpy_class (subclass , module = \"shapes\")]"),
            "{text}"
        );
        assert!(
            text.contains("# [hpy :: hpy_class (module = \"shapes\")]"),
            "{text}"
        );
        assert!(
            text.contains("# [hpy_class (name = \"Renamed\" , module = \"elsewhere\" ,)]"),
            "{text}"
        );
        assert!(
            text.contains("# [hpy_exception (base = ValueError , module = \"shapes\")]"),
            "{text}"
        );
    }

    #[test]
    fn create_functions_and_their_marker_problems() {
        let (model, item, diag) = lower(
            quote!(),
            parse_quote! {
                mod m {
                    #[hpy_create]
                    fn create<'py>(#[hpy(module)] ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>> { todo!() }
                    #[cfg(unix)] #[hpy::hpy_create(x)] fn other() {}
                    #[hpy_create] struct S;
                    #[hpy_create] #[hpy_function] fn both() {}
                    #[hpy_create] #[hpy_exec] fn hooks<'py>(c: Context<'py>, m: Borrowed<'py>) -> PyResult<()> { Ok(()) }
                    #[hpy_create] #[hpy_create] fn twice() {}
                }
            },
        );
        let names: Vec<_> = model
            .creates
            .iter()
            .map(|c| c.sig.ident.to_string())
            .collect();
        assert_eq!(names, ["create", "other", "twice"]);
        assert_eq!(model.creates[0].hpy_param_attrs.len(), 1);
        assert_eq!(model.creates[1].cfgs.len(), 1);
        assert_eq!(
            model.execs.len(),
            1,
            "the exec marker of `hooks` still counts"
        );
        let kinds: Vec<_> = model.misplaced.iter().map(|m| m.kind).collect();
        assert_eq!(
            kinds,
            [
                MisplacedKind::CreateOnNonFn,
                MisplacedKind::CreateOnFunction,
                MisplacedKind::CreateOnExec,
                MisplacedKind::Duplicate,
            ]
        );
        assert_eq!(
            diag.messages(),
            ["#[hpy_create] takes no arguments; write just `#[hpy_create]`"]
        );
        let text = item.to_token_stream().to_string();
        assert!(
            !text.contains("hpy_create") && !text.contains("# [hpy ("),
            "{text}"
        );
    }

    #[test]
    fn module_name_override_and_marker_problems() {
        let (model, item, diag) = lower(
            quote!(name = "other"),
            parse_quote! {
                mod m {
                    #[hpy_const] static S: i64 = 1;
                    #[hpy_const] const _: () = ();
                    #[hpy_exec] struct S;
                    #[hpy_exec] #[hpy_function] fn both() {}
                    #[hpy_const] #[hpy_const(name = 3)] const C: i64 = 1;
                    #[hpy_exec(x)] fn e<'py>(#[hpy(module)] c: Context<'py>, m: Borrowed<'py>) -> PyResult<()> { Ok(()) }
                }
            },
        );
        assert_eq!(model.name.value, "other");
        let kinds: Vec<_> = model.misplaced.iter().map(|m| m.kind).collect();
        assert_eq!(
            kinds,
            [
                MisplacedKind::ConstOnNonConst,
                MisplacedKind::UnnamedConst,
                MisplacedKind::ExecOnNonFn,
                MisplacedKind::ExecOnFunction,
                MisplacedKind::Duplicate,
            ]
        );
        assert_eq!(model.consts.len(), 1);
        assert_eq!(model.execs.len(), 1);
        assert_eq!(model.execs[0].hpy_param_attrs.len(), 1);
        assert_eq!(model.functions.len(), 1);
        assert_eq!(diag.len(), 1, "{:?}", diag.messages());
        let text = item.to_token_stream().to_string();
        assert!(
            !text.contains("hpy_const") && !text.contains("hpy_exec") && !text.contains("# [hpy ("),
            "{text}"
        );
    }
}
