//! The client's one pass on the real 101s in `corpus/captures/response-*.http`:
//! each is established by the one pass itself under the offers it answers, and every near
//! miss of it (a line left out or written twice, a byte changed, interim responses before
//! it, OWS around a value of a hand-built head) gets from `validate` exactly what the
//! general checks give (`oracles::client_one_pass`).

use http_upgrade::{parse_response, Expectation, Header, Limits, Status, EMPTY_HEADER};
use http_upgrade_proptests::oracles::client_one_pass::{agrees, takes};
use http_upgrade_proptests::{head_lines, join_head};

/// The key every captured 101 answers (RFC 6455 §1.3's sample).
const SAMPLE_KEY: &[u8] = b"dGhlIHNhbXBsZSBub25jZQ==";

fn responses() -> Vec<(String, Vec<u8>)> {
    let responses: Vec<_> = http_upgrade_proptests::captures("http")
        .into_iter()
        .filter(|(name, _)| name.starts_with("response-"))
        .collect();
    assert!(responses.len() >= 2, "{}", responses.len());
    responses
}

/// Offers the captured 101s answer, and offers they do not.
fn expectations() -> Vec<Expectation<'static>> {
    let with = |subprotocols: &'static [&'static str], extensions: Option<&'static [u8]>| {
        Expectation::for_key(SAMPLE_KEY, subprotocols, extensions).expect("a valid offer")
    };
    vec![
        with(
            &["chat", "superchat"],
            Some(b"permessage-deflate; client_max_window_bits"),
        ),
        with(
            &["chat"],
            Some(b"permessage-deflate; client_max_window_bits=12"),
        ),
        with(&["superchat"], Some(b"permessage-deflate")),
        with(&[], None),
        with(
            &["chat"],
            Some(b"x-other, permessage-deflate; server_max_window_bits=10"),
        ),
    ]
}

#[test]
fn real_101s_take_the_one_pass() {
    let expectations = expectations();
    for (name, bytes) in responses() {
        let established = agrees(&expectations[0], &bytes)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .complete()
            .expect("complete");
        assert!(takes(&expectations[0], &bytes), "{name}");
        assert_eq!(established.subprotocol, Some("chat"), "{name}");
        assert!(established.deflate.is_some(), "{name}");
        assert_eq!(established.consumed, bytes.len(), "{name}");
        // Offers the 101 does not answer: the one pass leaves it, both say why.
        for expectation in &expectations[2..] {
            assert!(!takes(expectation, &bytes), "{name}");
            assert!(agrees(expectation, &bytes).is_err(), "{name}");
        }
    }
}

#[test]
fn a_line_left_out_or_twice_or_recased_agrees() {
    let expectations = expectations();
    let mut failures = 0;
    for (_, bytes) in responses() {
        let (lines, rest) = head_lines(&bytes);
        for at in 1..lines.len() {
            let mut without = lines.clone();
            without.remove(at);
            let without = join_head(&without, &rest);
            let mut twice = lines.clone();
            twice.insert(at, lines[at].clone());
            let twice = join_head(&twice, &rest);
            let mut recased = lines.clone();
            recased[at].make_ascii_uppercase();
            let recased = join_head(&recased, &rest);
            for expectation in &expectations {
                failures += usize::from(agrees(expectation, &without).is_err());
                failures += usize::from(agrees(expectation, &twice).is_err());
                let _ = agrees(expectation, &recased);
            }
        }
    }
    // Leaving out or doubling Upgrade, Connection or Accept fails the handshake.
    assert!(failures >= 12, "{failures}");
}

#[test]
fn every_byte_changed_agrees() {
    let expectations = expectations();
    for (_, bytes) in responses() {
        for at in 0..bytes.len() {
            for replacement in [
                b' ', b'\t', b',', b';', b'=', b'"', b'A', b'z', b'1', 0x7f, 0xc3,
            ] {
                let mut changed = bytes.clone();
                changed[at] = replacement;
                for expectation in &expectations {
                    let _ = agrees(expectation, &changed);
                }
            }
        }
    }
}

#[test]
fn interim_responses_before_the_101_agree() {
    let expectations = expectations();
    for (name, bytes) in responses() {
        for count in 0..=9 {
            let mut dressed = b"HTTP/1.1 100 Continue\r\n\r\n".repeat(count);
            dressed.extend_from_slice(&bytes);
            let result = agrees(&expectations[0], &dressed);
            assert_eq!(result.is_ok(), count <= 8, "{name} after {count} interim");
        }
    }
}

/// The client's one pass (`__private::established_in_one_pass`) takes a head built by hand, whose values may
/// carry OWS httparse would have trimmed (RFC 9110 §5.5): the one pass then either leaves
/// the head or establishes exactly what the general checks establish from the real bytes.
#[test]
fn hand_built_heads_with_ows_around_a_value_fall_back_or_agree() {
    let expectations = expectations();
    let paddings: [(&[u8], &[u8]); 3] = [(b" ", b""), (b"", b"\t"), (b"\t ", b" ")];
    let mut checked = 0;
    for (name, bytes) in responses() {
        let mut headers = [EMPTY_HEADER; 32];
        let Ok(Status::Complete(head)) = parse_response(&bytes, &mut headers, &Limits::DEFAULT)
        else {
            panic!("{name} does not parse");
        };
        let fields: Vec<Header<'_>> = head.fields.as_slice().to_vec();
        for expectation in &expectations {
            let general = agrees(expectation, &bytes).ok().and_then(Status::complete);
            for at in 0..fields.len() {
                for (before, after) in paddings {
                    let value = [before, fields[at].value, after].concat();
                    let mut padded = fields.clone();
                    padded[at].value = &value;
                    let padded_head =
                        http_upgrade::__private::response_head_with_fields(&head, &padded);
                    if let Some(established) = http_upgrade::__private::established_in_one_pass(
                        expectation,
                        &padded_head,
                        0,
                    ) {
                        assert_eq!(Some(established), general, "{name}: {:?}", fields[at]);
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 100, "{checked}");
}
