//! libFuzzer through cargo-fuzz: nightly with AddressSanitizer when a nightly toolchain is
//! installed, else stable with `-s none` (and it says so); always `-O --debug-assertions`.
//! Runs call the built binary directly, so a time-out kill reaches it and its fork workers.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};

use super::engine::{artifacts_in, follow_lines, Job, RunOutcome, Running};
use super::progress::Progress;
use super::stats::Snapshot;
use crate::seed::root;

/// Whether the nightly toolchain (AddressSanitizer) is used; decided once.
pub fn nightly() -> bool {
    static NIGHTLY: OnceLock<bool> = OnceLock::new();
    *NIGHTLY.get_or_init(|| {
        let nightly = Command::new("rustup")
            .args(["run", "nightly", "rustc", "--version"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if nightly {
            eprintln!("libFuzzer: cargo +nightly fuzz, AddressSanitizer, debug assertions on");
        } else {
            eprintln!("NOTE: no nightly toolchain: libFuzzer on stable with `-s none` (no AddressSanitizer), debug assertions on");
        }
        nightly
    })
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
fn ensure_cargo_fuzz() -> Result<(), String> {
    let installed = Command::new("cargo")
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if installed.is_ok_and(|s| s.success()) {
        return Ok(());
    }
    eprintln!("cargo-fuzz is missing: installing it (cargo install cargo-fuzz --locked)");
    let status = Command::new("cargo")
        .args(["install", "cargo-fuzz", "--locked"])
        .status()
        .map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err("cargo install cargo-fuzz failed".into())
    }
}

/// `cargo [+nightly] fuzz <sub> [-s none] -O --debug-assertions`, in `fuzz/`.
pub fn cargo_fuzz(sub: &str) -> Command {
    let mut command = Command::new("cargo");
    if nightly() {
        command.arg("+nightly");
    }
    command.args(["fuzz", sub]);
    if !nightly() {
        command.args(["-s", "none"]);
    }
    command.args(["-O", "--debug-assertions"]);
    command.current_dir(root().join("fuzz"));
    command
}

/// Builds every target.
pub fn build() -> Result<(), String> {
    ensure_cargo_fuzz()?;
    let status = cargo_fuzz("build")
        .status()
        .map_err(|e| format!("cargo fuzz build: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("cargo fuzz build failed".into())
    }
}

/// Builds `targets` of the cargo-fuzz package in `fuzz_dir` (another checkout) into
/// `target_dir`, quietly; the binaries are `target_dir/x86_64-unknown-linux-gnu/release/<t>`.
pub fn build_in(fuzz_dir: &Path, target_dir: &Path, targets: &[&str]) -> Result<(), String> {
    build_in_profile(fuzz_dir, target_dir, targets, false)
}

/// [`build_in`], or with `dev` the unoptimised profile (`cargo fuzz build --dev`: nothing
/// inlined but `#[inline(always)]`, so libFuzzer's `-print_coverage=1` names each function
/// and line); those binaries are under `x86_64-unknown-linux-gnu/debug/`.
pub fn build_in_profile(
    fuzz_dir: &Path,
    target_dir: &Path,
    targets: &[&str],
    dev: bool,
) -> Result<(), String> {
    ensure_cargo_fuzz()?;
    for target in targets {
        let mut command = if dev {
            let mut command = Command::new("cargo");
            if nightly() {
                command.arg("+nightly");
            }
            command.args(["fuzz", "build", "--dev"]);
            if !nightly() {
                command.args(["-s", "none"]);
            }
            command
        } else {
            cargo_fuzz("build")
        };
        command
            .current_dir(fuzz_dir)
            .arg("--target-dir")
            .arg(target_dir)
            .arg(target);
        let output = command
            .output()
            .map_err(|e| format!("cargo fuzz build: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "cargo fuzz build {target} failed:\n{}",
                tail(&String::from_utf8_lossy(&output.stderr), 20)
            ));
        }
    }
    Ok(())
}

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// The built binary of a target.
pub fn binary(target: &str) -> PathBuf {
    root()
        .join("fuzz/target/x86_64-unknown-linux-gnu/release")
        .join(target)
}

fn options_file(target: &str) -> Vec<(String, String)> {
    let path = root().join("fuzz").join(format!("{target}.options"));
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// One option of `fuzz/<target>.options` (`max_len`, `timeout`, `dict`, ...).
pub fn option(target: &str, key: &str) -> Option<String> {
    options_file(target)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// The dictionary shared by every target and engine.
pub fn dictionary() -> PathBuf {
    root().join("fuzz/dict/http-upgrade.dict")
}

/// libFuzzer flags from `fuzz/<target>.options`, the dictionary path made absolute.
pub fn flags(target: &str, with_dict: bool) -> Vec<String> {
    options_file(target)
        .into_iter()
        .filter(|(key, _)| with_dict || key != "dict")
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

/// Fuzzes one target: libFuzzer's own `-max_total_time`, its status lines followed live.
pub fn run(job: &Job, progress: &mut Progress) -> Result<RunOutcome, String> {
    let before = artifacts_in(&job.artifacts);
    let mut command = Command::new(&job.program);
    command.arg(&job.work).args(&job.seeds);
    command.args(flags(&job.target, true));
    command.arg(format!("-max_total_time={}", job.seconds));
    command.arg(format!("-artifact_prefix={}/", job.artifacts.display()));
    command.arg("-print_final_stats=1");
    command.args(&job.extra);
    if job.keep_going {
        command.arg(format!("-fork={}", job.jobs.max(1)));
        command.args(["-ignore_crashes=1", "-ignore_timeouts=1", "-ignore_ooms=1"]);
    } else if job.jobs > 1 {
        command.arg(format!("-fork={}", job.jobs));
    }
    let mut running = Running::spawn(command, Stdio::piped(), Stdio::null())?;
    let snapshot = Arc::new(Mutex::new(Snapshot::default()));
    let stderr = running
        .take_stderr()
        .ok_or("libFuzzer's stderr was not piped")?;
    let reader = follow_lines(stderr, &job.log, snapshot.clone(), |s, line| {
        s.read_libfuzzer_line(line)
    })?;
    // libFuzzer stops itself at -max_total_time; loading a large corpus comes first.
    let deadline = job.seconds + 120;
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

fn new_artifacts(dir: &Path, before: &[PathBuf]) -> Vec<PathBuf> {
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

/// libFuzzer `-merge=1`: adds to `into` the inputs of `from` that add coverage.
pub fn merge(target: &str, into: &Path, from: &[PathBuf]) -> Result<(), String> {
    std::fs::create_dir_all(into).map_err(|e| e.to_string())?;
    let output = Command::new(binary(target))
        .arg(into)
        .args(from)
        .arg("-merge=1")
        .args(flags(target, false))
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "merge {target} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(())
}

/// Runs every file of `dirs` through `target` once (`-runs=0`); the inputs read and
/// whether all passed, with the log.
pub fn replay(target: &str, dirs: &[PathBuf]) -> Result<(u64, bool, String), String> {
    let scratch = root().join("target/fuzz-replay").join(target);
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let output = Command::new(binary(target))
        .arg(&scratch)
        .args(dirs)
        .arg("-runs=0")
        // A failing input is written beside the scratch corpus, not into the caller's
        // working directory.
        .arg(format!("-artifact_prefix={}/", scratch.display()))
        .args(flags(target, false))
        .output()
        .map_err(|e| e.to_string())?;
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    let inputs = log
        .lines()
        .find_map(|l| super::stats::number_after(l, "INFO: seed corpus: files:"))
        .unwrap_or(0);
    Ok((inputs, output.status.success(), log))
}

/// Minimises a crashing input with libFuzzer's `-minimize_crash=1` for `seconds`; the
/// smallest input that still crashes, written to `out`.
pub fn minimize_crash(target: &str, input: &Path, out: &Path, seconds: u64) -> Result<(), String> {
    // libFuzzer leaves its intermediate crash files in the working directory.
    let output = Command::new(binary(target))
        .current_dir(out.parent().unwrap_or(Path::new(".")))
        .arg("-minimize_crash=1")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-exact_artifact_path={}", out.display()))
        .args(flags(target, false))
        .arg(input)
        .stdout(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    if out.is_file() {
        Ok(())
    } else {
        Err(format!(
            "minimize {target}: no smaller crash written ({})",
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or_default()
        ))
    }
}
