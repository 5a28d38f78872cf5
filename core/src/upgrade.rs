//! The generic Upgrade mechanism (RFC 9110 §7.8): `Upgrade: name[/version], ...` offers in
//! the client's preference order, honoured only with the `upgrade` Connection option.

use crate::grammar::chars::is_tchar;
use crate::grammar::list::ListFault;

/// One protocol in an Upgrade field: `protocol-name ["/" protocol-version]` (RFC 9110 §7.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProtocolOffer<'b> {
    /// The whole element as sent, e.g. `websocket` or `example/1`.
    pub text: &'b str,
    /// The protocol name.
    pub name: &'b str,
    /// The version, if any.
    pub version: Option<&'b str>,
}

impl<'b> ProtocolOffer<'b> {
    /// Parses one Upgrade list element; `None` if it is not `token ["/" token]`.
    pub(crate) fn parse(element: &'b [u8]) -> Option<Self> {
        // One pass: every byte a tchar but for one `/` with a token on each side.
        let mut slash = None;
        for (index, &byte) in element.iter().enumerate() {
            if byte == b'/' && slash.is_none() {
                slash = Some(index);
            } else if !is_tchar(byte) {
                return None;
            }
        }
        let name_len = slash.unwrap_or(element.len());
        if name_len == 0 || slash.is_some_and(|at| at + 1 == element.len()) {
            return None;
        }
        // Tokens are ASCII: one conversion, then the parts are sliced at the ASCII `/`.
        let text = core::str::from_utf8(element).ok()?;
        let (name, version) = match slash {
            Some(at) => (text.get(..at)?, Some(text.get(at + 1..)?)),
            None => (text, None),
        };
        Some(Self {
            text,
            name,
            version,
        })
    }

    /// Whether a server entry such as `websocket` or `example/1` takes this offer
    /// ([`entry_takes`]).
    #[inline]
    pub(crate) fn matches(&self, entry: &str) -> bool {
        entry_takes(entry, self.name.as_bytes(), self.version.map(str::as_bytes))
    }
}

/// Whether a server entry such as `websocket` or `example/1` takes the offer `name`
/// [`/version`]: names compare case-insensitively (RFC 9110 §7.8 registers them so); an
/// entry with a version takes only that version, one without takes any.
#[inline]
pub(crate) fn entry_takes(entry: &str, name: &[u8], version: Option<&[u8]>) -> bool {
    entry_takes_by(entry, name, version, <[u8]>::eq_ignore_ascii_case)
}

/// [`entry_takes`] of a name known to be lowercase (a literal such as `websocket`), its
/// case-insensitive compare folded into word compares.
#[inline]
pub(crate) fn entry_takes_lowercase(entry: &str, lower_name: &[u8]) -> bool {
    entry_takes_by(
        entry,
        lower_name,
        None,
        crate::grammar::chars::eq_ignore_case_lower,
    )
}

/// [`entry_takes`] with the case-insensitive name compare given.
#[inline(always)]
fn entry_takes_by(
    entry: &str,
    name: &[u8],
    version: Option<&[u8]>,
    same: impl Fn(&[u8], &[u8]) -> bool,
) -> bool {
    let entry = entry.as_bytes();
    let same_name = entry
        .get(..name.len())
        .is_some_and(|entry_name| same(entry_name, name));
    same_name
        && match entry.get(name.len()..) {
            Some([]) => true,
            Some([b'/', wanted @ ..]) => version == Some(wanted),
            _ => false,
        }
}

/// The Connection option that makes an Upgrade field count (RFC 9110 §7.6.1, §7.8).
pub(crate) const CONNECTION_OPTION: &str = "upgrade";

/// Whether the Connection elements hold the `upgrade` option, case aside, every element a
/// token (RFC 9110 §7.6.1, §7.8): the rule both roles hold a Connection field to (a server
/// reading a request, RFC 6455 §4.2.1 item 4; a client reading the 101, §4.1 item 3).
#[inline]
pub(crate) fn connection_upgrade<'b>(
    elements: impl Iterator<Item = Result<&'b [u8], ListFault>>,
) -> Result<bool, ListFault> {
    crate::grammar::list::contains_token(elements, CONNECTION_OPTION)
}

/// Picks the first offer, in the client's order, that one of `supported` takes
/// (RFC 9110 §7.8: the client lists protocols in descending preference).
///
/// `offers` are the combined Upgrade elements; a malformed one fails the whole field.
pub fn choose<'b, I>(offers: I, supported: &[&str]) -> Result<Option<ProtocolOffer<'b>>, ListFault>
where
    I: Iterator<Item = Result<&'b [u8], ListFault>>,
{
    let mut chosen = None;
    for element in offers {
        let offer = ProtocolOffer::parse(element?).ok_or(ListFault::Malformed)?;
        if chosen.is_none() && supported.iter().any(|entry| offer.matches(entry)) {
            chosen = Some(offer);
        }
    }
    Ok(chosen)
}

/// [`choose`] for the common Upgrade field that occurs once and holds one bare token
/// (`Upgrade: websocket`), without the list reader: `None` for any other value, which
/// [`choose`] must read (the fast path; `fast_paths` checks it against [`choose`]).
/// `value` is the field's OWS-trimmed value, `max` the list element limit.
pub fn choose_single_token<'b>(
    value: &'b [u8],
    max: usize,
    supported: &[&str],
) -> Option<Result<Option<ProtocolOffer<'b>>, ListFault>> {
    if max == 0 || !crate::grammar::list::is_token(value) {
        return None;
    }
    let text = core::str::from_utf8(value).ok()?;
    let offer = ProtocolOffer {
        text,
        name: text,
        version: None,
    };
    Some(Ok(supported
        .iter()
        .any(|entry| offer.matches(entry))
        .then_some(offer)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::list::Elements;

    fn offers(value: &[u8]) -> impl Iterator<Item = Result<&[u8], ListFault>> {
        Elements::new(value).map(|e| e.map_err(ListFault::from))
    }

    #[test]
    fn one_bare_token_is_chosen_without_the_list_reader() {
        let chosen = choose_single_token(b"WebSocket", 1, &["websocket"]);
        assert_eq!(
            chosen
                .and_then(Result::ok)
                .flatten()
                .map(|o| (o.text, o.version)),
            Some(("WebSocket", None))
        );
        assert_eq!(
            choose_single_token(b"websocket", 1, &["h2c"]),
            Some(Ok(None))
        );
        assert_eq!(choose_single_token(b"websocket", 0, &["websocket"]), None);
        assert_eq!(choose_single_token(b"a/1", 1, &["a"]), None);
        assert_eq!(choose_single_token(b"a, b", 1, &["a"]), None);
    }

    #[test]
    fn parses_name_and_version() {
        let offer = ProtocolOffer::parse(b"example/1").expect("valid");
        assert_eq!((offer.name, offer.version), ("example", Some("1")));
        assert_eq!(
            ProtocolOffer::parse(b"websocket").map(|o| o.version),
            Some(None)
        );
        assert_eq!(ProtocolOffer::parse(b"a/"), None);
        assert_eq!(ProtocolOffer::parse(b"/1"), None);
        assert_eq!(ProtocolOffer::parse(b"a/1/2"), None);
    }

    #[test]
    fn first_supported_offer_in_client_order_wins() {
        let chosen = choose(
            offers(b"foo/2, example/1, websocket"),
            &["websocket", "example"],
        );
        assert_eq!(chosen.map(|o| o.map(|o| o.text)), Ok(Some("example/1")));
    }

    #[test]
    fn versioned_entries_take_only_that_version() {
        let chosen = choose(offers(b"example/2, example/1"), &["example/1"]);
        assert_eq!(chosen.map(|o| o.map(|o| o.text)), Ok(Some("example/1")));
        assert_eq!(choose(offers(b"example"), &["example/1"]), Ok(None));
    }

    #[test]
    fn names_are_case_insensitive() {
        let chosen = choose(offers(b"WebSocket"), &["websocket"]);
        assert_eq!(chosen.map(|o| o.map(|o| o.text)), Ok(Some("WebSocket")));
    }

    #[test]
    fn malformed_element_fails_the_field() {
        assert_eq!(
            choose(offers(b"websocket, a b"), &["websocket"]),
            Err(ListFault::Malformed)
        );
    }
}
