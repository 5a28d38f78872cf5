//! libFuzzer through cargo-fuzz: nightly with AddressSanitizer when a nightly toolchain is
//! installed (but for the [`UNSANITIZED`] targets, built with `-s none` in a folder of their
//! own), else stable with `-s none` (and it says so); always `-O --debug-assertions`.
//! Builds, replays (`cargo fuzz run -- -runs=0`), corpus minimising (`cargo fuzz cmin`)
//! and crash minimising (`cargo fuzz tmin`) go through cargo-fuzz. A campaign calls the
//! built binary directly, so a time-out kill reaches it and its fork workers, and its
//! status lines can be followed live.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use anyhow::{bail, Context as _, Result};

use super::job::{artifacts_in, count_files, new_artifacts, Job, RunOutcome};
use super::progress::Progress;
use super::stats::Snapshot;
use super::targets::flags;
use crate::base::install;
use crate::base::paths::{fuzz_binary_in, fuzz_target_dir, root, target_dir};
use crate::base::process::{cmd, follow_lines, Cmd};

/// Whether the nightly toolchain (AddressSanitizer) is used; decided once.
pub fn nightly() -> bool {
    static NIGHTLY: OnceLock<bool> = OnceLock::new();
    *NIGHTLY.get_or_init(|| {
        let nightly = cmd("rustup")
            .args(["run", "nightly", "rustc", "--version"])
            .succeeds();
        if nightly {
            eprintln!("libFuzzer: cargo +nightly fuzz, AddressSanitizer, debug assertions on");
        } else {
            eprintln!("NOTE: no nightly toolchain: libFuzzer on stable with `-s none` (no AddressSanitizer), debug assertions on");
        }
        nightly
    })
}

/// AddressSanitizer's runtime options for campaigns (the user's `ASAN_OPTIONS` come after
/// them and win). `malloc_context_size=0`: no stack trace is recorded at each allocation;
/// a heap report then lacks the allocating stack, which `cargo +nightly fuzz run TARGET
/// FILE` (ASan's defaults) gives back. It detects exactly what it detected before, and
/// saves the structured targets much of their time (`fuzz/README.md`, "Throughput").
pub fn asan_options() -> String {
    let ours = "malloc_context_size=0";
    match std::env::var("ASAN_OPTIONS") {
        Ok(user) if !user.is_empty() => format!("{ours}:{user}"),
        _ => ours.to_string(),
    }
}

/// A description of the build, for reports.
pub fn description() -> &'static str {
    if nightly() {
        "nightly + AddressSanitizer"
    } else {
        "stable, -s none"
    }
}

/// Installs cargo-fuzz when it is missing.
fn ensure_cargo_fuzz() -> Result<()> {
    install::cargo_tool("cargo-fuzz", None, || {
        cmd("cargo").args(["fuzz", "--version"])
    })
}

/// The targets the main job builds without AddressSanitizer (`-s none`): the structured
/// ones. Their inputs are models rendered to well-formed text; the product is
/// `forbid(unsafe_code)`, and the dependencies' unsafe code they reach (httparse, sha1,
/// base64) is fuzzed under AddressSanitizer by the byte-level targets, which send it any
/// bytes. What they look for is a wrong answer, which their oracles see without a
/// sanitizer, and without one they run about five times faster (`fuzz/README.md`,
/// "Throughput"). Debug assertions (overflow checks) stay on.
pub const UNSANITIZED: [&str; 3] = [
    "handshake_structured",
    "transport_equivalence",
    "handshake_model",
];

/// Whether the main job builds `target` with AddressSanitizer (when a nightly is installed).
pub fn sanitized(target: &str) -> bool {
    !UNSANITIZED.contains(&target)
}

/// Where a build of `target_dir` puts its binaries with or without AddressSanitizer: the
/// two take different compiler flags, so they get folders of their own and neither
/// invalidates the other.
fn build_dir(target_dir: &Path, sanitized: bool) -> PathBuf {
    if sanitized || !nightly() {
        target_dir.to_path_buf()
    } else {
        target_dir.join("unsanitized")
    }
}

/// `cargo [+nightly] fuzz <sub>` in `fuzz_dir`, building into `target_dir`: with
/// AddressSanitizer when `sanitized` and a nightly is installed, else `-s none`; with
/// `-O --debug-assertions` unless `dev` (the unoptimised profile).
fn cargo_fuzz_in(sub: &str, fuzz_dir: &Path, target_dir: &Path, sanitized: bool, dev: bool) -> Cmd {
    let mut command = cmd("cargo");
    if nightly() {
        command = command.arg("+nightly");
    }
    command = command.args(["fuzz", sub]);
    if !(sanitized && nightly()) {
        command = command.args(["-s", "none"]);
    }
    command = if dev {
        command.arg("--dev")
    } else {
        command.args(["-O", "--debug-assertions"])
    };
    command
        .arg("--target-dir")
        .arg(build_dir(target_dir, sanitized))
        .dir(fuzz_dir)
}

/// `cargo fuzz <sub> <target>` for this checkout's `fuzz/`, into [`fuzz_target_dir`], built
/// as the main job builds it ([`sanitized`]), so a replay, minimisation or merge runs the
/// campaign's own binary.
pub fn cargo_fuzz(sub: &str, target: &str) -> Cmd {
    cargo_fuzz_in(
        sub,
        &root().join("fuzz"),
        &fuzz_target_dir(),
        sanitized(target),
        false,
    )
    .arg(target)
}

/// Builds `targets` (every target when empty) as the main job runs them.
pub fn build(targets: &[String]) -> Result<()> {
    ensure_cargo_fuzz()?;
    let all = super::targets::targets();
    let targets = if targets.is_empty() { &all } else { targets };
    for target in targets {
        cargo_fuzz("build", target).run()?;
    }
    Ok(())
}

/// One binary a build makes: a target, with AddressSanitizer or without.
pub type Binary<'a> = (&'a str, bool);

/// Builds `binaries` of the cargo-fuzz package in `fuzz_dir` (another checkout) into
/// `target_dir`, quietly; with `dev` the unoptimised profile (`cargo fuzz build --dev`:
/// nothing inlined but `#[inline(always)]`, so libFuzzer's `-print_coverage=1` names each
/// function and line). The binaries are at [`binary_in`].
pub fn build_in(fuzz_dir: &Path, target_dir: &Path, binaries: &[Binary], dev: bool) -> Result<()> {
    ensure_cargo_fuzz()?;
    for &(target, sanitized) in binaries {
        cargo_fuzz_in("build", fuzz_dir, target_dir, sanitized, dev)
            .arg(target)
            .read()
            .with_context(|| format!("cargo fuzz build {target}"))?;
    }
    Ok(())
}

/// A binary [`build_in`] made.
pub fn binary_in(target_dir: &Path, (target, sanitized): Binary, dev: bool) -> PathBuf {
    fuzz_binary_in(
        &build_dir(target_dir, sanitized),
        if dev { "debug" } else { "release" },
        target,
    )
}

/// The built binary of a target in this checkout, as the main job builds it.
pub fn binary(target: &str) -> PathBuf {
    binary_in(&fuzz_target_dir(), (target, sanitized(target)), false)
}

/// Fuzzes one target: libFuzzer's own `-max_total_time`, its status lines followed live.
pub fn run(job: &Job, progress: &mut Progress) -> Result<RunOutcome> {
    let before = artifacts_in(&job.artifacts);
    let mut command = cmd(&job.program)
        .arg(&job.work)
        .args(&job.seeds)
        .args(flags(&job.target, true))
        .arg(format!("-max_total_time={}", job.seconds))
        .arg(format!("-artifact_prefix={}/", job.artifacts.display()))
        .arg("-print_final_stats=1")
        .args(&job.extra)
        .env("ASAN_OPTIONS", asan_options());
    if job.keep_going {
        command = command.arg(format!("-fork={}", job.jobs.max(1))).args([
            "-ignore_crashes=1",
            "-ignore_timeouts=1",
            "-ignore_ooms=1",
        ]);
    } else if job.jobs > 1 {
        command = command.arg(format!("-fork={}", job.jobs));
    }
    let mut running = command.spawn(std::process::Stdio::null(), std::process::Stdio::piped())?;
    let snapshot = Arc::new(Mutex::new(Snapshot::default()));
    let stderr = running
        .take_stderr()
        .context("libFuzzer's stderr was not piped")?;
    let reader = follow_lines(stderr, &job.log, snapshot.clone(), |s, line| {
        s.read_libfuzzer_line(line)
    })?;
    // libFuzzer stops itself at -max_total_time; loading a large corpus comes first.
    let deadline = (job.seconds + 120) as f64;
    let (exit_ok, first_crash) = running.wait(
        deadline,
        |_| {
            if let Ok(mut s) = snapshot.lock() {
                s.crashes = s
                    .crashes
                    .max(new_artifacts(&job.artifacts, &before).len() as u64);
                progress.update(&s);
            }
        },
        || !new_artifacts(&job.artifacts, &before).is_empty(),
    );
    let _ = reader.join();
    let artifacts = new_artifacts(&job.artifacts, &before);
    let mut snapshot = snapshot.lock().map(|s| s.clone()).unwrap_or_default();
    snapshot.corpus = snapshot.corpus.max(count_files(&job.work).0 as u64);
    snapshot.crashes = artifacts.len() as u64;
    Ok(RunOutcome {
        snapshot,
        artifacts,
        first_crash,
        exit_ok,
    })
}

/// libFuzzer `-merge=1`: adds to `into` the inputs of `from` that add coverage, keeping
/// what `into` holds (`cargo fuzz cmin` would rewrite it: that is [`minimize_corpus`]).
pub fn merge(target: &str, into: &Path, from: &[PathBuf]) -> Result<()> {
    std::fs::create_dir_all(into)?;
    cmd(binary(target))
        .arg(into)
        .args(from)
        .arg("-merge=1")
        .args(flags(target, false))
        .read()
        .with_context(|| format!("merge into {}", into.display()))?;
    Ok(())
}

/// `cargo fuzz cmin`: rewrites `corpus` as the smallest subset with the same coverage.
pub fn minimize_corpus(target: &str, corpus: &Path) -> Result<()> {
    // cargo fuzz cmin exits 0 even when the merge failed; an emptied corpus is caught by
    // the caller's counts.
    cargo_fuzz("cmin", target)
        .arg(corpus)
        .arg("--")
        .args(flags(target, false))
        .read()?;
    Ok(())
}

/// `cargo fuzz run <target> <dirs> -- -runs=0`: every file of `dirs` through `target`
/// once; the inputs read and whether all passed, with the log.
pub fn replay(target: &str, dirs: &[PathBuf]) -> Result<(u64, bool, String)> {
    let scratch = target_dir().join("fuzz-replay").join(target);
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch)?;
    let finished = cargo_fuzz("run", target)
        .arg(&scratch)
        .args(dirs)
        .arg("--")
        .arg("-runs=0")
        // A failing input is written beside the scratch corpus, not into the artifacts.
        .arg(format!("-artifact_prefix={}/", scratch.display()))
        .args(flags(target, false))
        .output()?;
    let log = finished.stderr;
    let inputs = log
        .lines()
        .find_map(|l| super::stats::number_after(l, "INFO: seed corpus: files:"))
        .unwrap_or(0);
    Ok((inputs, finished.success, log))
}

/// `cargo fuzz tmin`: minimises a crashing input for at most `seconds`; the smallest input
/// that still crashes, written to `out`.
pub fn minimize_crash(target: &str, input: &Path, out: &Path, seconds: u64) -> Result<()> {
    // tmin exits non-zero when it cannot shrink further; what counts is the file written.
    let finished = cargo_fuzz("tmin", target)
        .arg(input)
        .args(["--runs", "100000"])
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-exact_artifact_path={}", out.display()))
        .args(flags(target, false))
        .timeout(Duration::from_secs(seconds + 300))
        .output()?;
    if !out.is_file() {
        bail!(
            "minimize {target}: no smaller crash written ({})",
            finished.stderr.lines().last().unwrap_or_default()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsanitized_targets_are_targets_and_build_apart() {
        for target in UNSANITIZED {
            assert!(
                super::super::targets::target_name(target).is_ok(),
                "{target}"
            );
            assert!(!sanitized(target));
        }
        assert!(sanitized("request_head"));
        let dir = Path::new("/t");
        let with = binary_in(dir, ("x", true), false);
        let without = binary_in(dir, ("x", false), false);
        // Two builds with different flags never share a folder; on stable both are -s none.
        assert_eq!(with == without, !nightly());
        assert!(with.starts_with(dir) && without.starts_with(dir));
    }
}
