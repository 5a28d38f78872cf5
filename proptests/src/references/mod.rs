//! What the RFCs require, written from their text without the core crate: the server's
//! and the client's side of the handshake, SHA-1, base64 and the accept key, HTTP2-Settings,
//! IP literals in Host, and reads split across calls. Oracles compare the core with these.

pub mod client_reference;
pub mod handshake_rules;
pub mod http2_settings;
pub mod ip_literal;
pub mod reference;
pub mod rfc;
pub mod split_reads;
