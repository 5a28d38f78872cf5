//! The client's own Sec-WebSocket-Extensions offer (RFC 6455 §9.1, RFC 7692 §5), parsed
//! once, when the request is checked or the expectation built, and kept for judging the
//! server's answer (RFC 6455 §4.1 response item 5).

use crate::grammar::list::Elements;
use crate::websocket::deflate::{self, DeflateOffer};
use crate::websocket::extensions::Extension;

/// The most extensions a client's own offer may list. RFC 6455 §9.1 sets no bound; the
/// parsed offers live in a fixed array, and browsers offer one.
pub const MAX_OFFERED_EXTENSIONS: usize = 8;

/// One element of the offer: its extension name and, for a permessage-deflate offer whose
/// parameters are valid, those parameters (RFC 7692 §7.1; an invalid one is kept as an
/// offer that no answer fits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Offer<'a> {
    pub(crate) name: &'a str,
    pub(crate) deflate: Option<DeflateOffer>,
}

/// A client's Sec-WebSocket-Extensions offer, parsed (RFC 6455 §9.1, RFC 7692 §5): what an
/// [`crate::Expectation`] checks the accepted extensions against, without reading the
/// offer again for every response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExtensionOffers<'a> {
    offers: [Option<Offer<'a>>; MAX_OFFERED_EXTENSIONS],
}

impl<'a> ExtensionOffers<'a> {
    /// No Sec-WebSocket-Extensions sent: a response may accept no extension.
    pub const NONE: Self = Self {
        offers: [None; MAX_OFFERED_EXTENSIONS],
    };

    /// Parses an offer as sent, e.g. `permessage-deflate; client_max_window_bits`; `None`
    /// when an element breaks the RFC 6455 §9.1 grammar (a quoted value must be a token
    /// once unquoted), or the list holds no element (`1#extension`: a client that offers
    /// nothing sends no field) or more than [`MAX_OFFERED_EXTENSIONS`].
    pub fn parse(value: &'a [u8]) -> Option<Self> {
        let mut offers = [None; MAX_OFFERED_EXTENSIONS];
        for (slot, element) in Elements::new(value).enumerate() {
            let (extension, params) = Extension::parse_deflate(element.ok()?)?;
            let deflate = if extension.name == deflate::NAME {
                DeflateOffer::from_seen(params)
            } else {
                None
            };
            *offers.get_mut(slot)? = Some(Offer {
                name: extension.name,
                deflate,
            });
        }
        let some = offers.first().is_some_and(Option::is_some);
        some.then_some(Self { offers })
    }

    /// The offered elements, in the order sent.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Offer<'a>> {
        self.offers.iter().map_while(Option::as_ref)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_keep_their_order_and_deflate_parameters() {
        let offers = ExtensionOffers::parse(
            b"x-foo; a=\"1\", permessage-deflate; client_max_window_bits=12, permessage-deflate; bogus",
        )
        .expect("well formed");
        let parsed: [_; 3] = core::array::from_fn(|i| offers.iter().nth(i).copied());
        assert_eq!(
            parsed[0].map(|o| (o.name, o.deflate)),
            Some(("x-foo", None))
        );
        assert_eq!(parsed[1].map(|o| o.name), Some("permessage-deflate"));
        assert!(parsed[1].is_some_and(|o| o.deflate.is_some()));
        // An invalid permessage-deflate offer stays an offer that no answer fits.
        assert_eq!(
            parsed[2].map(|o| (o.name, o.deflate)),
            Some(("permessage-deflate", None))
        );
        assert_eq!(offers.iter().count(), 3);
    }

    #[test]
    fn malformed_or_too_long_offers_are_refused() {
        for bad in [&b"a;"[..], b"a b", b"a; b=\"x y\"", b"\"a\"", b"a; b=\"1"] {
            assert_eq!(ExtensionOffers::parse(bad), None, "{bad:?}");
        }
        let most = b"a, b, c, d, e, f, g, h";
        assert_eq!(
            ExtensionOffers::parse(most).map(|o| o.iter().count()),
            Some(8)
        );
        assert_eq!(ExtensionOffers::parse(b"a, b, c, d, e, f, g, h, i"), None);
        // `1#extension`: at least one, empty elements aside.
        assert_eq!(ExtensionOffers::parse(b" , "), None);
        assert_eq!(ExtensionOffers::parse(b""), None);
        assert_eq!(
            ExtensionOffers::parse(b", a ,").map(|o| o.iter().count()),
            Some(1)
        );
        assert_eq!(ExtensionOffers::NONE.iter().count(), 0);
        assert_eq!(ExtensionOffers::default(), ExtensionOffers::NONE);
    }
}
