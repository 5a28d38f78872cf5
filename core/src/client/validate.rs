//! The general checks of the server's 101 (RFC 6455 §4.1 response items 1-6, RFC 7692
//! §7.1): one indexing pass, then each field through the general list readers. The
//! reference the one pass is tested against; it never calls the one pass.

use super::{ClientError, Established, Expectation, MAX_ACCEPTED_EXTENSIONS};
use crate::grammar::chars::eq_ignore_case_lower;
use crate::grammar::list::{is_token, ListFault};
use crate::http1::fields::{Known, KnownFields, Singleton};
use crate::http1::head::ResponseHead;
use crate::upgrade;
use crate::websocket::deflate::{self, DeflateParams};
use crate::websocket::extensions::Extension;
use crate::websocket::PROTOCOL;

/// The response is HTTP/1.1 101 (RFC 6455 §4.1 response item 1; RFC 9110 §7.8: an upgrade
/// is an HTTP/1.1 mechanism).
#[inline]
pub(crate) fn status_line(minor_version: u8, status: u16) -> Result<(), ClientError> {
    if minor_version != 1 {
        return Err(ClientError::NotHttp11);
    }
    if status != 101 {
        return Err(ClientError::NotSwitching { status });
    }
    Ok(())
}

/// The one Upgrade element is `websocket`, case aside (RFC 6455 §4.1 response item 2).
#[inline]
pub(crate) fn upgrade_is_websocket(element: &[u8]) -> bool {
    eq_ignore_case_lower(element, PROTOCOL.as_bytes())
}

/// What the accepted extensions come to: permessage-deflate's parameters in force, and
/// every accepted extension in the response's order.
pub(crate) type AcceptedExtensions<'b> = (
    Option<DeflateParams>,
    [Option<Extension<'b>>; MAX_ACCEPTED_EXTENSIONS],
);

impl<'a> Expectation<'a> {
    /// The general checks of a parsed response head, after `interim` bytes of interim
    /// responses (RFC 6455 §4.1 response items 1-6).
    pub(super) fn judge<'b>(
        &self,
        head: &ResponseHead<'_, 'b>,
        interim: usize,
    ) -> Result<Established<'b>, ClientError> {
        status_line(head.minor_version, head.status)?;
        // One indexing pass, then each field read where it is.
        let fields = KnownFields::index(head.fields);
        let max = self.limits.max_list_elements;
        let mut upgrade = fields.elements(Known::Upgrade, max);
        let upgrade_ok = matches!(
            (upgrade.next(), upgrade.next()),
            (Some(Ok(only)), None) if upgrade_is_websocket(only)
        );
        if !upgrade_ok {
            return Err(ClientError::UpgradeNotWebsocket);
        }
        if upgrade::connection_upgrade(fields.elements(Known::Connection, max)) != Ok(true) {
            return Err(ClientError::ConnectionNotUpgrade);
        }
        match fields.singleton(Known::Accept) {
            Singleton::One(accept) => self.check_accept(accept)?,
            Singleton::Missing => return Err(ClientError::MissingAccept),
            Singleton::Repeated => return Err(ClientError::DuplicateAccept),
        }
        let subprotocol = self.check_subprotocol(fields.elements(Known::Protocol, max))?;
        let (deflate, extensions) =
            self.check_extensions(fields.elements(Known::Extensions, max))?;
        Ok(Established {
            subprotocol,
            deflate,
            extensions,
            consumed: interim + head.consumed,
        })
    }

    /// Sec-WebSocket-Accept is the value the key calls for (RFC 6455 §4.1 response item 4),
    /// compared exactly.
    #[inline]
    pub(crate) fn check_accept(&self, value: &[u8]) -> Result<(), ClientError> {
        if value == self.key.accept().as_bytes() {
            Ok(())
        } else {
            Err(ClientError::AcceptMismatch)
        }
    }

    /// At most one subprotocol, and only one the client offered (RFC 6455 §4.1 response item 6).
    fn check_subprotocol<'b>(
        &self,
        mut elements: impl Iterator<Item = Result<&'b [u8], ListFault>>,
    ) -> Result<Option<&'b str>, ClientError> {
        let Some(first) = elements.next() else {
            return Ok(None);
        };
        let chosen = first.map_err(|_| ClientError::UnexpectedSubprotocol)?;
        if elements.next().is_some() {
            return Err(ClientError::UnexpectedSubprotocol);
        }
        self.offered_subprotocol(chosen)
            .map(Some)
            .ok_or(ClientError::UnexpectedSubprotocol)
    }

    /// The one subprotocol a server chose, if it is a token the client offered (RFC 6455
    /// §4.1 response item 6).
    pub(crate) fn offered_subprotocol<'b>(&self, chosen: &'b [u8]) -> Option<&'b str> {
        let offered = self.subprotocols.iter().any(|s| s.as_bytes() == chosen);
        if !offered || !is_token(chosen) {
            return None;
        }
        core::str::from_utf8(chosen).ok()
    }

    /// Every accepted extension was offered, once; permessage-deflate answers an offer
    /// (RFC 6455 §4.1 response item 5, §9.1; RFC 7692 §7.1).
    pub(crate) fn check_extensions<'b>(
        &self,
        elements: impl Iterator<Item = Result<&'b [u8], ListFault>>,
    ) -> Result<AcceptedExtensions<'b>, ClientError> {
        self.check_parsed_extensions(
            elements.map(|element| element.ok().and_then(Extension::parse_deflate)),
        )
    }

    /// [`Expectation::check_extensions`] of elements already parsed, each with its
    /// permessage-deflate parameters gathered; `None` is an element that broke the grammar.
    pub(crate) fn check_parsed_extensions<'b>(
        &self,
        elements: impl Iterator<Item = Option<(Extension<'b>, deflate::Seen<'b>)>>,
    ) -> Result<AcceptedExtensions<'b>, ClientError> {
        let mut accepted = [None; MAX_ACCEPTED_EXTENSIONS];
        let mut deflate = None;
        for (index, element) in elements.enumerate() {
            let (extension, seen) = element.ok_or(ClientError::MalformedExtensions)?;
            let seen_before = accepted
                .iter()
                .flatten()
                .any(|e: &Extension<'_>| e.name == extension.name);
            if seen_before {
                return Err(ClientError::UnexpectedExtension);
            }
            let is_deflate = extension.name == deflate::NAME;
            let params = if is_deflate {
                DeflateParams::from_seen(seen)
            } else {
                None
            };
            // One pass over the client's own offers: was this extension offered, and, for
            // permessage-deflate, does the answer fit one of the offers.
            let mut offered = false;
            let mut answered = false;
            for offer in self.extensions.iter() {
                if offer.name != extension.name {
                    continue;
                }
                offered = true;
                answered |= params
                    .zip(offer.deflate)
                    .is_some_and(|(params, offer)| params.answers(&offer));
            }
            if !offered {
                return Err(ClientError::UnexpectedExtension);
            }
            if is_deflate && !answered {
                return Err(ClientError::InvalidDeflateParams);
            }
            deflate = deflate.or(params);
            *accepted
                .get_mut(index)
                .ok_or(ClientError::UnexpectedExtension)? = Some(extension);
        }
        Ok((deflate, accepted))
    }
}
