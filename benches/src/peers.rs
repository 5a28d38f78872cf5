//! Peers a Rust user would pick instead of this crate, on the same captures: soketto's server
//! handshake, and the common axum/hyper path (hyper's HTTP/1.1 server reads the request,
//! then fastwebsockets' `is_upgrade_request` and `upgrade` check it and build the 101, which
//! hyper writes). Each returns the length of the response it wrote, 0 on refusal.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::io::{AsyncRead, AsyncWrite};

/// An in-memory socket for soketto: reads `input`, collects what is written.
struct Memory<'a> {
    input: &'a [u8],
    output: Vec<u8>,
}

impl AsyncRead for Memory<'_> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<std::io::Result<usize>> {
        let n = buf.len().min(self.input.len());
        buf[..n].copy_from_slice(&self.input[..n]);
        self.input = &self.input[n..];
        Poll::Ready(Ok(n))
    }
}

impl AsyncWrite for Memory<'_> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.output.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// soketto's server handshake: read the request, accept it with its key.
pub fn soketto_accept(bytes: &[u8]) -> usize {
    futures::executor::block_on(async {
        let mut server = soketto::handshake::Server::new(Memory {
            input: bytes,
            output: Vec::with_capacity(256),
        });
        let key = match server.receive_request().await {
            Ok(request) => request.key(),
            Err(_) => return 0,
        };
        let response = soketto::handshake::server::Response::Accept {
            key,
            protocol: None,
        };
        if server.send_response(&response).await.is_err() {
            return 0;
        }
        server.into_inner().output.len()
    })
}

/// The runtime the hyper path runs on: one current-thread runtime, built once.
pub fn hyper_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime")
}

/// hyper's HTTP/1.1 server over an in-memory duplex, and fastwebsockets' upgrade in the
/// service: the request parsed by hyper, checked and answered with its 101, as an axum or
/// hyper server does it.
pub fn hyper_fastwebsockets(runtime: &tokio::runtime::Runtime, bytes: &[u8]) -> usize {
    use http_body_util::Empty;
    use hyper::body::Bytes;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    runtime.block_on(async {
        let (mut client, server) = tokio::io::duplex(16 * 1024);
        let service = hyper::service::service_fn(
            |mut request: hyper::Request<hyper::body::Incoming>| async move {
                let response = if fastwebsockets::upgrade::is_upgrade_request(&request) {
                    match fastwebsockets::upgrade::upgrade(&mut request) {
                        Ok((response, _upgraded)) => response,
                        Err(_) => hyper::Response::builder()
                            .status(400)
                            .body(Empty::<Bytes>::new())
                            .expect("a response"),
                    }
                } else {
                    hyper::Response::builder()
                        .status(400)
                        .body(Empty::<Bytes>::new())
                        .expect("a response")
                };
                Ok::<_, std::convert::Infallible>(response)
            },
        );
        let connection = hyper::server::conn::http1::Builder::new()
            .serve_connection(hyper_util::rt::TokioIo::new(server), service)
            .with_upgrades();
        let exchange = async {
            if client.write_all(bytes).await.is_err() {
                return 0;
            }
            let mut response = Vec::with_capacity(256);
            let mut chunk = [0u8; 1024];
            // The head ends at its empty line; the connection then belongs to the upgrade.
            while !response.windows(4).any(|w| w == b"\r\n\r\n") {
                match client.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => response.extend_from_slice(&chunk[..n]),
                }
            }
            drop(client);
            response.len()
        };
        let (_, written) = tokio::join!(connection, exchange);
        written
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_peers_switch_on_every_capture() {
        let runtime = hyper_runtime();
        for input in crate::websocket_requests() {
            assert!(soketto_accept(&input.bytes) > 0, "soketto: {}", input.name);
            assert!(
                hyper_fastwebsockets(&runtime, &input.bytes) > 0,
                "hyper + fastwebsockets: {}",
                input.name
            );
        }
    }
}
