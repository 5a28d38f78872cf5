//! The fuzzing engines behind `cargo xtask fuzz --engine`: libFuzzer (cargo-fuzz) and
//! AFL++ (cargo-afl), on the same harnesses (`http_upgrade_proptests::harnesses`), seeds,
//! dictionary and options. Each run is bounded: the engine's own time limit, then a kill of
//! its whole process group past a grace period. Crashes from either engine land in
//! `fuzz/artifacts/<target>/` named by their SHA-1, and replay the same way.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::progress::Progress;
use super::stats::Snapshot;
use super::{afl, libfuzzer};

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

    /// Builds every target for this engine; a message says what failed.
    pub fn build(self) -> Result<(), String> {
        match self {
            Engine::Libfuzzer => libfuzzer::build(),
            Engine::Afl => afl::build(),
        }
    }

    /// Runs one job to its end (time limit, first crash, or kill) with live progress.
    pub fn run(self, job: &Job, progress: &mut Progress) -> Result<RunOutcome, String> {
        for dir in [&job.work, &job.artifacts] {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        if let Some(parent) = job.log.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        match self {
            Engine::Libfuzzer => libfuzzer::run(job, progress),
            Engine::Afl => afl::run(job, progress),
        }
    }
}

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

/// Spawned engine processes, each in its own process group, so a kill reaches every
/// worker they forked.
pub struct Running {
    children: Vec<Child>,
    started: Instant,
}

impl Running {
    /// Spawns `command` in a new process group, stdout and stderr as given.
    pub fn spawn(command: Command, stderr: Stdio, stdout: Stdio) -> Result<Self, String> {
        let mut running = Running {
            children: Vec::new(),
            started: Instant::now(),
        };
        running.add(command, stderr, stdout)?;
        Ok(running)
    }

    /// Spawns one more process beside the first.
    pub fn add(
        &mut self,
        mut command: Command,
        stderr: Stdio,
        stdout: Stdio,
    ) -> Result<(), String> {
        use std::os::unix::process::CommandExt as _;
        command.process_group(0).stderr(stderr).stdout(stdout);
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start {command:?}: {e}"))?;
        self.children.push(child);
        Ok(())
    }

    /// The first process's stderr, when it was piped.
    pub fn take_stderr(&mut self) -> Option<std::process::ChildStderr> {
        self.children.first_mut()?.stderr.take()
    }

    /// Waits for every process, calling `tick` every 250 ms; past `deadline` seconds every
    /// process group is killed. Returns whether all exited cleanly, and when
    /// `first_artifact` first saw an artifact (seconds from the start).
    pub fn wait(
        mut self,
        deadline: u64,
        mut tick: impl FnMut(f64),
        mut first_artifact: impl FnMut() -> bool,
    ) -> (bool, Option<f64>) {
        let mut first = None;
        let mut all_ok = true;
        let mut running: Vec<bool> = vec![true; self.children.len()];
        loop {
            let elapsed = self.started.elapsed().as_secs_f64();
            if first.is_none() && first_artifact() {
                first = Some(elapsed);
            }
            tick(elapsed);
            for (child, alive) in self.children.iter_mut().zip(running.iter_mut()) {
                if !*alive {
                    continue;
                }
                match child.try_wait() {
                    Ok(Some(status)) => {
                        *alive = false;
                        all_ok &= status.success();
                    }
                    Ok(None) => {}
                    Err(_) => {
                        *alive = false;
                        all_ok = false;
                    }
                }
            }
            if running.iter().all(|alive| !alive) {
                if first.is_none() && first_artifact() {
                    first = Some(elapsed);
                }
                return (all_ok, first);
            }
            if elapsed > deadline as f64 {
                self.kill_all();
                return (false, first);
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    fn kill_all(&mut self) {
        for child in &mut self.children {
            let group = format!("-{}", child.id());
            let _ = Command::new("kill")
                .args(["-KILL", "--", &group])
                .stderr(Stdio::null())
                .status();
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Running {
    /// Nothing outlives a run: an early return or a panic still stops every process.
    fn drop(&mut self) {
        let alive = self
            .children
            .iter_mut()
            .any(|child| matches!(child.try_wait(), Ok(None)));
        if alive {
            self.kill_all();
        }
    }
}

/// Reads `stream` line by line on a thread: each line into the log file and through
/// `read` into the shared snapshot.
pub fn follow_lines(
    stream: impl std::io::Read + Send + 'static,
    log: &Path,
    snapshot: Arc<Mutex<Snapshot>>,
    read: fn(&mut Snapshot, &str),
) -> Result<std::thread::JoinHandle<()>, String> {
    use std::io::{BufRead as _, Write as _};
    let mut file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    Ok(std::thread::spawn(move || {
        let reader = std::io::BufReader::new(stream);
        for line in reader.split(b'\n').map_while(Result::ok) {
            let text = String::from_utf8_lossy(&line);
            let _ = writeln!(file, "{text}");
            if let Ok(mut snapshot) = snapshot.lock() {
                read(&mut snapshot, &text);
            }
        }
    }))
}

/// The SHA-1 of a file's bytes, hex: the name libFuzzer gives an artifact.
pub fn sha1_hex(bytes: &[u8]) -> String {
    use sha1::Digest as _;
    sha1::Sha1::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
