//! The `handshake_structured` fuzz target's logic: an `Arbitrary` model, policy and
//! rendering; the crate's outcome must equal the reference model's.

use arbitrary::{Arbitrary, Unstructured};

use crate::model::{Handshake, Policy};
use crate::observe::observe;
use crate::reference::expected;
use crate::render::{arrange, fields, head_from, Rendering};

/// Checks one fuzz input; panics on a disagreement.
pub fn handshake_structured(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let Ok((model, policy, rendering)) = <(Handshake, Policy, Rendering)>::arbitrary(&mut input)
    else {
        return;
    };
    check(&model, &policy, &rendering);
}

/// Renders the model, runs the crate, and compares with the reference model.
pub fn check(model: &Handshake, policy: &Policy, rendering: &Rendering) {
    let arranged = arrange(fields(model, rendering), rendering);
    let head = head_from(model, &arranged);
    let mut bytes = head.clone();
    bytes.extend_from_slice(&model.trailing);
    let protocols = policy.protocol_entries();
    let subprotocols = policy.subprotocol_names();
    let core = policy.to_core(&protocols, &subprotocols);
    let want = expected(model, policy, head.len(), arranged.len());
    let observed = observe(&core, &bytes).expect("a complete head is never partial");
    assert_eq!(
        observed.verdict,
        want,
        "request: {:?}",
        String::from_utf8_lossy(&bytes)
    );
    if head.len() <= crate::reference::MAX_HEAD {
        assert_eq!(observed.consumed, Some(head.len()));
    }
}
