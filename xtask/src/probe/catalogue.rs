//! The probe's cases: named requests (in phases where more bytes follow), each with the
//! rule it tests, its source and how its answer is judged. The hand-written rows cover the
//! Upgrade mechanism's known attacks; the gate's near misses and a seeded batch of generated
//! requests come from the oracle crate, which also judges every answer
//! (`handshake_rules`), never the core crate.

use http_upgrade_proptests::batch;
use http_upgrade_proptests::gate::{ServerVerdict, SERVER_NEAR_MISSES};
use http_upgrade_proptests::handshake_rules::Level;

/// Where the cases go: the address they are sent to, and the Host and target they name.
#[derive(Debug, Clone)]
pub struct Target {
    /// The one address the probe connects to.
    pub address: std::net::SocketAddr,
    /// `host[:port]` as the URL wrote it.
    pub authority: String,
    /// The URL's path (and query), `/` when it has none.
    pub path: String,
}

/// The report's categories, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Upgrade,
    WebSocket,
    Negotiation,
    HostOrigin,
    Framing,
    H2c,
    Complexity,
    NearMiss,
    Generated,
}

impl Category {
    /// Its name in reports and in case names.
    pub fn name(self) -> &'static str {
        match self {
            Category::Upgrade => "upgrade",
            Category::WebSocket => "websocket",
            Category::Negotiation => "negotiation",
            Category::HostOrigin => "host-origin",
            Category::Framing => "framing",
            Category::H2c => "h2c",
            Category::Complexity => "complexity",
            Category::NearMiss => "near-miss",
            Category::Generated => "generated",
        }
    }
}

/// How a case's answer is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// `handshake_rules` judges the answer to the request: the rules it breaks, and every
    /// 101's fields.
    Rules,
    /// [`Check::Rules`] on a valid handshake, which a server SHOULD take (it may refuse for
    /// a policy of its own: a path, an Origin, a subprotocol it requires).
    Handshake,
    /// The bytes after the head are a body: one final response to them, never a second
    /// one for a request hidden inside (RFC 9112 §6.3; request smuggling).
    OneAnswer,
    /// Bytes sent with a valid handshake after its head belong to the new protocol: no HTTP
    /// response may follow the 101 (RFC 9110 §7.8).
    NoHttpAfterSwitch,
    /// No 101 at all (the source says why).
    NoSwitch,
    /// Answered or closed within [`BOUND_MS`], and a valid handshake still taken after it.
    Bounded,
    /// Nothing is required: what the server did is recorded for the reviewer.
    Observe,
}

/// The time a complexity case may take, in milliseconds.
pub const BOUND_MS: u128 = 2_000;

/// One case.
#[derive(Debug, Clone)]
pub struct Case {
    /// `category/what`; `--case` takes it.
    pub name: String,
    pub category: Category,
    /// The strongest requirement the case tests.
    pub level: Level,
    /// The RFC section, CVE or advisory the case comes from.
    pub source: String,
    /// What is written, phase by phase (the server's answer is read after each).
    pub phases: Vec<Vec<u8>>,
    pub check: Check,
    /// Keep reading after the last phase to see whether the server closes.
    pub wait_close: bool,
}

/// The RFC 6455 §1.3 sample key and a second one.
const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
const OTHER_KEY: &str = "AQIDBAUGBwgJCgsMDQ4PEA==";

/// A valid handshake to `target`, in the form RFC 6455 §1.3 shows.
pub fn good_request(target: &Target) -> String {
    format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n",
        target.path, target.authority
    )
}

struct Builder<'t> {
    target: &'t Target,
    cases: Vec<Case>,
}

impl Builder<'_> {
    fn good(&self) -> String {
        good_request(self.target)
    }

    /// The good request with `find` replaced by `replace` (once).
    fn with(&self, find: &str, replace: &str) -> String {
        let good = self.good();
        assert!(good.contains(find), "{find:?} is not in the good request");
        good.replacen(find, replace, 1)
    }

    /// The good request with one more field line before the end of the head.
    fn adding(&self, fields: &str) -> String {
        self.with("\r\n\r\n", &format!("\r\n{fields}\r\n\r\n"))
    }

    fn push(
        &mut self,
        category: Category,
        what: &str,
        level: Level,
        source: &str,
        phases: Vec<Vec<u8>>,
        check: Check,
    ) {
        self.cases.push(Case {
            name: format!("{}/{what}", category.name()),
            category,
            level,
            source: source.to_string(),
            phases,
            check,
            wait_close: false,
        });
    }

    fn rules(&mut self, category: Category, what: &str, source: &str, request: String) {
        self.one_request(category, what, source, request, Check::Rules);
    }

    fn handshake(&mut self, category: Category, what: &str, source: &str, request: String) {
        self.one_request(category, what, source, request, Check::Handshake);
    }

    /// A MUST case of one request.
    fn one_request(
        &mut self,
        category: Category,
        what: &str,
        source: &str,
        request: String,
        check: Check,
    ) {
        self.push(
            category,
            what,
            Level::Must,
            source,
            vec![request.into_bytes()],
            check,
        );
    }
}

/// Every case for `target`: the hand-written rows, the gate's near misses, and
/// `generated` requests drawn with `seed`.
pub fn catalogue(target: &Target, generated: usize, seed: u64) -> Vec<Case> {
    let mut b = Builder {
        target,
        cases: Vec::new(),
    };
    use Category::*;

    // The Upgrade mechanism (RFC 9110 §7.8) and HTTP/1.0.
    b.rules(
        Upgrade,
        "http10",
        "RFC 9110 §7.8: a server MUST ignore Upgrade in an HTTP/1.0 request",
        b.with("HTTP/1.1", "HTTP/1.0"),
    );
    b.rules(
        Upgrade,
        "no_upgrade_field",
        "RFC 9110 §7.8: a server MUST NOT switch to a protocol the client did not indicate",
        b.with("Upgrade: websocket\r\n", ""),
    );
    b.rules(
        Upgrade,
        "connection_without_upgrade",
        "RFC 6455 §4.2.1 item 4",
        b.with("Connection: Upgrade", "Connection: keep-alive"),
    );
    b.rules(
        Upgrade,
        "no_connection_field",
        "RFC 6455 §4.2.1 item 4, RFC 9110 §7.6.1",
        b.with("Connection: Upgrade\r\n", ""),
    );
    b.rules(
        Upgrade,
        "post",
        "RFC 6455 §4.2.1 item 1: a GET request",
        b.with("GET ", "POST "),
    );
    b.rules(
        Upgrade,
        "other_protocol_only",
        "RFC 9110 §7.8: only a protocol the client indicated",
        b.with("Upgrade: websocket", "Upgrade: foo/2"),
    );
    b.handshake(
        Upgrade,
        "protocol_list",
        "RFC 9110 §7.8: Upgrade is a list, in order of preference",
        b.with("Upgrade: websocket", "Upgrade: foo/1, websocket"),
    );
    b.handshake(
        Upgrade,
        "connection_list",
        "RFC 9110 §7.6.1: Connection is a list of options",
        b.with("Connection: Upgrade", "Connection: keep-alive, Upgrade"),
    );
    b.handshake(
        Upgrade,
        "mixed_case_values",
        "RFC 6455 §4.2.1 items 3-4: case-insensitive values",
        b.with(
            "Upgrade: websocket\r\nConnection: Upgrade",
            "Upgrade: WebSocket\r\nConnection: uPgRaDe",
        ),
    );

    // The WebSocket handshake (RFC 6455 §4.2.1-§4.2.2, §4.4).
    b.handshake(
        WebSocket,
        "handshake",
        "RFC 6455 §4.2.2 item 5: the 101 and its Accept (§1.3's sample)",
        b.good(),
    );
    b.handshake(
        WebSocket,
        "second_key",
        "RFC 6455 §4.2.2 item 5.4: Accept = base64(SHA-1(key + GUID))",
        b.with(KEY, OTHER_KEY),
    );
    b.handshake(
        WebSocket,
        "lowercase_field_names",
        "RFC 9110 §5.1: field names are case-insensitive",
        b.good()
            .split("\r\n")
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    l.to_string()
                } else {
                    match l.split_once(':') {
                        Some((n, v)) => format!("{}:{v}", n.to_ascii_lowercase()),
                        None => l.to_string(),
                    }
                }
            })
            .collect::<Vec<_>>()
            .join("\r\n"),
    );
    b.handshake(
        WebSocket,
        "whitespace_around_values",
        "RFC 9110 §5.5: OWS around a field value is not part of it",
        b.with("Sec-WebSocket-Key: ", "Sec-WebSocket-Key: \t ")
            .replacen("Version: 13", "Version: 13 \t", 1),
    );
    b.rules(
        WebSocket,
        "missing_key",
        "RFC 6455 §4.2.1 item 5",
        b.with(&format!("Sec-WebSocket-Key: {KEY}\r\n"), ""),
    );
    b.rules(
        WebSocket,
        "short_key",
        "RFC 6455 §4.2.1 item 5: decodes to 16 bytes",
        b.with(KEY, "dGhlIHNhbXBsZQ=="),
    );
    b.push(
        WebSocket,
        "key_trailing_bits",
        Level::Should,
        "RFC 4648 §3.5: a decoder MAY reject a key whose pad bits are not zero",
        vec![b.with(KEY, "dGhlIHNhbXBsZSBub25jZR==").into_bytes()],
        Check::Observe,
    );
    b.rules(
        WebSocket,
        "two_keys",
        "RFC 6455 §4.2.1 item 5, §11.3.1: one key",
        b.adding(&format!("Sec-WebSocket-Key: {OTHER_KEY}")),
    );
    b.rules(
        WebSocket,
        "version_8",
        "RFC 6455 §4.2.2 item 4, §4.4: 426 with Sec-WebSocket-Version",
        b.with("Version: 13", "Version: 8"),
    );
    b.rules(
        WebSocket,
        "missing_version",
        "RFC 6455 §4.2.1 item 6",
        b.with("Sec-WebSocket-Version: 13\r\n", ""),
    );
    b.rules(
        WebSocket,
        "version_list",
        "RFC 6455 §4.2.1 item 6: the value 13",
        b.with("Version: 13", "Version: 13, 8"),
    );

    // Subprotocols and extensions (RFC 6455 §4.2.2 item 5.4, §9.1; RFC 7692).
    b.handshake(
        Negotiation,
        "subprotocols_offered",
        "RFC 6455 §4.2.2 item 5.4: one of the offered, or none",
        b.adding("Sec-WebSocket-Protocol: chat, superchat"),
    );
    b.handshake(
        Negotiation,
        "subprotocols_two_fields",
        "RFC 6455 §11.3.4, RFC 9110 §5.3: the fields combine",
        b.adding("Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: superchat"),
    );
    b.handshake(
        Negotiation,
        "subprotocol_unknown",
        "RFC 6455 §4.2.2 item 5.4: nothing the client did not offer",
        b.adding("Sec-WebSocket-Protocol: x-not-spoken-here"),
    );
    b.handshake(
        Negotiation,
        "deflate",
        "RFC 7692 §7.1: permessage-deflate offered",
        b.adding("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"),
    );
    b.handshake(
        Negotiation,
        "deflate_quoted_value",
        "RFC 6455 §9.1: a quoted value that is a token once unquoted",
        b.adding("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=\"10\""),
    );
    b.handshake(
        Negotiation,
        "unknown_extension",
        "RFC 6455 §9.1: answer only what was offered and is spoken",
        b.adding("Sec-WebSocket-Extensions: x-unknown; a=1"),
    );

    // Host and Origin (RFC 9112 §3.2; RFC 6455 §10.2).
    b.rules(
        HostOrigin,
        "missing_host",
        "RFC 9112 §3.2: 400 for a request without Host",
        b.with(&format!("Host: {}\r\n", target.authority), ""),
    );
    b.rules(
        HostOrigin,
        "two_hosts",
        "RFC 9112 §3.2: 400 for more than one Host",
        b.adding("Host: other.example"),
    );
    b.rules(
        HostOrigin,
        "host_with_space",
        "RFC 9112 §3.2: 400 for an invalid Host",
        b.with(&format!("Host: {}", target.authority), "Host: a b"),
    );
    b.rules(
        HostOrigin,
        "host_with_userinfo",
        "RFC 9112 §3.2, RFC 3986 §3.2.2: no userinfo in Host",
        b.with(
            &format!("Host: {}", target.authority),
            &format!("Host: user@{}", target.authority),
        ),
    );
    b.push(HostOrigin, "cross_site_origin", Level::Should, "RFC 6455 §10.2: a server not meant for every page SHOULD check Origin (cross-site WebSocket hijacking)", vec![b.adding("Origin: http://attacker.example").into_bytes()], Check::Observe);
    b.push(
        HostOrigin,
        "null_origin",
        Level::Should,
        "RFC 6454 §7.3: `null` is an opaque origin",
        vec![b.adding("Origin: null").into_bytes()],
        Check::Observe,
    );

    // Framing and smuggling (RFC 9112 §6; RFC 9110 §7.8, §10.1.1).
    let hidden = format!(
        "GET /smuggled HTTP/1.1\r\nHost: {}\r\n\r\n",
        target.authority
    );
    // An upgrade to a protocol nobody speaks: declined, so the request is served as HTTP
    // and its body must be read as a body.
    let refused = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nUpgrade: foo/2\r\nConnection: Upgrade\r\n\r\n",
        target.path, target.authority
    );
    b.push(
        Framing,
        "body_is_not_a_request",
        Level::Must,
        "RFC 9112 §6.3: the body is read by its Content-Length (request smuggling)",
        vec![format!(
            "{}{hidden}",
            refused.replacen(
                "\r\n\r\n",
                &format!("\r\nContent-Length: {}\r\n\r\n", hidden.len()),
                1
            )
        )
        .into_bytes()],
        Check::OneAnswer,
    );
    b.push(
        Framing,
        "chunked_body_is_not_a_request",
        Level::Must,
        "RFC 9112 §7.1: the body is read by its chunks (request smuggling)",
        vec![format!(
            "{}{:x}\r\n{hidden}\r\n0\r\n\r\n",
            refused.replacen("\r\n\r\n", "\r\nTransfer-Encoding: chunked\r\n\r\n", 1),
            hidden.len()
        )
        .into_bytes()],
        Check::OneAnswer,
    );
    b.cases.push(Case {
        name: "framing/content_length_and_chunked".into(),
        category: Framing,
        level: Level::Must,
        source: "RFC 9112 §6.1: the server MUST close the connection after responding".into(),
        phases: vec![format!(
            "{}0\r\n\r\n",
            b.adding("Content-Length: 5\r\nTransfer-Encoding: chunked")
        )
        .into_bytes()],
        check: Check::Rules,
        wait_close: true,
    });
    b.rules(
        Framing,
        "invalid_content_length",
        "RFC 9112 §6.3 item 5: 400 and close",
        b.adding("Content-Length: 1, 2"),
    );
    b.push(
        Framing,
        "bytes_after_the_head",
        Level::Must,
        "RFC 9110 §7.8: after the 101 the connection speaks the new protocol",
        vec![format!("{}{hidden}", b.good()).into_bytes()],
        Check::NoHttpAfterSwitch,
    );
    b.rules(
        Framing,
        "expect_100_continue",
        "RFC 9110 §7.8: 100 (Continue) MUST come before the 101",
        b.adding("Expect: 100-continue"),
    );
    b.push(
        Framing,
        "pipelined_after_refusal",
        Level::Should,
        "RFC 9112 §9.3.2: a refused upgrade leaves HTTP/1.1 on the connection",
        vec![format!(
            "{refused}GET / HTTP/1.1\r\nHost: {}\r\n\r\n",
            target.authority
        )
        .into_bytes()],
        Check::Observe,
    );

    // h2c (RFC 7540 §3.2, RFC 9113 §3.1).
    let h2c = |settings: &str| {
        format!(
            "GET {} HTTP/1.1\r\nHost: {}\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n{settings}\r\n",
            target.path, target.authority
        )
    };
    b.push(
        H2c,
        "no_settings",
        Level::Must,
        "RFC 7540 §3.2.1: a server MUST NOT upgrade without exactly one HTTP2-Settings",
        vec![h2c("").into_bytes()],
        Check::NoSwitch,
    );
    b.push(
        H2c,
        "two_settings",
        Level::Must,
        "RFC 7540 §3.2.1: a server MUST NOT upgrade without exactly one HTTP2-Settings",
        vec![h2c("HTTP2-Settings: AAMAAABk\r\nHTTP2-Settings: AAMAAABk\r\n").into_bytes()],
        Check::NoSwitch,
    );
    b.push(H2c, "upgrade", Level::Should, "RFC 9113 §3.1: h2c upgrades are deprecated; behind a proxy a 101 h2c is the h2c smuggling of h2csmuggler", vec![h2c("HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n").into_bytes()], Check::Observe);

    // Bounded time on the lists and fields a parser walks (CWE-407, CWE-400).
    let many = |item: &str, count: usize| vec![item; count].join(", ");
    let bounded = [
        (
            "long_extension_list",
            format!("Sec-WebSocket-Extensions: {}", many("x", 2_500)),
        ),
        (
            "long_subprotocol_list",
            format!("Sec-WebSocket-Protocol: {}", many("p", 2_500)),
        ),
        (
            "long_connection_list",
            format!("Connection: {}", many("k", 2_500)),
        ),
        (
            "many_fields",
            (0..90)
                .map(|i| format!("X-Field-{i}: v"))
                .collect::<Vec<_>>()
                .join("\r\n"),
        ),
        (
            "deep_quoted_parameter",
            format!(
                "Sec-WebSocket-Extensions: permessage-deflate; x=\"{}\"",
                "\\\\".repeat(3_000)
            ),
        ),
        (
            "many_parameters",
            format!(
                "Sec-WebSocket-Extensions: permessage-deflate{}",
                "; client_no_context_takeover".repeat(250)
            ),
        ),
    ];
    for (what, fields) in bounded {
        b.push(Complexity, what, Level::Should, "bounded work per request: an answer (or a close) within 2 s, and the server still serving", vec![b.adding(&fields).into_bytes()], Check::Bounded);
    }

    // The gate's near misses, each one condition away from a valid handshake.
    for near in SERVER_NEAR_MISSES {
        let request = String::from_utf8_lossy(&near.request(&[7; 16]))
            .replacen("GET /chat ", &format!("GET {} ", target.path), 1)
            .replacen(
                "Host: example.com\r\n",
                &format!("Host: {}\r\n", target.authority),
                1,
            )
            // Same-origin, so a server's Origin policy does not refuse every near miss.
            .replacen(
                "Origin: http://example.com\r\n",
                &format!("Origin: http://{}\r\n", target.authority),
                1,
            );
        let check = match near.verdict {
            ServerVerdict::Switch { .. } => Check::Handshake,
            _ => Check::Rules,
        };
        b.push(
            NearMiss,
            near.name,
            Level::Must,
            "the oracle crate's gate near misses (RFC 9110 §7.8, RFC 9112 §3, RFC 6455 §4.2)",
            vec![request.into_bytes()],
            check,
        );
    }

    // A seeded batch of generated requests.
    for request in batch::requests(seed, generated, &target.authority, &target.path) {
        b.push(Generated, &format!("{}-{}", request.index, request.fault), Level::Must, &format!("generated with seed {seed}: a valid handshake from the proptest model with one fault put in"), vec![request.bytes], Check::Rules);
    }
    b.cases
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_upgrade_proptests::handshake_rules::{is_valid_websocket, read};

    fn example() -> Target {
        Target {
            address: "127.0.0.1:9".parse().expect("an address"),
            authority: "127.0.0.1:9".into(),
            path: "/ws".into(),
        }
    }

    /// The catalogue's expectations, checked against the reference: a handshake case is a
    /// valid WebSocket request by `handshake_rules`, and a rules case of the hand-written
    /// categories breaks a MUST rule or asks for no WebSocket at all.
    #[test]
    fn every_case_expects_what_the_reference_says() {
        let cases = catalogue(&example(), 8, 1);
        let names: std::collections::BTreeSet<&str> =
            cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names.len(), cases.len(), "case names are unique");
        for case in &cases {
            let reading = read(&case.phases[0]);
            match case.check {
                Check::Handshake => assert!(
                    reading.as_ref().is_some_and(is_valid_websocket),
                    "{}: a handshake case the reference refuses: {reading:?}",
                    case.name
                ),
                Check::Rules if case.category < Category::NearMiss => {
                    let reading = reading.unwrap_or_else(|| panic!("{}: unreadable", case.name));
                    let refused = !reading.asks_websocket
                        || reading
                            .broken
                            .iter()
                            .any(|b| b.no_switch == Some(Level::Must))
                        || reading.expect_continue
                        || reading.must_close
                        || reading.version_refused;
                    assert!(refused, "{}: breaks no rule the reference knows", case.name);
                }
                _ => {}
            }
        }
    }

    #[test]
    fn the_cases_name_the_target_s_host_and_path() {
        let cases = catalogue(&example(), 0, 1);
        let handshake = cases
            .iter()
            .find(|c| c.name == "websocket/handshake")
            .unwrap();
        let text = String::from_utf8_lossy(&handshake.phases[0]);
        assert!(text.starts_with("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:9\r\n"));
        assert!(cases.iter().any(|c| c.category == Category::NearMiss));
    }
}
