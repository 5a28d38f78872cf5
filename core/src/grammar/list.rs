//! The list grammar of RFC 9110 §5.6: `#element` lists with OWS and empty elements,
//! tokens (§5.6.2), quoted-string with quoted-pair (§5.6.4), and `;` parameters (§5.6.6).
//!
//! Every parser here walks borrowed bytes and yields sub-slices; nothing is copied.

use httparse::Header;

use super::chars::{is_ows, is_tchar};

/// Whether `bytes` is a non-empty `token` (RFC 9110 §5.6.2).
pub fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&byte| is_tchar(byte))
}

/// `bytes` without leading and trailing OWS (RFC 9110 §5.6.3).
#[inline]
pub fn trim_ows(bytes: &[u8]) -> &[u8] {
    // httparse already trims request values: two compares settle the common case.
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) if !is_ows(first) && !is_ows(last) => bytes,
        _ => trim_ows_slowly(bytes),
    }
}

/// [`trim_ows`] by scanning from both ends.
fn trim_ows_slowly(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| !is_ows(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_ows(b))
        .map_or(start, |i| i + 1);
    bytes.get(start..end).unwrap_or_default()
}

/// Whether `byte` may stand unescaped inside a quoted-string: `qdtext` (RFC 9110 §5.6.4),
/// or an obs-fold's CR LF read as SP (see [`is_ows`]).
const fn is_qdtext(byte: u8) -> bool {
    matches!(byte, b'\t' | b' ' | b'\r' | b'\n' | 0x21 | 0x23..=0x5B | 0x5D..=0x7E | 0x80..=0xFF)
}

/// Whether `byte` may follow a backslash in a `quoted-pair` (RFC 9110 §5.6.4).
const fn is_quoted_pair_char(byte: u8) -> bool {
    matches!(byte, b'\t' | b' ' | 0x21..=0x7E | 0x80..=0xFF)
}

/// The length of the quoted-string at the start of `bytes`, both quotes included,
/// or `None` when `bytes` does not start with a well-formed one (RFC 9110 §5.6.4).
pub fn quoted_string_len(bytes: &[u8]) -> Option<usize> {
    let mut iter = bytes.iter().enumerate();
    if iter.next()?.1 != &b'"' {
        return None;
    }
    while let Some((index, &byte)) = iter.next() {
        match byte {
            b'"' => return Some(index + 1),
            b'\\' => {
                let (_, &escaped) = iter.next()?;
                if !is_quoted_pair_char(escaped) {
                    return None;
                }
            }
            _ if is_qdtext(byte) => {}
            _ => return None,
        }
    }
    None
}

/// The content of a well-formed quoted-string with each quoted-pair resolved
/// (RFC 9110 §5.6.4). `quoted` is the text between the quotes.
#[derive(Debug, Clone)]
pub struct Unescaped<'b> {
    rest: core::slice::Iter<'b, u8>,
}

impl<'b> Unescaped<'b> {
    /// Unescapes the text between a quoted-string's quotes.
    pub fn new(quoted: &'b [u8]) -> Self {
        Self {
            rest: quoted.iter(),
        }
    }
}

impl Iterator for Unescaped<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        match self.rest.next()? {
            b'\\' => self.rest.next().copied(),
            &byte => Some(byte),
        }
    }
}

/// A list element that breaks the grammar: an unterminated quoted-string, or an
/// element the caller's grammar does not accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MalformedList;

/// The non-empty, OWS-trimmed elements of one field value (RFC 9110 §5.6.1).
///
/// Commas inside quoted-strings do not split; empty elements are skipped, so
/// `, ,a,,b ,` yields `a` and `b`. An unterminated quoted-string yields one error and ends.
#[derive(Debug, Clone)]
pub struct Elements<'b> {
    rest: &'b [u8],
    failed: bool,
}

impl<'b> Elements<'b> {
    /// Splits one field value.
    pub fn new(value: &'b [u8]) -> Self {
        Self {
            rest: value,
            failed: false,
        }
    }

    /// The byte length of the element at the start of `rest` (up to, not including, a comma).
    fn element_len(rest: &[u8]) -> Result<usize, MalformedList> {
        let mut index = 0;
        loop {
            let tail = rest.get(index..).unwrap_or_default();
            match tail.iter().position(|&b| b == b',' || b == b'"') {
                None => return Ok(rest.len()),
                Some(offset) if tail.get(offset) == Some(&b',') => return Ok(index + offset),
                Some(offset) => {
                    let quoted = tail.get(offset..).unwrap_or_default();
                    index += offset + quoted_string_len(quoted).ok_or(MalformedList)?;
                }
            }
        }
    }
}

impl<'b> Iterator for Elements<'b> {
    type Item = Result<&'b [u8], MalformedList>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.failed && !self.rest.is_empty() {
            let Ok(len) = Self::element_len(self.rest) else {
                self.failed = true;
                return Some(Err(MalformedList));
            };
            let (element, rest) = self.rest.split_at(len);
            self.rest = rest.get(1..).unwrap_or_default();
            let element = trim_ows(element);
            if !element.is_empty() {
                return Some(Ok(element));
            }
        }
        None
    }
}

/// The values of every field with one name, in the order received (RFC 9110 §5.3).
#[derive(Debug, Clone)]
pub struct FieldValues<'h, 'b> {
    headers: core::slice::Iter<'h, Header<'b>>,
    /// `None` when every header given is already known to have the name.
    name: Option<&'static str>,
}

impl<'h, 'b> FieldValues<'h, 'b> {
    /// The fields named `name` (case-insensitively) among `headers`.
    pub fn new(headers: &'h [Header<'b>], name: &'static str) -> Self {
        Self {
            headers: headers.iter(),
            name: Some(name),
        }
    }

    /// Every one of `headers`, already known to carry the wanted name.
    pub fn all(headers: &'h [Header<'b>]) -> Self {
        Self {
            headers: headers.iter(),
            name: None,
        }
    }
}

impl<'b> Iterator for FieldValues<'_, 'b> {
    type Item = &'b [u8];

    fn next(&mut self) -> Option<&'b [u8]> {
        match self.name {
            None => self.headers.next(),
            Some(name) => self
                .headers
                .find(|header| header.name.eq_ignore_ascii_case(name)),
        }
        .map(|header| header.value)
    }
}

/// The elements of a list header with all its fields combined in order (RFC 9110 §5.3, §5.6.1).
#[derive(Debug, Clone)]
pub struct ListElements<'h, 'b> {
    fields: FieldValues<'h, 'b>,
    current: Elements<'b>,
}

impl<'h, 'b> ListElements<'h, 'b> {
    /// Combines the elements of every value `fields` yields.
    pub fn new(fields: FieldValues<'h, 'b>) -> Self {
        Self {
            fields,
            current: Elements::new(&[]),
        }
    }

    /// Whether the list holds `token`, compared case-insensitively, as for Connection
    /// options and the `websocket` protocol name (RFC 9110 §7.6.1, RFC 6455 §4.2.1).
    /// Elements are checked to be tokens up to `max` elements.
    pub fn contains_token(self, token: &str, max: usize) -> Result<bool, ListFault> {
        contains_token(self.bounded(max), token)
    }

    /// These elements, failing with [`ListFault::TooMany`] past `max` of them.
    pub fn bounded(self, max: usize) -> Bounded<Self> {
        Bounded {
            inner: self,
            left: max,
        }
    }
}

impl<'b> Iterator for ListElements<'_, 'b> {
    type Item = Result<&'b [u8], MalformedList>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(element) = self.current.next() {
                return Some(element);
            }
            self.current = Elements::new(self.fields.next()?);
        }
    }
}

/// What went wrong reading a bounded list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFault {
    /// An element breaks the grammar.
    Malformed,
    /// More elements than the limit.
    TooMany,
}

impl From<MalformedList> for ListFault {
    fn from(_: MalformedList) -> Self {
        ListFault::Malformed
    }
}

/// A list iterator that fails once more than a fixed number of elements arrive.
#[derive(Debug, Clone)]
pub struct Bounded<I> {
    inner: I,
    left: usize,
}

impl<'b, I: Iterator<Item = Result<&'b [u8], MalformedList>>> Iterator for Bounded<I> {
    type Item = Result<&'b [u8], ListFault>;

    fn next(&mut self) -> Option<Self::Item> {
        let element = self.inner.next()?;
        if self.left == 0 {
            return Some(Err(ListFault::TooMany));
        }
        self.left -= 1;
        Some(element.map_err(ListFault::from))
    }
}

/// The elements of one quote-free field value, bounded: what [`Bounded`] over
/// [`ListElements`] yields for such a value (split at commas, OWS-trimmed, empty elements
/// skipped, [`ListFault::TooMany`] past the limit), read by one simple loop instead of the
/// general reader's layers. The general reader stays the reference it is tested
/// against (`proptests`, `fuzz/` target `fast_paths`).
#[derive(Debug, Clone)]
pub struct PlainElements<'b> {
    rest: Option<&'b [u8]>,
    left: usize,
}

impl<'b> PlainElements<'b> {
    /// The fast reading of `value`, or `None` when it holds a `"` and only the general
    /// reader knows where its elements end.
    pub fn new(value: &'b [u8], max: usize) -> Option<Self> {
        // Every byte compared, no early exit: the loop vectorises, where `contains` pays a
        // call's setup that a short value never earns back.
        let quoted = value.iter().fold(false, |quoted, &b| quoted | (b == b'"'));
        (!quoted).then_some(Self {
            rest: Some(value),
            left: max,
        })
    }
}

impl<'b> Iterator for PlainElements<'b> {
    type Item = Result<&'b [u8], ListFault>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let rest = self.rest?;
            let end = crate::grammar::chars::run_len(rest, crate::grammar::chars::NOT_COMMA);
            let (element, tail) = (rest.get(..end)?, rest.get(end + 1..));
            self.rest = tail;
            let element = trim_ows(element);
            if element.is_empty() {
                continue;
            }
            if self.left == 0 {
                self.rest = None;
                return Some(Err(ListFault::TooMany));
            }
            self.left -= 1;
            return Some(Ok(element));
        }
    }
}

/// A bounded list field's elements: the fast reading when the field occurs once without a
/// quote, else the general one; the same elements and faults either way.
#[derive(Debug, Clone)]
pub enum BoundedElements<'h, 'b> {
    /// One quote-free value.
    Plain(PlainElements<'b>),
    /// Anything else.
    General(Bounded<ListElements<'h, 'b>>),
}

impl<'b> Iterator for BoundedElements<'_, 'b> {
    type Item = Result<&'b [u8], ListFault>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            BoundedElements::Plain(plain) => plain.next(),
            BoundedElements::General(general) => general.next(),
        }
    }
}

/// [`contains_token`] for a field that occurs once as one bare token (`Connection:
/// Upgrade`): one compare, no list reader. `None` when `value` (OWS-trimmed) is anything
/// else or `max` allows no element, for [`contains_token`] to read. `token`
/// is a lowercase token, so a value equal to it is a token too: the common case is settled
/// by that compare before any scan.
#[inline]
pub fn single_token_contains(value: &[u8], max: usize, token: &str) -> Option<bool> {
    if max == 0 {
        return None;
    }
    is_the_token(value, token).ok()
}

/// [`contains_token`] for one field value on the hot path: one compare for a
/// value that is a single token ([`single_token_contains`]), else the quote-free reading
/// ([`PlainElements`]); `None` for a value with a quote, a malformed one, or one past `max`
/// elements, which the general reader then judges.
#[inline]
pub fn plain_contains_token(value: &[u8], max: usize, token: &str) -> Option<bool> {
    match single_token_contains(value, max, token) {
        Some(found) => Some(found),
        None => contains_token(PlainElements::new(value, max)?, token).ok(),
    }
}

/// Whether the elements hold `token` (given in lowercase), compared case-insensitively,
/// every element checked to be a token (RFC 9110 §7.6.1 Connection options, RFC 6455
/// §4.2.1 protocol names).
pub fn contains_token<'b>(
    elements: impl Iterator<Item = Result<&'b [u8], ListFault>>,
    token: &str,
) -> Result<bool, ListFault> {
    let mut found = false;
    for element in elements {
        found |= is_the_token(element?, token)?;
    }
    Ok(found)
}

/// Whether one element is `token` (given in lowercase), compared case-insensitively; a
/// fault when the element is not a token at all. An element equal to the lowercase token,
/// case aside, is a token: the common case is settled by that one compare, any other
/// element is scanned.
#[inline(always)]
fn is_the_token(element: &[u8], token: &str) -> Result<bool, ListFault> {
    if crate::grammar::chars::eq_ignore_case_lower(element, token.as_bytes()) {
        Ok(true)
    } else if is_token(element) {
        Ok(false)
    } else {
        Err(ListFault::Malformed)
    }
}

/// One `;`-separated parameter: `token [ BWS "=" BWS ( token / quoted-string ) ]`
/// (RFC 9110 §5.6.6, as RFC 6455 §9.1 uses it for extension parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param<'b> {
    /// The parameter name, a token.
    pub name: &'b [u8],
    /// The value, if the parameter has one.
    pub value: Option<ParamValue<'b>>,
}

/// A parameter value as written: a token, or the text between a quoted-string's quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamValue<'b> {
    /// A bare token.
    Token(&'b [u8]),
    /// A quoted-string's inner text, quoted-pairs still escaped.
    Quoted(&'b [u8]),
}

impl<'b> ParamValue<'b> {
    /// The value's bytes with quoted-pairs resolved.
    pub fn bytes(&self) -> Unescaped<'b> {
        match *self {
            ParamValue::Token(token) => Unescaped::new(token),
            ParamValue::Quoted(quoted) => Unescaped::new(quoted),
        }
    }
}

/// Reads one parameter at the start of `bytes` (after a `;`), returning it and the rest
/// after its OWS, or `None` when it breaks the grammar.
fn read_param(bytes: &[u8]) -> Option<(Param<'_>, &[u8])> {
    let bytes = trim_leading_ows(bytes);
    let (name, rest) = bytes.split_at(token_len(bytes));
    if name.is_empty() {
        return None;
    }
    let rest = trim_leading_ows(rest);
    let Some(after_equals) = rest.strip_prefix(b"=") else {
        return Some((Param { name, value: None }, rest));
    };
    let after_equals = trim_leading_ows(after_equals);
    let (value, rest) = if after_equals.first() == Some(&b'"') {
        let len = quoted_string_len(after_equals)?;
        let inner = after_equals.get(1..len - 1)?;
        (ParamValue::Quoted(inner), after_equals.get(len..)?)
    } else {
        let len = token_len(after_equals);
        if len == 0 {
            return None;
        }
        let (token, rest) = after_equals.split_at(len);
        (ParamValue::Token(token), rest)
    };
    let param = Param {
        name,
        value: Some(value),
    };
    Some((param, trim_leading_ows(rest)))
}

/// The length of the run of `tchar`s at the start of `bytes` (RFC 9110 §5.6.2), by class
/// table.
#[inline]
fn token_len(bytes: &[u8]) -> usize {
    crate::grammar::chars::run_len(bytes, crate::grammar::chars::TCHAR)
}

/// `bytes` without leading OWS (RFC 9110 §5.6.3); most values have none, which one compare
/// settles.
#[inline]
pub(crate) fn trim_leading_ows(bytes: &[u8]) -> &[u8] {
    match bytes.first() {
        Some(&first) if is_ows(first) => trim_leading_ows_slowly(bytes),
        _ => bytes,
    }
}

/// [`trim_leading_ows`] by scanning.
fn trim_leading_ows_slowly(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| !is_ows(b))
        .unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// Splits an element `token *( OWS ";" OWS param )` into its leading token and its
/// parameter text, checking the whole element (RFC 9110 §5.6.6, RFC 6455 §9.1).
pub fn split_parameterised(element: &[u8]) -> Result<(&[u8], Params<'_>), MalformedList> {
    split_parameterised_where(element, |_| true)
}

/// [`split_parameterised`], with every parameter also passing `accept` in the same pass
/// (which may keep what it sees: it is called once per parameter, in order).
pub fn split_parameterised_where<'b>(
    element: &'b [u8],
    mut accept: impl FnMut(&Param<'b>) -> bool,
) -> Result<(&'b [u8], Params<'b>), MalformedList> {
    let (name, rest) = element.split_at(token_len(element));
    if name.is_empty() {
        return Err(MalformedList);
    }
    let params = trim_leading_ows(rest);
    let mut check = params;
    while !check.is_empty() {
        let after_semicolon = check.strip_prefix(b";").ok_or(MalformedList)?;
        let (param, rest) = read_param(after_semicolon).ok_or(MalformedList)?;
        if !accept(&param) {
            return Err(MalformedList);
        }
        check = rest;
    }
    Ok((name, Params { rest: params }))
}

/// The parameters of an element that [`split_parameterised`] has checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params<'b> {
    rest: &'b [u8],
}

impl<'b> Params<'b> {
    /// The parameters written in `text`, the part of an element after its leading token,
    /// for a reader that has checked it by other means than [`split_parameterised`]; it
    /// must read as that function would have read it.
    pub(crate) fn checked_elsewhere(text: &'b [u8]) -> Self {
        Self { rest: text }
    }
}

impl<'b> Iterator for Params<'b> {
    type Item = Param<'b>;

    fn next(&mut self) -> Option<Param<'b>> {
        let after_semicolon = self.rest.strip_prefix(b";")?;
        let (param, rest) = read_param(after_semicolon)?;
        self.rest = rest;
        Some(param)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_tokens_are_decided_without_the_list_reader() {
        assert_eq!(single_token_contains(b"Upgrade", 1, "upgrade"), Some(true));
        assert_eq!(single_token_contains(b"close", 1, "upgrade"), Some(false));
        assert_eq!(single_token_contains(b"Upgrade", 0, "upgrade"), None);
        assert_eq!(single_token_contains(b"a, upgrade", 4, "upgrade"), None);
        assert_eq!(single_token_contains(b"", 4, "upgrade"), None);
    }

    fn collect(value: &[u8]) -> ([&[u8]; 8], usize, bool) {
        let mut out: [&[u8]; 8] = [b""; 8];
        let mut count = 0;
        let mut failed = false;
        for element in Elements::new(value) {
            match element {
                Ok(e) => {
                    out[count] = e;
                    count += 1;
                }
                Err(_) => failed = true,
            }
        }
        (out, count, failed)
    }

    #[test]
    fn empty_elements_and_ows_vanish() {
        let (out, count, failed) = collect(b", ,a,,b ,");
        assert_eq!(&out[..count], &[&b"a"[..], b"b"]);
        assert!(!failed);
        assert_eq!(collect(b"").1, 0);
        assert_eq!(collect(b" , \t,").1, 0);
    }

    #[test]
    fn quoted_commas_do_not_split() {
        let (out, count, _) = collect(br#"x; a="1,2", y"#);
        assert_eq!(&out[..count], &[&br#"x; a="1,2""#[..], b"y"]);
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        let (_, count, failed) = collect(br#"a, "b"#);
        assert_eq!(count, 1);
        assert!(failed);
        assert_eq!(quoted_string_len(br#""a\"#), None);
        assert_eq!(quoted_string_len(b"\"a\x01\""), None);
        // A quoted-pair escapes only HTAB, SP, VCHAR and obs-text (RFC 9110 §5.6.4).
        assert_eq!(quoted_string_len(b"\"a\\\x01\""), None);
        assert_eq!(quoted_string_len(b"\"a\\\x7f\""), None);
        assert_eq!(quoted_string_len(b"\"a\\\t\""), Some(5));
    }

    #[test]
    fn quoted_pairs_unescape() {
        assert_eq!(quoted_string_len(br#""a\"b" rest"#), Some(6));
        let text: [u8; 3] = {
            let mut buf = [0u8; 3];
            for (slot, byte) in buf.iter_mut().zip(Unescaped::new(br#"a\"b"#)) {
                *slot = byte;
            }
            buf
        };
        assert_eq!(&text, b"a\"b");
    }

    #[test]
    fn trims_ows_only() {
        assert_eq!(trim_ows(b" \t a b\t "), b"a b");
        assert_eq!(trim_ows(b"  "), b"");
    }

    #[test]
    fn tokens() {
        assert!(is_token(b"permessage-deflate"));
        assert!(!is_token(b""));
        assert!(!is_token(b"a b"));
        assert!(!is_token(b"a/b"));
    }

    #[test]
    fn parameters_parse_with_bws_and_quotes() {
        let (name, params) =
            split_parameterised(br#"ext ; a ; b = 1 ;c="x\"y""#).expect("well-formed");
        assert_eq!(name, b"ext");
        let mut params = params;
        assert_eq!(
            params.next(),
            Some(Param {
                name: b"a",
                value: None
            })
        );
        assert_eq!(
            params.next(),
            Some(Param {
                name: b"b",
                value: Some(ParamValue::Token(b"1"))
            })
        );
        assert_eq!(
            params.next(),
            Some(Param {
                name: b"c",
                value: Some(ParamValue::Quoted(br#"x\"y"#))
            })
        );
        assert_eq!(params.next(), None);
    }

    #[test]
    fn malformed_parameters_are_errors() {
        for bad in [
            &b"ext;"[..],
            b"ext;=1",
            b"ext;a=",
            b"ext a",
            b";a",
            b"ext;a=\"1",
            b"ext;a=1 2",
            b"ext;a b",
        ] {
            assert!(
                split_parameterised(bad).is_err(),
                "{:?}",
                core::str::from_utf8(bad)
            );
        }
    }
}
