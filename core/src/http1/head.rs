//! Request and response heads over httparse (RFC 9112 §2-§5): borrowed views, caller-owned
//! header storage, bounded size, and the number of bytes the head used.

use super::fields::Fields;
use crate::error::RejectReason;

pub use httparse::{Header, EMPTY_HEADER};

/// Bounds on what a peer may send (RFC 9110 §5.4, RFC 6585 §5).
///
/// The header count bound is the length of the header storage the caller passes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest head, request line and terminating empty line included.
    pub max_head_bytes: usize,
    /// The most elements one list header (all its fields combined) may hold.
    pub max_list_elements: usize,
}

impl Limits {
    /// 8 KiB heads and 32 elements per list: more than any browser sends (RFC 9110 §5.4 lets
    /// a server bound what it reads).
    pub const DEFAULT: Limits = Limits {
        max_head_bytes: 8 * 1024,
        max_list_elements: 32,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The result of feeding bytes to a head parser: more bytes needed, or a complete value
/// (RFC 9112 §2.2: a head ends at its empty line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status<T> {
    /// The head has not ended yet and is still within the limits: read more bytes.
    Partial,
    /// The head is complete.
    Complete(T),
}

impl<T> Status<T> {
    /// The complete value, if any (RFC 9112 §2.2).
    pub fn complete(self) -> Option<T> {
        match self {
            Status::Complete(value) => Some(value),
            Status::Partial => None,
        }
    }
}

/// A parsed request head (RFC 9112 §3), borrowing the input bytes and the header storage.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RequestHead<'h, 'b> {
    /// The method token, case-sensitive (RFC 9110 §9.1).
    pub method: &'b str,
    /// The request target as sent.
    pub target: &'b str,
    /// The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor_version: u8,
    /// The header fields.
    pub fields: Fields<'h, 'b>,
    /// How many bytes the head used, final CRLF included; bytes after it are not the head's.
    pub consumed: usize,
}

/// A parsed response head (RFC 9112 §4).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ResponseHead<'h, 'b> {
    /// The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor_version: u8,
    /// The status code.
    pub status: u16,
    /// The reason phrase as sent.
    pub reason: &'b str,
    /// The header fields.
    pub fields: Fields<'h, 'b>,
    /// How many bytes the head used; bytes after it belong to the next protocol.
    pub consumed: usize,
}

/// Why a head could not be parsed, with the status a server answers it with.
fn parse_error(error: httparse::Error) -> RejectReason {
    match error {
        httparse::Error::TooManyHeaders => RejectReason::TooManyHeaders,
        httparse::Error::Version => RejectReason::UnsupportedHttpVersion,
        _ => RejectReason::MalformedHead,
    }
}

/// Applies the size limit to an httparse result (RFC 6585 §5): an unfinished head already
/// at the limit, or a finished one past it, is rejected rather than waited on.
fn bounded(
    result: Result<httparse::Status<usize>, httparse::Error>,
    input_len: usize,
    limits: &Limits,
) -> Result<Status<usize>, RejectReason> {
    match result.map_err(parse_error)? {
        httparse::Status::Complete(consumed) if consumed <= limits.max_head_bytes => {
            Ok(Status::Complete(consumed))
        }
        httparse::Status::Partial if input_len < limits.max_head_bytes => Ok(Status::Partial),
        _ => Err(RejectReason::HeadTooLarge),
    }
}

/// Parses a request head from the start of `bytes` (RFC 9112 §2.2, §3).
///
/// `headers` is the caller's storage; its length bounds the field count. Bytes after the
/// head are never read. An error carries the status to answer with.
pub fn parse_request<'h, 'b>(
    bytes: &'b [u8],
    headers: &'h mut [Header<'b>],
    limits: &Limits,
) -> Result<Status<RequestHead<'h, 'b>>, RejectReason> {
    let mut request = httparse::Request::new(headers);
    let status = bounded(request.parse(bytes), bytes.len(), limits)?;
    let Status::Complete(consumed) = status else {
        return Ok(Status::Partial);
    };
    match (request.method, request.path, request.version) {
        (Some(method), Some(target), Some(minor_version)) => Ok(Status::Complete(RequestHead {
            method,
            target,
            minor_version,
            fields: Fields::new(request.headers),
            consumed,
        })),
        _ => Err(RejectReason::MalformedHead),
    }
}

/// Parses a response head from the start of `bytes` (RFC 9112 §4), obs-fold allowed
/// (RFC 9112 §5.2).
///
/// Bytes after the head belong to the next protocol and are never read.
pub fn parse_response<'h, 'b>(
    bytes: &'b [u8],
    headers: &'h mut [Header<'b>],
    limits: &Limits,
) -> Result<Status<ResponseHead<'h, 'b>>, RejectReason> {
    let mut response = httparse::Response::new(headers);
    // RFC 9112 §5.2: a user agent replaces an obs-fold with SP before interpreting the
    // value; httparse leaves the fold's CR LF in the value, which the list grammar reads as
    // whitespace (`list::is_ows`).
    let parsed = httparse::ParserConfig::default()
        .allow_obsolete_multiline_headers_in_responses(true)
        .parse_response(&mut response, bytes);
    let status = bounded(parsed, bytes.len(), limits)?;
    let Status::Complete(consumed) = status else {
        return Ok(Status::Partial);
    };
    match (response.version, response.code) {
        (Some(minor_version), Some(status)) => Ok(Status::Complete(ResponseHead {
            minor_version,
            status,
            reason: response.reason.unwrap_or(""),
            fields: Fields::new(response.headers),
            consumed,
        })),
        _ => Err(RejectReason::MalformedHead),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &[u8] = b"GET / HTTP/1.1\r\nHost: h\r\nCONNECTION: a\r\nconnection: b\r\n\r\nrest";

    #[test]
    fn complete_head_reports_its_length() {
        let mut headers = [EMPTY_HEADER; 8];
        let head = parse_request(HEAD, &mut headers, &Limits::DEFAULT)
            .expect("valid")
            .complete()
            .expect("complete");
        assert_eq!(head.consumed, HEAD.len() - 4);
        assert_eq!(
            (head.method, head.target, head.minor_version),
            ("GET", "/", 1)
        );
    }

    #[test]
    fn partial_until_the_limit_then_431() {
        let limits = Limits {
            max_head_bytes: 32,
            ..Limits::DEFAULT
        };
        let mut headers = [EMPTY_HEADER; 8];
        assert_eq!(
            parse_request(&HEAD[..20], &mut headers, &limits).map(|s| s.complete().is_some()),
            Ok(false)
        );
        assert_eq!(
            parse_request(&HEAD[..40], &mut headers, &limits).err(),
            Some(RejectReason::HeadTooLarge)
        );
        // Exactly at the limit and still unfinished: refused, not waited on.
        assert_eq!(
            parse_request(&HEAD[..32], &mut headers, &limits).err(),
            Some(RejectReason::HeadTooLarge)
        );
        assert_eq!(
            parse_request(&HEAD[..31], &mut headers, &limits).map(|s| s.complete().is_some()),
            Ok(false)
        );
        assert_eq!(
            parse_request(HEAD, &mut headers, &limits).err(),
            Some(RejectReason::HeadTooLarge)
        );
    }

    #[test]
    fn httparse_errors_map_to_statuses() {
        let mut one = [EMPTY_HEADER; 1];
        assert_eq!(
            parse_request(HEAD, &mut one, &Limits::DEFAULT).err(),
            Some(RejectReason::TooManyHeaders)
        );
        let mut headers = [EMPTY_HEADER; 8];
        let preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
        assert_eq!(
            parse_request(preface, &mut headers, &Limits::DEFAULT).err(),
            Some(RejectReason::UnsupportedHttpVersion)
        );
        assert_eq!(
            parse_request(
                b"GET / HTTP/1.1\r\n: x\r\n\r\n",
                &mut headers,
                &Limits::DEFAULT
            )
            .err(),
            Some(RejectReason::MalformedHead)
        );
        assert_eq!(
            parse_response(b"HTTP/1.1 1x1 OK\r\n\r\n", &mut headers, &Limits::DEFAULT).err(),
            Some(RejectReason::MalformedHead)
        );
    }
}
