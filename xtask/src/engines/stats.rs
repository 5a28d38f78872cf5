//! What a fuzzing run has done so far, read from each engine's own reports: libFuzzer's
//! status lines on stderr, AFL++'s `fuzzer_stats` file.

use std::path::Path;

/// A run's numbers at one moment.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Snapshot {
    /// Inputs executed.
    pub execs: u64,
    /// Executions per second, as the engine reports it.
    pub exec_per_sec: u64,
    /// Coverage: libFuzzer's `cov` (edges), AFL++'s `edges_found`.
    pub cov: u64,
    /// Inputs in the engine's corpus.
    pub corpus: u64,
    /// Crashes, timeouts and OOMs saved so far.
    pub crashes: u64,
}

impl Snapshot {
    /// The numbers as the status line shows them.
    pub fn line(&self) -> String {
        format!(
            "execs {}  {}/s  cov {}  corpus {}  crashes {}",
            human(self.execs),
            human(self.exec_per_sec),
            self.cov,
            self.corpus,
            self.crashes
        )
    }

    /// Folds one line of libFuzzer's stderr in: `#N NEW cov: C ft: F corp: K/S exec/s: E`,
    /// the fork mode's `#N: cov: C ft: F corp: K exec/s: E oom/timeout/crash: a/b/c`, and
    /// the final `stat::` lines.
    pub fn read_libfuzzer_line(&mut self, line: &str) {
        if let Some(n) = number_after(line, "stat::number_of_executed_units:") {
            self.execs = self.execs.max(n);
        }
        if let Some(n) = number_after(line, "stat::average_exec_per_sec:") {
            self.exec_per_sec = n;
        }
        if !(line.starts_with('#') || line.contains("] #")) {
            return;
        }
        if let Some(n) = line
            .split_whitespace()
            .next()
            .and_then(|w| w.trim_start_matches('#').trim_end_matches(':').parse().ok())
        {
            self.execs = self.execs.max(n);
        }
        if let Some(n) = number_after(line, "cov:") {
            self.cov = self.cov.max(n);
        }
        if let Some(n) = number_after(line, "corp:") {
            self.corpus = n;
        }
        if let Some(n) = number_after(line, "exec/s:") {
            self.exec_per_sec = n;
        }
        if let Some(rest) = line.split("oom/timeout/crash:").nth(1) {
            self.crashes = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .split('/')
                .filter_map(|n| n.parse::<u64>().ok())
                .sum();
        }
    }

    /// Adds the numbers of one AFL++ instance's `fuzzer_stats` file.
    pub fn add_afl_stats(&mut self, path: &Path) {
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        let value = |key: &str| -> u64 {
            text.lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(k, _)| k.trim() == key)
                .and_then(|(_, v)| v.trim().split('.').next()?.parse().ok())
                .unwrap_or(0)
        };
        // The file's own rate is over its last interval, wild while the seeds calibrate;
        // executions over run time is what the run has done.
        let (execs, run_time) = (value("execs_done"), value("run_time"));
        self.execs += execs;
        self.exec_per_sec += execs.checked_div(run_time).unwrap_or(0);
        self.cov = self.cov.max(value("edges_found"));
        self.corpus += value("corpus_count");
        self.crashes += value("saved_crashes") + value("saved_hangs");
    }
}

/// The number after `tag` in `line`.
pub fn number_after(line: &str, tag: &str) -> Option<u64> {
    let rest = &line[line.find(tag)? + tag.len()..];
    rest.trim_start()
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// 1234567 as `1.2M`.
fn human(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{:.1}k", n as f64 / 1e3),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libfuzzer_lines() {
        let mut s = Snapshot::default();
        s.read_libfuzzer_line(
            "#4096\tpulse  cov: 812 ft: 2301 corp: 390/61Kb exec/s: 2048 rss: 61Mb",
        );
        assert_eq!(
            (s.execs, s.cov, s.corpus, s.exec_per_sec),
            (4096, 812, 390, 2048)
        );
        s.read_libfuzzer_line("#81234: cov: 900 ft: 2500 corp: 401 exec/s: 7000 oom/timeout/crash: 0/1/2 time: 12s job: 3 dft_time: 0");
        assert_eq!((s.execs, s.cov, s.corpus, s.crashes), (81234, 900, 401, 3));
        s.read_libfuzzer_line("stat::number_of_executed_units: 90000");
        s.read_libfuzzer_line("INFO: Seed: 1234 cov: 5");
        assert_eq!((s.execs, s.cov), (90000, 900));
    }

    #[test]
    fn afl_stats() {
        let dir = std::env::temp_dir().join(format!("xtask-afl-stats-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("fuzzer_stats");
        std::fs::write(
            &path,
            "run_time          : 10\nexecs_done        : 5000\nexecs_per_sec     : 99812.50\ncorpus_count      : 40\n\
             saved_crashes     : 1\nsaved_hangs       : 0\nedges_found       : 300\n",
        )
        .expect("write");
        let mut s = Snapshot::default();
        s.add_afl_stats(&path);
        s.add_afl_stats(&path);
        assert_eq!(
            (s.execs, s.exec_per_sec, s.corpus, s.crashes, s.cov),
            (10000, 1000, 80, 2, 300)
        );
        let _ = std::fs::remove_dir_all(dir);
        assert_eq!(human(1_234_567), "1.2M");
    }
}
