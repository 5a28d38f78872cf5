//! Runs the core crate on bytes and reports its verdict in the reference model's terms.

use http_upgrade::{Outcome, ServerPolicy, Status, EMPTY_HEADER};

use crate::reference::{BodyAnswer, DeflateAnswer, Expected};

/// The interim response a server writes before the 101 when the client expects it
/// (RFC 9110 §7.8, §15.2.1).
pub const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

/// What the core crate did with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The verdict, in the reference model's shape.
    pub verdict: Expected,
    /// The head length the crate reported.
    pub consumed: Option<usize>,
    /// The response head it wrote (empty for a decline).
    pub response: Vec<u8>,
}

/// Negotiates `bytes` with the core crate; `None` if the crate asks for more bytes.
pub fn observe(policy: &ServerPolicy<'_>, bytes: &[u8]) -> Option<Observed> {
    // Every observation also runs the one pass and holds it to the general path.
    crate::oracles::one_pass::agrees(policy, bytes);
    let mut headers = [EMPTY_HEADER; 64];
    let Status::Complete(handshake) = policy.handshake(bytes, &mut headers) else {
        return None;
    };
    let mut buf = vec![0u8; 4096];
    let len = policy
        .write_response(&handshake.outcome, &mut buf)
        .expect("a response fits 4 KiB");
    buf.truncate(len);
    // Read from the bytes written, not from the outcome, so the writer is checked too.
    let expect_continue = buf.starts_with(CONTINUE);
    let verdict = match handshake.outcome {
        Outcome::Decline(reason) => Expected::Decline(reason.name()),
        Outcome::Reject(reason) => Expected::Reject(reason.name(), reason.status()),
        Outcome::Switch(accepted) => match accepted.websocket {
            None => Expected::Other {
                protocol: accepted.protocol.text.to_string(),
                body: match accepted.body {
                    http_upgrade::Body::None => BodyAnswer::None,
                    http_upgrade::Body::Length(n) => BodyAnswer::Length(n),
                    http_upgrade::Body::Chunked => BodyAnswer::Chunked,
                },
                expect_continue,
            },
            Some(websocket) => Expected::WebSocket {
                accept: websocket.accept.as_str().to_string(),
                subprotocol: websocket.subprotocol.map(|s| {
                    crate::model::SUBPROTOCOLS
                        .iter()
                        .copied()
                        .find(|&p| p == s)
                        .expect("a pool name")
                }),
                deflate: websocket.deflate.map(|d| DeflateAnswer {
                    server_no_context_takeover: d.server_no_context_takeover,
                    client_no_context_takeover: d.client_no_context_takeover,
                    server_max_window_bits: d.server_max_window_bits,
                    client_max_window_bits: d.client_max_window_bits,
                }),
                expect_continue,
            },
        },
    };
    Some(Observed {
        verdict,
        consumed: handshake.consumed,
        response: buf,
    })
}
