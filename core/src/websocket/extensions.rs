//! Sec-WebSocket-Extensions (RFC 6455 §9.1): a list of `extension-token *( ";" param )`
//! offers, parameter values as tokens or quoted-strings.

use crate::grammar::list::{split_parameterised_where, ListFault, Param, ParamValue, Params};
use crate::http1::write::{Formatted, Put};
use crate::websocket::deflate::{self, DeflateOffer, DeflateParams, DeflatePolicy};

/// One extension offer (or, in a response, one accepted extension) with its parameters
/// (RFC 6455 §9.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Extension<'b> {
    /// The extension token, e.g. `permessage-deflate`.
    pub name: &'b str,
    /// Its parameters, in the order written.
    pub(crate) params: Params<'b>,
}

impl<'b> Extension<'b> {
    /// Parses one list element; `None` if it breaks the RFC 6455 §9.1 grammar, including
    /// a quoted parameter value that is not a token once unquoted ("the value after
    /// quoted-string unescaping MUST conform to the 'token' ABNF").
    #[cfg(test)]
    pub(crate) fn parse(element: &'b [u8]) -> Option<Self> {
        Self::parse_with(element, |_| {})
    }

    /// [`Extension::parse`], handing each parameter to `each` in the same pass over the
    /// element, so a caller can gather them without reading the element twice.
    pub(crate) fn parse_with(element: &'b [u8], mut each: impl FnMut(&Param<'b>)) -> Option<Self> {
        let (name, params) = split_parameterised_where(element, |param| {
            each(param);
            param.value.is_none_or(|v| is_token_value(&v))
        })
        .ok()?;
        let name = core::str::from_utf8(name).ok()?;
        Some(Self { name, params })
    }

    /// [`Extension::parse`] with permessage-deflate's parameters gathered in the same pass
    /// (meaningful when the extension is permessage-deflate; RFC 7692 §7.1).
    pub(crate) fn parse_deflate(element: &'b [u8]) -> Option<(Self, deflate::Seen<'b>)> {
        let mut seen = deflate::Seen::default();
        let extension = Self::parse_with(element, |param| seen.add(param))?;
        Some((extension, seen))
    }

    /// [`Extension::parse_deflate`] for permessage-deflate written as servers and browsers
    /// write it: `permessage-deflate`, then for each parameter `; `, one of the four names of
    /// RFC 7692 §7.1 and, if it has one, `=` and digits; the element alone in its value.
    /// Literal compares instead of the grammar's byte classes; `None` for anything else,
    /// which [`Extension::parse_deflate`] then reads. Where this reads an element, it reads
    /// the same extension and parameters.
    pub(crate) fn parse_written_deflate(value: &'b [u8]) -> Option<(Self, deflate::Seen<'b>)> {
        let params = value.strip_prefix(deflate::NAME.as_bytes())?;
        let mut seen = deflate::Seen::default();
        let mut rest = params;
        while let Some(param) = rest.strip_prefix(b"; ") {
            let (name, after_name) = deflate::ParamName::at_start(param)?;
            let (value, after) = match after_name.strip_prefix(b"=") {
                None => (None, after_name),
                Some(digits) => {
                    let len = digits.iter().take_while(|b| b.is_ascii_digit()).count();
                    let (digits, after) = digits.split_at(len);
                    if digits.is_empty() {
                        return None;
                    }
                    (Some(ParamValue::Token(digits)), after)
                }
            };
            seen.add_known(name, value);
            rest = after;
        }
        let extension = Self {
            name: deflate::NAME,
            params: Params::checked_elsewhere(params),
        };
        rest.is_empty().then_some((extension, seen))
    }

    /// Writes the offer in canonical form: `name; p; q=v; r="quoted\"value"`, a value as
    /// a token where it is one, else as a quoted-string (RFC 9110 §5.6.4).
    pub(crate) fn write(&self, out: &mut impl Put) {
        out.put(self.name.as_bytes());
        for param in self.params {
            out.put(b"; ");
            out.put(param.name);
            if let Some(value) = param.value {
                out.put(b"=");
                write_value(&value, out);
            }
        }
    }
}

/// The extension as a Sec-WebSocket-Extensions element in canonical form:
/// `name; p; q=v; r="quoted\"value"` (RFC 6455 §9.1, RFC 9110 §5.6.4).
impl core::fmt::Display for Extension<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        Formatted::display(f, |out| self.write(out))
    }
}

/// Whether a value, unquoted, is a token (RFC 6455 §9.1, RFC 9110 §5.6.2).
fn is_token_value(value: &ParamValue<'_>) -> bool {
    value.bytes().next().is_some() && value.bytes().all(crate::grammar::chars::is_tchar)
}

/// Writes a parameter value as a token when it is one, else quoted.
fn write_value(value: &ParamValue<'_>, out: &mut impl Put) {
    if is_token_value(value) {
        for byte in value.bytes() {
            out.put(&[byte]);
        }
        return;
    }
    out.put(b"\"");
    for byte in value.bytes() {
        if byte == b'"' || byte == b'\\' {
            out.put(b"\\");
        }
        out.put(&[byte]);
    }
    out.put(b"\"");
}

/// The permessage-deflate parameters a server with `policy` answers: the first
/// permessage-deflate offer whose parameters are valid (RFC 7692 §5.1, §7.1), every offer
/// checked against the §9.1 grammar on the way (RFC 6455 §4.2.2 item 5.6).
pub fn choose_deflate<'b, I>(
    elements: I,
    policy: Option<DeflatePolicy>,
) -> Result<Option<DeflateParams>, ListFault>
where
    I: Iterator<Item = Result<&'b [u8], ListFault>>,
{
    let mut chosen = None;
    for element in elements {
        let (offer, seen) = Extension::parse_deflate(element?).ok_or(ListFault::Malformed)?;
        let Some(policy) = policy.filter(|_| chosen.is_none()) else {
            continue;
        };
        if offer.name == deflate::NAME {
            chosen = DeflateOffer::from_seen(seen).map(|offer| policy.accept(&offer));
        }
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use crate::grammar::list::Elements;
    use std::string::ToString;

    #[test]
    fn parses_browser_offer() {
        let mut all = Elements::new(b"permessage-deflate; client_max_window_bits, x-foo")
            .map(|e| e.ok().and_then(Extension::parse));
        let first = all.next().flatten().expect("first");
        assert_eq!(first.name, "permessage-deflate");
        assert_eq!(first.params.count(), 1);
        let second = all.next().flatten().expect("second");
        assert_eq!(second.name, "x-foo");
        assert!(all.next().is_none());
    }

    #[test]
    fn quoted_and_token_values_are_written_the_same() {
        let a = Extension::parse(br#"e; a="10""#).expect("valid");
        let b = Extension::parse(b"e; a=10").expect("valid");
        assert_eq!(a.to_string(), b.to_string());
        let c = Extension::parse(b"e; a=11").expect("valid");
        assert_ne!(a.to_string(), c.to_string());
    }

    #[test]
    fn quoted_values_must_be_tokens_once_unquoted() {
        assert!(Extension::parse(br#"e; a="x\y""#).is_some());
        for bad in [
            &br#"e; a="b, c""#[..],
            br#"e; a="""#,
            br#"e; a="x y""#,
            br#"e; a="x"y""#,
            br#"e; a="x/y""#,
        ] {
            assert!(
                Extension::parse(bad).is_none(),
                "{:?}",
                core::str::from_utf8(bad)
            );
        }
    }

    #[test]
    fn values_that_are_not_tokens_are_written_quoted_and_escaped() {
        // Only reachable for parameters split without Extension::parse's token rule.
        let (_, params) = crate::grammar::list::split_parameterised(br#"e; a="x\"y\\z"; b="p q""#)
            .expect("a well-formed element");
        let extension = Extension { name: "e", params };
        assert_eq!(extension.to_string(), r#"e; a="x\"y\\z"; b="p q""#);
    }

    #[test]
    fn the_written_deflate_reader_reads_what_the_grammar_reads_or_nothing() {
        use crate::websocket::deflate::DeflateParams;
        let read = |value: &'static [u8]| {
            Extension::parse_written_deflate(value)
                .map(|(extension, seen)| (extension, DeflateParams::from_seen(seen)))
        };
        let general = |value: &'static [u8]| {
            Extension::parse_deflate(value)
                .map(|(extension, seen)| (extension, DeflateParams::from_seen(seen)))
        };
        for written in [
            &b"permessage-deflate"[..],
            b"permessage-deflate; server_max_window_bits=12; client_max_window_bits=12",
            b"permessage-deflate; server_no_context_takeover; client_no_context_takeover",
            b"permessage-deflate; client_max_window_bits",
            b"permessage-deflate; server_max_window_bits=16",
            b"permessage-deflate; server_max_window_bits=008",
            b"permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            b"permessage-deflate; server_no_context_takeover=1",
        ] {
            assert!(read(written).is_some(), "{written:?}");
            assert_eq!(read(written), general(written), "{written:?}");
        }
        // Anything else is left to the grammar, valid or not.
        for other in [
            &b"permessage-deflate ; server_no_context_takeover"[..],
            b"permessage-deflate;server_no_context_takeover",
            b"permessage-deflate; server_max_window_bits=\"12\"",
            b"permessage-deflate; server_max_window_bits = 12",
            b"permessage-deflate; Server_no_context_takeover",
            b"permessage-deflate; server_no_context_takeoverX",
            b"permessage-deflate; server_max_window_bits=",
            b"permessage-deflate; server_max_window_bits=1x",
            b"permessage-deflate; x_unknown",
            b"permessage-deflate; ",
            b"permessage-deflate, x-foo",
            b"permessage-deflatex",
            b"Permessage-deflate",
            b"x-foo",
        ] {
            assert_eq!(read(other), None, "{other:?}");
        }
    }

    #[test]
    fn renders_canonically() {
        let extension = Extension::parse(br#"e ;a ; b="x\yz" ;c="10""#).expect("valid");
        assert_eq!(extension.to_string(), "e; a; b=xyz; c=10");
        let mut buf = [0u8; 64];
        let mut out = crate::http1::write::HeadWriter::new(&mut buf);
        extension.write(&mut out);
        assert_eq!(out.written(), Some(&b"e; a; b=xyz; c=10"[..]));
    }
}
