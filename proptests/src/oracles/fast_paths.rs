//! `fast_paths`: each fast path of the hot path against the general grammar code
//! it replaces, on the same bytes: the same elements and faults, the same verdicts.
//!
//! - [`PlainElements`] and [`KnownFields::elements`] against [`Bounded`] over
//!   [`ListElements`], for one field and for the same bytes split over several fields;
//! - [`Key::parse`] (alphabet check) against `rfc::is_websocket_key` (RFC 6455 §4.1 item 7
//!   read from the RFC, decoding by re-encoding);
//! - [`chars::eq_ignore_case_lower`] against `eq_ignore_ascii_case` for every known
//!   field name;
//! - [`upgrade::choose_single_token`] against [`upgrade::choose`] over the general reader,
//!   and the one-compare `Connection: upgrade` against [`contains_token`];
//! - the plain list scanners of the one pass ([`plain::tokens_ok`],
//!   [`plain::extensions_ok`]) against [`contains_token`] and `__private::parse_extension`
//!   over the general reader: the same verdict on every quote-free value;
//! - [`ProtocolOffer::parse`] against `token ["/" token]` as [`crate::rfc::is_protocol`]
//!   writes it from RFC 9110 §7.8.

use std::vec::Vec;

use http_upgrade::__private::chars;
use http_upgrade::__private::fields::{Known, KnownFields};
use http_upgrade::__private::list::{
    contains_token, single_token_contains, trim_ows, Bounded, FieldValues, ListElements, ListFault,
    PlainElements,
};
use http_upgrade::__private::plain;
use http_upgrade::__private::upgrade::{self};
use http_upgrade::{Header, Key};

/// Elements up to and including the first fault, as a caller using `?` sees them.
fn until_fault<'b>(
    elements: impl Iterator<Item = Result<&'b [u8], ListFault>>,
) -> Vec<Result<&'b [u8], ListFault>> {
    let mut out = Vec::new();
    for element in elements {
        let fault = element.is_err();
        out.push(element);
        if fault {
            break;
        }
    }
    out
}

/// The general reading of `headers`' values, bounded.
fn general<'h, 'b>(headers: &'h [Header<'b>], max: usize) -> Bounded<ListElements<'h, 'b>> {
    ListElements::new(FieldValues::all(headers)).bounded(max)
}

/// Checks one value (selector byte: the element limit and how to split the value over
/// several fields).
pub fn fast_paths(data: &[u8]) {
    let Some((&selector, value)) = data.split_first() else {
        return;
    };
    let max = usize::from(selector % 9);
    let one = [Header { name: "x", value }];
    if let Some(plain) = PlainElements::new(value, max) {
        assert_eq!(
            until_fault(plain),
            until_fault(general(&one, max)),
            "{value:?} max {max}"
        );
    } else {
        assert!(value.contains(&b'"'));
    }

    // The same bytes as one Connection field, and split at `;` into several with noise
    // between: KnownFields::elements takes the fast reading only for the first.
    for split in [false, true] {
        let mut headers = vec![Header {
            name: "User-Agent",
            value: b"x",
        }];
        let parts: Vec<&[u8]> = if split {
            value.split(|&b| b == b';').collect()
        } else {
            vec![value]
        };
        for part in &parts {
            headers.push(Header {
                name: if selector & 0x80 != 0 {
                    "CONNECTION"
                } else {
                    "connection"
                },
                value: part,
            });
            headers.push(Header {
                name: "Pragma",
                value: b"no-cache",
            });
        }
        let known = KnownFields::index(http_upgrade::__private::fields(&headers));
        let named: Vec<Header<'_>> = headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("connection"))
            .copied()
            .collect();
        assert_eq!(
            until_fault(known.elements(Known::Connection, max)),
            until_fault(general(&named, max)),
            "{parts:?} max {max}"
        );
    }

    // The one pass's plain list scanners against the general readers, both ways: they
    // take a value exactly when it holds no quote and the general reader takes it.
    let quote_free = !value.contains(&b'"');
    let tokens_ok = contains_token(general(&one, max), "x").is_ok();
    assert_eq!(
        plain::tokens_ok(value, max),
        quote_free && tokens_ok,
        "tokens {value:?} max {max}"
    );
    let extensions_ok = general(&one, max).all(|element| {
        element
            .ok()
            .and_then(http_upgrade::__private::parse_extension)
            .is_some()
    });
    assert_eq!(
        plain::extensions_ok(value, max),
        quote_free && extensions_ok,
        "extensions {value:?} max {max}"
    );

    // The single-token fast paths of Upgrade and Connection, on the OWS-trimmed value.
    let trimmed = trim_ows(value);
    for supported in [
        &["websocket"][..],
        &["WebSocket", "h2c"],
        &["websocket/13"],
        &["a", "upgrade"],
    ] {
        if let Some(fast) = upgrade::choose_single_token(trimmed, max, supported) {
            assert_eq!(
                fast,
                upgrade::choose(general(&one, max), supported),
                "{value:?} {supported:?}"
            );
        }
    }
    if let Some(found) = single_token_contains(trimmed, max, "upgrade") {
        assert_eq!(
            Ok(found),
            contains_token(general(&one, max), "upgrade"),
            "{value:?}"
        );
    }

    // One Upgrade offer: `protocol-name ["/" protocol-version]`, both tokens.
    let offer = http_upgrade::__private::parse_protocol_offer(value);
    assert_eq!(offer.is_some(), crate::rfc::is_protocol(value), "{value:?}");
    if let Some(offer) = offer {
        let text = std::str::from_utf8(value).unwrap();
        assert_eq!(offer.text, text);
        assert_eq!(
            (offer.name, offer.version),
            match text.split_once('/') {
                Some((name, version)) => (name, Some(version)),
                None => (text, None),
            }
        );
    }

    // The key: every 24-byte window of the value, and the value itself.
    for candidate in core::iter::once(value).chain(value.windows(24).take(8)) {
        let parsed = Key::parse(candidate);
        assert_eq!(
            parsed.is_some(),
            crate::rfc::is_websocket_key(candidate),
            "{candidate:?}"
        );
        if let Some(key) = parsed {
            assert!(
                candidate.windows(24).any(|w| w == key.as_bytes()),
                "{candidate:?}"
            );
        }
    }

    // Field-name recognition, word at a time.
    for known in Known::ALL {
        let name = known.name().as_bytes();
        assert_eq!(
            chars::eq_ignore_case_lower(value, name),
            value.eq_ignore_ascii_case(name),
            "{value:?} {known:?}"
        );
    }
}
