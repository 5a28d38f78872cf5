//! AFL++ through cargo-afl: one persistent-mode binary (`fuzz/afl/`) runs any target of
//! the harness table, named on its command line, with the libFuzzer targets' seeds,
//! dictionary, input size limit and timeout. Crashes and hangs are copied into the shared
//! artifacts folder under libFuzzer's names (`crash-<sha1>`, `timeout-<sha1>`), so they
//! replay and triage the same way.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{Context as _, Result};

use super::job::{Job, RunOutcome};
use super::progress::Progress;
use super::stats::Snapshot;
use super::targets::{dictionary, option};
use crate::base::paths::{afl_target_dir, root};
use crate::base::process::{cmd, Cmd, Group};
use crate::base::{install, sha1_hex};

/// The harness crate (its own workspace, built by `cargo afl build`).
fn manifest() -> PathBuf {
    root().join("fuzz/afl/Cargo.toml")
}

/// The built harness.
pub fn binary() -> PathBuf {
    afl_target_dir().join("release/afl_harness")
}

/// Installs cargo-afl and builds AFL++ and its runtime when missing (no LLVM plugins:
/// rustc's LLVM has no matching `llvm-config` here; cargo-afl then instruments with
/// rustc's own SanitizerCoverage, trace-pc-guard and trace-compares).
fn ensure_cargo_afl() -> Result<()> {
    install::cargo_tool("cargo-afl", None, || {
        cmd("cargo").args(["afl", "--version"])
    })?;
    // cargo-afl builds AFL++ when it is installed; a newer rustc needs it built again.
    let help = cmd("cargo").args(["afl", "fuzz", "-h"]).output()?;
    if help.combined().contains("was not built") {
        eprintln!("building AFL++ for cargo-afl (cargo afl config --build)");
        cmd("cargo").args(["afl", "config", "--build"]).run()?;
    }
    Ok(())
}

/// Builds the harness for AFL++.
pub fn build() -> Result<()> {
    ensure_cargo_afl()?;
    cmd("cargo")
        .args(["afl", "build", "--release", "--manifest-path"])
        .arg(manifest())
        .arg("--target-dir")
        .arg(afl_target_dir())
        .run()
}

/// The environment every afl-fuzz here runs with: no UI, no CPU-frequency or core-pattern
/// checks this machine cannot satisfy, fast calibration of large seed corpora.
fn afl_fuzz() -> Cmd {
    let mut command = cmd("cargo").args(["afl", "fuzz"]);
    for (key, value) in [
        ("AFL_NO_UI", "1"),
        ("AFL_SKIP_CPUFREQ", "1"),
        ("AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES", "1"),
        ("AFL_FAST_CAL", "1"),
        ("AFL_NO_AFFINITY", "1"),
        ("AFL_SKIP_CRASHES", "1"),
        ("AFL_IGNORE_SEED_PROBLEMS", "1"),
    ] {
        command = command.env(key, value);
    }
    command
}

/// One input directory for `-i`: every seed file, or one newline when there is none
/// (AFL++ needs a seed; libFuzzer starts from nothing).
fn seed_dir(job: &Job) -> Result<PathBuf> {
    let dir = job.work.join("afl-in");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let mut count = 0;
    for seeds in &job.seeds {
        let Ok(entries) = std::fs::read_dir(seeds) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_file() {
                let bytes = std::fs::read(&path)?;
                std::fs::write(dir.join(sha1_hex(&bytes)), bytes)?;
                count += 1;
            }
        }
    }
    if count == 0 {
        std::fs::write(dir.join("empty"), b"\n")?;
    }
    Ok(dir)
}

/// The files AFL++ saved under `out/<instance>/<kind>/` (`crashes`, `hangs`, `queue`).
fn saved(out: &Path, kind: &str) -> Vec<PathBuf> {
    let Ok(instances) = std::fs::read_dir(out) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for instance in instances.filter_map(Result::ok) {
        let Ok(files) = std::fs::read_dir(instance.path().join(kind)) else {
            continue;
        };
        found.extend(files.filter_map(Result::ok).map(|f| f.path()).filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("id:"))
        }));
    }
    found.sort();
    found
}

/// Fuzzes one target: `-V` seconds, main and secondaries for `--jobs`, stopping at the
/// first crash unless `--keep-going`.
pub fn run(job: &Job, progress: &mut Progress) -> Result<RunOutcome> {
    let input = seed_dir(job)?;
    let out = job.work.join("afl-out");
    let _ = std::fs::remove_dir_all(&out);
    let max_len = option(&job.target, "max_len").unwrap_or_else(|| "8192".into());
    let timeout_ms = option(&job.target, "timeout")
        .and_then(|s| s.parse::<u64>().ok())
        .map_or(10_000, |s| s * 1000);
    let mut running: Option<Group> = None;
    for instance in 0..job.jobs.max(1) {
        let mut command = afl_fuzz();
        if !job.keep_going {
            command = command.env("AFL_BENCH_UNTIL_CRASH", "1");
        }
        command = command
            .arg("-i")
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .arg("-x")
            .arg(dictionary())
            .arg("-V")
            .arg(job.seconds.to_string())
            .arg("-G")
            .arg(&max_len)
            .arg("-t")
            .arg(timeout_ms.to_string());
        if job.jobs > 1 {
            command = if instance == 0 {
                command.args(["-M", "main"])
            } else {
                command.args(["-S", &format!("secondary{instance}")])
            };
        }
        let command = command.arg("--").arg(&job.program).arg(&job.target);
        let log = std::fs::File::create(if instance == 0 {
            job.log.clone()
        } else {
            job.log.with_extension(format!("{instance}.log"))
        })?;
        let stderr = Stdio::from(log.try_clone()?);
        let stdout = Stdio::from(log);
        match running.as_mut() {
            None => running = Some(command.spawn(stdout, stderr)?),
            Some(running) => running.add(command, stdout, stderr)?,
        }
    }
    let running = running.context("no AFL++ instance started")?;
    let snapshot_now = || {
        let mut snapshot = Snapshot::default();
        if let Ok(instances) = std::fs::read_dir(&out) {
            for instance in instances.filter_map(Result::ok) {
                snapshot.add_afl_stats(&instance.path().join("fuzzer_stats"));
            }
        }
        snapshot.crashes = (saved(&out, "crashes").len() + saved(&out, "hangs").len()) as u64;
        snapshot
    };
    // afl-fuzz stops itself at -V seconds; calibrating the seeds comes first.
    let (exit_ok, first_crash) = running.wait(
        (job.seconds + 120) as f64,
        |_| progress.update(&snapshot_now()),
        || !saved(&out, "crashes").is_empty() || !saved(&out, "hangs").is_empty(),
    );
    let snapshot = snapshot_now();
    let mut artifacts = Vec::new();
    for (kind, prefix) in [("crashes", "crash"), ("hangs", "timeout")] {
        for file in saved(&out, kind) {
            let bytes = std::fs::read(&file)?;
            let path = job.artifacts.join(format!("{prefix}-{}", sha1_hex(&bytes)));
            if !path.exists() {
                std::fs::write(&path, bytes)?;
                artifacts.push(path);
            }
        }
    }
    // The queue becomes the new corpus entries, as libFuzzer's are (for --merge).
    for file in saved(&out, "queue") {
        if let Ok(bytes) = std::fs::read(&file) {
            let _ = std::fs::write(job.work.join(sha1_hex(&bytes)), bytes);
        }
    }
    Ok(RunOutcome {
        snapshot,
        first_crash,
        // afl-fuzz exits 0 at its time limit, crash or not; a crash is an artifact.
        exit_ok: exit_ok && artifacts.is_empty(),
        artifacts,
    })
}
