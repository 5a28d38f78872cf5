//! `cargo xtask seed`: writes fuzz seeds built from `corpus/captures/` and crafted edge cases
//! into `corpus/<target>/` (file names are content hashes, so re-running adds nothing twice).
//! Minimize afterwards with `cargo xtask fuzz --merge`.

use crate::base::paths::root;
use crate::engines::targets::seeds;
use http_upgrade_proptests::model_case::{ModelCase, MAX_ENCODED};

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn write(target: &str, bytes: &[u8]) -> std::io::Result<()> {
    let dir = root().join("corpus").join(target);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(format!("seed-{:016x}", fnv(bytes))), bytes)
}

fn captures(responses: bool) -> std::io::Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(root().join("corpus/captures"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "http"))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("response-") == responses)
        })
        .collect();
    paths.sort();
    for path in paths {
        out.push(std::fs::read(path)?);
    }
    Ok(out)
}

const GOOD: &str = "GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

/// Requests that reach each rejection and decline, and the list edge cases.
fn crafted_requests() -> Vec<String> {
    let with = |find: &str, replace: &str| GOOD.replacen(find, replace, 1);
    vec![
        GOOD.to_string(),
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".into(),
        "GET / HTTP/1.1\r\nHost: h\r\n\r\n".into(),
        with("HTTP/1.1", "HTTP/1.0"),
        with("GET", "POST"),
        with("Host: h\r\n", ""),
        with("Host: h\r\n", "Host: h\r\nHost: i\r\n"),
        with("Connection: Upgrade", "Connection: keep-alive"),
        with("Connection: Upgrade", "Connection: , keep-alive ,, Upgrade ,"),
        with("Connection: Upgrade", "Connection: \"x\", Upgrade"),
        with("Upgrade: websocket", "Upgrade: h2c, example/1, websocket/13"),
        with("Upgrade: websocket", "Upgrade: a/, websocket"),
        with("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""),
        with("Sec-WebSocket-Version", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version"),
        with("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZR=="),
        with("Sec-WebSocket-Version: 13\r\n", ""),
        with("Version: 13", "Version: 8"),
        with("Version: 13\r\n", "Version: 13\r\nSec-WebSocket-Version: 13\r\n"),
        with("Host: h\r\n", "Host: h\r\nOrigin: a\r\nOrigin: b\r\n"),
        with("Host: h\r\n", "Host: h\r\nSec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Protocol: a\r\n"),
        with("Host: h\r\n", "Host: h\r\nSec-WebSocket-Protocol: chat, a b\r\n"),
        with("Host: h\r\n", "Host: h\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits; server_max_window_bits=\"10\", x-foo; a=\"q\\\"x\"\r\n"),
        with("Host: h\r\n", "Host: h\r\nSec-WebSocket-Extensions: permessage-deflate;\r\n"),
        with("Host: h\r\n", "Host: h\r\nSec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=16, permessage-deflate; client_no_context_takeover\r\n"),
        format!("{}\u{81}\u{0}", GOOD),
        // Whole-request rules: framing, Host, Expect, Origin, quoted extension values.
        with("Host: h\r\n", "Host: h\r\nContent-Length: 5\r\n") + "hello",
        with("Host: h\r\n", "Host: h\r\nContent-Length: 0\r\nContent-Length: 0, 0\r\n"),
        with("Host: h\r\n", "Host: h\r\nContent-Length: 1, 2\r\n"),
        with("Host: h\r\n", "Host: h\r\nContent-Length: +1\r\n"),
        with("Host: h\r\n", "Host: h\r\nTransfer-Encoding: gzip, chunked\r\n") + "5\r\nhello\r\n0\r\n\r\n",
        with("Host: h\r\n", "Host: h\r\nTransfer-Encoding: chunked, gzip\r\n"),
        with("Host: h\r\n", "Host: h\r\nTransfer-Encoding: br, chunked\r\n"),
        with("Host: h\r\n", "Host: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n"),
        with("HTTP/1.1", "HTTP/1.0").replacen("Host: h\r\n", "Host: h\r\nTransfer-Encoding: chunked\r\n", 1),
        with("Upgrade: websocket", "Upgrade: example/1").replacen("Host: h\r\n", "Host: h\r\nContent-Length: 5\r\n", 1) + "hello",
        with("Host: h\r\n", "Host: h\r\nExpect: 100-continue\r\n"),
        with("Host: h\r\n", "Host: h\r\nExpect: 200-ok\r\n"),
        with("Host: h", "Host: [::1]:8080"),
        with("Host: h", "Host: a, b"),
        with("Host: h", "Host: user@h"),
        with("Host: h", "Host: h:65536"),
        with("GET /chat", "GET ws://example.com:81/chat"),
        with("GET /chat", "GET ws://user@h/chat"),
        with("Host: h\r\n", "Host: h\r\nOrigin: http://example.com\r\n"),
        with("Host: h\r\n", "Host: h\r\nOrigin: null\r\n"),
        with("Host: h\r\n", "Host: h\r\nOrigin: http://h\r\n"),
        with("Host: h\r\n", "Host: h\r\nSec-WebSocket-Extensions: x-foo; a=\"b c\"\r\n"),
        with("Host: h\r\n", "Host: h\r\nSec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=\"1\\0\"\r\n"),
        with("Host: h\r\n", &format!("Host: h\r\nExpect: {}\r\n", ["100-continue"; 40].join(", "))),
    ]
}

/// The same request with a Host at each edge of the host allow-lists: a subdomain under a
/// wildcard, a fully qualified name's trailing dot, an address followed by a dot, IPv6
/// literals of every group count (RFC 1034 §3.1, RFC 3986 §3.2.2).
fn host_edges() -> Vec<String> {
    [
        "a.example.com",
        "a.b.example.com:8080",
        "-.example.com",
        "example.com.",
        "127.0.0.1.:8080",
        "127.0.0.1:8080",
        "[::1].:9001",
        ".",
        "[1:2:3:4:5:6:7:8]",
        "[1:2:3:4:5:6:1.2.3.4]:80",
        "[2001:db8::7]",
    ]
    .iter()
    .map(|host| GOOD.replacen("Host: h", &format!("Host: {host}"), 1))
    .collect()
}

/// An h2c upgrade (RFC 7540 §3.2) whose HTTP2-Settings carries one parameter at each
/// bound RFC 9113 §6.5.2, RFC 8441 §3 and RFC 9218 §2.1 give its identifier, and one past.
fn h2c_setting_edges() -> Vec<String> {
    let bounds: [(u16, &[u32]); 5] = [
        (0x2, &[1, 2]),
        (0x4, &[0x7fff_ffff, 0x8000_0000]),
        (0x5, &[0x3fff, 0x4000, 0x00ff_ffff, 0x0100_0000]),
        (0x8, &[1, 2]),
        (0x9, &[1, 2]),
    ];
    bounds
        .iter()
        .flat_map(|&(identifier, values)| values.iter().map(move |&v| (identifier, v)))
        .map(|(identifier, value)| {
            let mut payload = identifier.to_be_bytes().to_vec();
            payload.extend_from_slice(&value.to_be_bytes());
            format!(
                "GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\n\
                 Upgrade: h2c\r\nHTTP2-Settings: {}\r\n\r\n",
                base64url(&payload)
            )
        })
        .collect()
}

/// RFC 4648 §5 without padding, for whole 3-byte groups.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    bytes
        .chunks(3)
        .flat_map(|group| {
            let bits = group.iter().fold(0u32, |bits, &b| bits << 8 | u32::from(b))
                << (8 * (3 - group.len()));
            (0..=group.len()).map(move |i| ALPHABET[(bits >> (18 - 6 * i) & 63) as usize] as char)
        })
        .collect()
}

/// A head that never ends, one byte past the default limit (RFC 6585 §5: refused, never
/// waited on).
fn endless_head() -> String {
    let head = GOOD.trim_end_matches("\r\n");
    let filler = 8 * 1024 + 1 - head.len() - "\r\nX-Filler: ".len();
    format!("{head}\r\nX-Filler: {}", "a".repeat(filler))
}

/// Writes every seed.
/// A captured HTTP/1.1 WebSocket request as the extended CONNECT (RFC 8441 §4) a browser
/// would send over HTTP/2, in the text form of `cargo xtask inspect --transport h2`:
/// lowercase names, Host as `:authority`, without the fields HTTP/2 forbids or ignores.
fn as_extended_connect(request: &[u8]) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(request);
    let head = text.split("\r\n\r\n").next()?;
    let mut lines = head.split("\r\n");
    let path = lines.next()?.split(' ').nth(1)?;
    let fields: Vec<(String, &str)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim()))
        .collect();
    let upgrade = fields.iter().find(|(name, _)| name == "upgrade")?.1;
    if !upgrade.eq_ignore_ascii_case("websocket") {
        return None;
    }
    let authority = fields.iter().find(|(name, _)| name == "host")?.1;
    let mut out = format!(
        ":method: CONNECT\n:protocol: websocket\n:scheme: https\n:path: {path}\n:authority: {authority}\n"
    );
    for (name, value) in &fields {
        let dropped = [
            "host",
            "connection",
            "upgrade",
            "sec-websocket-key",
            "keep-alive",
        ];
        if !dropped.contains(&name.as_str()) {
            out.push_str(&format!("{name}: {value}\n"));
        }
    }
    Some(out.into_bytes())
}

pub fn run() -> i32 {
    match seed() {
        Ok(count) => {
            println!("wrote {count} seeds under corpus/");
            0
        }
        Err(error) => {
            eprintln!("seed: {error}");
            1
        }
    }
}

fn seed() -> std::io::Result<usize> {
    let mut count = 0;
    let mut put = |target: &str, bytes: &[u8]| {
        count += 1;
        write(target, bytes)
    };
    let requests = captures(false)?;
    let responses = captures(true)?;
    let crafted: Vec<Vec<u8>> = crafted_requests()
        .into_iter()
        .chain(h2c_setting_edges())
        .chain([endless_head()])
        .map(String::into_bytes)
        .collect();
    // Under each of the four host allow-lists (`policy_from`: selector % 7 == 6, the list
    // is selector >> 6).
    for request in host_edges() {
        for selector in [0x06u8, 0x7d, 0x84, 0xe6] {
            let mut data = vec![selector];
            data.extend_from_slice(request.as_bytes());
            put("server_negotiate", &data)?;
        }
    }
    for request in requests.iter().chain(&crafted) {
        put("request_head", request)?;
        put("diff_tungstenite", request)?;
        for selector in [0x00u8, 0x25, 0x7d, 0xe6] {
            let mut data = vec![selector];
            data.extend_from_slice(request);
            put("server_negotiate", &data)?;
        }
    }
    let mut h2_captures: Vec<_> = std::fs::read_dir(root().join("corpus/captures"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "h2"))
        .collect();
    h2_captures.sort();
    let real_sections = h2_captures
        .iter()
        .map(std::fs::read)
        .collect::<std::io::Result<Vec<_>>>()?;
    let converted = requests.iter().filter_map(|r| as_extended_connect(r));
    for section in real_sections.into_iter().chain(converted) {
        for selector in [0x00u8, 0x25, 0x7d, 0xe6] {
            let mut data = vec![selector];
            data.extend_from_slice(&section);
            put("extended_connect", &data)?;
        }
    }
    // Every field value of the captures, at two element limits.
    for request in &requests {
        let text = String::from_utf8_lossy(request);
        for line in text.split("\r\n").skip(1) {
            if let Some((_, value)) = line.split_once(':') {
                for selector in [0x04u8, 0x88] {
                    let mut data = vec![selector];
                    data.extend_from_slice(value.as_bytes());
                    put("fast_paths", &data)?;
                }
            }
        }
    }
    let interim = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n";
    let folded: Vec<Vec<u8>> = responses
        .iter()
        .map(|r| [&interim[..], r].concat())
        .chain(responses.iter().map(|r| {
            let text = String::from_utf8_lossy(r).replacen("Upgrade: ", "Upgrade:\r\n ", 1);
            text.into_bytes()
        }))
        .collect();
    for response in responses.iter().chain(&folded) {
        put("request_head", response)?;
        for selector in [0x05u8, 0x06] {
            let mut data = vec![selector];
            data.extend_from_slice(b"the sample nonce");
            data.extend_from_slice(response);
            put("client_validate", &data)?;
        }
    }
    for value in [
        &b"permessage-deflate; client_max_window_bits"[..],
        b"permessage-deflate; server_max_window_bits=10; client_max_window_bits=\"12\", x-foo",
        b"a; b=\"c\\\"d, e\"; f , g",
        b"permessage-deflate;server_no_context_takeover;client_no_context_takeover",
        b"permessage-deflate; server_max_window_bits=\"1\\0\"; x=\"\\a\\-\\_\"",
    ] {
        put("extensions", value)?;
    }
    for value in [
        &b"\x00Upgrade"[..],
        b"\x0dkeep-alive, Upgrade",
        b"\x1a, ,a,,b ,",
        b"\x07websocket, h2c/1, \"q,x\"",
    ] {
        put("header_lists", value)?;
    }
    for nonce in [&b"the sample nonce"[..], &[0u8; 16], &[0xffu8; 16]] {
        put("accept_key", nonce)?;
    }
    for bytes in [
        &b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"[..],
        &[0x55; 64],
        &[0xaa; 128],
    ] {
        put("handshake_structured", bytes)?;
        put("transport_equivalence", bytes)?;
    }
    // The structure-aware target starts from the same cases as handshake_structured: each
    // of its seeds and regressions decoded as that target decodes it, and encoded compactly.
    for dir in seeds("handshake_structured") {
        for file in http_upgrade_proptests::corpus_files(&dir) {
            let bytes = std::fs::read(&file)?;
            if let Some(case) = ModelCase::from_arbitrary_bytes(&bytes) {
                let encoded = case.encode();
                if encoded.len() <= MAX_ENCODED {
                    put("handshake_model", &encoded)?;
                }
            }
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_follows_rfc_4648() {
        assert_eq!(base64url(&[0, 4, 0x80, 0, 0, 0]), "AASAAAAA");
        assert_eq!(base64url(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn the_endless_head_is_one_past_the_limit_and_unfinished() {
        let head = endless_head();
        assert_eq!(head.len(), 8 * 1024 + 1);
        assert!(!head.contains("\r\n\r\n"));
    }
}
