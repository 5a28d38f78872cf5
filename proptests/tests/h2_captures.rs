//! The real HTTP/2 field sections in `corpus/captures/*.h2` (Chromium and Node.js over
//! hyper): each extended CONNECT is accepted with the subprotocol the client offered and the
//! server takes, a plain GET is declined, and each passes the `extended_connect` oracle under
//! every policy selector.

use http_upgrade::ConnectOutcome;
use http_upgrade::{DeclineReason, OriginPolicy, ServerPolicy};
use http_upgrade_proptests::oracles::{as_headers, extended_connect, field_section};

fn captures() -> Vec<(String, Vec<u8>)> {
    http_upgrade_proptests::captures("h2")
}

#[test]
fn real_h2_sections_negotiate() {
    let captures = captures();
    assert!(captures.len() >= 3, "{captures:?}");
    let policy = ServerPolicy {
        subprotocols: &["chat"],
        origins: OriginPolicy::SameHost,
        require_origin: false,
        ..ServerPolicy::websocket()
    };
    for (name, bytes) in &captures {
        let section = field_section(bytes);
        let fields = as_headers(&section);
        let outcome = policy.negotiate_connect(&fields);
        if name.contains("extended-connect") {
            let ConnectOutcome::Accept(accepted) = outcome else {
                panic!("{name}: {outcome:?}");
            };
            let websocket = accepted.websocket.expect("websocket");
            assert_eq!(websocket.subprotocol, Some("chat"), "{name}");
            assert_eq!(websocket.deflate, None, "{name}: no deflate policy");
            assert!(
                websocket.origin.is_some(),
                "{name}: browsers and this client send one"
            );
        } else {
            assert_eq!(
                outcome,
                ConnectOutcome::Decline(DeclineReason::NoUpgrade),
                "{name}"
            );
        }
        for selector in 0..=255u8 {
            let mut data = vec![selector];
            data.extend_from_slice(bytes);
            extended_connect(&data);
        }
    }
}
