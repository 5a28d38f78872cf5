//! The real captures in `corpus/captures/` negotiate as their clients and servers expect.

use http_upgrade::{
    DeclineReason, DeflatePolicy, Expectation, ExtensionOffers, Outcome, ServerPolicy, Status,
    EMPTY_HEADER,
};

fn capture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../corpus/captures/{name}.http",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const CHAT: &[&str] = &["chat", "superchat"];

fn policy() -> ServerPolicy<'static> {
    ServerPolicy {
        subprotocols: &["superchat", "chat"],
        deflate: Some(DeflatePolicy::default()),
        ..ServerPolicy::websocket()
    }
}

/// Each WebSocket client capture, with the subprotocol our policy must pick and whether
/// it offered permessage-deflate.
const CLIENTS: &[(&str, Option<&str>, bool)] = &[
    ("chromium", Some("chat"), true),
    ("python-websockets", Some("chat"), true),
    ("aiohttp", Some("chat"), true),
    ("node-ws", Some("chat"), true),
    ("curl-websocket", None, false),
    ("curl-websocket-expect", None, false),
];

#[test]
fn every_client_capture_switches_and_our_client_accepts_the_answer() {
    for &(name, subprotocol, deflate) in CLIENTS {
        let bytes = capture(name);
        let mut headers = [EMPTY_HEADER; 32];
        let policy = policy();
        let Status::Complete(handshake) = policy.handshake(&bytes, &mut headers) else {
            panic!("{name}: partial");
        };
        assert_eq!(handshake.consumed, Some(bytes.len()), "{name}");
        let Outcome::Switch(accepted) = handshake.outcome else {
            panic!("{name}: {:?}", handshake.outcome);
        };
        let websocket = accepted.websocket.expect("websocket");
        assert_eq!(websocket.subprotocol, subprotocol, "{name}");
        assert_eq!(websocket.deflate.is_some(), deflate, "{name}");
        assert_eq!(websocket.origin.is_some(), name == "chromium", "{name}");

        let mut response = [0u8; 512];
        let len = policy
            .write_response(&handshake.outcome, &mut response)
            .expect("fits");
        let offered_extensions = match deflate {
            true => ExtensionOffers::parse(b"permessage-deflate; client_max_window_bits")
                .expect("a valid offer"),
            false => ExtensionOffers::NONE,
        };
        let subprotocols: &[&str] = if subprotocol.is_some() { CHAT } else { &[] };
        let expectation = Expectation {
            key: websocket.key,
            subprotocols,
            extensions: offered_extensions,
            limits: http_upgrade::Limits::DEFAULT,
        };
        let mut response_headers = [EMPTY_HEADER; 16];
        let established = expectation
            .validate(&response[..len], &mut response_headers)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .complete()
            .expect("complete");
        assert_eq!(established.subprotocol, subprotocol);
        assert_eq!(established.deflate, websocket.deflate);
        assert_eq!(established.consumed, len);
    }
}

#[test]
fn rfc_sample_key_from_curl() {
    let bytes = capture("curl-websocket");
    let mut headers = [EMPTY_HEADER; 32];
    let Status::Complete(handshake) = ServerPolicy::websocket().handshake(&bytes, &mut headers)
    else {
        panic!("partial");
    };
    let Outcome::Switch(accepted) = handshake.outcome else {
        panic!("{:?}", handshake.outcome);
    };
    assert_eq!(
        accepted.websocket.expect("websocket").accept.as_str(),
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    );
}

#[test]
fn h2c_upgrade_is_declined_by_a_websocket_server_and_taken_by_an_h2c_one() {
    let bytes = capture("curl-h2c");
    let mut headers = [EMPTY_HEADER; 32];
    let handshake = ServerPolicy::websocket()
        .handshake(&bytes, &mut headers)
        .complete()
        .expect("complete");
    assert_eq!(
        handshake.outcome,
        Outcome::Decline(DeclineReason::UnsupportedProtocol)
    );

    let h2c = ServerPolicy {
        protocols: &["h2c"],
        ..ServerPolicy::websocket()
    };
    let mut headers = [EMPTY_HEADER; 32];
    let handshake = h2c
        .handshake(&bytes, &mut headers)
        .complete()
        .expect("complete");
    let Outcome::Switch(accepted) = handshake.outcome else {
        panic!("{:?}", handshake.outcome);
    };
    assert_eq!(accepted.protocol.text, "h2c");
    // curl's first SETTINGS (RFC 7540 §3.2.1): MAX_CONCURRENT_STREAMS 100,
    // INITIAL_WINDOW_SIZE 2^25, ENABLE_PUSH 0.
    let settings: Vec<(u16, u32)> = accepted.h2c.expect("h2c settings").iter().collect();
    assert_eq!(settings, [(3, 100), (4, 1 << 25), (2, 0)]);
    assert!(accepted.websocket.is_none());
    let mut response = [0u8; 256];
    let len = h2c
        .write_response(&handshake.outcome, &mut response)
        .expect("fits");
    assert_eq!(
        &response[..len],
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n"
    );
}

#[test]
fn real_server_responses_satisfy_our_client() {
    let offers = b"permessage-deflate; client_max_window_bits";
    for (name, deflate_bits) in [
        ("response-python-websockets", Some(12)),
        ("response-node-ws", None),
    ] {
        let mut bytes = capture(name);
        let head_len = bytes.len();
        bytes.extend_from_slice(b"\x81\x05hello");
        let expectation =
            Expectation::for_key(b"dGhlIHNhbXBsZSBub25jZQ==", CHAT, Some(offers)).expect("key");
        let mut headers = [EMPTY_HEADER; 16];
        let established = expectation
            .validate(&bytes, &mut headers)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .complete()
            .expect("complete");
        assert_eq!(established.subprotocol, Some("chat"), "{name}");
        let deflate = established.deflate.expect("deflate");
        assert_eq!(deflate.server_max_window_bits, deflate_bits, "{name}");
        assert_eq!(
            established.consumed, head_len,
            "{name}: the frame after the head is kept"
        );
    }
}

#[test]
fn every_proper_prefix_of_a_capture_is_partial() {
    for &(name, _, _) in CLIENTS {
        let bytes = capture(name);
        for end in 0..bytes.len() {
            let mut headers = [EMPTY_HEADER; 32];
            assert_eq!(
                policy().handshake(&bytes[..end], &mut headers),
                Status::Partial,
                "{name}[..{end}]"
            );
        }
    }
}

#[test]
fn curl_expect_gets_100_before_101() {
    let bytes = capture("curl-websocket-expect");
    let mut headers = [EMPTY_HEADER; 32];
    let policy = ServerPolicy::websocket();
    let handshake = policy
        .handshake(&bytes, &mut headers)
        .complete()
        .expect("complete");
    let Outcome::Switch(accepted) = handshake.outcome else {
        panic!("{:?}", handshake.outcome);
    };
    assert!(accepted.expect_continue);
    let mut response = [0u8; 512];
    let len = policy
        .write_response(&handshake.outcome, &mut response)
        .expect("fits");
    assert!(response[..len].starts_with(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 "));
}

#[test]
fn h2c_with_a_body_is_refused_unless_bodies_are_allowed_and_then_framed() {
    let bytes = capture("curl-h2c-body");
    let head_len = bytes.len() - b"hello".len();
    assert!(bytes.ends_with(b"\r\n\r\nhello"));
    let refuse = ServerPolicy {
        protocols: &["h2c"],
        ..ServerPolicy::websocket()
    };
    let mut headers = [EMPTY_HEADER; 32];
    let handshake = refuse
        .handshake(&bytes, &mut headers)
        .complete()
        .expect("complete");
    assert_eq!(
        handshake.outcome,
        Outcome::Reject(http_upgrade::RejectReason::RequestBody)
    );
    assert_eq!(handshake.consumed, Some(head_len));
    let allow = ServerPolicy {
        allow_body: true,
        ..refuse
    };
    let mut headers = [EMPTY_HEADER; 32];
    let handshake = allow
        .handshake(&bytes, &mut headers)
        .complete()
        .expect("complete");
    let Outcome::Switch(accepted) = handshake.outcome else {
        panic!("{:?}", handshake.outcome);
    };
    assert_eq!(accepted.body, http_upgrade::Body::Length(5));
    assert_eq!(handshake.consumed, Some(head_len));
    // Declined by a WebSocket-only server: not ours, framing left to the caller's HTTP server.
    let mut headers = [EMPTY_HEADER; 32];
    let declined = ServerPolicy::websocket()
        .handshake(&bytes, &mut headers)
        .complete()
        .expect("complete");
    assert_eq!(
        declined.outcome,
        Outcome::Decline(DeclineReason::UnsupportedProtocol)
    );
}
