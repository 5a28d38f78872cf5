//! The header fields of a head (RFC 9110 §5): looked up by name case-insensitively, and
//! the fields the handshakes read indexed in one pass ([`KnownFields`]).

use crate::grammar::list::{BoundedElements, FieldValues, ListElements, PlainElements};
use httparse::Header;

/// The header fields of a parsed head, looked up case-insensitively (RFC 9110 §5.1).
#[derive(Debug, Clone, Copy)]
pub struct Fields<'h, 'b> {
    headers: &'h [Header<'b>],
}

/// How many fields of one name a head has, and the value when there is exactly one
/// (RFC 9110 §5.3: singleton fields must not repeat).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Singleton<'b> {
    /// The field is absent.
    Missing,
    /// The field appears once, with this OWS-trimmed value.
    One(&'b [u8]),
    /// The field appears more than once.
    Repeated,
}

impl<'h, 'b> Fields<'h, 'b> {
    /// Wraps parsed headers.
    pub(crate) fn new(headers: &'h [Header<'b>]) -> Self {
        Self { headers }
    }

    /// The raw headers, in the order received (RFC 9110 §5.3: order matters between fields of
    /// one name).
    pub fn as_slice(&self) -> &'h [Header<'b>] {
        self.headers
    }
}

/// The fields the Upgrade and WebSocket handshakes read, in requests and in the 101
/// (RFC 9110 §7.6.1, §7.8, §8.6, §10.1.1; RFC 9112 §3.2, §6.1; RFC 6455 §11.3; RFC 6454
/// §7; RFC 7540 §3.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// `Host`.
    Host,
    /// `Origin`.
    Origin,
    /// `Upgrade`.
    Upgrade,
    /// `Connection`.
    Connection,
    /// `Sec-WebSocket-Key`.
    Key,
    /// `Sec-WebSocket-Version`.
    Version,
    /// `Sec-WebSocket-Protocol`.
    Protocol,
    /// `Sec-WebSocket-Extensions`.
    Extensions,
    /// `Content-Length`.
    ContentLength,
    /// `Transfer-Encoding`.
    TransferEncoding,
    /// `Expect`.
    Expect,
    /// `HTTP2-Settings` (RFC 7540 §3.2.1).
    Http2Settings,
    /// `Sec-WebSocket-Accept`, read by the client (RFC 6455 §4.1, §11.3.3).
    Accept,
}

/// How many [`Known`] fields there are.
const KNOWN_COUNT: usize = 13;

impl Known {
    /// This field's bit in a set of fields held as a `u16` (the one passes' "seen" sets).
    pub const fn bit(self) -> u16 {
        1 << self as u16
    }

    /// Every known field.
    pub const ALL: [Known; KNOWN_COUNT] = [
        Known::Host,
        Known::Origin,
        Known::Upgrade,
        Known::Connection,
        Known::Key,
        Known::Version,
        Known::Protocol,
        Known::Extensions,
        Known::ContentLength,
        Known::TransferEncoding,
        Known::Expect,
        Known::Http2Settings,
        Known::Accept,
    ];

    /// The field name, lowercase.
    pub const fn name(self) -> &'static str {
        match self {
            Known::Host => "host",
            Known::Origin => "origin",
            Known::Upgrade => "upgrade",
            Known::Connection => "connection",
            Known::Key => "sec-websocket-key",
            Known::Version => "sec-websocket-version",
            Known::Protocol => "sec-websocket-protocol",
            Known::Extensions => "sec-websocket-extensions",
            Known::ContentLength => "content-length",
            Known::TransferEncoding => "transfer-encoding",
            Known::Expect => "expect",
            Known::Http2Settings => "http2-settings",
            Known::Accept => "sec-websocket-accept",
        }
    }

    /// The known field a name is, compared case-insensitively; the length and, where two
    /// names share one, the first byte pick the only candidate, so one comparison decides.
    /// Each arm compares with its own literal name, so the compiler folds the name's words
    /// and letter masks into constants.
    #[inline]
    pub(crate) fn of(name: &str) -> Option<Known> {
        let name = name.as_bytes();
        let is = |known: Known, lower: &str| {
            crate::grammar::chars::eq_ignore_case_lower(name, lower.as_bytes()).then_some(known)
        };
        // The first byte is read only where two names share a length.
        let first = || name.first().map(u8::to_ascii_lowercase);
        match name.len() {
            4 => is(Known::Host, "host"),
            6 if first() == Some(b'e') => is(Known::Expect, "expect"),
            6 => is(Known::Origin, "origin"),
            7 => is(Known::Upgrade, "upgrade"),
            10 => is(Known::Connection, "connection"),
            14 if first() == Some(b'h') => is(Known::Http2Settings, "http2-settings"),
            14 => is(Known::ContentLength, "content-length"),
            17 if first() == Some(b't') => is(Known::TransferEncoding, "transfer-encoding"),
            17 => is(Known::Key, "sec-websocket-key"),
            20 => is(Known::Accept, "sec-websocket-accept"),
            21 => is(Known::Version, "sec-websocket-version"),
            22 => is(Known::Protocol, "sec-websocket-protocol"),
            24 => is(Known::Extensions, "sec-websocket-extensions"),
            _ => None,
        }
    }
}

/// How often a known field occurs, and where first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Slot {
    count: usize,
    first: usize,
}

/// The known fields of a head, found in one pass over its headers, so every later lookup
/// reads only the fields it needs.
#[derive(Debug, Clone, Copy)]
pub struct KnownFields<'h, 'b> {
    headers: &'h [Header<'b>],
    slots: [Slot; KNOWN_COUNT],
}

impl<'h, 'b> KnownFields<'h, 'b> {
    /// Indexes `fields` in one pass.
    pub fn index(fields: Fields<'h, 'b>) -> Self {
        let mut slots = [Slot::default(); KNOWN_COUNT];
        for (position, header) in fields.headers.iter().enumerate() {
            if let Some(known) = Known::of(header.name) {
                if let Some(slot) = slots.get_mut(known as usize) {
                    if slot.count == 0 {
                        slot.first = position;
                    }
                    slot.count += 1;
                }
            }
        }
        Self {
            headers: fields.headers,
            slots,
        }
    }

    fn slot(&self, known: Known) -> Slot {
        self.slots.get(known as usize).copied().unwrap_or_default()
    }

    /// The headers from the field's first occurrence: one header when it occurs once.
    fn fields_of(&self, known: Known) -> &'h [Header<'b>] {
        let slot = self.slot(known);
        let end = if slot.count == 1 {
            slot.first + 1
        } else {
            self.headers.len()
        };
        match slot.count {
            0 => &[],
            _ => self.headers.get(slot.first..end).unwrap_or_default(),
        }
    }

    /// Whether the field occurs.
    pub fn contains(&self, known: Known) -> bool {
        self.slot(known).count > 0
    }

    /// A singleton field's OWS-trimmed value (RFC 9110 §5.3).
    pub fn singleton(&self, known: Known) -> Singleton<'b> {
        match self.slot(known).count {
            0 => Singleton::Missing,
            1 => self
                .fields_of(known)
                .first()
                .map_or(Singleton::Missing, |header| {
                    Singleton::One(crate::grammar::list::trim_ows(header.value))
                }),
            _ => Singleton::Repeated,
        }
    }

    /// A list field's elements up to `max`, all its fields combined in order (RFC 9110
    /// §5.3, §5.6.1): read by [`PlainElements`] when the field occurs once without a quote.
    pub fn elements(&self, known: Known, max: usize) -> BoundedElements<'h, 'b> {
        let slot = self.slot(known);
        if slot.count == 1 {
            let plain = self
                .headers
                .get(slot.first)
                .and_then(|header| PlainElements::new(header.value, max));
            if let Some(plain) = plain {
                return BoundedElements::Plain(plain);
            }
        }
        BoundedElements::General(self.list(known).bounded(max))
    }

    /// A list field's elements, all its fields combined in order (RFC 9110 §5.3, §5.6.1).
    pub fn list(&self, known: Known) -> ListElements<'h, 'b> {
        let fields = self.fields_of(known);
        match self.slot(known).count {
            1 => ListElements::new(FieldValues::all(fields)),
            _ => ListElements::new(FieldValues::new(fields, known.name())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http1::head::{parse_request, Limits};
    use httparse::EMPTY_HEADER;

    const HEAD: &[u8] = b"GET / HTTP/1.1\r\nHost: h\r\nCONNECTION: a\r\nconnection: b\r\n\r\nrest";

    #[test]
    fn known_fields_find_singletons_and_combine_lists() {
        let mut headers = [EMPTY_HEADER; 8];
        let head = parse_request(HEAD, &mut headers, &Limits::DEFAULT)
            .expect("valid")
            .complete()
            .expect("complete");
        let known = KnownFields::index(head.fields);
        assert_eq!(known.singleton(Known::Host), Singleton::One(b"h"));
        assert_eq!(known.singleton(Known::Connection), Singleton::Repeated);
        assert_eq!(known.singleton(Known::Key), Singleton::Missing);
        let mut list = known.list(Known::Connection);
        assert_eq!(
            (list.next(), list.next(), list.next()),
            (Some(Ok(&b"a"[..])), Some(Ok(&b"b"[..])), None)
        );
        assert!(!known.contains(Known::Upgrade));
        for known in Known::ALL {
            assert_eq!(Known::of(&known.name().to_ascii_uppercase()), Some(known));
            assert_eq!(Known::of(known.name()), Some(known));
        }
        assert_eq!(Known::of("expecT"), Some(Known::Expect));
        assert_eq!(Known::of("origiN"), Some(Known::Origin));
        assert_eq!(Known::of("exigin"), None);
        assert_eq!(
            Known::of("transfer-encodinG"),
            Some(Known::TransferEncoding)
        );
        assert_eq!(Known::of("sec-websocket-kez"), None);
        assert_eq!(Known::of("hosts"), None);
        assert_eq!(Known::of("hast"), None);
    }
}
