//! What an embedder reads off an outcome to write a response of its own (HTTP/2's
//! `:status`, the `sec-websocket-extensions` element of an extended CONNECT) says what the
//! RFC text says for that outcome, and what the crate writes itself.

use std::string::ToString;
use std::vec::Vec;

use http_upgrade::{DeflateParams, Outcome, EMPTY_HEADER};

use super::deflate_offers::OFFER_PARAMS;
use crate::rfc::extension_offers;

/// RFC 9110 §15: the status an outcome reports is the final status of the response the
/// crate writes for it (a `100 Continue` before a 101 is interim, §15.2.1), and a decline,
/// which the caller serves as if Upgrade were absent (§7.8), reports none and writes none.
pub fn status_is_the_written_status(outcome: &Outcome<'_>, response: &[u8]) {
    assert_eq!(
        outcome.status(),
        final_status(response),
        "Outcome::status disagrees with the response written for {outcome:?}"
    );
}

/// The final status code of `response`, skipping 1xx heads other than 101 (RFC 9110
/// §15.2); `None` for no bytes.
fn final_status(mut response: &[u8]) -> Option<u16> {
    while !response.is_empty() {
        let mut fields = [EMPTY_HEADER; 16];
        let mut head = httparse::Response::new(&mut fields);
        let Ok(httparse::Status::Complete(len)) = head.parse(response) else {
            panic!("a written response that does not parse: {response:?}");
        };
        match head.code {
            Some(code) if (100..200).contains(&code) && code != 101 => response = &response[len..],
            code => return code,
        }
    }
    None
}

/// The extension element of accepted permessage-deflate parameters, as `Display` writes
/// it, follows RFC 7692 ([`deflate_element_says`]). Returns the element.
pub fn deflate_element_follows_rfc_7692(params: &DeflateParams) -> std::string::String {
    let element = params.to_string();
    deflate_element_says(params, &element);
    element
}

/// RFC 7692 §7.1: `element` is one `permessage-deflate` element (RFC 6455 §9.1's grammar)
/// whose parameters are exactly those of `params`, each once (§5.1): the two
/// `*_no_context_takeover` without a value (§7.1.1.1-2), the two `*_max_window_bits` with a
/// decimal value from 8 to 15 without leading zeros (§7.1.2.1-2).
pub fn deflate_element_says(params: &DeflateParams, element: &str) {
    let offers = extension_offers(element.as_bytes())
        .unwrap_or_else(|| panic!("{params:?} is written as {element:?}, not an extension"));
    let [offer] = &offers[..] else {
        panic!(
            "{params:?} is written as {} extensions: {element:?}",
            offers.len()
        );
    };
    assert_eq!(offer.name, b"permessage-deflate", "{element:?}");
    let value_of = |name: &[u8]| -> Option<Option<&[u8]>> {
        let found: Vec<Option<&[u8]>> = offer
            .params
            .iter()
            .filter(|(param, _)| param == name)
            .map(|(_, value)| value.as_deref())
            .collect();
        assert!(found.len() <= 1, "{name:?} twice in {element:?}");
        found.first().copied()
    };
    let [server_nct, client_nct, server_bits, client_bits] = OFFER_PARAMS;
    let flags = [
        (server_nct, params.server_no_context_takeover),
        (client_nct, params.client_no_context_takeover),
    ];
    let window_bits = [
        (server_bits, params.server_max_window_bits),
        (client_bits, params.client_max_window_bits),
    ];
    for (name, set) in flags {
        assert_eq!(
            value_of(name),
            set.then_some(None),
            "{name:?} in {element:?}"
        );
    }
    for (name, bits) in window_bits {
        let written = value_of(name).map(|value| {
            let value = value.unwrap_or_else(|| panic!("{name:?} without a value: {element:?}"));
            assert!(
                !value.starts_with(b"0") && value.iter().all(u8::is_ascii_digit),
                "{name:?}={value:?} in {element:?}"
            );
            std::str::from_utf8(value)
                .ok()
                .and_then(|digits| digits.parse::<u8>().ok())
                .filter(|bits| (8..=15).contains(bits))
                .unwrap_or_else(|| panic!("{name:?}={value:?} is not 8..=15"))
        });
        assert_eq!(written, bits, "{name:?} in {element:?}");
    }
    for (param, _) in &offer.params {
        assert!(
            OFFER_PARAMS.contains(&&param[..]),
            "{param:?} in {element:?}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_status_is_read_past_a_100() {
        assert_eq!(final_status(b""), None);
        assert_eq!(
            final_status(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Switching Protocols\r\n\r\n"),
            Some(101)
        );
        assert_eq!(
            final_status(b"HTTP/1.1 426 Upgrade Required\r\n\r\n"),
            Some(426)
        );
    }

    #[test]
    fn every_accepted_parameter_is_displayed_as_rfc_7692_writes_it() {
        let mut every = DeflateParams::default();
        every.server_no_context_takeover = true;
        every.client_no_context_takeover = true;
        every.server_max_window_bits = Some(8);
        every.client_max_window_bits = Some(15);
        assert_eq!(
            deflate_element_follows_rfc_7692(&every),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; \
             server_max_window_bits=8; client_max_window_bits=15"
        );
        let none = DeflateParams::default();
        assert_eq!(
            deflate_element_follows_rfc_7692(&none),
            "permessage-deflate"
        );
    }

    #[test]
    fn an_element_that_says_something_else_fails() {
        let mut limited = DeflateParams::default();
        limited.server_max_window_bits = Some(10);
        let fails = |params: &DeflateParams, element: &str| {
            std::panic::catch_unwind(|| deflate_element_says(params, element)).is_err()
        };
        assert!(!fails(
            &limited,
            "permessage-deflate;server_max_window_bits=10"
        ));
        for wrong in [
            "",
            "permessage-deflate",
            "x-deflate; server_max_window_bits=10",
            "permessage-deflate; server_max_window_bits=010",
            "permessage-deflate; server_max_window_bits=16",
            "permessage-deflate; server_max_window_bits",
            "permessage-deflate; server_max_window_bits=10; server_max_window_bits=10",
            "permessage-deflate; server_max_window_bits=10; server_no_context_takeover",
            "permessage-deflate; server_max_window_bits=10; x=1",
            "permessage-deflate; server_max_window_bits=10, permessage-deflate",
        ] {
            assert!(fails(&limited, wrong), "{wrong:?} passed");
        }
        let mut takeover = DeflateParams::default();
        takeover.client_no_context_takeover = true;
        assert!(fails(
            &takeover,
            "permessage-deflate; client_no_context_takeover=1"
        ));
    }
}
