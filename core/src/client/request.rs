//! The client's opening request (RFC 6455 §4.1): checked parts, written in a few copies.

use super::Expectation;
use crate::error::BufferTooSmall;
use crate::grammar::list::is_token;
use crate::grammar::uri::target_form_ok;
use crate::http1::head::Limits;
use crate::http1::write::HeadWriter;
use crate::websocket::key::Key;

/// A WebSocket opening request to write (RFC 6455 §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientRequest<'a> {
    /// The Host field value (RFC 9112 §3.2).
    pub host: &'a str,
    /// The request target, e.g. `/chat?room=1`.
    pub target: &'a str,
    /// 16 random bytes, freshly chosen for this request by the caller (RFC 6455 §4.1 item 7).
    pub nonce: [u8; 16],
    /// The Origin field, as browsers send it (RFC 6455 §4.1 item 8).
    pub origin: Option<&'a str>,
    /// Subprotocols offered, in preference order (RFC 6455 §4.1 item 10).
    pub subprotocols: &'a [&'a str],
    /// The Sec-WebSocket-Extensions value offered, e.g.
    /// `permessage-deflate; client_max_window_bits` (RFC 6455 §4.1 item 11, RFC 7692 §5).
    pub extensions: Option<&'a str>,
}

impl<'a> ClientRequest<'a> {
    /// The Sec-WebSocket-Key this request sends (RFC 6455 §4.1 item 7).
    pub fn key(&self) -> Key {
        Key::from_nonce(&self.nonce)
    }

    /// Checks every caller-supplied part before anything is written: the target is an
    /// origin-form or absolute-form request-target without spaces or controls (RFC 9112
    /// §3.2), Host is `uri-host [ ":" port ]` (RFC 9112 §3.2, as the server checks it),
    /// Origin and the extension offer are field values without CR, LF or other controls
    /// (RFC 9110 §5.5), subprotocols are tokens (RFC 6455 §4.1 item 10). This is what keeps
    /// untrusted input from injecting fields into the head.
    pub fn check(&self) -> Result<(), RequestError> {
        use crate::grammar::chars::{all, FIELD_VALUE, TARGET};
        if !target_form_ok(self.target) || !all(self.target.as_bytes(), TARGET) {
            return Err(RequestError::InvalidField { field: "target" });
        }
        let value_ok = |value: &str| all(value.as_bytes(), FIELD_VALUE);
        // RFC 9112 §3.2: `uri-host [ ":" port ]`, the grammar our server holds a Host to.
        if crate::grammar::uri::Authority::parse(self.host.as_bytes()).is_none() {
            return Err(RequestError::InvalidField { field: "host" });
        }
        if self.origin.is_some_and(|origin| !value_ok(origin)) {
            return Err(RequestError::InvalidField { field: "origin" });
        }
        if self.subprotocols.iter().any(|s| !is_token(s.as_bytes())) {
            return Err(RequestError::InvalidField {
                field: "subprotocols",
            });
        }
        if self
            .extensions
            .is_some_and(|extensions| !value_ok(extensions))
        {
            return Err(RequestError::InvalidField {
                field: "extensions",
            });
        }
        Ok(())
    }

    /// Writes the request head into `buf` (RFC 6455 §4.1), after [`ClientRequest::check`]:
    /// the fixed text between the caller's parts in as few copies as it takes.
    pub fn write(&self, buf: &mut [u8]) -> Result<usize, RequestError> {
        self.check()?;
        let mut out = HeadWriter::new(buf);
        out.put(b"GET ");
        out.put(self.target.as_bytes());
        out.put(b" HTTP/1.1\r\nHost: ");
        out.put(self.host.as_bytes());
        out.put(b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ");
        out.put(self.key().as_bytes());
        out.put(b"\r\nSec-WebSocket-Version: 13\r\n");
        if let Some(origin) = self.origin {
            out.field("Origin", origin.as_bytes());
        }
        if let Some((first, rest)) = self.subprotocols.split_first() {
            out.put(b"Sec-WebSocket-Protocol: ");
            out.put(first.as_bytes());
            for subprotocol in rest {
                out.put(b", ");
                out.put(subprotocol.as_bytes());
            }
            out.put(b"\r\n");
        }
        if let Some(extensions) = self.extensions {
            out.field("Sec-WebSocket-Extensions", extensions.as_bytes());
        }
        out.put(b"\r\n");
        out.finish()
            .map_err(|BufferTooSmall { needed }| RequestError::BufferTooSmall { needed })
    }

    /// What the response to this request must satisfy (RFC 6455 §4.1, response items 1-6).
    pub fn expectation(&self) -> Expectation<'a> {
        Expectation {
            key: self.key(),
            subprotocols: self.subprotocols,
            extensions: self.extensions.map(str::as_bytes),
            limits: Limits::DEFAULT,
        }
    }
}

/// Why a request head was not written (RFC 6455 §4.1; RFC 9110 §5.5, RFC 9112 §3.2 for the
/// parts' grammar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestError {
    /// A caller-supplied part would break the head (see [`ClientRequest::check`]).
    InvalidField {
        /// Which part: `target`, `host`, `origin`, `subprotocols` or `extensions`.
        field: &'static str,
    },
    /// The buffer cannot hold the head.
    BufferTooSmall {
        /// How many bytes the head needs.
        needed: usize,
    },
}

impl core::fmt::Display for RequestError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            RequestError::InvalidField { field } => write!(f, "invalid {field} for a request head"),
            RequestError::BufferTooSmall { needed } => {
                write!(f, "buffer too small: the head needs {needed} bytes")
            }
        }
    }
}
