//! The WebSocket choices every transport makes the same way (RFC 6455 §4.2.1-§4.2.2,
//! RFC 7692 §7, RFC 8441 §5): the version, the Origin, the subprotocol and permessage-deflate.

use super::ServerPolicy;
use crate::error::{list_reject, RejectReason};
use crate::grammar::uri::Authority;
use crate::http1::fields::{Known, KnownFields, Singleton};
use crate::websocket::deflate::DeflateParams;
use crate::websocket::extensions;
use crate::websocket::subprotocol::{self};

impl<'p> ServerPolicy<'p> {
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
        Singleton::One(value) => super::rules::websocket_version(value),
        Singleton::Missing => Err(RejectReason::MissingVersion),
        Singleton::Repeated => Err(RejectReason::DuplicateVersion),
    }
}
