//! Writing heads into a caller's buffer: the exact length, or how much room was missing
//! (RFC 9112 §4 status line and fields).

use crate::error::{BufferTooSmall, RejectReason};

/// Appends bytes to a caller's buffer, counting what did not fit so the caller learns the
/// size it needs. Never allocates, never panics.
#[derive(Debug)]
pub struct HeadWriter<'o> {
    buf: &'o mut [u8],
    len: usize,
}

impl<'o> HeadWriter<'o> {
    /// Writes into `buf` from its start.
    pub fn new(buf: &'o mut [u8]) -> Self {
        Self { buf, len: 0 }
    }

    /// Appends `bytes`, or counts them if they do not fit.
    pub fn put(&mut self, bytes: &[u8]) {
        let end = self.len.saturating_add(bytes.len());
        if let Some(slot) = self.buf.get_mut(self.len..end) {
            slot.copy_from_slice(bytes);
        }
        self.len = end;
    }

    /// Appends a number in decimal.
    pub fn put_decimal(&mut self, mut value: u16) {
        let mut digits = [0u8; 5];
        let mut start = digits.len();
        loop {
            start -= 1;
            if let Some(slot) = digits.get_mut(start) {
                *slot = b'0' + (value % 10) as u8;
            }
            value /= 10;
            if value == 0 || start == 0 {
                break;
            }
        }
        self.put(digits.get(start..).unwrap_or_default());
    }

    /// Appends `name: value\r\n`.
    pub fn field(&mut self, name: &str, value: &[u8]) {
        self.put(name.as_bytes());
        self.put(b": ");
        self.put(value);
        self.put(b"\r\n");
    }

    /// The bytes written so far, if everything fitted.
    pub fn written(&self) -> Option<&[u8]> {
        self.buf.get(..self.len)
    }

    /// The length written, or how many bytes the whole would have needed.
    pub fn finish(self) -> Result<usize, BufferTooSmall> {
        if self.len <= self.buf.len() {
            Ok(self.len)
        } else {
            Err(BufferTooSmall { needed: self.len })
        }
    }
}

/// The reason phrase for a status this crate writes (RFC 9110 §15).
pub const fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        400 => "Bad Request",
        403 => "Forbidden",
        417 => "Expectation Failed",
        426 => "Upgrade Required",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// Writes `HTTP/1.1 <status> <phrase>\r\n`.
pub fn status_line(out: &mut HeadWriter<'_>, status: u16) {
    out.put(b"HTTP/1.1 ");
    out.put_decimal(status);
    out.put(b" ");
    out.put(reason_phrase(status).as_bytes());
    out.put(b"\r\n");
}

/// Writes the response to a rejected request into `buf`: the status line, for a 426 the
/// `Upgrade` field naming `protocols` (RFC 9110 §15.5.22) and, for a WebSocket version
/// problem, `Sec-WebSocket-Version: 13` (RFC 6455 §4.2.2); then `Connection: close`
/// (the request's framing is not trusted after a rejection) and an empty body.
pub fn write_rejection(
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
            out.put(crate::websocket::PROTOCOL.as_bytes());
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
            out.field("Sec-WebSocket-Version", crate::websocket::VERSION);
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

    #[test]
    fn decimal() {
        let mut buf = [0u8; 16];
        let mut out = HeadWriter::new(&mut buf);
        out.put_decimal(0);
        out.put_decimal(65535);
        assert_eq!(out.written(), Some(&b"065535"[..]));
    }
}
