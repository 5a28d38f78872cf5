//! A bounded child process for the bench's screens and coverage replays, on the fuzz
//! engines' own [`Running`] (its own process group, killed past the bound, nothing left
//! behind), its output kept (through a file) for the caller to read.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::fuzz::engine::Running;

/// How a bounded run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended {
    /// It exited with status 0 within the bound.
    pub success: bool,
    /// It was killed at the bound.
    pub timed_out: bool,
    /// Its output, stdout and stderr together.
    pub output: String,
}

/// Runs `command` to its end or `bound`, stdout and stderr kept.
pub fn run_bounded(command: Command, bound: Duration) -> Result<Ended, String> {
    let log = std::env::temp_dir().join(format!(
        "xtask-bounded-{}-{}.log",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let file = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = file.try_clone().map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    let running = Running::spawn(command, Stdio::from(err), Stdio::from(file))?;
    let (success, _) = running.wait(bound.as_secs(), |_| {}, || false);
    let timed_out = started.elapsed() >= bound;
    let output = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    Ok(Ended {
        success: success && !timed_out,
        timed_out,
        output,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_past_its_bound_is_stopped() {
        let mut quick = Command::new("sh");
        quick.args(["-c", "echo hello; exit 3"]);
        let ended = run_bounded(quick, Duration::from_secs(10)).expect("runs");
        assert!(!ended.success && !ended.timed_out);
        assert!(ended.output.contains("hello"), "{}", ended.output);
        let mut slow = Command::new("sleep");
        slow.arg("30");
        let started = std::time::Instant::now();
        let ended = run_bounded(slow, Duration::from_secs(1)).expect("runs");
        assert!(ended.timed_out && !ended.success);
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
