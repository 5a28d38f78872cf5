//! The `http` crate's types (feature `http`): negotiate straight from
//! [`http::request::Parts`], as hyper, axum and h2 hand them over, and build the
//! [`http::Response`] head to send. The rules are the crate's own: an HTTP/1.x request goes
//! through [`ServerPolicy::negotiate`], an HTTP/2 or HTTP/3 one through
//! [`ServerPolicy::negotiate_connect`] with the `:protocol` the caller's library exposes
//! (hyper: `hyper::ext::Protocol`; h2: `h2::ext::Protocol`).
//!
//! The field storage is the caller's, as everywhere in this crate; only building the
//! response allocates, inside the `http` crate.
//!
//! ```
//! use http_upgrade::http_types::{negotiate_parts, response_for, Negotiated};
//! use http_upgrade::{ServerPolicy, EMPTY_HEADER};
//!
//! let request = http::Request::get("/chat")
//!     .header("host", "example.com")
//!     .header("upgrade", "websocket")
//!     .header("connection", "Upgrade")
//!     .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
//!     .header("sec-websocket-version", "13")
//!     .body(())
//!     .unwrap();
//! let (parts, ()) = request.into_parts();
//! let policy = ServerPolicy::websocket();
//! let mut storage = [EMPTY_HEADER; 32];
//! let negotiated = negotiate_parts(&policy, &parts, None, &mut storage);
//! let response = response_for(&policy, &negotiated).expect("a response").unwrap();
//! assert_eq!(response.status(), 101);
//! assert_eq!(response.headers()["sec-websocket-accept"], "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
//! assert!(matches!(negotiated, Negotiated::Http1(_)));
//! ```

use http::request::Parts;
use http::{Response, StatusCode, Version};

use crate::error::RejectReason;
use crate::http1::fields::Fields;
use crate::http1::head::{Header, RequestHead};
use crate::server::connect::ConnectOutcome;
use crate::server::{Outcome, ServerPolicy};

/// The outcome of negotiating a request given as `http` parts, by transport (RFC 9110
/// §7.8 over HTTP/1.x, RFC 8441 / RFC 9220 over HTTP/2 and HTTP/3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Negotiated<'a> {
    /// An HTTP/1.0 or HTTP/1.1 request (RFC 9110 §7.8).
    Http1(Outcome<'a>),
    /// An HTTP/2 or HTTP/3 request (RFC 8441, RFC 9220).
    Connect(ConnectOutcome<'a>),
}

/// Copies `parts`' fields into `storage` as borrowed pairs, pseudo-header fields first for
/// HTTP/2 and HTTP/3 (RFC 9113 §8.3, in the order `:method`, `:protocol`, `:scheme`,
/// `:path`, `:authority`); how many, or `None` when `storage` is too small.
pub fn field_section<'a>(
    parts: &'a Parts,
    protocol: Option<&'a str>,
    storage: &mut [Header<'a>],
) -> Option<usize> {
    let mut len = 0;
    let mut push = |name: &'a str, value: &'a [u8]| -> Option<()> {
        *storage.get_mut(len)? = Header { name, value };
        len += 1;
        Some(())
    };
    if !matches!(parts.version, Version::HTTP_10 | Version::HTTP_11) {
        push(":method", parts.method.as_str().as_bytes())?;
        if let Some(protocol) = protocol {
            push(":protocol", protocol.as_bytes())?;
        }
        if let Some(scheme) = parts.uri.scheme_str() {
            push(":scheme", scheme.as_bytes())?;
        }
        if let Some(path) = parts.uri.path_and_query() {
            push(":path", path.as_str().as_bytes())?;
        }
        if let Some(authority) = parts.uri.authority() {
            push(":authority", authority.as_str().as_bytes())?;
        }
    }
    for (name, value) in &parts.headers {
        push(name.as_str(), value.as_bytes())?;
    }
    Some(len)
}

/// Negotiates a request head given as `http` parts (RFC 9110 §7.8; RFC 8441 §4). `protocol` is the extended CONNECT
/// `:protocol` of an HTTP/2 or HTTP/3 request, where the caller's library exposes it; it is
/// ignored for HTTP/1.x. `storage` bounds the field count, as [`crate::parse_request`]'s
/// header storage does: more fields is a 431.
///
/// For HTTP/1.x the target is the URI's path and query (origin-form); `http` has already
/// parsed the head, so there is no `consumed` length.
pub fn negotiate_parts<'a>(
    policy: &ServerPolicy<'_>,
    parts: &'a Parts,
    protocol: Option<&'a str>,
    storage: &'a mut [Header<'a>],
) -> Negotiated<'a> {
    let http1 = matches!(parts.version, Version::HTTP_10 | Version::HTTP_11);
    let Some(len) = field_section(parts, protocol, storage) else {
        let too_many = RejectReason::TooManyHeaders;
        return if http1 {
            Negotiated::Http1(Outcome::Reject(too_many))
        } else {
            Negotiated::Connect(ConnectOutcome::Reject(too_many))
        };
    };
    let fields: &'a [Header<'a>] = storage.get(..len).unwrap_or_default();
    if !http1 {
        return Negotiated::Connect(policy.negotiate_connect(fields));
    }
    let head = RequestHead {
        method: parts.method.as_str(),
        target: parts.uri.path_and_query().map_or("/", |p| p.as_str()),
        minor_version: u8::from(parts.version == Version::HTTP_11),
        fields: Fields::new(fields),
        consumed: 0,
    };
    Negotiated::Http1(policy.negotiate(&head))
}

/// The response head for a negotiation (RFC 6455 §4.2.2, RFC 8441 §5): 101 with the WebSocket or protocol fields (and no
/// 100, which `http` servers send themselves), 200 with the extended CONNECT fields, or the
/// rejection's status and fields. `None` for a decline: the caller serves the request.
pub fn response_for(
    policy: &ServerPolicy<'_>,
    negotiated: &Negotiated<'_>,
) -> Option<Result<Response<()>, http::Error>> {
    let mut builder = Response::builder();
    let mut buf = [0u8; 512];
    match negotiated {
        Negotiated::Http1(Outcome::Decline(_))
        | Negotiated::Connect(ConnectOutcome::Decline(_)) => return None,
        Negotiated::Http1(outcome) => {
            let status = outcome.status().unwrap_or(500);
            builder = builder.status(status);
            // The head this crate writes for HTTP/1.1, less its status line: one set of
            // fields for both ways of sending it.
            let written = match outcome {
                Outcome::Switch(accepted) => accepted.write_switch(&mut buf),
                _ => policy.write_response(outcome, &mut buf),
            };
            let Ok(len) = written else {
                return Some(Response::builder().status(500).body(()));
            };
            let mut fields = [crate::EMPTY_HEADER; 8];
            let mut parsed = httparse::Response::new(&mut fields);
            if parsed.parse(buf.get(..len).unwrap_or_default()).is_err() {
                return Some(Response::builder().status(500).body(()));
            }
            for field in parsed.headers.iter() {
                builder = builder.header(field.name, field.value);
            }
        }
        Negotiated::Connect(outcome) => {
            let Ok(response) = policy.connect_response(outcome, &mut buf) else {
                return Some(Response::builder().status(500).body(()));
            };
            builder =
                builder.status(StatusCode::from_u16(response.status).unwrap_or(StatusCode::OK));
            for (name, value) in response.fields() {
                builder = builder.header(*name, *value);
            }
        }
    }
    Some(builder.body(()))
}
