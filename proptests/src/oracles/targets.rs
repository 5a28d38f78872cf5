//! The property checks behind each fuzz target.

use std::string::String;
use std::vec;
use std::vec::Vec;

use http_upgrade::__private::list::{Elements, FieldValues, ListElements};
use http_upgrade::__private::write::HeadWriter;
use http_upgrade::DeflatePolicy;
use http_upgrade::Expectation;
use http_upgrade::Extension;
use http_upgrade::Key;
use http_upgrade::SubprotocolOrder;
use http_upgrade::{parse_request, parse_response, Limits, Status, EMPTY_HEADER};
use http_upgrade::{Outcome, ServerPolicy};

use crate::rfc as reference;

/// Statuses a rejection may carry (documented on `RejectReason`).
pub const REJECT_STATUSES: [u16; 8] = [400, 403, 417, 421, 426, 431, 501, 505];

/// The reason phrase RFC 9110 §15 registers for each status a server here writes (RFC 6585
/// §5 for 431). RFC 9112 §4 lets a server send none, but this crate promises the registered
/// one, so a status line with another phrase, or none, is a broken promise.
fn registered_reason_phrase(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        400 => "Bad Request",
        403 => "Forbidden",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        426 => "Upgrade Required",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        505 => "HTTP Version Not Supported",
        other => panic!("a response with status {other}"),
    }
}

/// Prefix lengths to re-check for a head of `len` bytes: every one for short heads,
/// else a spread that always includes the last few.
fn prefixes(len: usize) -> Vec<usize> {
    if len <= 256 {
        return (0..len).collect();
    }
    let mut ends: Vec<usize> = (0..64).map(|i| i * len / 64).collect();
    ends.extend(len - 4..len);
    ends
}

/// `request_head`: any bytes → request and response head parse. `consumed <= len`; the
/// head re-parsed alone gives the same head; no proper prefix of it is `Complete`.
pub fn request_head(data: &[u8]) {
    let limits = Limits::DEFAULT;
    let mut headers = [EMPTY_HEADER; 32];
    match parse_request(data, &mut headers, &limits) {
        Ok(Status::Complete(head)) => {
            assert!(head.consumed <= data.len() && head.consumed <= limits.max_head_bytes);
            let mut again = [EMPTY_HEADER; 32];
            let alone = parse_request(&data[..head.consumed], &mut again, &limits)
                .expect("the head alone parses")
                .complete()
                .expect("the head alone is complete");
            assert_eq!(
                (
                    alone.method,
                    alone.target,
                    alone.minor_version,
                    alone.consumed
                ),
                (head.method, head.target, head.minor_version, head.consumed)
            );
            assert_eq!(alone.fields.as_slice().len(), head.fields.as_slice().len());
            // RFC 9112 §2.2: a head ends at its empty line; every proper prefix of one within
            // the limit is "read more", never a verdict (and never a 431 below the limit).
            for end in prefixes(head.consumed) {
                let mut scratch = [EMPTY_HEADER; 32];
                let prefix = parse_request(&data[..end], &mut scratch, &limits);
                assert!(
                    matches!(prefix, Ok(Status::Partial)),
                    "prefix {end} of a complete head: {prefix:?}"
                );
            }
        }
        Ok(Status::Partial) => assert!(data.len() < limits.max_head_bytes),
        Err(reason) => assert!(REJECT_STATUSES.contains(&reason.status())),
    }
    let mut headers = [EMPTY_HEADER; 32];
    other_versions_are_505(data, parse_request(data, &mut headers, &limits).err());
    let mut headers = [EMPTY_HEADER; 32];
    if let Ok(Status::Complete(head)) = parse_response(data, &mut headers, &limits) {
        assert!(head.consumed <= data.len());
        for end in prefixes(head.consumed) {
            let mut scratch = [EMPTY_HEADER; 32];
            let prefix = parse_response(&data[..end], &mut scratch, &limits);
            assert!(
                matches!(prefix, Ok(Status::Partial)),
                "prefix {end} of a complete head: {prefix:?}"
            );
        }
    }
}

const SUBPROTOCOL_SETS: [&[&str]; 4] =
    [&[], &["chat"], &["superchat", "chat"], &["a", "b", "chat"]];
const PROTOCOL_SETS: [&[&str]; 3] = [
    &["websocket"],
    &["websocket", "h2c"],
    &["example/1", "websocket", "foo"],
];
/// Protocol lists that take no bare `websocket` offer (RFC 9110 §7.8: the server switches
/// only to a protocol it lists; an entry with a version takes only that version). Every
/// policy of [`policy_from`] lists `websocket`, so the one pass is also run with these.
const WITHOUT_WEBSOCKET: [&[&str]; 2] = [&["h2c"], &["websocket/13", "foo"]];

/// Allow-lists the origin rule of [`policy_from`] may pick.
const ORIGIN_LISTS: [&[&str]; 2] = [&["http://example.com", "null"], &["https://a.test:8443"]];

/// A server policy chosen by one byte: protocols, subprotocols, order, deflate,
/// require-upgrade, origin rule, bodies and hosts (the later ones reuse bits, which the fuzzer
/// explores in every combination anyway).
pub fn policy_from(selector: u8) -> ServerPolicy<'static> {
    ServerPolicy {
        protocols: PROTOCOL_SETS[usize::from(selector % 3)],
        subprotocols: SUBPROTOCOL_SETS[usize::from((selector >> 2) % 4)],
        subprotocol_order: if selector & 0x10 != 0 {
            SubprotocolOrder::Server
        } else {
            SubprotocolOrder::Client
        },
        deflate: (selector & 0x20 != 0).then(|| DeflatePolicy {
            server_max_window_bits: (selector & 0x80 != 0).then_some(10),
            client_max_window_bits: (selector & 0x80 != 0).then_some(11),
            ..DeflatePolicy::default()
        }),
        require_upgrade: selector & 0x40 != 0,
        origins: match (selector >> 3) % 4 {
            0 | 1 => http_upgrade::OriginPolicy::Any,
            2 => http_upgrade::OriginPolicy::AllowList(ORIGIN_LISTS[usize::from(selector & 1)]),
            _ => http_upgrade::OriginPolicy::SameHost,
        },
        require_origin: selector & 0x48 == 0x48,
        allow_body: selector & 0x80 != 0,
        hosts: match selector % 7 {
            6 => http_upgrade::HostPolicy::AllowList(
                crate::model::HOST_LISTS[usize::from(selector >> 6)],
            ),
            _ => http_upgrade::HostPolicy::Any,
        },
        limits: Limits::DEFAULT,
    }
}

/// The combined values of a list header, joined as one field value would carry them.
fn joined(fields: ListElements<'_, '_>) -> String {
    let parts: Vec<String> = fields
        .filter_map(Result::ok)
        .map(|e| String::from_utf8_lossy(e).into_owned())
        .collect();
    parts.join(", ")
}

/// The fields of a rejection's response, from the RFCs: a 426 names the protocols the
/// server requires in Upgrade (RFC 9110 §15.5.22 MUST), and a sender of Upgrade also sends
/// the `upgrade` Connection option (RFC 9110 §7.8 MUST); a WebSocket version problem names
/// the version understood, `Sec-WebSocket-Version: 13` (RFC 6455 §4.2.2), and its Upgrade is
/// `websocket`; the connection closes after a rejection and the body is empty (README:
/// "answer with the reason's error status and close").
fn rejection_fields_follow_the_rfc(
    policy: &ServerPolicy<'_>,
    reason: http_upgrade::RejectReason,
    headers: &[httparse::Header<'_>],
) {
    let field = |name: &str| -> Option<&[u8]> {
        headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value)
    };
    let elements = |value: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(value)
            .split(',')
            .map(|e| e.trim().to_ascii_lowercase())
            .filter(|e| !e.is_empty())
            .collect()
    };
    let connection = elements(field("connection").unwrap_or_default());
    assert!(
        connection.iter().any(|o| o == "close"),
        "{reason}: Connection {connection:?}"
    );
    assert_eq!(field("content-length"), Some(&b"0"[..]), "{reason}");
    let version_problem = matches!(
        reason.name(),
        "missing_version" | "duplicate_version" | "unsupported_version"
    );
    assert_eq!(
        field("sec-websocket-version"),
        version_problem.then_some(&b"13"[..]),
        "{reason}"
    );
    if reason.status() == 426 {
        let upgrade = field("upgrade").unwrap_or_else(|| panic!("{reason}: a 426 without Upgrade"));
        let offered = String::from_utf8_lossy(upgrade).into_owned();
        let want: Vec<String> = if version_problem {
            vec!["websocket".into()]
        } else {
            policy
                .protocols
                .iter()
                .map(|p| p.to_ascii_lowercase())
                .collect()
        };
        assert_eq!(elements(upgrade), want, "{reason}: Upgrade {offered:?}");
        assert!(
            offered.split(',').all(|e| !e.trim().is_empty()),
            "{reason}: an empty element in Upgrade {offered:?}"
        );
        assert!(
            connection.iter().any(|o| o == "upgrade"),
            "{reason}: Connection {connection:?}"
        );
    } else {
        assert_eq!(field("upgrade"), None, "{reason}");
    }
}

/// A request line `token SP target SP HTTP/d.d CRLF` of a version other than 1.0 and 1.1 is
/// a 505 (RFC 9110 §15.6.6; the README's behaviour table: httparse reads only 1.0 and 1.1),
/// never a 400 for a malformed head.
fn other_versions_are_505(request: &[u8], rejected: Option<http_upgrade::RejectReason>) {
    let Some(end) = request.windows(2).position(|w| w == b"\r\n") else {
        return;
    };
    // Well within the head limit, so no bound decides first.
    if end > 1024 {
        return;
    }
    let line = &request[..end];
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return;
    };
    let well_formed = crate::rfc::is_token(method)
        && !target.is_empty()
        && target.iter().all(|b| (0x21..=0x7e).contains(b))
        && matches!(version, [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit());
    if well_formed && version != b"HTTP/1.0" && version != b"HTTP/1.1" {
        assert_eq!(
            rejected.map(|r| r.name()),
            Some("unsupported_http_version"),
            "{:?}",
            String::from_utf8_lossy(line)
        );
    }
}

/// An h2c switch decodes HTTP2-Settings as the RFC reference does (`http2_settings.rs`:
/// RFC 7540 §3.2.1 base64url, RFC 9113 §6.5 parameters and ranges), and a value the reference
/// refuses is never switched on: a wrong decode or range check is caught on any h2c input,
/// not only on the values the properties generate.
fn h2c_settings_match_the_rfc(request: &[u8], outcome: &Outcome<'_>) {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut headers);
    if !matches!(parsed.parse(request), Ok(httparse::Status::Complete(_))) {
        return;
    }
    let values: Vec<&[u8]> = parsed
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("http2-settings"))
        .map(|h| h.value)
        .collect();
    match outcome {
        Outcome::Switch(accepted) => {
            if let Some(settings) = accepted.h2c {
                let [value] = values[..] else {
                    panic!("an h2c switch without exactly one HTTP2-Settings: {values:?}");
                };
                let text = std::str::from_utf8(value).expect("a switched value is ASCII");
                let want = crate::http2_settings::parameters(text.trim_matches([' ', '\t']));
                assert_eq!(
                    Some(settings.iter().collect::<Vec<_>>()),
                    want,
                    "HTTP2-Settings {text:?}"
                );
            }
        }
        Outcome::Reject(reason) if reason.name() == "invalid_http2_settings" => {
            if let [value] = values[..] {
                if let Ok(text) = std::str::from_utf8(value) {
                    assert_eq!(
                        crate::http2_settings::parameters(text.trim_matches([' ', '\t'])),
                        None,
                        "refused a valid HTTP2-Settings {text:?}"
                    );
                }
            }
        }
        _ => {}
    }
}

/// `server_negotiate`: policy byte + request bytes → outcome. A switch's response parses and
/// satisfies the crate's client for the request's key and offers; rejections carry a
/// documented status; `consumed` is exact; negotiating twice agrees.
pub fn server_negotiate(data: &[u8]) {
    let Some((&selector, request)) = data.split_first() else {
        return;
    };
    let policy = policy_from(selector);
    crate::oracles::one_pass::agrees(&policy, request);
    for protocols in WITHOUT_WEBSOCKET {
        let declining = ServerPolicy {
            protocols,
            ..policy
        };
        assert!(
            crate::oracles::one_pass::agrees(&declining, request).is_none(),
            "the one pass switched to websocket for a policy of {protocols:?}"
        );
    }
    let mut headers = [EMPTY_HEADER; 32];
    let Status::Complete(handshake) = policy.handshake(request, &mut headers) else {
        assert!(request.len() < policy.limits.max_head_bytes);
        return;
    };
    let mut again = [EMPTY_HEADER; 32];
    assert_eq!(
        policy.handshake(request, &mut again),
        Status::Complete(handshake)
    );
    h2c_settings_match_the_rfc(request, &handshake.outcome);
    crate::oracles::whole_request::follows_the_whole_request_rules(
        &policy,
        request,
        &handshake.outcome,
    );
    other_versions_are_505(
        request,
        match handshake.outcome {
            Outcome::Reject(reason) => Some(reason),
            _ => None,
        },
    );
    if let Some(consumed) = handshake.consumed {
        let mut alone = [EMPTY_HEADER; 32];
        assert_eq!(
            policy.handshake(&request[..consumed], &mut alone),
            Status::Complete(handshake)
        );
    }
    let mut buf = [0u8; 2048];
    let len = policy
        .write_response(&handshake.outcome, &mut buf)
        .expect("responses fit 2 KiB");
    let response = &buf[..len];
    super::reported::status_is_the_written_status(&handshake.outcome, response);
    if len > 0 {
        let mut small = vec![0u8; len - 1];
        let too_small = policy
            .write_response(&handshake.outcome, &mut small)
            .unwrap_err();
        assert_eq!(too_small.needed, len);
        assert!(std::format!("{too_small}").contains(&std::format!("{len}")));
    }
    match handshake.outcome {
        Outcome::Reject(reason) => check_name(reason.name(), &std::format!("{reason}")),
        Outcome::Decline(reason) => check_name(reason.name(), &std::format!("{reason}")),
        Outcome::Switch(_) => {}
    }
    match handshake.outcome {
        Outcome::Decline(_) => assert_eq!(len, 0),
        Outcome::Reject(reason) => {
            assert!(REJECT_STATUSES.contains(&reason.status()));
            let mut parsed = [EMPTY_HEADER; 8];
            let mut http = httparse::Response::new(&mut parsed);
            assert_eq!(http.parse(response), Ok(httparse::Status::Complete(len)));
            assert_eq!(http.code, Some(reason.status()));
            assert_eq!(http.reason, Some(registered_reason_phrase(reason.status())));
            rejection_fields_follow_the_rfc(&policy, reason, http.headers);
        }
        Outcome::Switch(accepted) => {
            // RFC 9110 §7.8: 100 before 101 exactly when the request expected it.
            let continue_len = crate::observe::CONTINUE.len();
            let expected_100 = response.starts_with(crate::observe::CONTINUE);
            assert_eq!(expected_100, accepted.expect_continue);
            assert_eq!(
                expected_100,
                expects_continue(request),
                "100 Continue written, yet the request's Expect says otherwise"
            );
            let switch = if expected_100 {
                &response[continue_len..]
            } else {
                response
            };
            // The two heads written one at a time are the two parts of the whole response.
            let mut part = [0u8; 2048];
            let interim = accepted.write_interim(&mut part).expect("a 100 fits");
            assert_eq!(&part[..interim], &response[..response.len() - switch.len()]);
            let alone = accepted.write_switch(&mut part).expect("a 101 fits");
            assert_eq!(&part[..alone], switch);
            let mut parsed = [EMPTY_HEADER; 8];
            let mut http = httparse::Response::new(&mut parsed);
            assert_eq!(
                http.parse(switch),
                Ok(httparse::Status::Complete(switch.len()))
            );
            assert_eq!(http.code, Some(101));
            assert_eq!(http.reason, Some(registered_reason_phrase(101)));
            // A body only where the policy allows one, never on a WebSocket (RFC 6455 §4.2.1).
            if accepted.body.is_present() {
                assert!(policy.allow_body && accepted.websocket.is_none());
            }
            let Some(websocket) = accepted.websocket else {
                return;
            };
            let mut request_headers = [EMPTY_HEADER; 32];
            let head = parse_request(request, &mut request_headers, &policy.limits)
                .unwrap()
                .complete()
                .unwrap();
            // RFC 6455 §4.2.1: what a server must find in the request before it switches to
            // WebSocket, read here from the raw fields.
            let named = |name: &str| -> Vec<&[u8]> {
                head.fields
                    .as_slice()
                    .iter()
                    .filter(|h| h.name.eq_ignore_ascii_case(name))
                    .map(|h| h.value.trim_ascii())
                    .collect()
            };
            assert_eq!(head.method, "GET", "item 1: a GET");
            assert!(head.minor_version >= 1, "item 1: HTTP/1.1 or higher");
            assert_eq!(named("host").len(), 1, "item 2: one Host");
            let key = named("sec-websocket-key");
            assert!(
                key.len() == 1 && crate::rfc::is_websocket_key(key[0]),
                "item 5: one key of 16 base64 bytes: {key:?}"
            );
            assert_eq!(
                named("sec-websocket-version"),
                [b"13"],
                "item 6: version 13"
            );
            let list = |name| ListElements::new(FieldValues::new(head.fields.as_slice(), name));
            let offered: Vec<String> = list("sec-websocket-protocol")
                .filter_map(Result::ok)
                .map(|e| String::from_utf8_lossy(e).into_owned())
                .collect();
            let offered: Vec<&str> = offered.iter().map(String::as_str).collect();
            let offers = list("sec-websocket-extensions")
                .filter_map(Result::ok)
                .count();
            let extensions = joined(list("sec-websocket-extensions"));
            let parsed = match offers {
                0 => Some(http_upgrade::ExtensionOffers::NONE),
                _ => http_upgrade::ExtensionOffers::parse(extensions.as_bytes()),
            };
            // The client keeps at most MAX_OFFERED_EXTENSIONS offers, a bound the server's
            // list limit does not share; a longer offer is one the client refuses to make.
            if offers > http_upgrade::MAX_OFFERED_EXTENSIONS {
                assert_eq!(parsed, None, "{offers} offers: {extensions:?}");
                return;
            }
            let key_text = std::str::from_utf8(http_upgrade::__private::list::trim_ows(
                FieldValues::new(head.fields.as_slice(), "sec-websocket-key")
                    .next()
                    .unwrap(),
            ))
            .unwrap();
            assert_eq!(websocket.accept.as_str(), reference::accept(key_text));
            let expectation = Expectation {
                key: websocket.key,
                subprotocols: &offered,
                extensions: parsed.unwrap_or_else(|| {
                    panic!("the offer of a request our server switched: {extensions:?}")
                }),
                limits: Limits::DEFAULT,
            };
            let established = super::client_one_pass::agrees(&expectation, response)
                .unwrap_or_else(|e| panic!("our client refuses our 101: {e}"))
                .complete()
                .unwrap();
            assert_eq!(established.subprotocol, websocket.subprotocol);
            assert_eq!(established.deflate, websocket.deflate);
            assert_eq!(established.consumed, len);
            if let Some(params) = &websocket.deflate {
                super::reported::deflate_element_follows_rfc_7692(params);
                super::deflate_offers::accepted_from_an_allowed_offer(extensions.as_bytes());
            }
        }
    }
}

/// A reason's name is stable snake_case, and its Display starts with it.
fn check_name(name: &str, display: &str) {
    assert!(
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    );
    assert!(display.starts_with(name), "{display} / {name}");
}

const OFFER_SETS: [&[&str]; 4] = [&[], &["chat"], &["chat", "superchat"], &["superchat"]];
const EXTENSION_OFFERS: [Option<&[u8]>; 4] = [
    None,
    Some(b"permessage-deflate; client_max_window_bits"),
    Some(b"permessage-deflate; server_max_window_bits=10; server_no_context_takeover, permessage-deflate"),
    Some(b"x-foo, permessage-deflate; client_max_window_bits=12"),
];

/// `client_validate`: selector byte + 16 nonce bytes + response bytes. `established` implies
/// the one Accept field equals an independently computed SHA-1/base64 of the key, the
/// subprotocol was offered, and `consumed` is within the input.
pub fn client_validate(data: &[u8]) {
    if data.len() < 17 {
        return;
    }
    let selector = data[0];
    let nonce: [u8; 16] = data[1..17].try_into().unwrap();
    let response = &data[17..];
    let key = Key::from_nonce(&nonce);
    let subprotocols = OFFER_SETS[usize::from(selector % 4)];
    let offer = EXTENSION_OFFERS[usize::from((selector >> 2) % 4)];
    let expectation =
        Expectation::for_key(key.as_bytes(), subprotocols, offer).expect("a valid key and offer");
    client_request_round_trip(selector, &nonce, subprotocols, offer);
    let established = match super::client_one_pass::agrees(&expectation, response) {
        Ok(Status::Complete(established)) => established,
        Ok(Status::Partial) => return,
        Err(error) => {
            check_name(error.name(), &std::format!("{error}"));
            if let http_upgrade::ClientError::NotSwitching { status } = error {
                assert_eq!(error.status(), Some(status));
                assert_ne!(status, 101);
            }
            return;
        }
    };
    assert!(established.consumed <= response.len());
    // Independently: skip 1xx interim heads (RFC 9110 §15.2), then the 101 ends exactly
    // where the client said; obs-folds (RFC 9112 §5.2) unfold to SP before comparing.
    let mut offset = 0;
    let mut raw = [EMPTY_HEADER; 32];
    let (code, accepts) = loop {
        let mut http = httparse::Response::new(&mut raw);
        let parsed = httparse::ParserConfig::default()
            .allow_obsolete_multiline_headers_in_responses(true)
            .parse_response(&mut http, &response[offset..]);
        let Ok(httparse::Status::Complete(len)) = parsed else {
            panic!("established on a head httparse refuses: {parsed:?}");
        };
        let code = http.code.unwrap();
        if (100..200).contains(&code) && code != 101 {
            offset += len;
            continue;
        }
        assert_eq!(offset + len, established.consumed);
        let accepts: Vec<Vec<u8>> = http
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("sec-websocket-accept"))
            .map(|h| {
                let unfolded: Vec<u8> = h
                    .value
                    .iter()
                    .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b })
                    .collect();
                String::from_utf8_lossy(&unfolded)
                    .trim_matches([' ', '\t'])
                    .as_bytes()
                    .to_vec()
            })
            .collect();
        break (code, accepts);
    };
    assert_eq!(code, 101);
    assert_eq!(accepts.len(), 1);
    let expected = reference::accept(&reference::base64(&nonce));
    assert_eq!(accepts[0], expected.as_bytes());
    if let Some(subprotocol) = established.subprotocol {
        assert!(subprotocols.contains(&subprotocol));
    }
    if established.deflate.is_some() {
        assert!(offer.is_some());
    }
}

/// The crate's client request for these offers is a request our own server switches,
/// with the Accept the client will expect.
fn client_request_round_trip(
    selector: u8,
    nonce: &[u8; 16],
    subprotocols: &[&str],
    extensions: Option<&[u8]>,
) {
    let extensions = extensions.map(|e| std::str::from_utf8(e).unwrap());
    let request = http_upgrade::ClientRequest {
        host: "example.com:8080",
        target: "/chat?room=1",
        nonce: *nonce,
        origin: (selector & 0x80 != 0).then_some("http://example.com"),
        subprotocols,
        extensions,
    };
    let checked = request.check().expect("valid parts");
    let mut buf = [0u8; 1024];
    let len = request.write(&mut buf).expect("a request fits 1 KiB");
    let mut again = [0u8; 1024];
    assert_eq!(checked.write(&mut again), Ok(len));
    assert_eq!(again[..len], buf[..len]);
    let policy = ServerPolicy {
        subprotocols: &["chat"],
        deflate: Some(DeflatePolicy::default()),
        ..ServerPolicy::websocket()
    };
    let mut headers = [EMPTY_HEADER; 32];
    let Status::Complete(handshake) = policy.handshake(&buf[..len], &mut headers) else {
        panic!("partial")
    };
    assert_eq!(handshake.consumed, Some(len));
    let Outcome::Switch(accepted) = handshake.outcome else {
        panic!("{:?}", handshake.outcome)
    };
    let websocket = accepted.websocket.unwrap();
    assert_eq!(websocket.key, request.key());
    assert_eq!(websocket.origin.is_some(), selector & 0x80 != 0);
    let mut response = [0u8; 1024];
    let response_len = accepted.write_response(&mut response).unwrap();
    let established =
        super::client_one_pass::agrees(&checked.expectation(), &response[..response_len])
            .unwrap()
            .complete()
            .unwrap();
    assert_eq!(established.subprotocol, websocket.subprotocol);
}

/// Renders parsed extension offers canonically, `, `-separated.
fn render(offers: &[Extension<'_>]) -> Vec<u8> {
    let mut buf = vec![0u8; 4096];
    let mut out = HeadWriter::new(&mut buf);
    for (index, offer) in offers.iter().enumerate() {
        if index > 0 {
            out.put(b", ");
        }
        out.put(offer.to_string().as_bytes());
    }
    let len = out.finish().expect("render fits");
    buf.truncate(len);
    buf
}

/// Whether two offers have the same name and the same parameters with the same values,
/// however the values were quoted (RFC 9110 §5.6.4: a quoted-string and the token it
/// unquotes to are the same value).
fn same_extension(a: &Extension<'_>, b: &Extension<'_>) -> bool {
    use http_upgrade::__private::extension_params as params;
    let value = |p: &http_upgrade::__private::list::Param<'_>| {
        p.value.map(|v| v.bytes().collect::<Vec<u8>>())
    };
    a.name == b.name
        && params(a).count() == params(b).count()
        && params(a)
            .zip(params(b))
            .all(|(x, y)| x.name == y.name && value(&x) == value(&y))
}

/// Whether the request expects `100-continue`: an element of its Expect fields, read with
/// httparse, empty list elements ignored (RFC 9110 §10.1.1, §5.6.1.2: an empty Expect
/// expects nothing; the crate switches only when every element is `100-continue`).
fn expects_continue(request: &[u8]) -> bool {
    let mut headers = [EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut headers);
    parsed.parse(request).is_ok()
        && crate::rfc::field_values(parsed.headers, "expect")
            .iter()
            .flat_map(|v| v.split(|&b| b == b','))
            .any(|e| e.trim_ascii().eq_ignore_ascii_case(b"100-continue"))
}

/// An offer the crate read, in the reference's terms (values unescaped).
fn as_reference(offer: &Extension<'_>) -> crate::rfc::ExtensionOffer {
    crate::rfc::ExtensionOffer {
        name: offer.name.as_bytes().to_vec(),
        params: http_upgrade::__private::extension_params(offer)
            .map(|p| (p.name.to_vec(), p.value.map(|v| v.bytes().collect())))
            .collect(),
    }
}

fn parse_offers(value: &[u8]) -> Option<Vec<Extension<'_>>> {
    Elements::new(value)
        .map(|element| {
            element
                .ok()
                .and_then(http_upgrade::__private::parse_extension)
        })
        .collect()
}

/// `extensions`: a header value → offers, exactly the offers RFC 6455 §9.1's grammar reads
/// (names, parameters, values unescaped; a list the grammar refuses is refused); rendering
/// them and parsing again gives the same offers, and the rendering is a fixed point.
pub fn extensions(data: &[u8]) {
    if data.len() > 1024 {
        return;
    }
    // Only a field value reaches the crate (RFC 9110 §5.5: HTAB, SP, VCHAR, obs-text).
    let field_value = data
        .iter()
        .all(|&b| b == b'\t' || b == b' ' || (0x21..=0x7e).contains(&b) || b >= 0x80);
    let reference = field_value.then(|| crate::rfc::extension_offers(data));
    let Some(offers) = parse_offers(data) else {
        assert!(
            reference.as_ref().is_none_or(Option::is_none),
            "RFC 6455 §9.1 reads {reference:?}, the crate refuses the list"
        );
        return;
    };
    if let Some(reference) = reference {
        let read: Vec<crate::rfc::ExtensionOffer> = offers.iter().map(as_reference).collect();
        assert_eq!(
            read,
            reference.unwrap_or_default(),
            "the crate's reading of the list is not RFC 6455 §9.1's"
        );
    }
    let rendered = render(&offers);
    let again = parse_offers(&rendered).expect("a rendering parses");
    assert_eq!(offers.len(), again.len());
    for (a, b) in offers.iter().zip(&again) {
        assert!(same_extension(a, b), "{a:?} != {b:?}");
    }
    assert_eq!(render(&again), rendered);
}

/// `header_lists`: a value → list elements; inserting empty elements and OWS, or splitting
/// the list across repeated fields, changes nothing, for every list header the crate reads.
pub fn header_lists(data: &[u8]) {
    let Some((&shape, value)) = data.split_first() else {
        return;
    };
    if value.contains(&b'\r') || value.contains(&b'\n') || value.len() > 1024 {
        return;
    }
    let elements: Result<Vec<&[u8]>, _> = Elements::new(value).collect();
    let Ok(elements) = elements else { return };
    let ows: &[u8] = [&b""[..], b" ", b"\t", b" \t "][usize::from(shape % 4)];
    let mut padded = Vec::new();
    padded.extend_from_slice(b",");
    for element in &elements {
        padded.extend_from_slice(ows);
        padded.extend_from_slice(element);
        padded.extend_from_slice(ows);
        padded.extend_from_slice(if shape & 4 != 0 { b",," } else { b"," });
    }
    let again: Vec<&[u8]> = Elements::new(&padded)
        .collect::<Result<_, _>>()
        .expect("padded parses");
    assert_eq!(again, elements);

    let split = usize::from(shape >> 3) % (elements.len() + 1);
    let first = elements[..split].join(&b", "[..]);
    let second = elements[split..].join(&b","[..]);
    let fields = [
        httparse::Header {
            name: "Connection",
            value: &first,
        },
        httparse::Header {
            name: "X-Noise",
            value: b"upgrade",
        },
        httparse::Header {
            name: "connection",
            value: &second,
        },
    ];
    let combined: Vec<&[u8]> = ListElements::new(FieldValues::new(&fields, "connection"))
        .collect::<Result<_, _>>()
        .expect("split parses");
    assert_eq!(combined, elements);
    let whole = [httparse::Header {
        name: "Connection",
        value,
    }];
    let max = usize::MAX;
    let split_verdict =
        ListElements::new(FieldValues::new(&fields, "connection")).contains_token("upgrade", max);
    assert_eq!(
        split_verdict,
        ListElements::new(FieldValues::new(&whole, "connection")).contains_token("upgrade", max),
    );
    // RFC 9110 §7.6.1: the options are tokens, compared case-insensitively; the list holds
    // `upgrade` when any element is it.
    if elements.iter().all(|e| crate::rfc::is_token(e)) {
        let holds = elements.iter().any(|e| e.eq_ignore_ascii_case(b"upgrade"));
        assert_eq!(split_verdict, Ok(holds), "{elements:?}");
    }
}

/// `accept_key`: 16 bytes → key → accept, equal to the independent reference; the key text
/// parses back to the same key.
pub fn accept_key(data: &[u8]) {
    // Any text, of any length (24 bytes take sha1's block function directly, others the
    // Digest interface): base64(SHA-1(text ‖ GUID)) by the independent reference.
    let text = data.get(..data.len().min(80)).unwrap_or_default();
    let mut message = text.to_vec();
    message.extend_from_slice(http_upgrade::__private::websocket::key::GUID);
    assert_eq!(
        http_upgrade::__private::accept_for_key_text(text).as_str(),
        crate::rfc::base64(&crate::rfc::sha1(&message))
    );
    let Ok(nonce) = <[u8; 16]>::try_from(data.get(..16).unwrap_or_default()) else {
        return;
    };
    let key = Key::from_nonce(&nonce);
    assert_eq!(key.as_str(), reference::base64(&nonce));
    assert_eq!(key.accept().as_str(), reference::accept(key.as_str()));
    assert_eq!(Key::parse(key.as_str().as_bytes()), Some(key));
    assert!(std::format!("{key:?}").contains(key.as_str()));
    assert!(std::format!("{:?}", key.accept()).contains(key.accept().as_str()));
}
