//! C string literals (`c"..."`) for names and docstrings in generated definitions.

use proc_macro2::{Literal, Span, TokenStream};
use quote::quote;
use std::ffi::CString;

/// A `c"..."` literal holding `value`, or `None` if `value` contains a NUL byte (callers
/// reject those with a spanned error during the check stage).
pub fn c_literal(value: &str, span: Span) -> Option<Literal> {
    let c = CString::new(value).ok()?;
    let mut lit = Literal::c_string(&c);
    lit.set_span(span);
    Some(lit)
}

/// `::core::option::Option::Some(c"...")` for a docstring, or `...::None` without one.
///
/// A docstring with an interior NUL also gives `None`; the check stage has already reported it,
/// so this only keeps the expansion well formed.
pub fn optional_c_literal(value: Option<&str>, span: Span) -> TokenStream {
    match value.and_then(|v| c_literal(v, span)) {
        Some(lit) => quote!(::core::option::Option::Some(#lit)),
        None => quote!(::core::option::Option::None),
    }
}

/// A C string literal of a name the macros make up (never has a NUL byte; empty otherwise).
pub fn c_name(value: &str, span: Span) -> Literal {
    c_literal(value, span).unwrap_or_else(|| Literal::c_string(c""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_backslashes_newlines_and_unicode() {
        let lit = c_literal("a\"b\\c\nd é", Span::call_site()).unwrap();
        let text = lit.to_string();
        assert!(text.starts_with("c\""), "{text}");
        let parsed: syn::LitCStr = syn::parse_str(&text).unwrap();
        assert_eq!(parsed.value().to_str().unwrap(), "a\"b\\c\nd é");
    }

    #[test]
    fn nul_is_refused() {
        assert!(c_literal("a\0b", Span::call_site()).is_none());
    }

    #[test]
    fn optional_literal() {
        let some = optional_c_literal(Some("doc"), Span::call_site()).to_string();
        assert_eq!(some, ":: core :: option :: Option :: Some (c\"doc\")");
        let none = optional_c_literal(None, Span::call_site()).to_string();
        assert_eq!(none, ":: core :: option :: Option :: None");
    }
}
