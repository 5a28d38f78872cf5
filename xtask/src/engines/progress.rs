//! The live status of a campaign: one line that updates in place on a terminal
//! (indicatif), plain lines every few seconds when output is not one (CI, a log file).

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::stats::Snapshot;

/// How often a plain line is printed when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(10);

/// The status line of the target being fuzzed.
pub struct Progress {
    bar: ProgressBar,
    label: String,
    budget: u64,
    started: Instant,
    last_plain: Option<Instant>,
}

impl Progress {
    /// Starts the line for target `index` of `total` (1-based), fuzzed for `budget` s by
    /// `engine`.
    pub fn begin(target: &str, engine: &str, index: usize, total: usize, budget: u64) -> Self {
        let bar = ProgressBar::with_draw_target(Some(budget), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{prefix} {bar:16} {pos:>4}/{len}s {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let label = format!("[{index}/{total}] {target} ({engine})");
        bar.set_prefix(label.clone());
        Progress {
            bar,
            label,
            budget,
            started: Instant::now(),
            last_plain: None,
        }
    }

    /// Shows `snapshot`: in place on a terminal, else a plain line every ten seconds.
    pub fn update(&mut self, snapshot: &Snapshot) {
        let elapsed = self.started.elapsed();
        let message = snapshot.line();
        if self.bar.is_hidden() {
            let due = self
                .last_plain
                .is_none_or(|last| last.elapsed() >= PLAIN_EVERY);
            if due {
                eprintln!(
                    "{} {:>4}/{}s {message}",
                    self.label,
                    elapsed.as_secs(),
                    self.budget
                );
                self.last_plain = Some(Instant::now());
            }
        } else {
            self.bar.set_position(elapsed.as_secs().min(self.budget));
            self.bar.set_message(message);
        }
    }

    /// Ends the line with the target's final numbers.
    pub fn finish(self, snapshot: &Snapshot) {
        let line = format!(
            "{} done in {:.0}s: {}",
            self.label,
            self.started.elapsed().as_secs_f64(),
            snapshot.line()
        );
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.finish_and_clear();
            eprintln!("{line}");
        }
    }
}
