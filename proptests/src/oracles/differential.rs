//! `diff_tungstenite`: the same request head through tungstenite's server handshake and ours.
//! Every disagreement must fall in a class written down in `fuzz/DIVERGENCES.md`.

use std::io::{self, Read, Write};
use std::string::String;
use std::vec::Vec;

use http_upgrade::__private::list::{is_token, split_parameterised, trim_ows, Elements};
use http_upgrade::{parse_request, Header, Limits, Status, EMPTY_HEADER};
use http_upgrade::{Outcome, ServerPolicy};

/// An in-memory socket: reads the input, then blocks; keeps what is written.
struct Memory {
    input: io::Cursor<Vec<u8>>,
    output: Vec<u8>,
}

impl Read for Memory {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.input.read(buf)? {
            0 => Err(io::ErrorKind::WouldBlock.into()),
            n => Ok(n),
        }
    }
}

impl Write for Memory {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.output.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// tungstenite's verdict on a complete head: the Accept it sent, or `None` if it refused.
pub fn tungstenite_accept(head: &[u8]) -> Option<Vec<u8>> {
    let memory = Memory {
        input: io::Cursor::new(head.to_vec()),
        output: Vec::new(),
    };
    let socket = tungstenite::accept(memory).ok()?;
    let output = &socket.get_ref().output;
    let mut headers = [EMPTY_HEADER; 16];
    let mut response = httparse::Response::new(&mut headers);
    assert!(matches!(
        response.parse(output),
        Ok(httparse::Status::Complete(_))
    ));
    assert_eq!(response.code, Some(101));
    let accept = response
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("sec-websocket-accept"));
    Some(
        accept
            .expect("tungstenite's 101 carries an Accept")
            .value
            .to_vec(),
    )
}

/// A documented class of disagreement (see `fuzz/DIVERGENCES.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Divergence {
    /// We reject: Host missing or repeated (RFC 9112 §3.2). tungstenite ignores Host.
    HostNotExactlyOne,
    /// We reject a repeated Sec-WebSocket-Key, Sec-WebSocket-Version or Origin (RFC 6455
    /// §11.3.1, §11.3.5; RFC 6454 §7.3); tungstenite reads the first.
    RepeatedSingleton,
    /// We combine Connection or Upgrade fields (RFC 9110 §5.3); tungstenite reads the first.
    ListAcrossFields,
    /// We take `websocket` from a list of offers (RFC 9110 §7.8); tungstenite wants the
    /// whole field to be `websocket`.
    UpgradeAmongOffers,
    /// We reject a list header that breaks its grammar (RFC 9110 §5.6.1, RFC 6455 §4.1, §9.1),
    /// or one over the element limit; tungstenite ignores those headers or splits on spaces.
    MalformedList,
    /// We reject a head over our size or field limits (RFC 6585 §5).
    OverLimits,
    /// tungstenite's `http` crate refuses a field name or value httparse accepted.
    HttpCrateRefusesField,
    /// tungstenite's `http::Uri` refuses a request target we take as origin-form or
    /// absolute-form (RFC 9112 §3.2; we check the form, not every URI character).
    UriParserRefusesTarget,
    /// We refuse a target in neither origin-form nor absolute-form (RFC 9112 §3.2);
    /// tungstenite's `http::Uri` takes e.g. `chat` as a path or authority.
    TargetForm,
    /// We refuse a key that is not the one canonical base64 form of 16 bytes (RFC 4648
    /// §3.3, §3.5); tungstenite's decoder takes padding mid-string, e.g. `...WYQ=hvY=`.
    NonCanonicalKey,
    /// tungstenite compares Sec-WebSocket-Version byte-exactly after httparse's trimming;
    /// our OWS trimming then reads `13`.
    VersionWhitespace,
    /// We reject a Host value that is not `uri-host [ ":" port ]` (RFC 9112 §3.2,
    /// RFC 3986 §3.2.2); tungstenite ignores Host.
    InvalidHostValue,
    /// We reject an absolute-form target without a valid authority (RFC 9112 §3.2.2,
    /// RFC 9110 §4.2.1, §4.2.4); tungstenite takes any `http::Uri`.
    AbsoluteTargetAuthority,
    /// We judge Content-Length and Transfer-Encoding and refuse a body on a WebSocket
    /// handshake (RFC 9112 §6, RFC 6455 §4.2.1); tungstenite ignores both fields.
    RequestFraming,
    /// We refuse an expectation other than 100-continue (RFC 9110 §10.1.1); tungstenite
    /// ignores Expect.
    Expectation,
    /// We refuse a request-target with a fragment (`#`) or a byte outside visible ASCII
    /// (RFC 9112 §3.2 takes its forms from RFC 3986, none of which carries a fragment;
    /// RFC 6455 §3: fragment identifiers "MUST NOT be used"); tungstenite's `http::Uri`
    /// takes `/#hat`.
    TargetCharacters,
}

/// An approximation of `uri-host [ ":" port ]` written apart from the product: reg-name
/// characters (no comma) with well-formed percent escapes, or a bracketed address that
/// std's own IPv6 parser takes (or an IPvFuture), then a port of 1-5 digits up to 65535.
pub(crate) fn host_value_ok(value: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(value) else {
        return false;
    };
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else {
            return false;
        };
        let future = inside.starts_with(['v', 'V']);
        if !future && inside.parse::<std::net::Ipv6Addr>().is_err() {
            return false;
        }
        if inside.contains('%') {
            return false;
        }
        match after {
            "" => return true,
            _ => match after.strip_prefix(':') {
                Some(port) => ("ip-literal", Some(port)),
                // Anything but `:port` after the bracket is not a Host.
                None => return false,
            },
        }
    } else {
        match text.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        }
    };
    let reg_name = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%!$&'()*+;=".contains(&b))
        && host.split('%').skip(1).all(|escape| {
            escape.len() >= 2 && escape.bytes().take(2).all(|b| b.is_ascii_hexdigit())
        });
    let port_ok = port.is_none_or(|port| {
        !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| p <= 65535)
    });
    reg_name && port_ok
}

fn count(headers: &[Header<'_>], name: &str) -> usize {
    headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case(name))
        .count()
}

fn first<'b>(headers: &[Header<'b>], name: &str) -> Option<&'b [u8]> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value)
}

fn list_is_malformed(headers: &[Header<'_>], name: &str, element_ok: fn(&[u8]) -> bool) -> bool {
    let mut elements = 0;
    for header in headers.iter().filter(|h| h.name.eq_ignore_ascii_case(name)) {
        for element in Elements::new(header.value) {
            elements += 1;
            match element {
                Err(_) => return true,
                Ok(e) if !element_ok(e) => return true,
                Ok(_) => {}
            }
        }
    }
    elements > Limits::DEFAULT.max_list_elements
}

/// Whether a list field the handshake reads breaks its own grammar or the element bound:
/// Connection `1#token`, Upgrade `1#protocol`, Sec-WebSocket-Protocol `1#token`,
/// Sec-WebSocket-Extensions `extension-list` with quoted values that are tokens (RFC 9110
/// §5.6, §7.8; RFC 6455 §4.1, §9.1).
pub(crate) fn lists_are_malformed(headers: &[Header<'_>]) -> bool {
    list_is_malformed(headers, "connection", is_token)
        || list_is_malformed(headers, "upgrade", |e| {
            http_upgrade::__private::parse_protocol_offer(e).is_some()
        })
        || list_is_malformed(headers, "sec-websocket-protocol", is_token)
        || list_is_malformed(headers, "sec-websocket-extensions", |e| {
            // RFC 6455 §9.1: quoted values must be tokens once unquoted.
            split_parameterised(e).is_ok_and(|(_, params)| {
                params.into_iter().all(|p| {
                    p.value.is_none_or(|v| {
                        let bytes: Vec<u8> = v.bytes().collect();
                        is_token(&bytes)
                    })
                })
            })
        })
}

/// Whether a key is the one canonical base64 form of 16 bytes (RFC 4648 §3.3, §3.5): 22
/// characters, the last with its 4 low bits zero, then `==`.
pub(crate) fn key_is_canonical(key: &[u8]) -> bool {
    let alphabet = |c: &u8| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/';
    key.len() == 24
        && key[..21].iter().all(alphabet)
        && b"AQgw".contains(&key[21])
        && &key[22..] == b"=="
}

/// Every documented class this head falls in.
pub fn classify(head: &[u8]) -> Vec<Divergence> {
    let mut classes = Vec::new();
    let mut storage = [EMPTY_HEADER; 124];
    let mut request = httparse::Request::new(&mut storage);
    if !matches!(request.parse(head), Ok(httparse::Status::Complete(_))) {
        return classes;
    }
    let headers: &[Header<'_>] = request.headers;
    if headers.len() > 32 || head.len() > Limits::DEFAULT.max_head_bytes {
        classes.push(Divergence::OverLimits);
    }
    if count(headers, "host") != 1 {
        classes.push(Divergence::HostNotExactlyOne);
    }
    if ["sec-websocket-key", "sec-websocket-version", "origin"]
        .iter()
        .any(|n| count(headers, n) > 1)
    {
        classes.push(Divergence::RepeatedSingleton);
    }
    if count(headers, "connection") > 1 || count(headers, "upgrade") > 1 {
        classes.push(Divergence::ListAcrossFields);
    }
    let upgrade = first(headers, "upgrade").unwrap_or_default();
    if !trim_ows(upgrade).eq_ignore_ascii_case(b"websocket") {
        classes.push(Divergence::UpgradeAmongOffers);
    }
    let malformed = lists_are_malformed(headers);
    if malformed {
        classes.push(Divergence::MalformedList);
    }
    let refused = headers.iter().any(|h| {
        tungstenite::http::HeaderName::from_bytes(h.name.as_bytes()).is_err()
            || tungstenite::http::HeaderValue::from_bytes(h.value).is_err()
    });
    if refused {
        classes.push(Divergence::HttpCrateRefusesField);
    }
    let key = trim_ows(first(headers, "sec-websocket-key").unwrap_or_default());
    if !key_is_canonical(key) {
        classes.push(Divergence::NonCanonicalKey);
    }
    let target = request.path.unwrap_or_default();
    let scheme = target
        .split_once(':')
        .map(|(scheme, _)| scheme)
        .unwrap_or_default();
    let absolute = scheme
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"+-.".contains(&c));
    if !target.starts_with('/') && !absolute {
        classes.push(Divergence::TargetForm);
    }
    if target.parse::<tungstenite::http::Uri>().is_err() {
        classes.push(Divergence::UriParserRefusesTarget);
    }
    if target
        .bytes()
        .any(|b| b == b'#' || !(0x21..=0x7e).contains(&b))
    {
        classes.push(Divergence::TargetCharacters);
    }
    if count(headers, "host") == 1
        && !host_value_ok(trim_ows(first(headers, "host").unwrap_or_default()))
    {
        classes.push(Divergence::InvalidHostValue);
    }
    if absolute && !target.starts_with('/') {
        let authority = target
            .split_once("://")
            .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or_default());
        if authority.is_none_or(|a| a.contains('@') || !host_value_ok(a.as_bytes())) {
            classes.push(Divergence::AbsoluteTargetAuthority);
        }
    }
    if count(headers, "content-length") + count(headers, "transfer-encoding") > 0 {
        classes.push(Divergence::RequestFraming);
    }
    if count(headers, "expect") > 0 {
        classes.push(Divergence::Expectation);
    }
    let version = first(headers, "sec-websocket-version").unwrap_or_default();
    if version != b"13" && trim_ows(version) == b"13" {
        classes.push(Divergence::VersionWhitespace);
    }
    classes
}

/// The differential check: on a complete head, both switch with the same Accept or both
/// refuse, except within the documented classes, each in the direction it describes.
pub fn diff_tungstenite(data: &[u8]) {
    let policy = ServerPolicy::websocket();
    let mut headers = [EMPTY_HEADER; 124];
    let limits = Limits {
        max_head_bytes: 64 * 1024,
        ..Limits::DEFAULT
    };
    let Ok(Status::Complete(head)) = parse_request(data, &mut headers, &limits) else {
        return;
    };
    let head_bytes = &data[..head.consumed];
    let mut ours_storage = [EMPTY_HEADER; 32];
    let ours = match policy.handshake(head_bytes, &mut ours_storage) {
        Status::Complete(handshake) => match handshake.outcome {
            Outcome::Switch(accepted) => accepted.websocket.map(|w| w.accept.as_bytes().to_vec()),
            _ => None,
        },
        Status::Partial => None,
    };
    let theirs = tungstenite_accept(head_bytes);
    if ours == theirs {
        return;
    }
    let classes = classify(head_bytes);
    let text = String::from_utf8_lossy(head_bytes);
    match (&ours, &theirs) {
        (Some(a), Some(b)) => {
            panic!("both switch with different Accept values {a:?} / {b:?}: {text:?}")
        }
        (None, Some(_)) => {
            let explained = classes.iter().any(|c| {
                matches!(
                    c,
                    Divergence::HostNotExactlyOne
                        | Divergence::RepeatedSingleton
                        | Divergence::MalformedList
                        | Divergence::OverLimits
                        | Divergence::TargetForm
                        | Divergence::NonCanonicalKey
                        | Divergence::ListAcrossFields
                        | Divergence::InvalidHostValue
                        | Divergence::AbsoluteTargetAuthority
                        | Divergence::RequestFraming
                        | Divergence::Expectation
                        | Divergence::TargetCharacters
                )
            });
            assert!(
                explained,
                "tungstenite switches, we refuse, no documented class: {text:?}"
            );
        }
        (Some(_), None) => {
            let explained = classes.iter().any(|c| {
                matches!(
                    c,
                    Divergence::ListAcrossFields
                        | Divergence::UpgradeAmongOffers
                        | Divergence::HttpCrateRefusesField
                        | Divergence::UriParserRefusesTarget
                        | Divergence::VersionWhitespace
                )
            });
            assert!(
                explained,
                "we switch, tungstenite refuses, no documented class: {text:?}"
            );
        }
        (None, None) => unreachable!(),
    }
}
