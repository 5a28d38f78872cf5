//! The handshake model: everything a client's opening request can say, each field drawn
//! from small pools so every rendering is well-formed HTTP, plus the server's policy.

use arbitrary::Arbitrary;

/// Host values.
pub const HOSTS: [&str; 4] = ["example.com", "127.0.0.1:8080", "[::1]:9001", "h"];
/// Request targets.
pub const PATHS: [&str; 4] = ["/", "/chat", "/a/b?c=d&e", "/ws?token=abc%20x"];
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
/// Extensions other than permessage-deflate, written as a client would.
pub const OTHER_EXTENSIONS: [&str; 3] = [
    "x-webkit-deflate-frame",
    "x-foo; a=\"b, c\"",
    "x-bar; q=1; r",
];
/// Unversioned Sec-WebSocket-Version values other than 13.
pub const OTHER_VERSIONS: [&str; 4] = ["8", "12", "14", "0"];
/// Origins.
pub const ORIGINS: [&str; 3] = ["http://example.com", "https://a.test:8443", "null"];
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
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Head,
}

/// A field that must appear once.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Once,
    Missing,
    Twice,
}

/// What the Sec-WebSocket-Key field holds.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionField {
    Thirteen,
    Missing,
    Twice,
    /// An index into [`OTHER_VERSIONS`].
    Other(u8),
}

/// One Upgrade offer: indices into [`PROTOCOL_NAMES`] and [`PROTOCOL_VERSIONS`].
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProtocolOffer {
    pub name: u8,
    pub version: Option<u8>,
}

/// How a parameter value is written.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    Token,
    Quoted,
}

/// One permessage-deflate offer. Window values are raw, so out-of-range ones occur.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeflateOfferModel {
    pub server_no_context_takeover: bool,
    pub client_no_context_takeover: bool,
    pub server_max_window_bits: Option<u8>,
    /// `None`: absent; `Some(None)`: valueless; `Some(Some(n))`: with a value.
    pub client_max_window_bits: Option<Option<u8>>,
    /// An unknown parameter, which makes the offer invalid.
    pub unknown_param: bool,
    /// `server_no_context_takeover` written twice, which makes the offer invalid.
    pub repeated_param: bool,
    pub quoting: Quoting,
}

/// One Sec-WebSocket-Extensions offer.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionOffer {
    Deflate(DeflateOfferModel),
    /// An index into [`OTHER_EXTENSIONS`].
    Other(u8),
}

/// An unrelated header: indices into [`NOISE_NAMES`] and [`NOISE_VALUES`].
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Noise {
    pub name: u8,
    pub value: u8,
}

/// A client's opening request.
#[derive(Arbitrary, Debug, Clone, PartialEq, Eq)]
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
    /// Indices into [`SUBPROTOCOLS`].
    pub subprotocols: Vec<u8>,
    pub extensions: Vec<ExtensionOffer>,
    pub noise: Vec<Noise>,
    /// Bytes after the head: the next protocol's, never the parser's.
    pub trailing: Vec<u8>,
}

/// The server's permessage-deflate wishes.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeflateWishes {
    pub server_no_context_takeover: bool,
    pub client_no_context_takeover: bool,
    /// Kept within 8..=15 by [`pick`].
    pub server_max_window_bits: Option<u8>,
    /// Kept within 8..=15 by [`pick`].
    pub client_max_window_bits: Option<u8>,
}

/// A server policy: indices into [`POLICY_PROTOCOLS`] and [`SUBPROTOCOLS`].
#[derive(Arbitrary, Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub protocols: Vec<u8>,
    pub subprotocols: Vec<u8>,
    pub server_order: bool,
    pub deflate: Option<DeflateWishes>,
    pub require_upgrade: bool,
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
        crate::reference::base64(&self.nonce)
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

    /// The core crate's policy for this model, borrowing the given name lists.
    pub fn to_core<'p>(
        &self,
        protocols: &'p [&'p str],
        subprotocols: &'p [&'p str],
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
            limits: http_upgrade::Limits::DEFAULT,
        }
    }
}
