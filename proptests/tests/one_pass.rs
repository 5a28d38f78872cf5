//! The server's one pass on the real captures in `corpus/captures/*.http`: every
//! WebSocket handshake a real client sent is taken by it (so the hot path is the path real
//! clients take, with and without subprotocols and permessage-deflate), and under every
//! policy selector it agrees with the general path (`oracles::one_pass`).

use http_upgrade::{
    parse_request, DeflatePolicy, Header, Limits, OriginPolicy, Outcome, ServerPolicy, Status,
    EMPTY_HEADER,
};
use http_upgrade_proptests::oracles::one_pass::{agrees, same_switch};
use http_upgrade_proptests::oracles::policy_from;
use http_upgrade_proptests::{head_lines, join_head};

fn captures() -> Vec<(String, Vec<u8>)> {
    http_upgrade_proptests::captures("http")
}

/// Requests the general path must take instead: HTTP/2 over cleartext (another protocol),
/// `Expect: 100-continue`, and the 101 responses the client side reads.
fn general_only(name: &str) -> bool {
    name.starts_with("curl-h2c") || name.contains("expect") || name.starts_with("response-")
}

#[test]
#[cfg_attr(
    http_upgrade_general_only,
    ignore = "the one pass is compiled out by --cfg http_upgrade_general_only"
)]
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
    let captures = captures();
    assert!(captures.len() >= 8, "{}", captures.len());
    for (_, bytes) in captures {
        for selector in 0..=255u8 {
            agrees(&policy_from(selector), &bytes);
        }
    }
}

/// Whether a header line names one of the fields a switch needs (RFC 6455 §4.2.1).
fn required(line: &[u8]) -> bool {
    let name = String::from_utf8_lossy(line.split(|&b| b == b':').next().unwrap_or_default())
        .to_ascii_lowercase();
    [
        "host",
        "upgrade",
        "connection",
        "sec-websocket-key",
        "sec-websocket-version",
    ]
    .contains(&name.as_str())
}

/// Near misses of every real handshake: each header line left out, and each written twice.
/// Both paths agree on all of them; without a required field, or with any handshake field
/// twice, the one pass leaves the request to the general path.
#[test]
fn captures_with_a_field_missing_or_twice() {
    let policies = [
        ServerPolicy::websocket(),
        ServerPolicy {
            subprotocols: &["chat"],
            deflate: Some(DeflatePolicy::default()),
            ..ServerPolicy::websocket()
        },
    ];
    let mut checked = 0;
    for (name, bytes) in captures() {
        if general_only(&name) {
            continue;
        }
        let (lines, rest) = head_lines(&bytes);
        for at in 1..lines.len() {
            let mut without = lines.clone();
            let removed = without.remove(at);
            let mut twice = lines.clone();
            twice.insert(at, lines[at].clone());
            for policy in &policies {
                let request = join_head(&without, &rest);
                let switch = agrees(policy, &request);
                if required(&removed) {
                    assert!(switch.is_none(), "{name} without {removed:?}");
                }
                let request = join_head(&twice, &rest);
                let switch = agrees(policy, &request);
                let lower = String::from_utf8_lossy(&lines[at]).to_ascii_lowercase();
                if required(&lines[at])
                    || lower.starts_with("sec-websocket-")
                    || lower.starts_with("origin")
                {
                    assert!(switch.is_none(), "{name} with {:?} twice", lines[at]);
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "{checked}");
}

/// List limits at their edges: no element allowed, one, two.
#[test]
fn captures_under_tiny_list_limits() {
    for (name, bytes) in captures() {
        for max in 0..3 {
            let policy = ServerPolicy {
                limits: http_upgrade::Limits {
                    max_list_elements: max,
                    ..http_upgrade::Limits::DEFAULT
                },
                ..ServerPolicy::websocket()
            };
            let switch = agrees(&policy, &bytes);
            assert!(
                max > 0 || switch.is_none(),
                "{name} with no list element allowed"
            );
        }
    }
}

/// Firefox's `Connection: keep-alive, Upgrade` is a list, not one token: the one pass reads
/// it too.
#[test]
#[cfg_attr(
    http_upgrade_general_only,
    ignore = "the one pass is compiled out by --cfg http_upgrade_general_only"
)]
fn firefox_connection_list_takes_the_one_pass() {
    let request = b"GET /chat HTTP/1.1\r\nHost: example.com\r\nUser-Agent: Mozilla/5.0 \
(X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\r\nSec-WebSocket-Version: 13\r\n\
Origin: http://example.com\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nConnection: keep-alive, Upgrade\r\n\
Upgrade: websocket\r\n\r\n";
    for connection in [
        &b"keep-alive, Upgrade"[..],
        b"Upgrade",
        b"upgrade, keep-alive",
    ] {
        let text = String::from_utf8_lossy(request).replace(
            "keep-alive, Upgrade",
            std::str::from_utf8(connection).unwrap(),
        );
        let switch = agrees(&ServerPolicy::websocket(), text.as_bytes());
        assert!(switch.is_some(), "{text}");
    }
    let without = String::from_utf8_lossy(request).replace("keep-alive, Upgrade", "keep-alive");
    assert!(agrees(&ServerPolicy::websocket(), without.as_bytes()).is_none());
}

/// The server's one pass (`__private::switch_in_one_pass`) takes a head built by hand, whose values may carry
/// OWS that httparse would have trimmed (RFC 9110 §5.5). Each value of each capture, padded
/// with SP and HTAB on one side or both: the general path trims and still switches; the one
/// pass either leaves the head to it or decides exactly the same switch. An Origin padded
/// under an allow-list is still taken by the one pass, trimmed.
#[test]
fn hand_built_heads_with_ows_around_a_value_fall_back_or_agree() {
    let policies = [
        ServerPolicy::websocket(),
        ServerPolicy {
            subprotocols: &["superchat", "chat"],
            deflate: Some(DeflatePolicy::default()),
            origins: OriginPolicy::AllowList(&["http://127.0.0.1:33395", "null"]),
            ..ServerPolicy::websocket()
        },
    ];
    let paddings: [(&[u8], &[u8]); 4] = [(b" ", b""), (b"", b" "), (b"\t", b"\t "), (b"  ", b"\t")];
    let mut checked = 0;
    let mut padded_origins_taken = 0;
    for (name, bytes) in captures() {
        if general_only(&name) {
            continue;
        }
        let mut headers = [EMPTY_HEADER; 32];
        let Ok(Status::Complete(head)) = parse_request(&bytes, &mut headers, &Limits::default())
        else {
            panic!("{name} does not parse");
        };
        let fields: Vec<Header<'_>> = head.fields.as_slice().to_vec();
        for (policy_index, policy) in policies.iter().enumerate() {
            for at in 0..fields.len() {
                for (before, after) in paddings {
                    let value = [before, fields[at].value, after].concat();
                    let mut padded = fields.clone();
                    padded[at].value = &value;
                    let padded_head =
                        http_upgrade::__private::request_head_with_fields(&head, &padded);
                    let general = policy.negotiate(&padded_head);
                    let unpadded = policy.negotiate(&head);
                    assert_eq!(
                        matches!(general, Outcome::Switch(_)),
                        matches!(unpadded, Outcome::Switch(_)),
                        "{name}: the general path trims {:?}",
                        fields[at].name
                    );
                    let mut out = [0u8; 2048];
                    if let Some(switch) =
                        http_upgrade::__private::switch_in_one_pass(policy, &padded_head, &mut out)
                    {
                        assert_eq!(switch.consumed, head.consumed);
                        same_switch(&switch, &general, &out, &value);
                        let origin = fields[at].name.eq_ignore_ascii_case("origin");
                        padded_origins_taken += usize::from(origin && policy_index == 1);
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 200, "{checked}");
    assert!(padded_origins_taken >= 4, "{padded_origins_taken}");
}
