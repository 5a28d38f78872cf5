//! Rust tungstenite as a probe target: a std listener on 127.0.0.1 whose connections are
//! each handed to `tungstenite::accept_hdr` (choosing `chat` when offered) and echoed,
//! every read bounded by a timeout and every connection by a message count.

use std::net::TcpStream;
use std::time::Duration;

use tungstenite::handshake::server::{Request, Response};

use crate::base::net::LoopbackServer;

/// Starts it on a free port; it stops when the handle drops.
pub fn start() -> std::io::Result<LoopbackServer> {
    LoopbackServer::start(|stream, _| serve(stream))
}

// tungstenite's callback type fixes the error's size.
#[allow(clippy::result_large_err)]
fn serve(stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let choose = |request: &Request, mut response: Response| {
        let offers_chat = request
            .headers()
            .get_all("sec-websocket-protocol")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|p| p.trim() == "chat");
        if offers_chat {
            response.headers_mut().insert(
                "sec-websocket-protocol",
                "chat".parse().expect("a header value"),
            );
        }
        Ok(response)
    };
    let Ok(mut socket) = tungstenite::accept_hdr(stream, choose) else {
        return;
    };
    for _ in 0..1000 {
        match socket.read() {
            Ok(message) if message.is_text() || message.is_binary() => {
                if socket.send(message).is_err() {
                    return;
                }
            }
            Ok(_) => {}
            Err(_) => return,
        }
    }
}
