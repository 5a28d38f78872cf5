//! `cargo xtask interop`: our example server and client against real peers on 127.0.0.1,
//! every step bounded in time. Installs what is missing (Debian chromium, pip websockets and
//! aiohttp, npm ws). Exit 0: all pairs passed; 1: a pair failed; 3: peers not installable.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::seed::root;

pub(crate) fn interop_dir() -> PathBuf {
    root().join("xtask/interop")
}

pub(crate) fn node_modules() -> PathBuf {
    root().join("target/interop/node_modules")
}

fn succeeds(command: &mut Command) -> bool {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Installs the peers that are missing; `Err` names what could not be had.
fn install() -> Result<(), String> {
    let started = Instant::now();
    if !succeeds(Command::new("python3").args(["-c", "import websockets, aiohttp"])) {
        eprintln!("installing python websockets and aiohttp (pip)");
        if !succeeds(Command::new("python3").args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "websockets",
            "aiohttp",
        ])) {
            return Err("pip install websockets aiohttp failed".into());
        }
    }
    if !node_modules().join("ws").is_dir() {
        eprintln!("installing node ws (npm)");
        let prefix = root().join("target/interop");
        let _ = std::fs::create_dir_all(&prefix);
        if !succeeds(
            Command::new("npm")
                .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
                .arg(&prefix)
                .arg("ws"),
        ) {
            return Err("npm install ws failed".into());
        }
    }
    if !succeeds(Command::new("chromium").arg("--version")) {
        eprintln!("installing Debian chromium (apt-get)");
        let _ = succeeds(Command::new("apt-get").arg("update"));
        if !succeeds(
            Command::new("apt-get")
                .args(["install", "-y", "chromium"])
                .env("DEBIAN_FRONTEND", "noninteractive"),
        ) {
            return Err("apt-get install chromium failed".into());
        }
    }
    if !succeeds(Command::new("curl").arg("--version")) {
        return Err("curl is missing".into());
    }
    eprintln!("peers ready ({:.0} s)", started.elapsed().as_secs_f64());
    Ok(())
}

/// A port on 127.0.0.1 free a moment ago.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(0)
}

/// A child process whose stdout lines are collected; killed when dropped.
pub(crate) struct Process {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Process {
    pub(crate) fn start(command: &mut Command) -> Result<Process, String> {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        let lines = Arc::new(Mutex::new(Vec::new()));
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                sink.lock().map(|mut l| l.push(line)).ok();
            }
        });
        Ok(Process { child, lines })
    }

    pub(crate) fn lines(&self) -> Vec<String> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Waits (bounded) for a line containing `needle`.
    pub(crate) fn wait_for(&self, needle: &str, timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(line) = self.lines().into_iter().find(|l| l.contains(needle)) {
                return Some(line);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a peer with a hard time limit; its stdout.
pub(crate) fn run_peer(command: &mut Command, seconds: u32) -> (bool, String) {
    let mut wrapped = Command::new("timeout");
    wrapped
        .arg(seconds.to_string())
        .arg(command.get_program())
        .args(command.get_args());
    for (key, value) in command.get_envs() {
        if let Some(value) = value {
            wrapped.env(key, value);
        }
    }
    if let Some(dir) = command.get_current_dir() {
        wrapped.current_dir(dir);
    }
    match wrapped.stderr(Stdio::null()).output() {
        Ok(output) => (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        ),
        Err(error) => (false, error.to_string()),
    }
}

pub(crate) fn field<'a>(line: &'a str, key: &str) -> &'a str {
    line.split_whitespace()
        .find_map(|word| {
            word.strip_prefix(key)
                .and_then(|rest| rest.strip_prefix('='))
        })
        .unwrap_or("?")
}

pub(crate) struct Row {
    pub(crate) peer: &'static str,
    pub(crate) role: &'static str,
    pub(crate) passed: bool,
    pub(crate) subprotocol: String,
    pub(crate) extensions: String,
    pub(crate) detail: String,
}

impl Row {
    /// Our client never got to talk to the peer's server.
    fn failed(peer: &'static str, detail: String) -> Row {
        Row {
            peer,
            role: "our client → their server",
            passed: false,
            subprotocol: "-".into(),
            extensions: "-".into(),
            detail,
        }
    }
}

pub(crate) fn example(name: &str) -> PathBuf {
    root().join("target/debug/examples").join(name)
}

/// A peer connecting to our server: its own report line, and our server's for that connection.
fn server_pair(server: &Process, peer: &'static str, command: &mut Command, deflate: bool) -> Row {
    let before = server.lines().len();
    let (_, out) = run_peer(command, 30);
    // The peer's report line (for Chromium, the page's DOM text, not its script).
    let line = out
        .lines()
        .filter(|l| l.contains("subprotocol=") && !l.contains("${"))
        .map(|l| &l[l.find("subprotocol=").unwrap_or(0)..])
        .map(|l| l.split('<').next().unwrap_or(l))
        .next_back()
        .unwrap_or("")
        .to_string();
    std::thread::sleep(Duration::from_millis(200));
    let lines: Vec<String> = server.lines().into_iter().skip(before).collect();
    let ours = lines
        .iter()
        .find(|l| l.starts_with("switch"))
        .cloned()
        .unwrap_or_default();
    // A real client's handshake is the common case the one pass (issue #12) is for.
    let one_pass = lines.iter().any(|l| l == "one pass");
    let peer_ext = field(&line, "extensions");
    let wanted_ext = if deflate { "permessage-deflate" } else { "-" };
    let passed = field(&line, "subprotocol") == "chat"
        && field(&line, "echo") == "ok"
        && peer_ext.starts_with(wanted_ext)
        && field(&ours, "subprotocol") == "chat"
        && field(&ours, "extensions") == wanted_ext
        && one_pass;
    Row {
        peer,
        role: "their client → our server",
        passed,
        subprotocol: format!(
            "{} / {}",
            field(&line, "subprotocol"),
            field(&ours, "subprotocol")
        ),
        extensions: format!("{} / {}", peer_ext, field(&ours, "extensions")),
        detail: if passed {
            "one pass".into()
        } else {
            format!("peer: {line:?} server: {ours:?} one pass: {one_pass} raw: {out:?}")
        },
    }
}

fn client_pair(peer: &'static str, server_kind: &str, script: &Path, node: bool) -> Row {
    let port = free_port();
    let mut command = if node {
        let mut c = Command::new("node");
        c.arg(script)
            .arg(port.to_string())
            .env("NODE_PATH", node_modules());
        c
    } else {
        let mut c = Command::new("python3");
        c.arg(script).arg(server_kind).arg(port.to_string());
        c
    };
    let server = match Process::start(&mut command) {
        Ok(server) => server,
        Err(error) => return Row::failed(peer, error),
    };
    if server.wait_for("ready", Duration::from_secs(20)).is_none() {
        return Row::failed(peer, "server never ready".into());
    }
    let (ok, out) = run_peer(
        Command::new(example("client")).args([
            "--url",
            &format!("ws://127.0.0.1:{port}/chat"),
            "--subprotocol",
            "chat",
            "--subprotocol",
            "superchat",
            "--deflate",
            "--message",
            "hello from http-upgrade",
        ]),
        30,
    );
    let established = out
        .lines()
        .find(|l| l.starts_with("established"))
        .unwrap_or("");
    if server_kind == "lie" {
        let passed = !ok && out.contains("accept_mismatch");
        return Row {
            peer,
            role: "our client → lying server",
            passed,
            subprotocol: "-".into(),
            extensions: "-".into(),
            detail: if passed {
                "refused: accept_mismatch".into()
            } else {
                format!("raw: {out:?}")
            },
        };
    }
    let extensions = established
        .split("extensions=")
        .nth(1)
        .unwrap_or("?")
        .to_string();
    let passed = ok
        && field(established, "subprotocol") == "chat"
        && extensions.starts_with("permessage-deflate")
        && out.contains("echo: hello from http-upgrade");
    Row {
        peer,
        role: "our client → their server",
        passed,
        subprotocol: field(established, "subprotocol").to_string(),
        extensions,
        detail: if passed {
            String::new()
        } else {
            format!("raw: {out:?}")
        },
    }
}

/// Runs every pair; the exit code.
pub fn run() -> i32 {
    if let Err(message) = install() {
        eprintln!("peers unavailable: {message}");
        return 3;
    }
    if !succeeds(
        Command::new("cargo")
            .args([
                "build",
                "-p",
                "http-upgrade",
                "--features",
                "http",
                "--examples",
            ])
            .current_dir(root()),
    ) {
        eprintln!("building the examples failed");
        return 1;
    }
    let started = Instant::now();
    let mut rows = Vec::new();
    let mut server_command = Command::new(example("server"));
    server_command.args(["--port", "0", "--subprotocol", "chat", "--deflate"]);
    let server = match Process::start(&mut server_command) {
        Ok(server) => server,
        Err(error) => {
            eprintln!("starting our server: {error}");
            return 1;
        }
    };
    let Some(listening) = server.wait_for("listening on", Duration::from_secs(20)) else {
        eprintln!("our server did not start");
        return 1;
    };
    let address = listening
        .trim_start_matches("listening on ")
        .trim()
        .to_string();
    let port = address.rsplit(':').next().unwrap_or("0").to_string();
    let ws_url = format!("ws://{address}/chat");
    let dir = interop_dir();

    // Chromium: a page served from a second loopback server opens the WebSocket.
    let page_port = free_port();
    let page_server = Process::start(
        Command::new("python3")
            .args([
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                &page_port.to_string(),
                "--directory",
            ])
            .arg(root().join("core/examples/support")),
    );
    // Wait (bounded) until the page server accepts connections.
    let page_ready = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", page_port)).is_err()
        && Instant::now() < page_ready
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    let profile = root().join("target/interop/chromium-profile");
    let _ = std::fs::remove_dir_all(&profile);
    // Driven over the DevTools protocol and polled until the page reports (20 s at most),
    // as the HTTP/2 rows are: `--dump-dom` with virtual time once printed nothing at all on
    // a first run in CI.
    let mut chromium = Command::new("node");
    chromium
        .arg(dir.join("chromium_driver.js"))
        .arg(format!(
            "http://127.0.0.1:{page_port}/echo_page.html?ws={ws_url}"
        ))
        .arg(&profile)
        .arg("20")
        .env("NODE_PATH", node_modules());
    let row = server_pair(&server, "chromium (headless)", &mut chromium, true);
    drop(page_server);
    rows.push(row);
    rows.push(server_pair(
        &server,
        "python websockets",
        Command::new("python3")
            .arg(dir.join("py_client.py"))
            .args(["websockets", &ws_url]),
        true,
    ));
    rows.push(server_pair(
        &server,
        "aiohttp",
        Command::new("python3")
            .arg(dir.join("py_client.py"))
            .args(["aiohttp", &format!("http://{address}/chat")]),
        true,
    ));
    rows.push(server_pair(
        &server,
        "node ws",
        Command::new("node")
            .arg(dir.join("node_client.js"))
            .arg(&ws_url)
            .env("NODE_PATH", node_modules()),
        true,
    ));

    // curl --http1.1 with upgrade headers: check the 101 head.
    let (_, head) = run_peer(
        Command::new("curl")
            .args(["-sS", "-i", "--http1.1", "--max-time", "3"])
            .args([
                "-H",
                "Connection: Upgrade",
                "-H",
                "Upgrade: websocket",
                "-H",
                "Sec-WebSocket-Version: 13",
                "-H",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                "-H",
                "Sec-WebSocket-Protocol: chat",
                &format!("http://{address}/chat"),
            ]),
        10,
    );
    let passed = head.starts_with("HTTP/1.1 101")
        && head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        && head.contains("Sec-WebSocket-Protocol: chat");
    rows.push(Row {
        peer: "curl --http1.1 (upgrade)",
        role: "their client → our server",
        passed,
        subprotocol: if head.contains("Sec-WebSocket-Protocol: chat") {
            "chat".into()
        } else {
            "-".into()
        },
        extensions: "-".into(),
        detail: if passed {
            "101 head checked".into()
        } else {
            format!("raw: {head:?}")
        },
    });

    // A plain GET is declined and served normally.
    let (_, plain) = run_peer(
        Command::new("curl").args([
            "-sS",
            "-i",
            "--max-time",
            "5",
            &format!("http://{address}/"),
        ]),
        10,
    );
    let passed = plain.starts_with("HTTP/1.1 200") && plain.contains("no_upgrade");
    rows.push(Row {
        peer: "curl (plain GET)",
        role: "their client → our server",
        passed,
        subprotocol: "-".into(),
        extensions: "-".into(),
        detail: if passed {
            "declined → 200".into()
        } else {
            format!("raw: {plain:?}")
        },
    });

    // Negative: a version-8 request from a raw socket gets 426 with Sec-WebSocket-Version: 13.
    let (_, probe) = run_peer(
        Command::new("python3")
            .arg(dir.join("raw_probe.py"))
            .args([port.as_str(), "8"]),
        15,
    );
    let passed = probe.contains("status=426") && probe.contains("version13=yes");
    rows.push(Row {
        peer: "raw socket, version 8",
        role: "their client → our server",
        passed,
        subprotocol: "-".into(),
        extensions: "-".into(),
        detail: if passed {
            "426 + Sec-WebSocket-Version: 13".into()
        } else {
            format!("raw: {probe:?}")
        },
    });
    drop(server);

    rows.push(client_pair(
        "python websockets",
        "websockets",
        &dir.join("py_server.py"),
        false,
    ));
    rows.push(client_pair(
        "node ws",
        "ws",
        &dir.join("node_server.js"),
        true,
    ));
    rows.push(client_pair(
        "python (wrong Accept)",
        "lie",
        &dir.join("py_server.py"),
        false,
    ));

    rows.extend(crate::interop_h2::rows());

    println!();
    println!(
        "| peer | role | result | subprotocol (peer / ours) | extensions (peer / ours) | note |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    let mut failed = 0;
    for row in &rows {
        failed += usize::from(!row.passed);
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            row.peer,
            row.role,
            if row.passed { "pass" } else { "FAIL" },
            row.subprotocol,
            row.extensions,
            row.detail.replace('|', "\\|")
        );
    }
    println!();
    println!(
        "{} passed, {failed} failed ({:.0} s)",
        rows.len() - failed,
        started.elapsed().as_secs_f64()
    );
    i32::from(failed > 0)
}
