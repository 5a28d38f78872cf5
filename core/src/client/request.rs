//! The client's opening request (RFC 6455 §4.1): checked parts, written in a few copies.

use super::{Expectation, ExtensionOffers};
use crate::error::BufferTooSmall;
use crate::grammar::list::is_token;
use crate::grammar::uri::request_target_ok;
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

    /// Checks every caller-supplied part before anything is written, and parses the
    /// extension offer once: the target is an origin-form or absolute-form request-target
    /// of visible ASCII without a fragment, the rule the server holds it to (RFC 9112 §3.2,
    /// RFC 6455 §3), Host is `uri-host [ ":" port ]` (RFC 9112
    /// §3.2, as the server checks it), Origin is a field value without CR, LF or other
    /// controls (RFC 9110 §5.5), subprotocols are tokens (RFC 6455 §4.1 item 10), and the
    /// extension offer is a list [`ExtensionOffers::parse`] reads (RFC 6455 §9.1). This is
    /// what keeps untrusted input from injecting fields into the head.
    pub fn check(&self) -> Result<CheckedRequest<'a>, RequestError> {
        use crate::grammar::chars::{all, FIELD_VALUE};
        let invalid = |field| Err(RequestError::InvalidField { field });
        if !request_target_ok(self.target.as_bytes()) {
            return invalid("target");
        }
        // RFC 9112 §3.2: `uri-host [ ":" port ]`, the grammar our server holds a Host to.
        if crate::grammar::uri::Authority::parse(self.host.as_bytes()).is_none() {
            return invalid("host");
        }
        let value_ok = |value: &str| all(value.as_bytes(), FIELD_VALUE);
        if self.origin.is_some_and(|origin| !value_ok(origin)) {
            return invalid("origin");
        }
        if self.subprotocols.iter().any(|s| !is_token(s.as_bytes())) {
            return invalid("subprotocols");
        }
        // The list reader takes CR LF for the whitespace of an obs-fold (RFC 9112 §5.2), as
        // a response may hold one; a request's own value must be one line.
        let extensions = match self.extensions {
            None => ExtensionOffers::NONE,
            Some(offer) if value_ok(offer) => match ExtensionOffers::parse(offer.as_bytes()) {
                Some(offers) => offers,
                None => return invalid("extensions"),
            },
            Some(_) => return invalid("extensions"),
        };
        Ok(CheckedRequest {
            request: *self,
            extensions,
        })
    }

    /// Checks the request ([`ClientRequest::check`]) and writes its head into `buf`
    /// ([`CheckedRequest::write`]); a client that writes the same parts again (a
    /// reconnect, with a fresh nonce) checks once and keeps the [`CheckedRequest`].
    pub fn write(&self, buf: &mut [u8]) -> Result<usize, RequestError> {
        self.check()?
            .write(buf)
            .map_err(|BufferTooSmall { needed }| RequestError::BufferTooSmall { needed })
    }
}

/// A [`ClientRequest`] whose parts passed [`ClientRequest::check`], with its extension
/// offer parsed: writing it only copies, and its [`Expectation`] reads no offer again
/// (RFC 6455 §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckedRequest<'a> {
    request: ClientRequest<'a>,
    extensions: ExtensionOffers<'a>,
}

impl<'a> CheckedRequest<'a> {
    /// The parts that were checked.
    pub fn request(&self) -> &ClientRequest<'a> {
        &self.request
    }

    /// The same checked parts with another nonce: 16 random bytes, freshly chosen for each
    /// request by the caller (RFC 6455 §4.1 item 7). Any 16 bytes are a valid nonce, so
    /// nothing is checked again.
    #[must_use]
    pub fn with_nonce(self, nonce: [u8; 16]) -> Self {
        Self {
            request: ClientRequest {
                nonce,
                ..self.request
            },
            ..self
        }
    }

    /// The Sec-WebSocket-Key this request sends (RFC 6455 §4.1 item 7).
    pub fn key(&self) -> Key {
        self.request.key()
    }

    /// Writes the request head into `buf` (RFC 6455 §4.1): the fixed text between the
    /// checked parts, and the key encoded from the nonce; the length written.
    pub fn write(&self, buf: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let request = &self.request;
        let mut out = HeadWriter::new(buf);
        out.put(b"GET ");
        out.put(request.target.as_bytes());
        out.put(b" HTTP/1.1\r\nHost: ");
        out.put(request.host.as_bytes());
        out.put(b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ");
        out.put(self.key().as_bytes());
        out.put(b"\r\nSec-WebSocket-Version: 13\r\n");
        if let Some(origin) = request.origin {
            out.field("Origin", origin.as_bytes());
        }
        if let Some((first, rest)) = request.subprotocols.split_first() {
            out.put(b"Sec-WebSocket-Protocol: ");
            out.put(first.as_bytes());
            for subprotocol in rest {
                out.put(b", ");
                out.put(subprotocol.as_bytes());
            }
            out.put(b"\r\n");
        }
        if let Some(extensions) = request.extensions {
            out.field("Sec-WebSocket-Extensions", extensions.as_bytes());
        }
        out.put(b"\r\n");
        out.finish()
    }

    /// What the response to this request must satisfy (RFC 6455 §4.1, response items 1-6),
    /// with the offer already parsed.
    pub fn expectation(&self) -> Expectation<'a> {
        Expectation {
            key: self.key(),
            subprotocols: self.request.subprotocols,
            extensions: self.extensions,
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

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;

    #[test]
    fn every_character_of_a_caller_part_is_judged_by_its_grammar() {
        use std::format;
        let good = ClientRequest {
            host: "example.com",
            target: "/chat",
            nonce: [0; 16],
            origin: Some("http://example.com"),
            subprotocols: &["chat"],
            extensions: Some("permessage-deflate"),
        };
        for c in '\0'..='\u{ff}' {
            // RFC 9110 §5.5 field values: VCHAR, obs-text, SP, HTAB; RFC 9112 §3.2 target:
            // visible ASCII (URI characters, RFC 3986 §2: the rest is percent-encoded), and
            // no fragment (RFC 9112 §3.2.1, RFC 6455 §3).
            let visible = !c.is_ascii_control() && c != ' ';
            let target_char = c.is_ascii_graphic() && c != '#';
            let value = format!("a{c}b");
            let target = format!("/a{c}b");
            let mut buf = [0u8; 512];
            let origin = ClientRequest {
                origin: Some(&value),
                ..good
            };
            assert_eq!(
                origin.write(&mut buf).is_ok(),
                visible || c == ' ' || c == '\t',
                "{c:?}"
            );
            // RFC 6455 §9.1: `extension-token *( ";" extension-param )` elements, tokens
            // (RFC 9110 §5.6.2) throughout, a quoted value a token once unquoted.
            let tchar = c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
            let quoted = format!("a; p=\"{c}\"");
            for (offer, valid) in [(&value, tchar || c == ',' || c == ';'), (&quoted, tchar)] {
                let extensions = ClientRequest {
                    extensions: Some(offer),
                    ..good
                };
                assert_eq!(extensions.write(&mut buf).is_ok(), valid, "{offer:?}");
            }
            let target = ClientRequest {
                target: &target,
                ..good
            };
            assert_eq!(target.write(&mut buf).is_ok(), target_char, "{c:?}");
        }
    }

    #[test]
    fn untrusted_parts_cannot_inject_fields() {
        let good = ClientRequest {
            host: "example.com",
            target: "/chat",
            nonce: [0; 16],
            origin: None,
            subprotocols: &["chat"],
            extensions: None,
        };
        assert!(good.check().is_ok());
        let cases = [
            (
                ClientRequest {
                    target: "/a b",
                    ..good
                },
                "target",
            ),
            (
                ClientRequest {
                    target: "chat",
                    ..good
                },
                "target",
            ),
            (
                ClientRequest {
                    target: "/a\r\nX: y",
                    ..good
                },
                "target",
            ),
            (
                ClientRequest {
                    host: "h\r\nX-Injected: 1",
                    ..good
                },
                "host",
            ),
            (ClientRequest { host: "", ..good }, "host"),
            (
                ClientRequest {
                    origin: Some("o\n"),
                    ..good
                },
                "origin",
            ),
            (
                ClientRequest {
                    subprotocols: &["a b"],
                    ..good
                },
                "subprotocols",
            ),
            (
                ClientRequest {
                    extensions: Some("x\r\n"),
                    ..good
                },
                "extensions",
            ),
        ];
        for (request, field) in cases {
            let mut buf = [0u8; 256];
            assert_eq!(
                request.write(&mut buf),
                Err(RequestError::InvalidField { field })
            );
        }
    }

    #[test]
    fn request_bytes_are_exact() {
        let request = ClientRequest {
            host: "example.com:8080",
            target: "/chat?room=1",
            nonce: *b"the sample nonce",
            origin: Some("http://example.com"),
            subprotocols: &["chat", "superchat"],
            extensions: Some("permessage-deflate; client_max_window_bits"),
        };
        let mut buf = [0u8; 512];
        let len = request.write(&mut buf).expect("fits");
        assert_eq!(
            core::str::from_utf8(&buf[..len]),
            Ok(
                "GET /chat?room=1 HTTP/1.1\r\nHost: example.com:8080\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
Origin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\n\
Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"
            )
        );
        let mut small = [0u8; 10];
        assert_eq!(
            request.write(&mut small),
            Err(RequestError::BufferTooSmall { needed: len })
        );
    }

    #[test]
    fn host_with_a_space_or_a_control_is_refused() {
        let good = ClientRequest {
            host: "example.com",
            target: "/",
            nonce: [0; 16],
            origin: None,
            subprotocols: &[],
            extensions: None,
        };
        for host in [
            "a b", "a\x01b", "a\rb", "a\x7fb", "a\tb", "a,b", "u@h", "h/p", "",
        ] {
            assert_eq!(
                ClientRequest { host, ..good }.check(),
                Err(RequestError::InvalidField { field: "host" }),
                "{host:?}"
            );
        }
        for host in ["[::1]:8080", "127.0.0.1", "xn--bcher-kva.example:443"] {
            assert!(ClientRequest { host, ..good }.check().is_ok(), "{host}");
        }
    }

    #[test]
    fn request_errors_display() {
        assert_eq!(
            std::format!("{}", RequestError::InvalidField { field: "host" }),
            "invalid host for a request head"
        );
        assert_eq!(
            std::format!("{}", RequestError::BufferTooSmall { needed: 7 }),
            "buffer too small: the head needs 7 bytes"
        );
    }

    #[test]
    fn a_checked_request_writes_what_the_request_writes_and_takes_a_fresh_nonce() {
        let request = ClientRequest {
            host: "example.com",
            target: "/chat",
            nonce: *b"the sample nonce",
            origin: None,
            subprotocols: &["chat"],
            extensions: Some("permessage-deflate; client_max_window_bits"),
        };
        let checked = request.check().expect("valid parts");
        assert_eq!(checked.request(), &request);
        let (mut once, mut checked_out) = ([0u8; 512], [0u8; 512]);
        let len = request.write(&mut once).expect("fits");
        assert_eq!(checked.write(&mut checked_out), Ok(len));
        assert_eq!(once[..len], checked_out[..len]);
        assert_eq!(
            checked.write(&mut [0u8; 20]),
            Err(BufferTooSmall { needed: len })
        );
        // RFC 6455 §4.1 item 7: the key of the nonce, base64 of 16 bytes.
        let fresh = checked.with_nonce([0xff; 16]);
        assert_eq!(fresh.key().as_bytes(), b"/////////////////////w==");
        let mut fresh_out = [0u8; 512];
        assert_eq!(fresh.write(&mut fresh_out), Ok(len));
        let text = core::str::from_utf8(&fresh_out[..len]).expect("ASCII");
        assert!(text.contains("\r\nSec-WebSocket-Key: /////////////////////w==\r\n"));
        assert_eq!(
            text.replace("/////////////////////w==", "dGhlIHNhbXBsZSBub25jZQ=="),
            core::str::from_utf8(&once[..len]).expect("ASCII")
        );
        let expectation = fresh.expectation();
        assert_eq!(expectation.key, fresh.key());
        assert_eq!(expectation.subprotocols, &["chat"]);
        assert_eq!(
            Some(expectation),
            Expectation::for_key(
                b"/////////////////////w==",
                &["chat"],
                Some(b"permessage-deflate; client_max_window_bits")
            )
        );
    }

    #[test]
    fn the_checked_expectation_judges_the_answer_to_its_offer() {
        let request = ClientRequest {
            host: "example.com",
            target: "/chat",
            nonce: *b"the sample nonce",
            origin: None,
            subprotocols: &[],
            extensions: Some("x-foo, permessage-deflate; server_max_window_bits=10"),
        };
        let expectation = request.check().expect("valid parts").expectation();
        let verdict = |extensions: &str| {
            let response = std::format!(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: {extensions}\r\n\r\n"
            );
            let mut headers = [crate::EMPTY_HEADER; 8];
            expectation
                .validate(response.as_bytes(), &mut headers)
                .map(|status| status.complete().map(|e| e.deflate.is_some()))
        };
        // RFC 7692 §7.1.2.1: the answer must bound the server's window by at most 10.
        assert_eq!(
            verdict("permessage-deflate; server_max_window_bits=9"),
            Ok(Some(true))
        );
        assert_eq!(verdict("x-foo"), Ok(Some(false)));
        assert_eq!(
            verdict("permessage-deflate"),
            Err(crate::ClientError::InvalidDeflateParams)
        );
        assert_eq!(
            verdict("x-bar"),
            Err(crate::ClientError::UnexpectedExtension)
        );
    }
}
