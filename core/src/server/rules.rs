//! Each rule of a request's acceptance, written once (RFC 9110 §7.8, RFC 9112 §3, RFC 6455
//! §4.2.1): a function of one value and the policy, called by the general path
//! ([`super::http1`]) in RFC order over the indexed fields, by the one pass
//! ([`super::one_pass`]) as it meets each field, and by extended CONNECT
//! ([`super::connect`]) where the rule is the same over HTTP/2 and HTTP/3. A driver keeps
//! only how it reaches a value (the one pass: a field once, a value without quotes); what a
//! value means is decided here.
//!
//! The rules of the list fields live with their grammar: the Upgrade offer
//! ([`crate::upgrade::choose`]), the `upgrade` Connection option
//! ([`crate::upgrade::connection_upgrade`]), the subprotocol
//! ([`crate::websocket::subprotocol::choose`]) and permessage-deflate
//! ([`crate::websocket::extensions::choose_deflate`]).

use super::{ServerPolicy, Verdict};
use crate::error::{DeclineReason, RejectReason};
use crate::grammar::uri::{self, Authority};
use crate::upgrade::ProtocolOffer;
use crate::websocket::key::Key;
use crate::websocket::{PROTOCOL, VERSION};

/// An HTTP/1.0 request's Upgrade is ignored (RFC 9110 §7.8: a server MUST ignore an
/// Upgrade received in an HTTP/1.0 request); `minor` is the request line's minor version.
#[inline]
pub(super) fn http_version(minor: u8) -> Result<(), Verdict> {
    match minor {
        0 => Err(Verdict::Decline(DeclineReason::Http10)),
        _ => Ok(()),
    }
}

/// A WebSocket handshake is a GET (RFC 6455 §4.2.1 item 1), the method compared exactly
/// (RFC 9110 §9.1: method names are case-sensitive).
#[inline]
pub(super) fn websocket_method(method: &str) -> Result<(), RejectReason> {
    match method {
        "GET" => Ok(()),
        _ => Err(RejectReason::MethodNotGet),
    }
}

/// The request-target ([`uri::request_target_ok`]): `None` for origin-form, the authority
/// of an absolute-form target, which must be valid (RFC 9112 §3.2.2).
#[inline]
pub(super) fn target(target: &str) -> Result<Option<Authority<'_>>, RejectReason> {
    if !uri::request_target_ok(target.as_bytes()) {
        return Err(RejectReason::InvalidTarget);
    }
    match uri::of_absolute_target(target.as_bytes()) {
        None => Ok(None),
        Some(None) => Err(RejectReason::InvalidTarget),
        Some(Some(authority)) => Ok(Some(authority)),
    }
}

/// Whether the chosen Upgrade offer is WebSocket (RFC 6455 §4.2.1 item 3: the name
/// compared case-insensitively).
#[inline]
pub(super) fn is_websocket(offer: &ProtocolOffer<'_>) -> bool {
    is_websocket_name(offer.name.as_bytes())
}

/// [`is_websocket`] of a protocol name's bytes.
#[inline]
pub(super) fn is_websocket_name(name: &[u8]) -> bool {
    crate::grammar::chars::eq_ignore_case_lower(name, PROTOCOL.as_bytes())
}

/// The one Sec-WebSocket-Key value (RFC 6455 §4.2.1 item 5), OWS-trimmed: 24 characters of
/// base64 that decode to 16 bytes.
#[inline]
pub(super) fn key(value: &[u8]) -> Result<&[u8; 24], RejectReason> {
    Key::valid_text(value).ok_or(RejectReason::InvalidKey)
}

/// The one Sec-WebSocket-Version value is `13` (RFC 6455 §4.2.1 item 6; RFC 8441 §5).
#[inline]
pub(crate) fn websocket_version(value: &[u8]) -> Result<(), RejectReason> {
    match value {
        VERSION => Ok(()),
        _ => Err(RejectReason::UnsupportedVersion),
    }
}

impl ServerPolicy<'_> {
    /// The one Host value, OWS-trimmed: `uri-host [ ":" port ]` (RFC 9112 §3.2) naming a
    /// host the policy answers for (RFC 9110 §7.4).
    #[inline]
    pub(super) fn host<'b>(&self, value: &'b [u8]) -> Result<Authority<'b>, RejectReason> {
        let authority = Authority::parse(value).ok_or(RejectReason::InvalidHost)?;
        self.hosts.check(&authority)?;
        Ok(authority)
    }

    /// Decline or reject, as the caller answers it: under `require_upgrade` a request that
    /// does not upgrade is a 426 (RFC 9110 §15.5.22), over every transport.
    pub(super) fn settle(&self, verdict: Verdict) -> Result<DeclineReason, RejectReason> {
        match verdict {
            Verdict::Decline(_) if self.require_upgrade => Err(RejectReason::UpgradeRequired),
            Verdict::Decline(reason) => Ok(reason),
            Verdict::Reject(reason) => Err(reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_on_its_boundary() {
        assert!(http_version(1).is_ok());
        assert!(matches!(
            http_version(0),
            Err(Verdict::Decline(DeclineReason::Http10))
        ));
        assert_eq!(websocket_method("GET"), Ok(()));
        for method in ["get", "Get", "POST", "GETS", "GE", ""] {
            assert_eq!(
                websocket_method(method),
                Err(RejectReason::MethodNotGet),
                "{method}"
            );
        }
        assert_eq!(target("/chat"), Ok(None));
        assert!(matches!(target("ws://a.test/x"), Ok(Some(_))));
        for bad in ["/chat#x", "/caf\u{e9}", "*", "ws:///x", "ws://u@h/"] {
            assert_eq!(target(bad), Err(RejectReason::InvalidTarget), "{bad:?}");
        }
        assert_eq!(websocket_version(b"13"), Ok(()));
        for bad in [&b"8"[..], b"013", b"13 ", b"", b"1"] {
            assert_eq!(
                websocket_version(bad),
                Err(RejectReason::UnsupportedVersion)
            );
        }
        assert!(key(b"dGhlIHNhbXBsZSBub25jZQ==").is_ok());
        assert_eq!(
            key(b"dGhlIHNhbXBsZSBub25jZQ= "),
            Err(RejectReason::InvalidKey)
        );
        let offer = |name| ProtocolOffer {
            text: name,
            name,
            version: None,
        };
        assert!(is_websocket(&offer("WebSocket")));
        assert!(!is_websocket(&offer("websockets")));
        assert!(!is_websocket(&offer("h2c")));
    }

    #[test]
    fn a_decline_is_a_426_only_where_an_upgrade_is_required() {
        let policy = ServerPolicy::websocket();
        let required = ServerPolicy {
            require_upgrade: true,
            ..policy
        };
        let decline = || Verdict::Decline(DeclineReason::NoUpgrade);
        assert_eq!(policy.settle(decline()), Ok(DeclineReason::NoUpgrade));
        assert_eq!(
            required.settle(decline()),
            Err(RejectReason::UpgradeRequired)
        );
        let reject = || Verdict::Reject(RejectReason::InvalidKey);
        assert_eq!(policy.settle(reject()), Err(RejectReason::InvalidKey));
        assert_eq!(required.settle(reject()), Err(RejectReason::InvalidKey));
    }
}
