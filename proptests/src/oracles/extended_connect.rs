//! `extended_connect`: raw HTTP/2 field sections (RFC 9113 §8.2-§8.3, RFC 8441 §4-§5) in
//! the text form `cargo xtask inspect --transport h2` reads. Two oracles:
//!
//! - the section's form, judged by a reference written here from RFC 9113 §8.2.1, §8.2.2 and
//!   §8.3 (pseudo-headers first, known, once; lowercase token names; values without control
//!   bytes or surrounding whitespace; no connection-specific fields): malformed sections
//!   are 400s of the form reasons, well-formed ones never are;
//! - a well-formed extended CONNECT, rewritten as the HTTP/1.1 Upgrade it stands for
//!   (`:path` as the target, `:authority` as Host, `:protocol` as Upgrade, a valid key),
//!   gets the same verdict from the HTTP/1.1 path: the same subprotocol, extension
//!   parameters and origin decision, or the same reason (RFC 8441 §5: "the same" handshake).

use std::string::String;
use std::vec::Vec;

use http_upgrade::ConnectOutcome;
use http_upgrade::RejectReason;
use http_upgrade::{Header, Status, EMPTY_HEADER};
use http_upgrade::{Outcome, ServerPolicy};

use super::targets::policy_from;
use crate::rfc::{is_protocol, is_tchar};

/// RFC 9113 §8.3.1: "A server SHOULD treat a request as malformed if it contains a Host
/// header field that identifies an entity that differs from the entity in the ':authority'
/// pseudo-header field", and an intermediary may keep the Host it was given. So a
/// well-formed section without Host, given a Host of exactly its `:authority`, gets the
/// same verdict.
fn same_authority_as_host_changes_nothing(
    policy: &ServerPolicy<'_>,
    section: &[(String, Vec<u8>)],
    outcome: &ConnectOutcome<'_>,
) {
    let Some(authority) = pseudo(section, ":authority") else {
        return;
    };
    if section.iter().any(|(name, _)| name == "host") {
        return;
    }
    let mut with_host = section.to_vec();
    with_host.push(("host".into(), authority.to_vec()));
    let fields = as_headers(&with_host);
    let again = policy.negotiate_connect(&fields);
    assert_eq!(
        &again, outcome,
        "a Host of the :authority itself changed the verdict of {section:?}"
    );
}

/// Reads the text form of an HTTP/2 or HTTP/3 field section: one `name: value` per line
/// (a pseudo-header's name keeps its leading colon; one SP after the colon is dropped; a
/// CR before the line's LF is dropped, any other byte is kept), blank lines ignored.
pub fn field_section(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    bytes
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
        .map(|line| {
            let name_end = line
                .iter()
                .skip(1)
                .position(|&b| b == b':')
                .map_or(line.len(), |i| i + 1);
            let (name, value) = line.split_at(name_end);
            let value = value.strip_prefix(b":").unwrap_or(value);
            let value = value.strip_prefix(b" ").unwrap_or(value);
            (String::from_utf8_lossy(name).into_owned(), value.to_vec())
        })
        .collect()
}

/// A field section as the crate's borrowed fields, in order.
pub fn as_headers(section: &[(String, Vec<u8>)]) -> Vec<Header<'_>> {
    section
        .iter()
        .map(|(name, value)| Header { name, value })
        .collect()
}

/// The request pseudo-header fields (RFC 9113 §8.3.1, RFC 8441 §4).
const PSEUDO: [&str; 5] = [":method", ":scheme", ":authority", ":path", ":protocol"];

/// RFC 9113 §8.2.2: fields about one HTTP/1.1 connection.
const CONNECTION_SPECIFIC: [&str; 5] = [
    "connection",
    "proxy-connection",
    "keep-alive",
    "transfer-encoding",
    "upgrade",
];

/// The reasons a malformed section may carry.
const FORM_REASONS: [RejectReason; 4] = [
    RejectReason::InvalidPseudoHeaders,
    RejectReason::InvalidFieldName,
    RejectReason::InvalidFieldValue,
    RejectReason::ConnectionSpecificField,
];

/// Whether the section is well-formed (RFC 9113 §8.2.1-§8.3), by the RFC text alone.
fn well_formed(section: &[(String, Vec<u8>)]) -> bool {
    let mut seen_regular = false;
    let mut seen_pseudo: Vec<&str> = Vec::new();
    for (name, value) in section {
        // §8.2.1: no NUL, CR, LF (nor, RFC 9110 §5.5, other controls or DEL); no SP or
        // HTAB at either end.
        let blank = |b: Option<&u8>| b == Some(&b' ') || b == Some(&b'\t');
        if blank(value.first())
            || blank(value.last())
            || value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f)
        {
            return false;
        }
        if let Some(pseudo) = PSEUDO.iter().find(|p| **p == name.as_str()) {
            // §8.3: pseudo-headers before every regular field, each at most once.
            if seen_regular || seen_pseudo.contains(pseudo) {
                return false;
            }
            seen_pseudo.push(pseudo);
            continue;
        }
        if name.starts_with(':') {
            return false;
        }
        seen_regular = true;
        if name.is_empty() || !name.bytes().all(|b| is_tchar(b) && !b.is_ascii_uppercase()) {
            return false;
        }
        if CONNECTION_SPECIFIC.contains(&name.as_str()) || (name == "te" && value != b"trailers") {
            return false;
        }
    }
    true
}

fn pseudo<'s>(section: &'s [(String, Vec<u8>)], name: &str) -> Option<&'s [u8]> {
    section
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_slice())
}

/// Fields whose meaning differs between the two transports: Host is `:authority` over
/// HTTP/2, framing and Expect are not judged there, the key has no use (RFC 8441 §5).
const NOT_COMPARABLE: [&str; 5] = [
    "host",
    "content-length",
    "expect",
    "sec-websocket-key",
    "http2-settings",
];

/// The HTTP/1.1 Upgrade request an extended CONNECT stands for.
fn as_http1(
    section: &[(String, Vec<u8>)],
    protocol: &[u8],
    path: &[u8],
    authority: &[u8],
) -> Vec<u8> {
    let mut request = Vec::new();
    for part in [&b"GET "[..], path, b" HTTP/1.1\r\nHost: ", authority] {
        request.extend_from_slice(part);
    }
    request.extend_from_slice(b"\r\nConnection: Upgrade\r\nUpgrade: ");
    request.extend_from_slice(protocol);
    request.extend_from_slice(b"\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
    for (name, value) in section.iter().filter(|(n, _)| !n.starts_with(':')) {
        request.extend_from_slice(name.as_bytes());
        request.extend_from_slice(b": ");
        request.extend_from_slice(value);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"\r\n");
    request
}

/// The fuzz target: selector byte (the policy, as `server_negotiate`) + a text-form section.
pub fn extended_connect(data: &[u8]) {
    let Some((&selector, text)) = data.split_first() else {
        return;
    };
    let policy = policy_from(selector);
    let section = field_section(text);
    let fields = as_headers(&section);
    let outcome = policy.negotiate_connect(&fields);
    assert_eq!(policy.negotiate_connect(&fields), outcome);
    check_response(&policy, &outcome);

    if !well_formed(&section) {
        match outcome {
            ConnectOutcome::Reject(reason) => {
                assert!(FORM_REASONS.contains(&reason), "{reason} for {section:?}");
            }
            other => panic!("malformed section judged {other:?}: {section:?}"),
        }
        return;
    }
    same_authority_as_host_changes_nothing(&policy, &section, &outcome);
    if let ConnectOutcome::Reject(reason) = outcome {
        let missing_pseudo = reason == RejectReason::InvalidPseudoHeaders;
        assert!(
            !FORM_REASONS.contains(&reason) || missing_pseudo,
            "{reason} for a well-formed {section:?}"
        );
    }
    // RFC 8441 §4: without :protocol this is no extended CONNECT.
    let Some(protocol) = pseudo(&section, ":protocol") else {
        let expected = if policy.require_upgrade {
            ConnectOutcome::Reject(RejectReason::UpgradeRequired)
        } else {
            ConnectOutcome::Decline(http_upgrade::DeclineReason::NoUpgrade)
        };
        assert_eq!(outcome, expected);
        return;
    };
    // RFC 8441 §4, RFC 9113 §8.5: CONNECT with :scheme, :path and :authority.
    let (Some(b"CONNECT"), Some(_), Some(path), Some(authority)) = (
        pseudo(&section, ":method"),
        pseudo(&section, ":scheme"),
        pseudo(&section, ":path"),
        pseudo(&section, ":authority"),
    ) else {
        assert_eq!(
            outcome,
            ConnectOutcome::Reject(RejectReason::InvalidPseudoHeaders)
        );
        return;
    };
    // RFC 9113 §8.3.1: `:path` is absolute-path [ "?" query ], never another form, and
    // held to the request-target rule of both roles (RFC 3986 §2, RFC 9112 §3.2: visible
    // ASCII; no fragment, RFC 6455 §3).
    let target_ok = std::str::from_utf8(path).is_ok_and(crate::rfc::request_target_ok);
    if path.first() != Some(&b'/') || !target_ok {
        assert_eq!(outcome, ConnectOutcome::Reject(RejectReason::InvalidTarget));
        return;
    }
    // RFC 9110 §7.8: protocol = protocol-name ["/" protocol-version], both tokens.
    if !is_protocol(protocol) {
        assert_eq!(
            outcome,
            ConnectOutcome::Reject(RejectReason::MalformedUpgrade)
        );
        return;
    }
    // HTTP/2 inside the stream (the README's behaviour table; RFC 9113 §3.1 deprecates h2c):
    // refused whatever the policy lists.
    let name = protocol.split(|&b| b == b'/').next().unwrap_or_default();
    if name.eq_ignore_ascii_case(b"h2c") || name.eq_ignore_ascii_case(b"h2") {
        assert_eq!(
            outcome,
            ConnectOutcome::Reject(RejectReason::Http2OverConnect)
        );
        return;
    }
    // RFC 9110 §9.3.6: a CONNECT has no content, so a length field is never accepted.
    if section.iter().any(|(name, _)| name == "content-length") {
        assert!(
            !matches!(outcome, ConnectOutcome::Accept(_)),
            "accepted with content-length: {section:?}"
        );
    }
    let comparable = !section
        .iter()
        .any(|(name, _)| NOT_COMPARABLE.contains(&name.as_str()));
    if !comparable {
        return;
    }
    let request = as_http1(&section, protocol, path, authority);
    let mut headers = [EMPTY_HEADER; 80];
    let Status::Complete(handshake) = policy.handshake(&request, &mut headers) else {
        return;
    };
    match (outcome, handshake.outcome) {
        // Limits on the whole HTTP/1.1 head have no HTTP/2 counterpart here.
        (_, Outcome::Reject(RejectReason::HeadTooLarge | RejectReason::TooManyHeaders)) => {}
        (ConnectOutcome::Accept(h2), Outcome::Switch(h1)) => {
            let h1_websocket = h1.websocket.map(|w| (w.subprotocol, w.deflate, w.origin));
            let h2_websocket = h2.websocket.map(|w| (w.subprotocol, w.deflate, w.origin));
            assert_eq!(h2_websocket, h1_websocket, "{section:?}");
            assert_eq!(h2.protocol.text, h1.protocol.text);
        }
        (ConnectOutcome::Reject(h2), Outcome::Reject(h1)) => assert_eq!(h2, h1, "{section:?}"),
        (ConnectOutcome::Decline(h2), Outcome::Decline(h1)) => assert_eq!(h2, h1, "{section:?}"),
        (h2, h1) => panic!("HTTP/2 {h2:?} but HTTP/1.1 {h1:?} for {section:?}"),
    }
}

/// The response of ours: 200 exactly for an accept, the reason's status for a rejection
/// (with `sec-websocket-version: 13` only there), nothing for a decline.
fn check_response(policy: &ServerPolicy<'_>, outcome: &ConnectOutcome<'_>) {
    let mut buf = [0u8; 512];
    let response = policy
        .connect_response(outcome, &mut buf)
        .expect("512 bytes hold any extension answer");
    match outcome {
        ConnectOutcome::Accept(accepted) => {
            assert_eq!(response.status, 200);
            let websocket = accepted.websocket;
            for (name, _) in response.fields() {
                assert!(matches!(
                    *name,
                    "sec-websocket-protocol" | "sec-websocket-extensions"
                ));
            }
            let subprotocol = response
                .fields()
                .iter()
                .find(|(name, _)| *name == "sec-websocket-protocol")
                .map(|(_, value)| *value);
            assert_eq!(
                subprotocol,
                websocket.and_then(|w| w.subprotocol).map(str::as_bytes)
            );
            // The element written is the one `DeflateParams` displays, and RFC 7692's.
            let extensions = response
                .fields()
                .iter()
                .find(|(name, _)| *name == "sec-websocket-extensions")
                .map(|(_, value)| *value);
            let deflate = websocket.and_then(|w| w.deflate);
            let displayed = deflate.map(|params| {
                super::reported::deflate_element_follows_rfc_7692(&params).into_bytes()
            });
            assert_eq!(extensions, displayed.as_deref());
        }
        ConnectOutcome::Reject(reason) => {
            assert_eq!(response.status, reason.status());
            for (name, value) in response.fields() {
                assert_eq!((*name, *value), ("sec-websocket-version", &b"13"[..]));
                assert_eq!(reason.status(), 426);
            }
        }
        ConnectOutcome::Decline(_) => {
            assert_eq!(response.status, 0);
            assert!(response.fields().is_empty());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_text_form() {
        assert_eq!(
            field_section(b":path: /a:b\r\nx: y: z\n\n")[0],
            (":path".into(), b"/a:b".to_vec())
        );
        assert_eq!(field_section(b"x: y: z")[0], ("x".into(), b"y: z".to_vec()));
        assert_eq!(field_section(b"x: a\rb\r\n")[0].1, b"a\rb".to_vec());
        assert_eq!(
            field_section(b"novalue\n")[0],
            ("novalue".into(), Vec::new())
        );
    }

    #[test]
    fn the_form_reference_follows_rfc_9113() {
        let good = ":method: CONNECT\n:protocol: websocket\n:scheme: https\n:path: /chat\n:authority: h\nsec-websocket-version: 13\n";
        assert!(well_formed(&field_section(good.as_bytes())));
        for bad in [
            format!("{good}:status: 200\n"),
            format!("{good}Origin: x\n"),
            format!("{good}origin: x \n"),
            format!("{good}origin: a\x01b\n"),
            format!("{good}connection: upgrade\n"),
            format!("{good}te: gzip\n"),
            format!(":method: CONNECT\n{good}"),
            format!("x: y\n{good}"),
        ] {
            assert!(!well_formed(&field_section(bad.as_bytes())), "{bad:?}");
        }
        assert!(well_formed(&field_section(
            format!("{good}te: trailers\n").as_bytes()
        )));
    }
}
