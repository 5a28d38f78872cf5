//! Rust tungstenite as a probe target: a std listener on 127.0.0.1 whose connections are
//! each handed to `tungstenite::accept_hdr` (choosing `chat` when offered) and echoed,
//! every read bounded by a timeout and every connection by a message count.

use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tungstenite::handshake::server::{Request, Response};

/// A running tungstenite server; stopped when dropped.
pub struct TungsteniteServer {
    /// Its port.
    pub port: u16,
    stop: Arc<AtomicBool>,
}

impl TungsteniteServer {
    /// Starts it on a free port.
    pub fn start() -> std::io::Result<TungsteniteServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        listener.set_nonblocking(true)?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        std::thread::spawn(move || serve(stream));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Ok(TungsteniteServer { port, stop })
    }
}

impl Drop for TungsteniteServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

// tungstenite's callback type fixes the error's size.
#[allow(clippy::result_large_err)]
fn serve(stream: TcpStream) {
    let _ = stream.set_nonblocking(false);
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
