//! The client's hot path (RFC 6455 §4.1 response items 1-6, RFC 7692 §7.1): a
//! common 101 checked in one pass over its fields, each recognised by its name's length and
//! first bytes and judged the moment it is seen, mirroring the server's one pass.
//!
//! It decides nothing of its own: each value goes through the rule the general checks use
//! (`validate`'s rules, the `upgrade` Connection option, the offered subprotocol, the
//! extension check), and the pass keeps only its gate: Upgrade, Connection and
//! Sec-WebSocket-Accept exactly once, Sec-WebSocket-Protocol and Sec-WebSocket-Extensions
//! at most once; Upgrade as one bare element; a subprotocol as one bare token; lists
//! without a quote. Anything else, and every failure, goes to the general checks
//! ([`Expectation::validate_general`]), which stay the reference: the `client_one_pass`
//! oracle (`proptests`) and the `client_validate` fuzz target check that both give the same
//! result on the same bytes.

use super::{validate, Established, Expectation};
use crate::grammar::list::{plain_contains_token, PlainElements};
use crate::http1::fields::Known;
use crate::http1::head::ResponseHead;
use crate::upgrade::CONNECTION_OPTION;
use crate::websocket::extensions::Extension;

/// The fields a 101 must hold, as bits of [`Known`].
const REQUIRED: u16 = Known::Upgrade.bit() | Known::Connection.bit() | Known::Accept.bit();

/// The values [`Expectation::established_in_one_pass`] reads after the pass.
#[derive(Default)]
struct Seen<'b> {
    fields: u16,
    accept: &'b [u8],
    subprotocol: Option<&'b [u8]>,
    extensions: Option<&'b [u8]>,
}

impl<'a> Expectation<'a> {
    /// The one-pass check of this module's description, of a response head after
    /// `interim` bytes of interim responses: the handshake established, or `None` for any
    /// response outside that description, for the general checks to judge.
    #[inline]
    pub(crate) fn established_in_one_pass<'b>(
        &self,
        head: &ResponseHead<'_, 'b>,
        interim: usize,
    ) -> Option<Established<'b>> {
        validate::status_line(head.minor_version, head.status).ok()?;
        let max = self.limits.max_list_elements;
        let seen = read_fields(head, max)?;
        self.check_accept(seen.accept).ok()?;
        // A bare token is the one subprotocol the general check reads; a list is left to it.
        let subprotocol = match seen.subprotocol {
            None => None,
            Some(chosen) => Some(self.offered_subprotocol(chosen)?),
        };
        // permessage-deflate as servers write it is read by literal compares; any other
        // value through the grammar, a value with a quote left to the general checks. (A
        // limit of no list element at all never gets here: Connection, which the pass
        // requires, is then left to the general checks.)
        let (deflate, extensions) = match seen.extensions {
            None => (None, [None; crate::client::MAX_ACCEPTED_EXTENSIONS]),
            Some(value) => match Extension::parse_written_deflate(value) {
                Some(parsed) => self.check_parsed_extensions(core::iter::once(Some(parsed))),
                None => self.check_extensions(PlainElements::new(value, max)?),
            }
            .ok()?,
        };
        Some(Established {
            subprotocol,
            deflate,
            extensions,
            consumed: interim + head.consumed,
        })
    }
}

/// The pass itself: the five fields a client reads, each once, checked as it is seen;
/// `None` as soon as one takes the response outside the one-pass description. Values are
/// read as they stand (httparse trims OWS around them; a hand-built head with OWS falls
/// back to the general checks, which trim).
#[inline]
fn read_fields<'b>(head: &ResponseHead<'_, 'b>, max: usize) -> Option<Seen<'b>> {
    let mut seen = Seen::default();
    for header in head.fields.as_slice() {
        let known = match Known::of(header.name) {
            Some(
                known @ (Known::Upgrade
                | Known::Connection
                | Known::Accept
                | Known::Protocol
                | Known::Extensions),
            ) => known,
            _ => continue,
        };
        if seen.fields & known.bit() != 0 {
            return None;
        }
        seen.fields |= known.bit();
        let value = header.value;
        match known {
            // The gate: one bare element; the rule: it is `websocket`.
            Known::Upgrade if validate::upgrade_is_websocket(value) => {}
            // The gate: a single token or a list without quotes; the rule: `upgrade` in it.
            Known::Connection
                if plain_contains_token(value, max, CONNECTION_OPTION) == Some(true) => {}
            Known::Accept => seen.accept = value,
            Known::Protocol => seen.subprotocol = Some(value),
            Known::Extensions => seen.extensions = Some(value),
            _ => return None,
        }
    }
    (seen.fields & REQUIRED == REQUIRED).then_some(seen)
}
