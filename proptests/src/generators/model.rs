//! The handshake model: everything a client's opening request can say, each field drawn
//! from small pools so every rendering is well-formed HTTP, plus the server's policy.

use arbitrary::Arbitrary;
use serde::{Deserialize, Serialize};

/// A Host value and, written by hand from RFC 3986 §3.2.2-§3.2.3 (and the README's choices:
/// no comma, port 1-5 digits up to 65535, not empty), its host lowercased and its port, or
/// `None` when the value is invalid.
pub type HostEntry = (&'static str, Option<(&'static str, Option<&'static str>)>);

/// Valid Host values (the first [`VALID_HOSTS`] of [`HOSTS`]).
pub const VALID_HOSTS: u8 = 13;
/// Host values: valid ones first, then near misses.
pub const HOSTS: [HostEntry; 25] = [
    ("example.com", Some(("example.com", None))),
    ("127.0.0.1:8080", Some(("127.0.0.1", Some("8080")))),
    ("[::1]:9001", Some(("[::1]", Some("9001")))),
    ("h", Some(("h", None))),
    ("EXAMPLE.com:8080", Some(("example.com", Some("8080")))),
    ("[2001:db8::7]", Some(("[2001:db8::7]", None))),
    ("a.test:65535", Some(("a.test", Some("65535")))),
    (
        "xn--bcher-kva.example:0",
        Some(("xn--bcher-kva.example", Some("0"))),
    ),
    ("a.example.com", Some(("a.example.com", None))),
    ("example.com.", Some(("example.com.", None))),
    (
        "evil-example.com:8080",
        Some(("evil-example.com", Some("8080"))),
    ),
    (
        "A.B.Example.COM.:8080",
        Some(("a.b.example.com.", Some("8080"))),
    ),
    ("localhost", Some(("localhost", None))),
    ("example.com, evil.test", None),
    ("user@example.com", None),
    ("example.com/chat", None),
    ("[::1", None),
    ("::1", None),
    ("example.com:65536", None),
    ("example.com:", None),
    ("[1::2::3]", None),
    ("[::1]x", None),
    ("a%zz", None),
    ("example.com:8o", None),
    ("[1:2:3:4:5:6:7:8:9]", None),
];
/// A request target and, for an absolute-form one, its authority as a [`HostEntry`]
/// label (`Some(None)`: absolute-form without a valid authority).
pub type PathEntry = (
    &'static str,
    Option<Option<(&'static str, Option<&'static str>)>>,
);
/// Origin-form targets (the first [`ORIGIN_FORM_PATHS`] of [`PATHS`]).
pub const ORIGIN_FORM_PATHS: u8 = 4;
/// Request targets: origin-form first, then absolute-form (RFC 9112 §3.2.1-§3.2.2), then
/// origin-form near misses that [`crate::rfc::request_target_ok`] refuses (a fragment, a
/// byte outside visible ASCII).
pub const PATHS: [PathEntry; 11] = [
    ("/", None),
    ("/chat", None),
    ("/a/b?c=d&e", None),
    ("/ws?token=abc%20x", None),
    (
        "ws://Example.com:8080/chat",
        Some(Some(("example.com", Some("8080")))),
    ),
    ("http://a.test/x?y", Some(Some(("a.test", None)))),
    ("ws://user@example.com/chat", Some(None)),
    ("ws:///chat", Some(None)),
    ("https://a.test/", Some(Some(("a.test", None)))),
    ("/chat#frag", None),
    ("/caf\u{e9}", None),
];
/// HTTP2-Settings values and whether each is base64url of a SETTINGS payload in range
/// (RFC 7540 §3.2.1, RFC 9113 §6.5.2), labelled by hand.
pub const HTTP2_SETTINGS: [(&str, bool); 7] = [
    ("AAMAAABkAAQCAAAAAAIAAAAA", true),
    ("AAIAAAAB", true),
    ("AAMAAABk=", false),
    ("AAMAAAB", false),
    ("AAIAAAAC", false),
    ("AAUAAD__", false),
    ("AAMAAAB+", false),
];
/// Upgrade protocol names (the first two are WebSocket in two casings).
pub const PROTOCOL_NAMES: [&str; 5] = ["websocket", "WebSocket", "h2c", "example", "foo"];
/// Upgrade protocol versions.
pub const PROTOCOL_VERSIONS: [&str; 3] = ["1", "2", "13"];
/// Connection options.
pub const CONNECTION_OPTIONS: [&str; 5] = [
    "Upgrade",
    "upgrade",
    "keep-alive",
    "close",
    "HTTP2-Settings",
];
/// Subprotocol names (names compare exactly, so `Chat` is not `chat`).
pub const SUBPROTOCOLS: [&str; 5] = ["chat", "superchat", "mqtt", "v2.json", "Chat"];
/// Extensions other than permessage-deflate, written as a client would, each with whether
/// it follows RFC 6455 §9.1 (a quoted value must be a token once unquoted).
pub const OTHER_EXTENSIONS: [(&str, bool); 6] = [
    ("x-webkit-deflate-frame", true),
    ("x-foo; a=\"b\"", true),
    ("x-bar; q=1; r", true),
    ("x-foo; a=\"b, c\"", false),
    ("x-foo; a=\"\"", false),
    ("x-foo; a=\"b c\"", false),
];
/// Unversioned Sec-WebSocket-Version values other than 13.
pub const OTHER_VERSIONS: [&str; 4] = ["8", "12", "14", "0"];
/// An Origin value and, written by hand from RFC 6454 §6.2 and §7.1, its serialized parts
/// (scheme and host lowercased, port as written), or `None` when it is not one
/// serialized origin (`null`, a list, a path, userinfo).
pub type OriginEntry = (
    &'static str,
    Option<(&'static str, &'static str, Option<&'static str>)>,
);
/// Origins.
pub const ORIGINS: [OriginEntry; 17] = [
    ("http://example.com", Some(("http", "example.com", None))),
    (
        "https://a.test:8443",
        Some(("https", "a.test", Some("8443"))),
    ),
    ("null", None),
    ("HTTP://EXAMPLE.com", Some(("http", "example.com", None))),
    (
        "http://example.com:8080",
        Some(("http", "example.com", Some("8080"))),
    ),
    ("http://example.com/", None),
    ("http://example.com http://a.test", None),
    ("http://user@example.com", None),
    (
        "https://a.test:08443",
        Some(("https", "a.test", Some("08443"))),
    ),
    ("http://[::1]:9001", Some(("http", "[::1]", Some("9001")))),
    (
        "https://a.example.com",
        Some(("https", "a.example.com", None)),
    ),
    (
        "https://evilexample.com",
        Some(("https", "evilexample.com", None)),
    ),
    (
        "https://a.example.com.",
        Some(("https", "a.example.com.", None)),
    ),
    ("http://example.com.", Some(("http", "example.com.", None))),
    (
        "https://a..example.com",
        Some(("https", "a..example.com", None)),
    ),
    (
        "https://example.com.evil.test",
        Some(("https", "example.com.evil.test", None)),
    ),
    (
        "https://A.B.EXAMPLE.COM:8443",
        Some(("https", "a.b.example.com", Some("8443"))),
    ),
];
/// Serialized origins a server may allow (the allow-list pool), with their parts as above;
/// a host starting `*.` is a wildcard label.
pub const ALLOWED_ORIGINS: [OriginEntry; 6] = [
    ("http://example.com", Some(("http", "example.com", None))),
    (
        "https://A.test:8443",
        Some(("https", "a.test", Some("8443"))),
    ),
    ("null", None),
    ("http://[::1]:9001", Some(("http", "[::1]", Some("9001")))),
    (
        "https://*.example.com",
        Some(("https", "*.example.com", None)),
    ),
    (
        "https://*.Example.com:8443",
        Some(("https", "*.example.com", Some("8443"))),
    ),
];
/// A Host allow-list entry and, labelled by hand from the README's rule, its parts: a
/// leading `*.`, the host lowercased, the port; `None` when the entry is no pattern.
pub type HostPatternEntry = (
    &'static str,
    Option<(bool, &'static str, Option<&'static str>)>,
);
/// Every entry of [`HOST_LISTS`], labelled.
pub const ALLOWED_HOSTS: [HostPatternEntry; 11] = [
    ("example.com", Some((false, "example.com", None))),
    ("127.0.0.1:8080", Some((false, "127.0.0.1", Some("8080")))),
    ("[::1]:9001", Some((false, "[::1]", Some("9001")))),
    ("*.example.com", Some((true, "example.com", None))),
    ("h", Some((false, "h", None))),
    (
        "*.example.com:8080",
        Some((true, "example.com", Some("8080"))),
    ),
    ("a.test:65535", Some((false, "a.test", Some("65535")))),
    ("*", None),
    ("example.com.", Some((false, "example.com.", None))),
    (
        "xn--bcher-kva.example:0",
        Some((false, "xn--bcher-kva.example", Some("0"))),
    ),
    ("[2001:DB8::7]", Some((false, "[2001:db8::7]", None))),
];
/// The Host allow-lists a policy may have (each entry is in [`ALLOWED_HOSTS`]).
pub const HOST_LISTS: [&[&str]; 4] = [
    &["example.com", "127.0.0.1:8080", "[::1]:9001"],
    &["*.example.com", "h"],
    &["*.example.com:8080", "a.test:65535", "*"],
    &["example.com.", "xn--bcher-kva.example:0", "[2001:DB8::7]"],
];
/// Expect values, each with what RFC 9110 §10.1.1 makes of it: `Some(true)` expects
/// 100-continue, `Some(false)` expects nothing, `None` is an expectation a server cannot meet.
pub const EXPECTS: [(&str, Option<bool>); 7] = [
    ("100-continue", Some(true)),
    ("100-Continue", Some(true)),
    ("100-continue, 100-continue", Some(true)),
    (", ", Some(false)),
    ("200-ok", None),
    ("100-continue, foo", None),
    ("\"100-continue\"", None),
];
/// A hand-written judgement: `Ok(())`, or the rejection's name and status.
pub type Judgement = Result<(), (&'static str, u16)>;

/// Transfer-Encoding values, each with its RFC 9112 §6.1/§7 judgement written by hand:
/// `Ok(())` a chunked body, `Err(status)` the rejection.
pub const TRANSFER_ENCODINGS: [(&str, Judgement); 12] = [
    ("chunked", Ok(())),
    ("CHUNKED", Ok(())),
    ("gzip, chunked", Ok(())),
    ("x-gzip;q=\"1\" ,chunked", Ok(())),
    ("gzip", Err(("invalid_transfer_encoding", 400))),
    ("chunked, gzip", Err(("invalid_transfer_encoding", 400))),
    ("chunked, chunked", Err(("invalid_transfer_encoding", 400))),
    ("chunked;a=1", Err(("invalid_transfer_encoding", 400))),
    ("gzip;q, chunked", Err(("invalid_transfer_encoding", 400))),
    ("chunked\"", Err(("invalid_transfer_encoding", 400))),
    ("foo, chunked", Err(("unsupported_transfer_coding", 501))),
    (
        "identity, chunked",
        Err(("unsupported_transfer_coding", 501)),
    ),
];
/// Unrelated header names and values.
pub const NOISE_NAMES: [&str; 6] = [
    "User-Agent",
    "Cookie",
    "Accept-Encoding",
    "Cache-Control",
    "X-Trace",
    "Pragma",
];
/// Values for unrelated headers (one holds commas and quotes that no list parser may see).
pub const NOISE_VALUES: [&str; 4] = [
    "a",
    "no-cache",
    "k=v; k2=\"x, y\"",
    "Mozilla/5.0 (X11; Linux x86_64)",
];
/// Protocol entries a server policy may take.
pub const POLICY_PROTOCOLS: [&str; 4] = ["websocket", "h2c", "example/1", "foo"];

/// How the request method is written.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Head,
}

/// A field that must appear once.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Once,
    Missing,
    Twice,
}

/// What the Sec-WebSocket-Key field holds.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyField {
    /// base64 of the nonce.
    Valid,
    Missing,
    /// The valid key, twice.
    Twice,
    /// base64 of only 15 bytes.
    Short,
    /// base64 of the nonce with one character replaced by `!`.
    BadCharacter,
    /// The valid key without its padding.
    Unpadded,
}

/// What the Sec-WebSocket-Version field holds.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionField {
    Thirteen,
    Missing,
    Twice,
    /// An index into [`OTHER_VERSIONS`].
    Other(u8),
}

/// One Upgrade offer: indices into [`PROTOCOL_NAMES`] and [`PROTOCOL_VERSIONS`].
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProtocolOffer {
    pub name: u8,
    pub version: Option<u8>,
}

/// Which permessage-deflate parameter an offer or answer writes twice, which makes it invalid
/// (RFC 7692 §7: "multiple extension parameters with the same name"; §7.1 for answers), or
/// none. It reads one byte, as the `bool` it replaced did, and an even byte is `None` and 1
/// the old repetition, so inputs written before keep their shape.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepeatedParam {
    None,
    ServerNoContextTakeover,
    ClientNoContextTakeover,
    ServerMaxWindowBits,
    ClientMaxWindowBits,
}

impl RepeatedParam {
    /// The four parameters RFC 7692 §7.1 defines, each a way to repeat one.
    pub const EVERY: [RepeatedParam; 4] = [
        RepeatedParam::ServerNoContextTakeover,
        RepeatedParam::ClientNoContextTakeover,
        RepeatedParam::ServerMaxWindowBits,
        RepeatedParam::ClientMaxWindowBits,
    ];

    /// Whether a parameter is repeated.
    pub fn any(self) -> bool {
        self != RepeatedParam::None
    }
}

impl<'a> Arbitrary<'a> for RepeatedParam {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let byte = u8::arbitrary(u)?;
        Ok(if byte & 1 == 0 {
            RepeatedParam::None
        } else {
            Self::EVERY[usize::from(byte >> 1) % Self::EVERY.len()]
        })
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (1, Some(1))
    }
}

/// How a parameter value is written.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    Token,
    Quoted,
}

/// One permessage-deflate offer. Window values are raw, so out-of-range ones occur.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeflateOfferModel {
    pub server_no_context_takeover: bool,
    pub client_no_context_takeover: bool,
    pub server_max_window_bits: Option<u8>,
    /// `None`: absent; `Some(None)`: valueless; `Some(Some(n))`: with a value.
    pub client_max_window_bits: Option<Option<u8>>,
    /// An unknown parameter, which makes the offer invalid.
    pub unknown_param: bool,
    /// A parameter written twice, which makes the offer invalid.
    pub repeated_param: RepeatedParam,
    pub quoting: Quoting,
}

/// One Sec-WebSocket-Extensions offer.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionOffer {
    Deflate(DeflateOfferModel),
    /// An index into [`OTHER_EXTENSIONS`].
    Other(u8),
}

/// How the request frames a body (RFC 9112 §6), and the body bytes that follow the head.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum Framing {
    /// Neither Content-Length nor Transfer-Encoding.
    None,
    /// `Content-Length: n`, with `n` body bytes.
    Length(u8),
    /// `Content-Length: n` and `Content-Length: n, n`, with `n` body bytes.
    LengthRepeated(u8),
    /// A Content-Length near miss: the digits of `digits`, then one edit (see
    /// [`length_near_miss`]).
    LengthNearMiss {
        digits: u16,
        edit: u8,
        at: u8,
        byte: u8,
    },
    /// An index into [`TRANSFER_ENCODINGS`], with a chunked body.
    TransferEncoding(u8),
    /// `Content-Length: 5` and `Transfer-Encoding: chunked`.
    Both,
}

/// The bytes a near-miss edit puts in: signs, spaces, a comma, a letter, a quote, a digit.
pub const NEAR_MISS_BYTES: [u8; 8] = [b'+', b'-', b' ', b',', b'x', b'"', b'0', b'9'];

/// `digits` in decimal with one edit: 0 insert `byte` at `at`, 1 delete at `at`, 2 replace
/// at `at`, 3 append `, ` and the same digits, 4 append `, ` and other digits, 5 the value
/// 2^64 (one past `u64`), 6 empty.
pub fn length_near_miss(digits: u16, edit: u8, at: u8, byte: u8) -> String {
    let text = digits.to_string();
    let at = usize::from(at) % (text.len() + 1);
    let byte = char::from(pick(&NEAR_MISS_BYTES, byte));
    let mut out = text.clone();
    match edit % 7 {
        0 => out.insert(at, byte),
        1 => {
            if at < text.len() {
                out.remove(at);
            }
        }
        2 => {
            if at < text.len() {
                out.replace_range(at..at + 1, &byte.to_string());
            }
        }
        3 => out = format!("{text}, {text}"),
        4 => out = format!("{text}, {}", u32::from(digits) + 1),
        5 => out = "18446744073709551616".to_string(),
        _ => out.clear(),
    }
    out
}

/// An unrelated header: indices into [`NOISE_NAMES`] and [`NOISE_VALUES`].
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Noise {
    pub name: u8,
    pub value: u8,
}

/// A client's opening request.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    pub nonce: [u8; 16],
    pub method: Method,
    pub http10: bool,
    pub host: u8,
    pub host_presence: Presence,
    pub path: u8,
    /// Empty: no Upgrade field.
    pub upgrade: Vec<ProtocolOffer>,
    /// Indices into [`CONNECTION_OPTIONS`]; empty: no Connection field.
    pub connection: Vec<u8>,
    pub key: KeyField,
    pub version: VersionField,
    /// An index into [`ORIGINS`].
    pub origin: Option<u8>,
    /// Body framing and the body after the head.
    pub framing: Framing,
    /// An index into [`EXPECTS`].
    pub expect: Option<u8>,
    /// Indices into [`HTTP2_SETTINGS`], one field each.
    pub http2_settings: Vec<u8>,
    /// Indices into [`SUBPROTOCOLS`].
    pub subprotocols: Vec<u8>,
    pub extensions: Vec<ExtensionOffer>,
    pub noise: Vec<Noise>,
    /// Bytes after the head: the next protocol's, never the parser's.
    pub trailing: Vec<u8>,
}

/// The server's permessage-deflate wishes.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeflateWishes {
    pub server_no_context_takeover: bool,
    pub client_no_context_takeover: bool,
    /// Kept within 8..=15 by [`pick`].
    pub server_max_window_bits: Option<u8>,
    /// Kept within 8..=15 by [`pick`].
    pub client_max_window_bits: Option<u8>,
}

/// Which Origins the server takes.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum OriginRule {
    Any,
    /// Indices into [`ALLOWED_ORIGINS`].
    AllowList(Vec<u8>),
    SameHost,
}

/// Which hosts the server answers for.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostRule {
    Any,
    /// An index into [`HOST_LISTS`].
    AllowList(u8),
}

/// A server policy: indices into [`POLICY_PROTOCOLS`] and [`SUBPROTOCOLS`].
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub protocols: Vec<u8>,
    pub subprotocols: Vec<u8>,
    pub server_order: bool,
    pub deflate: Option<DeflateWishes>,
    pub require_upgrade: bool,
    pub origins: OriginRule,
    pub require_origin: bool,
    pub allow_body: bool,
    pub hosts: HostRule,
}

/// `pool[index % len]`: every index picks something.
pub fn pick<T: Copy>(pool: &[T], index: u8) -> T {
    pool[usize::from(index) % pool.len()]
}

/// A window-bits wish mapped into 8..=15.
pub fn window(bits: u8) -> u8 {
    8 + bits % 8
}

impl Handshake {
    /// The key text the model's client sends when the key is valid.
    pub fn key_text(&self) -> String {
        crate::rfc::base64(&self.nonce)
    }

    /// A well-formed WebSocket request with the given nonce and nothing optional.
    pub fn minimal(nonce: [u8; 16]) -> Self {
        Handshake {
            nonce,
            method: Method::Get,
            http10: false,
            host: 0,
            host_presence: Presence::Once,
            path: 1,
            upgrade: vec![ProtocolOffer {
                name: 0,
                version: None,
            }],
            connection: vec![0],
            key: KeyField::Valid,
            version: VersionField::Thirteen,
            origin: None,
            framing: Framing::None,
            expect: None,
            http2_settings: vec![],
            subprotocols: vec![],
            extensions: vec![],
            noise: vec![],
            trailing: vec![],
        }
    }
}

impl Policy {
    /// The protocol entries, at least `websocket` when the list is empty.
    pub fn protocol_entries(&self) -> Vec<&'static str> {
        let mut entries: Vec<&'static str> = self
            .protocols
            .iter()
            .map(|&i| pick(&POLICY_PROTOCOLS, i))
            .collect();
        if entries.is_empty() {
            entries.push("websocket");
        }
        entries.dedup();
        entries
    }

    /// The subprotocols, in the server's order.
    pub fn subprotocol_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Vec::new();
        for &index in &self.subprotocols {
            let name = pick(&SUBPROTOCOLS, index);
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// The allow-list's origins, when the rule is one.
    pub fn allowed_origins(&self) -> Vec<&'static str> {
        match &self.origins {
            OriginRule::AllowList(list) => {
                list.iter().map(|&i| pick(&ALLOWED_ORIGINS, i).0).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The core crate's policy for this model, borrowing the given name lists.
    pub fn to_core<'p>(
        &self,
        protocols: &'p [&'p str],
        subprotocols: &'p [&'p str],
        allowed_origins: &'p [&'p str],
    ) -> http_upgrade::ServerPolicy<'p> {
        http_upgrade::ServerPolicy {
            protocols,
            subprotocols,
            subprotocol_order: if self.server_order {
                http_upgrade::SubprotocolOrder::Server
            } else {
                http_upgrade::SubprotocolOrder::Client
            },
            deflate: self.deflate.map(|wishes| http_upgrade::DeflatePolicy {
                server_no_context_takeover: wishes.server_no_context_takeover,
                client_no_context_takeover: wishes.client_no_context_takeover,
                server_max_window_bits: wishes.server_max_window_bits.map(window),
                client_max_window_bits: wishes.client_max_window_bits.map(window),
            }),
            require_upgrade: self.require_upgrade,
            origins: match self.origins {
                OriginRule::Any => http_upgrade::OriginPolicy::Any,
                OriginRule::AllowList(_) => http_upgrade::OriginPolicy::AllowList(allowed_origins),
                OriginRule::SameHost => http_upgrade::OriginPolicy::SameHost,
            },
            require_origin: self.require_origin,
            allow_body: self.allow_body,
            hosts: match self.hosts {
                HostRule::Any => http_upgrade::HostPolicy::Any,
                HostRule::AllowList(index) => {
                    http_upgrade::HostPolicy::AllowList(pick(&HOST_LISTS, index))
                }
            },
            limits: http_upgrade::Limits::DEFAULT,
        }
    }
}
