//! Code generation for a checked [`MethodsModel`]: per exported item a unit struct implementing
//! the right `::hpy::__private` trait and a `DefCell`; merged slots (binary operators with their
//! reflected form, `tp_richcompare`, `mp_ass_subscript`) get one struct each; and the inherent
//! consts `__HPY_TYPE_DEFS`, `__HPY_MODULE_DEFS`, `__HPY_HAS_NEW`, `__HPY_POST` that
//! `#[hpy_class]` and `#[hpy_module]` read.
//!
//! Wrapper locals are mixed-site (they never clash with user names); calls of the user's
//! functions are located at the user's signature, so trait-bound errors point there.

use super::model::{ConstAttr, MethodEntry, MethodKind, MethodsModel, Receiver};
use super::slots::{SlotKind, COMPARE_OPS};
use crate::cstr::{c_name, optional_c_literal};
use crate::function::expand::{
    call_expr, call_fn, call_parts, finish_into_result, finish_releasing, local, CallParts, Target,
};
use crate::function::model::{Convention, Param};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{GenericArgument, PathArguments, ReturnType, Type};

/// A local located at `span` (for error positions) but with mixed-site hygiene.
fn local_at(name: &str, span: Span) -> Ident {
    Ident::new(name, Span::mixed_site().located_at(span))
}

/// Everything generated for one block.
pub fn expand(model: &MethodsModel) -> TokenStream {
    let mut gen = Gen {
        ty: &model.self_ty,
        type_name: model
            .type_name
            .as_ref()
            .map(|i| syn::ext::IdentExt::unraw(i).to_string())
            .unwrap_or_default(),
        items: TokenStream::new(),
        type_defs: Vec::new(),
        module_defs: Vec::new(),
        wrapped: Vec::new(),
        reinstall: Vec::new(),
        class_attrs: Vec::new(),
        has_new: false,
        new_signature: None,
        init_signature: None,
        has_init: model
            .entries
            .iter()
            .any(|e| matches!(&e.kind, MethodKind::Slot(slot) if slot.kind == SlotKind::Init)),
        has_releasebuffer: model.entries.iter().any(
            |e| matches!(&e.kind, MethodKind::Slot(slot) if slot.kind == SlotKind::ReleaseBuffer),
        ),
        own: None,
    };
    let entries: Vec<&MethodEntry> = model
        .entries
        .iter()
        .filter(|e| e.kind != MethodKind::Skip)
        .collect();
    for c in &model.consts {
        gen.const_attr(c);
    }
    gen.properties(&entries);
    gen.binary_groups(&entries);
    gen.richcompare(&entries);
    gen.ass_subscript(&entries);
    for e in &entries {
        match &e.kind {
            MethodKind::Method => gen.method(e, "__hpy_meth_"),
            MethodKind::Static | MethodKind::Class => gen.static_or_class(e),
            MethodKind::ClassAttr => gen.class_attr_fn(e),
            MethodKind::Slot(slot) => gen.slot(e, slot.kind),
            MethodKind::CallFunction(constant) => gen.call_function(e, constant),
            _ => {}
        }
    }
    gen.finish()
}

struct Gen<'a> {
    ty: &'a Type,
    type_name: String,
    items: TokenStream,
    type_defs: Vec<TokenStream>,
    module_defs: Vec<TokenStream>,
    wrapped: Vec<TokenStream>,
    reinstall: Vec<TokenStream>,
    class_attrs: Vec<TokenStream>,
    has_new: bool,
    /// The text signature of `#[new]` (`None`: no parameters), for the class doc.
    new_signature: Option<String>,
    /// The text signature of `__init__`, for the class doc when `#[new]` takes no parameters.
    init_signature: Option<String>,
    /// The block defines `__init__`: a `#[new]` without parameters then ignores the arguments
    /// (they are `__init__`'s), as `object.__new__` does.
    has_init: bool,
    /// The block defines `__releasebuffer__` (otherwise `__getbuffer__` brings its own
    /// `bf_releasebuffer`, which ends the export's borrow).
    has_releasebuffer: bool,
    /// Inside a binary slot: the local holding the class's type, loaded once for the call.
    own: Option<Ident>,
}

/// Where a Python value for one of the user's parameters comes from.
enum Source {
    /// A `Borrowed` converted with `extract` (a `TypeError` naming the parameter on failure).
    Extract(TokenStream),
    /// The key of a subscript, converted with `extract_key` (an out-of-range integer key is an
    /// `IndexError`, as in CPython).
    Key(TokenStream),
    /// An operand converted with `extract_operand`; on failure run the given statement
    /// (`return NotImplemented` or `break` to the reflected form).
    Operand(TokenStream, TokenStream),
    /// Passed as is (an index, a `CompareOp`, an `Option<Borrowed>`).
    Raw(TokenStream),
}

/// What an operand arm of a binary slot knows of, or records for, the other arm.
#[derive(Clone, Copy)]
enum OtherInstance<'t> {
    /// Nothing.
    None,
    /// Forward arm: set the flag when the receiver (left operand) is not an instance.
    Mark(&'t Ident),
    /// Reflected arm: when the flag is set, the receiver (right operand) is an instance.
    KnownIf(&'t Ident),
}

/// How the receiver is borrowed.
enum Borrow<'t> {
    /// The slot's object is known to be an instance: `borrow_self`.
    Known,
    /// The operand may be of another type: `try_borrow`, running the statement when it is not.
    Try(&'t TokenStream),
    /// As `Try`, but when the flag is set the operand is known to be an instance (the other
    /// operand of a binary slot was not one: CPython calls a type's number slot only when one
    /// of the operands is an instance of it), so it is borrowed without the type check.
    TryUnless(&'t TokenStream, &'t Ident),
}

impl Gen<'_> {
    fn finish(self) -> TokenStream {
        let Gen {
            ty,
            items,
            type_defs,
            module_defs,
            wrapped,
            reinstall,
            class_attrs,
            has_new,
            new_signature,
            init_signature,
            ..
        } = self;
        let class_signature = match new_signature.or(init_signature) {
            Some(signature) => quote!(::core::option::Option::Some(#signature)),
            None => quote!(::core::option::Option::None),
        };
        let class_attrs_fn = if class_attrs.is_empty() {
            quote!(::core::option::Option::None)
        } else {
            quote!(::core::option::Option::Some(__hpy_class_attrs))
        };
        let attrs_def = if class_attrs.is_empty() {
            quote!()
        } else {
            let ctx = local("ctx");
            let tyh = local("ty");
            quote! {
                fn __hpy_class_attrs<'py>(
                    #ctx: ::hpy::Context<'py>,
                    #tyh: ::hpy::Borrowed<'py>,
                ) -> ::hpy::PyResult<()> {
                    #(#class_attrs)*
                    ::core::result::Result::Ok(())
                }
            }
        };
        quote! {
            #[allow(non_camel_case_types, non_upper_case_globals, non_snake_case, unused_mut, clippy::all)]
            const _: () = {
                #items
                #attrs_def
                impl #ty {
                    #[doc(hidden)]
                    pub const __HPY_TYPE_DEFS: &'static [&'static ::hpy::__private::DefCell] =
                        &[#(#type_defs),*];
                    #[doc(hidden)]
                    pub const __HPY_MODULE_DEFS: &'static [&'static ::hpy::__private::DefCell] =
                        &[#(#module_defs),*];
                    #[doc(hidden)]
                    pub const __HPY_HAS_NEW: bool = #has_new;
                    #[doc(hidden)]
                    pub const __HPY_POST: ::hpy::__private::ClassPost = ::hpy::__private::ClassPost {
                        wrapped: &[#(#wrapped),*],
                        class_attrs: #class_attrs_fn,
                        reinstall: &[#(#reinstall),*],
                        signature: #class_signature,
                    };
                }
            };
        }
    }

    fn callee(&self, e: &MethodEntry) -> TokenStream {
        let ty = self.ty;
        let ident = &e.ident;
        quote_spanned!(e.span=> <#ty>::#ident)
    }

    /// The receiver borrow (statements) and the receiver argument, for the object `obj`.
    fn receiver(
        &self,
        e: &MethodEntry,
        obj: &Ident,
        mode: &Borrow<'_>,
    ) -> (TokenStream, Option<(usize, TokenStream)>) {
        let ty = self.ty;
        let span = e.receiver.span();
        let guard = local_at("guard", span);
        let own = self.own.clone().unwrap_or_else(|| local("__hpy_no_own"));
        let own_ref = quote!(&#own);
        let (func, try_func, mutable, arg) = match &e.receiver {
            Receiver::None | Receiver::Invalid(_) => return (quote!(), None),
            Receiver::Object(i, _) => {
                let check = match mode {
                    Borrow::Known => quote!(),
                    // A plain handle borrows nothing: only the type is tested.
                    Borrow::Try(bail) => quote_spanned! {span=>
                        if !::hpy::__private::is_instance_in::<#ty>(#obj, #own_ref)? { #bail }
                    },
                    Borrow::TryUnless(bail, known) => quote_spanned! {span=>
                        if !#known && !::hpy::__private::is_instance_in::<#ty>(#obj, #own_ref)? { #bail }
                    },
                };
                return (check, Some((*i, quote!(#obj))));
            }
            Receiver::Ref(_) => (
                "borrow_self",
                "try_borrow",
                false,
                quote_spanned!(span=> &*#guard),
            ),
            Receiver::RefMut(_) => (
                "borrow_self_mut",
                "try_borrow_mut",
                true,
                quote_spanned!(span=> &mut *#guard),
            ),
            Receiver::PyRef(..) => ("borrow_self", "try_borrow", false, quote!(#guard)),
            Receiver::PyRefMut(..) => ("borrow_self_mut", "try_borrow_mut", false, quote!(#guard)),
        };
        let mutability = if mutable { quote!(mut) } else { quote!() };
        let stmt = match mode {
            Borrow::Known => {
                let func = Ident::new(func, span);
                // `unsafe`: HPy passes an instance of the class as the receiver of the methods
                // and slots defined on its type (`borrow_self` relies on it).
                quote_spanned! {span=>
                    let #mutability #guard = unsafe { ::hpy::__private::#func::<#ty>(#obj) }?;
                }
            }
            Borrow::Try(bail) => {
                let func = Ident::new(&format!("{try_func}_in"), span);
                quote_spanned! {span=>
                    let ::core::option::Option::Some(#mutability #guard) =
                        ::hpy::__private::#func::<#ty>(#obj, #own_ref)? else { #bail };
                }
            }
            Borrow::TryUnless(bail, known) => {
                let known_func = Ident::new(func, span);
                let func = Ident::new(&format!("{try_func}_in"), span);
                quote_spanned! {span=>
                    let ::core::option::Option::Some(#mutability #guard) = (if #known {
                        // SAFETY: the other operand is not an instance, so this one is.
                        unsafe { ::hpy::__private::#known_func::<#ty>(#obj) }.map(::core::option::Option::Some)
                    } else {
                        ::hpy::__private::#func::<#ty>(#obj, #own_ref)
                    })? else { #bail };
                }
            }
        };
        (stmt, Some((e.receiver.index(), arg)))
    }

    /// Receiver borrow + conversions (statements) and the call of the user's function, with
    /// Python arguments from `sources` (one per Python parameter, in order).
    fn invoke(
        &self,
        e: &MethodEntry,
        obj: Option<&Ident>,
        mode: Borrow<'_>,
        sources: Vec<Source>,
    ) -> (TokenStream, TokenStream) {
        let (mut stmts, receiver) = match obj {
            Some(obj) => self.receiver(e, obj, &mode),
            None => (quote!(), None),
        };
        let ctx = local("ctx");
        let name = &e.py_name.value;
        let python: Vec<&Param> = e.function.python_params().collect();
        let mut values = Vec::new();
        for (i, (param, source)) in python.iter().zip(sources).enumerate() {
            let arg = local_at(&format!("arg{i}"), param.ty.span());
            let span = param.ty.span();
            let param_name = param.python_name().unwrap_or_default();
            // Nothing before it (no receiver borrow): the first conversion of the function.
            let (extract, extract_key) = if stmts.is_empty() {
                (quote!(extract_first), quote!(extract_key_first))
            } else {
                (quote!(extract), quote!(extract_key))
            };
            stmts.extend(match source {
                Source::Extract(from) => quote_spanned! {span=>
                    let #arg = ::hpy::__private::#extract(#from, #name, #param_name)?;
                },
                Source::Key(from) => quote_spanned! {span=>
                    let #arg = ::hpy::__private::#extract_key(#from, #name, #param_name)?;
                },
                Source::Operand(from, bail) => match &self.own {
                    Some(own) => quote_spanned! {span=>
                        let ::core::option::Option::Some(#arg) =
                            ::hpy::__private::extract_operand_in(#ctx, #from, &#own)? else { #bail };
                    },
                    None => quote_spanned! {span=>
                        let ::core::option::Option::Some(#arg) =
                            ::hpy::__private::extract_operand(#ctx, #from)? else { #bail };
                    },
                },
                Source::Raw(value) => quote!(let #arg = #value;),
            });
            values.push(quote!(#arg));
        }
        let target = Target {
            callee: self.callee(e),
            self_param: local("slf"),
            prelude: TokenStream::new(),
            receiver,
            func_name: quote!(#name),
            keywords_parser: TokenStream::new(),
            keywords_holder: false,
            keywords_param: local("kwnames"),
            qualify_by_module: false,
            release: TokenStream::new(),
        };
        (stmts, call_expr(&e.function, &target, values))
    }

    fn def_static(&mut self, ident: &Ident, def: TokenStream) {
        self.items.extend(quote! {
            static #ident: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(#def);
        });
    }

    /// `#[call_function]`: a KEYWORDS wrapper (the receiver borrowed unchecked, as for
    /// `__call__`: `set_call_function` only installs it on instances of the class) and the
    /// associated constant `Self::NAME: CallFunction<Self>`.
    fn call_function(&mut self, e: &MethodEntry, constant: &Ident) {
        let wrapper = format_ident!("__hpy_callfn_{}", e.ident);
        let ty = self.ty;
        let name = &e.py_name.value;
        // Called as the instance, not looked up on the class: errors name the function alone.
        let target = Target {
            func_name: quote!(#name),
            ..self.method_target(e)
        };
        let call = call_fn(&e.function, Convention::Keywords, &target);
        let doc = match e.doc.text() {
            Some(text) => text,
            None => format!(
                "The call function `{}` (declared by `#[call_function]`), for \
                 `set_call_function`.",
                e.ident
            ),
        };
        self.unit_struct(&wrapper);
        self.items.extend(quote! {
            impl ::hpy::__private::KeywordsFn for #wrapper {
                const NAME: &'static str = #name;
                #call
            }
            impl #ty {
                #[doc = #doc]
                pub const #constant: ::hpy::CallFunction<#ty> =
                    // SAFETY: the wrapper of a `#[call_function]` of this class.
                    unsafe { ::hpy::__private::call_function::<#ty, #wrapper>() };
            }
        });
    }

    /// `Class.name` as a `&'static str` expression, built at compile time from the class's
    /// Python name (`PyClass::NAME`), for error messages.
    fn qualified_name(&self, name: &str) -> TokenStream {
        let ty = self.ty;
        let len = name.len() + 1;
        quote! {{
            const __HPY_QUALNAME: &str = {
                const N: usize = <#ty as ::hpy::__private::PyClass>::NAME.len() + #len;
                const B: [u8; N] = ::hpy::__private::qualified_name_bytes::<N>(
                    <#ty as ::hpy::__private::PyClass>::NAME,
                    #name,
                );
                ::hpy::__private::utf8(&B)
            };
            __HPY_QUALNAME
        }}
    }

    fn unit_struct(&mut self, wrapper: &Ident) {
        self.items.extend(quote!(struct #wrapper;));
    }

    /// A method with a receiver, through the NOARGS/O/VARARGS/KEYWORDS conventions.
    fn method_target(&self, e: &MethodEntry) -> Target {
        let slf = local("slf");
        let (prelude, receiver) = self.receiver(e, &slf, &Borrow::Known);
        let release = release_of(e);
        Target {
            callee: self.callee(e),
            self_param: slf,
            prelude,
            receiver,
            func_name: self.qualified_name(&e.py_name.value),
            keywords_parser: quote!(::hpy::__private::parse_keywords),
            keywords_holder: false,
            keywords_param: local("kwnames"),
            qualify_by_module: false,
            release,
        }
    }

    fn method(&mut self, e: &MethodEntry, prefix: &str) {
        let wrapper = format_ident!("{}{}", prefix, e.ident);
        let def = format_ident!("__HPY_DEF_{}", e.ident);
        let convention = e.function.convention();
        let trait_name = Ident::new(convention.trait_name(), Span::call_site());
        let def_fn = Ident::new(convention.def_fn(), Span::call_site());
        let name = &e.py_name.value;
        let target = self.method_target(e);
        let call = if e.slot().map(|s| s.kind) == Some(SlotKind::Next) {
            next_fn(e, convention, &target)
        } else {
            call_fn(&e.function, convention, &target)
        };
        let c = c_name(name, e.py_name.span);
        let doc = Self::method_doc(e, name, Some("$self"));
        let cfgs = &e.cfgs;
        self.convention_def(
            cfgs,
            &wrapper,
            &trait_name,
            name,
            call,
            &def,
            quote!(#def_fn::<#wrapper>(#c, #doc)),
        );
        self.type_defs.push(quote!(#(#cfgs)* &#def));
    }

    /// The docstring of a method, headed by its text signature (`name(sig)\n--\n\n`) so that
    /// `__text_signature__` and `inspect.signature` work.
    fn method_doc(e: &MethodEntry, name: &str, first: Option<&str>) -> TokenStream {
        if e.doc.nul_attribute().is_some() {
            return optional_c_literal(None, Span::call_site());
        }
        let signature = e.function.text_signature(first);
        let text = crate::signature::doc_with_signature(name, &signature, e.doc.text().as_deref());
        optional_c_literal(Some(&text), Span::call_site())
    }

    /// The unit struct `wrapper` implementing a calling-convention trait with `call`, and the
    /// `DefCell` `def` holding `definition` (a `__private` constructor call).
    #[allow(clippy::too_many_arguments)]
    fn convention_def(
        &mut self,
        cfgs: &[syn::Attribute],
        wrapper: &Ident,
        trait_name: &Ident,
        name: &str,
        call: TokenStream,
        def: &Ident,
        definition: TokenStream,
    ) {
        self.items.extend(quote! {
            #(#cfgs)* struct #wrapper;
            #(#cfgs)*
            impl ::hpy::__private::#trait_name for #wrapper {
                const NAME: &'static str = #name;
                #call
            }
            #(#cfgs)*
            static #def: ::hpy::__private::DefCell =
                ::hpy::__private::DefCell::new(::hpy::__private::#definition);
        });
    }

    fn static_or_class(&mut self, e: &MethodEntry) {
        let wrapper = format_ident!("__hpy_static_{}", e.ident);
        let def = format_ident!("__HPY_DEF_{}", e.ident);
        let convention = e.function.convention();
        let trait_name = Ident::new(convention.trait_name(), Span::call_site());
        let def_fn = Ident::new(convention.def_fn(), Span::call_site());
        let name = &e.py_name.value;
        let name_str = name.as_str();
        let target = Target {
            callee: self.callee(e),
            func_name: self.qualified_name(name_str),
            ..Target::function(quote!(), name_str, false)
        };
        let call = call_fn(&e.function, convention, &target);
        let hidden = format!("__hpy_{}_{}", self.type_name, name);
        let hidden_c = c_name(&hidden, e.py_name.span);
        let c = c_name(name, e.py_name.span);
        // Static and class methods are module functions (wrapped by `staticmethod` or
        // `classmethod`): their bound first argument is the module.
        let doc = Self::method_doc(e, &hidden, Some("$module"));
        let kind = if e.kind == MethodKind::Static {
            quote!(::hpy::__private::MethodKind::Static)
        } else {
            quote!(::hpy::__private::MethodKind::Class)
        };
        let cfgs = &e.cfgs;
        self.convention_def(
            cfgs,
            &wrapper,
            &trait_name,
            name,
            call,
            &def,
            quote!(#def_fn::<#wrapper>(#hidden_c, #doc)),
        );
        self.module_defs.push(quote!(#(#cfgs)* &#def));
        self.wrapped.push(quote! {
            #(#cfgs)*
            ::hpy::__private::WrappedMethod { hidden: #hidden_c, name: #c, kind: #kind }
        });
    }

    fn const_attr(&mut self, c: &ConstAttr) {
        let ty = self.ty;
        let ident = &c.ident;
        let name = &c.py_name.value;
        let tyh = local("ty");
        let cfgs = &c.cfgs;
        let span = c.ty.span();
        let set = quote_spanned! {span=>
            ::hpy::AnyHandle::setattr(&#tyh, #name, <#ty>::#ident)?;
        };
        self.class_attrs.push(quote!(#(#cfgs)* #set));
    }

    fn class_attr_fn(&mut self, e: &MethodEntry) {
        let (stmts, call) = self.invoke(e, None, Borrow::Known, Vec::new());
        let name = &e.py_name.value;
        let tyh = local("ty");
        let finish = finish_into_result(&e.function.output, call);
        let cfgs = &e.cfgs;
        self.class_attrs.push(quote! {
            #(#cfgs)*
            {
                let __hpy_value = { #stmts #finish }?;
                ::hpy::AnyHandle::setattr(&#tyh, #name, __hpy_value)?;
            }
        });
    }

    /// Getters and setters, paired by property name.
    fn properties(&mut self, entries: &[&MethodEntry]) {
        let mut names: Vec<&str> = Vec::new();
        for e in entries {
            if let MethodKind::Getter(p) | MethodKind::Setter(p) = &e.kind {
                if !names.contains(&p.as_str()) {
                    names.push(p);
                }
            }
        }
        for prop in names {
            let getter = entries
                .iter()
                .find(|e| matches!(&e.kind, MethodKind::Getter(p) if p == prop));
            let setter = entries
                .iter()
                .find(|e| matches!(&e.kind, MethodKind::Setter(p) if p == prop));
            let ctx = local("ctx");
            let slf = local("slf");
            let value = local("value");
            let mut g_ident = None;
            let mut s_ident = None;
            if let Some(g) = getter {
                let wrapper = format_ident!("__hpy_get_{}", g.ident);
                let (stmts, call) = self.invoke(g, Some(&slf), Borrow::Known, Vec::new());
                let finish = finish_released(g, &g.function.output, call);
                self.items.extend(quote! {
                    struct #wrapper;
                    impl ::hpy::__private::GetterFn for #wrapper {
                        const NAME: &'static str = #prop;
                        fn get<'py>(#ctx: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                            #stmts
                            #finish
                        }
                    }
                });
                g_ident = Some(wrapper);
            }
            if let Some(s) = setter {
                let wrapper = format_ident!("__hpy_set_{}", s.ident);
                let (stmts, call) = self.invoke(
                    s,
                    Some(&slf),
                    Borrow::Known,
                    vec![Source::Extract(quote!(#value))],
                );
                let finish = finish_unit(&s.function.output, call);
                self.items.extend(quote! {
                    struct #wrapper;
                    impl ::hpy::__private::SetterFn for #wrapper {
                        const NAME: &'static str = #prop;
                        fn set<'py>(#ctx: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>, #value: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<()> {
                            #stmts
                            #finish
                        }
                    }
                });
                s_ident = Some(wrapper);
            }
            let first = getter
                .or(setter)
                .expect("a property has a getter or a setter");
            let doc_text = getter
                .and_then(|g| g.doc.text())
                .or_else(|| setter.and_then(|s| s.doc.text()));
            let doc = optional_c_literal(doc_text.as_deref(), Span::call_site());
            let c = c_name(prop, first.py_name.span);
            let def_value = match (&g_ident, &s_ident) {
                (Some(g), Some(s)) => quote!(::hpy::__private::getset_rw::<#g, #s>(#c, #doc)),
                (Some(g), None) => quote!(::hpy::__private::getset::<#g>(#c, #doc)),
                (None, Some(s)) => quote!(::hpy::__private::getset_wo::<#s>(#c, #doc)),
                (None, None) => continue,
            };
            let def = format_ident!("__HPY_PROP_{}", first.ident);
            self.def_static(&def, def_value);
            self.type_defs.push(quote!(&#def));
            let (hidden, defs) = crate::class::expand::property_methods(
                &first.ident.to_string(),
                prop,
                first.py_name.span,
                g_ident.as_ref(),
                s_ident.as_ref(),
            );
            self.items.extend(hidden);
            self.type_defs.extend(defs.iter().map(|d| quote!(&#d)));
        }
    }

    /// Binary operators and `**`, each forward form merged with its reflected form.
    fn binary_groups(&mut self, entries: &[&MethodEntry]) {
        let mut ids: Vec<&'static str> = Vec::new();
        for e in entries {
            if let Some(slot) = e.slot() {
                if matches!(slot.kind, SlotKind::Binary { .. } | SlotKind::Power { .. })
                    && !ids.contains(&slot.id)
                {
                    ids.push(slot.id);
                }
            }
        }
        for id in ids {
            let find = |reflected: bool| {
                entries.iter().copied().find(|e| match e.slot() {
                    Some(s) if s.id == id => matches!(
                        s.kind,
                        SlotKind::Binary { reflected: r, .. } | SlotKind::Power { reflected: r } if r == reflected
                    ),
                    _ => false,
                })
            };
            let forward = find(false);
            let reflected = find(true);
            let ternary = id == "NB_POWER";
            let ctx = local("ctx");
            let a = local("a");
            let b = local("b");
            let c = local("c");
            let own = local("__hpy_own");
            self.own = Some(own.clone());
            let ty = self.ty;
            let mut body = quote!(let #own = ::hpy::__private::OwnType::load::<#ty>(#ctx)?;);
            let flag = local("__hpy_b_is_instance");
            let both = forward.is_some() && reflected.is_some();
            if both {
                body.extend(quote!(let mut #flag = false;));
            }
            if let Some(f) = forward {
                // With a reflected form, a `NotImplemented` result falls through to it.
                body.extend(self.operand_arm(
                    f,
                    "'__hpy_forward",
                    (&a, &b),
                    ternary.then_some(&c),
                    reflected.is_some(),
                    if both {
                        OtherInstance::Mark(&flag)
                    } else {
                        OtherInstance::None
                    },
                ));
            }
            if let Some(r) = reflected {
                body.extend(self.operand_arm(
                    r,
                    "'__hpy_reflected",
                    (&b, &a),
                    ternary.then_some(&c),
                    false,
                    if both {
                        OtherInstance::KnownIf(&flag)
                    } else {
                        OtherInstance::None
                    },
                ));
            }
            self.own = None;
            let first = forward.or(reflected).expect("a group has a member");
            let name = &first.py_name.value;
            let wrapper = format_ident!("__hpy_slot_{}", id);
            let def = format_ident!("__HPY_SLOT_{}", id);
            let id_ident = Ident::new(id, Span::call_site());
            let (trait_name, extra, def_value) = if ternary {
                (
                    quote!(TernarySlot),
                    quote!(, #c: ::hpy::Borrowed<'py>),
                    quote!(::hpy::__private::slot_ternary::<#wrapper>(::hpy::__private::TernarySlotId::#id_ident)),
                )
            } else {
                (
                    quote!(BinarySlot),
                    quote!(),
                    quote!(::hpy::__private::slot_binary::<#wrapper>(::hpy::__private::BinarySlotId::#id_ident)),
                )
            };
            self.unit_struct(&wrapper);
            self.items.extend(quote! {
                impl ::hpy::__private::#trait_name for #wrapper {
                    const NAME: &'static str = #name;
                    #[allow(unreachable_code, unused_labels)]
                    fn call<'py>(
                        #ctx: ::hpy::Context<'py>,
                        #a: ::hpy::Borrowed<'py>,
                        #b: ::hpy::Borrowed<'py>
                        #extra
                    ) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                        #body
                        ::hpy::__private::not_implemented(#ctx)
                    }
                }
            });
            self.def_static(&def, def_value);
            self.type_defs.push(quote!(&#def));
            if let Some(r) = reflected {
                // PyPy gives the slot only its forward method: `add_class` installs the
                // reflected one there from this hidden module function (`MethodKind::Reflected`).
                let reflected_name = &r.py_name.value;
                let hidden = format!("__hpy_{}_{}", self.type_name, reflected_name);
                let hidden_c = c_name(&hidden, r.py_name.span);
                let c = c_name(reflected_name, r.py_name.span);
                let function_def = format_ident!("__HPY_SLOT_FN_{}", id);
                let adapter = if ternary {
                    quote!(TernarySlotAsFunction)
                } else {
                    quote!(SlotAsFunction)
                };
                self.def_static(
                    &function_def,
                    quote!(::hpy::__private::meth_varargs::<::hpy::__private::#adapter<#wrapper>>(#hidden_c, ::core::option::Option::None)),
                );
                self.module_defs.push(quote!(&#function_def));
                self.wrapped.push(quote! {
                    ::hpy::__private::WrappedMethod { hidden: #hidden_c, name: #c, kind: ::hpy::__private::MethodKind::Reflected }
                });
            }
        }
    }

    /// `__richcmp__`, or the individual comparisons merged into `tp_richcompare`.
    /// One side of a binary (or ternary) number slot: `receiver` must be an instance and
    /// `other` (and `modulo`, for `pow`) must convert, else the block is left (`break`) so the
    /// next side, or `NotImplemented`, is tried. With `fall_through`, a `NotImplemented` result
    /// also moves on.
    fn operand_arm(
        &self,
        e: &MethodEntry,
        label: &str,
        (receiver, other): (&Ident, &Ident),
        modulo: Option<&Ident>,
        fall_through: bool,
        other_instance: OtherInstance<'_>,
    ) -> TokenStream {
        let ctx = local("ctx");
        let own = self.own.clone().expect("operand arms run in binary slots");
        let label = syn::Lifetime::new(label, Span::mixed_site());
        let bail = quote!(break #label;);
        let receiver_bail = match other_instance {
            OtherInstance::Mark(flag) => quote!({ #flag = true; break #label; }),
            _ => bail.clone(),
        };
        let mode = match other_instance {
            OtherInstance::KnownIf(flag) => Borrow::TryUnless(&receiver_bail, flag),
            _ => Borrow::Try(&receiver_bail),
        };
        let mut sources = vec![Source::Operand(quote!(#other), bail.clone())];
        let mut modulo_check = quote!();
        if let Some(c) = modulo {
            if e.function.python_params().count() == 2 {
                sources.push(Source::Operand(quote!(#c), bail.clone()));
            } else {
                modulo_check = quote!(if !::hpy::AnyHandle::is_none(&#c) { #bail });
            }
        }
        let (stmts, call) = self.invoke(e, Some(receiver), mode, sources);
        let release = release_of(e);
        let result = if fall_through {
            quote! {
                let __hpy_ret = #call;
                #release
                let __hpy_may = ::hpy::__private::may_be_not_implemented(&__hpy_ret);
                let __hpy_result = ::hpy::__private::into_result_in(__hpy_ret, #ctx, &#own)?;
                if !__hpy_may || !::hpy::__private::is_not_implemented(&__hpy_result) {
                    return ::core::result::Result::Ok(__hpy_result);
                }
            }
        } else {
            quote!(return {
                let __hpy_ret = #call;
                #release
                ::hpy::__private::into_result_in(__hpy_ret, #ctx, &#own)
            };)
        };
        quote! {
            #label: {
                #modulo_check
                #stmts
                #result
            }
        }
    }

    fn richcompare(&mut self, entries: &[&MethodEntry]) {
        let members: Vec<&MethodEntry> = entries
            .iter()
            .copied()
            .filter(|e| {
                matches!(
                    e.slot().map(|s| s.kind),
                    Some(SlotKind::RichCmp | SlotKind::Compare(_))
                )
            })
            .collect();
        if members.is_empty() {
            return;
        }
        let ctx = local("ctx");
        let slf = local("slf");
        let other = local("other");
        let op = local("op");
        let not_impl = quote!(return ::hpy::__private::not_implemented(#ctx););
        let body = if let Some(rich) = members
            .iter()
            .find(|e| e.slot().map(|s| s.kind) == Some(SlotKind::RichCmp))
        {
            let (stmts, call) = self.invoke(
                rich,
                Some(&slf),
                Borrow::Known,
                vec![
                    Source::Operand(quote!(#other), not_impl.clone()),
                    Source::Raw(quote!(#op)),
                ],
            );
            let finish = finish_released(rich, &rich.function.output, call);
            quote!(#stmts #finish)
        } else {
            let mut arms = TokenStream::new();
            let find = |variant: &str| {
                members.iter().copied().find(|e| {
                    e.slot().map(|s| s.kind) == Some(SlotKind::Compare(static_variant(variant)))
                })
            };
            for (_, variant) in COMPARE_OPS {
                let v = Ident::new(variant, Span::call_site());
                if let Some(e) = find(variant) {
                    let (stmts, call) = self.invoke(
                        e,
                        Some(&slf),
                        Borrow::Known,
                        vec![Source::Operand(quote!(#other), not_impl.clone())],
                    );
                    let finish = finish_released(e, &e.function.output, call);
                    arms.extend(quote!(::hpy::CompareOp::#v => { #stmts #finish }));
                } else if *variant == "Ne" {
                    if let Some(eq) = find("Eq") {
                        // `!=` is the negation of `==` when only `__eq__` is defined, as for
                        // Python classes.
                        let (stmts, call) = self.invoke(
                            eq,
                            Some(&slf),
                            Borrow::Known,
                            vec![Source::Operand(quote!(#other), not_impl.clone())],
                        );
                        arms.extend(quote! {
                            ::hpy::CompareOp::Ne => {
                                #stmts
                                let __hpy_eq = ::hpy::__private::into_result(#call, #ctx)?;
                                if ::hpy::__private::is_not_implemented(&__hpy_eq) {
                                    return ::core::result::Result::Ok(__hpy_eq);
                                }
                                let __hpy_truth = ::hpy::AnyHandle::is_true(&__hpy_eq)?;
                                ::hpy::__private::into_result(!__hpy_truth, #ctx)
                            }
                        });
                    }
                }
            }
            quote! {
                #[allow(unreachable_patterns)]
                match #op {
                    #arms
                    _ => ::hpy::__private::not_implemented(#ctx),
                }
            }
        };
        let name = &members[0].py_name.value;
        self.items.extend(quote! {
            struct __hpy_slot_richcompare;
            impl ::hpy::__private::RichCmpSlot for __hpy_slot_richcompare {
                const NAME: &'static str = #name;
                #[allow(unreachable_code)]
                fn call<'py>(
                    #ctx: ::hpy::Context<'py>,
                    #slf: ::hpy::Borrowed<'py>,
                    #other: ::hpy::Borrowed<'py>,
                    #op: ::hpy::CompareOp,
                ) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                    #body
                }
            }
        });
        let def = Ident::new("__HPY_SLOT_TP_RICHCOMPARE", Span::call_site());
        self.def_static(
            &def,
            quote!(::hpy::__private::slot_richcompare::<__hpy_slot_richcompare>()),
        );
        self.type_defs.push(quote!(&#def));
    }

    /// `__setitem__` + `__delitem__` (or `slot = mp_ass_subscript`) → `mp_ass_subscript`.
    fn ass_subscript(&mut self, entries: &[&MethodEntry]) {
        let kind_of = |e: &&MethodEntry| e.slot().map(|s| s.kind);
        let set = entries
            .iter()
            .copied()
            .find(|e| kind_of(e) == Some(SlotKind::SetItem));
        let del = entries
            .iter()
            .copied()
            .find(|e| kind_of(e) == Some(SlotKind::DelItem));
        let raw = entries
            .iter()
            .copied()
            .find(|e| kind_of(e) == Some(SlotKind::AssSubscript));
        let ctx = local("ctx");
        let slf = local("slf");
        let key = local("key");
        let value = local("value");
        let ty = self.ty;
        let body = if let Some(r) = raw {
            let (stmts, call) = self.invoke(
                r,
                Some(&slf),
                Borrow::Known,
                vec![Source::Key(quote!(#key)), Source::Raw(quote!(#value))],
            );
            let finish = finish_unit(&r.function.output, call);
            quote!(#stmts #finish)
        } else if set.is_some() || del.is_some() {
            let missing = |what: &str| {
                let message = format!("'{{}}' object does not support item {what}");
                quote! {
                    ::core::result::Result::Err(::hpy::PyErr::type_error(::std::format!(
                        #message,
                        <#ty as ::hpy::__private::PyClass>::NAME
                    )))
                }
            };
            let set_arm = match set {
                Some(s) => {
                    let (stmts, call) = self.invoke(
                        s,
                        Some(&slf),
                        Borrow::Known,
                        vec![Source::Key(quote!(#key)), Source::Extract(quote!(#value))],
                    );
                    let finish = finish_unit(&s.function.output, call);
                    quote!({ #stmts #finish })
                }
                None => missing("assignment"),
            };
            let del_arm = match del {
                Some(d) => {
                    let (stmts, call) = self.invoke(
                        d,
                        Some(&slf),
                        Borrow::Known,
                        vec![Source::Key(quote!(#key))],
                    );
                    let finish = finish_unit(&d.function.output, call);
                    quote!({ #stmts #finish })
                }
                None => missing("deletion"),
            };
            quote! {
                match #value {
                    ::core::option::Option::Some(#value) => #set_arm,
                    ::core::option::Option::None => #del_arm,
                }
            }
        } else {
            return;
        };
        let first = raw.or(set).or(del).expect("one of them");
        let name = &first.py_name.value;
        self.items.extend(quote! {
            struct __hpy_slot_mp_ass_subscript;
            impl ::hpy::__private::ObjObjArgSlot for __hpy_slot_mp_ass_subscript {
                const NAME: &'static str = #name;
                fn call<'py>(
                    #ctx: ::hpy::Context<'py>,
                    #slf: ::hpy::Borrowed<'py>,
                    #key: ::hpy::Borrowed<'py>,
                    #value: ::core::option::Option<::hpy::Borrowed<'py>>,
                ) -> ::hpy::PyResult<()> {
                    #body
                }
            }
        });
        let def = Ident::new("__HPY_SLOT_MP_ASS_SUBSCRIPT", Span::call_site());
        self.def_static(
            &def,
            quote!(::hpy::__private::slot_mp_ass_subscript::<
                __hpy_slot_mp_ass_subscript,
            >()),
        );
        self.type_defs.push(quote!(&#def));
    }

    /// Every other slot: one struct and one definition each (two for `__len__`).
    fn slot(&mut self, e: &MethodEntry, kind: SlotKind) {
        let ctx = local("ctx");
        let slf = local("slf");
        let name = &e.py_name.value;
        let wrapper = format_ident!("__hpy_slot_{}", e.ident);
        let def = format_ident!("__HPY_SLOT_{}", e.ident);
        let ty = self.ty;
        let output = &e.function.output;
        let not_impl = quote!(return ::hpy::__private::not_implemented(#ctx););
        // (trait, fn signature tail and return type, body, definitions)
        let sig_ret = |extra: TokenStream, ret: TokenStream| (extra, ret);
        let handle_ret = quote!(::hpy::PyResult<::hpy::Handle<'py>>);
        let unit_ret = quote!(::hpy::PyResult<()>);
        let (trait_name, (extra, ret), body, defs): (
            &str,
            (TokenStream, TokenStream),
            TokenStream,
            Vec<TokenStream>,
        ) = match kind {
            SlotKind::Unary(id) => {
                let (stmts, call) = self.invoke(e, Some(&slf), Borrow::Known, vec![]);
                let finish = finish_released(e, output, call);
                let id = Ident::new(id, Span::call_site());
                (
                    "UnarySlot",
                    sig_ret(quote!(), handle_ret),
                    quote!(#stmts #finish),
                    vec![
                        quote!(::hpy::__private::slot_unary::<#wrapper>(::hpy::__private::UnarySlotId::#id)),
                    ],
                )
            }
            SlotKind::InPlace(_) | SlotKind::Concat(_) | SlotKind::GetItem { .. } => {
                let other = local("other");
                let (slot_id, source) = match kind {
                    SlotKind::InPlace(id) => {
                        (id, Source::Operand(quote!(#other), not_impl.clone()))
                    }
                    SlotKind::Concat(id) => (id, Source::Extract(quote!(#other))),
                    _ => ("MP_SUBSCRIPT", Source::Key(quote!(#other))),
                };
                let (stmts, call) = self.invoke(e, Some(&slf), Borrow::Known, vec![source]);
                let finish = match kind {
                    SlotKind::InPlace(_) | SlotKind::Concat("SQ_INPLACE_CONCAT") => {
                        finish_inplace(output, call, &slf)
                    }
                    _ => finish_released(e, output, call),
                };
                let id = Ident::new(slot_id, Span::call_site());
                let mut defs = Vec::new();
                if let SlotKind::GetItem { sq: true } = kind {
                    // before mp_subscript: see `slot_sq_item_from_subscript`
                    defs.push(quote!(::hpy::__private::slot_sq_item_from_subscript::<#wrapper>()));
                }
                defs.push(
                    quote!(::hpy::__private::slot_binary::<#wrapper>(::hpy::__private::BinarySlotId::#id)),
                );
                (
                    "BinarySlot",
                    sig_ret(quote!(, #other: ::hpy::Borrowed<'py>), handle_ret),
                    quote!(#stmts #finish),
                    defs,
                )
            }
            SlotKind::InPlacePower => {
                let other = local("other");
                let modulo = local("modulo");
                let mut sources = vec![Source::Operand(quote!(#other), not_impl.clone())];
                let mut check = quote!();
                if e.function.python_params().count() == 2 {
                    sources.push(Source::Operand(quote!(#modulo), not_impl.clone()));
                } else {
                    check = quote!(if !::hpy::AnyHandle::is_none(&#modulo) { #not_impl });
                }
                let (stmts, call) = self.invoke(e, Some(&slf), Borrow::Known, sources);
                let finish = finish_inplace(output, call, &slf);
                (
                    "TernarySlot",
                    sig_ret(
                        quote!(, #other: ::hpy::Borrowed<'py>, #modulo: ::hpy::Borrowed<'py>),
                        handle_ret,
                    ),
                    quote!(#check #stmts #finish),
                    vec![
                        quote!(::hpy::__private::slot_ternary::<#wrapper>(::hpy::__private::TernarySlotId::NB_INPLACE_POWER)),
                    ],
                )
            }
            SlotKind::Bool | SlotKind::Len { .. } => {
                let (stmts, call) = self.invoke(e, Some(&slf), Borrow::Known, vec![]);
                let (bind, value) = bind_ret(output, call);
                let body = quote!(#stmts #bind ::core::result::Result::Ok(#value));
                match kind {
                    SlotKind::Bool => (
                        "InquirySlot",
                        sig_ret(quote!(), quote!(::hpy::PyResult<bool>)),
                        body,
                        vec![quote!(::hpy::__private::slot_nb_bool::<#wrapper>())],
                    ),
                    SlotKind::Len { mp, sq } => {
                        let mut defs = Vec::new();
                        if mp {
                            defs.push(quote!(::hpy::__private::slot_len::<#wrapper>(::hpy::__private::LenSlotId::MP_LENGTH)));
                        }
                        if sq {
                            defs.push(quote!(::hpy::__private::slot_len::<#wrapper>(::hpy::__private::LenSlotId::SQ_LENGTH)));
                        }
                        (
                            "LenSlot",
                            sig_ret(quote!(), quote!(::hpy::PyResult<usize>)),
                            body,
                            defs,
                        )
                    }
                    _ => unreachable!(),
                }
            }
            SlotKind::Contains => {
                let item = local("item");
                let (stmts, call) = self.invoke(
                    e,
                    Some(&slf),
                    Borrow::Known,
                    vec![Source::Extract(quote!(#item))],
                );
                let (bind, value) = bind_ret(output, call);
                (
                    "ObjObjSlot",
                    sig_ret(
                        quote!(, #item: ::hpy::Borrowed<'py>),
                        quote!(::hpy::PyResult<bool>),
                    ),
                    quote!(#stmts #bind ::core::result::Result::Ok(#value)),
                    vec![quote!(::hpy::__private::slot_sq_contains::<#wrapper>())],
                )
            }
            SlotKind::Hash => {
                let (stmts, call) = self.invoke(e, Some(&slf), Borrow::Known, vec![]);
                let (bind, value) = bind_ret(output, call);
                (
                    "HashSlot",
                    sig_ret(quote!(), quote!(::hpy::PyResult<isize>)),
                    quote!(#stmts #bind ::core::result::Result::Ok(::hpy::__private::IntoHash::into_hash(#value))),
                    vec![quote!(::hpy::__private::slot_hash::<#wrapper>())],
                )
            }
            SlotKind::Finalize => {
                let (stmts, call) = self.invoke(e, Some(&slf), Borrow::Known, vec![]);
                let finish = finish_unit(output, call);
                (
                    "FinalizeSlot",
                    sig_ret(quote!(), unit_ret),
                    quote!(#stmts #finish),
                    vec![quote!(::hpy::__private::slot_finalize::<#wrapper>())],
                )
            }
            SlotKind::ReleaseBuffer => {
                let (stmts, call) = self.invoke(e, Some(&slf), Borrow::Known, vec![]);
                let finish = finish_unit(output, call);
                (
                    "ReleaseBufferSlot",
                    sig_ret(quote!(), quote!(())),
                    quote! {
                        let __hpy_result: ::hpy::PyResult<()> = (|| { #stmts #finish })();
                        if let ::core::result::Result::Err(__hpy_err) = __hpy_result {
                            __hpy_err.clear(#ctx);
                        }
                        unsafe { ::hpy::__private::release_buffer::<#ty>(#slf) };
                    },
                    vec![quote!(::hpy::__private::slot_releasebuffer::<#wrapper>())],
                )
            }
            SlotKind::GetBuffer => {
                let flags = local("flags");
                let this = local("this");
                let callee = self.callee(e);
                let call = quote_spanned! {e.span=>
                    ::hpy::__private::IntoBufferView::into_view(#callee(#this, #flags))
                };
                self.unit_struct(&wrapper);
                // `export_buffer` keeps the struct borrowed until `bf_releasebuffer`, so the
                // exported memory cannot change or go away meanwhile.
                self.items.extend(quote! {
                    impl ::hpy::__private::GetBufferSlot for #wrapper {
                        const NAME: &'static str = #name;
                        fn call<'py>(#ctx: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>, #flags: i32) -> ::hpy::PyResult<::hpy::__private::ExportedBuffer> {
                            let _ = #ctx;
                            let __hpy_view = ::hpy::__private::buffer_view_fn::<#ty, _>(|#this: &#ty| #call);
                            unsafe { ::hpy::__private::export_buffer::<#ty>(#slf, #flags, __hpy_view) }
                        }
                    }
                });
                self.def_static(&def, quote!(::hpy::__private::slot_getbuffer::<#wrapper>()));
                self.type_defs.push(quote!(&#def));
                if !self.has_releasebuffer {
                    let release = format_ident!("__hpy_slot_release_{}", e.ident);
                    let release_def = format_ident!("__HPY_SLOT_RELEASE_{}", e.ident);
                    self.unit_struct(&release);
                    self.items.extend(quote! {
                        impl ::hpy::__private::ReleaseBufferSlot for #release {
                            const NAME: &'static str = "__releasebuffer__";
                            fn call<'py>(_: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>) {
                                unsafe { ::hpy::__private::release_buffer::<#ty>(#slf) };
                            }
                        }
                    });
                    self.def_static(
                        &release_def,
                        quote!(::hpy::__private::slot_releasebuffer::<#release>()),
                    );
                    self.type_defs.push(quote!(&#release_def));
                }
                return;
            }
            SlotKind::SsizeArg(id) => {
                let index = local("index");
                let (stmts, call) = self.invoke(
                    e,
                    Some(&slf),
                    Borrow::Known,
                    vec![Source::Raw(quote!(#index))],
                );
                let finish = if id == "SQ_INPLACE_REPEAT" {
                    finish_inplace(output, call, &slf)
                } else {
                    finish_released(e, output, call)
                };
                let id = Ident::new(id, Span::call_site());
                (
                    "SsizeArgSlot",
                    sig_ret(quote!(, #index: isize), handle_ret),
                    quote!(#stmts #finish),
                    vec![
                        quote!(::hpy::__private::slot_ssizearg::<#wrapper>(::hpy::__private::SsizeArgSlotId::#id)),
                    ],
                )
            }
            SlotKind::SqAssItem => {
                let index = local("index");
                let value = local("value");
                let (stmts, call) = self.invoke(
                    e,
                    Some(&slf),
                    Borrow::Known,
                    vec![Source::Raw(quote!(#index)), Source::Raw(quote!(#value))],
                );
                let finish = finish_unit(output, call);
                (
                    "SsizeObjArgSlot",
                    sig_ret(
                        quote!(, #index: isize, #value: ::core::option::Option<::hpy::Borrowed<'py>>),
                        unit_ret,
                    ),
                    quote!(#stmts #finish),
                    vec![quote!(::hpy::__private::slot_sq_ass_item::<#wrapper>())],
                )
            }
            SlotKind::Init => {
                self.init_signature = Some(e.function.text_signature(None));
                let kw = local("kw");
                let target = Target {
                    func_name: quote!(<#ty as ::hpy::__private::PyClass>::NAME),
                    keywords_parser: quote!(::hpy::__private::parse_dict_keywords),
                    keywords_holder: true,
                    keywords_param: kw,
                    qualify_by_module: false,
                    ..self.method_target(e)
                };
                let CallParts {
                    extra_params,
                    conversions,
                    call,
                } = call_parts(&e.function, Convention::Keywords, &target);
                let finish = finish_unit(output, call);
                (
                    "InitSlot",
                    sig_ret(extra_params, unit_ret),
                    quote!(#conversions #finish),
                    vec![quote!(::hpy::__private::slot_init::<#wrapper>())],
                )
            }
            SlotKind::New => {
                self.has_new = true;
                if e.function.python_params().next().is_some()
                    || e.function.takes(crate::function::model::Role::Rest)
                    || e.function.takes(crate::function::model::Role::Kwargs)
                    || !self.has_init
                {
                    self.new_signature = Some(e.function.text_signature(None));
                }
                let kw = local("kw");
                let cls = local("cls");
                let args = local("args");
                let target = Target {
                    callee: self.callee(e),
                    self_param: cls.clone(),
                    prelude: TokenStream::new(),
                    receiver: None,
                    func_name: quote!(<#ty as ::hpy::__private::PyClass>::NAME),
                    keywords_parser: quote!(::hpy::__private::parse_dict_keywords),
                    keywords_holder: true,
                    keywords_param: kw.clone(),
                    qualify_by_module: false,
                    release: TokenStream::new(),
                };
                let CallParts {
                    extra_params,
                    mut conversions,
                    call,
                } = call_parts(&e.function, Convention::Keywords, &target);
                if e.function.python_params().next().is_none() {
                    // Nothing to parse: with `__init__`, the arguments are its own; without,
                    // there must be none (a cheaper check than the keyword parser).
                    conversions = if self.has_init {
                        TokenStream::new()
                    } else {
                        quote!(::hpy::__private::no_arguments(<#ty as ::hpy::__private::PyClass>::NAME, #args, #kw)?;)
                    };
                }
                let (bind, value) = bind_ret(output, call);
                let create = quote_spanned! {e.span=>
                    unsafe { ::hpy::__private::create_instance::<#ty, _>(#ctx, #cls, #args, #kw, #value) }
                };
                let body = quote!(#conversions #bind #create);
                self.unit_struct(&wrapper);
                self.items.extend(quote! {
                    impl ::hpy::__private::NewSlot for #wrapper {
                        const NAME: &'static str = <#ty as ::hpy::__private::PyClass>::NAME;
                        fn call<'py>(#ctx: ::hpy::Context<'py>, #cls: ::hpy::Borrowed<'py> #extra_params) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                            #body
                        }
                    }
                });
                self.def_static(&def, quote!(::hpy::__private::slot_new::<#wrapper>()));
                self.type_defs.push(quote!(&#def));
                // For builtin bases (`int`, ...) `add_class` installs this as a Python-level
                // `__new__` instead (see `MethodKind::New`); for others it is just removed.
                let new_fn = format_ident!("__HPY_NEW_FN_{}", e.ident);
                let hidden = format!("__hpy_{}___new__", self.type_name);
                let hidden_c = c_name(&hidden, e.py_name.span);
                self.def_static(
                    &new_fn,
                    quote!(::hpy::__private::meth_keywords::<::hpy::__private::NewAsFunction<#wrapper>>(#hidden_c, ::core::option::Option::None)),
                );
                self.module_defs.push(quote!(&#new_fn));
                self.wrapped.push(quote! {
                    ::hpy::__private::WrappedMethod { hidden: #hidden_c, name: c"__new__", kind: ::hpy::__private::MethodKind::New }
                });
                return;
            }
            SlotKind::Call => {
                let target = self.method_target(e);
                let call = call_fn(&e.function, Convention::Keywords, &target);
                self.unit_struct(&wrapper);
                self.items.extend(quote! {
                    impl ::hpy::__private::KeywordsFn for #wrapper {
                        const NAME: &'static str = #name;
                        #call
                    }
                });
                self.def_static(&def, quote!(::hpy::__private::slot_call::<#wrapper>()));
                self.type_defs.push(quote!(&#def));
                return;
            }
            SlotKind::Iter | SlotKind::Next => {
                self.method(e, "__hpy_meth_");
                let c = c_name(name, e.py_name.span);
                self.reinstall.push(quote!(#c));
                return;
            }
            // Merged elsewhere, or refused by the check stage.
            SlotKind::Binary { .. }
            | SlotKind::Power { .. }
            | SlotKind::SetItem
            | SlotKind::DelItem
            | SlotKind::AssSubscript
            | SlotKind::RichCmp
            | SlotKind::Compare(_)
            | SlotKind::Refused(_) => return,
        };
        let trait_ident = Ident::new(trait_name, Span::call_site());
        let ret = ret.into_token_stream();
        // Reached from two trampolines (`__len__`: mp_length and sq_length; `__getitem__`:
        // mp_subscript and sq_item): inlined into each, as it is into a single one (measured:
        // bench/, `a[1]` +15 instructions when left out of line).
        let inline = (defs.len() > 1).then(|| quote!(#[inline(always)]));
        self.unit_struct(&wrapper);
        self.items.extend(quote! {
            impl ::hpy::__private::#trait_ident for #wrapper {
                const NAME: &'static str = #name;
                #inline
                fn call<'py>(#ctx: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py> #extra) -> #ret {
                    #body
                }
            }
        });
        for (i, d) in defs.into_iter().enumerate() {
            let def_i = format_ident!("{}_{}", def, i);
            self.def_static(&def_i, d);
            self.type_defs.push(quote!(&#def_i));
        }
    }
}

fn static_variant(v: &str) -> &'static str {
    COMPARE_OPS
        .iter()
        .find(|(_, variant)| *variant == v)
        .map(|(_, variant)| *variant)
        .unwrap_or("Eq")
}

/// The last path segment of `ty` is `PyResult` or `Result`.
/// Whether a type may borrow: it mentions a reference, a lifetime or `impl Trait`.
/// Ends the receiver's borrow (drops its guard) between the call and the result conversion,
/// when the result cannot borrow from the receiver (no reference or lifetime in its type):
/// nothing is then kept across the conversion. Empty when that is not possible.
fn release_of(e: &MethodEntry) -> TokenStream {
    let release = match (&e.receiver, &e.function.output) {
        (Receiver::Ref(_) | Receiver::RefMut(_), ReturnType::Default) => true,
        (Receiver::Ref(_) | Receiver::RefMut(_), ReturnType::Type(_, ty)) => !borrows(ty),
        _ => false,
    };
    if release {
        let guard = local_at("guard", e.receiver.span());
        quote!(::core::mem::drop(#guard);)
    } else {
        TokenStream::new()
    }
}

/// [`finish_into_result`] for a method or slot entry, releasing its receiver first when it can
/// ([`release_of`]).
fn finish_released(e: &MethodEntry, output: &ReturnType, call: TokenStream) -> TokenStream {
    finish_releasing(output, call, &release_of(e))
}

fn borrows(ty: &Type) -> bool {
    fn scan(tokens: proc_macro2::TokenStream) -> bool {
        tokens.into_iter().any(|tree| match tree {
            proc_macro2::TokenTree::Punct(p) => p.as_char() == '&' || p.as_char() == '\'',
            proc_macro2::TokenTree::Ident(i) => i == "impl" || i == "dyn",
            proc_macro2::TokenTree::Group(g) => scan(g.stream()),
            proc_macro2::TokenTree::Literal(_) => false,
        })
    }
    scan(quote!(#ty))
}

fn is_result(ty: &Type) -> bool {
    crate::signature::last_segment(ty).is_some_and(|s| s.ident == "PyResult" || s.ident == "Result")
}

/// The first generic type argument of `ty`'s last segment.
fn first_type_arg(ty: &Type) -> Option<&Type> {
    let segment = crate::signature::last_segment(ty)?;
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

fn is_unit(ty: &Type) -> bool {
    matches!(ty, Type::Tuple(t) if t.elems.is_empty())
}

/// `let __hpy_ret = call;` and the value: `__hpy_ret`, or `__hpy_ret?` when the return type is
/// a `Result`. Located at the return type, so that a wrong type is reported there.
fn bind_ret(output: &ReturnType, call: TokenStream) -> (TokenStream, TokenStream) {
    match output {
        ReturnType::Type(_, ty) => {
            let span = ty.span();
            let ret = Ident::new("__hpy_ret", span);
            let value = if is_result(ty) {
                quote_spanned!(span=> #ret?)
            } else {
                quote!(#ret)
            };
            (quote_spanned!(span=> let #ret = #call;), value)
        }
        ReturnType::Default => {
            let ret = local("ret");
            (quote!(let #ret = #call;), quote!(#ret))
        }
    }
}

/// For slots returning `PyResult<()>`: the user's `()` or `Result<(), E>`.
fn finish_unit(output: &ReturnType, call: TokenStream) -> TokenStream {
    let (bind, value) = bind_ret(output, call);
    quote!(#bind ::core::result::Result::Ok(#value))
}

/// In-place operators: a unit result returns the object itself.
fn finish_inplace(output: &ReturnType, call: TokenStream, slf: &Ident) -> TokenStream {
    let unit_like = match output {
        ReturnType::Default => true,
        ReturnType::Type(_, ty) => {
            is_unit(ty) || (is_result(ty) && first_type_arg(ty).is_some_and(is_unit))
        }
    };
    if unit_like {
        let (bind, value) = bind_ret(output, call);
        quote! {
            #bind
            let () = #value;
            ::core::result::Result::Ok(#slf.dup())
        }
    } else {
        finish_into_result(output, call)
    }
}

/// `__next__`: an `Option` result, `None` raising `StopIteration`.
fn next_fn(e: &MethodEntry, convention: Convention, target: &Target) -> TokenStream {
    let ctx = local("ctx");
    let slf = &target.self_param;
    let CallParts {
        extra_params,
        conversions,
        call,
    } = call_parts(&e.function, convention, target);
    let option_like = |ty: &Type| crate::signature::type_is_named(ty, "Option");
    let finish = match &e.function.output {
        ReturnType::Type(_, ty)
            if option_like(ty)
                || (is_result(ty) && first_type_arg(ty).is_some_and(option_like)) =>
        {
            let (bind, value) = bind_ret(&e.function.output, call);
            let item = local("item");
            quote! {
                #bind
                match #value {
                    ::core::option::Option::Some(#item) => ::hpy::__private::into_result(#item, #ctx),
                    ::core::option::Option::None => ::core::result::Result::Err(
                        ::hpy::PyErr::new(::hpy::ExceptionKind::StopIteration, "")
                    ),
                }
            }
        }
        _ => finish_into_result(&e.function.output, call),
    };
    quote! {
        fn call<'py>(
            #ctx: ::hpy::Context<'py>,
            #slf: ::hpy::Borrowed<'py>
            #extra_params
        ) -> ::hpy::PyResult<::hpy::Handle<'py>> {
            #conversions
            #finish
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::methods::expand_attribute;
    use quote::quote;

    fn expanded(item: proc_macro2::TokenStream) -> String {
        let out = expand_attribute(quote!(), item).to_string();
        assert!(!out.contains("compile_error"), "{out}");
        out
    }

    #[test]
    fn tables_and_post() {
        let out = expanded(quote! {
            impl Point {
                #[new] fn new(x: f64) -> Self { todo!() }
                /// Norm.
                fn norm(&self) -> f64 { 0.0 }
                #[staticmethod] fn origin() -> f64 { 0.0 }
                #[classmethod] fn make<'py>(cls: Borrowed<'py>) {}
                #[classattr] const DIM: i64 = 2;
                fn __iter__<'py>(slf: Borrowed<'py>) -> Borrowed<'py> { slf }
                fn __next__(&mut self) -> Option<i64> { None }
            }
        });
        assert!(
            out.contains("pub const __HPY_HAS_NEW : bool = true"),
            "{out}"
        );
        assert!(out.contains("meth_noargs :: < __hpy_meth_norm > (c\"norm\" , :: core :: option :: Option :: Some (c\"norm($self)\\n--\\n\\nNorm.\"))"));
        assert!(out.contains("meth_noargs :: < __hpy_static_origin > (c\"__hpy_Point_origin\""));
        assert!(out.contains("meth_o :: < __hpy_static_make > (c\"__hpy_Point_make\""));
        assert!(out.contains("hidden : c\"__hpy_Point_origin\" , name : c\"origin\" , kind : :: hpy :: __private :: MethodKind :: Static"));
        assert!(out.contains("reinstall : & [c\"__iter__\" , c\"__next__\"]"));
        assert!(out.contains("setattr (& ty , \"DIM\" , < Point > :: DIM)"));
        assert!(out.contains(
            "parse_dict_keywords :: < 1usize > (& __HPY_KEYWORDS , args , kw , & mut holder)"
        ));
        assert!(
            out.contains("create_instance :: < Point , _ > (ctx , cls , args , kw , __hpy_ret)")
        );
        assert!(out.contains("StopIteration"));
        assert!(out.contains("__HPY_MODULE_DEFS : & 'static [& 'static :: hpy :: __private :: DefCell] = & [& __HPY_NEW_FN_new , & __HPY_DEF_origin , & __HPY_DEF_make]"));
        // `#[new]` is also a hidden function, installed as `__new__` for builtin bases only.
        assert!(out.contains("hidden : c\"__hpy_Point___new__\" , name : c\"__new__\" , kind : :: hpy :: __private :: MethodKind :: New"));
    }

    #[test]
    fn receivers_and_merged_slots() {
        let out = expanded(quote! {
            impl Point {
                fn scale(&mut self, k: f64) {}
                fn __add__(&self, other: f64) -> Point { todo!() }
                fn __radd__(&self, other: f64) -> Point { todo!() }
                fn __iadd__(&mut self, other: f64) {}
                fn __eq__(&self, other: f64) -> bool { true }
                fn __setitem__(&mut self, key: i64, value: f64) {}
                fn __len__(&self) -> usize { 2 }
            }
        });
        assert!(out.contains(
            "let mut guard = unsafe { :: hpy :: __private :: borrow_self_mut :: < Point > (slf) } ?"
        ));
        assert!(
            out.contains("< Point > :: scale (& mut * guard , arg0)"),
            "{out}"
        );
        assert!(out.contains("impl :: hpy :: __private :: BinarySlot for __hpy_slot_NB_ADD"));
        assert!(
            out.contains("try_borrow_in :: < Point > (a , & __hpy_own) ?"),
            "{out}"
        );
        assert!(
            out.contains("try_borrow_in :: < Point > (b , & __hpy_own)"),
            "{out}"
        );
        assert!(out.contains("is_not_implemented (& __hpy_result)"));
        assert!(out.contains("BinarySlotId :: NB_INPLACE_ADD"));
        assert!(out.contains("Ok (slf . dup ())"));
        assert!(out.contains(":: hpy :: CompareOp :: Eq =>"));
        assert!(
            out.contains(":: hpy :: CompareOp :: Ne =>"),
            "!= derived from =="
        );
        assert!(out.contains("does not support item deletion"));
        assert!(out.contains("LenSlotId :: MP_LENGTH"));
        assert!(out.contains("LenSlotId :: SQ_LENGTH"));
    }
}
