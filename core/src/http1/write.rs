//! Writing heads into a caller's buffer: the exact length, or how much room was missing
//! (RFC 9112 §4 status line and fields).

use crate::error::BufferTooSmall;

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
    #[inline]
    pub fn put(&mut self, bytes: &[u8]) {
        let end = self.len.saturating_add(bytes.len());
        if let Some(slot) = self.buf.get_mut(self.len..end) {
            slot.copy_from_slice(bytes);
        }
        self.len = end;
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

/// Where the writers of field values put their bytes: a caller's buffer ([`HeadWriter`]),
/// or a formatter ([`Formatted`]), so one piece of code writes a value both ways.
pub trait Put {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]);

    /// Appends a number in decimal.
    fn put_decimal(&mut self, mut value: u16) {
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
}

impl Put for HeadWriter<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        HeadWriter::put(self, bytes);
    }
}

/// A [`core::fmt::Formatter`] as a [`Put`], for `Display` impls of the values this crate
/// writes: bytes that are not UTF-8 are shown as U+FFFD.
pub struct Formatted<'f, 'a> {
    formatter: &'f mut core::fmt::Formatter<'a>,
    result: core::fmt::Result,
}

impl<'f, 'a> Formatted<'f, 'a> {
    /// Writes `value` by `write` into `formatter`, with the formatter's first error.
    pub fn display(
        formatter: &'f mut core::fmt::Formatter<'a>,
        write: impl FnOnce(&mut Self),
    ) -> core::fmt::Result {
        let mut this = Self {
            formatter,
            result: Ok(()),
        };
        write(&mut this);
        this.result
    }
}

impl Put for Formatted<'_, '_> {
    fn put(&mut self, bytes: &[u8]) {
        if self.result.is_ok() {
            self.result = match core::str::from_utf8(bytes) {
                Ok(text) => self.formatter.write_str(text),
                Err(_) => self.formatter.write_str("\u{fffd}"),
            };
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
        421 => "Misdirected Request",
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

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::string::ToString;

    #[test]
    fn decimal() {
        let mut buf = [0u8; 16];
        let mut out = HeadWriter::new(&mut buf);
        out.put_decimal(0);
        out.put_decimal(65535);
        assert_eq!(out.written(), Some(&b"065535"[..]));
    }

    #[test]
    fn formatted_writes_what_the_buffer_gets() {
        struct Decimal(u16);
        impl core::fmt::Display for Decimal {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                Formatted::display(f, |out| {
                    out.put(b"n=");
                    out.put_decimal(self.0);
                    out.put(&[0xff]);
                })
            }
        }
        assert_eq!(Decimal(408).to_string(), "n=408\u{fffd}");
    }
}
