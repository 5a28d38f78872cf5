//! Inputs and peer implementations shared by the benches and the allocation report.
//!
//! - [`websocket_requests`], [`all_requests`], [`responses`]: the real captures in
//!   `corpus/captures/` plus a large browser head ([`large_head`]);
//! - [`floor`]: the least our own dependencies can do for a correct-looking 101;
//! - [`tungstenite_accept`]: tungstenite's server handshake over an in-memory socket;
//! - [`ours`]: this crate's whole server hot path.

pub mod counting;
pub mod peers;

use std::io::{self, Read, Write};
use std::path::PathBuf;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use http_upgrade::{Outcome, Reply, ServerPolicy, Status, EMPTY_HEADER};
use sha1::{Digest as _, Sha1};

/// One bench input.
pub struct Input {
    /// A short name for reports.
    pub name: String,
    /// The raw bytes.
    pub bytes: Vec<u8>,
}

fn captures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus/captures")
}

fn load(prefix_response: bool) -> Vec<Input> {
    let mut inputs: Vec<Input> = std::fs::read_dir(captures_dir())
        .expect("corpus/captures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "http"))
        .map(|p| Input {
            name: p.file_stem().expect("stem").to_string_lossy().into_owned(),
            bytes: std::fs::read(&p).expect("read capture"),
        })
        .filter(|i| i.name.starts_with("response-") == prefix_response)
        .collect();
    inputs.sort_by(|a, b| a.name.cmp(&b.name));
    inputs
}

/// A realistic ~4 KiB browser request: Chromium's capture plus cookies and the usual
/// navigation headers, as a logged-in site would send.
pub fn large_head() -> Input {
    let chromium = std::fs::read(captures_dir().join("chromium.http")).expect("chromium capture");
    let head = &chromium[..chromium.len() - 2];
    let mut bytes = head.to_vec();
    let cookie: String = (0..40)
        .map(|i| format!("session_part_{i:02}=a8f5f167f44f4964e6c998dee827110c; "))
        .collect();
    bytes.extend_from_slice(format!("Cookie: {}\r\n", cookie.trim_end_matches("; ")).as_bytes());
    for (name, value) in [
        ("Sec-Fetch-Dest", "websocket"),
        ("Sec-Fetch-Mode", "websocket"),
        ("Sec-Fetch-Site", "same-origin"),
        ("Sec-CH-UA", "\"Chromium\";v=\"156\", \"Not)A;Brand\";v=\"99\""),
        ("Sec-CH-UA-Mobile", "?0"),
        ("Sec-CH-UA-Platform", "\"Linux\""),
        ("X-Request-Id", "0f8e1b2c-4d5a-6b7c-8d9e-0a1b2c3d4e5f"),
        ("Authorization", "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
    ] {
        bytes.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    bytes.extend_from_slice(b"\r\n");
    Input {
        name: "large-browser-4k".to_string(),
        bytes,
    }
}

/// The WebSocket request captures (not the h2c ones, nor the Expect one, which differs from
/// `curl-websocket` only by a field), then the large head.
pub fn websocket_requests() -> Vec<Input> {
    let mut inputs: Vec<Input> = load(false)
        .into_iter()
        .filter(|i| !i.name.contains("h2c") && !i.name.contains("expect"))
        .collect();
    inputs.push(large_head());
    inputs
}

/// Every request capture, the h2c one included, then the large head.
pub fn all_requests() -> Vec<Input> {
    let mut inputs = load(false);
    inputs.push(large_head());
    inputs
}

/// The real 101 responses (answers to the RFC 6455 sample key).
pub fn responses() -> Vec<Input> {
    load(true)
}

const GUID: &[u8] = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const FIXED_101: &[u8] =
    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ";

/// The floor: httparse, a case-insensitive scan for Sec-WebSocket-Key, SHA-1, base64, and
/// a fixed 101 head with the Accept copied into `out`. No checks at all; returns the length.
pub fn floor(bytes: &[u8], out: &mut [u8]) -> usize {
    floor_with(
        bytes,
        out,
        |key| {
            let mut sha1 = Sha1::new();
            sha1.update(key);
            sha1.update(GUID);
            Some(sha1.finalize().into())
        },
        |digest| {
            let mut accept = [0u8; 28];
            let _ = STANDARD.encode_slice(digest, &mut accept);
            accept
        },
    )
}

/// [`floor`] fed to its crates as ours feeds them: sha1's block function on
/// the two padded blocks of the 60-byte key ‖ GUID, without the `Digest` buffer, and the
/// digest zero-extended to 27 bytes so that base64's eight-bytes-a-step loop encodes it.
/// The floor as the issue defines it uses the plain interfaces; this one shows how much of
/// ours / floor is those two changes.
pub fn floor_blocks(bytes: &[u8], out: &mut [u8]) -> usize {
    floor_with(
        bytes,
        out,
        |key| {
            let mut first = [0u8; 64];
            first[..24].copy_from_slice(key.get(..24)?);
            first[24..60].copy_from_slice(GUID);
            first[60] = 0x80;
            let mut second = [0u8; 64];
            second[56..].copy_from_slice(&480u64.to_be_bytes());
            let mut state = [
                0x6745_2301,
                0xEFCD_AB89,
                0x98BA_DCFE,
                0x1032_5476,
                0xC3D2_E1F0,
            ];
            sha1::block_api::compress(&mut state, &[first, second]);
            let mut digest = [0u8; 20];
            for (chunk, word) in digest.chunks_exact_mut(4).zip(state) {
                chunk.copy_from_slice(&word.to_be_bytes());
            }
            Some(digest)
        },
        |digest| {
            let mut extended = [0u8; 27];
            extended[..20].copy_from_slice(digest);
            let mut encoded = [0u8; 36];
            let _ = STANDARD.encode_slice(extended, &mut encoded);
            let mut accept = [b'='; 28];
            accept[..27].copy_from_slice(&encoded[..27]);
            accept
        },
    )
}

/// The floor's frame: httparse, the key found by a case-insensitive scan, `digest` of it,
/// `encode` of that (base64), and the fixed 101 around the accept value.
#[inline(always)]
fn floor_with(
    bytes: &[u8],
    out: &mut [u8],
    digest: impl Fn(&[u8]) -> Option<[u8; 20]>,
    encode: impl Fn(&[u8; 20]) -> [u8; 28],
) -> usize {
    let mut headers = [EMPTY_HEADER; 32];
    let mut request = httparse::Request::new(&mut headers);
    if !matches!(request.parse(bytes), Ok(httparse::Status::Complete(_))) {
        return 0;
    }
    let Some(key) = request
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("sec-websocket-key"))
    else {
        return 0;
    };
    let Some(digest) = digest(key.value) else {
        return 0;
    };
    let accept = encode(&digest);
    let len = FIXED_101.len() + accept.len() + 4;
    out[..FIXED_101.len()].copy_from_slice(FIXED_101);
    out[FIXED_101.len()..FIXED_101.len() + 28].copy_from_slice(&accept);
    out[FIXED_101.len() + 28..len].copy_from_slice(b"\r\n\r\n");
    len
}

/// Our whole server hot path, as a server calls it: parse, negotiate and write the 101 with
/// [`ServerPolicy::respond`] (the one pass, and the general path for anything else);
/// returns the response's length.
pub fn ours(policy: &ServerPolicy<'_>, bytes: &[u8], out: &mut [u8]) -> usize {
    let mut headers = [EMPTY_HEADER; 32];
    match policy.respond(bytes, &mut headers, out) {
        Status::Complete(Reply::WebSocket(switch)) => switch.written,
        Status::Complete(Reply::Handshake(handshake)) => {
            policy.write_response(&handshake.outcome, out).unwrap_or(0)
        }
        Status::Partial => 0,
    }
}

/// The general path alone, the reference the one pass is checked against: parse,
/// [`ServerPolicy::negotiate`], [`ServerPolicy::write_response`].
pub fn ours_general(policy: &ServerPolicy<'_>, bytes: &[u8], out: &mut [u8]) -> usize {
    let mut headers = [EMPTY_HEADER; 32];
    match policy.handshake(bytes, &mut headers) {
        Status::Complete(handshake) => {
            debug_assert!(matches!(
                handshake.outcome,
                Outcome::Switch(_) | Outcome::Decline(_)
            ));
            policy.write_response(&handshake.outcome, out).unwrap_or(0)
        }
        Status::Partial => 0,
    }
}

/// The key every captured 101 answers (RFC 6455 §1.3's sample).
pub const SAMPLE_KEY: &[u8; 24] = b"dGhlIHNhbXBsZSBub25jZQ==";

/// The client floor: httparse on the 101, a case-insensitive scan for
/// Sec-WebSocket-Accept, and a compare with base64(SHA-1(key ‖ GUID)) computed for the
/// key; no other check. Whether the value matched.
pub fn client_floor(bytes: &[u8]) -> bool {
    let mut headers = [EMPTY_HEADER; 16];
    let mut response = httparse::Response::new(&mut headers);
    if !matches!(response.parse(bytes), Ok(httparse::Status::Complete(_))) {
        return false;
    }
    let Some(accept) = response
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("sec-websocket-accept"))
    else {
        return false;
    };
    let mut sha1 = Sha1::new();
    sha1.update(SAMPLE_KEY);
    sha1.update(GUID);
    let digest: [u8; 20] = sha1.finalize().into();
    let mut expected = [0u8; 28];
    let _ = STANDARD.encode_slice(digest, &mut expected);
    accept.value == expected
}

/// The offers the captured 101s answer (subprotocols `chat` and `superchat`, and
/// permessage-deflate with `client_max_window_bits`), as the client's checked request keeps
/// them: the extension offer parsed once, when the request was checked.
pub fn client_expectation() -> http_upgrade::Expectation<'static> {
    client_checked_request().expectation()
}

/// Our client hot path: validate a 101 against the offers. Whether it was accepted.
pub fn client_ours(expectation: &http_upgrade::Expectation<'_>, bytes: &[u8]) -> bool {
    let mut headers = [EMPTY_HEADER; 16];
    matches!(
        expectation.validate(bytes, &mut headers),
        Ok(Status::Complete(_))
    )
}

/// The opening request the client benches write (RFC 6455 §4.1), with the sample nonce
/// whose key the captured 101s answer and the offers they answer.
pub fn client_request() -> http_upgrade::ClientRequest<'static> {
    http_upgrade::ClientRequest {
        host: "127.0.0.1:8080",
        target: "/chat",
        nonce: *b"the sample nonce",
        origin: Some("http://127.0.0.1:8080"),
        subprotocols: &["chat", "superchat"],
        extensions: Some("permessage-deflate; client_max_window_bits"),
    }
}

/// [`client_request`] checked ([`http_upgrade::ClientRequest::check`]).
pub fn client_checked_request() -> http_upgrade::CheckedRequest<'static> {
    client_request()
        .check()
        .expect("the bench request is valid")
}

/// Ours checking the caller's parts and parsing the extension offer, once per request
/// configuration: [`http_upgrade::ClientRequest::check`]; whether they passed.
pub fn client_check(request: &http_upgrade::ClientRequest<'_>) -> bool {
    request.check().is_ok()
}

/// Ours writing the client's request: [`http_upgrade::CheckedRequest::write`], the parts
/// checked before; the length written.
pub fn client_write(request: &http_upgrade::CheckedRequest<'_>, out: &mut [u8]) -> usize {
    request.write(out).unwrap_or(0)
}

/// Ours checking and writing in one call: [`http_upgrade::ClientRequest::write`]; the length
/// written.
pub fn client_check_and_write(request: &http_upgrade::ClientRequest<'_>, out: &mut [u8]) -> usize {
    request.write(out).unwrap_or(0)
}

/// The floor of writing the same request: base64 of the nonce and the caller's parts
/// copied between fixed text, nothing checked.
pub fn client_write_floor(request: &http_upgrade::ClientRequest<'_>, out: &mut [u8]) -> usize {
    let mut key = [0u8; 24];
    let _ = STANDARD.encode_slice(request.nonce, &mut key);
    let mut len = 0;
    let mut put = |bytes: &[u8]| {
        out[len..len + bytes.len()].copy_from_slice(bytes);
        len += bytes.len();
    };
    put(b"GET ");
    put(request.target.as_bytes());
    put(b" HTTP/1.1\r\nHost: ");
    put(request.host.as_bytes());
    put(b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ");
    put(&key);
    put(b"\r\nSec-WebSocket-Version: 13\r\n");
    if let Some(origin) = request.origin {
        put(b"Origin: ");
        put(origin.as_bytes());
        put(b"\r\n");
    }
    if let Some((first, rest)) = request.subprotocols.split_first() {
        put(b"Sec-WebSocket-Protocol: ");
        put(first.as_bytes());
        for subprotocol in rest {
            put(b", ");
            put(subprotocol.as_bytes());
        }
        put(b"\r\n");
    }
    if let Some(extensions) = request.extensions {
        put(b"Sec-WebSocket-Extensions: ");
        put(extensions.as_bytes());
        put(b"\r\n");
    }
    put(b"\r\n");
    len
}

/// An in-memory socket for tungstenite: reads the input, then would block; keeps output.
struct Memory<'a> {
    input: &'a [u8],
    output: Vec<u8>,
}

impl Read for Memory<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.input.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = self.input.len().min(buf.len());
        buf[..n].copy_from_slice(&self.input[..n]);
        self.input = &self.input[n..];
        Ok(n)
    }
}

impl Write for Memory<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.output.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// tungstenite's server `accept` over an in-memory socket; returns the response length.
pub fn tungstenite_accept(bytes: &[u8]) -> usize {
    let memory = Memory {
        input: bytes,
        output: Vec::with_capacity(256),
    };
    match tungstenite::accept(memory) {
        Ok(socket) => socket.get_ref().output.len(),
        Err(_) => 0,
    }
}

/// The plain WebSocket policy (the same work the floor and tungstenite do).
pub fn plain_policy() -> ServerPolicy<'static> {
    ServerPolicy::websocket()
}

/// A policy with subprotocols and permessage-deflate, as a real chat server would run.
pub fn full_policy() -> ServerPolicy<'static> {
    ServerPolicy {
        subprotocols: &["superchat", "chat"],
        deflate: Some(http_upgrade::DeflatePolicy::default()),
        ..ServerPolicy::websocket()
    }
}

/// A capture's request as the extended CONNECT a browser would send over HTTP/2 (RFC 8441
/// §5): pseudo-header fields from the request line and Host, then the fields HTTP/2 keeps,
/// lowercase; the key and the HTTP/1.1 connection fields dropped.
pub fn connect_section(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut headers = [EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    let Ok(httparse::Status::Complete(_)) = request.parse(bytes) else {
        return Vec::new();
    };
    let host = request
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("host"))
        .map_or(&b""[..], |h| h.value);
    let mut section: Vec<(String, Vec<u8>)> = vec![
        (":method".into(), b"CONNECT".to_vec()),
        (":protocol".into(), b"websocket".to_vec()),
        (":scheme".into(), b"https".to_vec()),
        (
            ":path".into(),
            request.path.unwrap_or("/").as_bytes().to_vec(),
        ),
        (":authority".into(), host.to_vec()),
    ];
    const DROPPED: [&str; 4] = ["host", "upgrade", "connection", "sec-websocket-key"];
    for header in request.headers.iter() {
        let name = header.name.to_ascii_lowercase();
        if !DROPPED.contains(&name.as_str()) {
            section.push((name, header.value.to_vec()));
        }
    }
    section
}

/// Our extended CONNECT path: negotiate the field section and build the response fields;
/// returns the response status.
pub fn ours_connect(
    policy: &ServerPolicy<'_>,
    fields: &[http_upgrade::Header<'_>],
    out: &mut [u8],
) -> u16 {
    let outcome = policy.negotiate_connect(fields);
    policy
        .connect_response(&outcome, out)
        .map_or(0, |response| response.status)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The floors are baselines only if they write the 101 ours writes: the same bytes for
    /// every real WebSocket handshake, under the plain policy.
    #[test]
    fn floors_write_the_101_ours_writes() {
        let policy = plain_policy();
        let requests = websocket_requests();
        assert!(requests.len() >= 6, "{}", requests.len());
        for input in &requests {
            let mut ours_out = [0u8; 512];
            let len = ours(&policy, &input.bytes, &mut ours_out);
            assert!(len > 0, "{}", input.name);
            for (name, floor) in [
                ("floor", floor as fn(&[u8], &mut [u8]) -> usize),
                ("floor-blocks", floor_blocks),
            ] {
                let mut out = [0u8; 512];
                let floor_len = floor(&input.bytes, &mut out);
                assert_eq!(
                    &out[..floor_len],
                    &ours_out[..len],
                    "{name} on {}",
                    input.name
                );
            }
        }
    }

    /// The same for the client's request and its floor.
    #[test]
    fn the_write_floor_writes_the_request_ours_writes() {
        let request = client_request();
        let (mut ours_out, mut floor_out) = ([0u8; 512], [0u8; 512]);
        let len = client_write(&client_checked_request(), &mut ours_out);
        let mut once = [0u8; 512];
        assert_eq!(client_check_and_write(&request, &mut once), len);
        assert_eq!(once[..len], ours_out[..len]);
        assert!(len > 0);
        let floor_len = client_write_floor(&request, &mut floor_out);
        assert_eq!(&floor_out[..floor_len], &ours_out[..len]);
    }
}
