//! What the RFCs require of *any* server given one raw HTTP/1.1 request head that may ask
//! for a WebSocket, written from RFC 9110 §7.8, RFC 9112 §3.2, §6.1, §6.3 and RFC 6455
//! §4.2.1-§4.2.2, read with httparse and this crate's RFC grammar (never the core crate),
//! and with no policy of our own: where the crate's behaviour table takes a choice the RFCs
//! leave open, this module says nothing. `cargo xtask probe` judges live servers with it.
//!
//! [`read`] lists the rules a request breaks (each with its requirement level and what it
//! forbids or asks of the answer); [`judge`] checks one server's answer against them.

use std::string::{String, ToString};
use std::vec::Vec;

use crate::references::ip_literal;
use crate::rfc::{accept, extension_offers, field_values, ExtensionOffer};

/// RFC 2119's levels, as the probe reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// MUST / MUST NOT.
    Must,
    /// SHOULD / SHOULD NOT.
    Should,
}

impl Level {
    /// `MUST` or `SHOULD`.
    pub fn name(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
        }
    }
}

/// One rule a request breaks, and what it asks of the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// A short name, e.g. `missing_host`.
    pub rule: &'static str,
    /// Where the RFCs say so.
    pub source: &'static str,
    /// The level at which the server must not answer 101 (`None`: a 101 is allowed).
    pub no_switch: Option<Level>,
    /// A status the answer must (or should) have.
    pub status: Option<(u16, Level)>,
}

/// A request as the rules read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The protocols of the request's Upgrade fields, as written.
    pub upgrade: Vec<String>,
    /// The request asks for a WebSocket: `Upgrade` names `websocket`.
    pub asks_websocket: bool,
    /// The rules it breaks.
    pub broken: Vec<Broken>,
    /// The Sec-WebSocket-Key's value, when there is exactly one.
    pub key: Option<String>,
    /// The subprotocols offered (every Sec-WebSocket-Protocol element).
    pub subprotocols: Vec<String>,
    /// The extensions offered; `None` when the list breaks RFC 6455 §9.1 (what a server
    /// answers to a malformed offer is then not judged here).
    pub extensions: Option<Vec<ExtensionOffer>>,
    /// `Expect: 100-continue` is present.
    pub expect_continue: bool,
    /// The version asked is not 13 (or none is given).
    pub version_refused: bool,
    /// Both Content-Length and Transfer-Encoding: the connection must close after the
    /// answer (RFC 9112 §6.1).
    pub must_close: bool,
}

/// One response as a client read it: status, fields (names lowercased) in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Answer {
    /// Every interim (1xx other than 101) status, in order.
    pub interim: Vec<u16>,
    /// The final status (or 101), if a response head was read.
    pub status: Option<u16>,
    /// Its fields, names lowercased.
    pub fields: Vec<(String, Vec<u8>)>,
    /// The server closed the connection after its answer.
    pub closed: bool,
}

impl Answer {
    fn values(&self, name: &str) -> Vec<&[u8]> {
        self.fields
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
            .collect()
    }
}

/// One rule the answer breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The rule's name.
    pub rule: &'static str,
    /// MUST or SHOULD.
    pub level: Level,
    /// Where the RFCs say so.
    pub source: &'static str,
    /// What the answer did.
    pub detail: String,
}

fn list(values: &[&[u8]]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split(|&b| b == b','))
        .map(|e| {
            String::from_utf8_lossy(e)
                .trim_matches([' ', '\t'])
                .to_string()
        })
        .filter(|e| !e.is_empty())
        .collect()
}

/// `uri-host [ ":" port ]` (RFC 9112 §3.2, RFC 3986 §3.2.2-§3.2.3): an IP-literal, or a
/// reg-name (which an IPv4address also is), then an optional `*DIGIT` port.
pub fn host_value_ok(value: &str) -> bool {
    let port_ok = |port: &str| port.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = value.strip_prefix('[') {
        let Some((inner, after)) = rest.split_once(']') else {
            return false;
        };
        return ip_literal::ip_literal(inner)
            && (after.is_empty() || after.strip_prefix(':').is_some_and(port_ok));
    }
    let (host, port) = value.rsplit_once(':').unwrap_or((value, ""));
    let bytes = host.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            if !(bytes.len() > i + 2
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit())
            {
                return false;
            }
            i += 3;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&b)) {
            return false;
        }
        i += 1;
    }
    port_ok(port)
}

/// RFC 6455 §4.2.1 item 5: a base64 value that "when decoded, is 16 bytes in length":
/// 22 alphabet characters then `==` (RFC 4648 §4), OWS around it. Non-zero pad bits are
/// allowed here: RFC 4648 §3.5 lets a decoder reject them (MAY), it does not make them
/// another length; [`crate::rfc::is_websocket_key`] is the canonical form the crate insists on.
pub fn decodes_to_16_bytes(value: &[u8]) -> bool {
    let text = value.trim_ascii();
    text.len() == 24
        && text.ends_with(b"==")
        && text[..22]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
}

/// `version = DIGIT | (NZDIGIT DIGIT) | ("1" DIGIT DIGIT) | ("2" DIGIT DIGIT)`, 0 to 255
/// without leading zeros (RFC 6455 §4.1, §11.3.5).
fn is_version_number(value: &[u8]) -> bool {
    let text = value.trim_ascii();
    !text.is_empty()
        && text.len() <= 3
        && text.iter().all(u8::is_ascii_digit)
        && (text.len() == 1 || text[0] != b'0')
        && std::str::from_utf8(text)
            .ok()
            .and_then(|t| t.parse::<u16>().ok())
            .is_some_and(|n| n <= 255)
}

/// Reads `request` (a complete head, perhaps with bytes after it); `None` when httparse
/// cannot read a complete head.
pub fn read(request: &[u8]) -> Option<Reading> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut parsed = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(_) = parsed.parse(request).ok()? else {
        return None;
    };
    let values = |name: &str| field_values(parsed.headers, name);
    let upgrade = list(&values("upgrade"));
    // RFC 9110 §7.8: `protocol = protocol-name ["/" protocol-version]`; the name asks.
    let asks_websocket = upgrade.iter().any(|p| {
        p.split('/')
            .next()
            .is_some_and(|name| name.eq_ignore_ascii_case("websocket"))
    });
    let connection = list(&values("connection"));
    let keys = values("sec-websocket-key");
    let versions = values("sec-websocket-version");
    let hosts = values("host");
    let mut broken = Vec::new();
    let mut rule = |rule, source, no_switch, status| {
        broken.push(Broken {
            rule,
            source,
            no_switch,
            status,
        })
    };
    let http11 = parsed.version == Some(1);
    if !http11 && !upgrade.is_empty() {
        rule(
            "upgrade_in_http10",
            "RFC 9110 §7.8: a server MUST ignore an Upgrade received in an HTTP/1.0 request",
            Some(Level::Must),
            None,
        );
    }
    if http11 {
        let host_rule = "RFC 9112 §3.2: a server MUST respond 400 to an HTTP/1.1 request that \
                         lacks Host, has more than one, or an invalid value";
        match hosts.as_slice() {
            [] => rule(
                "missing_host",
                host_rule,
                Some(Level::Must),
                Some((400, Level::Must)),
            ),
            [one] => {
                let text = String::from_utf8_lossy(one);
                if !host_value_ok(text.trim_matches([' ', '\t'])) {
                    rule(
                        "invalid_host",
                        host_rule,
                        Some(Level::Must),
                        Some((400, Level::Must)),
                    );
                }
            }
            _ => rule(
                "repeated_host",
                host_rule,
                Some(Level::Must),
                Some((400, Level::Must)),
            ),
        }
    }
    let content_lengths = values("content-length");
    let transfer_encodings = values("transfer-encoding");
    let must_close = !content_lengths.is_empty() && !transfer_encodings.is_empty();
    if transfer_encodings.is_empty() && !content_lengths.is_empty() {
        let elements = list(&content_lengths);
        let valid = !elements.is_empty()
            && elements
                .iter()
                .all(|e| !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()))
            && elements
                .iter()
                .all(|e| e.parse::<u128>().ok() == elements[0].parse::<u128>().ok());
        if !valid {
            rule(
                "invalid_content_length",
                "RFC 9112 §6.3 item 5: an invalid Content-Length is unrecoverable; a server \
                 MUST respond 400 and close",
                Some(Level::Must),
                Some((400, Level::Must)),
            );
        }
    }
    if asks_websocket && http11 {
        if parsed.method != Some("GET") {
            rule(
                "method_not_get",
                "RFC 6455 §4.2.1 item 1: a GET request",
                Some(Level::Must),
                None,
            );
        }
        if !connection.iter().any(|o| o.eq_ignore_ascii_case("upgrade")) {
            rule(
                "connection_without_upgrade",
                "RFC 6455 §4.2.1 item 4: Connection includes the token Upgrade",
                Some(Level::Must),
                None,
            );
        }
        // A field repeated with the same valid value: a client broke RFC 6455 §11.3.1 and
        // §11.3.5 ("MUST NOT appear more than once"), but the one value is there; refusing
        // it is a SHOULD. Differing or invalid values are the §4.2.1 MUST.
        let same = |fields: &[&[u8]], valid: &dyn Fn(&[u8]) -> bool| {
            fields.len() > 1
                && fields
                    .iter()
                    .all(|f| f.trim_ascii() == fields[0].trim_ascii())
                && valid(fields[0])
        };
        if same(&keys, &decodes_to_16_bytes) {
            rule(
                "repeated_key",
                "RFC 6455 §11.3.1: the key MUST NOT appear more than once",
                Some(Level::Should),
                None,
            );
        } else if !matches!(keys.as_slice(), [one] if decodes_to_16_bytes(one)) {
            rule(
                "invalid_key",
                "RFC 6455 §4.2.1 item 5: a Sec-WebSocket-Key that decodes to 16 bytes",
                Some(Level::Must),
                None,
            );
        }
        let is_13 = |v: &[u8]| v.trim_ascii() == b"13";
        if same(&versions, &is_13) {
            rule(
                "repeated_version",
                "RFC 6455 §11.3.5: the version MUST NOT appear more than once",
                Some(Level::Should),
                None,
            );
        } else if versions.is_empty() {
            rule(
                "missing_version",
                "RFC 6455 §4.2.1 item 6: a Sec-WebSocket-Version of 13",
                Some(Level::Must),
                None,
            );
        } else if !matches!(versions.as_slice(), [one] if is_13(one)) {
            // §4.4 lets a server speak other versions: a 101 to one it names is allowed; a
            // value that is no version at all (§4.1's 0-255, one field) is a mismatch.
            let spoken = matches!(versions.as_slice(), [one] if is_version_number(one));
            rule(
                if spoken {
                    "other_version"
                } else {
                    "invalid_version"
                },
                "RFC 6455 §4.2.2 item 4, §4.4: a version the server does not speak is refused \
                 with Sec-WebSocket-Version naming those it does (426 suggested)",
                (!spoken).then_some(Level::Must),
                Some((426, Level::Should)),
            );
        }
    }
    let plain_websocket = upgrade.iter().any(|p| p.eq_ignore_ascii_case("websocket"));
    let offered = list(&values("sec-websocket-protocol"));
    let extension_text: Vec<u8> = values("sec-websocket-extensions").join(&b", "[..]);
    Some(Reading {
        upgrade,
        asks_websocket,
        key: match keys.as_slice() {
            [one] => Some(
                String::from_utf8_lossy(one)
                    .trim_matches([' ', '\t'])
                    .to_string(),
            ),
            _ => None,
        },
        subprotocols: offered,
        extensions: if extension_text.is_empty() {
            Some(Vec::new())
        } else {
            extension_offers(&extension_text)
        },
        expect_continue: list(&values("expect"))
            .iter()
            .any(|e| e.eq_ignore_ascii_case("100-continue")),
        // A version named and refused (a missing one is §4.2.1's plain mismatch), in a
        // request whose Upgrade holds `websocket` itself (§4.2.1 item 3), so the version is
        // what the server refuses.
        version_refused: plain_websocket
            && broken
                .iter()
                .any(|b| matches!(b.rule, "other_version" | "invalid_version")),
        must_close,
        broken,
    })
}

/// Whether a request asks for a WebSocket that every RFC rule above allows.
pub fn is_valid_websocket(reading: &Reading) -> bool {
    reading.asks_websocket && reading.broken.iter().all(|b| b.no_switch.is_none())
}

/// Checks a server's `answer` to a request read as `reading`; every rule it breaks.
pub fn judge(reading: &Reading, answer: &Answer) -> Vec<Failure> {
    let mut failures = Vec::new();
    let mut fail = |rule, level, source, detail: String| {
        failures.push(Failure {
            rule,
            level,
            source,
            detail,
        })
    };
    let switched = answer.status == Some(101);
    // A request that breaks several rules may be refused for any of them.
    let statuses: Vec<u16> = reading
        .broken
        .iter()
        .filter_map(|b| b.status.map(|(status, _)| status))
        .collect();
    let status_of_one = answer.status.is_some_and(|s| statuses.contains(&s));
    for broken in &reading.broken {
        if let (true, Some(level)) = (switched, broken.no_switch) {
            fail(
                broken.rule,
                level,
                broken.source,
                "answered 101".to_string(),
            );
        }
        // Closed with no answer at all: refused, but without the status the RFC names.
        if let (Some((status, _)), None) = (broken.status, answer.status) {
            if answer.closed {
                fail(
                    broken.rule,
                    Level::Should,
                    broken.source,
                    std::format!("closed without the {status} response"),
                );
            }
        }
        // Served as if valid: the level of the rule. Refused with another error status: the
        // exact status is a SHOULD (the server may have stopped at another mismatch).
        if let (Some((status, level)), Some(got)) = (broken.status, answer.status) {
            if !switched && !status_of_one {
                let level = if got < 400 { level } else { Level::Should };
                fail(
                    broken.rule,
                    level,
                    broken.source,
                    std::format!("answered {got} instead of {status}"),
                );
            }
        }
    }
    // The version's own refusal: where it is the one rule broken (RFC 6455 §4.2.1 lets a
    // server stop at the first mismatch it finds, with a 400).
    if reading.version_refused && reading.broken.len() == 1 && !switched && answer.status.is_some()
    {
        let advertised = list(&answer.values("sec-websocket-version"));
        if !advertised.iter().any(|v| v == "13") {
            fail(
                "version_not_advertised",
                Level::Must,
                "RFC 6455 §4.2.2 item 4: a refused version is answered with a \
                 Sec-WebSocket-Version header naming the versions understood",
                std::format!("Sec-WebSocket-Version: {advertised:?}"),
            );
        }
    }
    if reading.must_close && !answer.closed {
        fail(
            "open_after_conflicting_framing",
            Level::Must,
            "RFC 9112 §6.1: with both Content-Length and Transfer-Encoding, the server MUST \
             close the connection after responding",
            "the connection stayed open".to_string(),
        );
    }
    if !switched {
        return failures;
    }
    let switched_to = list(&answer.values("upgrade"));
    if switched_to.is_empty() {
        fail(
            "101_without_upgrade",
            Level::Must,
            "RFC 9110 §15.2.2: a server MUST generate an Upgrade field in a 101",
            "no Upgrade field".into(),
        );
    }
    for protocol in &switched_to {
        // The same protocol, or its name alone where the client named a version.
        let asked = |p: &String| {
            p.eq_ignore_ascii_case(protocol)
                || (!protocol.contains('/')
                    && p.split('/')
                        .next()
                        .is_some_and(|n| n.eq_ignore_ascii_case(protocol)))
        };
        if !reading.upgrade.iter().any(asked) {
            fail(
                "switch_not_asked",
                Level::Must,
                "RFC 9110 §7.8: a server MUST NOT switch to a protocol the client did not \
                 indicate in its Upgrade field",
                std::format!("switched to {protocol:?}, asked {:?}", reading.upgrade),
            );
        }
    }
    if !reading.asks_websocket {
        // A 101 to another protocol is judged by the case, not by the WebSocket rules.
        return failures;
    }
    // §7.8's MUST, read beside §10.1.1 (a server MAY omit the 100 when the framing shows
    // no content): a SHOULD here, so no server is blamed for a reading the RFCs dispute.
    if reading.expect_continue && !answer.interim.contains(&100) {
        fail(
            "no_100_before_101",
            Level::Should,
            "RFC 9110 §7.8: with Expect: 100-continue, a server MUST send 100 (Continue) \
             before 101",
            std::format!("interim responses {:?}", answer.interim),
        );
    }
    let one = |name: &str| -> Option<String> {
        match answer.values(name).as_slice() {
            [one] => Some(
                String::from_utf8_lossy(one)
                    .trim_matches([' ', '\t'])
                    .to_string(),
            ),
            _ => None,
        }
    };
    let handshake = "RFC 6455 §4.2.2 item 5";
    if !list(&answer.values("upgrade"))
        .iter()
        .any(|p| p.eq_ignore_ascii_case("websocket"))
    {
        fail(
            "upgrade_field",
            Level::Must,
            handshake,
            "no Upgrade: websocket".into(),
        );
    }
    if !list(&answer.values("connection"))
        .iter()
        .any(|o| o.eq_ignore_ascii_case("upgrade"))
    {
        fail(
            "connection_field",
            Level::Must,
            handshake,
            "no Connection: Upgrade".into(),
        );
    }
    if let Some(key) = &reading.key {
        let want = accept(key);
        let got = one("sec-websocket-accept");
        if got.as_deref() != Some(want.as_str()) {
            fail(
                "accept",
                Level::Must,
                "RFC 6455 §4.2.2 item 5.4: base64(SHA-1(key + GUID))",
                std::format!("Sec-WebSocket-Accept {got:?}, want {want:?}"),
            );
        }
    }
    let chosen = answer.values("sec-websocket-protocol");
    match chosen.as_slice() {
        [] => {}
        [one] => {
            let text = String::from_utf8_lossy(one)
                .trim_matches([' ', '\t'])
                .to_string();
            if !reading.subprotocols.contains(&text) {
                fail(
                    "subprotocol_not_offered",
                    Level::Must,
                    "RFC 6455 §4.2.2 item 5.4: the server selects one of the client's values",
                    std::format!("chose {text:?} of {:?}", reading.subprotocols),
                );
            }
        }
        many => fail(
            "subprotocol_repeated",
            Level::Must,
            "RFC 6455 §4.2.2 item 5.4: one value",
            std::format!("{} Sec-WebSocket-Protocol fields", many.len()),
        ),
    }
    let answered: Vec<u8> = answer.values("sec-websocket-extensions").join(&b", "[..]);
    if !answered.is_empty() {
        match extension_offers(&answered) {
            None => fail(
                "extensions_grammar",
                Level::Must,
                "RFC 6455 §9.1",
                std::format!("{:?}", String::from_utf8_lossy(&answered)),
            ),
            Some(answers) => {
                for answer in answers {
                    let offered = reading
                        .extensions
                        .as_ref()
                        .map(|offers| offers.iter().any(|o| o.name == answer.name));
                    if offered == Some(false) {
                        fail(
                            "extension_not_offered",
                            Level::Must,
                            "RFC 6455 §9.1: the server answers only extensions the client \
                             offered",
                            String::from_utf8_lossy(&answer.name).to_string(),
                        );
                    }
                }
            }
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\
        Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
        Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat\r\n\r\n";

    fn rules(request: &str) -> Vec<&'static str> {
        read(request.as_bytes())
            .expect("a complete head")
            .broken
            .iter()
            .map(|b| b.rule)
            .collect()
    }

    #[test]
    fn the_rfc_example_breaks_nothing_and_its_answer_passes() {
        let reading = read(GOOD.as_bytes()).unwrap();
        assert!(is_valid_websocket(&reading));
        let answer = Answer {
            interim: Vec::new(),
            status: Some(101),
            fields: [
                ("upgrade", "websocket"),
                ("connection", "Upgrade"),
                ("sec-websocket-accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
                ("sec-websocket-protocol", "chat"),
            ]
            .iter()
            .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
            .collect(),
            closed: false,
        };
        assert_eq!(judge(&reading, &answer), Vec::new());
        let mut wrong = answer.clone();
        wrong.fields[2].1 = b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo".to_vec();
        wrong.fields[3].1 = b"superchat".to_vec();
        let names: Vec<_> = judge(&reading, &wrong).iter().map(|f| f.rule).collect();
        assert_eq!(names, ["accept", "subprotocol_not_offered"]);
    }

    #[test]
    fn each_broken_rule_is_named() {
        assert_eq!(
            rules(&GOOD.replace("Host: example.com\r\n", "")),
            ["missing_host"]
        );
        assert_eq!(rules(&GOOD.replace("example.com", "a b")), ["invalid_host"]);
        assert_eq!(rules(&GOOD.replace("GET", "POST")), ["method_not_get"]);
        assert_eq!(
            rules(&GOOD.replace("HTTP/1.1", "HTTP/1.0")),
            ["upgrade_in_http10"]
        );
        assert_eq!(
            rules(&GOOD.replace("Connection: Upgrade", "Connection: keep-alive")),
            ["connection_without_upgrade"]
        );
        assert_eq!(
            rules(&GOOD.replace("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZQ==")),
            ["invalid_key"]
        );
        // Non-zero pad bits: a decoder MAY reject them (RFC 4648 §3.5); not a rule here.
        assert_eq!(
            rules(&GOOD.replace("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZR==")),
            Vec::<&str>::new()
        );
        assert_eq!(
            rules(&GOOD.replace("Version: 13", "Version: 8")),
            ["other_version"]
        );
        assert_eq!(
            rules(&GOOD.replace("Version: 13", "Version: 13, 8")),
            ["invalid_version"]
        );
        assert_eq!(
            rules(&GOOD.replace("Sec-WebSocket-Version: 13\r\n", "")),
            ["missing_version"]
        );
        assert_eq!(
            rules(&GOOD.replace(
                "Host: example.com\r\n",
                "Host: example.com\r\nContent-Length: 1, 2\r\n"
            )),
            ["invalid_content_length"]
        );
        // Choices the RFCs leave open are not rules here.
        assert_eq!(
            rules(&GOOD.replace("example.com", "example.com:65536")),
            Vec::<&str>::new()
        );
        assert_eq!(
            rules(&GOOD.replace(
                "Host: example.com\r\n",
                "Host: example.com\r\nContent-Length: 42, 042\r\n"
            )),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn a_refused_version_must_advertise_13() {
        let reading = read(GOOD.replace("Version: 13", "Version: 8").as_bytes()).unwrap();
        let mut answer = Answer {
            status: Some(426),
            ..Answer::default()
        };
        let names = |answer: &Answer| -> Vec<&str> {
            judge(&reading, answer).iter().map(|f| f.rule).collect()
        };
        assert_eq!(names(&answer), ["version_not_advertised"]);
        answer
            .fields
            .push(("sec-websocket-version".into(), b"13, 8".to_vec()));
        assert_eq!(names(&answer), Vec::<&str>::new());
        answer.status = Some(400);
        assert_eq!(names(&answer), ["other_version"]);
        // A server may speak version 8 (RFC 6455 §4.4): its 101 breaks nothing here.
        answer.status = Some(101);
        assert_eq!(
            names(&answer),
            [
                "101_without_upgrade",
                "upgrade_field",
                "connection_field",
                "accept"
            ]
        );
    }

    /// The reasons of the gate's verdicts that are RFC requirements on every server (the
    /// rest are the crate's choices, on which these rules say nothing or only a SHOULD, as
    /// for a field repeated with the same value).
    const RFC_REASONS: [&str; 11] = [
        "method_not_get",
        "missing_host",
        "duplicate_host",
        "invalid_host",
        "no_upgrade",
        "connection_without_upgrade",
        "missing_key",
        "invalid_key",
        "missing_version",
        "unsupported_version",
        "http10",
    ];

    /// Near misses the behaviour table refuses where the RFCs allow a choice: a key with
    /// non-zero pad bits (RFC 4648 §3.5: MAY reject) and `example.com:` (RFC 3986 §3.2.3:
    /// an empty port is valid grammar).
    /// And version 8: the crate speaks only 13, another server may speak 8 too (§4.4).
    const STRICTER_THAN_THE_RFCS: [&str; 3] = ["key/trailing_bits", "host/invalid", "version/8"];

    #[test]
    fn the_gate_near_misses_agree_with_these_rules() {
        use crate::gate::{ServerVerdict, SERVER_NEAR_MISSES};
        for near in SERVER_NEAR_MISSES {
            // A head httparse does not read (a version or target it refuses) is not judged.
            let Some(reading) = read(&near.request(&[7; 16])) else {
                continue;
            };
            let refused = !reading.asks_websocket
                || reading
                    .broken
                    .iter()
                    .any(|b| b.no_switch == Some(Level::Must));
            match near.verdict {
                ServerVerdict::Switch { .. } => {
                    assert!(
                        !refused,
                        "{}: the gate switches, {:?}",
                        near.name, reading.broken
                    )
                }
                ServerVerdict::Reject(reason, _) | ServerVerdict::Decline(reason)
                    if RFC_REASONS.contains(&reason)
                        && !STRICTER_THAN_THE_RFCS.contains(&near.name) =>
                {
                    assert!(
                        refused,
                        "{}: the gate refuses ({reason}), these rules do not",
                        near.name
                    )
                }
                _ => {}
            }
        }
    }
}
