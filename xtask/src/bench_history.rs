//! The performance history: one record per benchmark per measured commit, appended to
//! `benches/history/instructions.jsonl` by `cargo xtask instructions` and by
//! `cargo xtask bench-history --backfill`, which measures older commits in a worktree with
//! their own `profile_hot_path`; `--chart` draws the history as SVG with plotters.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::seed::root;

/// One benchmark of one commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The commit measured (short hash).
    pub commit: String,
    /// Its commit date, ISO 8601.
    pub date: String,
    /// The commit's position on the first-parent line (for the charts' x axis).
    pub order: u64,
    /// The CPU's model name.
    pub cpu: String,
    /// The CPU features that change the counts (httparse's SSE4.2/AVX2 paths, sha1's SHA-NI).
    pub features: String,
    /// How it was counted: `callgrind-difference` (instructions of 4,000 iterations minus
    /// 2,000, per iteration).
    pub method: String,
    /// The benchmark: `server/<capture>`, `client/<capture>`, `client/write-request`.
    pub bench: String,
    /// Instructions per operation of ours.
    pub ours: f64,
    /// Of the floor (our dependencies alone doing the same job).
    pub floor: Option<f64>,
    /// Of tungstenite, on the server captures.
    pub tungstenite: Option<f64>,
    /// Of soketto's server handshake, on the server captures.
    #[serde(default)]
    pub soketto: Option<f64>,
    /// Of hyper's HTTP/1.1 server with fastwebsockets' upgrade, on the server captures.
    #[serde(default)]
    pub hyper_fastwebsockets: Option<f64>,
}

/// One paired wall-time ratio of one commit (`benches/src/bin/paired.rs`): ours and its
/// floor timed in alternating batches, the median of the per-round ratios and its spread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WallRecord {
    /// The commit measured (short hash, `-dirty` when core/ or benches/ had changes).
    pub commit: String,
    /// Its commit date, ISO 8601.
    pub date: String,
    /// Its first-parent position.
    pub order: u64,
    /// The CPU's model name.
    pub cpu: String,
    /// The row: the input, then what ours is timed against.
    pub bench: String,
    /// The median of ours / floor over the rounds.
    pub ratio: f64,
    /// Its 10th percentile.
    pub p10: f64,
    /// Its 90th percentile.
    pub p90: f64,
    /// Median nanoseconds per operation, ours and the floor.
    pub ours_ns: f64,
    /// The floor's.
    pub floor_ns: f64,
    /// Heap allocations per operation of ours on this input, when the allocation count has
    /// a row for it.
    pub allocations: Option<f64>,
}

/// The wall-time history file.
pub fn wall_file() -> PathBuf {
    root().join("benches/history/wall.jsonl")
}

/// The rows of the paired table (`| input | against | floor ns | ours ns | ratio | p10-p90 |`)
/// and of the allocation table (`| input | ours (plain) | ...`), as wall records of `commit`.
pub fn wall_records(
    paired: &str,
    allocations: &str,
    (commit, date, order): (&str, &str, u64),
) -> Vec<WallRecord> {
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect()
    };
    let number = |text: &str| {
        text.trim_end_matches(" ns")
            .replace(',', "")
            .parse::<f64>()
            .ok()
    };
    let allocation_of = |input: &str| {
        allocations.lines().find_map(|line| {
            let row = cells(line);
            (row.first().map(String::as_str) == Some(input))
                .then(|| row.get(1).and_then(|v| number(v)))
                .flatten()
        })
    };
    let (cpu, _) = cpu();
    paired
        .lines()
        .filter_map(|line| {
            let row = cells(line);
            let [input, against, floor_ns, ours_ns, ratio, spread] = row.as_slice() else {
                return None;
            };
            let (p10, p90) = spread.split_once('-')?;
            Some(WallRecord {
                commit: commit.to_string(),
                date: date.to_string(),
                order,
                cpu: cpu.clone(),
                bench: format!("{input} vs {against}"),
                ratio: number(ratio)?,
                p10: number(p10)?,
                p90: number(p90)?,
                ours_ns: number(ours_ns)?,
                floor_ns: number(floor_ns)?,
                allocations: allocation_of(input),
            })
        })
        .collect()
}

/// Reads the wall history.
pub fn read_wall(path: &Path) -> Vec<WallRecord> {
    read_lines(path)
}

/// Every JSON line of `path` that reads as a `T`.
fn read_lines<T: serde::de::DeserializeOwned>(path: &Path) -> Vec<T> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// The history file.
pub fn history_file() -> PathBuf {
    root().join("benches/history/instructions.jsonl")
}

/// Every record so far.
pub fn read_history(path: &Path) -> Vec<Record> {
    read_lines(path)
}

/// Appends `records`, one JSON line each.
pub fn append<T: Serialize>(path: &Path, records: &[T]) -> std::io::Result<()> {
    use std::io::Write as _;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    for record in records {
        let line = serde_json::to_string(record).map_err(std::io::Error::other)?;
        writeln!(file, "{line}")?;
    }
    Ok(())
}

/// The CPU model and the features that change the counts, from /proc/cpuinfo.
pub fn cpu() -> (String, String) {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        info.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let flags = field("flags");
    let wanted = ["sse4_2", "avx2", "sha_ni"];
    let present: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|f| flags.split_whitespace().any(|x| x == *f))
        .collect();
    (field("model name"), present.join(","))
}

/// The commit's short hash, date and first-parent position; `None` outside git.
pub fn commit_info(dir: &Path, rev: &str) -> Option<(String, String, u64)> {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let hash = git(&["rev-parse", "--short=7", rev])?;
    let date = git(&["show", "-s", "--format=%cI", rev])?;
    let order = git(&["rev-list", "--count", "--first-parent", rev])?
        .parse()
        .ok()?;
    Some((hash, date, order))
}

/// The commit a measurement of the working tree belongs to: its short hash (with `-dirty`
/// when core/ or benches/ have uncommitted changes, which then stay out of the history),
/// date and first-parent position.
pub fn measured_commit() -> Option<(String, String, u64, bool)> {
    let (hash, date, order) = commit_info(&root(), "HEAD")?;
    let dirty = Command::new("git")
        .args([
            "status",
            "--porcelain",
            "--",
            "core",
            "benches/src",
            "benches/Cargo.toml",
        ])
        .current_dir(root())
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    let commit = if dirty { format!("{hash}-dirty") } else { hash };
    Some((commit, date, order, dirty))
}

/// The server captures and the client rows, as `profile_hot_path` names them.
pub const SERVER_INPUTS: [&str; 6] = [
    "aiohttp",
    "chromium",
    "curl-websocket",
    "node-ws",
    "python-websockets",
    "large-browser-4k",
];
/// The client's captured 101s.
pub const CLIENT_INPUTS: [&str; 2] = ["response-node-ws", "response-python-websockets"];
const ITERATIONS: u64 = 2000;

/// Instructions per operation of `peer` on `input` with `binary` (callgrind, the difference
/// of two run lengths cancels start-up).
pub fn count(binary: &Path, work: &Path, peer: &str, input: &str) -> Result<f64, String> {
    let mut totals = Vec::new();
    for iterations in [ITERATIONS, 2 * ITERATIONS] {
        let out = work.join(format!("{peer}-{input}-{iterations}.out"));
        let output = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(binary)
            .args([peer, input, &iterations.to_string()])
            .output()
            .map_err(|e| format!("valgrind: {e}"))?;
        if !output.status.success() {
            return Err(format!("{peer} {input}: the binary failed"));
        }
        let log = String::from_utf8_lossy(&output.stderr);
        let total: f64 = log
            .lines()
            .find_map(|l| l.split("Collected :").nth(1))
            .and_then(|n| n.trim().parse().ok())
            .ok_or_else(|| format!("no callgrind total for {peer} {input}"))?;
        totals.push(total);
    }
    Ok((totals[1] - totals[0]) / ITERATIONS as f64)
}

/// Every record of one measurement with `binary`, whose source knows the peers `knows`.
pub fn measure(
    binary: &Path,
    work: &Path,
    knows: impl Fn(&str) -> bool,
    (commit, date, order): (&str, &str, u64),
) -> Vec<Record> {
    let (cpu, features) = cpu();
    let record = |bench: String, ours: f64, floor: Option<f64>, tungstenite: Option<f64>| Record {
        commit: commit.to_string(),
        date: date.to_string(),
        order,
        cpu: cpu.clone(),
        features: features.clone(),
        method: "callgrind-difference".into(),
        bench,
        ours,
        floor,
        tungstenite,
        soketto: None,
        hyper_fastwebsockets: None,
    };
    let one = |peer: &str, input: &str| {
        knows(peer)
            .then(|| count(binary, work, peer, input).ok())
            .flatten()
    };
    let mut out = Vec::new();
    for input in SERVER_INPUTS {
        if let Some(ours) = one("ours", input) {
            out.push(record(
                format!("server/{input}"),
                ours,
                one("floor", input),
                one("tungstenite", input),
            ));
        }
    }
    for input in CLIENT_INPUTS {
        if let Some(ours) = one("client-ours", input) {
            out.push(record(
                format!("client/{input}"),
                ours,
                one("client-floor", input),
                None,
            ));
        }
    }
    if let Some(ours) = one("client-write", "-") {
        out.push(record(
            "client/write-request".into(),
            ours,
            one("client-write-floor", "-"),
            None,
        ));
    }
    out
}

/// `cargo xtask bench-history`.
#[derive(Debug, clap::Args)]
pub struct BenchHistoryArgs {
    /// Measure the commits in REV..REV that touched core/ and are not in the history yet,
    /// oldest first, each in a worktree with its own profile_hot_path.
    #[arg(long, value_name = "RANGE")]
    backfill: Option<String>,
    /// At most this many commits per run (the run is resumable: measured commits are skipped).
    #[arg(long, value_name = "N", default_value_t = 40)]
    limit: usize,
    /// Draw the charts into benches/history/ (after a backfill, or alone).
    #[arg(long)]
    chart: bool,
}

/// Where the generated block of REPORT.md starts and ends.
const BEGIN: &str =
    "<!-- current numbers: generated by `cargo xtask bench-history --chart`; do not edit -->";
const END: &str = "<!-- end of the generated numbers -->";

/// The current numbers: the newest commit's instruction counts (this CPU feature set) and
/// its newest paired wall ratios, as Markdown.
pub fn current_numbers(records: &[Record], wall: &[WallRecord]) -> String {
    let (_, features) = cpu();
    let newest = records
        .iter()
        .filter(|r| r.features == features)
        .max_by_key(|r| r.order);
    let Some(newest) = newest else {
        return "No instruction counts for this CPU's feature set yet: `cargo xtask instructions`.\n".into();
    };
    let rows: Vec<&Record> = records
        .iter()
        .filter(|r| r.commit == newest.commit && r.features == features)
        .collect();
    let mut out = format!(
        "Instructions per operation at `{}` ({}, CPU features {features}; counted by {}):\n\n| benchmark | floor | ours | ours / floor | target | tungstenite / ours | soketto / ours | hyper + fastwebsockets / ours |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        newest.commit,
        newest.date.get(..10).unwrap_or_default(),
        newest.method
    );
    for r in &rows {
        let target = match r.bench.as_str() {
            "client/write-request" => "1.5",
            _ if r.floor.is_none() => "-",
            _ => "1.2",
        };
        let ratio = r.floor.map(|f| r.ours / f);
        let met = ratio.map_or(String::from("-"), |x| {
            let mark = if x <= target.parse::<f64>().unwrap_or(0.0) {
                ""
            } else {
                " (above)"
            };
            format!("{x:.3}{mark}")
        });
        let times = |peer: Option<f64>| peer.map_or("-".into(), |p| format!("{:.1}", p / r.ours));
        out.push_str(&format!(
            "| {} | {} | {:.0} | {met} | {target} | {} | {} | {} |\n",
            r.bench,
            r.floor.map_or("-".into(), |f| format!("{f:.0}")),
            r.ours,
            times(r.tungstenite),
            times(r.soketto),
            times(r.hyper_fastwebsockets),
        ));
    }
    if let Some(latest) = wall.iter().max_by_key(|r| r.order) {
        out.push_str(&format!(
            "\nWall time, paired rounds at `{}` (`cargo xtask bench-report`; median ours / floor and its 10th-90th percentile; heap allocations per operation of ours):\n\n| row | ours / floor | spread | ours ns | floor ns | allocations |\n| --- | ---: | ---: | ---: | ---: | ---: |\n",
            latest.commit
        ));
        for r in wall.iter().filter(|r| r.commit == latest.commit) {
            out.push_str(&format!(
                "| {} | {:.2} | {:.2}-{:.2} | {:.1} | {:.1} | {} |\n",
                r.bench,
                r.ratio,
                r.p10,
                r.p90,
                r.ours_ns,
                r.floor_ns,
                r.allocations.map_or("-".into(), |a| format!("{a:.0}"))
            ));
        }
    }
    out
}

/// Rewrites the generated block of `report` from the history.
fn update_report(report: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(report).map_err(|e| format!("{}: {e}", report.display()))?;
    let (Some(begin), Some(end)) = (text.find(BEGIN), text.find(END)) else {
        return Err(format!(
            "{}: no generated block (the markers)",
            report.display()
        ));
    };
    let block = current_numbers(&read_history(&history_file()), &read_wall(&wall_file()));
    let new = format!("{}{BEGIN}\n\n{block}\n{}", &text[..begin], &text[end..]);
    std::fs::write(report, new).map_err(|e| e.to_string())
}

/// Runs the command; the exit code.
pub fn run(args: &BenchHistoryArgs) -> i32 {
    if let Some(range) = &args.backfill {
        if let Err(error) = backfill(range, args.limit) {
            eprintln!("{error}");
            return 1;
        }
    }
    if args.chart || args.backfill.is_none() {
        match crate::bench_charts::draw(
            &read_history(&history_file()),
            &read_wall(&wall_file()),
            &root().join("benches/history"),
        ) {
            Ok(paths) => {
                for path in paths {
                    println!("wrote {}", path.display());
                }
                match update_report(&root().join("benches/REPORT.md")) {
                    Ok(()) => println!("benches/REPORT.md: the current numbers regenerated"),
                    Err(error) => {
                        eprintln!("{error}");
                        return 1;
                    }
                }
            }
            Err(error) => {
                eprintln!("{error}");
                return 1;
            }
        }
    }
    0
}

/// A line above the progress bar, or on stderr when there is no terminal to draw it on.
fn say(progress: &indicatif::ProgressBar, line: String) {
    if progress.is_hidden() {
        eprintln!("{line}");
    } else {
        progress.println(line);
    }
}

fn backfill(range: &str, limit: usize) -> Result<(), String> {
    let main = root();
    let listing = Command::new("git")
        .args([
            "rev-list",
            "--reverse",
            "--first-parent",
            range,
            "--",
            "core",
        ])
        .current_dir(&main)
        .output()
        .map_err(|e| e.to_string())?;
    if !listing.status.success() {
        return Err(format!(
            "git rev-list {range}: {}",
            String::from_utf8_lossy(&listing.stderr)
        ));
    }
    let commits: Vec<String> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    let (_, features) = cpu();
    let history = read_history(&history_file());
    let done: Vec<&str> = history
        .iter()
        .filter(|r| r.features == features)
        .map(|r| r.commit.as_str())
        .collect();
    let todo: Vec<String> = commits
        .into_iter()
        .filter(|c| !done.iter().any(|d| c.starts_with(d)))
        .take(limit)
        .collect();
    println!("{} commits to measure in {range}", todo.len());
    let tree = main.join("target/bench-history/tree");
    let work = main.join("target/bench-history/callgrind");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let progress = indicatif::ProgressBar::new(todo.len() as u64);
    progress.set_style(
        indicatif::ProgressStyle::with_template("{pos}/{len} commits [{elapsed}] {msg}")
            .map_err(|e| e.to_string())?,
    );
    for commit in &todo {
        let short = &commit[..7];
        progress.set_message(format!("{short}: building"));
        if let Err(error) = crate::worktree::checkout(&tree, commit) {
            say(&progress, format!("{short}: {error}, skipped"));
            progress.inc(1);
            continue;
        }
        let source = std::fs::read_to_string(tree.join("benches/src/bin/profile_hot_path.rs"))
            .unwrap_or_default();
        let built = Command::new("timeout")
            .args([
                "900",
                "cargo",
                "build",
                "--quiet",
                "--release",
                "-p",
                "http-upgrade-benches",
                "--bin",
                "profile_hot_path",
            ])
            .env("CARGO_TARGET_DIR", main.join("target/bench-history/target"))
            .current_dir(&tree)
            .status()
            .is_ok_and(|s| s.success());
        if !built {
            say(
                &progress,
                format!("{short}: profile_hot_path does not build, skipped"),
            );
            progress.inc(1);
            continue;
        }
        progress.set_message(format!("{short}: counting"));
        let info = commit_info(&main, commit).ok_or("git show failed")?;
        let binary = main.join("target/bench-history/target/release/profile_hot_path");
        let knows = |peer: &str| source.contains(&format!("\"{peer}\""));
        let records = measure(&binary, &work, knows, (&info.0, &info.1, info.2));
        append(&history_file(), &records).map_err(|e| e.to_string())?;
        say(
            &progress,
            format!("{short}: {} benchmarks recorded", records.len()),
        );
        progress.inc(1);
    }
    progress.finish();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_and_allocation_tables_become_wall_records() {
        let paired = "| input | against | floor | ours | ours / floor, median of 301 paired rounds | 10th-90th percentile |\n| --- | --- | ---: | ---: | ---: | ---: |\n| chromium | floor | 290.5 ns | 350.1 ns | 1.21 | 1.15-1.27 |\n";
        let allocations = "| input | ours (plain) | ours (subprotocol+deflate) | floor | tungstenite |\n| chromium | 0 | 0 | 0 | 41 |\n";
        let records = wall_records(paired, allocations, ("abc1234", "2026-11-27", 7));
        assert_eq!(records.len(), 1);
        let r = &records[0];
        assert_eq!(
            (r.bench.as_str(), r.ratio, r.p10, r.p90),
            ("chromium vs floor", 1.21, 1.15, 1.27)
        );
        assert_eq!(
            (r.ours_ns, r.floor_ns, r.allocations),
            (350.1, 290.5, Some(0.0))
        );
    }

    #[test]
    fn history_lines_round_trip() {
        let dir = std::env::temp_dir().join(format!("bench-history-{}", std::process::id()));
        let path = dir.join("h.jsonl");
        let record = Record {
            commit: "abc1234".into(),
            date: "2026-11-27T00:00:00Z".into(),
            order: 3,
            cpu: "x".into(),
            features: "avx2".into(),
            method: "callgrind-difference".into(),
            bench: "server/chromium".into(),
            ours: 8152.0,
            floor: Some(6931.0),
            tungstenite: None,
            soketto: None,
            hyper_fastwebsockets: None,
        };
        append(&path, &[record.clone(), record.clone()]).expect("appended");
        assert_eq!(read_history(&path), vec![record.clone(), record]);
        let _ = std::fs::remove_dir_all(dir);
    }
}
