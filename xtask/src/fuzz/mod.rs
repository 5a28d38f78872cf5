//! `cargo xtask fuzz`: the fuzz campaign (the README's main command) over every target with
//! one engine or both, live progress, and the corpus tools (replay, merge, minimize,
//! coverage, import).

pub mod afl;
pub mod engine;
pub mod import;
pub mod libfuzzer;
pub mod progress;
pub mod stats;

use std::path::{Path, PathBuf};
use std::time::Instant;

use engine::{Engine, Job, RunOutcome};
use progress::Progress;

use crate::seed::root;

/// Every fuzz target, in campaign order.
pub fn targets() -> Vec<String> {
    http_upgrade_proptests::harnesses::names()
        .map(str::to_string)
        .collect()
}

/// A target name, checked against the harness table.
pub fn target_name(name: &str) -> Result<String, String> {
    if http_upgrade_proptests::harnesses::harness(name).is_some() {
        Ok(name.to_string())
    } else {
        Err(format!("unknown target; targets: {}", targets().join(", ")))
    }
}

/// Which engines a campaign runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineChoice {
    /// libFuzzer through cargo-fuzz.
    Libfuzzer,
    /// AFL++ through cargo-afl.
    Afl,
    /// Both, one after the other on each target, each with the whole time.
    Both,
}

impl EngineChoice {
    /// The engines, in the order they run.
    pub fn engines(self) -> Vec<Engine> {
        match self {
            EngineChoice::Libfuzzer => vec![Engine::Libfuzzer],
            EngineChoice::Afl => vec![Engine::Afl],
            EngineChoice::Both => vec![Engine::Libfuzzer, Engine::Afl],
        }
    }
}

/// `cargo xtask fuzz`: a campaign over every target (or those named), or a corpus tool.
#[derive(Debug, clap::Args)]
pub struct FuzzArgs {
    /// A target to fuzz (repeatable; default: every target).
    #[arg(long = "target", value_name = "T", value_parser = target_name)]
    targets: Vec<String>,
    /// Seconds per target and engine.
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// Parallel workers per target: libFuzzer -fork=N, AFL++ one main and N-1 secondaries.
    #[arg(long, default_value_t = 1)]
    jobs: u32,
    /// The engine: libfuzzer, afl or both (same harnesses, seeds, dictionary, options).
    #[arg(long, value_enum, default_value_t = EngineChoice::Libfuzzer)]
    engine: EngineChoice,
    /// Go on past crashes, timeouts and OOMs, collecting them all, for the whole time.
    #[arg(long)]
    keep_going: bool,
    /// Afterwards, add the new coverage-increasing inputs to `corpus/<target>/`.
    #[arg(long)]
    merge: bool,
    /// Run every corpus and regression file through every target once, and nothing else.
    #[arg(long, conflicts_with_all = ["minimize", "coverage", "import"])]
    replay: bool,
    /// Rewrite `corpus/<target>/` as libFuzzer's -merge=1 minimum of itself.
    #[arg(long, conflicts_with_all = ["coverage", "import"])]
    minimize: bool,
    /// Line coverage of core/ from the committed corpus (table and HTML).
    #[arg(long, conflicts_with = "import")]
    coverage: bool,
    /// Bring home another machine's results: a directory or zip (ClusterFuzzLite, OSS-Fuzz,
    /// `cargo xtask fuzz` elsewhere); corpus merged into `corpus/<target>/`, crashes triaged.
    #[arg(long, value_name = "DIR|ZIP")]
    import: Option<PathBuf>,
}

fn corpus_dir(target: &str) -> PathBuf {
    root().join("corpus").join(target)
}

fn regressions_dir(target: &str) -> PathBuf {
    root().join("corpus").join("regressions").join(target)
}

/// The artifacts folder every engine saves a target's crashes in.
pub fn artifacts_dir(target: &str) -> PathBuf {
    root().join("fuzz/artifacts").join(target)
}

/// The `cargo xtask inspect` line that shows what the crate does with an artifact.
pub fn inspect_line(target: &str, artifact: &Path) -> String {
    let path = artifact.display();
    let bytes = std::fs::read(artifact).unwrap_or_default();
    match target {
        "server_negotiate" => {
            let selector = bytes.first().copied().unwrap_or(0);
            format!(
                "tail -c +2 {path} | cargo xtask inspect {} -",
                policy_flags(selector)
            )
        }
        "client_validate" if bytes.len() >= 17 => {
            let nonce: [u8; 16] = bytes[1..17].try_into().unwrap_or_default();
            let key = http_upgrade::Key::from_nonce(&nonce);
            let selector = bytes[0];
            let mut flags = format!("--role client --key {}", key.as_str());
            let offers: &[&str] = [&[][..], &["chat"], &["chat", "superchat"], &["superchat"]]
                [usize::from(selector % 4)];
            for offer in offers {
                flags.push_str(&format!(" --offer-subprotocol {offer}"));
            }
            if (selector >> 2) % 4 != 0 {
                flags.push_str(" --offer-extension permessage-deflate");
            }
            format!("tail -c +18 {path} | cargo xtask inspect {flags} -  # the oracle's extension offer for selector {selector:#04x} may differ")
        }
        "request_head" | "diff_tungstenite" => format!("cargo xtask inspect {path}"),
        _ => format!(
            "cargo xtask fuzz --replay --target {target}  # then: cargo xtask inspect {path}"
        ),
    }
}

/// The inspect flags for the policy a `server_negotiate` selector byte chooses, read from
/// the oracle's own `policy_from` (the deflate window limits have no inspect flag).
fn policy_flags(selector: u8) -> String {
    let policy = http_upgrade_proptests::oracles::policy_from(selector);
    let mut flags = String::new();
    for protocol in policy.protocols {
        flags.push_str(&format!("--protocol {protocol} "));
    }
    for subprotocol in policy.subprotocols {
        flags.push_str(&format!("--subprotocol {subprotocol} "));
    }
    if policy.subprotocol_order == http_upgrade::SubprotocolOrder::Server {
        flags.push_str("--server-preference ");
    }
    if policy.deflate.is_some() {
        flags.push_str("--extension permessage-deflate ");
    }
    if policy.require_upgrade {
        flags.push_str("--require-upgrade ");
    }
    match policy.origins {
        http_upgrade::OriginPolicy::Any => {}
        http_upgrade::OriginPolicy::AllowList(origins) => {
            for origin in origins {
                flags.push_str(&format!("--origin {origin} "));
            }
        }
        http_upgrade::OriginPolicy::SameHost => flags.push_str("--same-origin "),
    }
    if policy.require_origin {
        flags.push_str("--require-origin ");
    }
    if policy.allow_body {
        flags.push_str("--allow-body ");
    }
    if let http_upgrade::HostPolicy::AllowList(hosts) = policy.hosts {
        for host in hosts {
            flags.push_str(&format!("--allow-host {host} "));
        }
    }
    flags.trim_end().to_string()
}

fn minimize(target: &str) -> Result<(), String> {
    let corpus = corpus_dir(target);
    let (before, before_bytes) = libfuzzer::count_files(&corpus);
    let fresh = root().join("target/fuzz-minimize").join(target);
    let _ = std::fs::remove_dir_all(&fresh);
    libfuzzer::merge(target, &fresh, std::slice::from_ref(&corpus))?;
    if libfuzzer::count_files(&fresh).0 == 0 {
        return Err(format!(
            "{target}: the merge kept nothing; corpus left as it was"
        ));
    }
    std::fs::remove_dir_all(&corpus).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&corpus).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(&fresh)
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
    {
        std::fs::copy(entry.path(), corpus.join(entry.file_name())).map_err(|e| e.to_string())?;
    }
    let (after, after_bytes) = libfuzzer::count_files(&corpus);
    println!("{target:<22} {before:>5} files {before_bytes:>8} B  ->  {after:>5} files {after_bytes:>8} B");
    Ok(())
}

fn replay(targets: &[String]) -> Result<(), String> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for target in self::targets() {
        for dir in [corpus_dir(&target), regressions_dir(&target)] {
            if dir.is_dir() {
                dirs.push(dir);
            }
        }
    }
    let mut failed = Vec::new();
    for target in targets {
        let (inputs, ok, log) = libfuzzer::replay(target, &dirs)?;
        println!(
            "{target:<22} replayed {inputs} inputs: {}",
            if ok { "ok" } else { "FAILED" }
        );
        if !ok {
            for line in log
                .lines()
                .filter(|l| {
                    l.contains("panicked") || l.contains("ERROR") || l.contains("Test unit written")
                })
                .take(10)
            {
                eprintln!("  {line}");
            }
            failed.push(target.clone());
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("replay failed for {}", failed.join(", ")))
    }
}

/// The seed directories of a campaign: the committed corpus and every regression.
fn seeds(target: &str) -> Vec<PathBuf> {
    [corpus_dir(target), regressions_dir(target)]
        .into_iter()
        .filter(|d| d.is_dir())
        .collect()
}

/// One row of the campaign table.
struct Row {
    target: String,
    engine: Engine,
    outcome: RunOutcome,
}

/// Runs the command; prints the summary table; the exit code.
pub fn run(args: &FuzzArgs) -> i32 {
    match campaign(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            1
        }
    }
}

fn campaign(args: &FuzzArgs) -> Result<i32, String> {
    let targets = if args.targets.is_empty() {
        targets()
    } else {
        args.targets.clone()
    };
    if args.coverage {
        libfuzzer::build()?;
        return Ok(crate::coverage::run(&targets, libfuzzer::nightly()));
    }
    if args.replay {
        libfuzzer::build()?;
        replay(&targets)?;
        return Ok(0);
    }
    if args.minimize {
        libfuzzer::build()?;
        for target in &targets {
            minimize(target)?;
        }
        return Ok(0);
    }
    if let Some(source) = &args.import {
        libfuzzer::build()?;
        return import::run(source);
    }
    let engines = args.engine.engines();
    for engine in &engines {
        engine.build()?;
    }
    if args.merge && !engines.contains(&Engine::Libfuzzer) {
        // The merge is libFuzzer's -merge=1, whatever engine found the inputs.
        libfuzzer::build()?;
    }
    let started = Instant::now();
    let total = targets.len() * engines.len();
    let mut rows = Vec::new();
    for (index, (target, engine)) in targets
        .iter()
        .flat_map(|t| engines.iter().map(move |e| (t, *e)))
        .enumerate()
    {
        let job = Job {
            target: target.clone(),
            program: engine.program(target),
            seeds: seeds(target),
            work: root()
                .join("target/fuzz-scratch")
                .join(engine.name())
                .join(target),
            artifacts: artifacts_dir(target),
            seconds: args.seconds,
            jobs: args.jobs,
            keep_going: args.keep_going,
            log: root()
                .join("target/fuzz-logs")
                .join(format!("{target}.{}.log", engine.name())),
            extra: Vec::new(),
        };
        let mut progress = Progress::begin(target, engine.name(), index + 1, total, args.seconds);
        let outcome = match engine.run(&job, &mut progress) {
            Ok(outcome) => outcome,
            Err(message) => {
                eprintln!("{target} ({}): {message}", engine.name());
                RunOutcome::default()
            }
        };
        progress.finish(&outcome.snapshot);
        if args.merge {
            libfuzzer::merge(target, &corpus_dir(target), std::slice::from_ref(&job.work))?;
        }
        rows.push(Row {
            target: target.clone(),
            engine,
            outcome,
        });
    }
    Ok(report(&rows, args, started.elapsed().as_secs_f64()))
}

/// Prints the campaign table and every artifact with its replay, inspect and triage
/// lines; the exit code (1 on any crash or engine failure).
fn report(rows: &[Row], args: &FuzzArgs, seconds: f64) -> i32 {
    println!();
    println!("| target | engine | execs | exec/s | cov | corpus | crashes | first crash |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut bad = false;
    for row in rows {
        let s = &row.outcome.snapshot;
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            row.target,
            row.engine.name(),
            s.execs,
            s.exec_per_sec,
            s.cov,
            s.corpus,
            row.outcome.artifacts.len(),
            row.outcome
                .first_crash
                .map_or("-".to_string(), |t| format!("{t:.1} s"))
        );
        bad |= !row.outcome.exit_ok || !row.outcome.artifacts.is_empty();
    }
    println!();
    println!(
        "{} runs, {} s each, {} job(s), libFuzzer {}, {:.0} s in all",
        rows.len(),
        args.seconds,
        args.jobs,
        libfuzzer::description(),
        seconds
    );
    for row in rows {
        let target = &row.target;
        for artifact in &row.outcome.artifacts {
            println!(
                "ARTIFACT {target} ({}): {}",
                row.engine.name(),
                artifact.display()
            );
            println!("  replay:  cargo fuzz run {target} {}", artifact.display());
            println!("  inspect: {}", inspect_line(target, artifact));
        }
        if !row.outcome.exit_ok && row.outcome.artifacts.is_empty() {
            println!(
                "FAILED {target} ({}): see target/fuzz-logs/{target}.{}.log",
                row.engine.name(),
                row.engine.name()
            );
        }
    }
    if rows.iter().any(|r| !r.outcome.artifacts.is_empty()) {
        println!("triage them all: cargo xtask triage");
    }
    i32::from(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The triage line's flags give inspect the policy the oracle used, for every selector.
    #[test]
    fn policy_flags_reproduce_the_oracle_policy() {
        let requests: [&[u8]; 4] = [
            b"GET /c HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://example.com\r\n\r\n",
            b"GET /c HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://h\r\nSec-WebSocket-Protocol: chat\r\n\r\n",
            b"GET /c HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
            b"POST / HTTP/1.1\r\nHost: h\r\nUpgrade: example/1\r\nConnection: upgrade\r\nContent-Length: 2\r\n\r\nhi",
        ];
        for selector in 0..=255u8 {
            let flags: Vec<String> = policy_flags(selector)
                .split_whitespace()
                .map(str::to_string)
                .chain(["-".to_string()])
                .collect();
            let options = crate::inspect::parse(&flags).expect("flags parse");
            let policy = http_upgrade_proptests::oracles::policy_from(selector);
            for request in requests {
                let json = crate::inspect::server(&options, request).render();
                let mut headers = [http_upgrade::EMPTY_HEADER; 32];
                let outcome = policy
                    .handshake(request, &mut headers)
                    .complete()
                    .unwrap()
                    .outcome;
                let expected = match outcome {
                    http_upgrade::Outcome::Switch(_) => "\"outcome\": \"switch\"".to_string(),
                    http_upgrade::Outcome::Decline(r) => format!("\"reason\": \"{}\"", r.name()),
                    http_upgrade::Outcome::Reject(r) => format!("\"reason\": \"{}\"", r.name()),
                };
                assert!(
                    json.contains(&expected),
                    "selector {selector:#04x}: {json} / {expected}"
                );
            }
        }
    }
}
