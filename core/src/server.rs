//! The server side: a policy turns a parsed request into `Switch`, `Decline` or `Reject`
//! (RFC 9110 §7.8, RFC 6455 §4.2), and writes the response head.

use crate::head::{
    parse_request, target_form_ok, Header, Known, KnownFields, Limits, RequestHead, Singleton,
    Status,
};
use crate::list::ListFault;
use crate::reason::{BufferTooSmall, DeclineReason, RejectReason};
use crate::response::{status_line, write_rejection, HeadWriter};
use crate::upgrade::{self, ProtocolOffer};
use crate::websocket::deflate::{self, DeflateOffer, DeflateParams, DeflatePolicy};
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

/// A switch the server agreed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted<'b> {
    /// The client's offer the server chose, as the client wrote it.
    pub protocol: ProtocolOffer<'b>,
    /// The request target.
    pub target: &'b str,
    /// The Host field value (RFC 9112 §3.2).
    pub host: &'b [u8],
    /// The WebSocket details, when the protocol is `websocket`.
    pub websocket: Option<WebSocketAccepted<'b>>,
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
    /// Writes the 101 response head into `buf` (RFC 9110 §15.2.2, RFC 6455 §4.2.2 item 5).
    pub fn write_response(&self, buf: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let mut out = HeadWriter::new(buf);
        status_line(&mut out, 101);
        match &self.websocket {
            Some(websocket) => {
                out.field("Upgrade", PROTOCOL.as_bytes());
                out.field("Connection", b"Upgrade");
                out.field("Sec-WebSocket-Accept", websocket.accept.as_bytes());
                if let Some(subprotocol) = websocket.subprotocol {
                    out.field("Sec-WebSocket-Protocol", subprotocol.as_bytes());
                }
                if let Some(deflate) = &websocket.deflate {
                    out.put(b"Sec-WebSocket-Extensions: ");
                    deflate.write(&mut out);
                    out.put(b"\r\n");
                }
            }
            None => {
                out.field("Upgrade", self.protocol.text.as_bytes());
                out.field("Connection", b"Upgrade");
            }
        }
        out.put(b"\r\n");
        out.finish()
    }
}

/// A complete exchange from raw bytes: the outcome, and how many bytes the head used
/// (`None` when the head could not be parsed at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handshake<'b> {
    /// What to do.
    pub outcome: Outcome<'b>,
    /// The head's length; bytes after it belong to the next protocol.
    pub consumed: Option<usize>,
}

fn list_reject(fault: ListFault, malformed: RejectReason) -> RejectReason {
    match fault {
        ListFault::Malformed => malformed,
        ListFault::TooMany => RejectReason::TooManyListElements,
    }
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
        if head.minor_version == 0 {
            return Err(Verdict::Decline(DeclineReason::Http10));
        }
        let connection_upgrade = fields
            .list(Known::Connection)
            .contains_token("upgrade", max)
            .map_err(|f| list_reject(f, RejectReason::MalformedConnection))?;
        if !connection_upgrade {
            return Err(Verdict::Decline(DeclineReason::ConnectionWithoutUpgrade));
        }
        let protocol = upgrade::choose(fields.list(Known::Upgrade).bounded(max), self.protocols)
            .map_err(|f| list_reject(f, RejectReason::MalformedUpgrade))?
            .ok_or(Verdict::Decline(DeclineReason::UnsupportedProtocol))?;
        if !target_form_ok(head.target) {
            return Err(Verdict::Reject(RejectReason::InvalidTarget));
        }
        let host = match fields.singleton(Known::Host) {
            Singleton::One(host) => host,
            Singleton::Missing => return Err(Verdict::Reject(RejectReason::MissingHost)),
            Singleton::Repeated => return Err(Verdict::Reject(RejectReason::DuplicateHost)),
        };
        let websocket = if protocol.name.eq_ignore_ascii_case(PROTOCOL) {
            Some(self.check_websocket(head, &fields)?)
        } else {
            None
        };
        Ok(Accepted {
            protocol,
            target: head.target,
            host,
            websocket,
        })
    }

    /// The WebSocket checks of RFC 6455 §4.2.1 and the choices of §4.2.2.
    fn check_websocket<'b>(
        &self,
        head: &RequestHead<'_, 'b>,
        fields: &KnownFields<'_, 'b>,
    ) -> Result<WebSocketAccepted<'b>, RejectReason> {
        let max = self.limits.max_list_elements;
        if head.method != "GET" {
            return Err(RejectReason::MethodNotGet);
        }
        match fields.singleton(Known::Version) {
            Singleton::One(VERSION) => {}
            Singleton::One(_) => return Err(RejectReason::UnsupportedVersion),
            Singleton::Missing => return Err(RejectReason::MissingVersion),
            Singleton::Repeated => return Err(RejectReason::DuplicateVersion),
        }
        let key = match fields.singleton(Known::Key) {
            Singleton::One(value) => Key::parse(value).ok_or(RejectReason::InvalidKey)?,
            Singleton::Missing => return Err(RejectReason::MissingKey),
            Singleton::Repeated => return Err(RejectReason::DuplicateKey),
        };
        let origin = match fields.singleton(Known::Origin) {
            Singleton::One(origin) => Some(origin),
            Singleton::Missing => None,
            Singleton::Repeated => return Err(RejectReason::DuplicateOrigin),
        };
        let subprotocol = subprotocol::choose(
            fields.list(Known::Protocol).bounded(max),
            self.subprotocols,
            self.subprotocol_order,
        )
        .map_err(|f| list_reject(f, RejectReason::MalformedSubprotocols))?;
        let mut deflate = None;
        for offer in extensions::offers(fields.list(Known::Extensions).bounded(max)) {
            let offer = offer.map_err(|f| list_reject(f, RejectReason::MalformedExtensions))?;
            let Some(policy) = self.deflate.filter(|_| deflate.is_none()) else {
                continue;
            };
            if offer.name == deflate::NAME {
                deflate = DeflateOffer::parse(offer.params).map(|offer| policy.accept(&offer));
            }
        }
        Ok(WebSocketAccepted {
            key,
            accept: key.accept(),
            subprotocol,
            deflate,
            origin,
        })
    }
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
