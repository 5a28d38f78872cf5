//! RFC 7692 §7 from the request's side: a server accepts permessage-deflate only from an
//! offer it is allowed to accept, read from the request's own bytes by RFC 6455 §9.1's
//! grammar ([`crate::rfc::extension_offers`]), not by the crate's reader.

use crate::rfc::{extension_offers, ExtensionOffer};

/// The parameters RFC 7692 §7.1 defines (§7.1.1.1, §7.1.1.2, §7.1.2.1,
/// §7.1.2.2), compared exactly, as the behaviour table compares extension names.
pub(crate) const OFFER_PARAMS: [&[u8]; 4] = [
    b"server_no_context_takeover",
    b"client_no_context_takeover",
    b"server_max_window_bits",
    b"client_max_window_bits",
];

/// RFC 7692 §7: "A server MUST decline an extension negotiation offer for this extension if
/// any of the following conditions are met: The negotiation offer contains an extension
/// parameter not defined for use in an offer. [...] The negotiation offer has multiple
/// extension parameters with the same name." Whether `offer` is a permessage-deflate offer
/// that meets neither (its values are judged elsewhere).
fn names_allow_acceptance(offer: &ExtensionOffer) -> bool {
    offer.name == b"permessage-deflate"
        && offer.params.iter().enumerate().all(|(at, (name, _))| {
            OFFER_PARAMS.contains(&&name[..])
                && !offer.params[..at]
                    .iter()
                    .any(|(earlier, _)| earlier == name)
        })
}

/// Panics unless some permessage-deflate offer in `extensions` (the request's
/// Sec-WebSocket-Extensions, every field joined) may be accepted by its parameter names:
/// called when the server accepted permessage-deflate.
pub fn accepted_from_an_allowed_offer(extensions: &[u8]) {
    let offers = extension_offers(extensions).unwrap_or_else(|| {
        panic!(
            "permessage-deflate accepted from {:?}, which is no offer list (RFC 6455 §9.1)",
            String::from_utf8_lossy(extensions)
        )
    });
    assert!(
        offers.iter().any(names_allow_acceptance),
        "permessage-deflate accepted, but every offer of {:?} must be declined (RFC 7692 §7: \
         a parameter not defined for an offer, or one name twice)",
        String::from_utf8_lossy(extensions)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(value: &str) -> bool {
        extension_offers(value.as_bytes())
            .expect("an offer list")
            .iter()
            .any(names_allow_acceptance)
    }

    #[test]
    fn each_parameter_twice_is_declined() {
        for name in OFFER_PARAMS {
            let name = std::str::from_utf8(name).unwrap();
            assert!(allowed(&format!("permessage-deflate; {name}")), "{name}");
            assert!(
                !allowed(&format!("permessage-deflate; {name}; {name}")),
                "{name}"
            );
            assert!(
                !allowed(&format!("permessage-deflate; {name}=10; x; {name}=\"10\"")),
                "{name}"
            );
        }
    }

    #[test]
    fn unknown_or_other_case_parameters_are_declined() {
        assert!(!allowed("permessage-deflate; mystery=1"));
        assert!(!allowed("permessage-deflate; Client_No_Context_Takeover"));
        assert!(!allowed("x-webkit-deflate-frame"));
    }

    #[test]
    fn one_allowed_offer_among_others_is_enough() {
        assert!(allowed("permessage-deflate"));
        assert!(allowed(
            "permessage-deflate; client_max_window_bits; client_max_window_bits, \
             permessage-deflate; server_no_context_takeover; client_max_window_bits"
        ));
    }

    #[test]
    #[should_panic(expected = "must be declined")]
    fn an_acceptance_from_a_repeated_parameter_fails() {
        accepted_from_an_allowed_offer(
            b"permessage-deflate; client_no_context_takeover; client_no_context_takeover",
        );
    }
}
