//! `one_pass`: the WebSocket hot path of issue #12 ([`ServerPolicy::respond`]) against the
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
