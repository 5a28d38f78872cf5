//! Every condition of each one pass's gate, generated on purpose (`gate.rs`): each near miss
//! of the perfect handshake under every server policy, with several keys. Both drivers agree,
//! the general path gives the verdict the RFCs give it, and the one pass takes exactly what
//! its gate should, so a bug planted in any one condition of either gate, or in a rule both
//! drivers share, fails here. `properties.rs` draws the same near misses at random with class
//! floors for the nightly.

use http_upgrade_proptests::gate::{CLIENT_NEAR_MISSES, SERVER_NEAR_MISSES};
use http_upgrade_proptests::oracles::gates::{
    check_client, check_server, GATE_POLICIES, ONE_PASS_COMPILED,
};

const NONCES: [[u8; 16]; 3] = [[0; 16], [0xfb; 16], *b"the sample nonce"];

#[test]
fn every_server_gate_condition() {
    let mut taken = 0;
    for near_miss in SERVER_NEAR_MISSES {
        for policy in GATE_POLICIES {
            for nonce in &NONCES {
                taken += usize::from(check_server(near_miss, policy, nonce));
            }
        }
    }
    if ONE_PASS_COMPILED {
        let should: usize = SERVER_NEAR_MISSES.iter().filter(|m| m.one_pass).count();
        assert_eq!(taken, should * GATE_POLICIES.len() * NONCES.len());
    } else {
        assert_eq!(taken, 0);
    }
}

#[test]
fn every_client_gate_condition() {
    let mut taken = 0;
    for near_miss in CLIENT_NEAR_MISSES {
        for nonce in &NONCES {
            taken += usize::from(check_client(near_miss, nonce));
        }
    }
    if ONE_PASS_COMPILED {
        let should: usize = CLIENT_NEAR_MISSES.iter().filter(|m| m.one_pass).count();
        assert_eq!(taken, should * NONCES.len());
    }
}

/// The Upgrade rule with the policy: the perfect request under a policy that takes no bare
/// `websocket` (another protocol only, or only a versioned entry, which takes only that
/// version: RFC 9110 §7.8 leaves matching to the server, the README says how) is declined
/// by both paths, and the one pass does not take it.
#[test]
fn a_policy_without_websocket_takes_no_websocket_handshake() {
    use http_upgrade::{Outcome, Reply, ServerPolicy, Status, EMPTY_HEADER};
    use http_upgrade_proptests::oracles::one_pass::agrees;
    let request = SERVER_NEAR_MISSES[0].request(&NONCES[1]);
    for protocols in [
        &["h2c"][..],
        &["websocket/13"],
        &["example/1", "WebSocket/13"],
    ] {
        let policy = ServerPolicy {
            protocols,
            ..ServerPolicy::websocket()
        };
        assert_eq!(agrees(&policy, &request), None, "{protocols:?}");
        let mut headers = [EMPTY_HEADER; 32];
        let mut out = [0u8; 1024];
        match policy.respond(&request, &mut headers, &mut out) {
            Status::Complete(Reply::Handshake(handshake)) => assert_eq!(
                handshake.outcome.status(),
                None,
                "{protocols:?}: {:?}",
                handshake.outcome
            ),
            other => panic!("{protocols:?}: {other:?}"),
        }
        let mut headers = [EMPTY_HEADER; 32];
        let Status::Complete(handshake) = policy.handshake(&request, &mut headers) else {
            panic!("complete")
        };
        assert!(
            matches!(handshake.outcome, Outcome::Decline(reason) if reason.name() == "unsupported_protocol"),
            "{protocols:?}: {:?}",
            handshake.outcome
        );
    }
}
