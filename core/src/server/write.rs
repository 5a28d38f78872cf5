//! The heads a server writes: a switch (RFC 9110 §7.8, §15.2; RFC 6455 §4.2.2 item 5)
//! and a rejection (RFC 9110 §15.5.22, RFC 6455 §4.2.2).

use super::Accepted;
use crate::error::{BufferTooSmall, RejectReason};
use crate::http1::write::{status_line, HeadWriter};
use crate::websocket::deflate::DeflateParams;
use crate::websocket::key::Accept;
use crate::websocket::{PROTOCOL, VERSION};

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

/// Writes the response to a rejected request into `buf`: the status line, for a 426 the
/// `Upgrade` field naming `protocols` (RFC 9110 §15.5.22) and, for a WebSocket version
/// problem, `Sec-WebSocket-Version: 13` (RFC 6455 §4.2.2); then `Connection: close`
/// (the request's framing is not trusted after a rejection) and an empty body.
pub(crate) fn write_rejection(
    reason: RejectReason,
    protocols: &[&str],
    buf: &mut [u8],
) -> Result<usize, BufferTooSmall> {
    let mut out = HeadWriter::new(buf);
    let status = reason.status();
    status_line(&mut out, status);
    if status == 426 {
        out.put(b"Upgrade: ");
        if reason.advertises_websocket_version() {
            out.put(PROTOCOL.as_bytes());
        } else {
            for (index, protocol) in protocols.iter().enumerate() {
                if index > 0 {
                    out.put(b", ");
                }
                out.put(protocol.as_bytes());
            }
        }
        out.put(b"\r\n");
        if reason.advertises_websocket_version() {
            out.field("Sec-WebSocket-Version", VERSION);
        }
        out.field("Connection", b"Upgrade, close");
    } else {
        out.field("Connection", b"close");
    }
    out.field("Content-Length", b"0");
    out.put(b"\r\n");
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http1::write::reason_phrase;

    #[test]
    fn too_small_reports_the_need() {
        let mut small = [0u8; 10];
        let needed = write_rejection(RejectReason::MissingHost, &[], &mut small);
        let mut big = [0u8; 256];
        let len = write_rejection(RejectReason::MissingHost, &[], &mut big).expect("fits");
        assert_eq!(needed, Err(BufferTooSmall { needed: len }));
        assert_eq!(
            &big[..len],
            b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        );
    }

    #[test]
    fn version_426_names_13() {
        let mut buf = [0u8; 256];
        let len = write_rejection(RejectReason::UnsupportedVersion, &["websocket"], &mut buf)
            .expect("fits");
        assert_eq!(
            &buf[..len],
            &b"HTTP/1.1 426 Upgrade Required\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
Connection: Upgrade, close\r\nContent-Length: 0\r\n\r\n"[..]
        );
    }

    #[test]
    fn upgrade_required_lists_protocols() {
        let mut buf = [0u8; 256];
        let len = write_rejection(
            RejectReason::UpgradeRequired,
            &["websocket", "example/1"],
            &mut buf,
        )
        .expect("fits");
        let text = core::str::from_utf8(&buf[..len]).expect("ascii");
        assert!(text.contains("\r\nUpgrade: websocket, example/1\r\n"));
        assert!(!text.contains("Sec-WebSocket-Version"));
    }

    #[test]
    fn every_status_line_has_its_rfc_9110_phrase() {
        // RFC 9110 §15 reason phrases, written out by hand.
        let phrases = [
            (400, "Bad Request"),
            (403, "Forbidden"),
            (417, "Expectation Failed"),
            (421, "Misdirected Request"),
            (426, "Upgrade Required"),
            (431, "Request Header Fields Too Large"),
            (501, "Not Implemented"),
            (505, "HTTP Version Not Supported"),
        ];
        for reason in RejectReason::ALL {
            let mut buf = [0u8; 256];
            let len = write_rejection(reason, &["websocket"], &mut buf).expect("fits");
            let (_, phrase) = phrases
                .iter()
                .find(|(status, _)| *status == reason.status())
                .expect("a documented status");
            let line = std::format!("HTTP/1.1 {} {phrase}\r\n", reason.status());
            assert!(buf[..len].starts_with(line.as_bytes()), "{reason}");
        }
        assert_eq!(reason_phrase(100), "Continue");
        assert_eq!(reason_phrase(101), "Switching Protocols");
        assert_eq!(reason_phrase(200), "");
    }
}
