//! The server behind each proxy: the crate's `respond` and `write_response`, as a server
//! embeds them, keeping connections alive for plain requests, with every request head it
//! reads recorded. `Lenient` is the negative control: a backend that ignores bodies and
//! keeps reading HTTP after a refused upgrade, the two mistakes request smuggling feeds on.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::base::net::LoopbackServer;
use http_upgrade::{parse_request, Outcome, Reply, ServerPolicy, Status, EMPTY_HEADER};

/// How the backend reads what follows a head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// As RFC 9112 §6.3 says: a plain request's body is read by its framing, and a refused
    /// upgrade closes the connection.
    Strict,
    /// Bodies ignored and the connection kept after a refusal: bytes after a head are read
    /// as the next request.
    Lenient,
}

/// One request head the backend read, and what it did with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The backend connection it came on (numbered from 0).
    pub connection: usize,
    /// The request-target.
    pub target: String,
    /// `switch websocket`, `reject <reason>`, `plain`, or `malformed`.
    pub verdict: String,
}

/// A running backend on 127.0.0.1; stopped when dropped.
pub struct Backend {
    /// Its port.
    pub port: u16,
    log: Arc<Mutex<Vec<Seen>>>,
    /// Held so that it stops accepting when the backend goes.
    _server: LoopbackServer,
}

/// The most requests one connection serves, and the largest body read: bounded loops.
const MAX_REQUESTS: usize = 64;
const MAX_BODY: usize = 1 << 16;
/// How long a connection may sit idle before the backend closes it.
const IDLE: Duration = Duration::from_secs(5);

impl Backend {
    /// Starts the backend in `mode` on a free port.
    pub fn start(mode: Mode) -> std::io::Result<Backend> {
        let log = Arc::new(Mutex::new(Vec::new()));
        let thread_log = Arc::clone(&log);
        let server = LoopbackServer::start(move |stream, id| serve(stream, id, mode, &thread_log))?;
        Ok(Backend {
            port: server.port,
            log,
            _server: server,
        })
    }

    /// Everything seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.log.lock().map(|log| log.clone()).unwrap_or_default()
    }
}

/// Serves one connection until it closes, idles, or a verdict ends it.
pub fn serve(mut stream: TcpStream, connection: usize, mode: Mode, log: &Mutex<Vec<Seen>>) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let policy = ServerPolicy::websocket();
    let mut buf: Vec<u8> = Vec::new();
    let record = |target: &str, verdict: String| {
        if let Ok(mut log) = log.lock() {
            log.push(Seen {
                connection,
                target: target.to_string(),
                verdict,
            });
        }
    };
    for _ in 0..MAX_REQUESTS {
        if !read_head(&mut stream, &mut buf, &policy) {
            return;
        }
        let mut headers = [EMPTY_HEADER; 64];
        let target = match parse_request(&buf, &mut headers, &policy.limits) {
            Ok(Status::Complete(head)) => head.target.to_string(),
            _ => String::new(),
        };
        let mut headers = [EMPTY_HEADER; 64];
        let mut out = [0u8; 1024];
        let reply = match policy.respond(&buf, &mut headers, &mut out) {
            Status::Complete(reply) => reply,
            Status::Partial => return,
        };
        let next = match reply {
            Reply::WebSocket(switch) => {
                record(&target, "switch websocket".into());
                let _ = stream.write_all(&out[..switch.written]);
                tunnel(stream, buf[switch.consumed..].to_vec());
                return;
            }
            Reply::Handshake(handshake) => {
                let len = policy
                    .write_response(&handshake.outcome, &mut out)
                    .unwrap_or(0);
                match handshake.outcome {
                    Outcome::Switch(accepted) => {
                        record(&target, format!("switch {}", accepted.protocol.text));
                        let _ = stream.write_all(&out[..len]);
                        let consumed = handshake.consumed.unwrap_or(buf.len());
                        tunnel(stream, buf[consumed..].to_vec());
                        return;
                    }
                    Outcome::Reject(reason) => {
                        let _ = stream.write_all(&out[..len]);
                        let Some(consumed) = handshake.consumed else {
                            record(&target, "malformed".into());
                            let _ = stream.shutdown(Shutdown::Both);
                            return;
                        };
                        record(&target, format!("reject {}", reason.name()));
                        if mode == Mode::Strict {
                            let _ = stream.shutdown(Shutdown::Both);
                            return;
                        }
                        consumed
                    }
                    Outcome::Decline(_) => {
                        let consumed = handshake.consumed.unwrap_or(buf.len());
                        let end = if mode == Mode::Strict {
                            match plain_body_end(&mut stream, &mut buf, consumed) {
                                Ok(end) => end,
                                Err(()) => {
                                    record(&target, "reject framing".into());
                                    let _ = stream.write_all(
                                        b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                                    );
                                    let _ = stream.shutdown(Shutdown::Both);
                                    return;
                                }
                            }
                        } else {
                            consumed
                        };
                        record(&target, "plain".into());
                        let body = format!("served {target}\n");
                        let answer = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if stream.write_all(answer.as_bytes()).is_err() {
                            return;
                        }
                        end
                    }
                }
            }
        };
        buf.drain(..next.min(buf.len()));
    }
}

/// Reads until `buf` holds a complete head (or one the crate refuses); false on EOF, idle,
/// or an error before that.
fn read_head(stream: &mut TcpStream, buf: &mut Vec<u8>, policy: &ServerPolicy<'_>) -> bool {
    let mut chunk = [0u8; 4096];
    loop {
        if !buf.is_empty() {
            let mut headers = [EMPTY_HEADER; 64];
            if !matches!(
                parse_request(buf, &mut headers, &policy.limits),
                Ok(Status::Partial)
            ) {
                return true;
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// After a switch: echo every byte back until the peer closes or idles (the new protocol's
/// bytes are never read as HTTP).
fn tunnel(mut stream: TcpStream, early: Vec<u8>) {
    let _ = stream.write_all(&early);
    let mut chunk = [0u8; 4096];
    while let Ok(n) = stream.read(&mut chunk) {
        if n == 0 || stream.write_all(&chunk[..n]).is_err() {
            break;
        }
    }
}

/// Where a plain request's body ends in `buf` (reading more as needed), by RFC 9112 §6.3:
/// Transfer-Encoding `chunked` alone, or one Content-Length value; anything else (both, an
/// unknown coding, a bad length) is a framing error.
fn plain_body_end(stream: &mut TcpStream, buf: &mut Vec<u8>, head: usize) -> Result<usize, ()> {
    let mut headers = [EMPTY_HEADER; 64];
    let Ok(Status::Complete(parsed)) = parse_request(buf, &mut headers, &Default::default()) else {
        return Err(());
    };
    let mut length: Option<usize> = None;
    let mut chunked = false;
    for field in parsed.fields.as_slice() {
        if field.name.eq_ignore_ascii_case("transfer-encoding") {
            if chunked || !field.value.eq_ignore_ascii_case(b"chunked") {
                return Err(());
            }
            chunked = true;
        } else if field.name.eq_ignore_ascii_case("content-length") {
            let text = std::str::from_utf8(field.value).map_err(|_| ())?;
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(());
            }
            let value: usize = text.parse().map_err(|_| ())?;
            if length.is_some_and(|old| old != value) || value > MAX_BODY {
                return Err(());
            }
            length = Some(value);
        }
    }
    match (chunked, length) {
        (true, Some(_)) => Err(()),
        (false, None) => Ok(head),
        (false, Some(n)) => {
            fill(stream, buf, head + n)?;
            Ok(head + n)
        }
        (true, None) => chunked_end(stream, buf, head),
    }
}

/// Reads until `buf` holds at least `len` bytes.
fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>, len: usize) -> Result<(), ()> {
    let mut chunk = [0u8; 4096];
    while buf.len() < len {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(()),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    Ok(())
}

/// The end of a chunked body starting at `at` (RFC 9112 §7.1): sizes in hex, extensions
/// skipped, then trailer lines up to an empty one.
fn chunked_end(stream: &mut TcpStream, buf: &mut Vec<u8>, mut at: usize) -> Result<usize, ()> {
    let line_end = |stream: &mut TcpStream, buf: &mut Vec<u8>, from: usize| loop {
        if let Some(pos) = buf[from..].windows(2).position(|w| w == b"\r\n") {
            return Ok::<usize, ()>(from + pos);
        }
        if buf.len() - from > 1024 {
            return Err(());
        }
        let len = buf.len() + 1;
        fill(stream, buf, len)?;
    };
    loop {
        let end = line_end(stream, buf, at)?;
        let line = std::str::from_utf8(&buf[at..end]).map_err(|_| ())?;
        let digits = line.split(';').next().unwrap_or_default();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(());
        }
        let size = usize::from_str_radix(digits, 16).map_err(|_| ())?;
        if size > MAX_BODY {
            return Err(());
        }
        at = end + 2;
        if size == 0 {
            loop {
                let end = line_end(stream, buf, at)?;
                let empty = end == at;
                at = end + 2;
                if empty {
                    return Ok(at);
                }
            }
        }
        fill(stream, buf, at + size + 2)?;
        if &buf[at + size..at + size + 2] != b"\r\n" {
            return Err(());
        }
        at += size + 2;
    }
}
