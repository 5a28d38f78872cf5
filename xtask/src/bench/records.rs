//! The performance history's records and files: instruction counts per benchmark and
//! commit (`benches/history/instructions.jsonl`, counted by gungraun; the older
//! whole-program callgrind series of the backfill kept apart in
//! `benches/history/instructions-callgrind-difference.jsonl`), and paired wall-time ratios
//! (`benches/history/wall.jsonl`); the commit a measurement belongs to and the CPU it ran on.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::base::paths::root;
use crate::base::process::cmd;

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

/// The method every record of [`history_file`] was counted by (gungraun over callgrind,
/// the benches in `benches/benches/instructions.rs`), which the charts, `REPORT.md` and the
/// CI gate all read.
pub const METHOD: &str = "gungraun";

/// The history file: gungraun counts only.
pub fn history_file() -> PathBuf {
    root().join("benches/history/instructions.jsonl")
}

/// The backfill's series: raw callgrind over the whole `profile_hot_path` program (the
/// difference of two run lengths), about 8 % apart from gungraun's counts, so kept in a
/// file and a chart of its own.
pub fn callgrind_difference_file() -> PathBuf {
    root().join("benches/history/instructions-callgrind-difference.jsonl")
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
        cmd("git")
            .args(args)
            .dir(dir)
            .read()
            .ok()
            .map(|out| out.trim().to_string())
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
    let dirty = cmd("git")
        .args([
            "status",
            "--porcelain",
            "--",
            "core",
            "benches/src",
            "benches/Cargo.toml",
        ])
        .dir(root())
        .read()
        .is_ok_and(|out| !out.is_empty());
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
