//! Message framing of a request that asks to upgrade (RFC 9112 §6.1-§6.3, RFC 9110 §8.6):
//! whether bytes after the head are a body, and how long it is. An upgrade that misreads
//! a body as the new protocol's first bytes is a request-smuggling primitive, so every
//! framing this crate cannot be sure of is a rejection.

use crate::error::{list_reject, RejectReason};
use crate::grammar::list::split_parameterised;
use crate::http1::fields::{Known, KnownFields};

/// How the bytes after a request head are framed (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Body {
    /// Neither Content-Length nor Transfer-Encoding: no body (RFC 9112 §6.3 item 7).
    None,
    /// `Content-Length: n`: exactly `n` body bytes follow the head (RFC 9112 §6.3 item 6).
    Length(u64),
    /// `Transfer-Encoding: ..., chunked`: a chunked body follows the head, to be decoded up
    /// to its last chunk and trailer section (RFC 9112 §7.1).
    Chunked,
}

impl Body {
    /// Whether any body bytes follow the head (`Content-Length: 0` is no body; RFC 9112 §6.3).
    pub const fn is_present(self) -> bool {
        !matches!(self, Body::None | Body::Length(0))
    }
}

/// The transfer codings registered for HTTP/1.1 (RFC 9112 §7, §7.2 aliases), compared
/// case-insensitively; `chunked` is handled apart.
const KNOWN_CODINGS: [&[u8]; 5] = [b"compress", b"deflate", b"gzip", b"x-compress", b"x-gzip"];

/// `chunked` (RFC 9112 §7.1).
const CHUNKED: &[u8] = b"chunked";

/// Judges Content-Length and Transfer-Encoding (RFC 9112 §6.1-§6.3, RFC 9110 §8.6).
///
/// - Transfer-Encoding in an HTTP/1.0 request: faulty framing, 400 (RFC 9112 §6.1).
/// - Both fields: 400 and close (RFC 9112 §6.1, §6.3 item 3).
/// - Transfer-Encoding must be a list of codings whose last is `chunked`, which appears once
///   and without parameters, else 400 (RFC 9112 §6.3 item 4, §6.1); a coding outside
///   RFC 9112 §7 is a 501 (RFC 9112 §6.1).
/// - Content-Length is `1*DIGIT` within `u64`; several fields or a list are accepted only
///   when every value is the same text (RFC 9110 §8.6, RFC 9112 §6.3 item 5), else 400.
pub fn judge(
    fields: &KnownFields<'_, '_>,
    minor_version: u8,
    max_list_elements: usize,
) -> Result<Body, RejectReason> {
    let chunked = fields.contains(Known::TransferEncoding);
    let length = fields.contains(Known::ContentLength);
    if chunked && minor_version == 0 {
        return Err(RejectReason::TransferEncodingInHttp10);
    }
    if chunked && length {
        return Err(RejectReason::ConflictingFraming);
    }
    if chunked {
        return transfer_encoding(fields, max_list_elements).map(|()| Body::Chunked);
    }
    if length {
        return content_length(fields, max_list_elements).map(Body::Length);
    }
    Ok(Body::None)
}

/// Checks `Transfer-Encoding = #transfer-coding` (RFC 9112 §6.1, §7).
fn transfer_encoding(fields: &KnownFields<'_, '_>, max: usize) -> Result<(), RejectReason> {
    let invalid = RejectReason::InvalidTransferEncoding;
    let mut codings = 0usize;
    let mut last_is_chunked = false;
    let mut unknown = false;
    for element in fields.elements(Known::TransferEncoding, max) {
        let element = element.map_err(|fault| list_reject(fault, invalid))?;
        let (name, mut params) = split_parameterised(element).map_err(|_| invalid)?;
        // transfer-parameter = token BWS "=" BWS ( token / quoted-string ): a value is required.
        if params.any(|param| param.value.is_none()) {
            return Err(invalid);
        }
        let is_chunked = name.eq_ignore_ascii_case(CHUNKED);
        // chunked is applied at most once, last, and takes no parameters (RFC 9112 §6.1, §7.1).
        if last_is_chunked || (is_chunked && element.len() != name.len()) {
            return Err(invalid);
        }
        last_is_chunked = is_chunked;
        unknown |= !is_chunked && !KNOWN_CODINGS.iter().any(|c| name.eq_ignore_ascii_case(c));
        codings += 1;
    }
    if codings == 0 || !last_is_chunked {
        return Err(invalid);
    }
    if unknown {
        return Err(RejectReason::UnsupportedTransferCoding);
    }
    Ok(())
}

/// Reads `Content-Length = 1*DIGIT`, combined across fields and list elements, every one
/// the same text (RFC 9110 §8.6).
fn content_length(fields: &KnownFields<'_, '_>, max: usize) -> Result<u64, RejectReason> {
    let invalid = RejectReason::InvalidContentLength;
    let mut first: Option<&[u8]> = None;
    for element in fields.elements(Known::ContentLength, max) {
        let element = element.map_err(|fault| list_reject(fault, invalid))?;
        match first {
            None => first = Some(element),
            Some(seen) if seen == element => {}
            Some(_) => return Err(invalid),
        }
    }
    let digits = first.ok_or(invalid)?;
    let mut value: u64 = 0;
    for &digit in digits {
        if !digit.is_ascii_digit() {
            return Err(invalid);
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(digit - b'0')))
            .ok_or(invalid)?;
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http1::head::{parse_request, Limits, EMPTY_HEADER};

    fn judged(fields: &str, minor: u8) -> Result<Body, RejectReason> {
        let text = std::format!("POST / HTTP/1.{minor}\r\nHost: h\r\n{fields}\r\n");
        let mut headers = [EMPTY_HEADER; 16];
        let head = parse_request(text.as_bytes(), &mut headers, &Limits::DEFAULT)
            .expect("parses")
            .complete()
            .expect("complete");
        judge(&KnownFields::index(head.fields), head.minor_version, 4)
    }

    #[test]
    fn lengths() {
        assert_eq!(judged("", 1), Ok(Body::None));
        assert_eq!(judged("Content-Length: 0\r\n", 1), Ok(Body::Length(0)));
        assert_eq!(judged("Content-Length: 42\r\n", 0), Ok(Body::Length(42)));
        assert_eq!(
            judged("Content-Length: 42\r\ncontent-length: 42, 42\r\n", 1),
            Ok(Body::Length(42))
        );
        assert_eq!(
            judged("Content-Length: 18446744073709551615\r\n", 1),
            Ok(Body::Length(u64::MAX))
        );
        for bad in [
            "Content-Length: 42, 43\r\n",
            "Content-Length: 42\r\nContent-Length: 042\r\n",
            "Content-Length: +42\r\n",
            "Content-Length: -1\r\n",
            "Content-Length: 4 2\r\n",
            "Content-Length: 0x10\r\n",
            "Content-Length: \r\n",
            "Content-Length: ,\r\n",
            "Content-Length: \"42\"\r\n",
            "Content-Length: 18446744073709551616\r\n",
        ] {
            assert_eq!(
                judged(bad, 1),
                Err(RejectReason::InvalidContentLength),
                "{bad}"
            );
        }
        assert_eq!(
            judged("Content-Length: 1,1,1,1,1\r\n", 1),
            Err(RejectReason::TooManyListElements)
        );
    }

    #[test]
    fn transfer_encodings() {
        for ok in [
            "Transfer-Encoding: chunked\r\n",
            "Transfer-Encoding: CHUNKED\r\n",
            "Transfer-Encoding: gzip, chunked\r\n",
            "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
            "Transfer-Encoding: x-gzip;q=\"1\" , chunked\r\n",
        ] {
            assert_eq!(judged(ok, 1), Ok(Body::Chunked), "{ok}");
        }
        for bad in [
            "Transfer-Encoding: gzip\r\n",
            "Transfer-Encoding: chunked, gzip\r\n",
            "Transfer-Encoding: chunked, chunked\r\n",
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
            "Transfer-Encoding: chunked;a=1\r\n",
            "Transfer-Encoding: gzip;q, chunked\r\n",
            "Transfer-Encoding: \r\n",
            "Transfer-Encoding: chunked\"\r\n",
            "Transfer-Encoding: chunk\r\n",
            "Transfer-Encoding: foo\r\n",
        ] {
            assert_eq!(
                judged(bad, 1),
                Err(RejectReason::InvalidTransferEncoding),
                "{bad}"
            );
        }
        assert_eq!(
            judged("Transfer-Encoding: foo, chunked\r\n", 1),
            Err(RejectReason::UnsupportedTransferCoding)
        );
        assert_eq!(
            judged("Transfer-Encoding: a, b, c, d, chunked\r\n", 1),
            Err(RejectReason::TooManyListElements)
        );
        assert_eq!(
            judged("Transfer-Encoding: chunked\r\n", 0),
            Err(RejectReason::TransferEncodingInHttp10)
        );
        assert_eq!(
            judged("Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", 1),
            Err(RejectReason::ConflictingFraming)
        );
    }

    #[test]
    fn presence() {
        assert!(!Body::None.is_present());
        assert!(!Body::Length(0).is_present());
        assert!(Body::Length(1).is_present());
        assert!(Body::Chunked.is_present());
    }
}
