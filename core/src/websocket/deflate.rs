//! permessage-deflate (RFC 7692 §5-§7): checking offers, choosing the parameters a server
//! agrees to, and checking a server's answer as the client that offered.

#[cfg(test)]
use crate::grammar::list::Params;
use crate::grammar::list::{Param, ParamValue};
use crate::http1::write::{Formatted, Put};

/// The extension token (RFC 7692 §7).
pub const NAME: &str = "permessage-deflate";

/// What a client's offer says about `client_max_window_bits` (RFC 7692 §7.1.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientWindowBits {
    /// Not offered: the server must not send the parameter.
    #[default]
    Absent,
    /// Offered without a value: the client supports the parameter.
    Supported,
    /// Offered with a value: the client will use at most this window.
    Bits(u8),
}

/// A permessage-deflate offer whose parameters are all known, unrepeated and in range
/// (RFC 7692 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeflateOffer {
    /// `server_no_context_takeover` (RFC 7692 §7.1.1.1).
    pub server_no_context_takeover: bool,
    /// `client_no_context_takeover` (RFC 7692 §7.1.1.2).
    pub client_no_context_takeover: bool,
    /// `server_max_window_bits` (RFC 7692 §7.1.2.1).
    pub server_max_window_bits: Option<u8>,
    /// `client_max_window_bits` (RFC 7692 §7.1.2.2).
    pub client_max_window_bits: ClientWindowBits,
}

/// The parameters of an accepted permessage-deflate: what a server's response says (RFC
/// 7692 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct DeflateParams {
    /// The server resets its compression context per message.
    pub server_no_context_takeover: bool,
    /// The client resets its compression context per message.
    pub client_no_context_takeover: bool,
    /// The server's LZ77 window, 8..=15 bits, if limited.
    pub server_max_window_bits: Option<u8>,
    /// The client's LZ77 window, 8..=15 bits, if limited.
    pub client_max_window_bits: Option<u8>,
}

/// What a server wants from permessage-deflate beyond what the client asks for (RFC 7692
/// §7.1.1-§7.1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeflatePolicy {
    /// Always reset the server's context per message.
    pub server_no_context_takeover: bool,
    /// Ask the client to reset its context per message.
    pub client_no_context_takeover: bool,
    /// Limit the server's window to this many bits (8..=15).
    pub server_max_window_bits: Option<u8>,
    /// Limit the client's window, where the client's offer allows it (8..=15).
    pub client_max_window_bits: Option<u8>,
}

/// Reads a window-bits value: `8` to `15`, as a token or quoted, without leading zeros
/// (RFC 7692 §7.1.2.1-§7.1.2.2).
fn window_bits(value: &ParamValue<'_>) -> Option<u8> {
    let mut unescaped = [0u8; 2];
    let digits = match *value {
        // A token is its own text: no quoted-pair to resolve.
        ParamValue::Token(token) => token,
        ParamValue::Quoted(_) => {
            let mut len = 0;
            for byte in value.bytes() {
                *unescaped.get_mut(len)? = byte;
                len += 1;
            }
            unescaped.get(..len)?
        }
    };
    match digits {
        [d @ b'8'..=b'9'] => Some(d - b'0'),
        [b'1', d @ b'0'..=b'5'] => Some(10 + d - b'0'),
        _ => None,
    }
}

/// The four parameters, each seen at most once, as written, gathered one at a time
/// ([`Seen::add`]) so that they can be collected in the pass that checks the element's
/// grammar ([`crate::websocket::extensions::Extension::parse_with`]).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Seen<'b> {
    server_no_context_takeover: bool,
    client_no_context_takeover: bool,
    server_max_window_bits: Option<ParamValue<'b>>,
    client_max_window_bits: Option<Option<ParamValue<'b>>>,
    /// An unknown name, a repeat, or a value where none belongs was seen.
    invalid: bool,
}

/// permessage-deflate's four parameters (RFC 7692 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamName {
    /// `server_no_context_takeover` (§7.1.1.1).
    ServerNoContextTakeover,
    /// `client_no_context_takeover` (§7.1.1.2).
    ClientNoContextTakeover,
    /// `server_max_window_bits` (§7.1.2.1).
    ServerMaxWindowBits,
    /// `client_max_window_bits` (§7.1.2.2).
    ClientMaxWindowBits,
}

impl ParamName {
    /// Each name as written.
    const ALL: [(ParamName, &'static [u8]); 4] = [
        (
            ParamName::ServerNoContextTakeover,
            b"server_no_context_takeover",
        ),
        (
            ParamName::ClientNoContextTakeover,
            b"client_no_context_takeover",
        ),
        (ParamName::ServerMaxWindowBits, b"server_max_window_bits"),
        (ParamName::ClientMaxWindowBits, b"client_max_window_bits"),
    ];

    /// The parameter `name` names, if it is one of the four (names are compared exactly).
    fn of(name: &[u8]) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|(_, text)| *text == name)
            .map(|(known, _)| known)
    }

    /// The name `bytes` start with, and the bytes after it, for the reader of
    /// permessage-deflate as servers write it: each name of [`ParamName::ALL`] is a side
    /// (`server_`, `client_`) and a rest, and each is found by one compare.
    pub(crate) fn at_start(bytes: &[u8]) -> Option<(Self, &[u8])> {
        const MAX_WINDOW_BITS: &[u8] = b"max_window_bits";
        const NO_CONTEXT_TAKEOVER: &[u8] = b"no_context_takeover";
        let (side, rest) = bytes.split_at_checked(b"server_".len())?;
        let server = match side {
            b"server_" => true,
            b"client_" => false,
            _ => return None,
        };
        let (name, after) = if let Some(after) = rest.strip_prefix(MAX_WINDOW_BITS) {
            let name = if server {
                ParamName::ServerMaxWindowBits
            } else {
                ParamName::ClientMaxWindowBits
            };
            (name, after)
        } else if let Some(after) = rest.strip_prefix(NO_CONTEXT_TAKEOVER) {
            let name = if server {
                ParamName::ServerNoContextTakeover
            } else {
                ParamName::ClientNoContextTakeover
            };
            (name, after)
        } else {
            return None;
        };
        Some((name, after))
    }
}

impl<'b> Seen<'b> {
    /// Takes one parameter (RFC 7692 §7.1); an unknown name, a repeat or a value where
    /// none belongs marks the whole set invalid.
    pub(crate) fn add(&mut self, Param { name, value }: &Param<'b>) {
        match ParamName::of(name) {
            Some(known) => self.add_known(known, *value),
            None => self.invalid = true,
        }
    }

    /// [`Seen::add`] of a parameter whose name is already known.
    pub(crate) fn add_known(&mut self, name: ParamName, value: Option<ParamValue<'b>>) {
        match (name, value) {
            (ParamName::ServerNoContextTakeover, None) if !self.server_no_context_takeover => {
                self.server_no_context_takeover = true;
            }
            (ParamName::ClientNoContextTakeover, None) if !self.client_no_context_takeover => {
                self.client_no_context_takeover = true;
            }
            (ParamName::ServerMaxWindowBits, Some(bits))
                if self.server_max_window_bits.is_none() =>
            {
                self.server_max_window_bits = Some(bits);
            }
            (ParamName::ClientMaxWindowBits, bits) if self.client_max_window_bits.is_none() => {
                self.client_max_window_bits = Some(bits);
            }
            _ => self.invalid = true,
        }
    }

    /// The set, unless a parameter made it invalid.
    fn valid(self) -> Option<Self> {
        (!self.invalid).then_some(self)
    }
}

#[cfg(test)]
fn collect(params: Params<'_>) -> Seen<'_> {
    let mut seen = Seen::default();
    for param in params {
        seen.add(&param);
    }
    seen
}

impl DeflateOffer {
    /// Checks an offer's parameters (RFC 7692 §7.1); `None` means the offer must be declined.
    #[cfg(test)]
    fn parse(params: Params<'_>) -> Option<DeflateOffer> {
        DeflateOffer::from_seen(collect(params))
    }

    /// [`DeflateOffer::parse`] of parameters already gathered.
    pub(crate) fn from_seen(seen: Seen<'_>) -> Option<DeflateOffer> {
        let seen = seen.valid()?;
        let server_max_window_bits = match seen.server_max_window_bits {
            Some(value) => Some(window_bits(&value)?),
            None => None,
        };
        let client_max_window_bits = match seen.client_max_window_bits {
            None => ClientWindowBits::Absent,
            Some(None) => ClientWindowBits::Supported,
            Some(Some(value)) => ClientWindowBits::Bits(window_bits(&value)?),
        };
        Some(DeflateOffer {
            server_no_context_takeover: seen.server_no_context_takeover,
            client_no_context_takeover: seen.client_no_context_takeover,
            server_max_window_bits,
            client_max_window_bits,
        })
    }
}

fn smallest(a: Option<u8>, b: Option<u8>) -> Option<u8> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl DeflatePolicy {
    /// The parameters the server answers a valid offer with (RFC 7692 §7.1): every
    /// request in the offer is honoured, and the server's own limits are added where
    /// the RFC lets a server add them.
    pub(crate) fn accept(&self, offer: &DeflateOffer) -> DeflateParams {
        let client_max_window_bits = match offer.client_max_window_bits {
            ClientWindowBits::Absent => None,
            ClientWindowBits::Supported => self.client_max_window_bits,
            ClientWindowBits::Bits(bits) => smallest(Some(bits), self.client_max_window_bits),
        };
        DeflateParams {
            server_no_context_takeover: offer.server_no_context_takeover
                || self.server_no_context_takeover,
            client_no_context_takeover: offer.client_no_context_takeover
                || self.client_no_context_takeover,
            server_max_window_bits: smallest(
                offer.server_max_window_bits,
                self.server_max_window_bits.map(|bits| bits.clamp(8, 15)),
            ),
            client_max_window_bits: client_max_window_bits.map(|bits| bits.clamp(8, 15)),
        }
    }
}

impl DeflateParams {
    /// Reads a server's response parameters (RFC 7692 §7.1); `None` if any is unknown,
    /// repeated, or out of range, or `client_max_window_bits` lacks a value.
    #[cfg(test)]
    fn parse_response(params: Params<'_>) -> Option<DeflateParams> {
        DeflateParams::from_seen(collect(params))
    }

    /// [`DeflateParams::parse_response`] of parameters already gathered.
    pub(crate) fn from_seen(seen: Seen<'_>) -> Option<DeflateParams> {
        let seen = seen.valid()?;
        let server_max_window_bits = match seen.server_max_window_bits {
            Some(value) => Some(window_bits(&value)?),
            None => None,
        };
        let client_max_window_bits = match seen.client_max_window_bits {
            None => None,
            Some(value) => Some(window_bits(&value?)?),
        };
        Some(DeflateParams {
            server_no_context_takeover: seen.server_no_context_takeover,
            client_no_context_takeover: seen.client_no_context_takeover,
            server_max_window_bits,
            client_max_window_bits,
        })
    }

    /// Whether a client that made `offer` may accept these response parameters
    /// (RFC 7692 §7.1.1.1, §7.1.2.1, §7.1.2.2).
    pub(crate) fn answers(&self, offer: &DeflateOffer) -> bool {
        let server_context_ok =
            !offer.server_no_context_takeover || self.server_no_context_takeover;
        let server_bits_ok = match (offer.server_max_window_bits, self.server_max_window_bits) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(asked), Some(given)) => given <= asked,
        };
        let client_bits_ok = match (offer.client_max_window_bits, self.client_max_window_bits) {
            (ClientWindowBits::Absent, given) => given.is_none(),
            (ClientWindowBits::Supported, _) => true,
            (ClientWindowBits::Bits(_), None) => true,
            (ClientWindowBits::Bits(asked), Some(given)) => given <= asked,
        };
        server_context_ok && server_bits_ok && client_bits_ok
    }

    /// Writes `permessage-deflate` and its parameters as a response element.
    pub(crate) fn write(&self, out: &mut impl Put) {
        out.put(NAME.as_bytes());
        if self.server_no_context_takeover {
            out.put(b"; server_no_context_takeover");
        }
        if self.client_no_context_takeover {
            out.put(b"; client_no_context_takeover");
        }
        if let Some(bits) = self.server_max_window_bits {
            out.put(b"; server_max_window_bits=");
            out.put_decimal(u16::from(bits));
        }
        if let Some(bits) = self.client_max_window_bits {
            out.put(b"; client_max_window_bits=");
            out.put_decimal(u16::from(bits));
        }
    }
}

/// The accepted parameters as a Sec-WebSocket-Extensions element, e.g.
/// `permessage-deflate; server_no_context_takeover` (RFC 7692 §7.1).
impl core::fmt::Display for DeflateParams {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        Formatted::display(f, |out| self.write(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::websocket::extensions::Extension;

    #[test]
    fn each_name_is_found_at_the_start_as_written() {
        for (name, text) in ParamName::ALL {
            assert_eq!(ParamName::of(text), Some(name));
            assert_eq!(ParamName::at_start(text), Some((name, &b""[..])));
            let mut longer = text.to_vec();
            longer.extend_from_slice(b"=10");
            assert_eq!(ParamName::at_start(&longer), Some((name, &b"=10"[..])));
            assert_eq!(ParamName::at_start(&text[..text.len() - 1]), None);
        }
        for other in [&b"server_"[..], b"client_", b"Server_max_window_bits", b"x"] {
            assert_eq!(ParamName::at_start(other), None, "{other:?}");
        }
    }

    fn offer(text: &[u8]) -> Option<DeflateOffer> {
        DeflateOffer::parse(Extension::parse(text).expect("grammar").params)
    }

    #[test]
    fn browser_offer() {
        let parsed = offer(b"permessage-deflate; client_max_window_bits").expect("valid");
        assert_eq!(parsed.client_max_window_bits, ClientWindowBits::Supported);
        let params = DeflatePolicy::default().accept(&parsed);
        assert_eq!(params, DeflateParams::default());
        assert!(params.answers(&parsed));
    }

    #[test]
    fn invalid_offers_are_declined() {
        for bad in [
            &b"permessage-deflate; unknown"[..],
            b"permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            b"permessage-deflate; server_max_window_bits",
            b"permessage-deflate; server_max_window_bits=7",
            b"permessage-deflate; server_max_window_bits=16",
            b"permessage-deflate; server_max_window_bits=010",
            b"permessage-deflate; client_max_window_bits=1",
            b"permessage-deflate; server_no_context_takeover=1",
            b"permessage-deflate; client_max_window_bits; client_max_window_bits=9",
            b"permessage-deflate; client_no_context_takeover; client_no_context_takeover",
            b"permessage-deflate; server_max_window_bits=9; server_max_window_bits=9",
        ] {
            assert_eq!(offer(bad), None, "{:?}", core::str::from_utf8(bad));
        }
    }

    #[test]
    fn quoted_values_count() {
        let parsed = offer(br#"permessage-deflate; server_max_window_bits="10""#).expect("valid");
        assert_eq!(parsed.server_max_window_bits, Some(10));
    }

    #[test]
    fn server_limits_apply_where_allowed() {
        let policy = DeflatePolicy {
            server_max_window_bits: Some(12),
            client_max_window_bits: Some(10),
            ..DeflatePolicy::default()
        };
        let absent = offer(b"permessage-deflate").expect("valid");
        let params = policy.accept(&absent);
        assert_eq!(params.server_max_window_bits, Some(12));
        assert_eq!(params.client_max_window_bits, None);
        assert!(params.answers(&absent));
        let asked =
            offer(b"permessage-deflate; server_max_window_bits=9; client_max_window_bits=11")
                .expect("valid");
        let params = policy.accept(&asked);
        assert_eq!(params.server_max_window_bits, Some(9));
        assert_eq!(params.client_max_window_bits, Some(10));
        assert!(params.answers(&asked));
    }

    #[test]
    fn client_rejects_answers_it_did_not_allow() {
        let plain = offer(b"permessage-deflate").expect("valid");
        let with_client_bits = DeflateParams {
            client_max_window_bits: Some(10),
            ..DeflateParams::default()
        };
        assert!(!with_client_bits.answers(&plain));
        let asked = offer(b"permessage-deflate; server_no_context_takeover").expect("valid");
        assert!(!DeflateParams::default().answers(&asked));
        let bits = offer(b"permessage-deflate; server_max_window_bits=10").expect("valid");
        assert!(!DeflateParams::default().answers(&bits));
    }

    #[test]
    fn response_needs_client_bits_value() {
        let ext = Extension::parse(b"permessage-deflate; client_max_window_bits").expect("grammar");
        assert_eq!(DeflateParams::parse_response(ext.params), None);
    }

    /// Reading the parameters after the grammar check, or gathering them during it
    /// (`Extension::parse_deflate`), gives the same answer (RFC 7692 §7.1).
    #[test]
    fn parameters_read_later_or_gathered_in_the_pass_agree() {
        let twelve = DeflateParams {
            server_max_window_bits: Some(12),
            client_max_window_bits: Some(12),
            ..DeflateParams::default()
        };
        let cases: [(&[u8], Option<DeflateParams>); 6] = [
            (b"permessage-deflate", Some(DeflateParams::default())),
            (
                b"permessage-deflate; server_max_window_bits=12; client_max_window_bits=\"12\"",
                Some(twelve),
            ),
            (
                b"permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                Some(DeflateParams {
                    server_no_context_takeover: true,
                    client_no_context_takeover: true,
                    ..DeflateParams::default()
                }),
            ),
            (b"permessage-deflate; server_max_window_bits=7", None),
            (b"permessage-deflate; x=1", None),
            (
                b"permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                None,
            ),
        ];
        for (text, expected) in cases {
            let (ext, seen) = Extension::parse_deflate(text).expect("grammar");
            assert_eq!(
                DeflateParams::parse_response(ext.params),
                expected,
                "{text:?}"
            );
            assert_eq!(DeflateParams::from_seen(seen), expected, "{text:?}");
            let offer = DeflateOffer::parse(ext.params);
            assert_eq!(DeflateOffer::from_seen(seen), offer, "{text:?}");
        }
    }
}
