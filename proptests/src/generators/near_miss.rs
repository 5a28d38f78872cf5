//! Near misses: one valid WebSocket request with one field value edited by one character
//! (inserted, deleted, replaced, case-flipped, or OWS put inside), and the verdict the RFC
//! grammar of that field gives the edited value, judged here without the core crate.
//! Loose comparisons (a prefix taken for the whole, case folded where it must not be, OWS
//! accepted inside a token) survive hand-picked pools; they do not survive this.

use arbitrary::Arbitrary;
use serde::{Deserialize, Serialize};

use crate::reference::Expected;
use crate::rfc::{accept, base64};

/// The field whose value is edited.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Version,
    Key,
    Upgrade,
    Connection,
    Subprotocol,
    Host,
}

/// One edit at a position (taken modulo the value's length + 1).
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Insert a byte from [`BYTES`].
    Insert(u8),
    Delete,
    /// Replace with a byte from [`BYTES`].
    Replace(u8),
    /// Flip the case of a letter (or of the next one).
    FlipCase,
    /// Put a space inside (at the ends it is OWS and means nothing).
    OwsInside,
}

/// Bytes an edit puts in: separators, token characters, digits, a quote, a percent sign.
pub const BYTES: [u8; 16] = [
    b',', b';', b'"', b'/', b':', b'@', b'%', b'=', b'\t', b'A', b'z', b'0', b'9', b'-', b'.', b'+',
];

/// A valid request, one field edited once.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct NearMiss {
    pub nonce: [u8; 16],
    pub field: Field,
    pub edit: Edit,
    pub at: u8,
}

/// The subprotocol the server takes.
pub const SUBPROTOCOL: &str = "chat";

impl NearMiss {
    fn original(&self) -> String {
        match self.field {
            Field::Version => "13".into(),
            Field::Key => base64(&self.nonce),
            Field::Upgrade => "websocket".into(),
            Field::Connection => "Upgrade".into(),
            Field::Subprotocol => SUBPROTOCOL.into(),
            Field::Host => "example.com".into(),
        }
    }

    /// The edited value.
    pub fn value(&self) -> String {
        let mut value: Vec<u8> = self.original().into_bytes();
        let at = usize::from(self.at) % (value.len() + 1);
        let pick = |i: u8| BYTES[usize::from(i) % BYTES.len()];
        match self.edit {
            Edit::Insert(i) => value.insert(at, pick(i)),
            Edit::Delete if at < value.len() => {
                value.remove(at);
            }
            Edit::Replace(i) if at < value.len() => value[at] = pick(i),
            Edit::FlipCase => {
                let start = at.min(value.len());
                if let Some(letter) = value[start..].iter_mut().find(|b| b.is_ascii_alphabetic()) {
                    *letter ^= 0x20;
                }
            }
            Edit::OwsInside => value.insert(at, b' '),
            _ => {}
        }
        String::from_utf8(value).expect("ASCII edits of ASCII")
    }

    /// The request head.
    pub fn request(&self) -> Vec<u8> {
        let edited = self.value();
        let value = |field: Field, original: String| {
            if field == self.field {
                edited.clone()
            } else {
                original
            }
        };
        format!(
            "GET /chat HTTP/1.1\r\nHost: {}\r\nUpgrade: {}\r\nConnection: {}\r\n\
Sec-WebSocket-Key: {}\r\nSec-WebSocket-Version: {}\r\nSec-WebSocket-Protocol: {}\r\n\r\n",
            value(Field::Host, "example.com".into()),
            value(Field::Upgrade, "websocket".into()),
            value(Field::Connection, "Upgrade".into()),
            value(Field::Key, base64(&self.nonce)),
            value(Field::Version, "13".into()),
            value(Field::Subprotocol, SUBPROTOCOL.into()),
        )
        .into_bytes()
    }
}

/// RFC 9110 §5.6.2, through the one reference in [`crate::rfc`].
fn is_token(text: &str) -> bool {
    crate::rfc::is_token(text.as_bytes())
}

/// RFC 9110 §5.6.1: the non-empty, OWS-trimmed members of a list (no quotes are generated
/// except as a malformed member, which stays one member here).
fn members(value: &str) -> Vec<&str> {
    value
        .split(',')
        .map(|m| m.trim_matches([' ', '\t']))
        .filter(|m| !m.is_empty())
        .collect()
}

/// RFC 4648 §4 and §3.5 for 16 bytes: 22 alphabet characters, the last with its low four
/// bits zero, then `==`.
fn canonical_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    let alphabet = |b: &u8| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/';
    bytes.len() == 24
        && bytes[..22].iter().all(alphabet)
        && b"AQgw".contains(&bytes[21])
        && &bytes[22..] == b"=="
}

/// RFC 9112 §3.2, RFC 3986 §3.2.2-§3.2.3 for a reg-name host (the edits cannot make an
/// IP-literal), with the README's choices: no comma, a port of 1-5 digits up to 65535.
pub(crate) fn host_ok(host: &str) -> bool {
    let (name, port) = match host.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    let bytes = name.as_bytes();
    let mut i = 0;
    let mut name_ok = !bytes.is_empty();
    while name_ok && i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            name_ok = bytes.len() > i + 2
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit();
            i += 3;
            continue;
        }
        name_ok = b.is_ascii_alphanumeric() || b"-._~!$&'()*+;=".contains(&b);
        i += 1;
    }
    let port_ok = port.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| n <= 65535)
    });
    name_ok && port_ok
}

/// What the server (`websocket` only, subprotocol `chat`) must do with the near miss.
pub fn expected(case: &NearMiss) -> Expected {
    let value = case.value();
    let trimmed = value.trim_matches([' ', '\t']);
    let switch = |subprotocol| Expected::WebSocket {
        accept: accept(&base64(&case.nonce)),
        subprotocol,
        deflate: None,
        expect_continue: false,
    };
    match case.field {
        Field::Connection => {
            let members = members(&value);
            if members.iter().any(|m| !is_token(m)) {
                return Expected::Reject("malformed_connection", 400);
            }
            if !members.iter().any(|m| m.eq_ignore_ascii_case("upgrade")) {
                return Expected::Decline("connection_without_upgrade");
            }
            switch(Some(SUBPROTOCOL))
        }
        Field::Upgrade => {
            let members = members(&value);
            let offer_ok = |m: &&str| crate::rfc::is_protocol(m.as_bytes());
            if !members.iter().all(offer_ok) {
                return Expected::Reject("malformed_upgrade", 400);
            }
            let websocket = members.iter().any(|m| {
                m.split('/')
                    .next()
                    .is_some_and(|name| name.eq_ignore_ascii_case("websocket"))
            });
            if !websocket {
                return Expected::Decline("unsupported_protocol");
            }
            switch(Some(SUBPROTOCOL))
        }
        Field::Host if !host_ok(trimmed) => Expected::Reject("invalid_host", 400),
        Field::Version if trimmed != "13" => Expected::Reject("unsupported_version", 426),
        Field::Key if !canonical_key(trimmed) => Expected::Reject("invalid_key", 400),
        Field::Key => Expected::WebSocket {
            accept: accept(trimmed),
            subprotocol: Some(SUBPROTOCOL),
            deflate: None,
            expect_continue: false,
        },
        Field::Subprotocol => {
            let members = members(&value);
            if members.iter().any(|m| !is_token(m)) {
                return Expected::Reject("malformed_subprotocols", 400);
            }
            // RFC 6455 §4.2.2 item 5.5: the client's first offer the server supports; names
            // compare exactly.
            switch(members.contains(&SUBPROTOCOL).then_some(SUBPROTOCOL))
        }
        Field::Host | Field::Version => switch(Some(SUBPROTOCOL)),
    }
}

/// Runs the crate on the near miss and compares with [`expected`]; panics on a difference.
pub fn check(case: &NearMiss) {
    let policy = http_upgrade::ServerPolicy {
        subprotocols: &[SUBPROTOCOL],
        ..http_upgrade::ServerPolicy::websocket()
    };
    let request = case.request();
    let observed = crate::observe::observe(&policy, &request).expect("a complete head");
    assert_eq!(
        observed.verdict,
        expected(case),
        "{:?}",
        String::from_utf8_lossy(&request)
    );
}
