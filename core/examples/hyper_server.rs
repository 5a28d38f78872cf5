//! An HTTPS server on hyper that takes WebSockets over HTTP/1.1 (Upgrade, RFC 6455 §4) and
//! over HTTP/2 (extended CONNECT, RFC 8441) with one [`ServerPolicy`], and a cleartext port
//! for the h2c Upgrade (RFC 7540 §3.2) and HTTP/2 with prior knowledge.
//!
//! ```sh
//! cargo run -p http-upgrade --features http --example hyper_server -- --port 8443 --h2c-port 8080
//! ```
//! Flags: `--port N` (TLS; 0: any), `--h2c-port N` (cleartext; 0: any), `--subprotocol NAME`...,
//! `--no-connect-protocol` (leave `SETTINGS_ENABLE_CONNECT_PROTOCOL` unsent, RFC 8441 §3:
//! browsers then open their WebSockets over a new HTTP/1.1 connection), `--capture-dir DIR`
//! (write each HTTP/2 request's field section, as hyper hands it over, to `DIR/<n>.h2` in the
//! text form `cargo xtask inspect --transport h2` reads).
//!
//! TLS is rustls (ring) with a self-signed certificate for `localhost` and `127.0.0.1`
//! generated at start-up; ALPN offers `h2` and `http/1.1`. `GET /` serves a page that opens
//! `wss://<host>/chat` and echoes one message. The server prints `listening on https://ADDR`,
//! `cleartext on http://ADDR`, and one line per request naming the transport:
//! `switch transport=h2 tls=yes path=/chat protocol=websocket subprotocol=chat`,
//! `decline transport=h1 ...`, `reject transport=h2 ... status=426 reason=...`.
//!
//! The crate decides every request from the `http` parts hyper hands over
//! ([`negotiate_parts`]), with hyper's `:protocol` extension for HTTP/2; hyper writes the
//! head the crate builds ([`response_for`]); tokio-tungstenite carries frames after the
//! switch. permessage-deflate is not offered here (tokio-tungstenite has none), so the
//! policy declines it; the std example `server.rs` shows deflate with a shim.
//!
//! Two policies: the TLS port takes `websocket` only, since h2c is for cleartext
//! (RFC 7540 §3.2, §3.3: over TLS HTTP/2 is chosen by ALPN); the cleartext port also takes
//! `h2c`. hyper cannot adopt an upgraded connection as HTTP/2 with stream 1 already open,
//! so after the 101 this example answers stream 1 itself with a few hand-written frames
//! (`answer_h2c`) and closes the connection with GOAWAY.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use http_upgrade::http_types::{field_section, negotiate_parts, response_for, Negotiated};
use http_upgrade::{ConnectOutcome, OriginPolicy, Outcome, ServerPolicy, EMPTY_HEADER};
use hyper::body::Incoming;
use hyper::server::conn::{http1, http2};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode, Version};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::WebSocketStream;

#[path = "support/leak.rs"]
mod leak;
use leak::leak_list;

/// Where `--capture-dir` writes HTTP/2 field sections, if anywhere.
static CAPTURE_DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
static CAPTURED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Writes one HTTP/2 request's field section to the capture directory, one `name: value`
/// per line, pseudo-header fields first.
fn capture(fields: &[http_upgrade::Header<'_>]) {
    let Some(dir) = CAPTURE_DIR.get() else {
        return;
    };
    let mut text = Vec::new();
    for field in fields {
        text.extend_from_slice(field.name.as_bytes());
        text.extend_from_slice(b": ");
        text.extend_from_slice(field.value);
        text.push(b'\n');
    }
    let n = CAPTURED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let _ = std::fs::write(dir.join(format!("{n}.h2")), text);
}

/// How long any one read from a peer may take before the connection is dropped.
const IDLE: Duration = Duration::from_secs(30);

/// The page `GET /` serves: one WebSocket to this origin, one echoed message, the result in
/// the DOM (for `chromium --dump-dom`).
const PAGE: &str = include_str!("support/echo_page.html");

struct Flags {
    port: u16,
    h2c_port: u16,
    subprotocols: Vec<String>,
    connect_protocol: bool,
    capture_dir: Option<std::path::PathBuf>,
}

fn flags() -> Flags {
    let mut flags = Flags {
        port: 8443,
        h2c_port: 8080,
        subprotocols: Vec::new(),
        connect_protocol: true,
        capture_dir: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |flag: &str| -> u16 {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{flag} N"))
        };
        match arg.as_str() {
            "--port" => flags.port = number("--port"),
            "--h2c-port" => flags.h2c_port = number("--h2c-port"),
            "--subprotocol" => flags
                .subprotocols
                .push(args.next().expect("--subprotocol NAME")),
            "--no-connect-protocol" => flags.connect_protocol = false,
            "--capture-dir" => {
                flags.capture_dir = Some(args.next().expect("--capture-dir DIR").into());
            }
            other => panic!("unknown flag {other}"),
        }
    }
    flags
}

/// The rustls configuration: a fresh self-signed certificate, ALPN `h2` then `http/1.1`.
fn tls_config() -> Result<rustls::ServerConfig, Box<dyn std::error::Error>> {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()])?;
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

fn transport(version: Version) -> &'static str {
    match version {
        Version::HTTP_2 => "h2",
        Version::HTTP_3 => "h3",
        Version::HTTP_11 => "h1",
        _ => "h1.0",
    }
}

/// What to do with the connection or stream once a switch's response head is sent.
enum AfterSwitch {
    /// Echo WebSocket messages.
    WebSocket,
    /// Answer stream 1 over HTTP/2 with this body.
    H2c(String),
}

/// Decides one request with the crate and answers it; a switch continues on a task of its
/// own once hyper hands over the connection (HTTP/1.1) or the stream (HTTP/2).
async fn handle(
    mut request: Request<Incoming>,
    policy: Arc<ServerPolicy<'static>>,
    tls: bool,
) -> Result<Response<String>, Infallible> {
    let transport = transport(request.version());
    let tls = if tls { "yes" } else { "no" };
    let on_upgrade = hyper::upgrade::on(&mut request);
    let protocol = request
        .extensions()
        .get::<hyper::ext::Protocol>()
        .map(|protocol| protocol.as_str().to_string());
    let (parts, _body) = request.into_parts();
    let path = parts.uri.path().to_string();
    let mut storage = [EMPTY_HEADER; 64];
    let negotiated = negotiate_parts(&policy, &parts, protocol.as_deref(), &mut storage);
    if let Negotiated::Connect(_) = negotiated {
        let mut section = [EMPTY_HEADER; 64];
        if let Some(len) = field_section(&parts, protocol.as_deref(), &mut section) {
            capture(&section[..len]);
        }
    }
    let switched = |protocol: &str, subprotocol: Option<&str>| {
        let subprotocol = subprotocol.unwrap_or("-");
        println!("switch transport={transport} tls={tls} path={path} protocol={protocol} subprotocol={subprotocol}");
    };
    let after = match &negotiated {
        Negotiated::Http1(Outcome::Switch(accepted)) => match accepted.h2c {
            Some(settings) => {
                let listed: Vec<String> = settings
                    .iter()
                    .map(|(id, value)| format!("({id},{value})"))
                    .collect();
                let settings = listed.join("");
                println!("switch transport={transport} tls={tls} path={path} protocol=h2c settings={settings}");
                Some(AfterSwitch::H2c(format!(
                    "served over h2c on stream 1; your HTTP2-Settings: {}\n",
                    listed.join(" ")
                )))
            }
            None => {
                let subprotocol = accepted.websocket.and_then(|w| w.subprotocol);
                switched(accepted.protocol.name, subprotocol);
                Some(AfterSwitch::WebSocket)
            }
        },
        Negotiated::Connect(ConnectOutcome::Accept(accepted)) => {
            let subprotocol = accepted.websocket.and_then(|w| w.subprotocol);
            switched(accepted.protocol.name, subprotocol);
            Some(AfterSwitch::WebSocket)
        }
        Negotiated::Http1(Outcome::Reject(reason))
        | Negotiated::Connect(ConnectOutcome::Reject(reason)) => {
            println!(
                "reject transport={transport} tls={tls} path={path} status={} reason={}",
                reason.status(),
                reason.name()
            );
            None
        }
        Negotiated::Http1(Outcome::Decline(reason))
        | Negotiated::Connect(ConnectOutcome::Decline(reason)) => {
            println!(
                "decline transport={transport} tls={tls} path={path} reason={}",
                reason.name()
            );
            let (kind, body) = if path == "/" {
                ("text/html; charset=utf-8", PAGE.to_string())
            } else {
                (
                    "text/plain",
                    format!(
                        "plain HTTP over {transport}: the Upgrade was not taken ({})\n",
                        reason.name()
                    ),
                )
            };
            let response = Response::builder()
                .header("content-type", kind)
                .body(body)
                .unwrap_or_default();
            return Ok(response);
        }
    };
    let response = match response_for(&policy, &negotiated) {
        Some(Ok(head)) => Response::from_parts(head.into_parts().0, String::new()),
        _ => {
            let mut response = Response::new(String::new());
            *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return Ok(response);
        }
    };
    let Some(after) = after else {
        return Ok(response);
    };
    tokio::spawn(async move {
        let upgraded = match on_upgrade.await {
            Ok(upgraded) => TokioIo::new(upgraded),
            Err(error) => return println!("upgrade error: {error}"),
        };
        let result = match after {
            AfterSwitch::WebSocket => echo(upgraded).await,
            AfterSwitch::H2c(body) => answer_h2c(upgraded, body.as_bytes()).await,
        };
        if let Err(error) = result {
            println!("connection error: {error}");
        }
    });
    Ok(response)
}

/// Echoes text and binary messages until the peer closes, errs or idles for [`IDLE`].
async fn echo(io: TokioIo<hyper::upgrade::Upgraded>) -> std::io::Result<()> {
    let mut socket = WebSocketStream::from_raw_socket(io, Role::Server, None).await;
    loop {
        let message = match tokio::time::timeout(IDLE, socket.next()).await {
            Ok(Some(Ok(message))) => message,
            Ok(Some(Err(error))) => return Err(std::io::Error::other(error)),
            Ok(None) | Err(_) => return Ok(()),
        };
        if message.is_text() || message.is_binary() {
            println!("echo {} bytes", message.len());
            socket.send(message).await.map_err(std::io::Error::other)?;
        } else if message.is_close() {
            return Ok(());
        }
    }
}

/// Appends one HTTP/2 frame (RFC 9113 §4.1).
fn frame(out: &mut Vec<u8>, kind: u8, flags: u8, stream: u32, payload: &[u8]) {
    let length = u32::try_from(payload.len())
        .expect("small frames")
        .to_be_bytes();
    out.extend_from_slice(&length[1..]);
    out.extend_from_slice(&[kind, flags]);
    out.extend_from_slice(&stream.to_be_bytes());
    out.extend_from_slice(payload);
}

/// After a 101 to h2c: the server preface, the response to the upgraded request on stream 1
/// (RFC 7540 §3.2), then the client's preface and SETTINGS are read and acknowledged and the
/// connection ends with GOAWAY naming stream 1 as the last one processed.
async fn answer_h2c(mut io: TokioIo<hyper::upgrade::Upgraded>, body: &[u8]) -> std::io::Result<()> {
    const SETTINGS: u8 = 0x4;
    const HEADERS: u8 = 0x1;
    const DATA: u8 = 0x0;
    const GOAWAY: u8 = 0x7;
    let mut out = Vec::new();
    frame(&mut out, SETTINGS, 0, 0, &[]);
    // HPACK (RFC 7541): `:status: 200` is static entry 8; `content-type` (static name 31)
    // as a literal without indexing, 4-bit prefix: 15 then 16.
    let mut block = vec![0x88, 0x0f, 0x10, 10];
    block.extend_from_slice(b"text/plain");
    frame(&mut out, HEADERS, 0x4, 1, &block);
    frame(&mut out, DATA, 0x1, 1, body);
    io.write_all(&out).await?;
    let mut preface = [0u8; 24];
    tokio::time::timeout(IDLE, io.read_exact(&mut preface)).await??;
    if &preface != b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" {
        return Err(std::io::Error::other("no HTTP/2 client preface"));
    }
    let mut header = [0u8; 9];
    tokio::time::timeout(IDLE, io.read_exact(&mut header)).await??;
    let length =
        usize::from(header[0]) << 16 | usize::from(header[1]) << 8 | usize::from(header[2]);
    if header[3] != SETTINGS || length > 16_384 {
        return Err(std::io::Error::other(
            "the client's first frame is not SETTINGS",
        ));
    }
    let mut payload = vec![0u8; length];
    tokio::time::timeout(IDLE, io.read_exact(&mut payload)).await??;
    out.clear();
    frame(&mut out, SETTINGS, 0x1, 0, &[]);
    frame(&mut out, GOAWAY, 0, 0, &[0, 0, 0, 1, 0, 0, 0, 0]);
    io.write_all(&out).await?;
    io.shutdown().await
}

/// Accepts TLS connections and serves each over the protocol ALPN chose.
async fn serve_tls(
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    policy: Arc<ServerPolicy<'static>>,
    connect_protocol: bool,
) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let acceptor = acceptor.clone();
        let policy = Arc::clone(&policy);
        tokio::spawn(async move {
            let Ok(Ok(stream)) = tokio::time::timeout(IDLE, acceptor.accept(tcp)).await else {
                return;
            };
            let h2 = stream.get_ref().1.alpn_protocol() == Some(b"h2");
            let io = TokioIo::new(stream);
            let service = service_fn(move |request| handle(request, Arc::clone(&policy), true));
            let served = if h2 {
                let mut builder = http2::Builder::new(TokioExecutor::new());
                if connect_protocol {
                    builder.enable_connect_protocol();
                }
                builder.serve_connection(io, service).await
            } else {
                http1::Builder::new()
                    .serve_connection(io, service)
                    .with_upgrades()
                    .await
            };
            if let Err(error) = served {
                println!("connection error: {error}");
            }
        });
    }
}

/// Accepts cleartext connections: HTTP/1.1 (with the h2c Upgrade) or HTTP/2 with prior
/// knowledge, told apart by the client preface.
async fn serve_cleartext(
    listener: TcpListener,
    policy: Arc<ServerPolicy<'static>>,
    connect_protocol: bool,
) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let policy = Arc::clone(&policy);
        tokio::spawn(async move {
            let service = service_fn(move |request| handle(request, Arc::clone(&policy), false));
            let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            if connect_protocol {
                builder.http2().enable_connect_protocol();
            }
            if let Err(error) = builder
                .serve_connection_with_upgrades(TokioIo::new(tcp), service)
                .await
            {
                println!("connection error: {error}");
            }
        });
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let flags = flags();
    if let Some(dir) = flags.capture_dir.clone() {
        std::fs::create_dir_all(&dir)?;
        let _ = CAPTURE_DIR.set(dir);
    }
    // The policies borrow their lists for the life of the program.
    let subprotocols = leak_list(flags.subprotocols);
    let tls_policy = ServerPolicy {
        subprotocols,
        origins: OriginPolicy::SameHost,
        ..ServerPolicy::websocket()
    };
    let cleartext_policy = ServerPolicy {
        protocols: &["websocket", "h2c"],
        ..tls_policy
    };
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls_config()?));
    let tls_listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], flags.port))).await?;
    let cleartext_listener =
        TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], flags.h2c_port))).await?;
    println!("listening on https://{}", tls_listener.local_addr()?);
    println!("cleartext on http://{}", cleartext_listener.local_addr()?);
    tokio::spawn(serve_cleartext(
        cleartext_listener,
        Arc::new(cleartext_policy),
        flags.connect_protocol,
    ));
    serve_tls(
        tls_listener,
        acceptor,
        Arc::new(tls_policy),
        flags.connect_protocol,
    )
    .await;
    Ok(())
}
