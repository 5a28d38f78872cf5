//! `gates`: the near misses of [`crate::gate`] through both drivers of each role. The one
//! pass and the general path must agree ([`super::one_pass::agrees`],
//! [`super::client_one_pass::agrees`]), the general path must give the verdict the RFCs give
//! the near miss, and the one pass must take exactly the near misses its gate is meant to
//! take. Each check returns the route the input took, for the class tables.

use http_upgrade::{
    DeflatePolicy, Expectation, Outcome, ServerPolicy, Status, WebSocketSwitch, EMPTY_HEADER,
};

use crate::gate::{
    ClientNearMiss, ClientVerdict, ServerNearMiss, ServerVerdict, CLIENT_EXTENSIONS,
    CLIENT_SUBPROTOCOLS,
};
use crate::rfc::base64;

/// The server policies a near miss runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatePolicy {
    /// `websocket`, the `chat` subprotocol and permessage-deflate.
    Full,
    /// `websocket` alone.
    Plain,
    /// [`GatePolicy::Full`] with `require_upgrade`: a decline is a 426.
    Required,
}

/// Every [`GatePolicy`].
pub const GATE_POLICIES: [GatePolicy; 3] =
    [GatePolicy::Full, GatePolicy::Plain, GatePolicy::Required];

impl GatePolicy {
    /// The core policy.
    pub fn policy(self) -> ServerPolicy<'static> {
        let full = ServerPolicy {
            subprotocols: &["chat"],
            deflate: Some(DeflatePolicy::default()),
            ..ServerPolicy::websocket()
        };
        match self {
            GatePolicy::Full => full,
            GatePolicy::Plain => ServerPolicy::websocket(),
            GatePolicy::Required => ServerPolicy {
                require_upgrade: true,
                ..full
            },
        }
    }

    /// The near miss's verdict under this policy: no subprotocol and no permessage-deflate
    /// without support for them; a decline is a 426 under `require_upgrade` (RFC 9110
    /// §15.5.22).
    pub fn verdict(self, verdict: ServerVerdict) -> ServerVerdict {
        match (self, verdict) {
            (GatePolicy::Plain, ServerVerdict::Switch { .. }) => ServerVerdict::Switch {
                subprotocol: false,
                deflate: false,
            },
            (GatePolicy::Required, ServerVerdict::Decline(_)) => {
                ServerVerdict::Reject("upgrade_required", 426)
            }
            (_, verdict) => verdict,
        }
    }
}

/// Whether the one pass is compiled in (not under `--cfg http_upgrade_general_only`).
pub const ONE_PASS_COMPILED: bool = !cfg!(http_upgrade_general_only);

/// Runs a server near miss under `policy` with the key of `nonce`: both paths agree, the
/// general path gives the RFC verdict, the one pass takes it exactly when its gate should.
/// Returns whether the one pass took it.
pub fn check_server(near_miss: &ServerNearMiss, policy: GatePolicy, nonce: &[u8; 16]) -> bool {
    let request = near_miss.request(nonce);
    let core_policy = policy.policy();
    let switch: Option<WebSocketSwitch<'_>> = super::one_pass::agrees(&core_policy, &request);
    let mut headers = [EMPTY_HEADER; 32];
    let Status::Complete(handshake) = core_policy.handshake(&request, &mut headers) else {
        panic!("{}: a complete head is partial", near_miss.name);
    };
    let got = match handshake.outcome {
        Outcome::Switch(accepted) => {
            let websocket = accepted
                .websocket
                .unwrap_or_else(|| panic!("{}: a switch to another protocol", near_miss.name));
            // The 101 answers this key (RFC 6455 §4.2.2 item 5.4), by the independent SHA-1.
            assert_eq!(
                websocket.accept.as_str(),
                crate::rfc::accept(&base64(nonce)),
                "{}",
                near_miss.name
            );
            ServerVerdict::Switch {
                subprotocol: websocket.subprotocol == Some("chat"),
                deflate: websocket.deflate.is_some(),
            }
        }
        Outcome::Decline(reason) => ServerVerdict::Decline(reason.name()),
        Outcome::Reject(reason) => ServerVerdict::Reject(reason.name(), reason.status()),
    };
    let want = policy.verdict(near_miss.verdict);
    assert_eq!(
        got,
        want,
        "{} under {policy:?}: {:?}",
        near_miss.name,
        String::from_utf8_lossy(&request)
    );
    let should_take = near_miss.one_pass && matches!(want, ServerVerdict::Switch { .. });
    if ONE_PASS_COMPILED {
        assert_eq!(
            switch.is_some(),
            should_take,
            "{} under {policy:?}: the one pass {} it: {:?}",
            near_miss.name,
            if switch.is_some() { "took" } else { "left" },
            String::from_utf8_lossy(&request)
        );
    }
    switch.is_some()
}

/// Runs a client near miss with the key of `nonce`: both checks agree, the result is the
/// RFC verdict, the one pass takes it exactly when its gate should. Returns whether the one
/// pass took it.
pub fn check_client(near_miss: &ClientNearMiss, nonce: &[u8; 16]) -> bool {
    let key = base64(nonce);
    let expectation = Expectation::for_key(
        key.as_bytes(),
        CLIENT_SUBPROTOCOLS,
        Some(CLIENT_EXTENSIONS.as_bytes()),
    )
    .expect("a valid key and offer");
    let response = near_miss.response(nonce);
    let result = super::client_one_pass::agrees(&expectation, &response);
    let got = match result {
        Ok(Status::Complete(established)) => ClientVerdict::Established {
            subprotocol: established.subprotocol == Some("chat"),
            deflate: established.deflate.is_some(),
        },
        Ok(Status::Partial) => panic!("{}: a complete head is partial", near_miss.name),
        Err(error) => ClientVerdict::Fail(error.name()),
    };
    assert_eq!(
        got,
        near_miss.verdict,
        "{}: {:?}",
        near_miss.name,
        String::from_utf8_lossy(&response)
    );
    let took = super::client_one_pass::takes(&expectation, &response);
    let should_take =
        near_miss.one_pass && matches!(near_miss.verdict, ClientVerdict::Established { .. });
    if ONE_PASS_COMPILED {
        assert_eq!(
            took,
            should_take,
            "{}: the one pass {} it: {:?}",
            near_miss.name,
            if took { "took" } else { "left" },
            String::from_utf8_lossy(&response)
        );
    }
    took
}
