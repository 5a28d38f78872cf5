//! `client_request`: the client's opening request (RFC 6455 §4.1) written from any parts a
//! caller may pass. Either it refuses a part that an independent reading of the RFC
//! grammar also refuses, or the head it writes carries exactly the caller's parts and the
//! fixed fields, nothing else: no part can add a field, split the request line or end the
//! head early (request smuggling from the client side).

use arbitrary::{Arbitrary, Unstructured};
use http_upgrade::{ClientRequest, RequestError};

/// The caller's parts, any text.
#[derive(Debug, Arbitrary)]
struct Parts {
    target: String,
    host: String,
    origin: Option<String>,
    subprotocols: Vec<String>,
    extensions: Option<String>,
    nonce: [u8; 16],
}

/// A field value as a sender may write one: HTAB, SP, VCHAR and obs-text, no other
/// control (RFC 9110 §5.5).
fn value_ok(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || b == b' ' || (0x21..=0x7e).contains(&b) || b >= 0x80)
}

/// An extension offer a client may send: the RFC 6455 §9.1 list, at most the documented
/// number of offers (README, behaviour table).
fn extensions_ok(value: &str) -> bool {
    crate::rfc::extension_offer_count(value.as_bytes())
        .is_some_and(|count| count <= http_upgrade::MAX_OFFERED_EXTENSIONS)
}

/// A Host value by RFC 9112 §3.2 and RFC 3986 §3.2.2-§3.2.3 with the README's choices
/// (`near_miss::host_ok`), for a reg-name; `None` for an IP-literal, which this reference
/// does not judge.
fn host_ok(host: &str) -> Option<bool> {
    (!host.contains('[')).then(|| crate::near_miss::host_ok(host))
}

/// Checks one input; panics when the written head is not exactly the parts.
pub fn client_request(data: &[u8]) {
    let Ok(parts) = Parts::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let subprotocols: Vec<&str> = parts.subprotocols.iter().map(String::as_str).collect();
    let request = ClientRequest {
        target: &parts.target,
        host: &parts.host,
        nonce: parts.nonce,
        origin: parts.origin.as_deref(),
        subprotocols: &subprotocols,
        extensions: parts.extensions.as_deref(),
    };
    let mut buf = vec![0u8; 64 * 1024];
    let written = request.write(&mut buf);
    let len = match written {
        Err(error @ RequestError::InvalidField { field }) => {
            // The error a caller logs says which part it refused.
            assert!(
                error.to_string().contains(field),
                "the error text {error:?} does not name the refused {field}"
            );
            let refused = match field {
                "target" => !crate::rfc::request_target_ok(&parts.target),
                "host" => !host_ok(&parts.host).unwrap_or(false),
                "origin" => !parts.origin.as_deref().is_some_and(value_ok),
                "subprotocols" => !subprotocols
                    .iter()
                    .all(|s| crate::rfc::is_token(s.as_bytes())),
                "extensions" => !parts.extensions.as_deref().is_some_and(extensions_ok),
                other => panic!("refused an unknown part {other}"),
            };
            assert!(refused, "refused a valid {field}: {parts:?}");
            return;
        }
        Err(error @ RequestError::BufferTooSmall { needed }) => {
            assert!(
                error.to_string().contains(&needed.to_string()),
                "the error text {error:?} does not say how many bytes the head needs"
            );
            assert!(needed > buf.len(), "too small at {needed} of {}", buf.len());
            return;
        }
        Err(other) => panic!("unexpected error {other:?}"),
        Ok(len) => len,
    };
    // Written: every part passes the RFC grammar, and the head is exactly the parts.
    assert!(
        crate::rfc::request_target_ok(&parts.target),
        "wrote an invalid target: {parts:?}"
    );
    assert_ne!(
        host_ok(&parts.host),
        Some(false),
        "wrote an invalid host: {parts:?}"
    );
    if let Some(origin) = &parts.origin {
        assert!(value_ok(origin), "wrote an invalid origin: {parts:?}");
    }
    if let Some(extensions) = &parts.extensions {
        assert!(
            extensions_ok(extensions),
            "wrote an invalid extension offer: {parts:?}"
        );
    }
    assert!(
        subprotocols
            .iter()
            .all(|s| crate::rfc::is_token(s.as_bytes())),
        "wrote a subprotocol that is not a token: {parts:?}"
    );
    head_is_exactly(&buf[..len], &parts, &subprotocols, &parts.nonce);
    // RFC 6455 §4.1 item 7: each request carries a fresh nonce. The checked parts with
    // another one write the same head but for the key, the new nonce in base64.
    let fresh = parts.nonce.map(|b| !b);
    let checked = request
        .check()
        .expect("parts that were written pass the check")
        .with_nonce(fresh);
    assert_eq!(checked.key().as_str(), crate::rfc::base64(&fresh));
    let again = checked.write(&mut buf).expect("the same length fits again");
    assert_eq!(again, len, "a key is always 24 characters");
    head_is_exactly(&buf[..again], &parts, &subprotocols, &fresh);
}

/// `head` is one complete GET request that httparse reads as exactly the caller's parts, the
/// fixed fields, and the key of `nonce` (its base64, RFC 6455 §4.1 item 7): nothing added.
fn head_is_exactly(head: &[u8], parts: &Parts, subprotocols: &[&str], nonce: &[u8; 16]) {
    let len = head.len();
    let mut headers = [httparse::EMPTY_HEADER; 16];
    let mut parsed = httparse::Request::new(&mut headers);
    let status = parsed.parse(head);
    assert_eq!(
        status,
        Ok(httparse::Status::Complete(len)),
        "the head is not one complete request: {:?}",
        String::from_utf8_lossy(head)
    );
    assert_eq!(parsed.method, Some("GET"));
    assert_eq!(parsed.path, Some(parts.target.as_str()));
    assert_eq!(parsed.version, Some(1));
    let trim = |v: &str| v.trim_matches([' ', '\t']).as_bytes().to_vec();
    let mut want: Vec<(String, Vec<u8>)> = vec![
        ("host".into(), trim(&parts.host)),
        ("upgrade".into(), b"websocket".to_vec()),
        ("connection".into(), b"Upgrade".to_vec()),
        (
            "sec-websocket-key".into(),
            crate::rfc::base64(nonce).into_bytes(),
        ),
        ("sec-websocket-version".into(), b"13".to_vec()),
    ];
    if let Some(origin) = &parts.origin {
        want.push(("origin".into(), trim(origin)));
    }
    if !subprotocols.is_empty() {
        want.push((
            "sec-websocket-protocol".into(),
            subprotocols.join(", ").into_bytes(),
        ));
    }
    if let Some(extensions) = &parts.extensions {
        want.push(("sec-websocket-extensions".into(), trim(extensions)));
    }
    let mut got: Vec<(String, Vec<u8>)> = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                trim(&String::from_utf8_lossy(h.value)),
            )
        })
        .collect();
    want.sort();
    got.sort();
    assert_eq!(
        got,
        want,
        "the head is not exactly the parts: {:?}",
        String::from_utf8_lossy(head)
    );
}
