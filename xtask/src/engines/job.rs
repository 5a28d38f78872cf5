//! One bounded fuzzing run as every engine takes it ([`Job`]) and reports it
//! ([`RunOutcome`]), and the artifacts it leaves.

use std::path::{Path, PathBuf};

use super::stats::Snapshot;

/// One bounded run of one target.
#[derive(Debug, Clone)]
pub struct Job {
    /// The fuzz target.
    pub target: String,
    /// The instrumented program: the target's libFuzzer binary, or the AFL++ harness.
    pub program: PathBuf,
    /// Seed directories, read only.
    pub seeds: Vec<PathBuf>,
    /// The engine's own working directory (new corpus entries, AFL++'s output).
    pub work: PathBuf,
    /// Where crashes, timeouts and OOMs are saved, named `crash-<sha1>` and so on.
    pub artifacts: PathBuf,
    /// Wall-clock budget, seconds.
    pub seconds: u64,
    /// Parallel workers (libFuzzer `-fork`, AFL++ main + secondaries).
    pub jobs: u32,
    /// Go on past a crash (collect them all) instead of stopping at the first.
    pub keep_going: bool,
    /// The engine's own output, whole.
    pub log: PathBuf,
    /// More engine flags (libFuzzer's `-seed=`, `-use_value_profile=1`: the bench's
    /// configurations); AFL++ takes none yet.
    pub extra: Vec<String>,
}

/// What a run did.
#[derive(Debug, Default, Clone)]
pub struct RunOutcome {
    /// The final numbers.
    pub snapshot: Snapshot,
    /// New artifacts in the artifacts folder.
    pub artifacts: Vec<PathBuf>,
    /// Seconds from the start to the first artifact, if any.
    pub first_crash: Option<f64>,
    /// The engine exited cleanly (no crash, no error).
    pub exit_ok: bool,
}

/// The crash-like files in `dir`: libFuzzer's names (`crash-`, `timeout-`, `oom-`,
/// `leak-`, `slow-unit-`).
pub fn artifacts_in(dir: &Path) -> Vec<PathBuf> {
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

/// The artifacts in `dir` that were not there `before`.
pub fn new_artifacts(dir: &Path, before: &[PathBuf]) -> Vec<PathBuf> {
    artifacts_in(dir)
        .into_iter()
        .filter(|a| !before.contains(a))
        .collect()
}

/// How many files `dir` holds, and their bytes.
pub fn count_files(dir: &Path) -> (usize, u64) {
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
