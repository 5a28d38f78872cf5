//! The properties, over the strategies in `src/`. Case counts come from
//! `PROPTEST_CASES`; failures are saved in `proptest-regressions/properties.txt`.

use http_upgrade::Extension;
use http_upgrade::{ClientRequest, Expectation, Key, Outcome, ServerPolicy, Status, EMPTY_HEADER};
use http_upgrade_proptests::classes::{floor, stable_cases, Classes, Floor};
use http_upgrade_proptests::faults::Fault;
use http_upgrade_proptests::labels;
use http_upgrade_proptests::model::*;
use http_upgrade_proptests::observe::{observe, CONTINUE};
use http_upgrade_proptests::reference::Expected;
use http_upgrade_proptests::render;
use http_upgrade_proptests::rfc;
use http_upgrade_proptests::strategies::*;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// Pieces of list values for the fast-path property: tokens, every kind of OWS, empty
/// elements, quotes (closed, open, escaped, with commas inside), non-tokens.
const LIST_PIECES: [&[u8]; 17] = [
    b"websocket",
    b"Upgrade",
    b"keep-alive",
    b"",
    b" ",
    b"\t",
    b",",
    b" , ",
    b"\"",
    b"\"q,x\"",
    b"a b",
    b"a/1",
    "\u{e9}".as_bytes(),
    b"\r\n ",
    b";",
    b"=",
    b"\\\"",
];

/// The config of a property with these floors: enough cases for each floor to be
/// decidable (see `classes::stable_cases`), unless `PROPTEST_CASES` says otherwise.
fn config(floors: &[Floor]) -> ProptestConfig {
    ProptestConfig {
        cases: stable_cases(floors),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/properties.txt",
        ))),
        ..ProptestConfig::default()
    }
}

use http_upgrade_proptests::structured::{self, run};

/// The groups of the gates' near misses (`gate.rs`), `role_group`, each drawn alike.
fn gate_groups() -> Vec<String> {
    use http_upgrade_proptests::gate::{group, CLIENT_NEAR_MISSES, SERVER_NEAR_MISSES};
    let mut groups: Vec<String> = SERVER_NEAR_MISSES
        .iter()
        .map(|m| format!("server_{}", group(m.name)))
        .chain(
            CLIENT_NEAR_MISSES
                .iter()
                .map(|m| format!("client_{}", group(m.name))),
        )
        .collect();
    groups.sort();
    groups.dedup();
    groups
}

/// Floors of the gate property: every group of near misses (drawn alike, so each has about
/// 1/27 of the cases), and each route of each role where the one pass is compiled in.
fn gate_floors() -> Vec<Floor> {
    let mut floors: Vec<Floor> = gate_groups()
        .into_iter()
        .map(|g| floor(Box::leak(format!("gate={g}").into_boxed_str()), 0.01))
        .collect();
    let mut routes = vec!["route=server_general", "route=client_general"];
    if http_upgrade_proptests::oracles::gates::ONE_PASS_COMPILED {
        routes.extend(["route=server_one_pass", "route=client_one_pass"]);
    }
    floors.extend(routes.into_iter().map(|r| floor(r, 0.05)));
    floors
}

// Declared floors: the least share of cases each class must have. A floor fails only when
// the run is sure the share is below it (`classes::Z`), so a stable run leaves the rare
// classes' floors undecided and the nightly, at 100,000 cases or more, decides them. Shares
// seen: `cargo xtask nightly` (proptests/README.md); floors sit at a quarter or less of them.

const RENDERINGS_AGREE_FLOORS: [Floor; 9] = [
    floor("rendering=casing", 0.2),
    floor("rendering=ows", 0.2),
    floor("rendering=empty_elements", 0.2),
    floor("rendering=split", 0.2),
    floor("near_miss=absolute_form", 0.08),
    floor("near_miss=origin", 0.08),
    floor("near_miss=upgrade_list", 0.15),
    floor("near_miss=expect", 0.1),
    floor("near_miss=noise", 0.2),
];
const ACCEPT_MATCHES_REFERENCE_FLOORS: [Floor; 2] =
    [floor("key=has_plus", 0.07), floor("key=has_slash", 0.07)];
const SINGLE_FAULTS_GIVE_THEIR_LABEL_FLOORS: [Floor; 23] = [
    floor("fault=BadBase64", 0.01),
    floor("fault=BodyOnWebSocket", 0.01),
    floor("fault=ChunkedNotLast", 0.01),
    floor("fault=CommaHost", 0.01),
    floor("fault=ConflictingFraming", 0.01),
    floor("fault=DifferingLengths", 0.01),
    floor("fault=DuplicateHost", 0.01),
    floor("fault=DuplicateKey", 0.01),
    floor("fault=DuplicateVersion", 0.01),
    floor("fault=Http10", 0.01),
    floor("fault=MissingHost", 0.01),
    floor("fault=MissingKey", 0.01),
    floor("fault=MissingVersion", 0.01),
    floor("fault=NoUpgradeToken", 0.01),
    floor("fault=OverLimit", 0.01),
    floor("fault=QuotedNonToken", 0.01),
    floor("fault=ShortKey", 0.01),
    floor("fault=UnknownCoding", 0.01),
    floor("fault=UnmetExpectation", 0.01),
    floor("fault=UnpaddedKey", 0.01),
    floor("fault=UserinfoTarget", 0.01),
    floor("fault=WrongMethod", 0.01),
    floor("fault=WrongVersion", 0.01),
];
const DRESSED_RESPONSES_READ_THE_SAME_FLOORS: [Floor; 4] = [
    floor("interim=none", 0.05),
    floor("interim=within_bound", 0.15),
    floor("interim=past_bound", 0.02),
    floor("folds=true", 0.15),
];
const TRANSPORTS_CHOOSE_ALIKE_FLOORS: [Floor; 12] = [
    floor("http/1.1=switch", 0.05),
    floor("http/1.1=reject_host_not_allowed", 0.05),
    floor("http/1.1=reject_malformed_extensions", 0.01),
    floor("http/1.1=reject_missing_origin", 0.01),
    floor("http/1.1=reject_missing_version", 0.02),
    floor("http/1.1=reject_origin_not_allowed", 0.02),
    floor("http/1.1=reject_unsupported_version", 0.02),
    floor("h2=switch", 0.05),
    floor("h2=reject_origin_not_allowed", 0.02),
    floor("hosts=allow_list", 0.1),
    floor("origins=allow_list", 0.1),
    floor("origins=same_host", 0.05),
];
const CLIENT_MATCHES_REFERENCE_FLOORS: [Floor; 12] = [
    floor("outcome=established", 0.01),
    floor("reason=accept_mismatch", 0.02),
    floor("reason=connection_not_upgrade", 0.008),
    floor("reason=duplicate_accept", 0.01),
    floor("reason=invalid_deflate_params", 0.02),
    floor("reason=malformed_extensions", 0.005),
    floor("reason=missing_accept", 0.01),
    floor("reason=not_http_1_1", 0.01),
    floor("reason=not_switching", 0.01),
    floor("reason=unexpected_extension", 0.02),
    floor("reason=unexpected_subprotocol", 0.02),
    floor("reason=upgrade_not_websocket", 0.01),
];
/// Both outcomes of every field's near miss.
const NEAR_MISSES_GET_THE_GRAMMAR_VERDICT_FLOORS: [Floor; 12] = [
    floor("near_miss=Connection/refused", 0.01),
    floor("near_miss=Connection/switch", 0.01),
    floor("near_miss=Host/refused", 0.01),
    floor("near_miss=Host/switch", 0.01),
    floor("near_miss=Key/refused", 0.01),
    floor("near_miss=Key/switch", 0.01),
    floor("near_miss=Subprotocol/refused", 0.01),
    floor("near_miss=Subprotocol/switch", 0.01),
    floor("near_miss=Upgrade/refused", 0.01),
    floor("near_miss=Upgrade/switch", 0.01),
    floor("near_miss=Version/refused", 0.01),
    floor("near_miss=Version/switch", 0.01),
];
const CLIENT_SERVER_CLIENT_AGREE_FLOORS: [Floor; 3] = [
    floor("deflate=accepted", 0.05),
    floor("subprotocol=chosen", 0.07),
    floor("offers=none", 0.05),
];
const PREFIXES_ARE_PARTIAL_FLOORS: [Floor; 3] = [
    floor("trailing=false", 0.01),
    floor("rendering=casing", 0.2),
    floor("rendering=empty_elements", 0.1),
];
const ARBITRARY_BYTES_ARE_DETERMINISTIC_FLOORS: [Floor; 2] = [
    floor("server=reject_malformed_head", 0.5),
    floor("server=partial", 0.0005),
];
const FAST_PATHS_AGREE_WITH_THE_GRAMMAR_FLOORS: [Floor; 4] = [
    floor("list=quoted", 0.1),
    floor("list=unquoted", 0.08),
    floor("list=empty", 0.02),
    floor("key_edit=appended", 0.008),
];
/// Every reason the reference gives this generator, every near-miss rule, both transports.
const ANY_MODEL_MATCHES_REFERENCE_FLOORS: [Floor; 61] = [
    floor("outcome=switch", 0.005),
    floor("outcome=decline", 0.08),
    floor("outcome=reject", 0.15),
    floor("protocol=websocket", 0.0005),
    floor("protocol=other", 0.004),
    floor("transport=http/1.0", 0.02),
    floor("hosts=allow_list", 0.1),
    floor("origins=allow_list", 0.1),
    floor("origins=same_host", 0.05),
    floor("rendering=casing", 0.2),
    floor("rendering=ows", 0.2),
    floor("rendering=empty_elements", 0.1),
    floor("near_miss=absolute_form", 0.08),
    floor("near_miss=both_framings", 0.02),
    floor("near_miss=content_length", 0.02),
    floor("near_miss=content_length_repeated", 0.02),
    floor("near_miss=content_length_value", 0.04),
    floor("near_miss=expect", 0.1),
    floor("near_miss=extension_grammar", 0.04),
    floor("near_miss=host_missing", 0.02),
    floor("near_miss=host_twice", 0.02),
    floor("near_miss=host_value", 0.02),
    floor("near_miss=key_missing", 0.02),
    floor("near_miss=key_twice", 0.02),
    floor("near_miss=key_value", 0.05),
    floor("near_miss=method", 0.15),
    floor("near_miss=origin", 0.08),
    floor("near_miss=origin_not_serialized", 0.03),
    floor("near_miss=target_authority", 0.05),
    floor("near_miss=transfer_encoding", 0.04),
    floor("near_miss=upgrade_list", 0.15),
    floor("near_miss=version_missing", 0.02),
    floor("near_miss=version_twice", 0.02),
    floor("near_miss=version_value", 0.02),
    floor("reason=conflicting_framing", 0.015),
    floor("reason=connection_without_upgrade", 0.02),
    floor("reason=duplicate_host", 0.005),
    floor("reason=duplicate_key", 0.0001),
    floor("reason=duplicate_version", 0.0002),
    floor("reason=expectation_failed", 0.005),
    floor("reason=h2c_over_tls", 0.0002),
    floor("reason=host_not_allowed", 0.01),
    floor("reason=http_1_0", 0.01),
    floor("reason=invalid_content_length", 0.02),
    floor("reason=invalid_host", 0.005),
    floor("reason=invalid_http2_settings", 0.0001),
    floor("reason=invalid_key", 0.0005),
    floor("reason=invalid_target", 0.015),
    floor("reason=invalid_transfer_encoding", 0.015),
    floor("reason=malformed_extensions", 0.0001),
    floor("reason=method_not_get", 0.005),
    floor("reason=missing_host", 0.005),
    floor("reason=missing_http2_settings", 0.002),
    floor("reason=missing_key", 0.0001),
    floor("reason=missing_version", 0.0002),
    floor("reason=no_upgrade", 0.01),
    floor("reason=origin_not_allowed", 0.0003),
    floor("reason=request_body", 0.005),
    floor("reason=transfer_encoding_in_http_1_0", 0.005),
    floor("reason=unsupported_transfer_coding", 0.005),
    floor("reason=upgrade_required", 0.02),
];
const EXTENSIONS_ROUND_TRIP_FLOORS: [Floor; 4] = [
    floor("quoted=true", 0.2),
    floor("offers=1", 0.1),
    floor("offers=2", 0.1),
    floor("offers=3", 0.1),
];
const QUOTED_NON_TOKEN_VALUES_FAIL_FLOORS: [Floor; 2] = [
    floor("escaped=true", 0.2),
    floor("bad=quote_or_backslash", 0.02),
];
const SPLIT_READS_MATCH_THE_WHOLE_FLOORS: [Floor; 8] = [
    floor("chunking=one_byte", 0.1),
    floor("chunking=sizes", 0.1),
    floor("chunking=inside_lines", 0.1),
    floor("cut=inside_crlf", 0.2),
    floor("cut=inside_a_line", 0.3),
    floor("ends=Done", 0.3),
    floor("ends=TooLarge", 0.05),
    floor("client_ends=Done", 0.0005),
];
/// Both verdicts of every form (a zone is never valid).
const IP_LITERALS_MATCH_THE_RFC_3986_GRAMMAR_FLOORS: [Floor; 9] = [
    floor("literal=ipv6_full/valid", 0.01),
    floor("literal=ipv6_full/invalid", 0.04),
    floor("literal=ipv6_compressed/valid", 0.02),
    floor("literal=ipv6_compressed/invalid", 0.04),
    floor("literal=ipv6_ipv4/valid", 0.005),
    floor("literal=ipv6_ipv4/invalid", 0.04),
    floor("literal=ipvfuture/valid", 0.01),
    floor("literal=ipvfuture/invalid", 0.02),
    floor("literal=zone/invalid", 0.01),
];
const HTTP2_SETTINGS_MATCH_RFC_9113_FLOORS: [Floor; 4] = [
    floor("verdict=valid", 0.05),
    floor("verdict=invalid", 0.2),
    floor("bounded_setting=true", 0.02),
    floor("params=4", 0.005),
];
const RESPONSES_PARSE_AND_SATISFY_THE_CLIENT_FLOORS: [Floor; 4] = [
    floor("outcome=switch", 0.005),
    floor("outcome=decline", 0.08),
    floor("outcome=reject", 0.15),
    floor("protocol=websocket", 0.0005),
];

/// Every rendering of one valid model gives the same Switch, equal to the reference
/// (invariance under order, case, OWS, splitting, empty elements, noise).
#[test]
fn renderings_agree() {
    let classes = Classes::new("renderings_agree");
    proptest!(config(&RENDERINGS_AGREE_FLOORS), |(model in valid_handshake(), policy in websocket_policy(), a in rendering(), b in rendering())| {
        let (_, first, expected) = run(&model, &policy, &a);
        let (_, second, _) = run(&model, &policy, &b);
        classes.case(labels::server_case(&model, &policy, &a, &expected).into_iter().chain(labels::rendering(&b)));
        prop_assert!(matches!(expected, Expected::WebSocket { .. }), "{expected:?}");
        prop_assert_eq!(&first.verdict, &expected);
        prop_assert_eq!(&second.verdict, &expected);
        prop_assert_eq!(first.response, second.response);
    });
    classes.finish(&RENDERINGS_AGREE_FLOORS);
}

/// The Accept equals a SHA-1/base64 computed in the test, for any key bytes.
#[test]
fn accept_matches_reference() {
    let classes = Classes::new("accept_matches_reference");
    proptest!(config(&ACCEPT_MATCHES_REFERENCE_FLOORS), |(nonce in any::<[u8; 16]>())| {
        let key = Key::from_nonce(&nonce);
        let text = key.as_str();
        classes.case([
            format!("key={}", if text.contains('+') { "has_plus" } else { "no_plus" }),
            format!("key={}", if text.contains('/') { "has_slash" } else { "no_slash" }),
        ]);
        prop_assert_eq!(key.as_str(), rfc::base64(&nonce));
        let accept = key.accept();
        prop_assert_eq!(accept.as_str(), rfc::accept(key.as_str()));
    });
    classes.finish(&ACCEPT_MATCHES_REFERENCE_FLOORS);
}

/// Each single-fault mutation gives exactly the labelled outcome and status, and the
/// reference model agrees with the label.
#[test]
fn single_faults_give_their_label() {
    let classes = Classes::new("single_faults_give_their_label");
    proptest!(config(&SINGLE_FAULTS_GIVE_THEIR_LABEL_FLOORS), |(model in valid_handshake(), policy in websocket_policy(), mut rendering in rendering(), fault in fault())| {
        let mut faulty = model.clone();
        fault.apply(&mut faulty, &mut rendering);
        let (_, observed, expected) = run(&faulty, &policy, &rendering);
        let label = fault.label(policy.require_upgrade);
        classes.case([format!("fault={}", format!("{fault:?}").split('(').next().unwrap_or_default())].into_iter().chain(labels::verdict(&label)));
        prop_assert_eq!(&expected, &label);
        prop_assert_eq!(observed.verdict.status(), label.status());
        prop_assert_eq!(&observed.verdict, &label);
    });
    classes.finish(&SINGLE_FAULTS_GIVE_THEIR_LABEL_FLOORS);
}

/// The client reads our 101 the same with 1xx interim heads before it and obs-folds
/// in it (RFC 9110 §15.2, RFC 9112 §5.2), and gives up past eight interim heads.
#[test]
fn dressed_responses_read_the_same() {
    let classes = Classes::new("dressed_responses_read_the_same");
    proptest!(config(&DRESSED_RESPONSES_READ_THE_SAME_FLOORS), |(model in valid_handshake(), policy in websocket_policy(), rendering in rendering(), dressing in response_rendering())| {
        let interim = match dressing.interim.len() { 0 => "none", 1..=8 => "within_bound", _ => "past_bound" };
        classes.case([format!("interim={interim}"), format!("folds={}", dressing.folds.iter().any(|&f| f))]);
        http_upgrade_proptests::structured::check_client(&model, &policy, &rendering, &dressing);
    });
    classes.finish(&DRESSED_RESPONSES_READ_THE_SAME_FLOORS);
}

/// Transport equivalence (RFC 8441 §5): the same model as an HTTP/1.1 Upgrade and as
/// an extended CONNECT chooses the same subprotocol, deflate parameters and Origin
/// verdict, under any policy, valid or not in the WebSocket fields.
#[test]
fn transports_choose_alike() {
    let classes = Classes::new("transports_choose_alike");
    proptest!(config(&TRANSPORTS_CHOOSE_ALIKE_FLOORS), |(model in valid_handshake(), policy in any_policy(), rendering in rendering(), version in prop_oneof![4 => Just(VersionField::Thirteen), 1 => any::<u8>().prop_map(VersionField::Other), 1 => Just(VersionField::Missing)], extensions in proptest::collection::vec(any_extension_offer(), 0..4), origin in proptest::option::of(any::<u8>()))| {
        let mut model = model;
        model.version = version;
        model.extensions = extensions;
        model.origin = origin;
        let policy = Policy { protocols: vec![0], require_upgrade: false, ..policy };
        let (http1, _) = http_upgrade_proptests::transport::both(&model, &policy, &rendering);
        let choice = |c: &http_upgrade_proptests::transport::Choice| match c {
            http_upgrade_proptests::transport::Choice::Switch(..) => "switch".to_string(),
            http_upgrade_proptests::transport::Choice::Reject(reason) => format!("reject_{reason}"),
            http_upgrade_proptests::transport::Choice::Other => "other".to_string(),
        };
        let (_, h2) = http_upgrade_proptests::transport::both(&model, &policy, &rendering);
        classes.case([format!("http/1.1={}", choice(&http1)), format!("h2={}", choice(&h2))].into_iter().chain(labels::policy(&policy)));
        prop_assert!(!matches!(http1, http_upgrade_proptests::transport::Choice::Other), "{:?}", http1);
        http_upgrade_proptests::transport::check(&model, &policy, &rendering);
    });
    classes.finish(&TRANSPORTS_CHOOSE_ALIKE_FLOORS);
}

/// The client against an independent reference (RFC 6455 §4.1, RFC 7692 §7): any
/// answer, valid or a near miss, gets the verdict the RFC text gives it.
#[test]
fn client_matches_reference() {
    let classes = Classes::new("client_matches_reference");
    proptest!(config(&CLIENT_MATCHES_REFERENCE_FLOORS), |(case in client_case())| {
        let verdict = http_upgrade_proptests::client_reference::expected(&case);
        classes.case([
            "role=client".to_string(),
            match verdict { Ok(()) => "outcome=established".to_string(), Err(reason) => format!("reason={reason}") },
        ]);
        http_upgrade_proptests::client_reference::check(&case);
    });
    classes.finish(&CLIENT_MATCHES_REFERENCE_FLOORS);
}

/// Near misses: a valid request with one field value one character off (inserted,
/// deleted, replaced, case-flipped, OWS inside) gets the verdict of that field's grammar.
#[test]
fn near_misses_get_the_grammar_verdict() {
    let classes = Classes::new("near_misses_get_the_grammar_verdict");
    proptest!(config(&NEAR_MISSES_GET_THE_GRAMMAR_VERDICT_FLOORS), |(case in any::<[u8; 64]>().prop_filter_map("decodes", |bytes| {
        use arbitrary::Arbitrary;
        http_upgrade_proptests::near_miss::NearMiss::arbitrary(&mut arbitrary::Unstructured::new(&bytes)).ok()
    }))| {
        let verdict = match http_upgrade_proptests::near_miss::expected(&case) { Expected::WebSocket { .. } => "switch", _ => "refused" };
        classes.case([format!("near_miss={:?}/{verdict}", case.field)]);
        http_upgrade_proptests::near_miss::check(&case);
    });
    classes.finish(&NEAR_MISSES_GET_THE_GRAMMAR_VERDICT_FLOORS);
}

/// Client request → server → response → client: both sides agree on subprotocol and
/// extensions, for random policies and offers.
#[test]
fn client_server_client_agree() {
    let classes = Classes::new("client_server_client_agree");
    proptest!(config(&CLIENT_SERVER_CLIENT_AGREE_FLOORS), |(nonce in any::<[u8; 16]>(),
        offered in proptest::collection::vec(any::<u8>(), 0..4),
        extensions in proptest::collection::vec(extension_offer(), 0..3),
        policy in websocket_policy(),)| {
        let mut names: Vec<&str> = Vec::new();
        for index in offered {
            let name = pick(&SUBPROTOCOLS, index);
            if !names.contains(&name) { names.push(name); }
        }
        let extension_header = extensions.iter().map(render::extension_text).collect::<Vec<_>>().join(", ");
        let request = ClientRequest {
            host: "example.com",
            target: "/chat",
            nonce,
            origin: None,
            subprotocols: &names,
            extensions: (!extensions.is_empty()).then_some(extension_header.as_str()),
        };
        let checked = request.check().map_err(|e| TestCaseError::fail(format!("{e}: {extension_header:?}")))?;
        let mut buf = [0u8; 1024];
        let len = checked.write(&mut buf).expect("fits");
        let protocols = policy.protocol_entries();
        let supported = policy.subprotocol_names();
        let server = policy.to_core(&protocols, &supported, &[]);
        let observed = observe(&server, &buf[..len]).expect("complete");
        let Expected::WebSocket { subprotocol, deflate, .. } = observed.verdict else {
            return Err(TestCaseError::fail(format!("{:?}", observed.verdict)));
        };
        classes.case([
            format!("subprotocol={}", if subprotocol.is_some() { "chosen" } else { "none" }),
            format!("deflate={}", if deflate.is_some() { "accepted" } else { "none" }),
            format!("offers={}", if names.is_empty() { "none" } else { "some" }),
        ]);
        let mut headers = [EMPTY_HEADER; 16];
        let established = checked
            .expectation()
            .validate(&observed.response, &mut headers)
            .map_err(|e| TestCaseError::fail(format!("client refuses: {e}")))?
            .complete()
            .expect("complete");
        prop_assert_eq!(established.subprotocol, subprotocol);
        prop_assert_eq!(established.deflate.map(|d| d.server_max_window_bits), deflate.map(|d| d.server_max_window_bits));
        prop_assert_eq!(established.deflate.is_some(), deflate.is_some());
    });
    classes.finish(&CLIENT_SERVER_CLIENT_AGREE_FLOORS);
}

/// Every proper prefix of a complete head is Partial; the whole is Complete with
/// `consumed` equal to the head's length, whatever trailing bytes follow.
#[test]
fn prefixes_are_partial() {
    let classes = Classes::new("prefixes_are_partial");
    proptest!(config(&PREFIXES_ARE_PARTIAL_FLOORS), |(model in valid_handshake(), rendering in rendering())| {
        let head = render::head(&model, &rendering);
        let policy = ServerPolicy::websocket();
        classes.case(labels::rendering(&rendering).into_iter().chain([format!("trailing={}", !model.trailing.is_empty())]));
        for end in 0..head.len() {
            let mut headers = [EMPTY_HEADER; 64];
            prop_assert_eq!(policy.handshake(&head[..end], &mut headers), Status::Partial, "prefix {}", end);
        }
        let mut bytes = head.clone();
        bytes.extend_from_slice(&model.trailing);
        let mut headers = [EMPTY_HEADER; 64];
        let Status::Complete(handshake) = policy.handshake(&bytes, &mut headers) else {
            return Err(TestCaseError::fail("partial"));
        };
        prop_assert_eq!(handshake.consumed, Some(head.len()));
    });
    classes.finish(&PREFIXES_ARE_PARTIAL_FLOORS);
}

/// Arbitrary bytes never panic, and negotiating them twice gives the same outcome.
#[test]
fn arbitrary_bytes_are_deterministic() {
    let classes = Classes::new("arbitrary_bytes_are_deterministic");
    proptest!(config(&ARBITRARY_BYTES_ARE_DETERMINISTIC_FLOORS), |(bytes in proptest::collection::vec(any::<u8>(), 0..600), selector in any::<u8>())| {
        let policy = ServerPolicy { require_upgrade: selector & 1 != 0, ..ServerPolicy::websocket() };
        let mut a = [EMPTY_HEADER; 32];
        let mut b = [EMPTY_HEADER; 32];
        prop_assert_eq!(policy.handshake(&bytes, &mut a), policy.handshake(&bytes, &mut b));
        let server = match policy.handshake(&bytes, &mut a) {
            Status::Partial => "server=partial".to_string(),
            Status::Complete(h) => match h.outcome {
                Outcome::Switch(_) => "server=switch".to_string(),
                Outcome::Decline(r) => format!("server=decline_{}", r.name()),
                Outcome::Reject(r) => format!("server=reject_{}", r.name()),
            },
        };
        classes.case([server]);
        let expectation = Expectation::for_key(b"dGhlIHNhbXBsZSBub25jZQ==", &["chat"], None).expect("key");
        let mut c = [EMPTY_HEADER; 32];
        let mut d = [EMPTY_HEADER; 32];
        prop_assert_eq!(expectation.validate(&bytes, &mut c), expectation.validate(&bytes, &mut d));
    });
    classes.finish(&ARBITRARY_BYTES_ARE_DETERMINISTIC_FLOORS);
}

/// The gates of both one passes, drawn at random: a group of conditions, one near miss of
/// it, a key and a server policy. Both drivers agree, the general path gives the verdict the
/// RFCs give the near miss, and the one pass takes exactly what its gate should
/// (`oracles::gates`); `tests/gates.rs` runs every near miss every time.
#[test]
fn gate_near_misses_meet_the_rfc() {
    use http_upgrade_proptests::gate::{group, CLIENT_NEAR_MISSES, SERVER_NEAR_MISSES};
    use http_upgrade_proptests::oracles::gates::{check_client, check_server, GATE_POLICIES};
    let groups = gate_groups();
    let floors = gate_floors();
    let classes = Classes::new("gate_near_misses_meet_the_rfc");
    proptest!(config(&floors), |(which in 0..groups.len(), pick in any::<usize>(),
        nonce in any::<[u8; 16]>(), policy in 0..GATE_POLICIES.len())| {
        let chosen = &groups[which];
        let (role, wanted) = chosen.split_once('_').expect("role_group");
        let took = if role == "server" {
            let members: Vec<_> = SERVER_NEAR_MISSES.iter().filter(|m| group(m.name) == wanted).collect();
            check_server(members[pick % members.len()], GATE_POLICIES[policy], &nonce)
        } else {
            let members: Vec<_> = CLIENT_NEAR_MISSES.iter().filter(|m| group(m.name) == wanted).collect();
            check_client(members[pick % members.len()], &nonce)
        };
        classes.case([
            format!("gate={chosen}"),
            format!("route={role}_{}", if took { "one_pass" } else { "general" }),
        ]);
    });
    classes.finish(&floors);
}

/// The fast paths of the hot path read list values made of near misses
/// (quotes, OWS of every kind, empty elements, non-tokens, commas inside quotes) and
/// keys one character or one byte of length off exactly as the grammar code does.
#[test]
fn fast_paths_agree_with_the_grammar() {
    let classes = Classes::new("fast_paths_agree_with_the_grammar");
    proptest!(config(&FAST_PATHS_AGREE_WITH_THE_GRAMMAR_FLOORS), |(parts in proptest::collection::vec(0..LIST_PIECES.len(), 0..12),
        selector in any::<u8>(),
        nonce in any::<[u8; 16]>(),
        at in 0usize..25,
        byte in any::<u8>(),)| {
        let mut data = vec![selector];
        data.extend(parts.iter().flat_map(|&i| LIST_PIECES[i].iter()));
        let quoted = parts.iter().any(|&i| LIST_PIECES[i].contains(&b'"'));
        classes.case([
            format!("list={}", if parts.is_empty() { "empty" } else if quoted { "quoted" } else { "unquoted" }),
            format!("key_edit={}", if at == 24 { "appended" } else { "replaced" }),
        ]);
        http_upgrade_proptests::oracles::fast_paths(&data);
        let mut key = Key::from_nonce(&nonce).as_str().as_bytes().to_vec();
        match at {
            24 => key.push(byte),
            _ => key[at] = byte,
        }
        prop_assert_eq!(Key::parse(&key).is_some(), http_upgrade_proptests::rfc::is_websocket_key(&key));
        prop_assert_eq!(Key::parse(&key[..23]), None);
    });
    classes.finish(&FAST_PATHS_AGREE_WITH_THE_GRAMMAR_FLOORS);
}

/// Any model, valid or broken in several ways at once, under any policy: the crate
/// does exactly what the reference model says.
#[test]
fn any_model_matches_reference() {
    let classes = Classes::new("any_model_matches_reference");
    proptest!(config(&ANY_MODEL_MATCHES_REFERENCE_FLOORS), |(model in any_handshake(), policy in any_policy(), rendering in rendering())| {
        let (_, observed, expected) = run(&model, &policy, &rendering);
        classes.case(labels::server_case(&model, &policy, &rendering, &expected));
        prop_assert_eq!(observed.verdict, expected);
    });
    classes.finish(&ANY_MODEL_MATCHES_REFERENCE_FLOORS);
}

/// Extension headers: parse(render(offers)) == offers, values quoted or not, quoted-pair
/// escapes included (RFC 6455 §9.1: a quoted value is a token once unquoted).
#[test]
fn extensions_round_trip() {
    let classes = Classes::new("extensions_round_trip");
    proptest!(config(&EXTENSIONS_ROUND_TRIP_FLOORS), |(offers in proptest::collection::vec(
        ("[a-z][a-z0-9_-]{0,12}", proptest::collection::vec(("[a-z][a-z_]{0,10}", proptest::option::of(("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}", any::<bool>(), any::<bool>()))), 0..4)),
        1..4,
    ))| {
        let quoted = offers.iter().flat_map(|(_, params)| params).any(|(_, v)| v.as_ref().is_some_and(|(_, q, _)| *q));
        classes.case([format!("offers={}", offers.len()), format!("quoted={quoted}")]);
        let mut header = String::new();
        for (index, (name, params)) in offers.iter().enumerate() {
            if index > 0 { header.push_str(" , "); }
            header.push_str(name);
            for (param, value) in params {
                header.push_str(" ; ");
                header.push_str(param);
                if let Some((value, quoted, escaped)) = value {
                    header.push('=');
                    if *quoted { header.push('"'); }
                    for c in value.chars() {
                        if *quoted && *escaped { header.push('\\'); }
                        header.push(c);
                    }
                    if *quoted { header.push('"'); }
                }
            }
        }
        let parsed: Vec<Extension<'_>> = http_upgrade::__private::list::Elements::new(header.as_bytes())
            .map(|e| http_upgrade::__private::parse_extension(e.expect("element")).expect("offer"))
            .collect();
        prop_assert_eq!(parsed.len(), offers.len());
        for (extension, (name, params)) in parsed.iter().zip(&offers) {
            prop_assert_eq!(extension.name, name.as_str());
            let got: Vec<(Vec<u8>, Option<Vec<u8>>)> = http_upgrade::__private::extension_params(extension)
                .map(|p| (p.name.to_vec(), p.value.map(|v| v.bytes().collect())))
                .collect();
            let want: Vec<(Vec<u8>, Option<Vec<u8>>)> =
                params.iter().map(|(n, v)| (n.as_bytes().to_vec(), v.as_ref().map(|(v, _, _)| v.as_bytes().to_vec()))).collect();
            prop_assert_eq!(got, want);
        }
    });
    classes.finish(&EXTENSIONS_ROUND_TRIP_FLOORS);
}

/// A quoted value holding any byte outside tchar, escaped or not, fails the offer
/// (RFC 6455 §9.1), though it is a well-formed quoted-string (RFC 9110 §5.6.4).
#[test]
fn quoted_non_token_values_fail() {
    let classes = Classes::new("quoted_non_token_values_fail");
    proptest!(config(&QUOTED_NON_TOKEN_VALUES_FAIL_FLOORS), |(prefix in "[a-z0-9]{0,4}", bad in "[ \"(),/:;<=>?@\\[\\]{}\t]", suffix in "[a-z0-9]{0,4}", escaped in any::<bool>())| {
        classes.case([format!("escaped={escaped}"), format!("bad={}", if bad == "\"" || bad == "\\" { "quote_or_backslash" } else { "other" })]);
        let inner: String = format!("{prefix}{bad}{suffix}").chars().map(|c| {
            if escaped || c == '"' || c == '\\' { format!("\\{c}") } else { c.to_string() }
        }).collect();
        let offer = format!("x-ext; p=\"{inner}\"");
        let quoted = format!("\"{inner}\"");
        prop_assert!(http_upgrade::__private::list::quoted_string_len(quoted.as_bytes()).is_some());
        prop_assert!(http_upgrade::__private::parse_extension(offer.as_bytes()).is_none(), "{}", offer);
    });
    classes.finish(&QUOTED_NON_TOKEN_VALUES_FAIL_FLOORS);
}

/// Every response head the crate writes parses with httparse with the outcome's
/// status, and a 101 satisfies the crate's client for the request's offers.
#[test]
fn responses_parse_and_satisfy_the_client() {
    let classes = Classes::new("responses_parse_and_satisfy_the_client");
    proptest!(config(&RESPONSES_PARSE_AND_SATISFY_THE_CLIENT_FLOORS), |(model in any_handshake(), policy in any_policy(), rendering in rendering())| {
        let (_, observed, expected) = run(&model, &policy, &rendering);
        classes.case(labels::verdict(&expected));
        if let Some(status) = observed.verdict.status() {
            let mut headers = [EMPTY_HEADER; 16];
            let mut response = httparse::Response::new(&mut headers);
            // After a 100 Continue, the final head (RFC 9110 §7.8).
            let final_head = observed.response.strip_prefix(CONTINUE).unwrap_or(&observed.response);
            prop_assert_eq!(response.parse(final_head), Ok(httparse::Status::Complete(final_head.len())));
            prop_assert_eq!(response.code, Some(status));
        } else {
            prop_assert!(observed.response.is_empty());
        }
        if let Expected::WebSocket { subprotocol, .. } = observed.verdict {
            let (offered, extensions) = structured::client_offers(&model);
            let Some(expectation) = structured::client_expectation(&model, &offered, &extensions) else {
                return Ok(());
            };
            let mut headers = [EMPTY_HEADER; 16];
            let established = expectation.validate(&observed.response, &mut headers)
                .map_err(|e| TestCaseError::fail(format!("client refuses: {e}")))?
                .complete().expect("complete");
            prop_assert_eq!(established.subprotocol, subprotocol);
        }
    });
    classes.finish(&RESPONSES_PARSE_AND_SATISFY_THE_CLIENT_FLOORS);
}

/// Reads split across calls: a request, and our 101 to it, arrive in chunks (one byte at a
/// time, random sizes, or cut inside every CRLF and mid-line), the reader calling the crate
/// after each. Every call before the head is complete answers `Partial`; the final verdict
/// and `consumed` equal those of the whole input; a head past the bound answers 431 at
/// exactly the bound (the reference machine in `split_reads`).
#[test]
fn split_reads_match_the_whole() {
    let classes = Classes::new("split_reads_match_the_whole");
    proptest!(config(&SPLIT_READS_MATCH_THE_WHOLE_FLOORS), |(model in any_handshake(), policy in any_policy(), rendering in rendering(), chunking in chunking(), oversize in prop::bool::weighted(0.15))| {
        use http_upgrade_proptests::split_reads::{self, Chunking};
        let mut rendering = rendering;
        if oversize {
            rendering.padding = render::MAX_PADDING;
        }
        let (head, observed, expected) = run(&model, &policy, &rendering);
        let mut bytes = head.clone();
        bytes.extend_from_slice(&render::body(&model));
        bytes.extend_from_slice(&model.trailing);
        // One byte at a time over an oversized head is quadratic; small odd chunks instead.
        let chunking = match chunking {
            Chunking::OneByte if bytes.len() > 2048 => Chunking::Sizes(vec![1, 7, 63, 255]),
            other => other,
        };
        let protocols = policy.protocol_entries();
        let subprotocols = policy.subprotocol_names();
        let origins = policy.allowed_origins();
        let core = policy.to_core(&protocols, &subprotocols, &origins);
        let mut labels = split_reads::labels(&bytes, &chunking);
        labels.push(split_reads::check_server(&core, &bytes, &chunking));
        labels.extend(labels::verdict(&expected));
        if let Expected::WebSocket { .. } = expected {
            let (offered, extensions) = structured::client_offers(&model);
            let Some(expectation) = structured::client_expectation(&model, &offered, &extensions) else {
                return Ok(());
            };
            let mut response = observed.response.clone();
            response.extend_from_slice(&model.trailing);
            let client_chunking = match &chunking {
                Chunking::Sizes(sizes) => Chunking::Sizes(sizes.clone()),
                other => other.clone(),
            };
            let end = split_reads::check_client(&expectation, &response, observed.response.len(), &client_chunking);
            labels.push(format!("client_{end}"));
        }
        classes.case(labels);
    });
    classes.finish(&SPLIT_READS_MATCH_THE_WHOLE_FLOORS);
}

/// IP literals in Host (RFC 3986 §3.2.2): candidates around the grammar's edges (group
/// counts, compressions, IPv4 tails, zones, IPvFuture) switch exactly when the reference,
/// which follows the ABNF alternative by alternative, says the literal is one; otherwise
/// 400 `invalid_host`.
#[test]
fn ip_literals_match_the_rfc_3986_grammar() {
    let classes = Classes::new("ip_literals_match_the_rfc_3986_grammar");
    proptest!(config(&IP_LITERALS_MATCH_THE_RFC_3986_GRAMMAR_FLOORS), |(inner in http_upgrade_proptests::ip_literal::candidate(), port in proptest::option::of(0u32..70_000))| {
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        let request = format!("GET /chat HTTP/1.1\r\nHost: [{inner}]{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        let valid = http_upgrade_proptests::ip_literal::ip_literal(&inner)
            && port.strip_prefix(':').is_none_or(|p| p.parse::<u32>().is_ok_and(|p| p <= 65_535));
        classes.case([
            format!("form={}", http_upgrade_proptests::ip_literal::form(&inner)),
            format!("literal={}/{}", http_upgrade_proptests::ip_literal::form(&inner), if http_upgrade_proptests::ip_literal::ip_literal(&inner) { "valid" } else { "invalid" }),
        ]);
        let mut headers = [EMPTY_HEADER; 16];
        let outcome = ServerPolicy::websocket().handshake(request.as_bytes(), &mut headers).complete().map(|h| h.outcome);
        match outcome {
            Some(Outcome::Switch(_)) => prop_assert!(valid, "switched on {}", request),
            Some(Outcome::Reject(reason)) => prop_assert!(!valid && reason.name() == "invalid_host", "{} for {}", reason, request),
            other => prop_assert!(!valid && other.is_none(), "{:?} for {}", other, request),
        }
    });
    classes.finish(&IP_LITERALS_MATCH_THE_RFC_3986_GRAMMAR_FLOORS);
}

/// HTTP2-Settings (RFC 7540 §3.2.1, RFC 9113 §6.5): values around the grammar's edges
/// (padding, a character short or over, characters outside base64url, every known setting
/// at and past its bounds) are taken exactly when the reference decodes them to a valid
/// SETTINGS payload, with the same parameters; otherwise 400 `invalid_http2_settings`.
#[test]
fn http2_settings_match_rfc_9113() {
    let classes = Classes::new("http2_settings_match_rfc_9113");
    proptest!(config(&HTTP2_SETTINGS_MATCH_RFC_9113_FLOORS), |(text in http_upgrade_proptests::http2_settings::candidate())| {
        let request = format!("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: {text}\r\n\r\n");
        // The value as a server sees it: OWS around it is not part of it (RFC 9110 §5.5).
        let value = text.trim_matches([' ', '\t']);
        let expected = http_upgrade_proptests::http2_settings::parameters(value);
        let known = |id: u16| matches!(id, 2 | 4 | 5 | 8 | 9);
        classes.case([
            format!("verdict={}", if expected.is_some() { "valid" } else { "invalid" }),
            format!("params={}", expected.as_ref().map_or("none".to_string(), |p| p.len().to_string())),
            format!("bounded_setting={}", expected.as_ref().is_some_and(|p| p.iter().any(|(id, _)| known(*id)))),
        ]);
        let policy = ServerPolicy { protocols: &["h2c"], ..ServerPolicy::websocket() };
        let mut headers = [EMPTY_HEADER; 16];
        let Some(handshake) = policy.handshake(request.as_bytes(), &mut headers).complete() else {
            return Err(TestCaseError::fail("partial"));
        };
        match (handshake.outcome, expected) {
            (Outcome::Switch(accepted), Some(parameters)) => {
                let got: Vec<(u16, u32)> = accepted.h2c.expect("h2c settings").iter().collect();
                prop_assert_eq!(got, parameters);
            }
            (Outcome::Reject(reason), None) => prop_assert_eq!(reason.name(), "invalid_http2_settings"),
            (outcome, expected) => prop_assert!(false, "{:?} but the reference says {:?} for {:?}", outcome, expected, text),
        }
    });
    classes.finish(&HTTP2_SETTINGS_MATCH_RFC_9113_FLOORS);
}

/// Every fault has a label whose status is documented.
#[test]
fn every_fault_is_labelled() {
    for fault in Fault::ALL {
        for require in [false, true] {
            let status = fault.label(require).status();
            assert!(
                matches!(status, None | Some(400 | 417 | 426 | 431 | 501)),
                "{fault:?}"
            );
        }
    }
    let _ = Outcome::Decline(http_upgrade::DeclineReason::NoUpgrade);
}
