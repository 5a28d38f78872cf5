//! The properties of issue #4, over the strategies in `src/`. Case counts come from
//! `PROPTEST_CASES`; failures are saved in `proptest-regressions/properties.txt`.

use http_upgrade::Extension;
use http_upgrade::{ClientRequest, Expectation, Key, Outcome, ServerPolicy, Status, EMPTY_HEADER};
use http_upgrade_proptests::faults::Fault;
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

fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/properties.txt",
        ))),
        ..ProptestConfig::default()
    }
}

use http_upgrade_proptests::structured::run;

proptest! {
    #![proptest_config(config())]

    /// 1. Every rendering of one valid model gives the same Switch, equal to the reference
    /// (invariance under order, case, OWS, splitting, empty elements, noise).
    #[test]
    fn renderings_agree(model in valid_handshake(), policy in websocket_policy(), a in rendering(), b in rendering()) {
        let (_, first, expected) = run(&model, &policy, &a);
        let (_, second, _) = run(&model, &policy, &b);
        prop_assert!(matches!(expected, Expected::WebSocket { .. }), "{expected:?}");
        prop_assert_eq!(&first.verdict, &expected);
        prop_assert_eq!(&second.verdict, &expected);
        prop_assert_eq!(first.response, second.response);
    }

    /// 2. The Accept equals a SHA-1/base64 computed in the test, for any key bytes.
    #[test]
    fn accept_matches_reference(nonce in any::<[u8; 16]>()) {
        let key = Key::from_nonce(&nonce);
        prop_assert_eq!(key.as_str(), rfc::base64(&nonce));
        let accept = key.accept();
        prop_assert_eq!(accept.as_str(), rfc::accept(key.as_str()));
    }

    /// 3. Each single-fault mutation gives exactly the labelled outcome and status, and the
    /// reference model agrees with the label.
    #[test]
    fn single_faults_give_their_label(model in valid_handshake(), policy in websocket_policy(), mut rendering in rendering(), fault in fault()) {
        let mut faulty = model.clone();
        fault.apply(&mut faulty, &mut rendering);
        let (_, observed, expected) = run(&faulty, &policy, &rendering);
        let label = fault.label(policy.require_upgrade);
        prop_assert_eq!(&expected, &label);
        prop_assert_eq!(observed.verdict.status(), label.status());
        prop_assert_eq!(&observed.verdict, &label);
    }

    /// 4b. The client reads our 101 the same with 1xx interim heads before it and obs-folds
    /// in it (RFC 9110 §15.2, RFC 9112 §5.2), and gives up past eight interim heads.
    #[test]
    fn dressed_responses_read_the_same(model in valid_handshake(), policy in websocket_policy(), rendering in rendering(), dressing in response_rendering()) {
        http_upgrade_proptests::structured::check_client(&model, &policy, &rendering, &dressing);
    }

    /// 9. Transport equivalence (RFC 8441 §5): the same model as an HTTP/1.1 Upgrade and as
    /// an extended CONNECT chooses the same subprotocol, deflate parameters and Origin
    /// verdict, under any policy, valid or not in the WebSocket fields.
    #[test]
    fn transports_choose_alike(model in valid_handshake(), policy in any_policy(), rendering in rendering(), version in prop_oneof![4 => Just(VersionField::Thirteen), 1 => any::<u8>().prop_map(VersionField::Other), 1 => Just(VersionField::Missing)], extensions in proptest::collection::vec(any_extension_offer(), 0..4), origin in proptest::option::of(any::<u8>())) {
        let mut model = model;
        model.version = version;
        model.extensions = extensions;
        model.origin = origin;
        let policy = Policy { protocols: vec![0], require_upgrade: false, ..policy };
        let (http1, _) = http_upgrade_proptests::transport::both(&model, &policy, &rendering);
        prop_assert!(!matches!(http1, http_upgrade_proptests::transport::Choice::Other), "{:?}", http1);
        http_upgrade_proptests::transport::check(&model, &policy, &rendering);
    }

    /// 10. The client against an independent reference (RFC 6455 §4.1, RFC 7692 §7): any
    /// answer, valid or a near miss, gets the verdict the RFC text gives it.
    #[test]
    fn client_matches_reference(case in client_case()) {
        http_upgrade_proptests::client_reference::check(&case);
    }

    /// 11. Near misses: a valid request with one field value one character off (inserted,
    /// deleted, replaced, case-flipped, OWS inside) gets the verdict of that field's grammar.
    #[test]
    fn near_misses_get_the_grammar_verdict(case in any::<[u8; 64]>().prop_filter_map("decodes", |bytes| {
        use arbitrary::Arbitrary;
        http_upgrade_proptests::near_miss::NearMiss::arbitrary(&mut arbitrary::Unstructured::new(&bytes)).ok()
    })) {
        http_upgrade_proptests::near_miss::check(&case);
    }

    /// 4. Client request → server → response → client: both sides agree on subprotocol and
    /// extensions, for random policies and offers.
    #[test]
    fn client_server_client_agree(
        nonce in any::<[u8; 16]>(),
        offered in proptest::collection::vec(any::<u8>(), 0..4),
        extensions in proptest::collection::vec(extension_offer(), 0..3),
        policy in websocket_policy(),
    ) {
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
        let mut buf = [0u8; 1024];
        let len = request.write(&mut buf).expect("fits");
        let protocols = policy.protocol_entries();
        let supported = policy.subprotocol_names();
        let server = policy.to_core(&protocols, &supported, &[]);
        let observed = observe(&server, &buf[..len]).expect("complete");
        let Expected::WebSocket { subprotocol, deflate, .. } = observed.verdict else {
            return Err(TestCaseError::fail(format!("{:?}", observed.verdict)));
        };
        let mut headers = [EMPTY_HEADER; 16];
        let established = request
            .expectation()
            .validate(&observed.response, &mut headers)
            .map_err(|e| TestCaseError::fail(format!("client refuses: {e}")))?
            .complete()
            .expect("complete");
        prop_assert_eq!(established.subprotocol, subprotocol);
        prop_assert_eq!(established.deflate.map(|d| d.server_max_window_bits), deflate.map(|d| d.server_max_window_bits));
        prop_assert_eq!(established.deflate.is_some(), deflate.is_some());
    }

    /// 5. Every proper prefix of a complete head is Partial; the whole is Complete with
    /// `consumed` equal to the head's length, whatever trailing bytes follow.
    #[test]
    fn prefixes_are_partial(model in valid_handshake(), rendering in rendering()) {
        let head = render::head(&model, &rendering);
        let policy = ServerPolicy::websocket();
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
    }

    /// 6. Arbitrary bytes never panic, and negotiating them twice gives the same outcome.
    #[test]
    fn arbitrary_bytes_are_deterministic(bytes in proptest::collection::vec(any::<u8>(), 0..600), selector in any::<u8>()) {
        let policy = ServerPolicy { require_upgrade: selector & 1 != 0, ..ServerPolicy::websocket() };
        let mut a = [EMPTY_HEADER; 32];
        let mut b = [EMPTY_HEADER; 32];
        prop_assert_eq!(policy.handshake(&bytes, &mut a), policy.handshake(&bytes, &mut b));
        let expectation = Expectation::for_key(b"dGhlIHNhbXBsZSBub25jZQ==", &["chat"], None).expect("key");
        let mut c = [EMPTY_HEADER; 32];
        let mut d = [EMPTY_HEADER; 32];
        prop_assert_eq!(expectation.validate(&bytes, &mut c), expectation.validate(&bytes, &mut d));
    }

    /// 6a. The fast paths of the hot path (issue #12) read list values made of near misses
    /// (quotes, OWS of every kind, empty elements, non-tokens, commas inside quotes) and
    /// keys one character or one byte of length off exactly as the grammar code does.
    #[test]
    fn fast_paths_agree_with_the_grammar(
        parts in proptest::collection::vec(0..LIST_PIECES.len(), 0..12),
        selector in any::<u8>(),
        nonce in any::<[u8; 16]>(),
        at in 0usize..25,
        byte in any::<u8>(),
    ) {
        let mut data = vec![selector];
        data.extend(parts.iter().flat_map(|&i| LIST_PIECES[i].iter()));
        http_upgrade_proptests::oracles::fast_paths(&data);
        let mut key = Key::from_nonce(&nonce).as_str().as_bytes().to_vec();
        match at {
            24 => key.push(byte),
            _ => key[at] = byte,
        }
        prop_assert_eq!(Key::parse(&key).is_some(), http_upgrade_proptests::rfc::is_websocket_key(&key));
        prop_assert_eq!(Key::parse(&key[..23]), None);
    }

    /// 6b. Any model, valid or broken in several ways at once, under any policy: the crate
    /// does exactly what the reference model says.
    #[test]
    fn any_model_matches_reference(model in any_handshake(), policy in any_policy(), rendering in rendering()) {
        let (_, observed, expected) = run(&model, &policy, &rendering);
        prop_assert_eq!(observed.verdict, expected);
    }

    /// 7. Extension headers: parse(render(offers)) == offers, values quoted or not, quoted-pair
    /// escapes included (RFC 6455 §9.1: a quoted value is a token once unquoted).
    #[test]
    fn extensions_round_trip(offers in proptest::collection::vec(
        ("[a-z][a-z0-9_-]{0,12}", proptest::collection::vec(("[a-z][a-z_]{0,10}", proptest::option::of(("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}", any::<bool>(), any::<bool>()))), 0..4)),
        1..4,
    )) {
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
    }

    /// 7b. A quoted value holding any byte outside tchar, escaped or not, fails the offer
    /// (RFC 6455 §9.1), though it is a well-formed quoted-string (RFC 9110 §5.6.4).
    #[test]
    fn quoted_non_token_values_fail(prefix in "[a-z0-9]{0,4}", bad in "[ \"(),/:;<=>?@\\[\\]{}\t]", suffix in "[a-z0-9]{0,4}", escaped in any::<bool>()) {
        let inner: String = format!("{prefix}{bad}{suffix}").chars().map(|c| {
            if escaped || c == '"' || c == '\\' { format!("\\{c}") } else { c.to_string() }
        }).collect();
        let offer = format!("x-ext; p=\"{inner}\"");
        let quoted = format!("\"{inner}\"");
        prop_assert!(http_upgrade::__private::list::quoted_string_len(quoted.as_bytes()).is_some());
        prop_assert!(http_upgrade::__private::parse_extension(offer.as_bytes()).is_none(), "{}", offer);
    }

    /// 8. Every response head the crate writes parses with httparse with the outcome's
    /// status, and a 101 satisfies the crate's client for the request's offers.
    #[test]
    fn responses_parse_and_satisfy_the_client(model in any_handshake(), policy in any_policy(), rendering in rendering()) {
        let (_, observed, _) = run(&model, &policy, &rendering);
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
            let offered: Vec<&str> = model.subprotocols.iter().map(|&i| pick(&SUBPROTOCOLS, i)).collect();
            let extensions = model.extensions.iter().map(render::extension_text).collect::<Vec<_>>().join(", ");
            let key = Key::from_nonce(&model.nonce);
            let expectation = Expectation { key, subprotocols: &offered, extensions: Some(extensions.as_bytes()), limits: http_upgrade::Limits::DEFAULT };
            let mut headers = [EMPTY_HEADER; 16];
            let established = expectation.validate(&observed.response, &mut headers)
                .map_err(|e| TestCaseError::fail(format!("client refuses: {e}")))?
                .complete().expect("complete");
            prop_assert_eq!(established.subprotocol, subprotocol);
        }
    }
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
