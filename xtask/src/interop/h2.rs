//! The HTTP/2 rows of `cargo xtask interop`: the hyper example
//! (`core/examples/hyper_server.rs`) against headless Chromium over HTTPS/h2 (RFC 8441
//! extended CONNECT, and a negative control without `SETTINGS_ENABLE_CONNECT_PROTOCOL` that
//! must fall back to HTTP/1.1), node's built-in `http2` client, and curl's h2c Upgrade and
//! prior-knowledge HTTP/2. Every row is judged by the peer's own report and by the line the
//! server printed for that request, which names the transport.

use std::time::Duration;

use anyhow::{anyhow, Result};

use super::peers::{example, field, interop_dir, node_modules, run_peer, Row};
use crate::base::paths::target_dir;
use crate::base::process::{cmd, Cmd, Service};

/// The hyper example on two free ports; `None` (with the reason) if it did not start.
struct HyperServer {
    process: Service,
    tls: String,
    cleartext: String,
}

impl HyperServer {
    fn start(connect_protocol: bool) -> Result<HyperServer> {
        let mut command = cmd(example("hyper_server")).args([
            "--port",
            "0",
            "--h2c-port",
            "0",
            "--subprotocol",
            "chat",
        ]);
        if !connect_protocol {
            command = command.arg("--no-connect-protocol");
        }
        let process = command.start()?;
        let address = |prefix: &str| {
            process
                .wait_for(prefix, Duration::from_secs(20))
                .map(|line| line.trim_start_matches(prefix).trim().to_string())
                .ok_or_else(|| anyhow!("hyper_server printed no `{prefix}`"))
        };
        let tls = address("listening on https://")?;
        let cleartext = address("cleartext on http://")?;
        Ok(HyperServer {
            process,
            tls,
            cleartext,
        })
    }

    /// Runs a peer (bounded); its stdout and the server's lines printed meanwhile.
    fn exchange(&self, command: Cmd, seconds: u32) -> (String, Vec<String>) {
        let before = self.process.lines().len();
        let (_, out) = run_peer(command, seconds);
        std::thread::sleep(Duration::from_millis(300));
        let server = self.process.lines().into_iter().skip(before).collect();
        (out, server)
    }
}

/// The first server line that starts with `verdict` and has every `key=value` of `wanted`.
fn server_line(lines: &[String], verdict: &str, wanted: &[(&str, &str)]) -> Option<String> {
    lines
        .iter()
        .find(|line| {
            line.starts_with(verdict)
                && wanted.iter().all(|(key, value)| field(line, key) == *value)
        })
        .cloned()
}

fn row(peer: &'static str, passed: bool, subprotocol: String, detail: String) -> Row {
    Row {
        peer,
        role: "their client → our server (hyper)",
        passed,
        subprotocol,
        extensions: "-".into(),
        detail,
    }
}

/// Headless Chromium loads `/` over HTTPS and opens `wss://…/chat`; `transport` is where the
/// server must have seen the WebSocket (h2: extended CONNECT on the page's connection; h1:
/// the fallback to a new HTTP/1.1 connection).
fn chromium(server: &HyperServer, peer: &'static str, transport: &str) -> Row {
    let profile = target_dir().join(format!("interop/chromium-profile-{transport}"));
    let _ = std::fs::remove_dir_all(&profile);
    let (out, lines) = server.exchange(
        cmd("node")
            .arg(interop_dir().join("chromium_driver.js"))
            .arg(format!("https://{}/", server.tls))
            .arg(&profile)
            .arg("20")
            .env("NODE_PATH", node_modules()),
        30,
    );
    let page = out.lines().find(|l| l.starts_with("result=")).unwrap_or("");
    let switch = server_line(
        &lines,
        "switch",
        &[("transport", transport), ("tls", "yes"), ("path", "/chat")],
    );
    // The page itself came over h2, so Chromium had a connection to reuse.
    let page_over_h2 = server_line(&lines, "decline", &[("transport", "h2"), ("path", "/")]);
    let other_switch = lines
        .iter()
        .any(|l| l.starts_with("switch") && field(l, "transport") != transport);
    let passed = field(page, "echo") == "ok"
        && field(page, "result=subprotocol") == "chat"
        && switch
            .as_deref()
            .is_some_and(|l| field(l, "subprotocol") == "chat")
        && page_over_h2.is_some()
        && !other_switch;
    row(
        peer,
        passed,
        format!(
            "{} / {}",
            field(page, "result=subprotocol"),
            switch.as_deref().map_or("?", |l| field(l, "subprotocol"))
        ),
        if passed {
            format!("page over h2; WebSocket seen as transport={transport}")
        } else {
            format!("peer: {out:?} server: {lines:?}")
        },
    )
}

/// node's `http2` client sends the extended CONNECT itself.
fn node_http2(server: &HyperServer, peer: &'static str, url: String, version: &str) -> Row {
    let (out, lines) = server.exchange(
        cmd("node")
            .arg(interop_dir().join("node_h2_client.js"))
            .args([url.as_str(), version]),
        15,
    );
    let report = out.lines().find(|l| l.starts_with("result=")).unwrap_or("");
    let tls = if url.starts_with("https:") {
        "yes"
    } else {
        "no"
    };
    let switch = server_line(&lines, "switch", &[("transport", "h2"), ("tls", tls)]);
    let ours = switch.as_deref().map_or("-", |l| field(l, "subprotocol"));
    let (passed, detail) = if version == "13" {
        (
            field(report, "result") == "ok"
                && field(report, "status") == "200"
                && field(report, "subprotocol") == "chat"
                && ours == "chat",
            "200 over extended CONNECT, echo ok",
        )
    } else {
        let reject = server_line(&lines, "reject", &[("transport", "h2"), ("status", "426")]);
        (
            field(report, "status") == "426"
                && field(report, "version") == "13"
                && reject.is_some(),
            "426 + sec-websocket-version: 13",
        )
    };
    row(
        peer,
        passed,
        format!("{} / {ours}", field(report, "subprotocol")),
        if passed {
            detail.into()
        } else {
            format!("peer: {out:?} server: {lines:?}")
        },
    )
}

/// curl on the cleartext port: the h2c Upgrade (`--http2`) or HTTP/2 with prior knowledge.
fn curl(server: &HyperServer, peer: &'static str, flag: &str) -> Row {
    let (out, lines) = server.exchange(
        cmd("curl").args([
            "-sS",
            flag,
            "--max-time",
            "5",
            "-w",
            "\nhttp_version=%{http_version}\n",
            &format!("http://{}/hello", server.cleartext),
        ]),
        10,
    );
    let over_h2 = out.contains("http_version=2");
    let (passed, detail) = if flag == "--http2" {
        let switch = server_line(
            &lines,
            "switch",
            &[("transport", "h1"), ("protocol", "h2c")],
        );
        (
            over_h2 && out.contains("served over h2c on stream 1") && switch.is_some(),
            format!(
                "101 then stream 1 over HTTP/2; settings {}",
                switch.as_deref().map_or("?", |l| field(l, "settings"))
            ),
        )
    } else {
        let decline = server_line(&lines, "decline", &[("transport", "h2"), ("tls", "no")]);
        (
            over_h2 && out.contains("plain HTTP over h2") && decline.is_some(),
            "no :protocol → declined, served over h2".to_string(),
        )
    };
    row(
        peer,
        passed,
        "-".into(),
        if passed {
            detail
        } else {
            format!("peer: {out:?} server: {lines:?}")
        },
    )
}

/// Every HTTP/2 row; a server that does not start fails its rows rather than the run.
pub fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    match HyperServer::start(true) {
        Ok(server) => {
            rows.push(chromium(&server, "chromium over HTTPS/h2 (RFC 8441)", "h2"));
            let tls_url = format!("https://{}/chat", server.tls);
            let cleartext_url = format!("http://{}/chat", server.cleartext);
            rows.push(node_http2(
                &server,
                "node http2 (TLS)",
                tls_url.clone(),
                "13",
            ));
            rows.push(node_http2(
                &server,
                "node http2 (cleartext)",
                cleartext_url,
                "13",
            ));
            rows.push(node_http2(&server, "node http2, version 8", tls_url, "8"));
            rows.push(curl(&server, "curl --http2 (h2c Upgrade)", "--http2"));
            rows.push(curl(
                &server,
                "curl --http2-prior-knowledge",
                "--http2-prior-knowledge",
            ));
        }
        Err(error) => rows.push(row("hyper_server", false, "-".into(), format!("{error:#}"))),
    }
    match HyperServer::start(false) {
        Ok(server) => rows.push(chromium(
            &server,
            "chromium, no ENABLE_CONNECT_PROTOCOL",
            "h1",
        )),
        Err(error) => rows.push(row(
            "hyper_server (no connect)",
            false,
            "-".into(),
            format!("{error:#}"),
        )),
    }
    rows
}
