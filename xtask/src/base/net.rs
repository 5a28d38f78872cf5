//! The network as the tools use it: loopback only.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A port on 127.0.0.1 free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(0)
}

/// How long [`read_until_idle`] waits, and how much it takes.
#[derive(Debug, Clone, Copy)]
pub struct ReadLimits {
    /// For the first byte.
    pub first: Duration,
    /// For more, once a byte came.
    pub idle: Duration,
    /// For the whole read.
    pub cap: Duration,
    /// The most bytes `out` may hold.
    pub max_bytes: usize,
}

/// Reads from `stream` into `out` until the peer idles past `idle` after a byte, the first
/// byte does not come within `first`, `cap` passes or `out` is full; `false` when the peer
/// closed (or reset) the connection.
pub fn read_until_idle(stream: &mut TcpStream, out: &mut Vec<u8>, limits: ReadLimits) -> bool {
    let started = Instant::now();
    let mut got_any = false;
    let mut chunk = [0u8; 8192];
    while started.elapsed() < limits.cap && out.len() < limits.max_bytes {
        let wait = if got_any { limits.idle } else { limits.first };
        let left = limits
            .cap
            .saturating_sub(started.elapsed())
            .max(Duration::from_millis(1));
        let _ = stream.set_read_timeout(Some(wait.min(left)));
        match stream.read(&mut chunk) {
            Ok(0) => return false,
            Ok(n) => {
                out.extend_from_slice(&chunk[..n]);
                got_any = true;
            }
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return true
            }
            Err(_) => return false,
        }
    }
    true
}

/// A server on a free loopback port: each connection is handed, with its number (from 0),
/// to `serve` on a thread of its own; stopped (no more accepts) when dropped.
pub struct LoopbackServer {
    /// Its port.
    pub port: u16,
    stop: Arc<AtomicBool>,
}

impl LoopbackServer {
    /// Binds 127.0.0.1:0 and starts accepting.
    pub fn start(
        serve: impl Fn(TcpStream, usize) + Send + Sync + 'static,
    ) -> std::io::Result<LoopbackServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        listener.set_nonblocking(true)?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let serve = Arc::new(serve);
        std::thread::spawn(move || {
            let mut connections = 0;
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let _ = stream.set_nonblocking(false);
                        let serve = Arc::clone(&serve);
                        let number = connections;
                        connections += 1;
                        std::thread::spawn(move || serve(stream, number));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Ok(LoopbackServer { port, stop })
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
