//! The one passes' gates generated on purpose: a perfect handshake (a request the server's
//! one pass takes, a 101 the client's one pass takes) and, for every condition of each gate
//! and every comparison the behaviour table calls exact or case-insensitive, a near miss
//! that differs from it in exactly that condition.
//!
//! Each near miss carries what the RFCs say of it (the verdict, written here from RFC 9110
//! §7.8, RFC 9112 §3, RFC 6455 §4.1-§4.2 and the README's behaviour table, never from the
//! core crate) and which path must decide it: the one pass (its gate takes the shape) or
//! the general path (the gate hands it over). So a rule planted wrong in one shared
//! function fails on the verdict, and a gate condition planted wrong fails on the
//! agreement of the two paths or on the route.

use crate::rfc::{accept, base64};

/// What the server must do with a request (RFC 9110 §7.8, RFC 6455 §4.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerVerdict {
    /// 101 to WebSocket: whether the offered `chat` subprotocol and permessage-deflate are
    /// chosen under a policy that supports both.
    Switch { subprotocol: bool, deflate: bool },
    /// Serve it normally; the reason's name.
    Decline(&'static str),
    /// Refuse it; the reason's name and status.
    Reject(&'static str, u16),
}

/// One change to the perfect request or response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The start line replaced.
    StartLine(&'static str),
    /// The field (named as the perfect head names it) given another value.
    Value(&'static str, &'static str),
    /// The field left out.
    Remove(&'static str),
    /// The field written twice, the same value each time.
    Twice(&'static str),
    /// The field's name written another way (case only).
    Name(&'static str, &'static str),
    /// One more field.
    Add(&'static str, &'static str),
}

/// A near miss of a gate, with the verdict type of its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NearMiss<V> {
    /// The condition, `group/what`.
    pub name: &'static str,
    /// The change.
    pub edit: Edit,
    /// The verdict: for the server, under a policy that takes `websocket`, the `chat`
    /// subprotocol and permessage-deflate; for the client, having offered `chat` and
    /// `permessage-deflate; client_max_window_bits`.
    pub verdict: V,
    /// Whether the one pass must take it (an accepted handshake in the gate's shape);
    /// `false`: the general path decides.
    pub one_pass: bool,
}

/// A near miss of the server's gate.
pub type ServerNearMiss = NearMiss<ServerVerdict>;
/// A near miss of the client's gate.
pub type ClientNearMiss = NearMiss<ClientVerdict>;

/// The perfect request's fields, in order; `{key}` is the nonce's key.
pub const SERVER_FIELDS: [(&str, &str); 8] = [
    ("Host", "example.com"),
    ("Upgrade", "websocket"),
    ("Connection", "Upgrade"),
    ("Sec-WebSocket-Key", "{key}"),
    ("Sec-WebSocket-Version", "13"),
    ("Origin", "http://example.com"),
    ("Sec-WebSocket-Protocol", "chat"),
    (
        "Sec-WebSocket-Extensions",
        "permessage-deflate; client_max_window_bits",
    ),
];

const SWITCH: ServerVerdict = ServerVerdict::Switch {
    subprotocol: true,
    deflate: true,
};
const fn reject(name: &'static str, status: u16) -> ServerVerdict {
    ServerVerdict::Reject(name, status)
}
const fn taken(name: &'static str, edit: Edit) -> ServerNearMiss {
    ServerNearMiss {
        name,
        edit,
        verdict: SWITCH,
        one_pass: true,
    }
}
const fn general(name: &'static str, edit: Edit, verdict: ServerVerdict) -> ServerNearMiss {
    ServerNearMiss {
        name,
        edit,
        verdict,
        one_pass: false,
    }
}

/// Every condition of the server's gate, each as a near miss of the perfect request.
pub const SERVER_NEAR_MISSES: &[ServerNearMiss] = &[
    taken("perfect", Edit::Add("X-Other", "1")),
    // The method: GET, compared exactly (RFC 9110 §9.1; RFC 6455 §4.2.1 item 1).
    general(
        "method/lowercase",
        Edit::StartLine("get /chat HTTP/1.1"),
        reject("method_not_get", 400),
    ),
    general(
        "method/titlecase",
        Edit::StartLine("Get /chat HTTP/1.1"),
        reject("method_not_get", 400),
    ),
    general(
        "method/post",
        Edit::StartLine("POST /chat HTTP/1.1"),
        reject("method_not_get", 400),
    ),
    general(
        "method/longer",
        Edit::StartLine("GETS /chat HTTP/1.1"),
        reject("method_not_get", 400),
    ),
    // The version: an HTTP/1.0 upgrade is ignored (RFC 9110 §7.8); a version httparse
    // does not parse is a 505 (behaviour table).
    general(
        "version/1.0",
        Edit::StartLine("GET /chat HTTP/1.0"),
        ServerVerdict::Decline("http_1_0"),
    ),
    general(
        "version/1.2",
        Edit::StartLine("GET /chat HTTP/1.2"),
        reject("unsupported_http_version", 505),
    ),
    // The target: origin-form in the gate; absolute-form to the general path (its
    // authority must be valid, RFC 9112 §3.2.2); visible ASCII, no fragment.
    general(
        "target/absolute_form",
        Edit::StartLine("GET ws://example.com/chat HTTP/1.1"),
        SWITCH,
    ),
    general(
        "target/absolute_form_userinfo",
        Edit::StartLine("GET ws://u@example.com/chat HTTP/1.1"),
        reject("invalid_target", 400),
    ),
    general(
        "target/asterisk",
        Edit::StartLine("GET * HTTP/1.1"),
        reject("invalid_target", 400),
    ),
    general(
        "target/no_slash",
        Edit::StartLine("GET chat HTTP/1.1"),
        reject("invalid_target", 400),
    ),
    general(
        "target/fragment",
        Edit::StartLine("GET /chat#frag HTTP/1.1"),
        reject("invalid_target", 400),
    ),
    general(
        "target/non_ascii",
        Edit::StartLine("GET /caf\u{e9} HTTP/1.1"),
        reject("invalid_target", 400),
    ),
    // Each field a switch needs, missing.
    general(
        "missing/host",
        Edit::Remove("Host"),
        reject("missing_host", 400),
    ),
    general(
        "missing/upgrade",
        Edit::Remove("Upgrade"),
        ServerVerdict::Decline("no_upgrade"),
    ),
    general(
        "missing/connection",
        Edit::Remove("Connection"),
        ServerVerdict::Decline("connection_without_upgrade"),
    ),
    general(
        "missing/key",
        Edit::Remove("Sec-WebSocket-Key"),
        reject("missing_key", 400),
    ),
    general(
        "missing/version",
        Edit::Remove("Sec-WebSocket-Version"),
        reject("missing_version", 426),
    ),
    // The optional ones, missing, stay in the gate.
    ServerNearMiss {
        name: "missing/origin",
        edit: Edit::Remove("Origin"),
        verdict: SWITCH,
        one_pass: true,
    },
    ServerNearMiss {
        name: "missing/protocol",
        edit: Edit::Remove("Sec-WebSocket-Protocol"),
        verdict: ServerVerdict::Switch {
            subprotocol: false,
            deflate: true,
        },
        one_pass: true,
    },
    ServerNearMiss {
        name: "missing/extensions",
        edit: Edit::Remove("Sec-WebSocket-Extensions"),
        verdict: ServerVerdict::Switch {
            subprotocol: true,
            deflate: false,
        },
        one_pass: true,
    },
    // Each field twice: singletons refused, list fields combined (RFC 9110 §5.3).
    general(
        "repeated/host",
        Edit::Twice("Host"),
        reject("duplicate_host", 400),
    ),
    general("repeated/upgrade", Edit::Twice("Upgrade"), SWITCH),
    general("repeated/connection", Edit::Twice("Connection"), SWITCH),
    general(
        "repeated/key",
        Edit::Twice("Sec-WebSocket-Key"),
        reject("duplicate_key", 400),
    ),
    general(
        "repeated/version",
        Edit::Twice("Sec-WebSocket-Version"),
        reject("duplicate_version", 426),
    ),
    general(
        "repeated/origin",
        Edit::Twice("Origin"),
        reject("duplicate_origin", 400),
    ),
    general(
        "repeated/protocol",
        Edit::Twice("Sec-WebSocket-Protocol"),
        SWITCH,
    ),
    // Two permessage-deflate offers: the first acceptable one is taken (RFC 7692 §5).
    general(
        "repeated/extensions",
        Edit::Twice("Sec-WebSocket-Extensions"),
        SWITCH,
    ),
    // OWS inside list values (RFC 9110 §5.6.1): read alike by either reader.
    taken(
        "ows/connection",
        Edit::Value("Connection", "keep-alive ,\tUpgrade"),
    ),
    taken(
        "ows/protocol",
        Edit::Value("Sec-WebSocket-Protocol", "x , chat"),
    ),
    taken(
        "ows/extensions",
        Edit::Value(
            "Sec-WebSocket-Extensions",
            "permessage-deflate ;\tclient_max_window_bits",
        ),
    ),
    // A quoted-string in a list field: to the general reader.
    general(
        "quoted/connection",
        Edit::Value("Connection", "\"Upgrade\""),
        reject("malformed_connection", 400),
    ),
    general(
        "quoted/protocol",
        Edit::Value("Sec-WebSocket-Protocol", "\"chat\""),
        reject("malformed_subprotocols", 400),
    ),
    general(
        "quoted/extensions",
        Edit::Value(
            "Sec-WebSocket-Extensions",
            "permessage-deflate; client_max_window_bits=\"15\"",
        ),
        SWITCH,
    ),
    general(
        "upgrade/list",
        Edit::Value("Upgrade", "websocket, h2c"),
        SWITCH,
    ),
    // A policy entry without a version takes any version of the name (RFC 9110 §7.8 leaves
    // the matching to the server; the README's behaviour table says so).
    general(
        "upgrade/versioned",
        Edit::Value("Upgrade", "websocket/13"),
        SWITCH,
    ),
    general(
        "upgrade/other",
        Edit::Value("Upgrade", "websockets"),
        ServerVerdict::Decline("unsupported_protocol"),
    ),
    general(
        "connection/without_upgrade",
        Edit::Value("Connection", "keep-alive"),
        ServerVerdict::Decline("connection_without_upgrade"),
    ),
    general(
        "connection/not_a_token",
        Edit::Value("Connection", "Upgrade/1"),
        reject("malformed_connection", 400),
    ),
    general(
        "key/short",
        Edit::Value("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ="),
        reject("invalid_key", 400),
    ),
    general(
        "key/trailing_bits",
        Edit::Value("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZR=="),
        reject("invalid_key", 400),
    ),
    general(
        "version/8",
        Edit::Value("Sec-WebSocket-Version", "8"),
        reject("unsupported_version", 426),
    ),
    general(
        "version/013",
        Edit::Value("Sec-WebSocket-Version", "013"),
        reject("unsupported_version", 426),
    ),
    general(
        "host/invalid",
        Edit::Value("Host", "example.com:"),
        reject("invalid_host", 400),
    ),
    // Framing fields and an expectation: the whole request to the general path.
    general(
        "framing/content_length_0",
        Edit::Add("Content-Length", "0"),
        SWITCH,
    ),
    general(
        "framing/content_length_5",
        Edit::Add("Content-Length", "5"),
        reject("request_body", 400),
    ),
    general(
        "framing/transfer_encoding",
        Edit::Add("Transfer-Encoding", "chunked"),
        reject("request_body", 400),
    ),
    general(
        "framing/expect",
        Edit::Add("Expect", "100-continue"),
        SWITCH,
    ),
    general(
        "framing/expect_other",
        Edit::Add("Expect", "fancy"),
        reject("expectation_failed", 417),
    ),
    // Case: the Upgrade name and the Connection option case-insensitively (RFC 9110 §7.8,
    // §7.6.1), field names case-insensitively (RFC 9110 §5.1), subprotocols and extension
    // names exactly (behaviour table).
    taken("case/upgrade_title", Edit::Value("Upgrade", "WebSocket")),
    taken("case/upgrade_upper", Edit::Value("Upgrade", "WEBSOCKET")),
    taken(
        "case/connection_lower",
        Edit::Value("Connection", "upgrade"),
    ),
    taken(
        "case/connection_upper",
        Edit::Value("Connection", "UPGRADE"),
    ),
    taken("case/name_host", Edit::Name("Host", "HOST")),
    taken(
        "case/name_key",
        Edit::Name("Sec-WebSocket-Key", "sec-websocket-key"),
    ),
    taken(
        "case/name_version",
        Edit::Name("Sec-WebSocket-Version", "SEC-WEBSOCKET-VERSION"),
    ),
    ServerNearMiss {
        name: "case/subprotocol",
        edit: Edit::Value("Sec-WebSocket-Protocol", "Chat"),
        verdict: ServerVerdict::Switch {
            subprotocol: false,
            deflate: true,
        },
        one_pass: true,
    },
    ServerNearMiss {
        name: "case/extension_name",
        edit: Edit::Value("Sec-WebSocket-Extensions", "Permessage-Deflate"),
        verdict: ServerVerdict::Switch {
            subprotocol: true,
            deflate: false,
        },
        one_pass: true,
    },
    // RFC 7692 §7.1: an unknown parameter makes the offer one the server declines.
    ServerNearMiss {
        name: "case/parameter_name",
        edit: Edit::Value(
            "Sec-WebSocket-Extensions",
            "permessage-deflate; Client_Max_Window_Bits",
        ),
        verdict: ServerVerdict::Switch {
            subprotocol: true,
            deflate: false,
        },
        one_pass: true,
    },
];

/// The group of a condition, `method` for `method/lowercase`.
pub fn group(name: &str) -> &str {
    name.split('/').next().unwrap_or(name)
}

/// A head from its start line and fields, with one edit applied; `{key}` in a value is
/// replaced by `key`.
fn head(start: &str, fields: &[(&str, &str)], edit: Edit, key: &str) -> Vec<u8> {
    let mut start = start;
    let mut lines: Vec<(String, String)> = Vec::new();
    for &(name, value) in fields {
        let value = value.replace("{key}", key);
        match edit {
            Edit::Value(field, new) if field == name => lines.push((name.into(), new.into())),
            Edit::Remove(field) if field == name => {}
            Edit::Twice(field) if field == name => {
                lines.push((name.into(), value.clone()));
                lines.push((name.into(), value));
            }
            Edit::Name(field, new) if field == name => lines.push((new.into(), value)),
            _ => lines.push((name.into(), value)),
        }
    }
    match edit {
        Edit::StartLine(line) => start = line,
        Edit::Add(name, value) => lines.push((name.into(), value.into())),
        _ => {}
    }
    let mut out = format!("{start}\r\n");
    for (name, value) in lines {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

impl ServerNearMiss {
    /// The request, its key made from `nonce`.
    pub fn request(&self, nonce: &[u8; 16]) -> Vec<u8> {
        head(
            "GET /chat HTTP/1.1",
            &SERVER_FIELDS,
            self.edit,
            &base64(nonce),
        )
    }
}

/// What the client must make of a response (RFC 6455 §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientVerdict {
    /// Established: whether the `chat` subprotocol and permessage-deflate are in force.
    Established { subprotocol: bool, deflate: bool },
    /// Failed; the error's name.
    Fail(&'static str),
}

/// The perfect 101's fields, in order; `{key}` here is the key's accept value.
pub const CLIENT_FIELDS: [(&str, &str); 5] = [
    ("Upgrade", "websocket"),
    ("Connection", "Upgrade"),
    ("Sec-WebSocket-Accept", "{key}"),
    ("Sec-WebSocket-Protocol", "chat"),
    ("Sec-WebSocket-Extensions", "permessage-deflate"),
];

/// The client's subprotocol offer.
pub const CLIENT_SUBPROTOCOLS: &[&str] = &["chat", "superchat"];
/// The client's extension offer.
pub const CLIENT_EXTENSIONS: &str = "permessage-deflate; client_max_window_bits";

const ESTABLISHED: ClientVerdict = ClientVerdict::Established {
    subprotocol: true,
    deflate: true,
};
const fn client(
    name: &'static str,
    edit: Edit,
    verdict: ClientVerdict,
    one_pass: bool,
) -> ClientNearMiss {
    NearMiss {
        name,
        edit,
        verdict,
        one_pass,
    }
}
const fn fail(name: &'static str) -> ClientVerdict {
    ClientVerdict::Fail(name)
}

/// Every condition of the client's gate, each as a near miss of the perfect 101.
pub const CLIENT_NEAR_MISSES: &[ClientNearMiss] = &[
    client("perfect", Edit::Add("X-Other", "1"), ESTABLISHED, true),
    // The status line: HTTP/1.1 101 (RFC 6455 §4.1 response item 1).
    client(
        "status/200",
        Edit::StartLine("HTTP/1.1 200 OK"),
        fail("not_switching"),
        false,
    ),
    client(
        "status/426",
        Edit::StartLine("HTTP/1.1 426 Upgrade Required"),
        fail("not_switching"),
        false,
    ),
    client(
        "version/1.0",
        Edit::StartLine("HTTP/1.0 101 Switching Protocols"),
        fail("not_http_1_1"),
        false,
    ),
    // Each field missing: the three required fail, the two optional stay in the gate.
    client(
        "missing/upgrade",
        Edit::Remove("Upgrade"),
        fail("upgrade_not_websocket"),
        false,
    ),
    client(
        "missing/connection",
        Edit::Remove("Connection"),
        fail("connection_not_upgrade"),
        false,
    ),
    client(
        "missing/accept",
        Edit::Remove("Sec-WebSocket-Accept"),
        fail("missing_accept"),
        false,
    ),
    client(
        "missing/protocol",
        Edit::Remove("Sec-WebSocket-Protocol"),
        ClientVerdict::Established {
            subprotocol: false,
            deflate: true,
        },
        true,
    ),
    client(
        "missing/extensions",
        Edit::Remove("Sec-WebSocket-Extensions"),
        ClientVerdict::Established {
            subprotocol: true,
            deflate: false,
        },
        true,
    ),
    // Each field twice.
    client(
        "repeated/upgrade",
        Edit::Twice("Upgrade"),
        fail("upgrade_not_websocket"),
        false,
    ),
    client(
        "repeated/connection",
        Edit::Twice("Connection"),
        ESTABLISHED,
        false,
    ),
    client(
        "repeated/accept",
        Edit::Twice("Sec-WebSocket-Accept"),
        fail("duplicate_accept"),
        false,
    ),
    client(
        "repeated/protocol",
        Edit::Twice("Sec-WebSocket-Protocol"),
        fail("unexpected_subprotocol"),
        false,
    ),
    client(
        "repeated/extensions",
        Edit::Twice("Sec-WebSocket-Extensions"),
        fail("unexpected_extension"),
        false,
    ),
    // Values.
    client(
        "upgrade/list",
        Edit::Value("Upgrade", "websocket, h2c"),
        fail("upgrade_not_websocket"),
        false,
    ),
    client(
        "upgrade/other",
        Edit::Value("Upgrade", "websockets"),
        fail("upgrade_not_websocket"),
        false,
    ),
    client(
        "connection/list",
        Edit::Value("Connection", "keep-alive, Upgrade"),
        ESTABLISHED,
        true,
    ),
    client(
        "connection/without_upgrade",
        Edit::Value("Connection", "keep-alive"),
        fail("connection_not_upgrade"),
        false,
    ),
    client(
        "quoted/connection",
        Edit::Value("Connection", "\"Upgrade\""),
        fail("connection_not_upgrade"),
        false,
    ),
    client(
        "accept/other_key",
        Edit::Value("Sec-WebSocket-Accept", "HSmrc0sMlYUkAGmm5OPpG2HaGWk="),
        fail("accept_mismatch"),
        false,
    ),
    client(
        "protocol/not_offered",
        Edit::Value("Sec-WebSocket-Protocol", "other"),
        fail("unexpected_subprotocol"),
        false,
    ),
    client(
        "protocol/list",
        Edit::Value("Sec-WebSocket-Protocol", "chat, superchat"),
        fail("unexpected_subprotocol"),
        false,
    ),
    client(
        "extensions/not_offered",
        Edit::Value("Sec-WebSocket-Extensions", "x-other"),
        fail("unexpected_extension"),
        false,
    ),
    client(
        "extensions/window_bits",
        Edit::Value(
            "Sec-WebSocket-Extensions",
            "permessage-deflate; client_max_window_bits=10",
        ),
        ESTABLISHED,
        true,
    ),
    client(
        "quoted/extensions",
        Edit::Value(
            "Sec-WebSocket-Extensions",
            "permessage-deflate; client_max_window_bits=\"10\"",
        ),
        ESTABLISHED,
        false,
    ),
    client(
        "ows/extensions",
        Edit::Value(
            "Sec-WebSocket-Extensions",
            "permessage-deflate ;\tserver_no_context_takeover",
        ),
        ESTABLISHED,
        true,
    ),
    // Case: Upgrade and the Connection option case-insensitively, field names too; the
    // accept value, subprotocols and extension names exactly.
    client(
        "case/upgrade_upper",
        Edit::Value("Upgrade", "WEBSOCKET"),
        ESTABLISHED,
        true,
    ),
    client(
        "case/connection_lower",
        Edit::Value("Connection", "upgrade"),
        ESTABLISHED,
        true,
    ),
    client(
        "case/name_accept",
        Edit::Name("Sec-WebSocket-Accept", "SEC-WEBSOCKET-ACCEPT"),
        ESTABLISHED,
        true,
    ),
    client(
        "case/accept_value",
        Edit::Value("Sec-WebSocket-Accept", "{lower_accept}"),
        fail("accept_mismatch"),
        false,
    ),
    client(
        "case/subprotocol",
        Edit::Value("Sec-WebSocket-Protocol", "Chat"),
        fail("unexpected_subprotocol"),
        false,
    ),
    client(
        "case/extension_name",
        Edit::Value("Sec-WebSocket-Extensions", "Permessage-Deflate"),
        fail("unexpected_extension"),
        false,
    ),
    client(
        "case/parameter_name",
        Edit::Value(
            "Sec-WebSocket-Extensions",
            "permessage-deflate; Server_No_Context_Takeover",
        ),
        fail("invalid_deflate_params"),
        false,
    ),
];

impl ClientNearMiss {
    /// The 101, answering the key made from `nonce`.
    pub fn response(&self, nonce: &[u8; 16]) -> Vec<u8> {
        let key = base64(nonce);
        let accept = accept(&key);
        let edit = match self.edit {
            Edit::Value(field, "{lower_accept}") => {
                // The accept value with its first letter's case flipped, leaked: a near
                // miss that differs from the right value only in case.
                let mut flipped = accept.clone().into_bytes();
                if let Some(letter) = flipped.iter_mut().find(|b| b.is_ascii_alphabetic()) {
                    *letter ^= 0x20;
                }
                let flipped: &'static str =
                    Box::leak(String::from_utf8(flipped).expect("ASCII").into_boxed_str());
                Edit::Value(field, flipped)
            }
            edit => edit,
        };
        head(
            "HTTP/1.1 101 Switching Protocols",
            &CLIENT_FIELDS,
            edit,
            &accept,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_grouped() {
        for list in [
            SERVER_NEAR_MISSES
                .iter()
                .map(|m| m.name)
                .collect::<Vec<_>>(),
            CLIENT_NEAR_MISSES.iter().map(|m| m.name).collect(),
        ] {
            let mut sorted = list.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), list.len());
            assert!(list.iter().all(|n| *n == "perfect" || n.contains('/')));
        }
    }

    #[test]
    fn an_edit_changes_exactly_one_thing() {
        let nonce = [7u8; 16];
        let perfect = SERVER_NEAR_MISSES[0].request(&nonce);
        let text = String::from_utf8(perfect).expect("ASCII");
        assert!(text.starts_with("GET /chat HTTP/1.1\r\nHost: example.com\r\n"));
        assert!(text.ends_with("X-Other: 1\r\n\r\n"));
        let twice = SERVER_NEAR_MISSES
            .iter()
            .find(|m| m.name == "repeated/key")
            .expect("listed")
            .request(&nonce);
        let key = base64(&nonce);
        assert_eq!(
            String::from_utf8(twice)
                .expect("ASCII")
                .matches(key.as_str())
                .count(),
            2
        );
    }
}
