//! A WebSocket client built on `http-upgrade`: connects, writes the crate's request (key
//! from the OS's random bytes), validates the 101, then hands the socket and the bytes
//! already read past the head to tungstenite, sends one message and prints the echo.
//!
//! ```sh
//! cargo run -p http-upgrade --example client -- --url ws://127.0.0.1:9001/chat \
//!     --subprotocol chat --deflate --message hello
//! ```
//! Prints `established subprotocol=… extensions=…` and `echo: …`, or `failed: …` and exits 1.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use http_upgrade::{ClientRequest, Status, EMPTY_HEADER};
use tungstenite::protocol::{Role, WebSocket};

#[path = "support/deflate_shim.rs"]
mod deflate_shim;
use deflate_shim::DeflateShim;
use tungstenite::Message;

fn fail(message: impl std::fmt::Display) -> ! {
    println!("failed: {message}");
    std::process::exit(1);
}

fn main() {
    let mut url = String::from("ws://127.0.0.1:9001/");
    let mut subprotocols = Vec::new();
    let mut deflate = false;
    let mut message = String::from("hello from http-upgrade");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--url" => url = args.next().expect("--url URL"),
            "--subprotocol" => subprotocols.push(args.next().expect("--subprotocol NAME")),
            "--deflate" => deflate = true,
            "--message" => message = args.next().expect("--message TEXT"),
            other => fail(format!("unknown flag {other}")),
        }
    }
    let rest = url
        .strip_prefix("ws://")
        .unwrap_or_else(|| fail("only ws:// URLs"));
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };

    let mut nonce = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut nonce))
        .unwrap_or_else(|e| fail(format!("no OS randomness: {e}")));
    let subprotocols: Vec<&str> = subprotocols.iter().map(String::as_str).collect();
    let request = ClientRequest {
        host: authority,
        target: path,
        nonce,
        origin: None,
        subprotocols: &subprotocols,
        extensions: deflate.then_some("permessage-deflate; client_max_window_bits"),
    };
    let mut stream =
        TcpStream::connect(authority).unwrap_or_else(|e| fail(format!("connect {authority}: {e}")));
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap_or_else(|e| fail(e));
    // Checked once: the parts judged, the extension offer parsed for the expectation.
    let request = request.check().unwrap_or_else(|e| fail(e));
    let mut head = [0u8; 1024];
    let len = request.write(&mut head).unwrap_or_else(|e| fail(e));
    stream.write_all(&head[..len]).unwrap_or_else(|e| fail(e));

    let expectation = request.expectation();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    loop {
        let mut headers = [EMPTY_HEADER; 64];
        match expectation.validate(&buf, &mut headers) {
            Ok(Status::Partial) => {}
            Ok(Status::Complete(established)) => {
                let extensions = match established.deflate {
                    Some(params) => params.to_string(),
                    None => "-".to_string(),
                };
                println!(
                    "established subprotocol={} extensions={extensions}",
                    established.subprotocol.unwrap_or("-")
                );
                let shim = DeflateShim::new(
                    stream,
                    buf[established.consumed..].to_vec(),
                    established.deflate.is_some(),
                );
                let mut socket =
                    WebSocket::from_partially_read(shim, Vec::new(), Role::Client, None);
                socket
                    .send(Message::text(message.as_str()))
                    .unwrap_or_else(|e| fail(e));
                match socket.read() {
                    Ok(Message::Text(echo)) => println!("echo: {echo}"),
                    Ok(other) => fail(format!("unexpected message {other:?}")),
                    Err(error) => fail(format!("reading the echo: {error}")),
                }
                let _ = socket.close(None);
                let _ = socket.flush();
                return;
            }
            Err(error) => fail(format!("handshake: {error}")),
        }
        let n = stream
            .read(&mut chunk)
            .unwrap_or_else(|e| fail(format!("read: {e}")));
        if n == 0 {
            fail("the server closed before its head ended");
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}
