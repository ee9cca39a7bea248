//! Collecting several [`syn::Error`]s so that one macro invocation reports every problem it
//! found at once, each at its own span, instead of stopping at the first.

use proc_macro2::TokenStream;
use quote::ToTokens;
use std::fmt::Display;

/// An accumulator of spanned errors.
///
/// Every stage (parse, model, check) pushes into one `Diagnostics`; the entry point turns the
/// result into `compile_error!` invocations with [`Diagnostics::into_compile_errors`].
#[derive(Default)]
pub struct Diagnostics {
    errors: Option<syn::Error>,
}

impl Diagnostics {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an already built error (it may itself hold several messages).
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.errors {
            Some(existing) => existing.combine(error),
            None => self.errors = Some(error),
        }
    }

    /// Records `message`, spanned from the first to the last token of `tokens`.
    pub fn error(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records `message` at a single span.
    pub fn error_at(&mut self, span: proc_macro2::Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Records the error of `result` (if any) and returns its value (if any).
    pub fn take<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(error);
                None
            }
        }
    }

    /// Moves every error of `other` into `self`.
    pub fn extend(&mut self, other: Diagnostics) {
        if let Some(error) = other.errors {
            self.push(error);
        }
    }

    /// Whether nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.errors.is_none()
    }

    /// Number of recorded messages.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.errors.as_ref().map_or(0, |e| e.into_iter().count())
    }

    /// The recorded messages, in order.
    #[cfg(test)]
    pub fn messages(&self) -> Vec<String> {
        self.errors
            .iter()
            .flat_map(|e| e.into_iter().map(|m| m.to_string()))
            .collect()
    }

    /// The user's `item`, then what `generate` makes of it, or the errors if there are any
    /// (the item is always emitted, so no follow-up "cannot find" errors appear).
    pub fn emit(self, item: impl ToTokens, generate: impl FnOnce() -> TokenStream) -> TokenStream {
        let mut out = item.into_token_stream();
        if self.is_empty() {
            out.extend(generate());
        } else {
            out.extend(self.into_compile_errors());
        }
        out
    }

    /// One `compile_error!` per recorded message (nothing when empty).
    pub fn into_compile_errors(self) -> TokenStream {
        self.errors
            .map(|e| e.into_compile_error())
            .unwrap_or_default()
    }
}

impl From<syn::Error> for Diagnostics {
    fn from(error: syn::Error) -> Self {
        Self {
            errors: Some(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::Span;

    #[test]
    fn empty_is_ok() {
        let d = Diagnostics::new();
        assert!(d.is_empty());
        assert_eq!(d.len(), 0);
        assert!(Diagnostics::new().into_compile_errors().is_empty());
    }

    #[test]
    fn collects_every_message_in_order() {
        let mut d = Diagnostics::new();
        d.error_at(Span::call_site(), "first");
        d.error(quote::quote!(a b), "second");
        let mut other = Diagnostics::new();
        other.error_at(Span::call_site(), "third");
        d.extend(other);
        assert_eq!(
            d.take::<()>(Err(syn::Error::new(Span::call_site(), "fourth"))),
            None
        );
        assert_eq!(d.take(Ok(5)), Some(5));
        assert_eq!(d.len(), 4);
        assert_eq!(d.messages(), ["first", "second", "third", "fourth"]);
        let out = d.into_compile_errors().to_string();
        assert_eq!(out.matches("compile_error").count(), 4);
    }
}
