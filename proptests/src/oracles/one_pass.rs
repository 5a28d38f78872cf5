//! `one_pass`: the WebSocket hot path ([`ServerPolicy::respond`]) against the
//! general path it must agree with ([`ServerPolicy::handshake`] and
//! [`ServerPolicy::write_response`]), on the same bytes under the same policy.
//!
//! - A request the one pass takes is one the general path switches to WebSocket, with the
//!   same head length, target, Host, Origin, subprotocol and deflate parameters, no body, no
//!   `100 Continue`, the authority from Host, and byte for byte the same 101.
//! - A request it leaves gets exactly the general path's handshake.
//! - A buffer one byte too small for the 101 sends the request to the general path, whose
//!   writer then reports the size needed.
//!
//! - A WebSocket switch in the shape the one pass promises to take ([`in_the_gate`], its
//!   module documentation read as a contract) is taken by it: a one pass that hands
//!   everything to the general path gives the same verdicts, but not the speed it exists for.
//!
//! The general path is itself checked against the RFC reference model (`reference.rs`) by
//! the other properties, so agreement here carries that check over to the one pass.

use http_upgrade::{
    AuthoritySource, Body, Outcome, Reply, ServerPolicy, Status, WebSocketSwitch, EMPTY_HEADER,
};

/// Runs both paths on `request` and asserts they agree; returns the one pass's switch,
/// if it took the request.
pub fn agrees<'b>(policy: &ServerPolicy<'_>, request: &'b [u8]) -> Option<WebSocketSwitch<'b>> {
    let mut headers = [EMPTY_HEADER; 32];
    let mut out = [0u8; 2048];
    let reply = policy.respond(request, &mut headers, &mut out);
    let mut general_headers = [EMPTY_HEADER; 32];
    let general = policy.handshake(request, &mut general_headers);
    let (switch, handshake) = match (reply, general) {
        (Status::Partial, Status::Partial) => return None,
        (Status::Complete(Reply::Handshake(reply)), Status::Complete(general)) => {
            assert_eq!(reply, general, "{:?}", String::from_utf8_lossy(request));
            check_route(policy, request, &general.outcome, false);
            return None;
        }
        (Status::Complete(Reply::WebSocket(switch)), Status::Complete(general)) => {
            (switch, general)
        }
        (reply, general) => panic!(
            "one pass {reply:?}, general path {general:?}: {:?}",
            String::from_utf8_lossy(request)
        ),
    };
    assert_eq!(handshake.consumed, Some(switch.consumed));
    check_route(policy, request, &handshake.outcome, true);
    let len = same_switch(&switch, &handshake.outcome, &out, request);
    // One byte short: the general path answers, and its writer says what was needed.
    let mut short = vec![0u8; len - 1];
    let mut headers = [EMPTY_HEADER; 32];
    match policy.respond(request, &mut headers, &mut short) {
        Status::Complete(Reply::Handshake(fallback)) => {
            assert_eq!(fallback, handshake);
            let needed = policy
                .write_response(&fallback.outcome, &mut short)
                .expect_err("too small");
            assert_eq!(needed.needed, len);
        }
        other => panic!("a short buffer gave {other:?}"),
    }
    Some(switch)
}

/// Asserts that the general path's `outcome` is the switch the one pass decided, and that
/// `out` starts with the 101 the general path writes for it; returns that 101's length.
/// `context` names the input in a failure.
pub fn same_switch(
    switch: &WebSocketSwitch<'_>,
    outcome: &Outcome<'_>,
    out: &[u8],
    context: &[u8],
) -> usize {
    let context = String::from_utf8_lossy(context);
    let Outcome::Switch(accepted) = outcome else {
        panic!("the one pass switched, the general path says {outcome:?}: {context:?}");
    };
    let websocket = accepted.websocket.expect("a WebSocket switch");
    assert_eq!(accepted.target, switch.target, "{context:?}");
    assert_eq!(accepted.host, switch.host, "{context:?}");
    assert_eq!(accepted.authority_source, AuthoritySource::Host);
    assert_eq!(accepted.body, Body::None);
    assert!(!accepted.expect_continue);
    assert_eq!(websocket.origin, switch.origin, "{context:?}");
    assert_eq!(websocket.subprotocol, switch.subprotocol, "{context:?}");
    assert_eq!(websocket.deflate, switch.deflate, "{context:?}");
    let mut expected = [0u8; 2048];
    let len = accepted
        .write_response(&mut expected)
        .expect("a 101 fits 2 KiB");
    assert_eq!(&out[..switch.written], &expected[..len], "{context:?}");
    len
}

/// Whether the one pass must have taken `request`, given the general path's `outcome`: a
/// WebSocket switch by the Host's authority, with no body and no `100 Continue`, whose head
/// is in [`in_the_gate`]'s shape. Asserted only where the one pass is compiled in.
fn check_route(policy: &ServerPolicy<'_>, request: &[u8], outcome: &Outcome<'_>, took: bool) {
    if cfg!(http_upgrade_general_only) {
        return;
    }
    let promised = matches!(outcome, Outcome::Switch(accepted)
        if accepted.websocket.is_some()
            && accepted.authority_source == AuthoritySource::Host
            && accepted.body == Body::None
            && !accepted.expect_continue)
        && in_the_gate(request, policy.limits.max_list_elements);
    if promised {
        assert!(
            took,
            "the one pass left a switch in its shape to the general path: {:?}",
            String::from_utf8_lossy(request)
        );
    }
}

/// The request shape the server's one pass promises to take, read here with httparse from
/// its module documentation: HTTP/1.1 `GET` to an origin-form target; Host, Upgrade,
/// Connection, Sec-WebSocket-Key and Sec-WebSocket-Version exactly once, every other field
/// it knows at most once (Origin, Sec-WebSocket-Protocol, Sec-WebSocket-Extensions,
/// HTTP2-Settings, Sec-WebSocket-Accept) and no Content-Length, Transfer-Encoding or Expect;
/// Upgrade one bare `websocket`, case aside; no quote in a list field; lists within `max`
/// elements.
pub fn in_the_gate(request: &[u8], max: usize) -> bool {
    const ONCE: [&str; 5] = [
        "host",
        "upgrade",
        "connection",
        "sec-websocket-key",
        "sec-websocket-version",
    ];
    const AT_MOST_ONCE: [&str; 5] = [
        "origin",
        "sec-websocket-protocol",
        "sec-websocket-extensions",
        "http2-settings",
        "sec-websocket-accept",
    ];
    const NEVER: [&str; 3] = ["content-length", "transfer-encoding", "expect"];
    const LISTS: [&str; 3] = [
        "connection",
        "sec-websocket-protocol",
        "sec-websocket-extensions",
    ];
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut headers);
    let Ok(httparse::Status::Complete(_)) = parsed.parse(request) else {
        return false;
    };
    if parsed.version != Some(1)
        || parsed.method != Some("GET")
        || !parsed.path.is_some_and(|p| p.starts_with('/'))
    {
        return false;
    }
    let count = |name: &str| {
        parsed
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .count()
    };
    let value = |name: &str| {
        parsed
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value)
    };
    ONCE.iter().all(|name| count(name) == 1)
        && AT_MOST_ONCE.iter().all(|name| count(name) <= 1)
        && NEVER.iter().all(|name| count(name) == 0)
        && value("upgrade").is_some_and(|v| v.eq_ignore_ascii_case(b"websocket"))
        && LISTS
            .iter()
            .all(|name| value(name).is_none_or(|v| plain_list_within(v, max)))
}

/// A list value the one passes read without the quote machinery: no quote, and at most
/// `max` elements that are not empty or OWS alone (RFC 9110 §5.6.1).
pub fn plain_list_within(value: &[u8], max: usize) -> bool {
    !value.contains(&b'"')
        && value
            .split(|&b| b == b',')
            .filter(|e| e.iter().any(|&b| b != b' ' && b != b'\t'))
            .count()
            <= max
}
