//! The server side: a policy turns a parsed request into `Switch`, `Decline` or `Reject`
//! (RFC 9110 §7.8, RFC 6455 §4.2), and writes the response head.
//!
//! The request is judged whole: its framing (RFC 9112 §6), Host (RFC 9112 §3.2), Expect
//! (RFC 9110 §10.1.1) and Origin (RFC 6455 §10.2) decide as much as its upgrade fields.

use crate::authority::{self, Authority};
use crate::framing::{self, Body};
use crate::h2c::{self, Http2Settings};
use crate::head::{
    parse_request, target_form_ok, Header, Known, KnownFields, Limits, RequestHead, Singleton,
    Status,
};
use crate::list::ListFault;
use crate::origin::OriginPolicy;
use crate::reason::{list_reject, BufferTooSmall, DeclineReason, RejectReason};
use crate::response::{status_line, write_rejection, HeadWriter};
use crate::upgrade::{self, ProtocolOffer};
use crate::websocket::deflate::{DeflateParams, DeflatePolicy};
use crate::websocket::extensions;
use crate::websocket::key::{Accept, Key};
use crate::websocket::subprotocol::{self, SubprotocolOrder};
use crate::websocket::{PROTOCOL, VERSION};

/// What a server takes: protocols, subprotocols, extensions, and whether an upgrade is
/// mandatory on this endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerPolicy<'p> {
    /// Upgrade protocols taken, `name` or `name/version` (RFC 9110 §7.8).
    pub protocols: &'p [&'p str],
    /// WebSocket subprotocols supported, in the server's preference order (RFC 6455 §1.9).
    pub subprotocols: &'p [&'p str],
    /// Whose order decides between several acceptable subprotocols.
    pub subprotocol_order: SubprotocolOrder,
    /// permessage-deflate, when the server supports it (RFC 7692).
    pub deflate: Option<DeflatePolicy>,
    /// Answer requests that do not upgrade with 426 instead of declining (RFC 9110 §15.5.22).
    pub require_upgrade: bool,
    /// Which Origins a WebSocket handshake may carry (RFC 6455 §10.2); default: any.
    pub origins: OriginPolicy<'p>,
    /// Refuse WebSocket handshakes without an Origin with 403 (RFC 6455 §4.2.2 item 4);
    /// default: off, since non-browser clients send none.
    pub require_origin: bool,
    /// Let an upgrade to a protocol other than WebSocket carry a request body, which the
    /// caller reads before writing the 101 (RFC 9110 §7.8, RFC 7540 §3.2); default: off,
    /// and a WebSocket handshake never takes one.
    pub allow_body: bool,
    /// Size bounds on the request.
    pub limits: Limits,
}

impl ServerPolicy<'static> {
    /// A WebSocket endpoint: no subprotocols, no extensions, upgrade optional.
    pub const fn websocket() -> Self {
        ServerPolicy {
            protocols: &[PROTOCOL],
            subprotocols: &[],
            subprotocol_order: SubprotocolOrder::Client,
            deflate: None,
            require_upgrade: false,
            origins: OriginPolicy::Any,
            require_origin: false,
            allow_body: false,
            limits: Limits::DEFAULT,
        }
    }
}

impl Default for ServerPolicy<'static> {
    fn default() -> Self {
        Self::websocket()
    }
}

/// What the server does with a complete request head.
// No heap here (no_std, no alloc), so the switch is not boxed: an outcome is built once per
// request and moved, not copied in a loop.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome<'b> {
    /// Answer 101 and switch (RFC 9110 §15.2.2).
    Switch(Accepted<'b>),
    /// Ignore the Upgrade field and serve the request normally (RFC 9110 §7.8).
    Decline(DeclineReason),
    /// Answer with the reason's error status and close.
    Reject(RejectReason),
}

impl Outcome<'_> {
    /// The status of the response this outcome calls for; `None` for a decline, whose
    /// response is the caller's ordinary one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Outcome::Switch(_) => Some(101),
            Outcome::Decline(_) => None,
            Outcome::Reject(reason) => Some(reason.status()),
        }
    }
}

/// Where the effective authority of a request comes from (RFC 9112 §3.2.2, §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthoritySource {
    /// The Host field (origin-form target).
    Host,
    /// The absolute-form target, whose authority a server uses instead of Host.
    Target,
}

/// A switch the server agreed to.
///
/// `Handshake::consumed` is the head's length, never more: when [`Accepted::body`] is
/// present, the body's bytes follow the head and belong to the request, and the caller reads
/// them (length or chunked) before writing the 101 with [`Accepted::write_switch`]. With
/// `Expect: 100-continue` the 100 goes first ([`Accepted::write_interim`]), since the client
/// waits for it before sending the body:
///
/// ```
/// use http_upgrade::{Body, Outcome, ServerPolicy, Status, EMPTY_HEADER};
///
/// let request = b"POST /rpc HTTP/1.1\r\nHost: h\r\nUpgrade: example/1\r\n\
/// Connection: upgrade\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello";
/// let policy = ServerPolicy { protocols: &["example/1"], allow_body: true, ..ServerPolicy::websocket() };
/// let mut headers = [EMPTY_HEADER; 16];
/// let Status::Complete(handshake) = policy.handshake(request, &mut headers) else { return };
/// let Outcome::Switch(accepted) = handshake.outcome else { panic!("a switch") };
/// let mut out = [0u8; 256];
/// // 1. the 100, so the client sends its body
/// let len = accepted.write_interim(&mut out).unwrap();
/// assert_eq!(&out[..len], b"HTTP/1.1 100 Continue\r\n\r\n");
/// // 2. the body: exactly Content-Length bytes after the head
/// let head_len = handshake.consumed.unwrap();
/// assert_eq!(accepted.body, Body::Length(5));
/// assert_eq!(&request[head_len..head_len + 5], b"hello");
/// // 3. the 101; bytes after the body are the new protocol's
/// let len = accepted.write_switch(&mut out).unwrap();
/// assert!(out[..len].starts_with(b"HTTP/1.1 101 Switching Protocols\r\n"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted<'b> {
    /// The client's offer the server chose, as the client wrote it.
    pub protocol: ProtocolOffer<'b>,
    /// The request target.
    pub target: &'b str,
    /// The Host field value (RFC 9112 §3.2), checked to be `uri-host [ ":" port ]`.
    pub host: &'b [u8],
    /// The effective authority: the absolute-form target's, else the Host field's
    /// (RFC 9112 §3.2.2).
    pub authority: Authority<'b>,
    /// Which of the two [`Accepted::authority`] is.
    pub authority_source: AuthoritySource,
    /// How the request body after the head is framed; only [`Body::None`] or a zero
    /// length unless [`ServerPolicy::allow_body`] (RFC 9112 §6.3).
    pub body: Body,
    /// The request had `Expect: 100-continue`: a 100 precedes the 101 (RFC 9110 §7.8).
    pub expect_continue: bool,
    /// The WebSocket details, when the protocol is `websocket`.
    pub websocket: Option<WebSocketAccepted<'b>>,
    /// The client's HTTP/2 SETTINGS, when the protocol is `h2c` (RFC 7540 §3.2.1).
    pub h2c: Option<Http2Settings<'b>>,
}

/// The negotiated WebSocket handshake (RFC 6455 §4.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebSocketAccepted<'b> {
    /// The client's key.
    pub key: Key,
    /// The Sec-WebSocket-Accept value to send.
    pub accept: Accept,
    /// The chosen subprotocol, as the client wrote it (RFC 6455 §4.2.2 item 5.5).
    pub subprotocol: Option<&'b str>,
    /// The accepted permessage-deflate parameters (RFC 7692 §7).
    pub deflate: Option<DeflateParams>,
    /// The Origin field, for the caller's own check (RFC 6455 §4.2.1 item 7, §10.2).
    pub origin: Option<&'b [u8]>,
}

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

/// A complete exchange from raw bytes: the outcome, and how many bytes the head used
/// (`None` when the head could not be parsed at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handshake<'b> {
    /// What to do.
    pub outcome: Outcome<'b>,
    /// The head's length; bytes after it belong to the next protocol.
    pub consumed: Option<usize>,
}

impl<'p> ServerPolicy<'p> {
    /// Parses a request head from `bytes` and negotiates it. `Partial` means read more;
    /// a head past the limits is a rejection, never a wait.
    pub fn handshake<'b>(
        &self,
        bytes: &'b [u8],
        headers: &mut [Header<'b>],
    ) -> Status<Handshake<'b>> {
        match parse_request(bytes, headers, &self.limits) {
            Err(reason) => Status::Complete(Handshake {
                outcome: Outcome::Reject(reason),
                consumed: None,
            }),
            Ok(Status::Partial) => Status::Partial,
            Ok(Status::Complete(head)) => Status::Complete(Handshake {
                outcome: self.negotiate(&head),
                consumed: Some(head.consumed),
            }),
        }
    }

    /// Decides a parsed request (RFC 9110 §7.8, RFC 6455 §4.2.1-§4.2.2).
    pub fn negotiate<'b>(&self, head: &RequestHead<'_, 'b>) -> Outcome<'b> {
        match self.try_negotiate(head) {
            Ok(accepted) => Outcome::Switch(accepted),
            Err(Verdict::Decline(_)) if self.require_upgrade => {
                Outcome::Reject(RejectReason::UpgradeRequired)
            }
            Err(Verdict::Decline(reason)) => Outcome::Decline(reason),
            Err(Verdict::Reject(reason)) => Outcome::Reject(reason),
        }
    }

    /// Writes the response an outcome calls for; a decline writes nothing and returns 0.
    pub fn write_response(
        &self,
        outcome: &Outcome<'_>,
        buf: &mut [u8],
    ) -> Result<usize, BufferTooSmall> {
        match outcome {
            Outcome::Switch(accepted) => accepted.write_response(buf),
            Outcome::Decline(_) => Ok(0),
            Outcome::Reject(reason) => write_rejection(*reason, self.protocols, buf),
        }
    }

    fn try_negotiate<'b>(&self, head: &RequestHead<'_, 'b>) -> Result<Accepted<'b>, Verdict> {
        let fields = KnownFields::index(head.fields);
        let max = self.limits.max_list_elements;
        if !fields.contains(Known::Upgrade) {
            return Err(Verdict::Decline(DeclineReason::NoUpgrade));
        }
        // Framing first: a declined request with broken framing is still a rejection.
        let body = framing::judge(&fields, head.minor_version, max)?;
        if head.minor_version == 0 {
            return Err(Verdict::Decline(DeclineReason::Http10));
        }
        // `Connection: Upgrade` alone, the common case, is one compare; anything else is read
        // as a list.
        let single = match fields.singleton(Known::Connection) {
            Singleton::One(value) => crate::list::single_token_contains(value, max, "upgrade"),
            _ => None,
        };
        let connection_upgrade = match single {
            Some(found) => found,
            None => crate::list::contains_token(fields.elements(Known::Connection, max), "upgrade")
                .map_err(|f| list_reject(f, RejectReason::MalformedConnection))?,
        };
        if !connection_upgrade {
            return Err(Verdict::Decline(DeclineReason::ConnectionWithoutUpgrade));
        }
        let single = match fields.singleton(Known::Upgrade) {
            Singleton::One(value) => upgrade::choose_single_token(value, max, self.protocols),
            _ => None,
        };
        let protocol = single
            .unwrap_or_else(|| {
                upgrade::choose(fields.elements(Known::Upgrade, max), self.protocols)
            })
            .map_err(|f| list_reject(f, RejectReason::MalformedUpgrade))?
            .ok_or(Verdict::Decline(DeclineReason::UnsupportedProtocol))?;
        if !target_form_ok(head.target) {
            return Err(Verdict::Reject(RejectReason::InvalidTarget));
        }
        let target_authority = match authority::of_absolute_target(head.target.as_bytes()) {
            None => None,
            Some(None) => return Err(Verdict::Reject(RejectReason::InvalidTarget)),
            Some(Some(authority)) => Some(authority),
        };
        let host = match fields.singleton(Known::Host) {
            Singleton::One(host) => host,
            Singleton::Missing => return Err(Verdict::Reject(RejectReason::MissingHost)),
            Singleton::Repeated => return Err(Verdict::Reject(RejectReason::DuplicateHost)),
        };
        let host_authority = Authority::parse(host).ok_or(RejectReason::InvalidHost)?;
        let (authority, authority_source) = match target_authority {
            Some(authority) => (authority, AuthoritySource::Target),
            None => (host_authority, AuthoritySource::Host),
        };
        let expect_continue = expect_continue(&fields, max)?;
        let is_websocket = protocol.name.eq_ignore_ascii_case(PROTOCOL);
        if body.is_present() && (is_websocket || !self.allow_body) {
            return Err(Verdict::Reject(RejectReason::RequestBody));
        }
        let h2c = if protocol.name.eq_ignore_ascii_case(h2c::PROTOCOL) {
            Some(h2c::check(&fields, head.target, max)?)
        } else {
            None
        };
        let websocket = if is_websocket {
            Some(self.check_websocket(head, &fields, &authority)?)
        } else {
            None
        };
        Ok(Accepted {
            protocol,
            target: head.target,
            host,
            authority,
            authority_source,
            body,
            expect_continue,
            websocket,
            h2c,
        })
    }

    /// The WebSocket checks of RFC 6455 §4.2.1 and the choices of §4.2.2.
    fn check_websocket<'b>(
        &self,
        head: &RequestHead<'_, 'b>,
        fields: &KnownFields<'_, 'b>,
        authority: &Authority<'_>,
    ) -> Result<WebSocketAccepted<'b>, RejectReason> {
        if head.method != "GET" {
            return Err(RejectReason::MethodNotGet);
        }
        check_version(fields)?;
        let key = match fields.singleton(Known::Key) {
            Singleton::One(value) => Key::parse(value).ok_or(RejectReason::InvalidKey)?,
            Singleton::Missing => return Err(RejectReason::MissingKey),
            Singleton::Repeated => return Err(RejectReason::DuplicateKey),
        };
        let choice = self.choose_websocket(fields, authority)?;
        Ok(WebSocketAccepted {
            key,
            accept: key.accept(),
            subprotocol: choice.subprotocol,
            deflate: choice.deflate,
            origin: choice.origin,
        })
    }

    /// What a WebSocket handshake decides the same way over every transport (HTTP/1.1
    /// Upgrade, RFC 8441 / RFC 9220 extended CONNECT): the Origin (RFC 6455 §4.2.2 item 4,
    /// §10.2), the subprotocol (item 5.5) and permessage-deflate (RFC 7692 §7).
    pub(crate) fn choose_websocket<'b>(
        &self,
        fields: &KnownFields<'_, 'b>,
        authority: &Authority<'_>,
    ) -> Result<WebSocketChoice<'b>, RejectReason> {
        let max = self.limits.max_list_elements;
        let origin = match fields.singleton(Known::Origin) {
            Singleton::One(origin) => Some(origin),
            Singleton::Missing => None,
            Singleton::Repeated => return Err(RejectReason::DuplicateOrigin),
        };
        self.origins.check(origin, authority, self.require_origin)?;
        let subprotocol = subprotocol::choose(
            fields.elements(Known::Protocol, max),
            self.subprotocols,
            self.subprotocol_order,
        )
        .map_err(|f| list_reject(f, RejectReason::MalformedSubprotocols))?;
        let deflate =
            extensions::choose_deflate(fields.elements(Known::Extensions, max), self.deflate)
                .map_err(|f| list_reject(f, RejectReason::MalformedExtensions))?;
        Ok(WebSocketChoice {
            subprotocol,
            deflate,
            origin,
        })
    }
}

/// The transport-independent choices of a WebSocket handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WebSocketChoice<'b> {
    pub(crate) subprotocol: Option<&'b str>,
    pub(crate) deflate: Option<DeflateParams>,
    pub(crate) origin: Option<&'b [u8]>,
}

/// `Sec-WebSocket-Version` is exactly one `13` (RFC 6455 §4.2.1 item 6, §4.2.2; RFC 8441 §5).
pub(crate) fn check_version(fields: &KnownFields<'_, '_>) -> Result<(), RejectReason> {
    match fields.singleton(Known::Version) {
        Singleton::One(VERSION) => Ok(()),
        Singleton::One(_) => Err(RejectReason::UnsupportedVersion),
        Singleton::Missing => Err(RejectReason::MissingVersion),
        Singleton::Repeated => Err(RejectReason::DuplicateVersion),
    }
}

/// Whether `Expect` asks for `100-continue`, the only expectation defined (RFC 9110
/// §10.1.1); any other member, or a malformed list, is a 417.
fn expect_continue(fields: &KnownFields<'_, '_>, max: usize) -> Result<bool, RejectReason> {
    let mut expected = false;
    for element in fields.elements(Known::Expect, max) {
        match element {
            Ok(member) if member.eq_ignore_ascii_case(b"100-continue") => expected = true,
            Err(ListFault::TooMany) => return Err(RejectReason::TooManyListElements),
            _ => return Err(RejectReason::ExpectationFailed),
        }
    }
    Ok(expected)
}

/// Internal: a decline can still become a 426 under `require_upgrade`.
enum Verdict {
    Decline(DeclineReason),
    Reject(RejectReason),
}

impl From<RejectReason> for Verdict {
    fn from(reason: RejectReason) -> Self {
        Verdict::Reject(reason)
    }
}
