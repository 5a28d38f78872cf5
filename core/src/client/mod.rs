//! The client side: writing the opening request (RFC 6455 §4.1) and checking the server's
//! response to it (RFC 6455 §4.1, items 1-6 of the response checks; RFC 7692 §7.1).

mod offers;
mod one_pass;
mod request;
mod validate;

pub use offers::{ExtensionOffers, MAX_OFFERED_EXTENSIONS};
pub use request::{CheckedRequest, ClientRequest, RequestError};

use crate::error::RejectReason;
use crate::http1::head::{parse_response, Header, Limits, ResponseHead, Status};
use crate::websocket::deflate::DeflateParams;
use crate::websocket::extensions::Extension;
use crate::websocket::key::Key;

/// What a client sent, to check the server's response against (RFC 6455 §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expectation<'a> {
    /// The key the client sent.
    pub key: Key,
    /// The subprotocols it offered.
    pub subprotocols: &'a [&'a str],
    /// The Sec-WebSocket-Extensions it sent, parsed once.
    pub extensions: ExtensionOffers<'a>,
    /// Size bounds on the response head.
    pub limits: Limits,
}

/// The most extensions a response may accept that this crate records (RFC 6455 §9.1).
pub const MAX_ACCEPTED_EXTENSIONS: usize = 4;

/// The most 1xx interim responses skipped before the 101 (RFC 9110 §15.2); one more fails
/// the handshake, so a server cannot keep a client reading forever.
pub const MAX_INTERIM_RESPONSES: usize = 8;

/// Whether `bytes` start an HTTP/1.1 status line with a 1xx code other than 101: an interim
/// response to skip (RFC 9110 §15.2). A malformed or HTTP/1.0 head is left to the parser.
fn is_interim(bytes: &[u8]) -> bool {
    match bytes {
        [b'H', b'T', b'T', b'P', b'/', b'1', b'.', b'1', b' ', b'1', tens, ones, ..] => {
            tens.is_ascii_digit() && ones.is_ascii_digit() && (*tens, *ones) != (b'0', b'1')
        }
        _ => false,
    }
}

/// A successful opening handshake, as the client sees it (RFC 6455 §4.1, response items
/// 1-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Established<'b> {
    /// The subprotocol the server chose, if any.
    pub subprotocol: Option<&'b str>,
    /// The permessage-deflate parameters in force, if the server accepted it.
    pub deflate: Option<DeflateParams>,
    /// Every extension the server accepted, in its order, with its parameters as written.
    pub extensions: [Option<Extension<'b>>; MAX_ACCEPTED_EXTENSIONS],
    /// The length of the 101 head and any interim responses before it; the bytes after it
    /// are the server's first frames.
    pub consumed: usize,
}

/// Why a client must fail the connection (RFC 6455 §4.1: "_Fail the WebSocket Connection_").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClientError {
    /// The response head could not be parsed, or broke a size limit.
    MalformedHead(RejectReason),
    /// The response is not HTTP/1.1.
    NotHttp11,
    /// The server answered with a status other than 101.
    NotSwitching {
        /// The status received.
        status: u16,
    },
    /// Upgrade is missing or is not exactly `websocket` (case-insensitive).
    UpgradeNotWebsocket,
    /// Connection has no `upgrade` option.
    ConnectionNotUpgrade,
    /// No Sec-WebSocket-Accept.
    MissingAccept,
    /// More than one Sec-WebSocket-Accept.
    DuplicateAccept,
    /// Sec-WebSocket-Accept does not match the key sent.
    AcceptMismatch,
    /// A Sec-WebSocket-Protocol the client did not offer, more than one, or not a token.
    UnexpectedSubprotocol,
    /// Sec-WebSocket-Extensions breaks its grammar.
    MalformedExtensions,
    /// An extension the client did not offer, accepted twice, or more than this crate records.
    UnexpectedExtension,
    /// permessage-deflate parameters that are invalid or do not answer the client's offer.
    InvalidDeflateParams,
    /// More than [`MAX_INTERIM_RESPONSES`] 1xx responses before the 101 (RFC 9110 §15.2).
    TooManyInterimResponses,
}

impl ClientError {
    /// The HTTP status the server sent, where it is the cause (RFC 6455 §4.1: anything but
    /// 101 fails the handshake).
    pub const fn status(self) -> Option<u16> {
        match self {
            ClientError::NotSwitching { status } => Some(status),
            _ => None,
        }
    }

    /// A stable snake_case name, for logs and `cargo xtask inspect` (the RFC rule each names is
    /// in the variant's documentation).
    pub const fn name(self) -> &'static str {
        match self {
            ClientError::MalformedHead(_) => "malformed_head",
            ClientError::NotHttp11 => "not_http_1_1",
            ClientError::NotSwitching { .. } => "not_switching",
            ClientError::UpgradeNotWebsocket => "upgrade_not_websocket",
            ClientError::ConnectionNotUpgrade => "connection_not_upgrade",
            ClientError::MissingAccept => "missing_accept",
            ClientError::DuplicateAccept => "duplicate_accept",
            ClientError::AcceptMismatch => "accept_mismatch",
            ClientError::UnexpectedSubprotocol => "unexpected_subprotocol",
            ClientError::MalformedExtensions => "malformed_extensions",
            ClientError::UnexpectedExtension => "unexpected_extension",
            ClientError::InvalidDeflateParams => "invalid_deflate_params",
            ClientError::TooManyInterimResponses => "too_many_interim_responses",
        }
    }
}

impl core::fmt::Display for ClientError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ClientError::MalformedHead(reason) => write!(f, "malformed_head ({})", reason.name()),
            ClientError::NotSwitching { status } => write!(f, "not_switching ({status})"),
            other => f.write_str(other.name()),
        }
    }
}

impl<'a> Expectation<'a> {
    /// An expectation for a key given as text, e.g. from a capture, and the
    /// Sec-WebSocket-Extensions value sent; `None` if the key is invalid (RFC 6455 §4.1
    /// item 7) or the extension offer is not one [`ExtensionOffers::parse`] reads.
    pub fn for_key(
        key: &[u8],
        subprotocols: &'a [&'a str],
        extensions: Option<&'a [u8]>,
    ) -> Option<Self> {
        let extensions = match extensions {
            Some(value) => ExtensionOffers::parse(value)?,
            None => ExtensionOffers::NONE,
        };
        Some(Expectation {
            key: Key::parse(key)?,
            subprotocols,
            extensions,
            limits: Limits::DEFAULT,
        })
    }

    /// Parses and checks a response head (RFC 6455 §4.1, RFC 7692 §7.1). `Partial` means
    /// read more; bytes after the head are left for the WebSocket framing. A common 101 is
    /// checked in one pass over its fields;
    /// anything else, every failure included, by the general checks
    /// ([`Expectation::validate_general`]), with the same result.
    pub fn validate<'b>(
        &self,
        bytes: &'b [u8],
        headers: &mut [Header<'b>],
    ) -> Result<Status<Established<'b>>, ClientError> {
        self.validate_with(bytes, headers, |head, interim| {
            if cfg!(http_upgrade_general_only) {
                return None;
            }
            self.established_in_one_pass(head, interim)
        })
    }

    /// [`Expectation::validate`] by the general checks alone: one indexing pass, then each
    /// field read through the general list readers (RFC 6455 §4.1). The reference the one pass is tested
    /// against (`proptests`' `client_one_pass` oracle and the `client_validate` fuzz target).
    pub fn validate_general<'b>(
        &self,
        bytes: &'b [u8],
        headers: &mut [Header<'b>],
    ) -> Result<Status<Established<'b>>, ClientError> {
        self.validate_with(bytes, headers, |_, _| None)
    }

    /// Skips interim responses, parses the 101, offers it to `one_pass` (given the length
    /// of the interim responses before it), and judges it by the general checks if that
    /// says `None`.
    fn validate_with<'b>(
        &self,
        bytes: &'b [u8],
        headers: &mut [Header<'b>],
        one_pass: impl FnOnce(&ResponseHead<'_, 'b>, usize) -> Option<Established<'b>>,
    ) -> Result<Status<Established<'b>>, ClientError> {
        // RFC 9110 §15.2: skip 1xx interim responses (100 Continue, 103 Early Hints) before
        // the 101; they are part of what the handshake consumed.
        let mut offset = 0;
        for _ in 0..MAX_INTERIM_RESPONSES {
            let rest = bytes.get(offset..).unwrap_or_default();
            if !is_interim(rest) {
                break;
            }
            match parse_response(rest, headers, &self.limits) {
                Err(reason) => return Err(ClientError::MalformedHead(reason)),
                Ok(Status::Partial) => return Ok(Status::Partial),
                Ok(Status::Complete(interim)) => offset += interim.consumed,
            }
        }
        let rest = bytes.get(offset..).unwrap_or_default();
        if is_interim(rest) {
            return Err(ClientError::TooManyInterimResponses);
        }
        let head = match parse_response(rest, headers, &self.limits) {
            Err(reason) => return Err(ClientError::MalformedHead(reason)),
            Ok(Status::Partial) => return Ok(Status::Partial),
            Ok(Status::Complete(head)) => head,
        };
        match one_pass(&head, offset) {
            Some(established) => Ok(Status::Complete(established)),
            None => self.judge(&head, offset).map(Status::Complete),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &[u8] =
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

    fn expectation(extensions: Option<&'static [u8]>) -> Expectation<'static> {
        Expectation::for_key(b"dGhlIHNhbXBsZSBub25jZQ==", &["chat"], extensions).expect("key")
    }

    #[test]
    fn partial_then_complete_with_bytes_after_kept() {
        let mut headers = [crate::EMPTY_HEADER; 8];
        assert_eq!(
            expectation(None).validate(&OK[..OK.len() - 1], &mut headers),
            Ok(Status::Partial)
        );
        let mut with_frame = OK.to_vec();
        with_frame.extend_from_slice(b"\x81\x00");
        let mut headers = [crate::EMPTY_HEADER; 8];
        let done = expectation(None)
            .validate(&with_frame, &mut headers)
            .expect("valid")
            .complete()
            .expect("complete");
        assert_eq!(done.consumed, OK.len());
    }

    #[test]
    fn interim_responses_are_skipped_and_consumed() {
        let mut response =
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n".to_vec();
        let interim_len = response.len();
        response.extend_from_slice(OK);
        response.extend_from_slice(b"\x81\x00");
        let mut headers = [crate::EMPTY_HEADER; 8];
        let done = expectation(None)
            .validate(&response, &mut headers)
            .expect("valid")
            .complete()
            .expect("complete");
        assert_eq!(done.consumed, interim_len + OK.len());
        let mut headers = [crate::EMPTY_HEADER; 8];
        assert_eq!(
            expectation(None).validate(&response[..interim_len + 5], &mut headers),
            Ok(Status::Partial)
        );
        let mut headers = [crate::EMPTY_HEADER; 8];
        assert_eq!(
            expectation(None).validate(&response[..10], &mut headers),
            Ok(Status::Partial)
        );
        let final_200 = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";
        let mut headers = [crate::EMPTY_HEADER; 8];
        assert_eq!(
            expectation(None).validate(final_200, &mut headers),
            Err(ClientError::NotSwitching { status: 200 })
        );
    }

    #[test]
    fn interim_responses_are_bounded() {
        let interim = b"HTTP/1.1 100 Continue\r\n\r\n";
        for count in [MAX_INTERIM_RESPONSES, MAX_INTERIM_RESPONSES + 1] {
            let mut response = interim.repeat(count);
            response.extend_from_slice(OK);
            let mut headers = [crate::EMPTY_HEADER; 8];
            let verdict = expectation(None).validate(&response, &mut headers);
            if count == MAX_INTERIM_RESPONSES {
                assert!(matches!(verdict, Ok(Status::Complete(_))), "{verdict:?}");
            } else {
                assert_eq!(verdict, Err(ClientError::TooManyInterimResponses));
            }
        }
    }

    #[test]
    fn obs_fold_reads_as_space() {
        let folded = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade:\r\n websocket\r\nConnection: keep-alive,\r\n\tUpgrade\r\n\
Sec-WebSocket-Accept:\r\n s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n \r\n\r\n";
        let mut headers = [crate::EMPTY_HEADER; 8];
        let done = expectation(None)
            .validate(folded, &mut headers)
            .expect("valid")
            .complete()
            .expect("complete");
        assert_eq!(done.subprotocol, Some("chat"));
        assert_eq!(done.consumed, folded.len());
        let broken =
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Accept: s3pPLMBiTxaQ9k\r\n YGzzhZRbK+xOo=\r\n\r\n";
        let mut headers = [crate::EMPTY_HEADER; 8];
        assert_eq!(
            expectation(None).validate(broken, &mut headers),
            Err(ClientError::AcceptMismatch)
        );
    }

    #[test]
    fn invalid_key_option_is_refused() {
        assert!(Expectation::for_key(b"short", &[], None).is_none());
    }

    #[test]
    fn unknown_offered_extension_is_recorded() {
        let mut response = OK[..OK.len() - 2].to_vec();
        response.extend_from_slice(b"Sec-WebSocket-Extensions: x-foo; a=\"1\"\r\n\r\n");
        let mut headers = [crate::EMPTY_HEADER; 8];
        let done = expectation(Some(b"x-foo"))
            .validate(&response, &mut headers)
            .expect("valid")
            .complete()
            .expect("complete");
        assert_eq!(done.extensions[0].map(|e| e.name), Some("x-foo"));
        assert_eq!(done.deflate, None);
    }

    #[test]
    fn the_list_limit_judges_a_written_deflate_answer_as_the_general_checks_do() {
        let response =
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\
Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=12\r\n\r\n";
        for max in [0, 1, 2] {
            let expectation = Expectation {
                limits: Limits {
                    max_list_elements: max,
                    ..Limits::DEFAULT
                },
                ..expectation(Some(b"permessage-deflate"))
            };
            let (mut one, mut general) = ([crate::EMPTY_HEADER; 8], [crate::EMPTY_HEADER; 8]);
            let verdict = expectation.validate(response, &mut one);
            assert_eq!(
                verdict,
                expectation.validate_general(response, &mut general),
                "{max}"
            );
            assert_eq!(verdict.is_ok(), max > 0, "{max}");
        }
    }

    #[test]
    fn names_and_statuses() {
        assert_eq!(
            ClientError::NotSwitching { status: 426 }.status(),
            Some(426)
        );
        assert_eq!(ClientError::AcceptMismatch.status(), None);
        assert_eq!(ClientError::AcceptMismatch.name(), "accept_mismatch");
    }
}
