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
