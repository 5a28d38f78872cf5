//! The heads a server writes for a switch (RFC 9110 §7.8, §15.2; RFC 6455 §4.2.2 item 5).

use super::Accepted;
use crate::error::BufferTooSmall;
use crate::http1::write::{status_line, HeadWriter};
use crate::websocket::deflate::DeflateParams;
use crate::websocket::key::Accept;

impl Accepted<'_> {
    /// Writes every head the switch calls for into `buf`: `100 Continue` when the request
    /// expected it, then the 101 (RFC 9110 §7.8, §15.2.2; RFC 6455 §4.2.2 item 5). For a
    /// request with a body, write the two apart, with the body read between them (see
    /// [`Accepted`]).
    pub fn write_response(&self, buf: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let mut out = HeadWriter::new(buf);
        self.interim(&mut out);
        self.switch(&mut out);
        out.finish()
    }

    /// Writes `100 Continue` when the request expected it, else nothing (RFC 9110 §10.1.1).
    pub fn write_interim(&self, buf: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let mut out = HeadWriter::new(buf);
        self.interim(&mut out);
        out.finish()
    }

    /// Writes the 101 head alone (RFC 9110 §15.2.2, RFC 6455 §4.2.2 item 5).
    pub fn write_switch(&self, buf: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let mut out = HeadWriter::new(buf);
        self.switch(&mut out);
        out.finish()
    }

    fn interim(&self, out: &mut HeadWriter<'_>) {
        if self.expect_continue {
            status_line(out, 100);
            out.put(b"\r\n");
        }
    }

    fn switch(&self, out: &mut HeadWriter<'_>) {
        match &self.websocket {
            Some(websocket) => write_websocket_101(
                out,
                &websocket.accept,
                websocket.subprotocol,
                websocket.deflate.as_ref(),
            ),
            None => {
                status_line(out, 101);
                out.field("Upgrade", self.protocol.text.as_bytes());
                out.field("Connection", b"Upgrade");
                out.put(b"\r\n");
            }
        }
    }
}

/// Writes a WebSocket 101 (RFC 6455 §4.2.2 item 5): the fixed part in one copy, then the
/// accept value, the chosen subprotocol and the accepted extension, then the empty line.
pub(crate) fn write_websocket_101(
    out: &mut HeadWriter<'_>,
    accept: &Accept,
    subprotocol: Option<&str>,
    deflate: Option<&DeflateParams>,
) {
    out.put(WEBSOCKET_101_PREFIX);
    out.put(accept.as_bytes());
    out.put(b"\r\n");
    if let Some(subprotocol) = subprotocol {
        out.field("Sec-WebSocket-Protocol", subprotocol.as_bytes());
    }
    if let Some(deflate) = deflate {
        out.put(b"Sec-WebSocket-Extensions: ");
        deflate.write(out);
        out.put(b"\r\n");
    }
    out.put(b"\r\n");
}

/// The status line and fixed fields that open every WebSocket 101 (RFC 6455 §4.2.2 item 5),
/// up to the Accept value.
const WEBSOCKET_101_PREFIX: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ";
