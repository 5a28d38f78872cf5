//! The `handshake_structured` fuzz target's logic: an `Arbitrary` model, policy and
//! rendering; the crate's outcome must equal the reference model's.

use crate::model::{pick, Handshake, Policy, SUBPROTOCOLS};
use crate::model_case::ModelCase;
use crate::observe::{observe, Observed};
use crate::reference::{expected, Expected};
use crate::render::{arrange, body, extension_text, fields, head_from, Rendering};
use crate::response::ResponseRendering;

/// The `handshake_structured` target: a [`ModelCase`] decoded from raw bytes with
/// `arbitrary`, checked by [`check_case`]; panics on a disagreement.
pub fn handshake_structured(data: &[u8]) {
    if let Some(case) = ModelCase::from_arbitrary_bytes(data) {
        check_case(&case);
    }
}

/// The `handshake_model` target: a [`ModelCase`] read from its compact encoding, which the
/// target's structure-aware mutator edits field by field
/// (`http_upgrade_proptests::model_mutations`), checked by [`check_case`]. Bytes that are
/// not a case are no input (the libFuzzer target rejects them from its corpus).
pub fn handshake_model(data: &[u8]) {
    if let Some(case) = ModelCase::decode(data) {
        check_case(&case);
    }
}

/// Every check of one case: the crate's outcome equals the reference model's; then the
/// client side, each part the case holds: the server's answer dressed, the client against
/// its own reference, a one-field near miss.
pub fn check_case(case: &ModelCase) {
    let ran = run(&case.handshake, &case.policy, &case.rendering);
    check_run(&case.handshake, &ran);
    if let Some(dressing) = &case.dressing {
        check_client_run(&case.handshake, &ran.1, dressing);
    }
    if let Some(client) = &case.client {
        crate::client_reference::check(client);
    }
    if let Some(near_miss) = &case.near_miss {
        crate::near_miss::check(near_miss);
    }
}

/// The model's client reads the server's 101 dressed with interim heads and obs-folds
/// exactly as it reads it plain (RFC 9110 §15.2, RFC 9112 §5.2), `consumed` covering the
/// interim heads, unless there are more interim heads than the client skips.
pub fn check_client(
    model: &Handshake,
    policy: &Policy,
    rendering: &Rendering,
    dressing: &ResponseRendering,
) {
    let (_, observed, _) = run(model, policy, rendering);
    check_client_run(model, &observed, dressing);
}

/// The subprotocols and the Sec-WebSocket-Extensions value the model's client sent.
pub fn client_offers(model: &Handshake) -> (Vec<&'static str>, String) {
    let offered = model
        .subprotocols
        .iter()
        .map(|&i| pick(&SUBPROTOCOLS, i))
        .collect();
    let extensions = model
        .extensions
        .iter()
        .map(extension_text)
        .collect::<Vec<_>>()
        .join(", ");
    (offered, extensions)
}

/// What the model's client expects of the 101 to a request the server switched, from
/// [`client_offers`]: a switch implies an offer that follows RFC 6455 §9.1, which the
/// client then parses. `None` when the offer holds more extensions than a client keeps
/// (`MAX_OFFERED_EXTENSIONS`, a bound the server's list limit does not share), a request
/// the crate's client would not have sent.
pub fn client_expectation<'a>(
    model: &Handshake,
    offered: &'a [&'a str],
    extensions: &'a str,
) -> Option<http_upgrade::Expectation<'a>> {
    let extensions = match crate::rfc::extension_offer_count(extensions.as_bytes()) {
        None => http_upgrade::ExtensionOffers::NONE,
        Some(count) if count > http_upgrade::MAX_OFFERED_EXTENSIONS => return None,
        Some(_) => {
            http_upgrade::ExtensionOffers::parse(extensions.as_bytes()).unwrap_or_else(|| {
                panic!("the client refuses the offer it switched on: {extensions:?}")
            })
        }
    };
    Some(http_upgrade::Expectation {
        key: http_upgrade::Key::from_nonce(&model.nonce),
        subprotocols: offered,
        extensions,
        limits: http_upgrade::Limits::DEFAULT,
    })
}

/// [`check_client`] on the crate's answer already observed (the fuzz target renders and
/// runs each model once for both checks).
fn check_client_run(model: &Handshake, observed: &Observed, dressing: &ResponseRendering) {
    if !matches!(observed.verdict, Expected::WebSocket { .. }) {
        return;
    }
    let (offered, extensions) = client_offers(model);
    let Some(expectation) = client_expectation(model, &offered, &extensions) else {
        return;
    };
    let served_100 = usize::from(observed.response.starts_with(crate::observe::CONTINUE));
    let plain = crate::oracles::client_one_pass::agrees(&expectation, &observed.response)
        .map(|s| s.complete().map(|e| (e.subprotocol, e.deflate, e.consumed)));
    let (subprotocol, deflate, consumed) = plain
        .expect("our client accepts our 101")
        .expect("complete");
    assert_eq!(consumed, observed.response.len());
    let dressed = dressing.dress(&observed.response);
    let verdict = crate::oracles::client_one_pass::agrees(&expectation, &dressed);
    if dressing.too_many_interim(served_100) {
        assert_eq!(
            verdict,
            Err(http_upgrade::ClientError::TooManyInterimResponses),
            "{:?}",
            String::from_utf8_lossy(&dressed)
        );
        return;
    }
    let established = verdict
        .unwrap_or_else(|e| panic!("{e}: {:?}", String::from_utf8_lossy(&dressed)))
        .complete()
        .expect("complete");
    assert_eq!(
        (
            established.subprotocol,
            established.deflate,
            established.consumed
        ),
        (subprotocol, deflate, dressed.len()),
        "{:?}",
        String::from_utf8_lossy(&dressed)
    );
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
    check_run(model, &run(model, policy, rendering));
}

/// [`check`] on a run already made.
fn check_run(model: &Handshake, (head, observed, want): &(Vec<u8>, Observed, Expected)) {
    // The request is rebuilt for the message only when an assertion fails.
    let request = || {
        String::from_utf8_lossy(&[&head[..], &body(model), &model.trailing].concat()).into_owned()
    };
    assert_eq!(observed.verdict, *want, "request: {:?}", request());
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
        request()
    );
}
