//! Quote-free list field values checked in one forward scan: a list of tokens
//! (RFC 9110 §5.6.1-§5.6.2: Connection options, subprotocols) and a Sec-WebSocket-Extensions
//! list (RFC 6455 §9.1 with RFC 9110 §5.6.6). Where the grammar stands is kept in the
//! control flow, not in a state variable, so the byte loops carry no dependency from one
//! byte to the next but the position: token runs go at the speed of a table lookup per
//! byte, and the branches between them are predicted.
//!
//! They only ever say "well formed": `false` means "not taken here", and the general list
//! reader ([`crate::grammar::list`]) then judges the value, quoted-strings, faults and element limits
//! included. The `fast_paths` fuzz target and property check them against the general
//! reader both ways, and the `one_pass` property and the `server_negotiate` fuzz target
//! check the requests they are part of.

use crate::grammar::chars::is_ows;
use crate::grammar::list::trim_leading_ows as skip_ows;

/// `bytes` after a leading non-empty token, or `None` when it does not start with one.
#[inline]
fn after_token(bytes: &[u8]) -> Option<&[u8]> {
    match crate::grammar::chars::run_len(bytes, crate::grammar::chars::TCHAR) {
        0 => None,
        len => bytes.get(len..),
    }
}

/// `#token` (RFC 9110 §5.6.1): tokens between commas, OWS around them, empty elements
/// allowed, at most `max` elements; no quoted-string.
pub fn tokens_ok(value: &[u8], max: usize) -> bool {
    elements(value, max, Some)
}

/// `#( token *( OWS ";" OWS token [ OWS "=" OWS token ] ) )`: the extension list of RFC 6455
/// §9.1 as [`crate::grammar::list::split_parameterised`] reads an element (BWS around `=`), at most
/// `max` elements; no quoted-string parameter value.
pub fn extensions_ok(value: &[u8], max: usize) -> bool {
    elements(value, max, |mut rest| loop {
        let after_ows = skip_ows(rest);
        let Some((b';', param)) = after_ows.split_first() else {
            return Some(rest);
        };
        let name_end = skip_ows(after_token(skip_ows(param))?);
        rest = match name_end.split_first() {
            Some((b'=', value)) => after_token(skip_ows(value))?,
            _ => name_end,
        };
    })
}

/// The frame both lists share: elements between commas, with OWS and empty elements
/// skipped, each a token that `params` reads past (`None`: malformed), then OWS and a comma
/// or the end.
#[inline]
fn elements<'v>(
    value: &'v [u8],
    max: usize,
    params: impl Fn(&'v [u8]) -> Option<&'v [u8]>,
) -> bool {
    let mut rest = value;
    let mut left = max;
    loop {
        let separator = |b: u8| is_ows(b) || b == b',';
        if rest.first().is_some_and(|&b| separator(b)) {
            let start = rest
                .iter()
                .position(|&b| !separator(b))
                .unwrap_or(rest.len());
            rest = rest.get(start..).unwrap_or_default();
        }
        if rest.is_empty() {
            return true;
        }
        let Some(after_name) = after_token(rest) else {
            return false;
        };
        let Some(fewer) = left.checked_sub(1) else {
            return false;
        };
        left = fewer;
        let Some(after) = params(after_name) else {
            return false;
        };
        match skip_ows(after).split_first() {
            None => return true,
            Some((b',', next)) => rest = next,
            Some(_) => return false,
        }
    }
}
