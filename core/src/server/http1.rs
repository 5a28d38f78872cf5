//! The general path of the server (RFC 9110 §7.8, RFC 6455 §4.2.1-§4.2.2): every rule,
//! one at a time, over the indexed fields. It is the reference the one pass is tested
//! against, and it never calls the one pass.

use super::websocket::check_version;
use super::{rules, Accepted, AuthoritySource, ServerPolicy, Verdict, WebSocketAccepted};
use crate::error::{list_reject, DeclineReason, RejectReason};
use crate::grammar::list::{single_token_contains, ListFault};
use crate::grammar::uri::Authority;
use crate::h2c::{self};
use crate::http1::fields::{Known, KnownFields, Singleton};
use crate::http1::framing::{self};
use crate::http1::head::RequestHead;
use crate::upgrade::{self, CONNECTION_OPTION};
use crate::websocket::key::Key;

impl<'p> ServerPolicy<'p> {
    pub(super) fn try_negotiate<'b>(
        &self,
        head: &RequestHead<'_, 'b>,
    ) -> Result<Accepted<'b>, Verdict> {
        let fields = KnownFields::index(head.fields);
        let max = self.limits.max_list_elements;
        if !fields.contains(Known::Upgrade) {
            return Err(Verdict::Decline(DeclineReason::NoUpgrade));
        }
        // Framing first: a declined request with broken framing is still a rejection.
        let body = framing::judge(&fields, head.minor_version, max)?;
        rules::http_version(head.minor_version)?;
        // `Connection: Upgrade` alone, the common case, is one compare; anything else is read
        // as a list.
        let single = match fields.singleton(Known::Connection) {
            Singleton::One(value) => single_token_contains(value, max, CONNECTION_OPTION),
            _ => None,
        };
        let connection_upgrade = match single {
            Some(found) => found,
            None => upgrade::connection_upgrade(fields.elements(Known::Connection, max))
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
        let target_authority = rules::target(head.target)?;
        let host = match fields.singleton(Known::Host) {
            Singleton::One(host) => host,
            Singleton::Missing => return Err(Verdict::Reject(RejectReason::MissingHost)),
            Singleton::Repeated => return Err(Verdict::Reject(RejectReason::DuplicateHost)),
        };
        // The Host field and an absolute-form target's authority both name a host the
        // server answers for, so no intermediary's reading of the two reaches another.
        let host_authority = self.host(host)?;
        let (authority, authority_source) = match target_authority {
            Some(authority) => {
                self.hosts.check(&authority)?;
                (authority, AuthoritySource::Target)
            }
            None => (host_authority, AuthoritySource::Host),
        };
        let expect_continue = expect_continue(&fields, max)?;
        let is_websocket = rules::is_websocket(&protocol);
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
        rules::websocket_method(head.method)?;
        check_version(fields)?;
        let key = match fields.singleton(Known::Key) {
            Singleton::One(value) => Key::from_valid_text(rules::key(value)?),
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
