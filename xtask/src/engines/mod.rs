//! The fuzzing engines, shared by every command that fuzzes or replays (the campaign,
//! triage, import, fuzz-bench): libFuzzer (cargo-fuzz) and AFL++ (cargo-afl), on the same
//! harnesses (`http_upgrade_proptests::harnesses`), seeds, dictionary and options. Each run
//! is bounded: the engine's own time limit, then a kill of its whole process group past a
//! grace period. Crashes from either engine land in `fuzz/artifacts/<target>/` named by
//! their SHA-1, and replay the same way.
//!
//! Below this module: [`job`] (what a run is and did), [`targets`] (targets, their folders
//! and options), [`stats`] and [`progress`]; the engines ([`libfuzzer`], [`afl`]) stand on
//! those, and [`Engine`] dispatches to them.

pub mod afl;
pub mod job;
pub mod libfuzzer;
pub mod progress;
pub mod stats;
pub mod targets;

use std::path::PathBuf;

use anyhow::{Context as _, Result};

pub use job::{Job, RunOutcome};
use progress::Progress;

/// Which engine runs a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// libFuzzer through cargo-fuzz (nightly + AddressSanitizer when a nightly is installed).
    Libfuzzer,
    /// AFL++ through cargo-afl (persistent mode, the harness table's functions).
    Afl,
}

impl Engine {
    /// The program a campaign in this checkout runs for `target`.
    pub fn program(self, target: &str) -> PathBuf {
        match self {
            Engine::Libfuzzer => libfuzzer::binary(target),
            Engine::Afl => afl::binary(),
        }
    }

    /// The engine's name in tables and file names.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Libfuzzer => "libfuzzer",
            Engine::Afl => "afl",
        }
    }

    /// Builds `targets` (every target when empty) for this engine.
    pub fn build(self, targets: &[String]) -> Result<()> {
        match self {
            Engine::Libfuzzer => libfuzzer::build(targets),
            Engine::Afl => afl::build(),
        }
    }

    /// Runs one job to its end (time limit, first crash, or kill) with live progress.
    pub fn run(self, job: &Job, progress: &mut Progress) -> Result<RunOutcome> {
        for dir in [&job.work, &job.artifacts] {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        if let Some(parent) = job.log.parent() {
            std::fs::create_dir_all(parent)?;
        }
        match self {
            Engine::Libfuzzer => libfuzzer::run(job, progress),
            Engine::Afl => afl::run(job, progress),
        }
    }
}
