//! `cargo xtask probe`: the workspace's cases and generators aimed at a live HTTP/1.1 server
//! or proxy chain, every answer judged by the oracle crate's RFC rules (`handshake_rules`),
//! never by the core crate. It sends only to the one address it is given, follows no
//! redirect, bounds every read and every loop, and paces itself (`--rate`).
//!
//! - `probe URL`: every case against `URL`; the report as markdown (stdout), JSON and HTML.
//! - `--case NAME`: one case, its bytes sent and received printed (the replay command).
//! - `--against URL2`: the same cases to a second stack; their disagreements grouped.
//! - `--server NAME`: starts a known implementation on 127.0.0.1, probes it, stops it.
//! - `--all`: every known implementation; the table (`--table FILE` writes it).
//!
//! Exit status: 0 when no MUST rule was broken (with `--all`: when our server broke none
//! and the lenient control broke some), 1 otherwise, 2 when the target could not be probed.

mod catalogue;
mod lenient;
mod report;
mod servers;
mod tungstenite_server;
mod verdict;
mod wire;

use std::collections::BTreeMap;
use std::net::ToSocketAddrs as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _, Result};
use http_upgrade_proptests::handshake_rules::Level;

use crate::base::paths::target_dir;
use catalogue::{catalogue, Case, Target};
use verdict::Verdict;

/// `cargo xtask probe`.
#[derive(Debug, clap::Args)]
pub struct ProbeArgs {
    /// The server or proxy to probe: `http://host[:port][/path]` or `ws://...` (no TLS).
    url: Option<String>,
    /// Start this implementation on 127.0.0.1 and probe it (`--list` names them).
    #[arg(long, value_name = "NAME", conflicts_with = "url")]
    server: Option<String>,
    /// Probe every known implementation and print the table.
    #[arg(long, conflicts_with_all = ["url", "server"])]
    all: bool,
    /// With --all: also write the table, with versions and the command, to this file.
    #[arg(long, value_name = "FILE", requires = "all")]
    table: Option<PathBuf>,
    /// Only these cases (repeatable); a replay prints the bytes both ways.
    #[arg(long = "case", value_name = "NAME")]
    cases: Vec<String>,
    /// Only these categories (repeatable): upgrade, websocket, negotiation, host-origin,
    /// framing, h2c, complexity, near-miss, generated.
    #[arg(long = "category", value_name = "NAME")]
    categories: Vec<String>,
    /// Send every case to this second stack too, and group where the two disagree.
    #[arg(long, value_name = "URL2")]
    against: Option<String>,
    /// How many generated requests (a seeded batch from the proptest model).
    #[arg(long, default_value_t = 64)]
    generated: usize,
    /// The generated batch's seed (the same seed, the same requests).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// At most this many cases per second.
    #[arg(long, default_value_t = 50.0)]
    rate: f64,
    /// Where the JSON and HTML reports go (default: `target/probe/NAME/`).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// List the cases and the known implementations, and probe nothing.
    #[arg(long)]
    list: bool,
}

/// Reads `http://host[:port][/path]` (or `ws://`) into the one address to send to.
fn parse_url(url: &str) -> Result<Target> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("ws://"))
        .with_context(|| format!("{url}: only http:// and ws:// URLs (no TLS)"))?;
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    if authority.is_empty() || authority.contains('@') {
        bail!("{url}: a host is needed, and no userinfo");
    }
    let with_port = if authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let address = with_port
        .to_socket_addrs()
        .with_context(|| format!("cannot resolve {authority}"))?
        .next()
        .with_context(|| format!("{authority} resolves to nothing"))?;
    Ok(Target {
        address,
        authority: authority.to_string(),
        path: path.to_string(),
    })
}

impl ProbeArgs {
    fn selected(&self, target: &Target) -> Result<Vec<Case>> {
        let all = catalogue(target, self.generated, self.seed);
        let chosen: Vec<Case> = all
            .into_iter()
            .filter(|c| self.cases.is_empty() || self.cases.contains(&c.name))
            .filter(|c| {
                self.categories.is_empty() || self.categories.iter().any(|k| k == c.category.name())
            })
            .collect();
        if chosen.is_empty() {
            bail!(
                "no case matches --case {:?} --category {:?}",
                self.cases,
                self.categories
            );
        }
        Ok(chosen)
    }
}

/// Runs `cases` against `target`, paced, with a progress line per case.
fn probe(cases: &[Case], target: &Target, rate: f64, label: &str) -> Vec<Verdict> {
    let gap = Duration::from_secs_f64(1.0 / rate.max(0.1));
    let mut verdicts = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let started = Instant::now();
        let verdict = verdict::run(case, target);
        let mark = match verdict.worst() {
            Some(Level::Must) => "MUST FAILED",
            Some(Level::Should) => "should failed",
            None => "ok",
        };
        eprintln!(
            "[{label} {}/{}] {} → {} {mark}",
            index + 1,
            cases.len(),
            case.name,
            verdict.summary
        );
        verdicts.push(verdict);
        if let Some(rest) = gap.checked_sub(started.elapsed()) {
            std::thread::sleep(rest);
        }
    }
    verdicts
}

/// Writes the JSON and HTML reports under `dir`; their paths.
fn write_reports(dir: &PathBuf, url: &str, verdicts: &[Verdict]) -> Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir)?;
    let json = dir.join("report.json");
    let html = dir.join("report.html");
    std::fs::write(
        &json,
        serde_json::to_string_pretty(&report::json(url, verdicts))?,
    )?;
    std::fs::write(&html, report::html(url, verdicts))?;
    std::fs::write(dir.join("report.md"), report::markdown(url, verdicts))?;
    Ok((json, html))
}

/// One case replayed: the bytes both ways and the verdict.
fn print_replay(verdict: &Verdict) {
    println!("== {} ({})", verdict.case.name, verdict.case.source);
    for (index, phase) in verdict.case.phases.iter().enumerate() {
        println!(
            "-- sent, phase {}:\n{}",
            index + 1,
            report::printable(phase, 8192)
        );
    }
    println!(
        "-- received ({} ms):\n{}",
        verdict.elapsed.as_millis(),
        report::printable(&verdict.received, 8192)
    );
    println!("-- answer: {}", verdict.summary);
    for failure in &verdict.failures {
        println!(
            "-- {} {}: {} ({})",
            failure.level.name(),
            failure.rule,
            failure.detail,
            failure.source
        );
    }
}

/// What the two stacks did with one case, as `--against` compares it.
fn behaviour(verdict: &Verdict) -> String {
    let mut rules: Vec<&str> = verdict.failures.iter().map(|f| f.rule).collect();
    rules.sort_unstable();
    rules.dedup();
    let finals = verdict
        .statuses
        .iter()
        .filter(|s| **s >= 200 || **s == 101)
        .count();
    format!("{} ({} final) {}", verdict.summary, finals, rules.join(","))
}

fn differential(first: &[Verdict], second: &[Verdict], a: &str, b: &str) -> String {
    let mut groups: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    for (x, y) in first.iter().zip(second) {
        let (bx, by) = (behaviour(x), behaviour(y));
        if bx != by {
            groups.entry((bx, by)).or_default().push(&x.case.name);
        }
    }
    let mut text = format!(
        "\n## Where {a} and {b} disagree ({} groups)\n\n| {a} | {b} | cases |\n| --- | --- | --- |\n",
        groups.len()
    );
    for ((x, y), cases) in &groups {
        let shown: Vec<String> = cases.iter().take(6).map(|c| format!("`{c}`")).collect();
        let more = cases.len().saturating_sub(6);
        text.push_str(&format!(
            "| {x} | {y} | {}{} |\n",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    text
}

/// Probes one URL (and its `--against`); the exit code.
fn probe_url(args: &ProbeArgs, url: &str, label: &str) -> Result<i32> {
    let target = parse_url(url)?;
    let cases = args.selected(&target)?;
    let verdicts = probe(&cases, &target, args.rate, label);
    if !args.cases.is_empty() {
        for verdict in &verdicts {
            print_replay(verdict);
        }
    }
    let mut text = report::markdown(url, &verdicts);
    if let Some(second) = &args.against {
        let second_target = parse_url(second)?;
        let second_cases = args.selected(&second_target)?;
        let second_verdicts = probe(&second_cases, &second_target, args.rate, "against");
        text.push_str(&differential(&verdicts, &second_verdicts, url, second));
    }
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| target_dir().join("probe").join(label));
    let (json, html) = write_reports(&dir, url, &verdicts)?;
    println!("{text}\nreports: {} {}", json.display(), html.display());
    Ok(i32::from(verdicts.iter().any(|v| v.failed_at(Level::Must))))
}

/// Probes every known implementation; the table and the exit code.
fn probe_all(args: &ProbeArgs) -> Result<i32> {
    let started = Instant::now();
    let mut rows = Vec::new();
    let mut controls_hold = true;
    for implementation in servers::IMPLEMENTATIONS {
        eprintln!("== {}: {}", implementation.name, implementation.about);
        let running = match servers::start(&implementation) {
            Ok(running) => running,
            Err(error) => {
                let why = format!("{error:#}");
                eprintln!("{}: not probed: {why}", implementation.name);
                let why = why.lines().next().unwrap_or_default().replace('|', "/");
                rows.push(format!(
                    "| {} | not started: {why} | - | - | - | - |",
                    implementation.name
                ));
                controls_hold &= !implementation.is_control();
                continue;
            }
        };
        let url = format!("http://127.0.0.1:{}/", running.port);
        let target = parse_url(&url)?;
        let cases = args.selected(&target)?;
        let verdicts = probe(&cases, &target, args.rate, implementation.name);
        let version = running.version.clone();
        drop(running);
        let dir = target_dir().join("probe").join(implementation.name);
        write_reports(
            &dir,
            &format!("--server {}", implementation.name),
            &verdicts,
        )?;
        let failed = verdicts.iter().any(|v| v.failed_at(Level::Must));
        match implementation.name {
            "ours" if failed => controls_hold = false,
            "lenient" if !failed => controls_hold = false,
            _ => {}
        }
        rows.push(report::table_row(implementation.name, &version, &verdicts));
    }
    let table = format!("{}\n{}\n", report::TABLE_HEADER, rows.join("\n"));
    println!("{table}");
    eprintln!(
        "probed every implementation in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    if let Some(path) = &args.table {
        std::fs::write(path, results_page(args, &table))?;
        println!("wrote {}", path.display());
    }
    if !controls_hold {
        eprintln!(
            "the controls do not hold: our server must break no MUST rule, the lenient one some"
        );
    }
    Ok(i32::from(!controls_hold))
}

/// The committed page of the `--all` table: what it is, the command, then the table.
fn results_page(args: &ProbeArgs, table: &str) -> String {
    format!(
        "# The probe on real implementations\n\n\
         Every implementation `cargo xtask probe` knows, started on 127.0.0.1 from this \
         workspace or a registry package, probed with the whole catalogue ({} generated \
         requests, seed {}) and stopped. A case is a MUST case when it tests a MUST of the \
         RFCs; *MUST passed* and *MUST failed* count those cases, *SHOULD failed* every case \
         that broke a SHOULD (a valid handshake refused, an unbounded answer). Each rule is \
         judged by the oracle crate's `handshake_rules`, never by our core crate. Every MUST \
         failure of somebody else's implementation is written up in \
         [`probe-findings.md`](probe-findings.md) after it was checked by hand.\n\n\
         Made by `cargo xtask probe --all --table docs/probe-results.md` at `{}`, {}.\n\n{table}",
        args.generated,
        args.seed,
        crate::base::git::head()
            .map(|c| c[..7].to_string())
            .unwrap_or_default(),
        today(),
    )
}

fn today() -> String {
    crate::base::process::cmd("date")
        .args(["-u", "+%Y-%m-%d"])
        .read()
        .map(|d| d.trim().to_string())
        .unwrap_or_default()
}

/// Lists the cases and the implementations.
fn list(args: &ProbeArgs) -> Result<i32> {
    let example = parse_url("http://127.0.0.1:9001/")?;
    for case in args.selected(&example)? {
        println!("{:<48} {:<6} {}", case.name, case.level.name(), case.source);
    }
    println!();
    for implementation in servers::IMPLEMENTATIONS {
        println!(
            "--server {:<20} {}",
            implementation.name, implementation.about
        );
    }
    Ok(0)
}

/// Runs the command; the exit code.
pub fn run(args: &ProbeArgs) -> i32 {
    let result = if args.list {
        list(args)
    } else if args.all {
        probe_all(args)
    } else if let Some(name) = &args.server {
        servers::named(name).and_then(|implementation| {
            let running = servers::start(&implementation)?;
            eprintln!(
                "{} {} on 127.0.0.1:{}",
                implementation.name, running.version, running.port
            );
            let url = format!("http://127.0.0.1:{}/", running.port);
            probe_url(args, &url, implementation.name)
        })
    } else if let Some(url) = &args.url {
        probe_url(args, url, "url")
    } else {
        Err(anyhow::anyhow!(
            "give a URL, --server NAME, --all or --list"
        ))
    };
    result.unwrap_or_else(|error| {
        eprintln!("probe: {error:#}");
        2
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_one_address_and_a_path() {
        let target = parse_url("http://127.0.0.1:9001/chat?x=1").unwrap();
        assert_eq!(target.address.to_string(), "127.0.0.1:9001");
        assert_eq!(target.authority, "127.0.0.1:9001");
        assert_eq!(target.path, "/chat?x=1");
        assert_eq!(parse_url("ws://127.0.0.1").unwrap().address.port(), 80);
        assert!(parse_url("https://127.0.0.1/").is_err());
        assert!(parse_url("http://user@127.0.0.1/").is_err());
    }

    fn probe_in_process(port: u16) -> Vec<Verdict> {
        let target = parse_url(&format!("http://127.0.0.1:{port}/")).unwrap();
        let cases: Vec<Case> = catalogue(&target, 8, 1)
            .into_iter()
            .filter(|c| c.category != catalogue::Category::Complexity)
            .collect();
        probe(&cases, &target, 1000.0, "test")
    }

    fn failed(verdicts: &[Verdict]) -> Vec<&str> {
        verdicts
            .iter()
            .filter(|v| v.failed_at(Level::Must))
            .map(|v| v.case.name.as_str())
            .collect()
    }

    /// The negative control: the lenient server fails the rows it was built to fail.
    #[test]
    fn the_lenient_server_fails_what_it_should() {
        let server = lenient::start().unwrap();
        let verdicts = probe_in_process(server.port);
        let failed = failed(&verdicts);
        for row in [
            "upgrade/http10",
            "upgrade/no_upgrade_field",
            "upgrade/post",
            "websocket/missing_key",
            "websocket/missing_version",
            "host-origin/missing_host",
            "framing/body_is_not_a_request",
            "h2c/no_settings",
            "negotiation/subprotocols_offered",
        ] {
            assert!(failed.contains(&row), "the lenient server passed {row}");
        }
        assert!(!failed.contains(&"websocket/handshake"));
    }

    /// A real implementation in process: tungstenite takes the valid handshake with the
    /// right Accept, and the probe's verdicts on it are stable from run to run.
    #[test]
    fn tungstenite_takes_the_handshake_and_verdicts_repeat() {
        let server = tungstenite_server::start().unwrap();
        let first = probe_in_process(server.port);
        let handshake = first
            .iter()
            .find(|v| v.case.name == "websocket/handshake")
            .unwrap();
        assert_eq!(handshake.summary, "101 websocket");
        assert!(handshake.failures.is_empty(), "{:?}", handshake.failures);
        let again = probe_in_process(server.port);
        assert_eq!(failed(&first), failed(&again));
    }

    /// `--against`: the lenient control and tungstenite disagree where the control breaks
    /// a rule, and the report groups those cases.
    #[test]
    fn the_differential_groups_where_two_stacks_disagree() {
        let lenient = lenient::start().unwrap();
        let real = tungstenite_server::start().unwrap();
        let only = |port: u16| {
            let target = parse_url(&format!("http://127.0.0.1:{port}/")).unwrap();
            let cases: Vec<Case> = catalogue(&target, 0, 1)
                .into_iter()
                .filter(|c| c.category == catalogue::Category::Upgrade)
                .collect();
            probe(&cases, &target, 1000.0, "test")
        };
        let text = differential(
            &only(lenient.port),
            &only(real.port),
            "lenient",
            "tungstenite",
        );
        assert!(text.contains("`upgrade/http10`"), "{text}");
        assert!(!text.contains("`upgrade/connection_list`"), "{text}");
    }

    /// A server built on the crate (the proxies' strict backend: `ServerPolicy::respond`
    /// and `write_response`, in process) breaks no MUST rule; CI probes the example server
    /// the same way (`.ci/run`).
    #[test]
    fn a_server_on_the_crate_breaks_no_must_rule() {
        let backend =
            crate::proxies::backend::Backend::start(crate::proxies::backend::Mode::Strict).unwrap();
        let verdicts = probe_in_process(backend.port);
        assert_eq!(failed(&verdicts), Vec::<&str>::new());
        let handshake = verdicts
            .iter()
            .find(|v| v.case.name == "websocket/handshake")
            .unwrap();
        assert_eq!(handshake.summary, "101 websocket");
    }
}
