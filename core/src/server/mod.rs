//! The server side: a policy turns a parsed request into `Switch`, `Decline` or `Reject`
//! (RFC 9110 §7.8, RFC 6455 §4.2), and writes the response head.
//!
//! The request is judged whole: its framing (RFC 9112 §6), Host (RFC 9112 §3.2), Expect
//! (RFC 9110 §10.1.1) and Origin (RFC 6455 §10.2) decide as much as its upgrade fields.

pub mod connect;
mod host;
mod http1;
mod one_pass;
pub mod origin;
mod rules;
mod websocket;
mod write;

pub use connect::{ConnectAccepted, ConnectOutcome, ConnectResponse, ConnectWebSocket};
pub use host::HostPolicy;
pub use origin::OriginPolicy;

use crate::error::{BufferTooSmall, DeclineReason, RejectReason};
use crate::grammar::uri::Authority;
use crate::h2c::Http2Settings;
use crate::http1::framing::Body;
use crate::http1::head::{parse_request, Header, Limits, RequestHead, Status};
use crate::upgrade::ProtocolOffer;
use crate::websocket::deflate::{DeflateParams, DeflatePolicy};
use crate::websocket::key::{Accept, Key};
use crate::websocket::subprotocol::SubprotocolOrder;
use crate::websocket::PROTOCOL;
use write::write_rejection;

/// What a server takes (RFC 9110 §7.8, RFC 6455 §4.2): protocols, subprotocols, extensions, and whether an upgrade is
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
    /// Which hosts the server answers for (RFC 9110 §7.4, §15.5.20); default: any.
    pub hosts: HostPolicy<'p>,
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
    /// A WebSocket endpoint (RFC 6455 §4.2): no subprotocols, no extensions, upgrade optional.
    pub const fn websocket() -> Self {
        ServerPolicy {
            protocols: &[PROTOCOL],
            subprotocols: &[],
            subprotocol_order: SubprotocolOrder::Client,
            deflate: None,
            require_upgrade: false,
            hosts: HostPolicy::Any,
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

/// What the server does with a complete request head (RFC 9110 §7.8: switch, or serve
/// it as if Upgrade were absent; or refuse it).
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
#[non_exhaustive]
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
#[non_exhaustive]
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

/// A complete exchange from raw bytes (RFC 9112 §2.2): the outcome, and how many bytes the head used
/// (`None` when the head could not be parsed at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Handshake<'b> {
    /// What to do.
    pub outcome: Outcome<'b>,
    /// The head's length; bytes after it belong to the next protocol.
    pub consumed: Option<usize>,
}

impl<'p> ServerPolicy<'p> {
    /// Parses a request head from `bytes` and negotiates it (RFC 9112 §2.2, RFC 9110 §7.8,
    /// RFC 6455 §4.2). `Partial` means read more;
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
        match self
            .try_negotiate(head)
            .map_err(|verdict| self.settle(verdict))
        {
            Ok(accepted) => Outcome::Switch(accepted),
            Err(Ok(reason)) => Outcome::Decline(reason),
            Err(Err(reason)) => Outcome::Reject(reason),
        }
    }

    /// Writes the response an outcome calls for (RFC 9110 §15.2.2, §15.5; RFC 6455 §4.2.2); a
    /// decline writes nothing and returns 0.
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
    /// Parses a request head from `bytes` and answers it: a common WebSocket handshake in
    /// one pass, its 101 written into `out` ([`Reply::WebSocket`]); anything else by
    /// [`ServerPolicy::negotiate`] ([`Reply::Handshake`]; what `out` then holds means
    /// nothing). `Partial`
    /// means read more (RFC 9112 §2.2, RFC 6455 §4.2).
    #[inline]
    pub fn respond<'b>(
        &self,
        bytes: &'b [u8],
        headers: &mut [Header<'b>],
        out: &mut [u8],
    ) -> Status<Reply<'b>> {
        match parse_request(bytes, headers, &self.limits) {
            Err(reason) => Status::Complete(Reply::Handshake(Handshake {
                outcome: Outcome::Reject(reason),
                consumed: None,
            })),
            Ok(Status::Partial) => Status::Partial,
            Ok(Status::Complete(head)) => Status::Complete(match self.fast_switch(&head, out) {
                Some(switch) => Reply::WebSocket(switch),
                None => Reply::Handshake(Handshake {
                    outcome: self.negotiate(&head),
                    consumed: Some(head.consumed),
                }),
            }),
        }
    }

    /// The one pass where it is compiled in, else nothing: with
    /// `--cfg http_upgrade_general_only` every request takes the general path, so the whole
    /// test suite can judge that path on its own.
    #[inline(always)]
    fn fast_switch<'b>(
        &self,
        head: &RequestHead<'_, 'b>,
        out: &mut [u8],
    ) -> Option<WebSocketSwitch<'b>> {
        if cfg!(http_upgrade_general_only) {
            return None;
        }
        self.switch_in_one_pass(head, out)
    }
}

/// A WebSocket switch decided in one pass, its 101 already written (RFC 6455 §4.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebSocketSwitch<'b> {
    /// The request head's length; bytes after it are the client's first frames.
    pub consumed: usize,
    /// The length of the 101 at the start of the caller's buffer.
    pub written: usize,
    /// The request target, in origin-form (RFC 9112 §3.2.1).
    pub target: &'b str,
    /// The Host field value, `uri-host [ ":" port ]` (RFC 9112 §3.2): the effective
    /// authority, since the target is in origin-form.
    pub host: &'b [u8],
    /// The Origin field, for the caller's own check (RFC 6455 §10.2).
    pub origin: Option<&'b [u8]>,
    /// The chosen subprotocol, as the client wrote it (RFC 6455 §4.2.2 item 5.5).
    pub subprotocol: Option<&'b str>,
    /// The accepted permessage-deflate parameters (RFC 7692 §7).
    pub deflate: Option<DeflateParams>,
}

/// What [`ServerPolicy::respond`] did with a complete head (RFC 6455 §4.2.2 for the switch).
// The general variant is the general path's result, kept whole for its callers; the common
// WebSocket switch is the small variant.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply<'b> {
    /// A WebSocket switch: the 101 is in the buffer; send it and speak WebSocket.
    WebSocket(WebSocketSwitch<'b>),
    /// Anything else, judged by the general path: answer it with
    /// [`ServerPolicy::write_response`].
    Handshake(Handshake<'b>),
}

/// Why a request is not switched, before the policy settles it
/// ([`ServerPolicy::settle`]): a decline can still become a 426 under `require_upgrade`. One
/// type for HTTP/1.1, h2c and extended CONNECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Decline(DeclineReason),
    Reject(RejectReason),
}

impl From<RejectReason> for Verdict {
    fn from(reason: RejectReason) -> Self {
        Verdict::Reject(reason)
    }
}
