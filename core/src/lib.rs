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

pub mod authority;
pub mod byte_class;
pub mod client;
pub mod client_one_pass;
pub mod connect;
pub mod framing;
pub mod h2c;
pub mod head;
#[cfg(feature = "http")]
pub mod http_types;
pub mod list;
pub mod one_pass;
pub mod origin;
pub mod plain_list;
pub mod reason;
pub mod response;
pub mod server;
pub mod upgrade;
pub mod websocket;

pub use authority::Authority;
pub use client::{ClientError, ClientRequest, Established, Expectation, RequestError};
pub use connect::{ConnectOutcome, ConnectResponse};
pub use framing::Body;
pub use h2c::Http2Settings;
pub use head::{
    parse_request, parse_response, Header, Limits, RequestHead, ResponseHead, Status, EMPTY_HEADER,
};
pub use one_pass::{Reply, WebSocketSwitch};
pub use origin::OriginPolicy;
pub use reason::{BufferTooSmall, DeclineReason, RejectReason};
pub use server::{Accepted, AuthoritySource, Handshake, Outcome, ServerPolicy, WebSocketAccepted};
pub use websocket::deflate::{DeflateOffer, DeflateParams, DeflatePolicy};
pub use websocket::key::{Accept, Key};
pub use websocket::subprotocol::SubprotocolOrder;

/// The README's embedding example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
