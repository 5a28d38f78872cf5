//! One case on the wire: a fresh connection to the one address the probe was given, each
//! phase written then read until the server idles, closes or a cap passes, and the bytes
//! read back split into HTTP responses (RFC 9112 §6.3 framing) and whatever follows a 101.
//! Every read and the whole exchange are bounded in bytes and time.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::base::net::{read_until_idle, ReadLimits};

/// How long a phase waits for the first byte, and for more once some arrived.
const FIRST_BYTE: Duration = Duration::from_secs(3);
const IDLE: Duration = Duration::from_millis(250);
/// The most one phase reads, in time and bytes.
const PHASE_CAP: Duration = Duration::from_secs(5);
const MAX_BYTES: usize = 1 << 20;

/// What one exchange saw.
#[derive(Debug, Clone, Default)]
pub struct Exchange {
    /// Every byte read, in order.
    pub received: Vec<u8>,
    /// The server closed the connection (or reset it).
    pub closed: bool,
    /// From the first write to the end of the last read.
    pub elapsed: Duration,
    /// Why nothing could be sent, if so.
    pub error: Option<String>,
}

/// One response head read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Its status code.
    pub status: u16,
    /// Its fields, names lowercased, in order.
    pub fields: Vec<(String, Vec<u8>)>,
}

/// The responses in an exchange's bytes, and what followed a 101 (the new protocol's).
#[derive(Debug, Clone, Default)]
pub struct Responses {
    /// Every response head, interim ones included.
    pub heads: Vec<Response>,
    /// The bytes after a 101's head.
    pub after_switch: Vec<u8>,
    /// Bytes that are no response (a broken head or framing), if any.
    pub garbage: bool,
}

/// Sends each phase to `address`, reading after each; `wait_close` keeps reading after the
/// last phase (up to its cap) to see whether the server closes.
pub fn exchange(address: SocketAddr, phases: &[Vec<u8>], wait_close: bool) -> Exchange {
    let started = Instant::now();
    let mut out = Exchange::default();
    let mut stream = match TcpStream::connect_timeout(&address, FIRST_BYTE) {
        Ok(stream) => stream,
        Err(error) => {
            out.error = Some(format!("cannot connect to {address}: {error}"));
            return out;
        }
    };
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(PHASE_CAP));
    for (index, phase) in phases.iter().enumerate() {
        if stream.write_all(phase).is_err() {
            out.closed = true;
            break;
        }
        let last = index + 1 == phases.len();
        let idle = if last && wait_close { PHASE_CAP } else { IDLE };
        if !read_phase(&mut stream, &mut out.received, idle) {
            out.closed = true;
            break;
        }
    }
    out.elapsed = started.elapsed();
    out
}

fn read_phase(stream: &mut TcpStream, out: &mut Vec<u8>, idle: Duration) -> bool {
    read_until_idle(
        stream,
        out,
        ReadLimits {
            first: FIRST_BYTE,
            idle,
            cap: PHASE_CAP,
            max_bytes: MAX_BYTES,
        },
    )
}

/// Splits `bytes` into responses: each head read with httparse, its body skipped by its
/// framing (RFC 9112 §6.3), until a 101 (the rest is the new protocol's) or the end.
pub fn responses(bytes: &[u8]) -> Responses {
    let mut out = Responses::default();
    let mut at = 0;
    while at < bytes.len() && out.heads.len() < 64 {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Response::new(&mut headers);
        let Ok(httparse::Status::Complete(len)) = parsed.parse(&bytes[at..]) else {
            out.garbage = true;
            break;
        };
        let status = parsed.code.unwrap_or(0);
        let fields: Vec<(String, Vec<u8>)> = parsed
            .headers
            .iter()
            .map(|h| (h.name.to_ascii_lowercase(), h.value.to_vec()))
            .collect();
        at += len;
        let value = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| String::from_utf8_lossy(v).trim().to_ascii_lowercase())
        };
        let chunked = value("transfer-encoding").is_some_and(|v| v.ends_with("chunked"));
        let length = value("content-length").and_then(|v| v.parse::<usize>().ok());
        out.heads.push(Response { status, fields });
        if status == 101 {
            out.after_switch = bytes[at..].to_vec();
            break;
        }
        if (100..200).contains(&status) || status == 204 || status == 304 {
            continue;
        }
        if chunked {
            match chunked_len(&bytes[at..]) {
                Some(len) => at += len,
                None => break,
            }
        } else if let Some(length) = length {
            at = (at + length).min(bytes.len());
        } else {
            // Read to the close: the rest is this response's body.
            break;
        }
    }
    out
}

/// The length of a complete chunked body at the start of `bytes` (RFC 9112 §7.1), trailers
/// included; `None` when it is cut short or malformed.
fn chunked_len(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    loop {
        let line_end = at + bytes[at..].windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&bytes[at..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        at = line_end + 2;
        if size == 0 {
            // Trailer fields, then an empty line.
            loop {
                let end = at + bytes[at..].windows(2).position(|w| w == b"\r\n")?;
                let empty = end == at;
                at = end + 2;
                if empty {
                    return Some(at);
                }
            }
        }
        at = at.checked_add(size)?.checked_add(2)?;
        if at > bytes.len() {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_are_split_by_their_framing_until_a_switch() {
        let bytes = b"HTTP/1.1 100 Continue\r\n\r\n\
            HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello\
            HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n\
            HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x88\x00";
        let read = responses(bytes);
        let statuses: Vec<u16> = read.heads.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [100, 200, 404, 101]);
        assert_eq!(read.after_switch, b"\x88\x00");
        assert!(!read.garbage);
        assert_eq!(read.heads[3].fields[0].0, "upgrade");
    }

    #[test]
    fn a_body_read_to_the_close_ends_the_responses() {
        let read = responses(b"HTTP/1.1 400 Bad\r\n\r\nHTTP/1.1 200 OK\r\n\r\n");
        assert_eq!(read.heads.len(), 1);
        assert!(responses(b"garbage").garbage);
    }
}
