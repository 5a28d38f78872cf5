//! Strict, allocation-free negotiation of the HTTP/1.1 Upgrade mechanism (RFC 9110 §7.8)
//! and the WebSocket opening handshake (RFC 6455 §4), with permessage-deflate offers
//! (RFC 7692 §5-§7).
//!
//! Bytes in, a typed verdict out; the caller owns the socket and the buffers. Nothing here
//! allocates, panics on input, or waits for bytes beyond the configured limits.
//!
//! ```
//! use http_upgrade::{Outcome, ServerPolicy, Status, EMPTY_HEADER};
//!
//! let request = b"GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\
//! Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
//! Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat\r\n\r\n\x81\x00";
//! let policy = ServerPolicy { subprotocols: &["chat"], ..ServerPolicy::websocket() };
//! let mut headers = [EMPTY_HEADER; 32];
//! let Status::Complete(handshake) = policy.handshake(request, &mut headers) else {
//!     panic!("read more bytes and call again");
//! };
//! let mut response = [0u8; 512];
//! let len = policy.write_response(&handshake.outcome, &mut response).unwrap();
//! match handshake.outcome {
//!     Outcome::Switch(accepted) => {
//!         let websocket = accepted.websocket.unwrap();
//!         assert_eq!(websocket.accept.as_str(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
//!         assert_eq!(websocket.subprotocol, Some("chat"));
//!         assert!(response[..len].starts_with(b"HTTP/1.1 101 Switching Protocols\r\n"));
//!         // The frame after the head belongs to the WebSocket connection.
//!         assert_eq!(&request[handshake.consumed.unwrap()..], b"\x81\x00");
//!     }
//!     Outcome::Decline(_) => { /* not an upgrade: serve the request normally */ }
//!     Outcome::Reject(reason) => panic!("answer {} and close", reason.status()),
//! }
//! ```
//!
//! # The API
//!
//! Everything a server, client or `http`-crate user needs is re-exported at the crate
//! root and listed in `core/PUBLIC_API.md`, which CI regenerates and compares: the surface
//! changes only on purpose. The modules themselves are private. `__private` is not API: it
//! is the one door through which this workspace's oracle crate, benches and tools reach the
//! internals, and it changes without notice.
//!
//! # Layout
//!
//! The folders follow the layers of the protocol; imports only run downward (`grammar` →
//! `error` → `http1` → `upgrade`, `h2c`, `websocket` → `server` | `client` → `http_types`):
//!
//! - `grammar/`: the wire grammar of RFC 9110 §5.5-§5.6 and RFC 3986: bytes to sub-slices,
//!   no policy, no status codes (`chars`: every byte predicate and the class table derived
//!   from them; `list`: the general list reader and the quote-free reader beside it;
//!   `plain`: quote-free scans that only say "well formed"; `uri`: authority and the
//!   request-target rule).
//! - `error`: [`RejectReason`], [`DeclineReason`], [`BufferTooSmall`].
//! - `http1/`: the RFC 9112 message layer for both roles (`head`, `fields`, `framing`,
//!   `write`).
//! - `upgrade`, `h2c`, `websocket/`: the pieces each protocol defines, role-neutral.
//! - `server/`: every `impl ServerPolicy`: the entry points and the one dispatch in `mod.rs`,
//!   each field's rule once (`rules`), the general path (`http1`, the reference) and the one
//!   pass beside it, both calling those rules, extended CONNECT (`connect`), the WebSocket
//!   choices, Origin, and the heads a switch writes.
//! - `client/`: the request (`request`), each field's rule of the 101 and the general
//!   checks that run them (`validate`, the reference), and the one pass beside them.
//! - `http_types` (feature `http`): the adapter for the `http` crate's types.
//!
//! A fast path only ever accepts what the general path accepts, with the same bytes out: it
//! decides no rule of its own, only which requests it takes (its gate).
//! Built with `--cfg http_upgrade_general_only`, [`ServerPolicy::respond`] and
//! [`Expectation::validate`] take the general path for every input, so the test suite can
//! judge that path on its own (CI runs it both ways).
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
#![warn(missing_docs)]

#[cfg(test)]
extern crate std;

mod client;
mod error;
mod grammar;
mod h2c;
mod http1;
#[cfg(feature = "http")]
pub mod http_types;
mod server;
mod upgrade;
mod websocket;

pub use client::{
    CheckedRequest, ClientError, ClientRequest, Established, Expectation, ExtensionOffers,
    RequestError, MAX_ACCEPTED_EXTENSIONS, MAX_INTERIM_RESPONSES, MAX_OFFERED_EXTENSIONS,
};
pub use error::{BufferTooSmall, DeclineReason, RejectReason};
pub use grammar::uri::Authority;
pub use h2c::Http2Settings;
pub use http1::fields::Fields;
pub use http1::framing::Body;
pub use http1::head::{
    parse_request, parse_response, Header, Limits, RequestHead, ResponseHead, Status, EMPTY_HEADER,
};
pub use server::{
    Accepted, AuthoritySource, ConnectAccepted, ConnectOutcome, ConnectResponse, ConnectWebSocket,
    Handshake, HostPolicy, OriginPolicy, Outcome, Reply, ServerPolicy, WebSocketAccepted,
    WebSocketSwitch,
};
pub use upgrade::ProtocolOffer;
pub use websocket::deflate::{DeflateParams, DeflatePolicy};
pub use websocket::extensions::Extension;
pub use websocket::key::{Accept, Key};
pub use websocket::subprotocol::SubprotocolOrder;

/// Not API: the internals this workspace's oracle crate (`proptests`), benches and tools
/// test and measure. Nothing here is covered by semver; do not use it.
#[doc(hidden)]
pub mod __private {
    pub use crate::grammar::{chars, list, plain, uri};
    pub use crate::http1::{fields, framing, head, write};
    pub use crate::server::{connect, origin};

    /// The typed reasons, with the helpers that map list faults to them.
    pub mod error {
        pub use crate::error::*;
    }
    /// h2c (RFC 7540 §3.2).
    pub mod h2c {
        pub use crate::h2c::*;
    }
    /// The Upgrade list (RFC 9110 §7.8).
    pub mod upgrade {
        pub use crate::upgrade::*;
    }
    /// The WebSocket pieces (RFC 6455 §4, RFC 7692).
    pub mod websocket {
        pub use crate::websocket::*;
    }

    use crate::grammar::list::Params;
    use crate::WebSocketSwitch;
    use crate::{Accept, Extension};
    use crate::{Established, Expectation, RequestHead, ResponseHead, ServerPolicy};

    /// The server's one pass alone: the switch it decides, its 101 written into `out`, or
    /// `None` where it hands the request to the general path.
    pub fn switch_in_one_pass<'b>(
        policy: &ServerPolicy<'_>,
        head: &RequestHead<'_, 'b>,
        out: &mut [u8],
    ) -> Option<WebSocketSwitch<'b>> {
        policy.switch_in_one_pass(head, out)
    }

    /// A head's fields over raw headers, as the parsers make them.
    pub fn fields<'h, 'b>(headers: &'h [crate::Header<'b>]) -> crate::Fields<'h, 'b> {
        crate::Fields::new(headers)
    }

    /// `head` with its fields replaced by `headers` (values a parser would not produce,
    /// such as OWS around them, for the tests of what the one pass hands over).
    pub fn request_head_with_fields<'h, 'b>(
        head: &RequestHead<'_, 'b>,
        headers: &'h [crate::Header<'b>],
    ) -> RequestHead<'h, 'b> {
        RequestHead {
            fields: crate::Fields::new(headers),
            ..*head
        }
    }

    /// `head` with its fields replaced by `headers`, as [`request_head_with_fields`].
    pub fn response_head_with_fields<'h, 'b>(
        head: &ResponseHead<'_, 'b>,
        headers: &'h [crate::Header<'b>],
    ) -> ResponseHead<'h, 'b> {
        ResponseHead {
            fields: crate::Fields::new(headers),
            ..*head
        }
    }

    /// One Upgrade list element, `protocol-name ["/" protocol-version]` (RFC 9110 §7.8).
    pub fn parse_protocol_offer(element: &[u8]) -> Option<crate::ProtocolOffer<'_>> {
        crate::ProtocolOffer::parse(element)
    }

    /// One Sec-WebSocket-Extensions element parsed (RFC 6455 §9.1), `None` when it breaks
    /// the grammar.
    pub fn parse_extension(element: &[u8]) -> Option<Extension<'_>> {
        Extension::parse_with(element, |_| {})
    }

    /// An extension's parameters, in the order written.
    pub fn extension_params<'b>(extension: &Extension<'b>) -> Params<'b> {
        extension.params
    }

    /// The Accept for any key text, valid or not (RFC 6455 §1.3).
    pub fn accept_for_key_text(key: &[u8]) -> Accept {
        Accept::for_key_text(key)
    }

    /// The client's one pass alone, after `interim` bytes of interim responses: the
    /// handshake established, or `None` where it hands the 101 to the general checks.
    pub fn established_in_one_pass<'b>(
        expectation: &Expectation<'_>,
        head: &ResponseHead<'_, 'b>,
        interim: usize,
    ) -> Option<Established<'b>> {
        expectation.established_in_one_pass(head, interim)
    }
}

/// The crate's own README (the one published with it), compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct CrateReadmeDoctests;
