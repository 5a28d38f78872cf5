//! The WebSocket opening handshake (RFC 6455 §4) and permessage-deflate (RFC 7692).

pub mod deflate;
pub mod extensions;
pub mod key;
pub mod subprotocol;

/// The only version this crate speaks (RFC 6455 §4.1 item 9).
pub const VERSION: &[u8] = b"13";

/// The Upgrade protocol name (RFC 6455 §4.1 item 5, §11.2), compared case-insensitively.
pub const PROTOCOL: &str = "websocket";
