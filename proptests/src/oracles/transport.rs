//! Transport equivalence (RFC 8441 §5, RFC 9220 §3): one handshake model rendered as an
//! HTTP/1.1 Upgrade request and as an extended CONNECT field section must negotiate the
//! same subprotocol, the same permessage-deflate parameters and the same Origin verdict.

use arbitrary::{Arbitrary, Unstructured};
use http_upgrade::ConnectOutcome;
use http_upgrade::{Header, Outcome, Status, EMPTY_HEADER};

use crate::model::*;
use crate::render::{arrange, fields, head_from, Rendering};

/// The model as an HTTP/2 extended CONNECT: pseudo-header fields, then the model's fields
/// in lowercase (RFC 9113 §8.2.1) without those HTTP/2 has no use for or forbids (Host,
/// Upgrade, Connection, the key, framing, Expect, HTTP2-Settings).
pub fn connect_fields(model: &Handshake, rendering: &Rendering) -> Vec<(String, String)> {
    // RFC 9113 §8.3.1: :authority and :path carry the target URI; for an absolute-form
    // HTTP/1.1 target they are its authority and path (RFC 9112 §3.2.2), else Host and
    // the origin-form target.
    let target = pick(&PATHS, model.path).0;
    let (authority, path) = match target.split_once("://") {
        Some((_, rest)) => match rest.find('/') {
            Some(slash) => (&rest[..slash], &rest[slash..]),
            None => (rest, "/"),
        },
        None => (pick(&HOSTS, model.host).0, target),
    };
    let mut out: Vec<(String, String)> = [
        (":method", "CONNECT"),
        (":protocol", "websocket"),
        (":scheme", "https"),
        (":path", path),
        (":authority", authority),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect();
    let plain = Rendering {
        casing: vec![],
        ..rendering.clone()
    };
    const DROPPED: [&str; 8] = [
        "host",
        "upgrade",
        "connection",
        "sec-websocket-key",
        "content-length",
        "transfer-encoding",
        "expect",
        "http2-settings",
    ];
    for (name, value) in arrange(fields(model, &plain), &plain) {
        let name = name.to_ascii_lowercase();
        if !DROPPED.contains(&name.as_str()) {
            // The field value without the OWS around it (RFC 9110 §5.5), as an HTTP/2
            // field carries it (RFC 9113 §8.2.1).
            let value = value.trim_matches([' ', '\t']).to_string();
            out.push((name, value));
        }
    }
    out
}

/// What one transport decided, in comparable terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Switched, with this subprotocol, these deflate parameters, this Origin.
    Switch(
        Option<String>,
        Option<http_upgrade::DeflateParams>,
        Option<Vec<u8>>,
    ),
    /// Refused for this reason.
    Reject(&'static str),
    /// Anything else (not comparable between the transports).
    Other,
}

/// The two verdicts for one model, policy and rendering: HTTP/1.1, then extended CONNECT.
pub fn both(model: &Handshake, policy: &Policy, rendering: &Rendering) -> (Choice, Choice) {
    let protocols = policy.protocol_entries();
    let subprotocols = policy.subprotocol_names();
    let origins = policy.allowed_origins();
    let core = policy.to_core(&protocols, &subprotocols, &origins);
    let head = head_from(model, &arrange(fields(model, rendering), rendering));
    let mut headers = [EMPTY_HEADER; 64];
    let http1 = match core.handshake(&head, &mut headers) {
        Status::Complete(handshake) => match handshake.outcome {
            Outcome::Switch(accepted) => match accepted.websocket {
                Some(ws) => Choice::Switch(
                    ws.subprotocol.map(str::to_string),
                    ws.deflate,
                    ws.origin.map(<[u8]>::to_vec),
                ),
                None => Choice::Other,
            },
            Outcome::Reject(reason) => Choice::Reject(reason.name()),
            Outcome::Decline(_) => Choice::Other,
        },
        Status::Partial => Choice::Other,
    };
    let section = connect_fields(model, rendering);
    let section: Vec<Header<'_>> = section
        .iter()
        .map(|(name, value)| Header {
            name,
            value: value.as_bytes(),
        })
        .collect();
    let h2 = match core.negotiate_connect(&section) {
        ConnectOutcome::Accept(accepted) => match accepted.websocket {
            Some(ws) => Choice::Switch(
                ws.subprotocol.map(str::to_string),
                ws.deflate,
                ws.origin.map(<[u8]>::to_vec),
            ),
            None => Choice::Other,
        },
        ConnectOutcome::Reject(reason) => Choice::Reject(reason.name()),
        ConnectOutcome::Decline(_) => Choice::Other,
    };
    (http1, h2)
}

/// The reasons both transports judge with the same rule (RFC 6455 §4.2.2, §9.1, §10.2;
/// RFC 7692 §7; RFC 8441 §5 keeps them): Origin, subprotocols, extensions, version.
const SHARED: [&str; 8] = [
    "origin_not_allowed",
    "missing_origin",
    "duplicate_origin",
    "malformed_subprotocols",
    "malformed_extensions",
    "too_many_list_elements",
    "unsupported_version",
    "missing_version",
];

/// Checks one model: a switch over HTTP/1.1 is the same accept over extended CONNECT, and a
/// rejection by a shared rule is the same rejection. Panics on a difference.
pub fn check(model: &Handshake, policy: &Policy, rendering: &Rendering) {
    let (http1, h2) = both(model, policy, rendering);
    let comparable = match &http1 {
        Choice::Switch(..) => true,
        Choice::Reject(reason) => SHARED.contains(reason),
        Choice::Other => false,
    };
    if comparable {
        assert_eq!(http1, h2, "model: {model:?}\npolicy: {policy:?}");
    }
}

/// The `transport_equivalence` fuzz target: a valid-request model (host, path, key and
/// framing kept valid so the HTTP/1.1 side reaches the WebSocket rules), any policy.
pub fn transport_equivalence(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let Ok((mut model, policy, rendering)) =
        <(Handshake, Policy, Rendering)>::arbitrary(&mut input)
    else {
        return;
    };
    model.method = Method::Get;
    model.http10 = false;
    model.host %= VALID_HOSTS;
    model.host_presence = Presence::Once;
    model.path %= 6; // origin-form and the valid absolute-form targets
    model.key = KeyField::Valid;
    model.framing = Framing::None;
    model.expect = None;
    model.upgrade = vec![ProtocolOffer {
        name: 0,
        version: None,
    }];
    model.connection = vec![0];
    let policy = Policy {
        protocols: vec![0],
        require_upgrade: false,
        ..policy
    };
    check(&model, &policy, &rendering);
}
