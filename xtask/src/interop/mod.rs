//! `cargo xtask interop`: our example server and client against real peers on 127.0.0.1,
//! every step bounded in time. Installs what is missing (Debian chromium, pip websockets and
//! aiohttp, npm ws). Exit 0: all pairs passed; 1: a pair failed; 3: peers not installable.

mod h2;
pub(crate) mod peers;

use std::path::Path;
use std::time::{Duration, Instant};

use peers::{example, field, interop_dir, node_modules, run_peer, Row};

use crate::base::net::free_port;
use crate::base::paths::{root, target_dir};
use crate::base::process::{cmd, Cmd, Service};

/// A peer connecting to our server: its own report line, and our server's for that connection.
fn server_pair(server: &Service, peer: &'static str, command: Cmd, deflate: bool) -> Row {
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
    // A real client's handshake is the common case the one pass is for.
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
    let command = if node {
        cmd("node")
            .arg(script)
            .arg(port.to_string())
            .env("NODE_PATH", node_modules())
    } else {
        cmd("python3")
            .arg(script)
            .arg(server_kind)
            .arg(port.to_string())
    };
    let server = match command.start() {
        Ok(server) => server,
        Err(error) => return Row::failed(peer, format!("{error:#}")),
    };
    if server.wait_for("ready", Duration::from_secs(20)).is_none() {
        return Row::failed(peer, "server never ready".into());
    }
    let (ok, out) = run_peer(
        cmd(example("client")).args([
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
    if let Err(error) = peers::install() {
        eprintln!("peers unavailable: {error:#}");
        return 3;
    }
    if let Err(error) = cmd("cargo")
        .args([
            "build",
            "-p",
            "http-upgrade",
            "--features",
            "http",
            "--examples",
        ])
        .dir(root())
        .read()
    {
        eprintln!("building the examples failed: {error:#}");
        return 1;
    }
    let started = Instant::now();
    let mut rows = Vec::new();
    let server = match cmd(example("server"))
        .args(["--port", "0", "--subprotocol", "chat", "--deflate"])
        .start()
    {
        Ok(server) => server,
        Err(error) => {
            eprintln!("starting our server: {error:#}");
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
    let page_server = cmd("python3")
        .args([
            "-m",
            "http.server",
            "--bind",
            "127.0.0.1",
            &page_port.to_string(),
            "--directory",
        ])
        .arg(root().join("core/examples/support"))
        .start();
    // Wait (bounded) until the page server accepts connections.
    let page_ready = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", page_port)).is_err()
        && Instant::now() < page_ready
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    let profile = target_dir().join("interop/chromium-profile");
    let _ = std::fs::remove_dir_all(&profile);
    // Driven over the DevTools protocol and polled until the page reports (20 s at most),
    // as the HTTP/2 rows are: `--dump-dom` with virtual time once printed nothing at all on
    // a first run in CI.
    let chromium = cmd("node")
        .arg(dir.join("chromium_driver.js"))
        .arg(format!(
            "http://127.0.0.1:{page_port}/echo_page.html?ws={ws_url}"
        ))
        .arg(&profile)
        .arg("20")
        .env("NODE_PATH", node_modules());
    let row = server_pair(&server, "chromium (headless)", chromium, true);
    drop(page_server);
    rows.push(row);
    rows.push(server_pair(
        &server,
        "python websockets",
        cmd("python3")
            .arg(dir.join("py_client.py"))
            .args(["websockets", &ws_url]),
        true,
    ));
    rows.push(server_pair(
        &server,
        "aiohttp",
        cmd("python3")
            .arg(dir.join("py_client.py"))
            .args(["aiohttp", &format!("http://{address}/chat")]),
        true,
    ));
    rows.push(server_pair(
        &server,
        "node ws",
        cmd("node")
            .arg(dir.join("node_client.js"))
            .arg(&ws_url)
            .env("NODE_PATH", node_modules()),
        true,
    ));

    // curl --http1.1 with upgrade headers: check the 101 head.
    let (_, head) = run_peer(
        cmd("curl")
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
        cmd("curl").args([
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
        cmd("python3")
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

    rows.extend(h2::rows());

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
