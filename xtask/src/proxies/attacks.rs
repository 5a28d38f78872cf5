//! The rows: requests a client sends through a proxy to make the proxy and the server behind
//! it disagree on where a request starts and ends. Each smuggles `GET /internal`, which the
//! proxy denies (403): the backend reading it as a request of its own is a desync.

/// The request the attacks hide; the proxy must never let it reach the backend.
pub const SMUGGLED: &str = "GET /internal HTTP/1.1\r\nHost: localhost\r\n\r\n";

/// A key and version that make a valid handshake.
const WS: &str = "Upgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

/// One row: what the client sends, in phases (each phase is sent after the answer to the
/// previous one has been read).
#[derive(Debug, Clone)]
pub struct Attack {
    /// The row's name.
    pub name: &'static str,
    /// What it tries.
    pub what: &'static str,
    /// The bytes of each phase.
    pub phases: Vec<Vec<u8>>,
}

fn chunked(payload: &str) -> String {
    format!("{:x}\r\n{payload}\r\n0\r\n\r\n", payload.len())
}

fn attack(name: &'static str, what: &'static str, phases: Vec<String>) -> Attack {
    Attack {
        name,
        what,
        phases: phases.into_iter().map(String::into_bytes).collect(),
    }
}

/// Every row, in the order they run.
pub fn attacks() -> Vec<Attack> {
    let s = SMUGGLED;
    let body = chunked(s);
    vec![
        attack(
            "cl-body",
            "WebSocket upgrade whose Content-Length body is a second request",
            vec![format!("GET /ws HTTP/1.1\r\nHost: localhost\r\n{WS}Content-Length: {}\r\n\r\n{s}", s.len())],
        ),
        attack(
            "te-body",
            "WebSocket upgrade with a chunked body holding a second request",
            vec![format!("GET /ws HTTP/1.1\r\nHost: localhost\r\n{WS}Transfer-Encoding: chunked\r\n\r\n{body}")],
        ),
        attack(
            "cl-te",
            "Content-Length and Transfer-Encoding: the chunked end hides a request after it (CL.TE)",
            vec![format!("GET /ws HTTP/1.1\r\nHost: localhost\r\n{WS}Content-Length: {}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n{s}", 5 + s.len())],
        ),
        attack(
            "te-cl",
            "Transfer-Encoding and a short Content-Length: the chunk holds a request (TE.CL)",
            vec![format!("GET /ws HTTP/1.1\r\nHost: localhost\r\n{WS}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n{body}")],
        ),
        attack(
            "plain-cl-body",
            "no upgrade: a POST whose body is a request (the backend must read bodies)",
            vec![format!("POST /form HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n\r\n{s}", s.len())],
        ),
        attack(
            "ws-426-then-http",
            "version 8 refused with 426, then HTTP on the same connection (websocket-smuggle)",
            vec![
                "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n".to_string(),
                s.to_string(),
            ],
        ),
        attack(
            "ws-400-then-http",
            "a bad key refused with 400, then HTTP on the same connection",
            vec![
                "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n".to_string(),
                s.to_string(),
            ],
        ),
        attack(
            "refusal-pipelined",
            "a refused upgrade and a request in one write",
            vec![format!("GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n{s}")],
        ),
        attack(
            "ws-101-then-http",
            "a switched WebSocket, then HTTP text: frames for the backend, never a request",
            vec![format!("GET /ws HTTP/1.1\r\nHost: localhost\r\n{WS}\r\n"), s.to_string()],
        ),
        attack(
            "switch-pipelined",
            "a valid upgrade and a request in one write",
            vec![format!("GET /ws HTTP/1.1\r\nHost: localhost\r\n{WS}\r\n{s}")],
        ),
        attack(
            "h2c",
            "an h2c upgrade (declined by the backend), then a request on the connection",
            vec![
                "GET /h2c HTTP/1.1\r\nHost: localhost\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n".to_string(),
                s.to_string(),
            ],
        ),
        attack(
            "h2c-body",
            "an h2c upgrade whose Content-Length body is a request",
            vec![format!("POST /h2c HTTP/1.1\r\nHost: localhost\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\nContent-Length: {}\r\n\r\n{s}", s.len())],
        ),
        attack(
            "obs-fold-te",
            "Transfer-Encoding hidden in an obs-fold, chunked body holding a request",
            vec![format!("GET /ws HTTP/1.1\r\nHost: localhost\r\n{WS}Transfer-Encoding:\r\n chunked\r\n\r\n{body}")],
        ),
        attack(
            "bare-lf-te",
            "Transfer-Encoding after a bare LF inside another field",
            vec![format!("GET /ws HTTP/1.1\r\nHost: localhost\r\n{WS}X-A: b\nTransfer-Encoding: chunked\r\n\r\n{body}")],
        ),
        attack(
            "bare-cr-te",
            "Transfer-Encoding after a bare CR inside another field",
            vec![format!("GET /ws HTTP/1.1\r\nHost: localhost\r\n{WS}X-A: b\rTransfer-Encoding: chunked\r\n\r\n{body}")],
        ),
        attack(
            "nul-field",
            "a NUL in a field value, Content-Length body holding a request",
            vec![format!("GET /ws HTTP/1.1\r\nHost: localhost\r\n{WS}X-A: a\0b\r\nContent-Length: {}\r\n\r\n{s}", s.len())],
        ),
        attack(
            "duplicate-host",
            "two Host fields on an upgrade",
            vec![format!("GET /ws HTTP/1.1\r\nHost: localhost\r\nHost: internal.example\r\n{WS}\r\n")],
        ),
        attack(
            "absolute-form",
            "an absolute-form target naming /internal, Host naming the proxy",
            vec![format!("GET http://localhost/internal HTTP/1.1\r\nHost: localhost\r\n{WS}\r\n")],
        ),
    ]
}
