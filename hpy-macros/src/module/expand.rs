//! Code generation for a checked [`ModuleModel`]: exec- and create-slot wrappers, the
//! definition table, the module definition and the exported init symbol, appended inside the
//! `mod`.

use super::model::{CreateEntry, ExecEntry, ModuleModel, TypeEntry};
use crate::cstr::{c_name, optional_c_literal};
use crate::function::expand::def_ident;
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, ItemMod};

/// The unit struct for the exec function `ident`: `__hpy_exec_<ident>`.
pub fn exec_wrapper_ident(ident: &Ident) -> Ident {
    format_ident!("__hpy_exec_{}", ident, span = ident.span())
}

/// The unit struct for the create function `ident`: `__hpy_create_<ident>`.
pub fn create_wrapper_ident(ident: &Ident) -> Ident {
    format_ident!("__hpy_create_{}", ident, span = ident.span())
}

/// The items appended inside the module.
pub fn generated_items(model: &ModuleModel) -> TokenStream {
    let mut items = TokenStream::new();
    // The `.pyi` stub records of the constants, and the function handing all records out.
    for c in &model.consts {
        items.extend(crate::stubs::module_const(&c.cfgs, &c.py_name.value, &c.ty));
    }
    items.extend(crate::stubs::export_symbol(&model.name.value));
    // Each table entry with the `#[cfg]`s of its item.
    let mut defs: Vec<(&[Attribute], Ident)> = model
        .functions
        .iter()
        .filter(|f| f.valid)
        .map(|f| (f.cfgs.as_slice(), def_ident(&f.ident)))
        .collect();
    if !model.types.is_empty() || !model.globals.is_empty() {
        let (tokens, def) = types_exec(model);
        items.extend(tokens);
        defs.push((&[], def));
    }
    if !model.consts.is_empty() {
        let (tokens, def) = constants_exec(model);
        items.extend(tokens);
        defs.push((&[], def));
    }
    for exec in &model.execs {
        let (tokens, def) = exec_slot(exec);
        items.extend(tokens);
        defs.push((exec.cfgs.as_slice(), def));
    }
    // Checked: a create function comes alone (no docstring, functions, exec slots or globals),
    // so the table holds just its slot and the definition gets no doc and no globals.
    for create in &model.creates {
        let (tokens, def) = create_slot(create);
        items.extend(tokens);
        defs.push((create.cfgs.as_slice(), def));
    }
    let entries = defs.iter().map(|(cfgs, def)| quote!(#(#cfgs)* &#def));
    let classes: Vec<&TypeEntry> = model.types.iter().filter(|t| !t.exception).collect();
    if classes.is_empty() {
        // With conditional entries the length is counted by the compiler, under the same `#[cfg]`s.
        let n = count(defs.iter().map(|(cfgs, _)| *cfgs));
        items.extend(quote! {
            #[doc(hidden)]
            static __HPY_DEFINES: ::hpy::__private::DefTable<#n> =
                ::hpy::__private::DefTable::new([#(#entries),*]);
        });
    } else {
        // Static and class methods are hidden module functions: each class's are appended,
        // with the one `add_class` needs on PyPy for its properties (`PropertyAccessor`).
        let class_parts: Vec<TokenStream> = classes
            .iter()
            .map(|c| {
                let ident = &c.ident;
                let cfgs = &c.cfgs;
                let def = format_ident!("__HPY_PROPERTY_{}", ident);
                let name = c_name(&format!("__hpy_property_{ident}"), ident.span());
                items.extend(quote_spanned! {ident.span()=>
                    #(#cfgs)*
                    #[doc(hidden)]
                    #[allow(non_upper_case_globals)]
                    static #def: ::hpy::__private::DefCell =
                        ::hpy::__private::property_accessor_def::<#ident>(#name);
                });
                quote!(#(#cfgs)* <#ident>::__HPY_MODULE_DEFS, #(#cfgs)* &[&#def])
            })
            .collect();
        items.extend(quote! {
            #[doc(hidden)]
            const __HPY_DEFINE_PARTS: &[&[&::hpy::__private::DefCell]] = {
                #[allow(unused_imports)]
                use ::hpy::__private::NoClassItems as _;
                &[&[#(#entries),*], #(#class_parts),*]
            };
            #[doc(hidden)]
            static __HPY_DEFINES: ::hpy::__private::DefTable<{
                ::hpy::__private::defs_len(__HPY_DEFINE_PARTS)
            }> = ::hpy::__private::DefTable::from_slices(__HPY_DEFINE_PARTS);
        });
    }
    let globals = if model.types.is_empty() && model.globals.is_empty() {
        quote!(::core::option::Option::None::<&'static ::hpy::__private::GlobalTable<0>>)
    } else {
        quote!(::core::option::Option::Some(&__HPY_GLOBALS))
    };
    let doc = optional_c_literal(model.doc.text().as_deref(), Span::call_site());
    let export = export_symbols(&model.name.value, model.name.span);
    items.extend(quote! {
        #[doc(hidden)]
        static __HPY_MODULE_DEF: ::hpy::__private::ModuleDefCell =
            ::hpy::__private::ModuleDefCell::new(#doc, &__HPY_DEFINES, #globals);

        ::hpy::__private::export_module!(__HPY_MODULE_DEF, #export);
    });
    items
}

/// The number of entries with these `#[cfg]`s: a literal, or counted by the compiler.
fn count<'a>(cfgs: impl Iterator<Item = &'a [Attribute]> + Clone) -> TokenStream {
    if cfgs.clone().all(|c| c.is_empty()) {
        let n = Literal::usize_unsuffixed(cfgs.count());
        quote!(#n)
    } else {
        let units = cfgs.map(|cfgs| quote!(#(#cfgs)* ()));
        quote!({ [#(#units),*].len() })
    }
}

/// The module's globals table (user `HPyGlobal`s, each class's type, each exception's type)
/// and the first exec slot: registers the globals, then creates the exceptions and classes in
/// declaration order and adds them to the module.
fn types_exec(model: &ModuleModel) -> (TokenStream, Ident) {
    let wrapper = Ident::new("__hpy_types", Span::call_site());
    let def = Ident::new("__HPY_TYPES", Span::call_site());
    let ctx = Ident::new("ctx", Span::mixed_site());
    let module = Ident::new("module", Span::mixed_site());
    let label = format!("{} (classes and exceptions)", model.name.value);
    let mut global_cfgs: Vec<&[Attribute]> = Vec::new();
    let mut global_entries = Vec::new();
    for g in &model.globals {
        let ident = &g.ident;
        let cfgs = &g.cfgs;
        global_cfgs.push(cfgs);
        global_entries.push(quote!(#(#cfgs)* &#ident));
    }
    let mut adds = Vec::new();
    for t in &model.types {
        let ident = &t.ident;
        let cfgs = &t.cfgs;
        global_cfgs.push(cfgs);
        let span = ident.span();
        if t.exception {
            global_entries.push(
                quote_spanned!(span=> #(#cfgs)* <#ident as ::hpy::__private::PyException>::GLOBAL),
            );
            adds.push(quote_spanned!(span=> #(#cfgs)* ::hpy::__private::add_exception::<#ident>(#ctx, #module)?;));
        } else {
            global_entries.push(
                quote_spanned!(span=> #(#cfgs)* <#ident as ::hpy::__private::PyClass>::TYPE_GLOBAL),
            );
            let setter = c_name(&format!("__hpy_property_{ident}"), span);
            adds.push(quote_spanned!(span=> #(#cfgs)* ::hpy::__private::add_class::<#ident>(#ctx, #module, #setter)?;));
        }
    }
    let n = count(global_cfgs.into_iter());
    let exec = generated_exec(
        &wrapper,
        &def,
        &label,
        quote! {
            __HPY_GLOBALS.register_all();
            #(#adds)*
        },
    );
    let tokens = quote! {
        #[doc(hidden)]
        static __HPY_GLOBALS: ::hpy::__private::GlobalTable<#n> =
            ::hpy::__private::GlobalTable::new([#(#global_entries),*]);
        #exec
    };
    (tokens, def)
}

/// An exec slot the macro writes itself: `body` runs with `ctx` and `module` (mixed-site
/// names) in scope, then returns `Ok(())`.
fn generated_exec(wrapper: &Ident, def: &Ident, label: &str, body: TokenStream) -> TokenStream {
    let ctx = Ident::new("ctx", Span::mixed_site());
    let module = Ident::new("module", Span::mixed_site());
    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        struct #wrapper;

        impl ::hpy::__private::ModExecFn for #wrapper {
            const NAME: &'static str = #label;
            fn call<'py>(
                #ctx: ::hpy::Context<'py>,
                #module: ::hpy::Borrowed<'py>,
            ) -> ::hpy::PyResult<()> {
                #body
                ::core::result::Result::Ok(())
            }
        }

        #[doc(hidden)]
        static #def: ::hpy::__private::DefCell =
            ::hpy::__private::DefCell::new(::hpy::__private::slot_mod_exec::<#wrapper>());
    }
}

/// The entry-point symbols `export_module!` defines for the module `name` (it emits the set
/// of the ABI `hpy` is built for): `cpython: PyInit_<name>, universal: [
/// get_required_hpy_major_version_<name>, get_required_hpy_minor_version_<name>,
/// HPyInitGlobalContext_<name>, HPyInit_<name>]`, as HPy 0.9's `HPy_MODINIT` names them.
pub fn export_symbols(name: &str, span: Span) -> TokenStream {
    let symbol = |prefix: &str| Ident::new(&format!("{prefix}{name}"), span);
    let py_init = symbol("PyInit_");
    let major = symbol("get_required_hpy_major_version_");
    let minor = symbol("get_required_hpy_minor_version_");
    let init_ctx = symbol("HPyInitGlobalContext_");
    let init = symbol("HPyInit_");
    quote!(cpython: #py_init, universal: [#major, #minor, #init_ctx, #init])
}

/// The exec slot setting every `#[hpy_const]` as a module attribute (runs before the user's
/// exec functions, so they can already see the constants).
fn constants_exec(model: &ModuleModel) -> (TokenStream, Ident) {
    let wrapper = Ident::new("__hpy_constants", Span::call_site());
    let def = Ident::new("__HPY_CONSTANTS", Span::call_site());
    let ctx = Ident::new("ctx", Span::mixed_site());
    let module = Ident::new("module", Span::mixed_site());
    let label = format!("{} (#[hpy_const] values)", model.name.value);
    let sets = model.consts.iter().map(|c| {
        // Located at the constant's type, so a type without `IntoPy` is reported there.
        let mut ident = c.ident.clone();
        ident.set_span(c.ty.span());
        let name = &c.py_name.value;
        let cfgs = &c.cfgs;
        let set = quote_spanned! {c.ty.span()=>
            ::hpy::__private::set_module_attr(#ctx, #module, #name, #ident)?;
        };
        quote!(#(#cfgs)* #set)
    });
    let tokens = generated_exec(&wrapper, &def, &label, quote!(#(#sets)*));
    (tokens, def)
}

/// The wrapper and `DefCell` of one `#[hpy_exec]` function.
fn exec_slot(exec: &ExecEntry) -> (TokenStream, Ident) {
    hook_slot(
        exec,
        exec_wrapper_ident(&exec.sig.ident),
        HookShape {
            trait_name: quote!(ModExecFn),
            param: "module",
            ret: quote!(()),
            def_fn: quote!(slot_mod_exec),
        },
    )
}

/// The wrapper and `DefCell` of the `#[hpy_create]` function.
fn create_slot(create: &CreateEntry) -> (TokenStream, Ident) {
    hook_slot(
        create,
        create_wrapper_ident(&create.sig.ident),
        HookShape {
            trait_name: quote!(ModCreateFn),
            param: "spec",
            ret: quote!(::hpy::Handle<'py>),
            def_fn: quote!(slot_mod_create),
        },
    )
}

/// How a module hook (exec or create) is called: `fn(ctx, <param>) -> PyResult<<ret>>`.
struct HookShape {
    trait_name: TokenStream,
    param: &'static str,
    ret: TokenStream,
    def_fn: TokenStream,
}

/// The unit struct implementing the hook's trait by calling the user's function, and its
/// `DefCell`.
fn hook_slot(entry: &ExecEntry, wrapper: Ident, shape: HookShape) -> (TokenStream, Ident) {
    let HookShape {
        trait_name,
        param,
        ret,
        def_fn,
    } = shape;
    let ident = &entry.sig.ident;
    let def = def_ident(ident);
    let ctx = Ident::new("ctx", Span::mixed_site());
    let param = Ident::new(param, Span::mixed_site());
    let name = syn::ext::IdentExt::unraw(ident).to_string();
    let cfgs = &entry.cfgs;
    let tokens = quote! {
        #(#cfgs)*
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        struct #wrapper;

        #(#cfgs)*
        impl ::hpy::__private::#trait_name for #wrapper {
            const NAME: &'static str = #name;
            fn call<'py>(
                #ctx: ::hpy::Context<'py>,
                #param: ::hpy::Borrowed<'py>,
            ) -> ::hpy::PyResult<#ret> {
                #ident(#ctx, #param)
            }
        }

        #(#cfgs)*
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        static #def: ::hpy::__private::DefCell =
            ::hpy::__private::DefCell::new(::hpy::__private::#def_fn::<#wrapper>());
    };
    (tokens, def)
}

/// Appends the generated items inside `item`'s body.
pub fn append(item: &mut ItemMod, generated: TokenStream) {
    if let Some((_, items)) = &mut item.content {
        items.push(syn::Item::Verbatim(generated));
    }
}

#[cfg(test)]
mod tests {
    use crate::module::expand_attribute;
    use quote::quote;

    #[test]
    fn full_module() {
        let out = expand_attribute(
            quote!(),
            quote! {
                /// Module doc.
                mod quickstart {
                    #[hpy_function] fn add(a: i64, b: i64) -> i64 { a + b }
                    #[hpy_function] fn bad(self) {}
                    #[hpy_const] pub const ANSWER: i64 = 42;
                    #[hpy_exec] fn setup<'py>(ctx: Context<'py>, module: Borrowed<'py>) -> PyResult<()> { Ok(()) }
                }
            },
        );
        let want_tail = quote! {
            #[doc(hidden)]
            #[allow(non_camel_case_types, dead_code)]
            struct __hpy_constants;
            impl ::hpy::__private::ModExecFn for __hpy_constants {
                const NAME: &'static str = "quickstart (#[hpy_const] values)";
                fn call<'py>(ctx: ::hpy::Context<'py>, module: ::hpy::Borrowed<'py>,) -> ::hpy::PyResult<()> {
                    ::hpy::__private::set_module_attr(ctx, module, "ANSWER", ANSWER)?;
                    ::core::result::Result::Ok(())
                }
            }
            #[doc(hidden)]
            static __HPY_CONSTANTS: ::hpy::__private::DefCell =
                ::hpy::__private::DefCell::new(::hpy::__private::slot_mod_exec::<__hpy_constants>());

            #[doc(hidden)]
            #[allow(non_camel_case_types, dead_code)]
            struct __hpy_exec_setup;
            impl ::hpy::__private::ModExecFn for __hpy_exec_setup {
                const NAME: &'static str = "setup";
                fn call<'py>(ctx: ::hpy::Context<'py>, module: ::hpy::Borrowed<'py>,) -> ::hpy::PyResult<()> {
                    setup(ctx, module)
                }
            }
            #[doc(hidden)]
            #[allow(non_upper_case_globals)]
            static __HPY_DEF_setup: ::hpy::__private::DefCell =
                ::hpy::__private::DefCell::new(::hpy::__private::slot_mod_exec::<__hpy_exec_setup>());

            #[doc(hidden)]
            static __HPY_DEFINES: ::hpy::__private::DefTable<3> =
                ::hpy::__private::DefTable::new([&__HPY_DEF_add, &__HPY_CONSTANTS, &__HPY_DEF_setup]);
            #[doc(hidden)]
            static __HPY_MODULE_DEF: ::hpy::__private::ModuleDefCell =
                ::hpy::__private::ModuleDefCell::new(::core::option::Option::Some(c"Module doc."), &__HPY_DEFINES, ::core::option::Option::None::<&'static ::hpy::__private::GlobalTable<0>>);
            ::hpy::__private::export_module!(
                __HPY_MODULE_DEF,
                cpython: PyInit_quickstart,
                universal: [
                    get_required_hpy_major_version_quickstart,
                    get_required_hpy_minor_version_quickstart,
                    HPyInitGlobalContext_quickstart,
                    HPyInit_quickstart
                ]
            );
        }
        .to_string();
        let out = out.to_string();
        assert!(out.ends_with(&format!("{want_tail} }}")), "{out}");
        assert!(out.contains("# [hpy_function] fn add"));
        assert!(out.contains("pub const ANSWER : i64 = 42 ;"));
        assert!(!out.contains("compile_error"));
    }

    #[test]
    fn conditional_items_are_counted_by_the_compiler() {
        let out = expand_attribute(
            quote!(),
            quote! {
                mod m {
                    #[cfg(unix)] #[hpy_function] fn a() {}
                    #[hpy_function] fn b() {}
                    #[cfg(any())] #[hpy_const] const C: i64 = 1;
                    #[hpy_exec] #[cfg(windows)] fn e<'py>(c: Context<'py>, m: Borrowed<'py>) -> PyResult<()> { Ok(()) }
                }
            },
        )
        .to_string();
        let table = quote! {
            static __HPY_DEFINES: ::hpy::__private::DefTable<{
                [#[cfg(unix)] (), (), (), #[cfg(windows)] ()].len()
            }> = ::hpy::__private::DefTable::new([
                #[cfg(unix)] &__HPY_DEF_a,
                &__HPY_DEF_b,
                &__HPY_CONSTANTS,
                #[cfg(windows)] &__HPY_DEF_e
            ]);
        };
        assert!(out.contains(&table.to_string()), "{out}");
        assert!(out.contains(
            &quote!(#[cfg(any())] ::hpy::__private::set_module_attr(ctx, module, "C", C)?;)
                .to_string()
        ));
        assert_eq!(
            out.matches("# [cfg (windows)]").count(),
            6,
            "fn, struct, impl, static, count, entry: {out}"
        );
    }

    #[test]
    fn empty_module_with_other_name() {
        let out = expand_attribute(
            quote!(name = "other"),
            quote!(
                mod m {}
            ),
        )
        .to_string();
        assert!(out.contains(
            &quote! {
                static __HPY_DEFINES: ::hpy::__private::DefTable<0> = ::hpy::__private::DefTable::new([]);
            }
            .to_string()
        ));
        assert!(out.contains(
            "ModuleDefCell :: new (:: core :: option :: Option :: None , & __HPY_DEFINES , :: core :: option :: Option :: None :: < & 'static :: hpy :: __private :: GlobalTable < 0 >>)"
        ));
        assert!(out.contains(
            &quote! {
                ::hpy::__private::export_module!(
                    __HPY_MODULE_DEF,
                    cpython: PyInit_other,
                    universal: [
                        get_required_hpy_major_version_other,
                        get_required_hpy_minor_version_other,
                        HPyInitGlobalContext_other,
                        HPyInit_other
                    ]
                );
            }
            .to_string()
        ));
    }

    #[test]
    fn create_slot_alone() {
        let out = expand_attribute(
            quote!(),
            quote! {
                mod made {
                    #[hpy_create]
                    fn create<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>> { todo!() }
                }
            },
        )
        .to_string();
        let want_tail = quote! {
            #[doc(hidden)]
            #[allow(non_camel_case_types, dead_code)]
            struct __hpy_create_create;
            impl ::hpy::__private::ModCreateFn for __hpy_create_create {
                const NAME: &'static str = "create";
                fn call<'py>(ctx: ::hpy::Context<'py>, spec: ::hpy::Borrowed<'py>,) -> ::hpy::PyResult<::hpy::Handle<'py> > {
                    create(ctx, spec)
                }
            }
            #[doc(hidden)]
            #[allow(non_upper_case_globals)]
            static __HPY_DEF_create: ::hpy::__private::DefCell =
                ::hpy::__private::DefCell::new(::hpy::__private::slot_mod_create::<__hpy_create_create>());

            #[doc(hidden)]
            static __HPY_DEFINES: ::hpy::__private::DefTable<1> =
                ::hpy::__private::DefTable::new([&__HPY_DEF_create]);
            #[doc(hidden)]
            static __HPY_MODULE_DEF: ::hpy::__private::ModuleDefCell =
                ::hpy::__private::ModuleDefCell::new(::core::option::Option::None, &__HPY_DEFINES, ::core::option::Option::None::<&'static ::hpy::__private::GlobalTable<0>>);
        }
        .to_string();
        assert!(out.contains(&want_tail), "{out}");
        assert!(
            !out.contains("hpy_create ]"),
            "the marker is consumed: {out}"
        );
        assert!(!out.contains("compile_error"));
    }

    #[test]
    fn classes_exceptions_and_globals() {
        let out = expand_attribute(
            quote!(),
            quote! {
                mod shapes {
                    #[hpy_function] fn f() {}
                    #[hpy_exception] pub struct E;
                    #[hpy_class] pub struct P;
                    static CACHE: HPyGlobal = HPyGlobal::new();
                }
            },
        )
        .to_string();
        assert!(out.contains("# [hpy_class (module = \"shapes\")]"), "{out}");
        assert!(out.contains(
            &quote! {
                static __HPY_GLOBALS: ::hpy::__private::GlobalTable<3> = ::hpy::__private::GlobalTable::new([
                    &CACHE,
                    <E as ::hpy::__private::PyException>::GLOBAL,
                    <P as ::hpy::__private::PyClass>::TYPE_GLOBAL
                ]);
            }
            .to_string()
        ), "{out}");
        assert!(out.contains(
            "__HPY_GLOBALS . register_all () ; :: hpy :: __private :: add_exception :: < E > (ctx , module) ? ; :: hpy :: __private :: add_class :: < P > (ctx , module , c\"__hpy_property_P\") ? ;"
        ), "{out}");
        assert!(out.contains("& [& [& __HPY_DEF_f , & __HPY_TYPES] , < P > :: __HPY_MODULE_DEFS , & [& __HPY_PROPERTY_P]]"), "{out}");
        assert!(out.contains("property_accessor_def :: < P >"), "{out}");
        assert!(
            out.contains("DefTable < { :: hpy :: __private :: defs_len (__HPY_DEFINE_PARTS) } >")
        );
        assert!(out.contains("ModuleDefCell :: new (:: core :: option :: Option :: None , & __HPY_DEFINES , :: core :: option :: Option :: Some (& __HPY_GLOBALS))"));
    }
}
