//! The implementations `--server NAME` and `--all` know: each started on 127.0.0.1 from
//! this workspace or a registry package (installed when missing), probed, and stopped when
//! its handle drops. The four proxies stand in front of python `websockets`.

use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context as _, Result};

use crate::base::install;
use crate::base::net::free_port;
use crate::base::paths::{root, target_dir};
use crate::base::process::{cmd, Cmd, Group, Service};
use crate::interop::peers::{example, node_modules};
use crate::proxies::configs::{self, PROXIES};

/// One implementation the harness can start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Implementation {
    /// Its `--server` name.
    pub name: &'static str,
    /// What it is, for the table.
    pub about: &'static str,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ours,
    Lenient,
    Tungstenite,
    Python(&'static str),
    Node,
    /// A proxy (its name in `proxies::configs`) in its documented WebSocket configuration,
    /// in front of python `websockets`.
    Proxy(&'static str),
}

const fn implementation(name: &'static str, about: &'static str, kind: Kind) -> Implementation {
    Implementation { name, about, kind }
}

/// Every implementation, in the table's order: the two controls, the servers, the proxies.
pub const IMPLEMENTATIONS: [Implementation; 13] = [
    implementation(
        "ours",
        "this workspace's example server (core/examples/server.rs)",
        Kind::Ours,
    ),
    implementation(
        "lenient",
        "the deliberately lenient negative control",
        Kind::Lenient,
    ),
    implementation(
        "websockets",
        "python websockets (asyncio server)",
        Kind::Python("websockets"),
    ),
    implementation("aiohttp", "python aiohttp", Kind::Python("aiohttp")),
    implementation("tornado", "python tornado", Kind::Python("tornado")),
    implementation(
        "uvicorn-websockets",
        "python uvicorn, websockets backend",
        Kind::Python("uvicorn-websockets"),
    ),
    implementation(
        "uvicorn-wsproto",
        "python uvicorn, wsproto backend",
        Kind::Python("uvicorn-wsproto"),
    ),
    implementation("node-ws", "node ws", Kind::Node),
    implementation(
        "tungstenite",
        "Rust tungstenite (std, blocking accept_hdr)",
        Kind::Tungstenite,
    ),
    implementation(
        "nginx",
        "nginx (documented WebSocket proxy config) → python websockets",
        Kind::Proxy("nginx"),
    ),
    implementation(
        "haproxy",
        "HAProxy (documented) → python websockets",
        Kind::Proxy("haproxy"),
    ),
    implementation(
        "apache",
        "Apache httpd mod_proxy_wstunnel (documented) → python websockets",
        Kind::Proxy("apache"),
    ),
    implementation(
        "caddy",
        "Caddy reverse_proxy (documented) → python websockets",
        Kind::Proxy("caddy"),
    ),
];

/// The implementation called `name`.
pub fn named(name: &str) -> Result<Implementation> {
    IMPLEMENTATIONS
        .iter()
        .find(|i| i.name == name)
        .copied()
        .ok_or_else(|| {
            let names: Vec<&str> = IMPLEMENTATIONS.iter().map(|i| i.name).collect();
            anyhow!("no implementation {name:?}; known: {}", names.join(", "))
        })
}

impl Implementation {
    /// One of the two controls (ours, lenient), not somebody else's implementation.
    pub fn is_control(&self) -> bool {
        matches!(self.kind, Kind::Ours | Kind::Lenient)
    }
}

/// A started implementation: its port and version; everything it started stops on drop.
pub struct Running {
    pub port: u16,
    pub version: String,
    _held: Vec<Box<dyn std::any::Any>>,
}

fn venv_python() -> Result<std::path::PathBuf> {
    install::venv(
        &target_dir().join("probe/venv"),
        &["websockets", "aiohttp", "tornado", "uvicorn", "wsproto"],
        &["websockets", "aiohttp", "tornado", "uvicorn", "wsproto"],
    )
}

fn script(name: &str) -> std::path::PathBuf {
    root().join("xtask/probe").join(name)
}

/// Starts a service and waits (bounded) for its `ready <version>` line.
fn ready(command: Cmd, what: &str) -> Result<(Service, String)> {
    let service = command.start()?;
    let line = service
        .wait_for("ready", Duration::from_secs(60))
        .with_context(|| format!("{what} did not print `ready` within 60 s"))?;
    let version = line.trim_start_matches("ready").trim().to_string();
    Ok((service, version))
}

/// A dependency's version as Cargo.lock pins it.
fn locked_version(package: &str) -> String {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap_or_default();
    let marker = format!("name = \"{package}\"\nversion = \"");
    lock.find(&marker)
        .map(|at| {
            let rest = &lock[at + marker.len()..];
            rest[..rest.find('"').unwrap_or(0)].to_string()
        })
        .unwrap_or_else(|| "?".into())
}

fn wait_listening(port: u16, what: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("{what} did not listen on 127.0.0.1:{port} within 20 s")
}

/// Starts `implementation` on 127.0.0.1.
pub fn start(implementation: &Implementation) -> Result<Running> {
    let mut held: Vec<Box<dyn std::any::Any>> = Vec::new();
    let (port, version) = match implementation.kind {
        Kind::Ours => {
            cmd("cargo")
                .args(["build", "-q", "-p", "http-upgrade", "--example", "server"])
                .dir(root())
                .run()?;
            let port = free_port();
            let service = cmd(example("server"))
                .args([
                    "--port",
                    &port.to_string(),
                    "--subprotocol",
                    "chat",
                    "--deflate",
                ])
                .start()?;
            service
                .wait_for("listening on", Duration::from_secs(30))
                .context("our example server did not start")?;
            held.push(Box::new(service));
            let commit = crate::base::git::head().unwrap_or_default();
            (
                port,
                format!(
                    "{} ({})",
                    env!("CARGO_PKG_VERSION"),
                    &commit[..commit.len().min(7)]
                ),
            )
        }
        Kind::Lenient => {
            let lenient = super::lenient::start()?;
            let port = lenient.port;
            held.push(Box::new(lenient));
            (port, "-".into())
        }
        Kind::Tungstenite => {
            let server = super::tungstenite_server::start()?;
            let port = server.port;
            held.push(Box::new(server));
            (port, locked_version("tungstenite"))
        }
        Kind::Python(kind) => {
            let python = venv_python()?;
            let port = free_port();
            let (service, version) = ready(
                cmd(&python)
                    .arg(script("servers.py"))
                    .args([kind, &port.to_string()]),
                kind,
            )?;
            held.push(Box::new(service));
            (port, version)
        }
        Kind::Node => {
            install::npm(&target_dir().join("interop"), &["ws"])?;
            let port = free_port();
            let (service, version) = ready(
                cmd("node")
                    .arg(script("ws_server.js"))
                    .arg(port.to_string())
                    .env("NODE_PATH", node_modules()),
                "node ws",
            )?;
            held.push(Box::new(service));
            (port, version)
        }
        Kind::Proxy(name) => {
            let proxy = PROXIES
                .iter()
                .find(|p| p.name == name)
                .with_context(|| format!("no proxy {name}"))?;
            if !install::on_path(proxy.binary) {
                install::apt(&[proxy.binary], &[proxy.package])?;
            }
            let backend = start(&named("websockets")?)?;
            let dir = target_dir().join("probe/proxies").join(name);
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir)?;
            let port = free_port();
            let log = std::fs::File::create(dir.join("proxy.log"))?;
            let group: Group = configs::prepare(proxy, "documented", &dir, port, backend.port)
                .spawn(log.try_clone()?.into(), log.into())?;
            wait_listening(port, name)?;
            let version = proxy_version(proxy.binary, &dir);
            let backend_version = backend.version.clone();
            held.push(Box::new(group));
            held.push(Box::new(backend));
            (port, format!("{version} → websockets {backend_version}"))
        }
    };
    Ok(Running {
        port,
        version,
        _held: held,
    })
}

/// A proxy's own version line, shortened.
fn proxy_version(binary: &str, dir: &Path) -> String {
    let args: &[&str] = match binary {
        "caddy" => &["version"],
        "apache2" | "nginx" | "haproxy" => &["-v"],
        _ => &["--version"],
    };
    let out = cmd(binary)
        .args(args)
        .dir(dir)
        .env("APACHE_RUN_DIR", dir)
        .timeout(Duration::from_secs(10))
        .output()
        .map(|f| f.combined())
        .unwrap_or_default();
    // The version word of the first line: `nginx/1.22.1`, `2.6.12-1+deb12u4`, `v2.6.2`.
    let line = out.lines().find(|l| !l.trim().is_empty()).unwrap_or("?");
    line.split_whitespace()
        .find(|word| word.chars().any(|c| c.is_ascii_digit()) && word.contains('.'))
        .unwrap_or(line)
        .to_string()
}
