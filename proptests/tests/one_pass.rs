//! The one pass of issue #12 on the real captures in `corpus/captures/*.http`: every
//! WebSocket handshake a real client sent is taken by it (so the hot path is the path real
//! clients take, with and without subprotocols and permessage-deflate), and under every
//! policy selector it agrees with the general path (`oracles::one_pass`).

use http_upgrade::{DeflatePolicy, OriginPolicy, ServerPolicy};
use http_upgrade_proptests::oracles::{one_pass::agrees, policy_from};

fn captures() -> Vec<(String, Vec<u8>)> {
    http_upgrade_proptests::captures("http")
}

/// Requests the general path must take instead: HTTP/2 over cleartext (another protocol),
/// `Expect: 100-continue`, and the 101 responses the client side reads.
fn general_only(name: &str) -> bool {
    name.starts_with("curl-h2c") || name.contains("expect") || name.starts_with("response-")
}

#[test]
fn real_websocket_handshakes_take_the_one_pass() {
    let captures = captures();
    let policies = [
        ServerPolicy::websocket(),
        ServerPolicy {
            subprotocols: &["superchat", "chat"],
            deflate: Some(DeflatePolicy::default()),
            ..ServerPolicy::websocket()
        },
        ServerPolicy {
            protocols: &["h2c", "WebSocket"],
            origins: OriginPolicy::SameHost,
            deflate: Some(DeflatePolicy {
                server_max_window_bits: Some(10),
                ..DeflatePolicy::default()
            }),
            ..ServerPolicy::websocket()
        },
    ];
    let mut taken = 0;
    for (name, bytes) in &captures {
        for (index, policy) in policies.iter().enumerate() {
            let switch = agrees(policy, bytes);
            // Same-host origins refuse the browser's page origin on another port.
            let origin_refused = index == 2 && name.contains("chromium");
            let want = !general_only(name) && !origin_refused;
            assert_eq!(switch.is_some(), want, "{name} under policy {index}");
            taken += usize::from(switch.is_some());
            if let (Some(switch), 1) = (switch, index) {
                assert_eq!(
                    switch.subprotocol.is_some(),
                    !name.contains("curl"),
                    "{name} {switch:?}"
                );
            }
        }
    }
    assert!(taken >= 12, "{taken}");
}

#[test]
fn captures_agree_under_every_policy_selector() {
    for (name, bytes) in captures() {
        for selector in 0..=255u8 {
            agrees(&policy_from(selector), &bytes);
        }
        assert!(!name.is_empty());
    }
}
