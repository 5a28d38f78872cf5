//! Runs the core crate on bytes and reports its verdict in the reference model's terms.

use http_upgrade::{Outcome, ServerPolicy, Status, EMPTY_HEADER};

use crate::reference::{DeflateAnswer, Expected};

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
    let mut headers = [EMPTY_HEADER; 64];
    let Status::Complete(handshake) = policy.handshake(bytes, &mut headers) else {
        return None;
    };
    let mut buf = vec![0u8; 4096];
    let len = policy
        .write_response(&handshake.outcome, &mut buf)
        .expect("a response fits 4 KiB");
    buf.truncate(len);
    let verdict = match handshake.outcome {
        Outcome::Decline(reason) => Expected::Decline(reason.name()),
        Outcome::Reject(reason) => Expected::Reject(reason.name(), reason.status()),
        Outcome::Switch(accepted) => match accepted.websocket {
            None => Expected::Other {
                protocol: accepted.protocol.text.to_string(),
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
            },
        },
    };
    Some(Observed {
        verdict,
        consumed: handshake.consumed,
        response: buf,
    })
}
