//! `cargo xtask instructions`: instruction counts of exactly the function under test, by
//! gungraun's library benches over callgrind (`benches/benches/instructions.rs`), which
//! repeat exactly for the same binary and input however busy the machine is. A full run
//! prints ours, the floor and tungstenite with the ratios and appends the commit to the
//! history (`benches/history/`); `--check` is the CI gate against the baseline recorded for
//! this CPU's feature set.

use std::fmt::Write as _;

use anyhow::{anyhow, Context as _, Result};

use super::records::{
    append, cpu, history_file, measured_commit, read_history, Record, CLIENT_INPUTS, METHOD,
    SERVER_INPUTS,
};
use crate::base::install;
use crate::base::paths::{root, target_dir};
use crate::base::process::cmd;

/// `cargo xtask instructions`.
#[derive(Debug, clap::Args)]
pub struct InstructionsArgs {
    /// The CI gate: count ours only and fail when a benchmark rises more than --tolerance over
    /// benches/instructions.baseline (recorded for the same CPU feature set).
    #[arg(long)]
    check: bool,
    /// Rewrite benches/instructions.baseline from this run, with the reason for the change.
    #[arg(long, value_name = "REASON")]
    update: Option<String>,
    /// The tolerance of --check, percent.
    #[arg(long, value_name = "PCT", default_value_t = 2.0)]
    tolerance: f64,
}

/// The function a benchmark measures, for the gate's message.
fn function(bench: &str) -> &'static str {
    if bench == "client/write-request" {
        "CheckedRequest::write"
    } else if bench == "client/check-request" {
        "ClientRequest::check"
    } else if bench == "client/check-and-write" {
        "ClientRequest::write"
    } else if bench.starts_with("client/") {
        "Expectation::validate"
    } else {
        "ServerPolicy::respond (then write_response)"
    }
}

/// The baseline: the feature set it was recorded on, and ours per benchmark.
fn baseline() -> (String, Vec<(String, f64)>) {
    let text =
        std::fs::read_to_string(root().join("benches/instructions.baseline")).unwrap_or_default();
    let features = text
        .lines()
        .find_map(|l| l.strip_prefix("# features: "))
        .unwrap_or_default()
        .to_string();
    let rows = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (name, value) = l.split_once(' ')?;
            Some((name.to_string(), value.trim().parse().ok()?))
        })
        .collect();
    (features, rows)
}

/// The printed tables.
fn tables(records: &[Record]) -> String {
    let mut out = String::from("| server capture | floor | ours | tungstenite | soketto | hyper + fastwebsockets | ours / floor (target ≤ 1.2) | tungstenite / ours | soketto / ours | hyper + fastwebsockets / ours |\n|---| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    let cell = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0}"));
    for r in records.iter().filter(|r| r.bench.starts_with("server/")) {
        let times = |peer: Option<f64>| peer.map_or("-".into(), |p| format!("{:.1}", p / r.ours));
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {} | {} | {} | {} | {} | {} | {} |",
            r.bench.trim_start_matches("server/"),
            cell(r.floor),
            r.ours,
            cell(r.tungstenite),
            cell(r.soketto),
            cell(r.hyper_fastwebsockets),
            r.floor.map_or("-".into(), |f| format!("{:.3}", r.ours / f)),
            times(r.tungstenite),
            times(r.soketto),
            times(r.hyper_fastwebsockets),
        );
    }
    out.push_str("\n| client: a 101 validated, the request written | floor | ours | ours / floor |\n|---| ---: | ---: | ---: |\n");
    for r in records.iter().filter(|r| r.bench.starts_with("client/")) {
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {} |",
            r.bench.trim_start_matches("client/"),
            cell(r.floor),
            r.ours,
            r.floor.map_or("-".into(), |f| format!("{:.3}", r.ours / f)),
        );
    }
    out
}

/// Runs the command; the exit code.
pub fn run(args: &InstructionsArgs) -> i32 {
    let Some((commit, date, order, dirty)) = measured_commit() else {
        eprintln!("not a git checkout");
        return 1;
    };
    let records = match gungraun_counts(args.check, (&commit, &date, order)) {
        Ok(records) => records,
        Err(error) => {
            eprintln!("instructions: {error:#}");
            return 1;
        }
    };
    println!(
        "instructions per operation at {commit} (gungraun, callgrind's Ir of the benchmark function)\n\n{}",
        tables(&records)
    );
    let (_, features) = cpu();
    if !args.check {
        let known = read_history(&history_file())
            .iter()
            .any(|r| r.commit == commit && r.features == features);
        if dirty {
            println!("uncommitted changes to core/ or benches/: not added to the history");
        } else if !known {
            match append(&history_file(), &records) {
                Ok(()) => println!("added to {}", history_file().display()),
                Err(error) => eprintln!("history: {error}"),
            }
        }
    }
    if let Some(reason) = &args.update {
        let mut text = format!(
            "# ours, instructions per operation (`cargo xtask instructions --update REASON`)\n# features: {features}\n# at: {commit}\n# reason: {reason}\n"
        );
        for record in &records {
            let _ = writeln!(text, "{} {:.0}", record.bench, record.ours);
        }
        if let Err(error) = std::fs::write(root().join("benches/instructions.baseline"), text) {
            eprintln!("writing the baseline: {error}");
            return 1;
        }
        println!("baseline updated");
    }
    if args.check {
        return gate(&records, &features, &commit, args.tolerance);
    }
    0
}

/// The CI gate: 1 when a benchmark rose more than `tolerance` percent.
fn gate(records: &[Record], features: &str, commit: &str, tolerance: f64) -> i32 {
    let (recorded_on, rows) = baseline();
    if recorded_on != features {
        println!(
            "NOT GATED: the baseline was recorded on CPU features [{recorded_on}], this machine has [{features}]; counts differ between them (httparse's SIMD paths, sha1's SHA-NI)"
        );
        return 0;
    }
    let mut failed = false;
    for record in records {
        let Some((_, before)) = rows.iter().find(|(name, _)| *name == record.bench) else {
            println!("{}: not in benches/instructions.baseline", record.bench);
            failed = true;
            continue;
        };
        let change = (record.ours - before) / before * 100.0;
        if change > tolerance {
            println!(
                "REGRESSION at {commit}: {} ({}) {before:.0} -> {:.0} instructions ({change:+.1} %, more than {tolerance} %). A deliberate rise updates the baseline in the same commit: cargo xtask instructions --update \"<reason>\"",
                record.bench,
                function(&record.bench),
                record.ours
            );
            failed = true;
        } else {
            println!(
                "{}: {before:.0} -> {:.0} ({change:+.1} %) ok",
                record.bench, record.ours
            );
        }
    }
    i32::from(failed)
}

/// The gungraun runner this workspace's `gungraun` dependency needs (the same version).
const RUNNER_VERSION: &str = "0.19.1";

/// Installs gungraun-runner when it is missing or another version.
fn ensure_runner() -> Result<()> {
    install::cargo_tool("gungraun-runner", Some(RUNNER_VERSION), || {
        // Succeeds only for the version the benches need.
        cmd("sh").args([
            "-c",
            &format!("gungraun-runner --version | grep -qF {RUNNER_VERSION}"),
        ])
    })
}

/// Runs the gungraun benches (ours only with `ours_only`) and reads their summaries into
/// records of `commit`.
fn gungraun_counts(
    ours_only: bool,
    (commit, date, order): (&str, &str, u64),
) -> Result<Vec<Record>> {
    ensure_runner()?;
    let out = target_dir().join("gungraun/http-upgrade-benches/instructions");
    let _ = std::fs::remove_dir_all(&out);
    let mut command = cmd("cargo")
        .args([
            "bench",
            "--quiet",
            "-p",
            "http-upgrade-benches",
            "--bench",
            "instructions",
            "--",
        ])
        .arg("--save-summary=json")
        .dir(root());
    if ours_only {
        command = command.arg("*_ours*");
    }
    command.read().context("the gungraun benches failed")?;
    let mut counts: Vec<(String, String, f64)> = Vec::new();
    let mut stack = vec![out];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| anyhow!("{}: {e}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "summary.json") {
                let json: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&path)?)
                        .map_err(|e| anyhow!("{}: {e}", path.display()))?;
                let function = json["function_name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let argument = argument_of(&function, json["id"].as_str().unwrap_or_default());
                let ir = json["profiles"][0]["summaries"]["total"]["summary"]["Callgrind"]["Ir"]
                    ["metrics"]["Left"]["Int"]
                    .as_f64()
                    .with_context(|| format!("{}: no Ir", path.display()))?;
                counts.push((function, argument, ir));
            }
        }
    }
    Ok(records_from(&counts, (commit, date, order)))
}

/// The capture a benchmark ran on, from its id: `capture_N` is the N-th of the bench's
/// `args`, which list the captures in the order of [`SERVER_INPUTS`] and [`CLIENT_INPUTS`]
/// (gungraun shortens the `details` text, so the id is what names the input); a bench
/// without captures writes the request.
fn argument_of(function: &str, id: &str) -> String {
    let inputs: &[&str] = if function.starts_with("server_") {
        &SERVER_INPUTS
    } else if function.starts_with("client_validate_") {
        &CLIENT_INPUTS
    } else {
        &[]
    };
    id.strip_prefix("capture_")
        .and_then(|n| n.parse::<usize>().ok())
        .and_then(|n| inputs.get(n))
        .map_or("write-request", |input| input)
        .to_string()
}

/// Records from `(function, argument, instructions)` triples of the gungraun benches.
fn records_from(
    counts: &[(String, String, f64)],
    (commit, date, order): (&str, &str, u64),
) -> Vec<Record> {
    let (cpu, features) = cpu();
    let find = |function: &str, argument: &str| {
        counts
            .iter()
            .find(|(f, a, _)| f == function && a == argument)
            .map(|(_, _, ir)| *ir)
    };
    let mut arguments: Vec<&str> = counts.iter().map(|(_, a, _)| a.as_str()).collect();
    arguments.sort_unstable();
    arguments.dedup();
    let mut records = Vec::new();
    let mut push = |bench: String, ours: f64, floor: Option<f64>, peers: [Option<f64>; 3]| {
        let [tungstenite, soketto, hyper_fastwebsockets] = peers;
        records.push(Record {
            commit: commit.to_string(),
            date: date.to_string(),
            order,
            cpu: cpu.clone(),
            features: features.clone(),
            method: METHOD.into(),
            bench,
            ours,
            floor,
            tungstenite,
            soketto,
            hyper_fastwebsockets,
        });
    };
    for argument in &arguments {
        if let Some(ours) = find("server_ours", argument) {
            push(
                format!("server/{argument}"),
                ours,
                find("server_floor", argument),
                [
                    find("server_tungstenite", argument),
                    find("server_soketto", argument),
                    find("server_hyper_fastwebsockets", argument),
                ],
            );
        }
        if let Some(ours) = find("client_validate_ours", argument) {
            push(
                format!("client/{argument}"),
                ours,
                find("client_validate_floor", argument),
                [None; 3],
            );
        }
    }
    if let Some(ours) = find("client_write_ours", "write-request") {
        push(
            "client/write-request".into(),
            ours,
            find("client_write_request_floor", "write-request"),
            [None; 3],
        );
    }
    // What a checked request saves, and the one-call write: no floor of their own (the
    // floor checks nothing), so no ratio.
    for (function, bench) in [
        ("client_check_request_ours", "client/check-request"),
        ("client_check_and_write_ours", "client/check-and-write"),
    ] {
        if let Some(ours) = find(function, "write-request") {
            push(bench.into(), ours, None, [None; 3]);
        }
    }
    records.sort_by(|a, b| a.bench.cmp(&b.bench));
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_ids_name_the_captures_in_the_order_the_bench_lists_them() {
        let bench = std::fs::read_to_string(root().join("benches/benches/instructions.rs"))
            .expect("the gungraun bench");
        let listed = |inputs: &[&str]| {
            let quoted: Vec<String> = inputs.iter().map(|i| format!("\"{i}\"")).collect();
            format!("args = [{}]", quoted.join(", "))
        };
        assert!(bench.contains(&listed(&SERVER_INPUTS)));
        assert!(bench.contains(&listed(&CLIENT_INPUTS)));
        assert_eq!(argument_of("server_ours", "capture_5"), "large-browser-4k");
        assert_eq!(
            argument_of("client_validate_ours", "capture_1"),
            "response-python-websockets"
        );
        assert_eq!(argument_of("client_write_ours", "request"), "write-request");
    }

    #[test]
    fn gungraun_summaries_become_records() {
        let counts: Vec<(String, String, f64)> = [
            ("server_ours", "chromium", 9000.0),
            ("server_floor", "chromium", 7500.0),
            ("server_tungstenite", "chromium", 40000.0),
            ("client_validate_ours", "response-node-ws", 8000.0),
            ("client_validate_floor", "response-node-ws", 5700.0),
            ("client_write_ours", "write-request", 1444.0),
            ("client_write_request_floor", "write-request", 609.0),
            ("client_check_request_ours", "write-request", 1905.0),
        ]
        .iter()
        .map(|(f, a, n)| (f.to_string(), a.to_string(), *n))
        .collect();
        let records = records_from(&counts, ("abc1234", "2026-11-27", 9));
        let benches: Vec<&str> = records.iter().map(|r| r.bench.as_str()).collect();
        assert_eq!(
            benches,
            [
                "client/check-request",
                "client/response-node-ws",
                "client/write-request",
                "server/chromium"
            ]
        );
        assert_eq!(records[3].floor, Some(7500.0));
        assert_eq!(records[3].tungstenite, Some(40000.0));
        assert_eq!(records[2].floor, Some(609.0));
        assert_eq!((records[0].ours, records[0].floor), (1905.0, None));
        assert_eq!(function("client/write-request"), "CheckedRequest::write");
        assert_eq!(function("client/check-and-write"), "ClientRequest::write");
    }
}
