//! The `handshake_structured` fuzz target's logic: an `Arbitrary` model, policy and
//! rendering; the crate's outcome must equal the reference model's.

use arbitrary::{Arbitrary, Unstructured};

use crate::model::{Handshake, Policy};
use crate::observe::{observe, Observed};
use crate::reference::{expected, Expected};
use crate::render::{arrange, body, fields, head_from, Rendering};

/// Checks one fuzz input; panics on a disagreement.
pub fn handshake_structured(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let Ok((model, policy, rendering)) = <(Handshake, Policy, Rendering)>::arbitrary(&mut input)
    else {
        return;
    };
    check(&model, &policy, &rendering);
}

/// Renders the model, runs the crate on the request (head and trailing bytes), and
/// returns the request, the crate's verdict and the reference model's.
pub fn run(
    model: &Handshake,
    policy: &Policy,
    rendering: &Rendering,
) -> (Vec<u8>, Observed, Expected) {
    let arranged = arrange(fields(model, rendering), rendering);
    let head = head_from(model, &arranged);
    let mut bytes = head.clone();
    bytes.extend_from_slice(&body(model));
    bytes.extend_from_slice(&model.trailing);
    let protocols = policy.protocol_entries();
    let subprotocols = policy.subprotocol_names();
    let origins = policy.allowed_origins();
    let core = policy.to_core(&protocols, &subprotocols, &origins);
    let want = expected(model, policy, head.len(), arranged.len());
    let observed = observe(&core, &bytes).expect("a complete head is never partial");
    (head, observed, want)
}

/// Renders the model, runs the crate, and compares with the reference model.
pub fn check(model: &Handshake, policy: &Policy, rendering: &Rendering) {
    let (head, observed, want) = run(model, policy, rendering);
    let bytes = [&head[..], &body(model), &model.trailing].concat();
    assert_eq!(
        observed.verdict,
        want,
        "request: {:?}",
        String::from_utf8_lossy(&bytes)
    );
    // A head the parser refuses has no length; every other verdict reports the exact head.
    let unparsed = matches!(
        want,
        Expected::Reject("too_many_headers" | "head_too_large", _)
    );
    let wanted_consumed = if unparsed { None } else { Some(head.len()) };
    assert_eq!(
        observed.consumed,
        wanted_consumed,
        "request: {:?}",
        String::from_utf8_lossy(&bytes)
    );
}
