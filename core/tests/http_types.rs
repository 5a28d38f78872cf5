//! The `http` feature: negotiation from `http::request::Parts` answers as the byte-level
//! API does, over HTTP/1.1 and over HTTP/2 extended CONNECT (RFC 8441).
#![cfg(feature = "http")]

use http::{Method, Request, Version};
use http_upgrade::http_types::{negotiate_parts, response_for, Negotiated};
use http_upgrade::{
    ConnectOutcome, DeflatePolicy, Outcome, RejectReason, ServerPolicy, EMPTY_HEADER,
};

fn policy() -> ServerPolicy<'static> {
    ServerPolicy {
        subprotocols: &["chat"],
        deflate: Some(DeflatePolicy::default()),
        ..ServerPolicy::websocket()
    }
}

fn h2_connect(version: &'static str) -> http::request::Parts {
    Request::builder()
        .method(Method::CONNECT)
        .version(Version::HTTP_2)
        .uri("https://example.com/chat")
        .header("sec-websocket-version", version)
        .header("sec-websocket-protocol", "chat")
        .header(
            "sec-websocket-extensions",
            "permessage-deflate; client_max_window_bits",
        )
        .header("origin", "https://example.com")
        .body(())
        .unwrap()
        .into_parts()
        .0
}

#[test]
fn extended_connect_over_h2() {
    let parts = h2_connect("13");
    let mut storage = [EMPTY_HEADER; 16];
    let negotiated = negotiate_parts(&policy(), &parts, Some("websocket"), &mut storage);
    let Negotiated::Connect(ConnectOutcome::Accept(accepted)) = negotiated else {
        panic!("{negotiated:?}")
    };
    assert_eq!(accepted.authority.text, b"example.com");
    let response = response_for(&policy(), &negotiated).unwrap().unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["sec-websocket-protocol"], "chat");
    assert_eq!(
        response.headers()["sec-websocket-extensions"],
        "permessage-deflate"
    );
    assert!(response.headers().get("sec-websocket-accept").is_none());
}

#[test]
fn h2_version_problem_is_426_with_13() {
    let parts = h2_connect("8");
    let mut storage = [EMPTY_HEADER; 16];
    let negotiated = negotiate_parts(&policy(), &parts, Some("websocket"), &mut storage);
    assert_eq!(
        negotiated,
        Negotiated::Connect(ConnectOutcome::Reject(RejectReason::UnsupportedVersion))
    );
    let response = response_for(&policy(), &negotiated).unwrap().unwrap();
    assert_eq!(response.status(), 426);
    assert_eq!(response.headers()["sec-websocket-version"], "13");
}

#[test]
fn h2_without_protocol_is_declined_and_storage_bounds_fields() {
    let parts = h2_connect("13");
    let mut storage = [EMPTY_HEADER; 16];
    let negotiated = negotiate_parts(&policy(), &parts, None, &mut storage);
    assert!(matches!(
        negotiated,
        Negotiated::Connect(ConnectOutcome::Reject(RejectReason::InvalidPseudoHeaders))
            | Negotiated::Connect(ConnectOutcome::Decline(_))
    ));
    let mut small = [EMPTY_HEADER; 3];
    assert_eq!(
        negotiate_parts(&policy(), &parts, Some("websocket"), &mut small),
        Negotiated::Connect(ConnectOutcome::Reject(RejectReason::TooManyHeaders))
    );
}

#[test]
fn http1_switch_reject_and_decline() {
    let request = |key: &str| {
        Request::get("/chat")
            .header("host", "example.com")
            .header("upgrade", "websocket")
            .header("connection", "Upgrade")
            .header("sec-websocket-key", key)
            .header("sec-websocket-version", "13")
            .header("sec-websocket-protocol", "chat")
            .body(())
            .unwrap()
            .into_parts()
            .0
    };
    let parts = request("dGhlIHNhbXBsZSBub25jZQ==");
    let mut storage = [EMPTY_HEADER; 16];
    let negotiated = negotiate_parts(&policy(), &parts, None, &mut storage);
    assert!(matches!(negotiated, Negotiated::Http1(Outcome::Switch(_))));
    let response = response_for(&policy(), &negotiated).unwrap().unwrap();
    assert_eq!(response.status(), 101);
    assert_eq!(response.headers()["upgrade"], "websocket");
    assert_eq!(
        response.headers()["sec-websocket-accept"],
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    );
    assert_eq!(response.headers()["sec-websocket-protocol"], "chat");

    // With Expect: 100-continue the http server sends the 100 itself; the head built here
    // is the 101 alone, with its fields.
    let mut expecting = request("dGhlIHNhbXBsZSBub25jZQ==");
    expecting
        .headers
        .insert("expect", http::HeaderValue::from_static("100-continue"));
    let mut storage = [EMPTY_HEADER; 16];
    let negotiated = negotiate_parts(&policy(), &expecting, None, &mut storage);
    let response = response_for(&policy(), &negotiated).unwrap().unwrap();
    assert_eq!(response.status(), 101);
    assert_eq!(
        response.headers()["sec-websocket-accept"],
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    );

    let parts = request("short");
    let mut storage = [EMPTY_HEADER; 16];
    let negotiated = negotiate_parts(&policy(), &parts, None, &mut storage);
    assert_eq!(
        negotiated,
        Negotiated::Http1(Outcome::Reject(RejectReason::InvalidKey))
    );
    let response = response_for(&policy(), &negotiated).unwrap().unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.headers()["connection"], "close");

    let plain = Request::get("/")
        .header("host", "h")
        .body(())
        .unwrap()
        .into_parts()
        .0;
    let mut storage = [EMPTY_HEADER; 16];
    let negotiated = negotiate_parts(&policy(), &plain, None, &mut storage);
    assert!(response_for(&policy(), &negotiated).is_none());
}
