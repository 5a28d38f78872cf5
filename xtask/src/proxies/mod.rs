//! `cargo xtask proxies`: the smuggling rows through nginx, HAProxy, Apache and Caddy in
//! front of a backend built on the crate, each proxy in its documented WebSocket
//! configuration and a permissive one, then once more in front of a lenient backend (the
//! negative control, which must fail at least one row). Loopback only; every process it
//! starts is stopped at the end.

pub mod attacks;
pub mod backend;
pub mod configs;

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use attacks::{attacks, Attack};
use backend::{Backend, Mode, Seen};
use configs::{Proxy, PROXIES};

use anyhow::{anyhow, Result};

use crate::base::install;
use crate::base::net::free_port;
use crate::base::paths::target_dir;
use crate::base::process::Group;

/// `cargo xtask proxies`.
#[derive(Debug, clap::Args)]
pub struct ProxiesArgs {
    /// Only this proxy (repeatable): nginx, haproxy, apache, caddy.
    #[arg(long = "proxy", value_name = "NAME")]
    proxies: Vec<String>,
    /// Never install a missing proxy (apt-get); skip it, loudly.
    #[arg(long)]
    no_install: bool,
}

/// One row's record.
#[derive(Debug, Clone)]
pub struct Row {
    /// The attack's name.
    pub attack: &'static str,
    /// The statuses the client read, in order.
    pub client: Vec<u16>,
    /// The request heads the backend read during the row.
    pub backend: Vec<Seen>,
    /// The backend read the smuggled request as a request of its own.
    pub smuggled: bool,
    /// A fresh request after the row got its own answer.
    pub probe_ok: bool,
}

impl Row {
    /// The row holds: nothing smuggled, and the next request answered as itself.
    pub fn passed(&self) -> bool {
        !self.smuggled && self.probe_ok
    }
}

/// How long a phase waits for more bytes once some arrived, and at most.
const IDLE: Duration = Duration::from_millis(300);
const PHASE_CAP: Duration = Duration::from_secs(3);

/// Sends `phases` to 127.0.0.1:`port`, reading after each until the peer idles or closes;
/// the statuses of every response head read.
pub fn exchange(port: u16, phases: &[Vec<u8>]) -> Vec<u16> {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return Vec::new();
    };
    let mut received = Vec::new();
    for phase in phases {
        if stream.write_all(phase).is_err() {
            break;
        }
        if !read_until_idle(&mut stream, &mut received) {
            break;
        }
    }
    statuses(&received)
}

/// Reads into `out` until IDLE passes without a byte (after the first) or PHASE_CAP; false
/// when the peer closed.
fn read_until_idle(stream: &mut TcpStream, out: &mut Vec<u8>) -> bool {
    crate::base::net::read_until_idle(
        stream,
        out,
        crate::base::net::ReadLimits {
            first: PHASE_CAP,
            idle: IDLE,
            cap: PHASE_CAP,
            max_bytes: usize::MAX,
        },
    )
}

/// The status of every `HTTP/1.x NNN` line starting a line of `bytes`.
fn statuses(bytes: &[u8]) -> Vec<u16> {
    let mut found = Vec::new();
    for (at, window) in bytes.windows(12).enumerate() {
        let line_start = at == 0 || bytes[at - 1] == b'\n';
        if line_start && window.starts_with(b"HTTP/1.") && window[8] == b' ' {
            if let Some(code) = std::str::from_utf8(&window[9..12])
                .ok()
                .and_then(|t| t.parse().ok())
            {
                found.push(code);
            }
        }
    }
    found
}

/// A fresh connection asks for `/probe-<name>` and must get its own 200.
fn probe(port: u16, name: &str) -> bool {
    let request =
        format!("GET /probe-{name} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.write_all(request.as_bytes());
    let mut received = Vec::new();
    read_until_idle(&mut stream, &mut received);
    let text = String::from_utf8_lossy(&received);
    text.starts_with("HTTP/1.1 200") && text.contains(&format!("served /probe-{name}\n"))
}

/// Runs one attack through `port` and judges it by what `backend` read.
pub fn run_row(port: u16, backend: &Backend, attack: &Attack) -> Row {
    let before = backend.seen().len();
    let client = exchange(port, &attack.phases);
    std::thread::sleep(Duration::from_millis(100));
    let probe_ok = probe(port, attack.name);
    std::thread::sleep(Duration::from_millis(50));
    let seen: Vec<Seen> = backend.seen().split_off(before);
    let smuggled = seen.iter().any(|s| s.target.contains("/internal"));
    Row {
        attack: attack.name,
        client,
        backend: seen
            .into_iter()
            .filter(|s| !s.target.starts_with("/probe-"))
            .collect(),
        smuggled,
        probe_ok,
    }
}

/// Starts `proxy` in `variant` before `backend`; the running process group and its port.
fn start_proxy(proxy: &Proxy, variant: &str, dir: &Path, backend: u16) -> Result<(Group, u16)> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    let port = free_port();
    let command = configs::prepare(proxy, variant, dir, port, backend);
    let log = std::fs::File::create(dir.join("proxy.log"))?;
    let log2 = log.try_clone()?;
    let running = command.spawn(Stdio::from(log), Stdio::from(log2))?;
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok((running, port));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = std::fs::read_to_string(dir.join("proxy.log")).unwrap_or_default();
    let errors = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
    Err(anyhow!(
        "{} ({variant}) did not listen within 15 s:\n{log}{errors}",
        proxy.name
    ))
}

/// Installs the missing proxies' packages; the names of those that are there afterwards.
fn install(wanted: &[Proxy], allowed: bool) -> Vec<Proxy> {
    let missing: Vec<&Proxy> = wanted
        .iter()
        .filter(|p| !install::on_path(p.binary))
        .collect();
    if !missing.is_empty() && allowed {
        let programs: Vec<&str> = missing.iter().map(|p| p.binary).collect();
        let packages: Vec<&str> = missing.iter().map(|p| p.package).collect();
        if let Err(error) = install::apt(&programs, &packages) {
            eprintln!("apt-get failed for {}: {error:#}", packages.join(" "));
        }
    }
    wanted
        .iter()
        .filter(|p| install::on_path(p.binary))
        .copied()
        .collect()
}

/// One configuration's run: every row; `Err` when the proxy would not start.
fn run_config(proxy: &Proxy, variant: &str, mode: Mode, report: &mut String) -> Result<Vec<Row>> {
    let backend = Backend::start(mode)?;
    let label = match mode {
        Mode::Strict => variant.to_string(),
        Mode::Lenient => format!("{variant}, lenient backend"),
    };
    let dir = target_dir()
        .join("proxies")
        .join(format!("{}-{}-{mode:?}", proxy.name, variant).to_lowercase());
    let (running, port) = start_proxy(proxy, variant, &dir, backend.port)?;
    let mut rows = Vec::new();
    for attack in attacks() {
        let row = run_row(port, &backend, &attack);
        let mark = if row.passed() { "ok  " } else { "FAIL" };
        println!(
            "  {mark} {:<8} {:<28} {:<20} client {:<14} backend {}",
            proxy.name,
            label,
            row.attack,
            format!("{:?}", row.client),
            describe(&row.backend)
        );
        report.push_str(&format!(
            "| {} | {label} | `{}` | {:?} | {} | {} |\n",
            proxy.name,
            row.attack,
            row.client,
            describe(&row.backend),
            if row.passed() {
                "agree".to_string()
            } else if row.smuggled {
                "**desync: /internal reached the backend**".to_string()
            } else {
                "**desync: the next request got another answer**".to_string()
            }
        ));
        rows.push(row);
    }
    drop(running);
    Ok(rows)
}

/// What the backend read, for the tables.
fn describe(seen: &[Seen]) -> String {
    if seen.is_empty() {
        return "nothing".into();
    }
    seen.iter()
        .map(|s| format!("{} → {}", s.target, s.verdict))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Runs the suite; the exit code.
pub fn run(args: &ProxiesArgs) -> i32 {
    let wanted: Vec<Proxy> = PROXIES
        .iter()
        .filter(|p| args.proxies.is_empty() || args.proxies.iter().any(|n| n == p.name))
        .copied()
        .collect();
    if wanted.is_empty() {
        eprintln!("no proxy named {:?}", args.proxies);
        return 2;
    }
    let available = install(&wanted, !args.no_install);
    for proxy in &wanted {
        if !available.contains(proxy) {
            eprintln!(
                "SKIPPED: {} is not installed and could not be installed ({})",
                proxy.name, proxy.package
            );
        }
    }
    let started = Instant::now();
    let mut report = String::from(
        "| proxy | configuration | row | client got | backend read | verdict |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    let mut summary = Vec::new();
    let mut failed = false;
    for proxy in &available {
        for variant in proxy.variants {
            println!("{} ({}): {}", proxy.name, variant.name, variant.source);
            match run_config(proxy, variant.name, Mode::Strict, &mut report) {
                Ok(rows) => {
                    let passed = rows.iter().filter(|r| r.passed()).count();
                    failed |= passed != rows.len();
                    summary.push(format!(
                        "| {} | {} | {passed} of {} |",
                        proxy.name,
                        variant.name,
                        rows.len()
                    ));
                }
                Err(error) => {
                    eprintln!("{error:#}");
                    failed = true;
                    summary.push(format!(
                        "| {} | {} | did not start |",
                        proxy.name, variant.name
                    ));
                }
            }
        }
        let documented = proxy.variants[0].name;
        println!(
            "{} ({documented}) before the lenient backend (the negative control)",
            proxy.name
        );
        match run_config(proxy, documented, Mode::Lenient, &mut report) {
            Ok(rows) => {
                let caught: Vec<&str> = rows
                    .iter()
                    .filter(|r| !r.passed())
                    .map(|r| r.attack)
                    .collect();
                if caught.is_empty() {
                    eprintln!(
                        "{}: the negative control passed every row: the suite does not bite",
                        proxy.name
                    );
                    failed = true;
                }
                summary.push(format!(
                    "| {} | lenient backend (control) | {} rows fail: {} |",
                    proxy.name,
                    caught.len(),
                    caught.join(", ")
                ));
            }
            Err(error) => {
                eprintln!("{error:#}");
                failed = true;
            }
        }
    }
    let table = format!(
        "| proxy | configuration | rows that agree |\n| --- | --- | --- |\n{}\n",
        summary.join("\n")
    );
    let out = target_dir().join("proxies/report.md");
    let _ = std::fs::create_dir_all(out.parent().expect("a parent"));
    let rows: String = attacks()
        .iter()
        .map(|a| format!("| `{}` | {} |\n", a.name, a.what))
        .collect();
    let _ = std::fs::write(
        &out,
        format!("# Proxy chain (`cargo xtask proxies`)\n\n{table}\n| row | what it tries |\n| --- | --- |\n{rows}\n{report}"),
    );
    println!("\n{table}");
    println!(
        "{} proxies in {:.0} s; every row: {}",
        available.len(),
        started.elapsed().as_secs_f64(),
        out.display()
    );
    if available.is_empty() {
        eprintln!("SKIPPED: no proxy could be installed; nothing was tested");
        return 0;
    }
    i32::from(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without a proxy, the strict backend never reads a hidden request, and the lenient
    /// one does: the oracle the proxy rows use bites.
    #[test]
    fn the_backend_oracle_bites_without_a_proxy() {
        let strict = Backend::start(Mode::Strict).expect("a backend");
        let lenient = Backend::start(Mode::Lenient).expect("a backend");
        let mut caught = Vec::new();
        // These send /internal as a genuine request, which only a proxy denies.
        let genuine = ["h2c", "absolute-form"];
        for attack in attacks().iter().filter(|a| !genuine.contains(&a.name)) {
            let row = run_row(strict.port, &strict, attack);
            assert!(row.passed(), "strict backend: {row:?}");
            let row = run_row(lenient.port, &lenient, attack);
            if row.smuggled {
                caught.push(row.attack);
            }
        }
        for expected in [
            "cl-body",
            "plain-cl-body",
            "ws-426-then-http",
            "refusal-pipelined",
        ] {
            assert!(
                caught.contains(&expected),
                "{expected} not caught: {caught:?}"
            );
        }
    }

    #[test]
    fn statuses_are_read_at_line_starts_only() {
        assert_eq!(
            statuses(b"HTTP/1.1 426 Upgrade Required\r\n\r\nHTTP/1.1 403 Forbidden\r\nx: HTTP/1.1 200 \r\n"),
            vec![426, 403]
        );
        assert_eq!(statuses(b"GET /internal HTTP/1.1\r\n"), Vec::<u16>::new());
    }
}
