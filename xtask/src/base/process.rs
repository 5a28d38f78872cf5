//! Running other programs, the one place that does: a command line built with [`cmd`], run
//! to its end with its output inherited ([`Cmd::run`]) or kept ([`Cmd::read`],
//! [`Cmd::output`]), optionally under a time limit past which its whole process group is
//! killed; or started in the background in a process group of its own ([`Group`],
//! [`Service`]) that is stopped when the handle goes, so nothing outlives a command.
//! Errors name the command line and keep the end of its error output.

use std::ffi::OsStr;
use std::io::{BufRead as _, BufReader, Read, Write as _};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _, Result};

/// A command line to run: `cmd("cargo").args(["fuzz", "build"]).dir(fuzz).run()?`.
pub fn cmd(program: impl AsRef<OsStr>) -> Cmd {
    Cmd {
        command: Command::new(program),
        timeout: None,
    }
}

/// A command line being built; see [`cmd`].
#[derive(Debug)]
pub struct Cmd {
    command: Command,
    timeout: Option<Duration>,
}

/// How a run whose output was kept ended.
#[derive(Debug, Clone, Default)]
pub struct Finished {
    /// It exited with status 0 within its time limit.
    pub success: bool,
    /// It was killed at its time limit.
    pub timed_out: bool,
    /// Its exit code, if it exited.
    pub code: Option<i32>,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
}

impl Finished {
    /// How it ended, for messages: `exit code N`, or killed.
    pub fn ending(&self) -> String {
        if self.timed_out {
            "stopped at its time limit".into()
        } else {
            self.code
                .map_or("killed by a signal".into(), |c| format!("exit code {c}"))
        }
    }

    /// Standard output, then standard error.
    pub fn combined(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

impl Cmd {
    /// One more argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.command.arg(arg);
        self
    }

    /// More arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    /// The directory it runs in.
    pub fn dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.command.current_dir(dir);
        self
    }

    /// One environment variable.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    /// A time limit: past it the whole process group is killed (and the run fails).
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// The command line, for messages.
    pub fn display(&self) -> String {
        let mut words = vec![self.command.get_program().to_string_lossy().into_owned()];
        words.extend(
            self.command
                .get_args()
                .map(|a| a.to_string_lossy().into_owned()),
        );
        words.join(" ")
    }

    /// Runs it to its end, its output shown as it goes; an error unless it exits 0.
    pub fn run(self) -> Result<()> {
        let line = self.display();
        let finished = self.execute(false)?;
        if !finished.success {
            bail!("`{line}` failed ({})", finished.ending());
        }
        Ok(())
    }

    /// Runs it to its end, its output shown as it goes, whatever its status; how it ended
    /// (for a tool whose exit code means more than pass or fail).
    pub fn status(self) -> Result<Finished> {
        self.execute(false)
    }

    /// Runs it to its end and returns its standard output; an error (with the end of its
    /// standard error) unless it exits 0.
    pub fn read(self) -> Result<String> {
        let line = self.display();
        let finished = self.output()?;
        if !finished.success {
            bail!(
                "`{line}` failed ({}):\n{}",
                finished.ending(),
                super::tail(&finished.combined(), 20)
            );
        }
        Ok(finished.stdout)
    }

    /// Runs it to its end with its output kept, whatever its status; an error only when it
    /// cannot start.
    pub fn output(self) -> Result<Finished> {
        self.execute(true)
    }

    /// Whether it runs and exits 0 (its output discarded).
    pub fn succeeds(self) -> bool {
        self.output().is_ok_and(|f| f.success)
    }

    /// Starts it in a process group of its own with the given output, for [`Group::wait`].
    pub fn spawn(self, stdout: Stdio, stderr: Stdio) -> Result<Group> {
        let mut group = Group {
            children: Vec::new(),
            started: Instant::now(),
        };
        group.add(self, stdout, stderr)?;
        Ok(group)
    }

    /// Starts it in the background (a server), its standard output collected line by line.
    pub fn start(self) -> Result<Service> {
        let mut group = self.spawn(Stdio::piped(), Stdio::null())?;
        let stdout = group.children[0]
            .stdout
            .take()
            .context("the service's stdout was not piped")?;
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                sink.lock().map(|mut l| l.push(line)).ok();
            }
        });
        Ok(Service {
            _group: group,
            lines,
        })
    }

    fn execute(mut self, capture: bool) -> Result<Finished> {
        use std::os::unix::process::CommandExt as _;
        let line = self.display();
        if self.timeout.is_some() {
            // Its own group, so a kill at the limit reaches everything it started.
            self.command.process_group(0);
        }
        if capture {
            self.command.stdout(Stdio::piped()).stderr(Stdio::piped());
        }
        self.command.stdin(Stdio::null());
        let mut child = self
            .command
            .spawn()
            .with_context(|| format!("cannot start `{line}`"))?;
        let stdout = child.stdout.take().map(read_on_thread);
        let stderr = child.stderr.take().map(read_on_thread);
        let (status, timed_out) = match self.timeout {
            None => (Some(child.wait()?), false),
            Some(limit) => wait_within(&mut child, limit),
        };
        let text = |reader: Option<std::thread::JoinHandle<Vec<u8>>>| {
            reader
                .and_then(|r| r.join().ok())
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .unwrap_or_default()
        };
        Ok(Finished {
            success: !timed_out && status.is_some_and(|s| s.success()),
            timed_out,
            code: status.and_then(|s| s.code()),
            stdout: text(stdout),
            stderr: text(stderr),
        })
    }
}

fn read_on_thread(mut stream: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        bytes
    })
}

/// Waits for `child` up to `limit`, then kills its process group; its status, and whether
/// it was killed.
fn wait_within(child: &mut Child, limit: Duration) -> (Option<ExitStatus>, bool) {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return (Some(status), false),
            Ok(None) if started.elapsed() < limit => {
                std::thread::sleep(Duration::from_millis(20));
            }
            _ => {
                kill_group(child);
                return (None, true);
            }
        }
    }
}

/// Kills the process group `child` leads, then `child` itself.
fn kill_group(child: &mut Child) {
    let group = format!("-{}", child.id());
    let _ = Command::new("kill")
        .args(["-KILL", "--", &group])
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

/// Processes started together, each in a process group of its own, so a kill reaches every
/// worker they forked; all are stopped when the group goes.
pub struct Group {
    children: Vec<Child>,
    started: Instant,
}

impl Group {
    /// Starts one more process beside the first.
    pub fn add(&mut self, mut command: Cmd, stdout: Stdio, stderr: Stdio) -> Result<()> {
        use std::os::unix::process::CommandExt as _;
        let line = command.display();
        command
            .command
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr);
        let child = command
            .command
            .spawn()
            .with_context(|| format!("cannot start `{line}`"))?;
        self.children.push(child);
        Ok(())
    }

    /// The first process's stderr, when it was piped.
    pub fn take_stderr(&mut self) -> Option<std::process::ChildStderr> {
        self.children.first_mut()?.stderr.take()
    }

    /// Waits for every process, calling `tick` every 250 ms; past `deadline` seconds every
    /// process group is killed. Returns whether all exited cleanly, and when
    /// `first_artifact` first said yes (seconds from the start).
    pub fn wait(
        mut self,
        deadline: f64,
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
            if elapsed > deadline {
                self.kill_all();
                return (false, first);
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    fn kill_all(&mut self) {
        for child in &mut self.children {
            kill_group(child);
        }
    }
}

impl Drop for Group {
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

/// A background process (a server under test), its standard output collected; stopped
/// when dropped.
pub struct Service {
    /// Held so that the process stops when the service goes.
    _group: Group,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Service {
    /// The lines it has printed so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Waits (bounded) for a line containing `needle`.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(line) = self.lines().into_iter().find(|l| l.contains(needle)) {
                return Some(line);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

/// Reads `stream` line by line on a thread: each line into the log file and through
/// `read` into the shared `state`.
pub fn follow_lines<T: Send + 'static>(
    stream: impl Read + Send + 'static,
    log: &Path,
    state: Arc<Mutex<T>>,
    read: fn(&mut T, &str),
) -> Result<std::thread::JoinHandle<()>> {
    let mut file =
        std::fs::File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
    Ok(std::thread::spawn(move || {
        let reader = BufReader::new(stream);
        for line in reader.split(b'\n').map_while(Result::ok) {
            let text = String::from_utf8_lossy(&line);
            let _ = writeln!(file, "{text}");
            if let Ok(mut state) = state.lock() {
                read(&mut state, &text);
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_kept_and_failures_name_the_command() {
        let finished = cmd("sh")
            .args(["-c", "echo out; echo err >&2; exit 3"])
            .output()
            .expect("starts");
        assert!(!finished.success && !finished.timed_out);
        assert_eq!(finished.code, Some(3));
        assert_eq!(finished.stdout, "out\n");
        assert_eq!(finished.stderr, "err\n");
        let error = cmd("sh")
            .args(["-c", "echo why >&2; exit 1"])
            .read()
            .expect_err("fails");
        let message = format!("{error:#}");
        assert!(
            message.contains("sh -c") && message.contains("why"),
            "{message}"
        );
        assert!(cmd("no-such-program-anywhere").output().is_err());
    }

    #[test]
    fn a_run_past_its_limit_is_stopped_with_its_children() {
        let started = Instant::now();
        let finished = cmd("sh")
            .args(["-c", "sleep 30 & sleep 30"])
            .timeout(Duration::from_millis(300))
            .output()
            .expect("starts");
        assert!(finished.timed_out && !finished.success);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_service_is_stopped_when_dropped() {
        let service = cmd("sh")
            .args(["-c", "echo ready $$; sleep 30"])
            .start()
            .expect("starts");
        let line = service
            .wait_for("ready", Duration::from_secs(5))
            .expect("it printed");
        let pid = line.trim_start_matches("ready ").trim().to_string();
        let status = format!("/proc/{pid}/status");
        assert!(Path::new(&status).exists());
        drop(service);
        assert!(!Path::new(&status).exists(), "{pid} outlived its service");
    }
}
