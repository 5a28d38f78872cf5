//! The WebSocket handshake's hot path (RFC 6455 §4.2.1-§4.2.2, RFC 9110 §7.8):
//! one pass over the parsed fields that recognises each field by its name's length and
//! first byte and checks its value the moment it is seen, a flat result, and the 101
//! written straight into the caller's buffer.
//!
//! It takes only requests it can judge whole as a switch: a GET in HTTP/1.1 to an
//! origin-form target; Host, Upgrade, Connection, Sec-WebSocket-Key and
//! Sec-WebSocket-Version each exactly once, and Origin, Sec-WebSocket-Protocol and
//! Sec-WebSocket-Extensions at most once; `Upgrade: websocket` as one token the policy
//! takes; a valid Host the policy answers for; no Content-Length, Transfer-Encoding or Expect; no quoted-string in
//! a list field; an Origin the policy allows; no OWS around the values of Host, Upgrade,
//! Sec-WebSocket-Key and Sec-WebSocket-Version (httparse never leaves any). Anything else,
//! and every rejection and decline, goes to the general path ([`ServerPolicy::negotiate`]),
//! which stays the reference: the `one_pass` property (`proptests`) and the
//! `server_negotiate` fuzz target check that whatever this path takes, the general path
//! switches too, with the same fields and the same 101 bytes.

use super::write::write_websocket_101;
use super::{ServerPolicy, WebSocketSwitch};
use crate::grammar::chars::eq_ignore_case_lower;
use crate::grammar::list::{plain_contains_token, trim_ows, PlainElements};
use crate::grammar::plain;
use crate::grammar::uri::Authority;
use crate::http1::fields::Known;
use crate::http1::head::{Header, RequestHead};
use crate::http1::write::HeadWriter;
use crate::websocket::extensions;
use crate::websocket::key::{Accept, Key};
use crate::websocket::subprotocol::{self};
use crate::websocket::{PROTOCOL, VERSION};

/// The fields a WebSocket switch needs, as bits of [`Known`].
const REQUIRED: u16 = Known::Host.bit()
    | Known::Upgrade.bit()
    | Known::Connection.bit()
    | Known::Key.bit()
    | Known::Version.bit();

/// The values of the fields [`ServerPolicy::switch_in_one_pass`] reads after the pass.
#[derive(Default)]
struct Seen<'b> {
    fields: u16,
    host: Option<Authority<'b>>,
    key: Option<&'b [u8; 24]>,
    origin: Option<&'b [u8]>,
    subprotocols: Option<&'b [u8]>,
    extensions: Option<&'b [u8]>,
}

impl<'p> ServerPolicy<'p> {
    /// The one-pass WebSocket switch of this module's description, its 101 written into
    /// `out`; `None` for any request outside that description or a buffer too small, which
    /// [`ServerPolicy::negotiate`] then judges (RFC 6455 §4.2.1-§4.2.2).
    #[inline]
    pub(crate) fn switch_in_one_pass<'b>(
        &self,
        head: &RequestHead<'_, 'b>,
        out: &mut [u8],
    ) -> Option<WebSocketSwitch<'b>> {
        let max = self.limits.max_list_elements;
        if head.minor_version != 1 || head.method != "GET" || !head.target.starts_with('/') {
            return None;
        }
        let seen = self.read_fields(head.fields.as_slice(), max)?;
        let (Some(host), Some(key)) = (seen.host, seen.key) else {
            return None;
        };
        self.hosts.check(&host).ok()?;
        self.origins
            .check(seen.origin, &host, self.require_origin)
            .ok()?;
        let subprotocol = match seen.subprotocols {
            None => None,
            Some(offers) if self.subprotocols.is_empty() => {
                if !plain::tokens_ok(offers, max) {
                    return None;
                }
                None
            }
            Some(offers) => subprotocol::choose(
                PlainElements::new(offers, max)?,
                self.subprotocols,
                self.subprotocol_order,
            )
            .ok()?,
        };
        // Choosing reads every offer through the grammar, so only a policy without
        // permessage-deflate needs the forward scan to check the list.
        let deflate = match seen.extensions {
            Some(offers) if self.deflate.is_some() => {
                extensions::choose_deflate(PlainElements::new(offers, max)?, self.deflate).ok()?
            }
            Some(offers) if !plain::extensions_ok(offers, max) => return None,
            _ => None,
        };
        let mut writer = HeadWriter::new(out);
        write_websocket_101(
            &mut writer,
            &Accept::for_key_text(key),
            subprotocol,
            deflate.as_ref(),
        );
        Some(WebSocketSwitch {
            consumed: head.consumed,
            written: writer.finish().ok()?,
            target: head.target,
            host: host.text,
            origin: seen.origin,
            subprotocol,
            deflate,
        })
    }

    /// The pass itself: each field recognised once and its value checked as it is seen;
    /// `None` as soon as a field takes the request outside the one-pass description.
    #[inline]
    fn read_fields<'b>(&self, headers: &[Header<'b>], max: usize) -> Option<Seen<'b>> {
        let mut seen = Seen::default();
        for header in headers {
            let Some(known) = Known::of(header.name) else {
                continue;
            };
            if seen.fields & known.bit() != 0 {
                return None;
            }
            seen.fields |= known.bit();
            // Values are read as they stand: httparse trims OWS around them, and a value
            // with OWS around it (a head built by hand) fails each check below and goes to
            // the general path, which trims it; only the Origin, kept as it is, is trimmed.
            let value = header.value;
            match known {
                Known::Host => seen.host = Some(Authority::parse(value)?),
                Known::Origin => seen.origin = Some(trim_ows(value)),
                Known::Upgrade => {
                    // An entry takes a bare `websocket` offer exactly when it is
                    // `websocket`, case aside ([`ProtocolOffer::matches`]).
                    if !eq_ignore_case_lower(value, PROTOCOL.as_bytes())
                        || !self.protocols.iter().any(|entry| {
                            eq_ignore_case_lower(entry.as_bytes(), PROTOCOL.as_bytes())
                        })
                    {
                        return None;
                    }
                }
                Known::Connection if plain_contains_token(value, max, "upgrade") == Some(true) => {}
                Known::Key => seen.key = Some(Key::valid_text(value)?),
                Known::Version if value == VERSION => {}
                Known::Protocol => seen.subprotocols = Some(value),
                Known::Extensions => seen.extensions = Some(value),
                Known::Http2Settings | Known::Accept => {}
                Known::Connection
                | Known::Version
                | Known::ContentLength
                | Known::TransferEncoding
                | Known::Expect => return None,
            }
        }
        (seen.fields & REQUIRED == REQUIRED).then_some(seen)
    }
}
