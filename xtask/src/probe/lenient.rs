//! The negative control: a deliberately lenient WebSocket server on 127.0.0.1. It answers
//! 101 to any head that mentions `upgrade`, without checking the method, version, key,
//! Host or Connection, echoes the offered subprotocol list whole, and reads the bytes after
//! a plain request's head as the next request (bodies ignored). The probe must fail it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::base::net::LoopbackServer;

/// The most requests one connection serves, and the largest head read: bounded loops.
const MAX_REQUESTS: usize = 32;
const MAX_HEAD: usize = 64 * 1024;

/// Starts it on a free port; it stops when the handle drops.
pub fn start() -> std::io::Result<LoopbackServer> {
    LoopbackServer::start(|stream, _| serve(stream))
}

fn field<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.split("\r\n").skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn serve(mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buffer = Vec::new();
    for _ in 0..MAX_REQUESTS {
        let end = loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk) {
                Ok(n) if n > 0 && buffer.len() < MAX_HEAD => buffer.extend_from_slice(&chunk[..n]),
                _ => return,
            }
        };
        let head = String::from_utf8_lossy(&buffer[..end]).to_string();
        buffer.drain(..end);
        if head.to_ascii_lowercase().contains("upgrade") {
            let key = field(&head, "sec-websocket-key").unwrap_or("");
            let mut answer = format!(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                 Sec-WebSocket-Accept: {}\r\n",
                http_upgrade_proptests::rfc::accept(key)
            );
            if let Some(protocols) = field(&head, "sec-websocket-protocol") {
                answer.push_str(&format!("Sec-WebSocket-Protocol: {protocols}\r\n"));
            }
            answer.push_str("\r\n");
            let _ = stream.write_all(answer.as_bytes());
            // Whatever follows is ignored, as frames it never reads.
            std::thread::sleep(Duration::from_millis(500));
            return;
        }
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }
}
