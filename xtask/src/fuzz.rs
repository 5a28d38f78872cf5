//! `cargo xtask fuzz`: the fuzz campaign (the README's main command), replay, merge,
//! minimize and coverage, over every target in `fuzz/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::seed::root;

/// Every fuzz target, in campaign order.
pub const TARGETS: [&str; 11] = [
    "request_head",
    "server_negotiate",
    "client_validate",
    "extensions",
    "header_lists",
    "handshake_structured",
    "transport_equivalence",
    "extended_connect",
    "fast_paths",
    "accept_key",
    "diff_tungstenite",
];

const USAGE: &str = "usage: cargo xtask fuzz [--target T]... [--seconds N] [--jobs N] [--merge]
       cargo xtask fuzz --replay [--target T]...
       cargo xtask fuzz --minimize [--target T]...
       cargo xtask fuzz --coverage [--target T]...
  --seconds N   time per target (default 30)
  --jobs N      libFuzzer fork mode with N workers (default 1)
  --merge       add new coverage-increasing inputs to corpus/<target>/ afterwards
  --replay      run every corpus and regression file through every target once (-runs=0)
  --minimize    rewrite corpus/<target>/ as libFuzzer's -merge=1 minimum of itself
  --coverage    line coverage of core/ from the committed corpus (table + HTML)";

struct Options {
    targets: Vec<String>,
    seconds: u64,
    jobs: u32,
    merge: bool,
    replay: bool,
    minimize: bool,
    coverage: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        targets: Vec::new(),
        seconds: 30,
        jobs: 1,
        merge: false,
        replay: false,
        minimize: false,
        coverage: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or(format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--target" => {
                let target = value()?;
                if !TARGETS.contains(&target.as_str()) {
                    return Err(format!(
                        "unknown target {target}; targets: {}",
                        TARGETS.join(", ")
                    ));
                }
                options.targets.push(target);
            }
            "--seconds" => {
                options.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?
            }
            "--jobs" => options.jobs = value()?.parse().map_err(|e| format!("--jobs: {e}"))?,
            "--merge" => options.merge = true,
            "--replay" => options.replay = true,
            "--minimize" => options.minimize = true,
            "--coverage" => options.coverage = true,
            _ => return Err(USAGE.to_string()),
        }
    }
    if options.targets.is_empty() {
        options.targets = TARGETS.iter().map(|t| t.to_string()).collect();
    }
    Ok(options)
}

/// How cargo-fuzz is run here: nightly with AddressSanitizer, or stable without.
struct Toolchain {
    nightly: bool,
}

impl Toolchain {
    fn detect() -> Result<Self, String> {
        let installed = Command::new("cargo")
            .args(["fuzz", "--version"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if !installed.is_ok_and(|s| s.success()) {
            eprintln!("cargo-fuzz is missing: installing it (cargo install cargo-fuzz --locked)");
            let status = Command::new("cargo")
                .args(["install", "cargo-fuzz", "--locked"])
                .status()
                .map_err(|e| e.to_string())?;
            if !status.success() {
                return Err("cargo install cargo-fuzz failed".into());
            }
        }
        let nightly = Command::new("rustup")
            .args(["run", "nightly", "rustc", "--version"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if nightly {
            eprintln!("fuzzing with cargo +nightly fuzz and AddressSanitizer, debug assertions on");
        } else {
            eprintln!("NOTE: no nightly toolchain: fuzzing on stable with `-s none` (no AddressSanitizer), debug assertions on");
        }
        Ok(Toolchain { nightly })
    }

    /// `cargo [+nightly] fuzz <sub> [-s none] -O --debug-assertions`.
    fn cargo_fuzz(&self, sub: &str) -> Command {
        let mut command = Command::new("cargo");
        if self.nightly {
            command.arg("+nightly");
        }
        command.args(["fuzz", sub]);
        if !self.nightly {
            command.args(["-s", "none"]);
        }
        command.args(["-O", "--debug-assertions"]);
        command.current_dir(root().join("fuzz"));
        command
    }
}

fn options_file(target: &str) -> Vec<(String, String)> {
    let path = root().join("fuzz").join(format!("{target}.options"));
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// libFuzzer flags from `fuzz/<target>.options`, with the dictionary path made absolute.
fn libfuzzer_flags(target: &str) -> Vec<String> {
    options_file(target)
        .into_iter()
        .map(|(key, value)| {
            let value = if key == "dict" {
                root().join("fuzz").join(value).display().to_string()
            } else {
                value
            };
            format!("-{key}={value}")
        })
        .collect()
}

fn corpus_dir(target: &str) -> PathBuf {
    root().join("corpus").join(target)
}

fn regressions_dir(target: &str) -> PathBuf {
    root().join("corpus").join("regressions").join(target)
}

fn count_files(dir: &Path) -> (usize, u64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (0, 0);
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .fold((0, 0), |(n, bytes), e| {
            (n + 1, bytes + e.metadata().map(|m| m.len()).unwrap_or(0))
        })
}

#[derive(Default)]
struct Stats {
    runs: u64,
    exec_per_sec: u64,
    cov: u64,
    ft: u64,
    corpus: usize,
    artifacts: Vec<PathBuf>,
    exit_ok: bool,
}

fn number_after(line: &str, tag: &str) -> Option<u64> {
    let rest = &line[line.find(tag)? + tag.len()..];
    rest.trim_start()
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

fn parse_stats(log: &str, stats: &mut Stats) {
    for line in log.lines() {
        if let Some(n) = number_after(line, "stat::number_of_executed_units:") {
            stats.runs = stats.runs.max(n);
        }
        if let Some(n) = number_after(line, "stat::average_exec_per_sec:") {
            stats.exec_per_sec = n;
        }
        if line.starts_with('#') || line.contains("] #") {
            if let Some(n) = number_after(line, "cov:") {
                stats.cov = stats.cov.max(n);
            }
            if let Some(n) = number_after(line, "ft:") {
                stats.ft = stats.ft.max(n);
            }
            if let Some(n) = line
                .split_whitespace()
                .next()
                .and_then(|w| w.trim_start_matches('#').parse().ok())
            {
                stats.runs = stats.runs.max(n);
            }
            if let Some(n) = number_after(line, "exec/s:") {
                stats.exec_per_sec = stats.exec_per_sec.max(n);
            }
        }
    }
}

fn artifacts_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            ["crash-", "timeout-", "oom-", "leak-", "slow-unit-"]
                .iter()
                .any(|prefix| name.starts_with(prefix))
        })
        .collect();
    found.sort();
    found
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
    flags.trim_end().to_string()
}

fn run_target(toolchain: &Toolchain, target: &str, options: &Options) -> Result<Stats, String> {
    let scratch = root().join("target/fuzz-scratch").join(target);
    let artifacts = root().join("fuzz/artifacts").join(target);
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&artifacts).map_err(|e| e.to_string())?;
    let before = artifacts_in(&artifacts);
    let mut command = toolchain.cargo_fuzz("run");
    command.arg(target).arg(&scratch).arg(corpus_dir(target));
    if regressions_dir(target).is_dir() {
        command.arg(regressions_dir(target));
    }
    command.arg("--");
    command.args(libfuzzer_flags(target));
    command.arg(format!("-max_total_time={}", options.seconds));
    command.arg(format!("-artifact_prefix={}/", artifacts.display()));
    command.arg("-print_final_stats=1");
    if options.jobs > 1 {
        command.arg(format!("-fork={}", options.jobs));
        command.arg("-ignore_crashes=0");
    }
    let log_path = root()
        .join("target/fuzz-logs")
        .join(format!("{target}.log"));
    std::fs::create_dir_all(log_path.parent().unwrap_or(Path::new(".")))
        .map_err(|e| e.to_string())?;
    let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
    let status = command
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .status()
        .map_err(|e| format!("cargo fuzz run {target}: {e}"))?;
    let text = std::fs::read_to_string(&log_path).unwrap_or_default();
    let mut stats = Stats {
        exit_ok: status.success(),
        ..Stats::default()
    };
    parse_stats(&text, &mut stats);
    stats.corpus = count_files(&corpus_dir(target)).0 + count_files(&scratch).0;
    stats.artifacts = artifacts_in(&artifacts)
        .into_iter()
        .filter(|a| !before.contains(a))
        .collect();
    if !stats.exit_ok {
        eprintln!(
            "{target}: cargo fuzz exited with {status}; log: {}",
            log_path.display()
        );
        for line in text
            .lines()
            .filter(|l| l.contains("ERROR") || l.contains("panicked") || l.starts_with("error"))
            .take(10)
        {
            eprintln!("  {line}");
        }
    }
    if options.merge {
        merge(toolchain, target, &corpus_dir(target), &[scratch])?;
    }
    Ok(stats)
}

/// libFuzzer `-merge=1`: adds to `into` the inputs of `from` that add coverage.
fn merge(toolchain: &Toolchain, target: &str, into: &Path, from: &[PathBuf]) -> Result<(), String> {
    std::fs::create_dir_all(into).map_err(|e| e.to_string())?;
    let mut command = toolchain.cargo_fuzz("run");
    command
        .arg(target)
        .arg(into)
        .args(from)
        .arg("--")
        .arg("-merge=1");
    command.args(
        libfuzzer_flags(target)
            .into_iter()
            .filter(|f| !f.starts_with("-dict")),
    );
    let output = command.output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "merge {target} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(())
}

fn minimize(toolchain: &Toolchain, target: &str) -> Result<(), String> {
    let corpus = corpus_dir(target);
    let (before, before_bytes) = count_files(&corpus);
    let fresh = root().join("target/fuzz-minimize").join(target);
    let _ = std::fs::remove_dir_all(&fresh);
    merge(toolchain, target, &fresh, std::slice::from_ref(&corpus))?;
    if count_files(&fresh).0 == 0 {
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
    let (after, after_bytes) = count_files(&corpus);
    println!("{target:<22} {before:>5} files {before_bytes:>8} B  ->  {after:>5} files {after_bytes:>8} B");
    Ok(())
}

fn replay(toolchain: &Toolchain, targets: &[String]) -> Result<(), String> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for target in TARGETS {
        for dir in [corpus_dir(target), regressions_dir(target)] {
            if dir.is_dir() {
                dirs.push(dir);
            }
        }
    }
    let mut failed = Vec::new();
    for target in targets {
        let scratch = root().join("target/fuzz-replay").join(target);
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
        let mut command = toolchain.cargo_fuzz("run");
        command
            .arg(target)
            .arg(&scratch)
            .args(&dirs)
            .arg("--")
            .arg("-runs=0");
        command.args(
            libfuzzer_flags(target)
                .into_iter()
                .filter(|f| !f.starts_with("-dict")),
        );
        let output = command.output().map_err(|e| e.to_string())?;
        let log = String::from_utf8_lossy(&output.stderr);
        let inputs = log
            .lines()
            .filter_map(|l| number_after(l, "INFO: seed corpus: files:"))
            .next()
            .unwrap_or(0);
        println!(
            "{target:<22} replayed {inputs} inputs: {}",
            if output.status.success() {
                "ok"
            } else {
                "FAILED"
            }
        );
        if !output.status.success() {
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

/// Runs the command; prints the summary table; the exit code.
pub fn run(args: &[String]) -> i32 {
    let options = match parse(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return 2;
        }
    };
    let toolchain = match Toolchain::detect() {
        Ok(toolchain) => toolchain,
        Err(message) => {
            eprintln!("{message}");
            return 1;
        }
    };
    let build = toolchain.cargo_fuzz("build").status();
    if !build.is_ok_and(|s| s.success()) {
        eprintln!("cargo fuzz build failed");
        return 1;
    }
    if options.coverage {
        return crate::coverage::run(&options.targets, toolchain.nightly);
    }
    if options.replay {
        return match replay(&toolchain, &options.targets) {
            Ok(()) => 0,
            Err(message) => {
                eprintln!("{message}");
                1
            }
        };
    }
    if options.minimize {
        for target in &options.targets {
            if let Err(message) = minimize(&toolchain, target) {
                eprintln!("{message}");
                return 1;
            }
        }
        return 0;
    }
    let started = Instant::now();
    let mut rows = Vec::new();
    for target in &options.targets {
        eprintln!("fuzzing {target} for {} s", options.seconds);
        match run_target(&toolchain, target, &options) {
            Ok(stats) => rows.push((target.clone(), stats)),
            Err(message) => {
                eprintln!("{message}");
                rows.push((target.clone(), Stats::default()));
            }
        }
    }
    println!();
    println!("| target | runs | exec/s | cov | ft | corpus | crashes |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut bad = false;
    for (target, stats) in &rows {
        println!(
            "| {target} | {} | {} | {} | {} | {} | {} |",
            stats.runs,
            stats.exec_per_sec,
            stats.cov,
            stats.ft,
            stats.corpus,
            stats.artifacts.len()
        );
        bad |= !stats.exit_ok || !stats.artifacts.is_empty();
    }
    println!();
    println!(
        "{} targets, {} s each, {} job(s), {}, {:.0} s in all",
        rows.len(),
        options.seconds,
        options.jobs,
        if toolchain.nightly {
            "nightly + AddressSanitizer"
        } else {
            "stable, -s none"
        },
        started.elapsed().as_secs_f64()
    );
    for (target, stats) in &rows {
        for artifact in &stats.artifacts {
            println!("ARTIFACT {target}: {}", artifact.display());
            println!("  replay:  cargo fuzz run {target} {}", artifact.display());
            println!("  inspect: {}", inspect_line(target, artifact));
        }
        if !stats.exit_ok && stats.artifacts.is_empty() {
            println!("FAILED {target}: see target/fuzz-logs/{target}.log");
        }
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
