//! The WebSocket handshake's hot path (RFC 6455 §4.2.1-§4.2.2, RFC 9110 §7.8):
//! one pass over the parsed fields that recognises each field by its name's length and
//! first byte and judges its value the moment it is seen, a flat result, and the 101
//! written straight into the caller's buffer.
//!
//! It decides nothing of its own: each value goes through the rule the general path uses
//! ([`super::rules`], the list rules with their grammar), and the pass keeps only its gate,
//! the common shape it takes: a request in HTTP/1.1 to an origin-form target; Host,
//! Upgrade, Connection, Sec-WebSocket-Key and Sec-WebSocket-Version each exactly once, and
//! Origin, Sec-WebSocket-Protocol and Sec-WebSocket-Extensions at most once; one bare
//! Upgrade token; no Content-Length, Transfer-Encoding or Expect; no quoted-string in a list
//! field; no OWS around the values of Host, Upgrade, Sec-WebSocket-Key and
//! Sec-WebSocket-Version (httparse never leaves any). Anything outside the gate, and every
//! rejection and decline, goes to the general path ([`ServerPolicy::negotiate`]), which
//! stays the reference: the `one_pass` property (`proptests`), its gate near misses, and
//! the `server_negotiate` fuzz target check that whatever this path takes, the general
//! path switches too, with the same fields and the same 101 bytes.

use super::write::write_websocket_101;
use super::{rules, ServerPolicy, WebSocketSwitch};
use crate::grammar::list::{plain_contains_token, trim_ows, PlainElements};
use crate::grammar::plain;
use crate::grammar::uri::Authority;
use crate::http1::fields::Known;
use crate::http1::head::{Header, RequestHead};
use crate::http1::write::HeadWriter;
use crate::upgrade::{self, CONNECTION_OPTION};
use crate::websocket::extensions;
use crate::websocket::key::Accept;
use crate::websocket::subprotocol::{self};
use crate::websocket::PROTOCOL;

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
        rules::http_version(head.minor_version).ok()?;
        rules::websocket_method(head.method).ok()?;
        // The gate: origin-form, whose authority is the Host field's.
        if rules::target(head.target).ok()?.is_some() {
            return None;
        }
        let seen = self.read_fields(head.fields.as_slice(), max)?;
        let (Some(host), Some(key)) = (seen.host, seen.key) else {
            return None;
        };
        self.origins
            .check(seen.origin, &host, self.require_origin)
            .ok()?;
        // Where the policy has nothing to choose from a list, the gate is a forward scan that
        // only says "well formed" (else the general path judges it); where it has, the
        // list's rule chooses over the quote-free reader.
        let subprotocol = match seen.subprotocols {
            None => None,
            Some(offers) if self.subprotocols.is_empty() => {
                plain::tokens_ok(offers, max).then_some(None)?
            }
            Some(offers) => subprotocol::choose(
                PlainElements::new(offers, max)?,
                self.subprotocols,
                self.subprotocol_order,
            )
            .ok()?,
        };
        let deflate = match seen.extensions {
            None => None,
            Some(offers) if self.deflate.is_none() => {
                plain::extensions_ok(offers, max).then_some(None)?
            }
            Some(offers) => {
                extensions::choose_deflate(PlainElements::new(offers, max)?, self.deflate).ok()?
            }
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
                Known::Host => seen.host = Some(self.host(value).ok()?),
                Known::Origin => seen.origin = Some(trim_ows(value)),
                // The gate: a bare `websocket`, case aside; the rule: an entry of the policy
                // takes that offer (the value equals `websocket` but for case, so the
                // literal stands for it).
                Known::Upgrade => {
                    let taken = rules::is_websocket_name(value)
                        && self.protocols.iter().any(|entry| {
                            upgrade::entry_takes_lowercase(entry, PROTOCOL.as_bytes())
                        });
                    if !taken {
                        return None;
                    }
                }
                Known::Connection => {
                    plain_contains_token(value, max, CONNECTION_OPTION).filter(|&found| found)?;
                }
                Known::Key => seen.key = Some(rules::key(value).ok()?),
                Known::Version => rules::websocket_version(value).ok()?,
                Known::Protocol => seen.subprotocols = Some(value),
                Known::Extensions => seen.extensions = Some(value),
                Known::Http2Settings | Known::Accept => {}
                // The gate: a request with framing fields or an expectation is judged whole
                // by the general path.
                Known::ContentLength | Known::TransferEncoding | Known::Expect => return None,
            }
        }
        (seen.fields & REQUIRED == REQUIRED).then_some(seen)
    }
}
