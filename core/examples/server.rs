//! A small std::net WebSocket echo server built on `http-upgrade`.
//!
//! It reads the head with the crate (partial reads included), answers it with
//! `ServerPolicy::respond` under a policy taken from flags (a common WebSocket handshake in
//! one pass, printing `one pass`; anything else by the general path), writes the 101 or the
//! rejection, then hands the socket and the bytes
//! already read past the head to tungstenite's framing to echo messages. A plain request
//! the crate declines gets a small HTTP 200 page.
//!
//! ```sh
//! cargo run -p http-upgrade --example server -- --port 9001 --subprotocol chat --deflate
//! ```
//! Flags: `--port N` (0: any), `--subprotocol NAME`..., `--deflate`, `--require-upgrade`,
//! `--connections N` (exit after N connections; default: run forever).
//!
//! tungstenite has no permessage-deflate: when it is agreed, `support/deflate_shim.rs`
//! inflates the peer's compressed messages before tungstenite reads them, and this server
//! answers uncompressed, which RFC 7692 §6 allows.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use http_upgrade::{
    parse_request, DeflatePolicy, Outcome, Reply, ServerPolicy, Status, EMPTY_HEADER,
};
use tungstenite::protocol::{Role, WebSocket};

#[path = "support/leak.rs"]
mod leak;
use leak::leak_list;

#[path = "support/deflate_shim.rs"]
mod deflate_shim;
use deflate_shim::DeflateShim;
use tungstenite::Message;

struct Flags {
    port: u16,
    subprotocols: Vec<String>,
    deflate: bool,
    require_upgrade: bool,
    connections: Option<usize>,
}

fn flags() -> Flags {
    let mut flags = Flags {
        port: 9001,
        subprotocols: Vec::new(),
        deflate: false,
        require_upgrade: false,
        connections: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => flags.port = args.next().and_then(|v| v.parse().ok()).expect("--port N"),
            "--subprotocol" => flags
                .subprotocols
                .push(args.next().expect("--subprotocol NAME")),
            "--deflate" => flags.deflate = true,
            "--require-upgrade" => flags.require_upgrade = true,
            "--connections" => flags.connections = args.next().and_then(|v| v.parse().ok()),
            other => panic!("unknown flag {other}"),
        }
    }
    flags
}

/// Reads until the crate has a verdict on `buf`; `None` if the peer went away first.
/// Each call re-parses from the start: heads are small and bounded by the policy.
fn read_head(stream: &mut TcpStream, policy: &ServerPolicy<'_>, buf: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 2048];
    loop {
        // Only whether the head is complete (or refused): judging it is `respond`'s work.
        let mut headers = [EMPTY_HEADER; 64];
        if !matches!(
            parse_request(buf, &mut headers, &policy.limits),
            Ok(Status::Partial)
        ) {
            return Some(());
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn serve(mut stream: TcpStream, policy: &ServerPolicy<'_>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut buf = Vec::with_capacity(4096);
    if read_head(&mut stream, policy, &mut buf).is_none() {
        return Ok(());
    }
    // The hot path: a common WebSocket handshake is judged in one pass and its 101 written
    // into `response`; anything else comes back as the general path's handshake.
    let mut headers = [EMPTY_HEADER; 64];
    let mut response = [0u8; 1024];
    let Status::Complete(reply) = policy.respond(&buf, &mut headers, &mut response) else {
        return Ok(());
    };
    let (len, consumed, subprotocol, deflate) = match reply {
        Reply::WebSocket(switch) => {
            println!("one pass");
            (
                switch.written,
                switch.consumed,
                switch.subprotocol,
                switch.deflate.is_some(),
            )
        }
        Reply::Handshake(handshake) => {
            let len = policy
                .write_response(&handshake.outcome, &mut response)
                .expect("1 KiB holds any response");
            match handshake.outcome {
                Outcome::Switch(accepted) => {
                    let websocket = accepted.websocket;
                    (
                        len,
                        handshake.consumed.unwrap_or(buf.len()),
                        websocket.and_then(|w| w.subprotocol),
                        websocket.is_some_and(|w| w.deflate.is_some()),
                    )
                }
                Outcome::Decline(reason) => {
                    println!("decline {}", reason.name());
                    let body = format!(
                        "plain HTTP: the Upgrade was not taken ({})\n",
                        reason.name()
                    );
                    return write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                }
                Outcome::Reject(reason) => {
                    println!("reject {} {}", reason.status(), reason.name());
                    return stream.write_all(&response[..len]);
                }
            }
        }
    };
    println!(
        "switch subprotocol={} extensions={}",
        subprotocol.unwrap_or("-"),
        if deflate { "permessage-deflate" } else { "-" }
    );
    stream.write_all(&response[..len])?;
    let shim = DeflateShim::new(stream, buf[consumed..].to_vec(), deflate);
    let mut socket = WebSocket::from_partially_read(shim, Vec::new(), Role::Server, None);
    loop {
        match socket.read() {
            Ok(message @ (Message::Text(_) | Message::Binary(_))) => {
                println!("echo {} bytes", message.len());
                socket.send(message).map_err(std::io::Error::other)?;
            }
            Ok(Message::Close(_)) => break,
            Err(error) => {
                println!("framing error: {error}");
                break;
            }
            Ok(_) => {}
        }
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let flags = flags();
    // The policy borrows its lists for the life of the program.
    let subprotocols = leak_list(flags.subprotocols);
    let policy = ServerPolicy {
        subprotocols,
        deflate: flags.deflate.then(DeflatePolicy::default),
        require_upgrade: flags.require_upgrade,
        ..ServerPolicy::websocket()
    };
    let listener = TcpListener::bind(("127.0.0.1", flags.port))?;
    println!("listening on {}", listener.local_addr()?);
    std::io::stdout().flush()?;
    // One thread per connection, so a slow peer never holds up the next one.
    let policy = std::sync::Arc::new(policy);
    let mut workers = Vec::new();
    for (index, stream) in listener.incoming().enumerate() {
        let stream = stream?;
        let policy = std::sync::Arc::clone(&policy);
        workers.push(std::thread::spawn(move || {
            if let Err(error) = serve(stream, &policy) {
                println!("connection error: {error}");
            }
            let _ = std::io::stdout().flush();
        }));
        if flags.connections.is_some_and(|limit| index + 1 >= limit) {
            break;
        }
    }
    for worker in workers {
        let _ = worker.join();
    }
    Ok(())
}
