//! Code generation for a checked [`FunctionModel`]: a unit struct implementing the calling
//! convention's `::hpy::__private` trait, and a `static` `DefCell` holding its `HPyDef`.
//!
//! Hygiene: the wrapper's own locals (`ctx`, `module`, `args`, `kwnames`, `arg0`, ...) use
//! `Span::mixed_site()`, so they can never clash with the user's parameter names or with names
//! used in a `#[hpy(default = ...)]` expression.

use super::model::{Convention, FunctionModel, Param, ParamKind, Role};
use super::parse::DefaultValue;
use crate::cstr::{c_literal, optional_c_literal};
use crate::signature::doc_with_signature;
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::ReturnType;

/// The unit struct generated for the function `ident`: `__hpy_fn_<ident>`.
pub fn wrapper_ident(ident: &Ident) -> Ident {
    format_ident!("__hpy_fn_{}", ident, span = ident.span())
}

/// The `static` `DefCell` generated for `ident` (a function or an exec slot):
/// `__HPY_DEF_<ident>`.
pub fn def_ident(ident: &Ident) -> Ident {
    format_ident!("__HPY_DEF_{}", ident, span = ident.span())
}

/// A local of the generated code, invisible to user tokens.
pub fn local(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

/// The struct, its trait impl, and the `DefCell` static for `model` (which must have passed
/// [`super::check::check`]).
pub fn expand(model: &FunctionModel) -> TokenStream {
    let vis = &model.vis;
    let wrapper = wrapper_ident(&model.ident);
    let def = def_ident(&model.ident);
    let convention = model.convention();
    let trait_name = Ident::new(convention.trait_name(), Span::call_site());
    let def_fn = Ident::new(convention.def_fn(), Span::call_site());
    let name = model.py_name.value.as_str();
    let c_name = c_literal(name, model.py_name.span).unwrap_or_else(|| Literal::c_string(c""));
    let doc_text = model.doc.text();
    let doc = if model.doc.nul_attribute().is_some() {
        optional_c_literal(None, Span::call_site())
    } else {
        let signature = model.text_signature(Some("$module"));
        let text = doc_with_signature(name, &signature, doc_text.as_deref());
        optional_c_literal(Some(&text), Span::call_site())
    };
    let ident = &model.ident;
    let target = Target::function(quote!(#ident), name, model.takes(Role::Module));
    let call = call_fn(model, convention, &target);
    let cfgs = &model.cfgs;
    // NOARGS functions never see their arguments (HPy checks them), so have no such errors.
    let module_function = (convention != Convention::NoArgs).then(|| {
        quote!(
            const MODULE_FUNCTION: bool = true;
        )
    });
    quote! {
        #(#cfgs)*
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        #vis struct #wrapper;

        #(#cfgs)*
        impl ::hpy::__private::#trait_name for #wrapper {
            const NAME: &'static str = #name;
            #module_function
            #call
        }

        #(#cfgs)*
        #[doc(hidden)]
        #[allow(non_upper_case_globals, dead_code)]
        #vis static #def: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(
            ::hpy::__private::#def_fn::<#wrapper>(#c_name, #doc),
        );
    }
}

/// How a generated `fn call` reaches the user's function (shared by `#[hpy_function]` and the
/// methods of `#[hpy_methods]`).
pub struct Target {
    /// The path that is called: `add`, `<Foo>::norm`.
    pub callee: TokenStream,
    /// The trait's second parameter (the module, or the object for methods).
    pub self_param: Ident,
    /// Statements run before the arguments are converted (borrowing the receiver).
    pub prelude: TokenStream,
    /// The receiver argument and its index among the user's parameters.
    pub receiver: Option<(usize, TokenStream)>,
    /// The function's name in error messages: an expression of type `&'static str`.
    pub func_name: TokenStream,
    /// The `parse_keywords`-like function for the KEYWORDS convention.
    pub keywords_parser: TokenStream,
    /// Whether the parser takes a `&mut KeywordValues` holder (`parse_dict_keywords`).
    pub keywords_holder: bool,
    /// The name of the keywords parameter (`kwnames`, or `kw` for a dict).
    pub keywords_param: Ident,
    /// Whether argument errors are prefixed with the module's name (`mod.f()`) by the
    /// conversions themselves (VARARGS module functions; see `VarArgsFn`), rather than by the
    /// trampoline.
    pub qualify_by_module: bool,
    /// Statements run right after the user's function returned, before its result is converted
    /// (releasing the receiver's borrow early when the result cannot borrow from it).
    pub release: TokenStream,
}

impl Target {
    /// A module function called `callee`.
    pub fn function(callee: TokenStream, name: &str, takes_module: bool) -> Self {
        Target {
            callee,
            self_param: local(if takes_module { "module" } else { "_module" }),
            prelude: TokenStream::new(),
            receiver: None,
            func_name: quote!(#name),
            keywords_parser: quote!(::hpy::__private::parse_keywords),
            keywords_holder: false,
            keywords_param: local("kwnames"),
            qualify_by_module: true,
            release: TokenStream::new(),
        }
    }
}

/// The pieces of a generated `fn call`.
pub struct CallParts {
    /// `fn call` parameters after `ctx` and the self parameter (`, args: Args<'py>`, ...).
    pub extra_params: TokenStream,
    /// Receiver borrow and argument conversions.
    pub conversions: TokenStream,
    /// The call of the user's function.
    pub call: TokenStream,
}

/// The trait's `fn call`, converting arguments and calling the user's function.
pub fn call_fn(model: &FunctionModel, convention: Convention, target: &Target) -> TokenStream {
    let ctx = local("ctx");
    let self_param = &target.self_param;
    let CallParts {
        extra_params,
        conversions,
        call,
    } = call_parts(model, convention, target);
    let mut finish = finish_releasing(&model.output, call, &target.release);
    if model.uses_extra(convention) && model.takes(Role::Kwargs) {
        // The `**kwargs` dict is a local: a result borrowing from it is re-owned at the
        // call's lifetime (it is an owned handle) before the dict is closed.
        finish = quote!(::hpy::__private::reown(#ctx, { #finish }));
    }
    quote! {
        fn call<'py>(
            #ctx: ::hpy::Context<'py>,
            #self_param: ::hpy::Borrowed<'py>
            #extra_params
        ) -> ::hpy::PyResult<::hpy::Handle<'py>> {
            #conversions
            #finish
        }
    }
}

/// [`finish_into_result`] with `release` run between the call and the conversion.
pub fn finish_releasing(
    output: &ReturnType,
    call: TokenStream,
    release: &TokenStream,
) -> TokenStream {
    if release.is_empty() {
        return finish_into_result(output, call);
    }
    let ret = match output {
        ReturnType::Type(_, ty) => Ident::new("__hpy_ret", ty.span()),
        ReturnType::Default => local("__hpy_ret"),
    };
    let ctx = local("ctx");
    quote! {
        let #ret = #call;
        #release
        ::hpy::__private::into_result(#ret, #ctx)
    }
}

/// `into_result(call, ctx)`. The result is bound to a local spanned at the return type, so
/// that a return type without `IntoPyResult` is reported there. (It has the user's hygiene,
/// which is harmless: nothing of the user's is evaluated after it is bound.)
pub fn finish_into_result(output: &ReturnType, call: TokenStream) -> TokenStream {
    let ctx = local("ctx");
    match output {
        ReturnType::Type(_, ty) => {
            let ret = Ident::new("__hpy_ret", ty.span());
            quote_spanned! {ty.span()=>
                let #ret = #call;
                ::hpy::__private::into_result(#ret, #ctx)
            }
        }
        ReturnType::Default => quote!(::hpy::__private::into_result(#call, #ctx)),
    }
}

/// Parameters, conversions and the call for `model` under `convention`.
pub fn call_parts(model: &FunctionModel, convention: Convention, target: &Target) -> CallParts {
    let name = &target.func_name;
    let args = local("args");
    let kwnames = &target.keywords_param;
    let arg = local("arg");
    let python: Vec<&Param> = model.python_params().collect();
    let slots: Vec<Ident> = (0..python.len())
        .map(|i| local(&format!("arg{i}")))
        .collect();

    // Python arguments are converted into `arg0, arg1, ...` before the call, except for
    // KEYWORDS, where each is converted inline in the call so that the parameter's type flows
    // into a `#[hpy(default = ...)]` expression (a wrong default is reported at the default).
    let mut values: Vec<TokenStream> = slots.iter().map(|s| quote!(#s)).collect();
    let (extra_params, conversions) = match convention {
        Convention::NoArgs => (quote!(), quote!()),
        Convention::O => {
            // The first conversion of the function unless a receiver is borrowed before it.
            let convert = if target.prelude.is_empty() {
                extract_first(python[0], quote!(#arg), name)
            } else {
                extract(python[0], quote!(#arg), name)
            };
            let slot = &slots[0];
            (
                quote!(, #arg: ::hpy::Borrowed<'py>),
                quote!(let #slot = #convert;),
            )
        }
        Convention::VarArgs if model.takes(Role::Rest) => {
            (quote!(, #args: ::hpy::__private::Args<'py>), quote!())
        }
        Convention::VarArgs => {
            let n = python.len();
            let lets = python.iter().zip(&slots).enumerate().map(|(i, (p, slot))| {
                let convert = if i == 0 && target.prelude.is_empty() {
                    extract_first(p, quote!(#args.get(#i)), name)
                } else {
                    extract(p, quote!(#args.get(#i)), name)
                };
                quote!(let #slot = #convert;)
            });
            let checks = quote! {
                ::hpy::__private::check_nargs(#name, #args.len(), #n, #n)?;
                #(#lets)*
            };
            let conversions = if target.qualify_by_module {
                // The module is only needed if a conversion fails: qualifying here lets it die
                // before the user's function runs (the trampoline would keep it to the end).
                let module = &target.self_param;
                quote! {
                    let (#(#slots,)*) = match (|| -> ::hpy::PyResult<_> {
                        #checks
                        ::core::result::Result::Ok((#(#slots,)*))
                    })() {
                        ::core::result::Result::Ok(values) => values,
                        ::core::result::Result::Err(err) => {
                            return ::core::result::Result::Err(
                                ::hpy::__private::qualified_by_module(err, #module),
                            )
                        }
                    };
                }
            } else {
                checks
            };
            (quote!(, #args: ::hpy::__private::Args<'py>), conversions)
        }
        Convention::Keywords => {
            let (prelude, inline) = keywords_body(model, &python, &slots, target);
            values = inline;
            (
                quote! {
                    , #args: ::hpy::__private::Args<'py>,
                    #kwnames: ::core::option::Option<::hpy::Borrowed<'py>>
                },
                prelude,
            )
        }
    };
    let prelude = &target.prelude;
    CallParts {
        extra_params,
        conversions: quote!(#prelude #conversions),
        call: call_expr_with(model, target, values, model.uses_extra(convention)),
    }
}

/// `callee(args...)`: the context, the module, the receiver and the Python `values` (in order)
/// each where the user's signature has them.
pub fn call_expr(model: &FunctionModel, target: &Target, values: Vec<TokenStream>) -> TokenStream {
    call_expr_with(model, target, values, false)
}

/// [`call_expr`]; with `extra`, `*args` and `**kwargs` come from the parser's `ExtraArgs`.
pub fn call_expr_with(
    model: &FunctionModel,
    target: &Target,
    values: Vec<TokenStream>,
    extra: bool,
) -> TokenStream {
    let ctx = local("ctx");
    let extra_args = local("extra");
    let module = &target.self_param;
    let mut python_values = values.into_iter();
    let mut call_args: Vec<TokenStream> = model
        .params
        .iter()
        .map(|p| match p.role() {
            Role::Context => quote!(#ctx),
            Role::Module => quote!(#module),
            Role::Rest => {
                let args = local("args");
                let source = if extra {
                    quote!(#extra_args.rest)
                } else {
                    quote!(#args)
                };
                if crate::signature::type_is_named(&p.ty, "PyTuple") {
                    quote!(::hpy::__private::args_tuple(#ctx, #source)?)
                } else {
                    source
                }
            }
            Role::Kwargs => {
                let name = &target.func_name;
                let keep = local("kwargs_keep");
                let param_name = p.python_name().unwrap_or_default();
                quote_spanned! {p.ty.span()=>
                    ::hpy::__private::extract_kwargs(
                        #extra_args.kwargs, &mut #keep, #name, #param_name
                    )?
                }
            }
            Role::Python => python_values.next().unwrap_or_default(),
        })
        .collect();
    if let Some((index, receiver)) = &target.receiver {
        call_args.insert((*index).min(call_args.len()), receiver.clone());
    }
    let callee = &target.callee;
    quote!(#callee(#(#call_args),*))
}

/// `::hpy::__private::extract(source, func, "param")?`, spanned at the parameter's type so
/// that a missing `FromPy` impl is reported at the user's type.
pub fn extract(param: &Param, source: TokenStream, func: &TokenStream) -> TokenStream {
    let param_name = param.python_name().unwrap_or_default();
    quote_spanned! {param.ty.span()=>
        ::hpy::__private::extract(#source, #func, #param_name)?
    }
}

/// [`extract`] for the first conversion of a function, when no call came before it
/// (`::hpy::__private::extract_first`: integers keep the handle in the frame for their slow path).
pub fn extract_first(param: &Param, source: TokenStream, func: &TokenStream) -> TokenStream {
    let param_name = param.python_name().unwrap_or_default();
    quote_spanned! {param.ty.span()=>
        ::hpy::__private::extract_first(#source, #func, #param_name)?
    }
}

/// The KEYWORDS prelude (spec + `parse_keywords`) and, per Python parameter, the expression
/// converting its slot (or evaluating its default).
pub fn keywords_body(
    model: &FunctionModel,
    python: &[&Param],
    slots: &[Ident],
    target: &Target,
) -> (TokenStream, Vec<TokenStream>) {
    let name = &target.func_name;
    let args = local("args");
    let kwnames = &target.keywords_param;
    let parser = &target.keywords_parser;
    let n = python.len();
    let names = python.iter().map(|p| p.python_name().unwrap_or_default());
    let required = model.required_count();
    let positional_only = python
        .iter()
        .filter(|p| p.kind == ParamKind::PositionalOnly)
        .count();
    let positional = python
        .iter()
        .filter(|p| {
            matches!(
                p.kind,
                ParamKind::PositionalOnly | ParamKind::PositionalOrKeyword
            )
        })
        .count();
    let optional = python.iter().map(|p| p.default().is_some());
    let varargs = model.takes(Role::Rest);
    let varkw = model.takes(Role::Kwargs);
    let simple = !varargs
        && !varkw
        && python
            .iter()
            .all(|p| p.kind != ParamKind::KeywordOnly || p.default().is_some());
    let extra = model.uses_extra(Convention::Keywords);
    let spec = Ident::new("__HPY_KEYWORDS", Span::mixed_site());
    let value = local("value");
    let values = python.iter().zip(slots).map(|(p, slot)| {
        let convert = extract(p, quote!(#value), name);
        let missing = match p.default() {
            None => {
                let message = format!(
                    "hpy: parse_keywords returned no value for the required parameter `{}` of \
                     `{}`",
                    p.python_name().unwrap_or_default(),
                    model.py_name.value,
                );
                quote!(::core::unreachable!(#message))
            }
            Some(DefaultValue::Implicit(kw)) => {
                quote_spanned!(kw.span()=> ::core::default::Default::default())
            }
            Some(DefaultValue::Explicit(expr)) => quote!(#expr),
        };
        quote! {
            match #slot {
                ::core::option::Option::Some(#value) => #convert,
                ::core::option::Option::None => #missing,
            }
        }
    });
    let (holder_decl, holder_arg) = if target.keywords_holder {
        let holder = local("holder");
        (
            quote!(let mut #holder = ::hpy::__private::KeywordValues::new();),
            quote!(, &mut #holder),
        )
    } else {
        (quote!(), quote!())
    };
    let ctx = local("ctx");
    let extra_args = local("extra");
    // Holds the `**kwargs` dict open for parameter types that borrow from it.
    let keep_decl = if extra && varkw {
        let keep = local("kwargs_keep");
        quote!(let mut #keep = ::core::option::Option::None;)
    } else {
        quote!()
    };
    let parse = if extra {
        let parser = if target.keywords_holder {
            quote!(::hpy::__private::parse_dict_keywords_extra)
        } else {
            quote!(::hpy::__private::parse_keywords_extra)
        };
        quote! {
            let ([#(#slots),*], #extra_args) =
                #parser::<#n>(&#spec, #ctx, #args, #kwnames #holder_arg)?;
        }
    } else {
        quote!(let [#(#slots),*] = #parser::<#n>(&#spec, #args, #kwnames #holder_arg)?;)
    };
    let prelude = quote! {
        static #spec: ::hpy::__private::KeywordsSpec = ::hpy::__private::KeywordsSpec {
            func: #name,
            params: &[#(#names),*],
            required: #required,
            positional_only: #positional_only,
            positional: #positional,
            optional: &[#(#optional),*],
            varargs: #varargs,
            varkw: #varkw,
            simple: #simple,
        };
        #holder_decl
        #parse
        #keep_decl
    };
    (prelude, values.collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::function::analyze;
    use syn::{parse_quote, ItemFn};

    fn expanded(args: TokenStream, f: ItemFn) -> String {
        let (model, diag) = analyze(args, &f);
        assert!(diag.is_empty(), "{:?}", diag.messages());
        expand(&model).to_string()
    }

    fn norm(tokens: TokenStream) -> String {
        tokens.to_string()
    }

    #[test]
    fn varargs() {
        let got = expanded(
            quote!(),
            parse_quote! {
                /// Add two integers.
                pub fn add(a: i64, b: i64) -> i64 { a + b }
            },
        );
        let want = norm(quote! {
            #[doc(hidden)]
            #[allow(non_camel_case_types, dead_code)]
            pub struct __hpy_fn_add;
            impl ::hpy::__private::VarArgsFn for __hpy_fn_add {
                const NAME: &'static str = "add";
                const MODULE_FUNCTION: bool = true;
                fn call<'py>(
                    ctx: ::hpy::Context<'py>,
                    _module: ::hpy::Borrowed<'py>,
                    args: ::hpy::__private::Args<'py>
                ) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                    let (arg0, arg1,) = match (|| -> ::hpy::PyResult<_> {
                        ::hpy::__private::check_nargs("add", args.len(), 2usize, 2usize)?;
                        let arg0 = ::hpy::__private::extract_first(args.get(0usize), "add", "a")?;
                        let arg1 = ::hpy::__private::extract(args.get(1usize), "add", "b")?;
                        ::core::result::Result::Ok((arg0, arg1,))
                    })() {
                        ::core::result::Result::Ok(values) => values,
                        ::core::result::Result::Err(err) => {
                            return ::core::result::Result::Err(
                                ::hpy::__private::qualified_by_module(err, _module),
                            )
                        }
                    };
                    let __hpy_ret = add(arg0, arg1);
                    ::hpy::__private::into_result(__hpy_ret, ctx)
                }
            }
            #[doc(hidden)]
            #[allow(non_upper_case_globals, dead_code)]
            pub static __HPY_DEF_add: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(
                ::hpy::__private::meth_varargs::<__hpy_fn_add>(
                    c"add",
                    ::core::option::Option::Some(c"add($module, a, b, /)\n--\n\nAdd two integers.")
                ),
            );
        });
        assert_eq!(got, want);
    }

    #[test]
    fn noargs_with_context_and_module() {
        let got = expanded(
            quote!(name = "ctx_fn"),
            parse_quote!(
                fn with_ctx<'py>(
                    ctx: Context<'py>,
                    #[hpy(module)] m: Borrowed<'py>,
                ) -> PyResult<Handle<'py>> {
                    todo!()
                }
            ),
        );
        assert!(got.contains("impl :: hpy :: __private :: NoArgsFn for __hpy_fn_with_ctx"));
        assert!(got.contains("const NAME : & 'static str = \"ctx_fn\" ;"));
        assert!(got.contains(
            "fn call < 'py > (ctx : :: hpy :: Context < 'py > , module : :: hpy :: Borrowed < 'py >) -> :: hpy :: PyResult < :: hpy :: Handle < 'py >>"
        ), "{got}");
        assert!(got.contains(
            "let __hpy_ret = with_ctx (ctx , module) ; :: hpy :: __private :: into_result (__hpy_ret , ctx)"
        ));
        assert!(got.contains("meth_noargs :: < __hpy_fn_with_ctx > (c\"ctx_fn\" , :: core :: option :: Option :: Some (c\"ctx_fn($module)\\n--\\n\\n\"))"));
        assert!(
            !got.contains("pub"),
            "private fn gives private items: {got}"
        );
    }

    #[test]
    fn one_arg() {
        let got = expanded(
            quote!(),
            parse_quote!(
                pub(crate) fn double<'py>(
                    ctx: Context<'py>,
                    x: Borrowed<'py>,
                ) -> PyResult<Handle<'py>> {
                    x.add(&x)
                }
            ),
        );
        assert!(got.contains("impl :: hpy :: __private :: OneArgFn for __hpy_fn_double"));
        assert!(got
            .contains("_module : :: hpy :: Borrowed < 'py > , arg : :: hpy :: Borrowed < 'py >)"));
        assert!(got.contains(
            "let arg0 = :: hpy :: __private :: extract_first (arg , \"double\" , \"x\") ? ; let __hpy_ret = double (ctx , arg0) ; :: hpy :: __private :: into_result (__hpy_ret , ctx)"
        ));
        assert!(got.contains("pub (crate) struct __hpy_fn_double"));
        assert!(got.contains("pub (crate) static __HPY_DEF_double"));
        assert!(got.contains("meth_o :: < __hpy_fn_double >"));
    }

    #[test]
    fn keywords() {
        let got = expanded(
            quote!(name = "greet"),
            parse_quote! {
                fn greet_impl(name: &str, #[hpy(default = "Hello".to_string())] greeting: String, #[hpy(default)] n: i64) -> String { todo!() }
            },
        );
        let want_body = norm(quote! {
            static __HPY_KEYWORDS: ::hpy::__private::KeywordsSpec = ::hpy::__private::KeywordsSpec {
                func: "greet",
                params: &["name", "greeting", "n"],
                required: 1usize,
                positional_only: 0usize,
                positional: 3usize,
                optional: &[false, true, true],
                varargs: false,
                varkw: false,
                simple: true,
            };
            let [arg0, arg1, arg2] = ::hpy::__private::parse_keywords::<3usize>(&__HPY_KEYWORDS, args, kwnames)?;
            let __hpy_ret = greet_impl(
                match arg0 {
                    ::core::option::Option::Some(value) => ::hpy::__private::extract(value, "greet", "name")?,
                    ::core::option::Option::None => ::core::unreachable!("hpy: parse_keywords returned no value for the required parameter `name` of `greet`"),
                },
                match arg1 {
                    ::core::option::Option::Some(value) => ::hpy::__private::extract(value, "greet", "greeting")?,
                    ::core::option::Option::None => "Hello".to_string(),
                },
                match arg2 {
                    ::core::option::Option::Some(value) => ::hpy::__private::extract(value, "greet", "n")?,
                    ::core::option::Option::None => ::core::default::Default::default(),
                }
            );
            ::hpy::__private::into_result(__hpy_ret, ctx)
        });
        assert!(got.contains(&want_body), "{got}");
        assert!(got.contains("impl :: hpy :: __private :: KeywordsFn for __hpy_fn_greet_impl"));
        assert!(got.contains(
            "args : :: hpy :: __private :: Args < 'py > , kwnames : :: core :: option :: Option < :: hpy :: Borrowed < 'py >>"
        ), "{got}");
        assert!(got.contains("meth_keywords :: < __hpy_fn_greet_impl > (c\"greet\""));
    }

    #[test]
    fn forced_keywords_without_parameters() {
        let got = expanded(
            quote!(keywords),
            parse_quote!(
                fn f() {}
            ),
        );
        assert!(got.contains("params : & [] , required : 0usize"));
        assert!(got.contains("let [] = :: hpy :: __private :: parse_keywords :: < 0usize >"));
    }

    #[test]
    fn cfg_attributes_are_copied_onto_every_generated_item() {
        let got = expanded(
            quote!(),
            parse_quote! {
                #[cfg(unix)]
                #[inline]
                fn f() {}
            },
        );
        assert_eq!(got.matches("# [cfg (unix)]").count(), 3, "{got}");
        assert!(!got.contains("inline"));
    }

    #[test]
    fn raw_identifiers() {
        let got = expanded(
            quote!(),
            parse_quote!(
                fn r#match(r#in: i64) {}
            ),
        );
        assert!(got.contains("struct __hpy_fn_match"));
        assert!(got.contains("static __HPY_DEF_match"));
        assert!(got.contains("const NAME : & 'static str = \"match\""));
        assert!(got.contains("extract_first (arg , \"match\" , \"in\")"));
        assert!(got.contains("into_result (r#match (arg0) , ctx)"));
    }

    #[test]
    fn docstring_is_escaped() {
        let got = expanded(
            quote!(),
            parse_quote! {
                /// Says "hi".
                ///   \ indented
                fn f() {}
            },
        );
        assert!(
            got.contains(r#"Some (c"f($module)\n--\n\nSays \"hi\".\n  \\ indented")"#),
            "{got}"
        );
    }

    #[test]
    fn wrapper_locals_use_mixed_site_hygiene() {
        // A user parameter called `args` must not clash with the wrapper's `args`: the
        // wrapper's locals are mixed-site, the user's names never appear as bindings.
        let (model, _) = analyze(
            quote!(),
            &parse_quote!(
                fn f(args: i64, ctx: i64) {}
            ),
        );
        let tokens = expand(&model);
        let mut found = false;
        fn walk(ts: TokenStream, found: &mut bool) {
            for tt in ts {
                match tt {
                    proc_macro2::TokenTree::Group(g) => walk(g.stream(), found),
                    proc_macro2::TokenTree::Ident(i) if i == "arg0" => *found = true,
                    _ => {}
                }
            }
        }
        walk(tokens.clone(), &mut found);
        assert!(found);
        assert!(tokens
            .to_string()
            .contains("extract_first (args . get (0usize) , \"f\" , \"args\")"));
    }
}
