//! One mutant's trials: the mutant applied to the bench's checkout, the targets that reach
//! its file built once, then each pending (configuration, trial) fuzzed from a fresh
//! scratch corpus of the seeds with its own fuzzer seed, the budget split evenly over the
//! targets, which run one after another until the first crash. Whether the mutated line
//! was executed comes from libFuzzer's coverage of the unmutated build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, Result};

use super::config::Config;
use super::ledger::Trial;
use super::mutant::Mutant;
use super::reach;
use super::tree::Tree;
use crate::base::process::cmd;
use crate::base::sha1_hex;
use crate::engines::libfuzzer::{self, Binary};
use crate::engines::progress::Progress;
use crate::engines::{Engine, Job};

/// The unmutated, unoptimised build whose coverage says what a run reached.
const COVERAGE_BUILD: &str = "target-coverage";

/// What every trial of a run shares.
pub struct Bench<'a> {
    /// The checkout the mutants are applied to.
    pub tree: &'a Tree,
    /// The commit it is at.
    pub commit: String,
    /// Core-seconds per trial, across the targets.
    pub budget: f64,
    /// The machine's cores, for the record.
    pub cores: usize,
    /// The engine and toolchain versions, for the record ([`engine_versions`]).
    pub engine: String,
    /// Each target's lines reached by its seeds on the unmutated build, filled on first use.
    pub seed_coverage: std::cell::RefCell<BTreeMap<String, Option<reach::Coverage>>>,
}

/// The engine as a trial records it: libFuzzer's build mode, the toolchain that built it
/// (libFuzzer ships with it) and cargo-fuzz.
pub fn engine_versions() -> String {
    let version = |program: &str, args: &[&str]| {
        cmd(program)
            .args(args)
            .read()
            .ok()
            .map(|out| out.trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "unknown".into())
    };
    let rustc = if libfuzzer::nightly() {
        version("rustc", &["+nightly", "--version"])
    } else {
        version("rustc", &["--version"])
    };
    format!(
        "libFuzzer ({}), {rustc}, {}",
        libfuzzer::description(),
        version("cargo", &["fuzz", "--version"])
    )
}

/// The fuzzer seed of a trial: fixed by the mutant, configuration and number, so a rerun
/// of the same trial is the same experiment, and distinct between trials.
pub fn fuzzer_seed(mutant: &str, config: &str, trial: u32) -> u64 {
    let digest = sha1_hex(format!("{mutant}\n{config}\n{trial}").as_bytes());
    // libFuzzer takes an unsigned 32-bit seed; 0 means "pick one".
    u64::from(u32::from_str_radix(&digest[..8], 16).unwrap_or(1).max(1))
}

impl Bench<'_> {
    fn binaries(&self, name: &str) -> PathBuf {
        self.tree.scratch(name)
    }

    fn binary(&self, build: &str, binary: Binary) -> PathBuf {
        libfuzzer::binary_in(&self.binaries(build), binary, build == COVERAGE_BUILD)
    }

    /// The unmutated coverage build of `target` (with AddressSanitizer, as every
    /// configuration but one runs it; coverage does not depend on it).
    fn coverage_binary(&self, target: &str) -> PathBuf {
        self.binary(COVERAGE_BUILD, (target, true))
    }

    /// Builds the unmutated targets for coverage once per run (unoptimised, so functions
    /// keep their own lines), into a target folder of their own, so the mutants' builds
    /// never invalidate them.
    pub fn build_baseline(&self, targets: &[&str]) -> Result<()> {
        self.tree.reset();
        let binaries: Vec<Binary> = targets.iter().map(|&target| (target, true)).collect();
        libfuzzer::build_in(
            &self.tree.dir().join("fuzz"),
            &self.binaries(COVERAGE_BUILD),
            &binaries,
            true,
        )
    }

    /// Whether `target`'s seeds execute `mutant`'s line on the unmutated build.
    fn reached_by_seeds(&self, target: &str, mutant: &Mutant) -> Option<bool> {
        let mut cache = self.seed_coverage.borrow_mut();
        let lines = cache.entry(target.to_string()).or_insert_with(|| {
            let seeds = self.tree.dir().join("corpus").join(target);
            reach::covered_lines(
                &self.coverage_binary(target),
                &[&seeds],
                Duration::from_secs(600),
            )
        });
        lines
            .as_ref()
            .and_then(|lines| lines.reached(&line_key(mutant)))
    }

    /// Runs every pending (configuration, trial) of `mutant`; returns the records, or
    /// `None` when the mutant does not apply or build at this commit.
    pub fn run_mutant(
        &self,
        mutant: &Mutant,
        pending: &[(Config, u32)],
        label: &str,
        record: &mut dyn FnMut(Trial) -> Result<()>,
    ) -> Result<Option<()>> {
        let reaching = reach::reach(&mutant.file)
            .with_context(|| format!("no targets reach {}", mutant.file))?;
        // Each configuration's binaries (one may fuzz a target in place of another, or
        // without AddressSanitizer), built together once.
        let mut binaries: Vec<Binary> = pending
            .iter()
            .flat_map(|(config, _)| config.binaries(reaching))
            .collect();
        binaries.sort_unstable();
        binaries.dedup();
        if !self.tree.apply(mutant)? {
            eprintln!(
                "  {label}: the patch does not apply at {}",
                short(&self.commit)
            );
            return Ok(None);
        }
        let built = libfuzzer::build_in(
            &self.tree.dir().join("fuzz"),
            &self.binaries("target-mutant"),
            &binaries,
            false,
        );
        if let Err(error) = built {
            eprintln!(
                "  {label}: does not build: {}",
                format!("{error:#}").lines().last().unwrap_or_default()
            );
            self.tree.reset();
            return Ok(None);
        }
        for &(config, number) in pending {
            let targets = config.targets(reaching);
            let seeds_reach: Vec<Option<bool>> = targets
                .iter()
                .map(|t| self.reached_by_seeds(t, mutant))
                .collect();
            let reached_by_seeds = combine(&seeds_reach);
            let trial = self.one_trial(mutant, &targets, config, number, reached_by_seeds)?;
            eprintln!(
                "  {label} {} #{number}: {}",
                config.name,
                match (&trial.by, trial.seconds) {
                    (Some(by), Some(s)) if trial.at_load =>
                        format!("killed by {by} while loading the seeds ({s:.1} core-s)"),
                    (Some(by), Some(s)) => format!("killed by {by} after {s:.1} core-s"),
                    _ => format!(
                        "not killed in {:.0} core-s (reached: {})",
                        trial.budget,
                        trial.reached().map_or("unknown".into(), |r| r.to_string())
                    ),
                }
            );
            record(trial)?;
        }
        self.tree.reset();
        Ok(Some(()))
    }

    fn one_trial(
        &self,
        mutant: &Mutant,
        targets: &[&str],
        config: Config,
        number: u32,
        reached_by_seeds: Option<bool>,
    ) -> Result<Trial> {
        let seed = fuzzer_seed(&mutant.name, config.name, number);
        let per_target = (self.budget / targets.len() as f64).floor().max(1.0) as u64;
        let mut spent = 0.0;
        let mut killed = None;
        let mut run_reach = Vec::new();
        for target in targets {
            let work = self.binaries("work").join(target);
            let artifacts = self.binaries("artifacts").join(target);
            for dir in [&work, &artifacts] {
                let _ = std::fs::remove_dir_all(dir);
            }
            let log = self.binaries("logs").join(format!("{target}.log"));
            let mut extra = vec![format!("-seed={seed}")];
            extra.extend(config.flags.iter().map(|f| f.to_string()));
            let job = Job {
                target: target.to_string(),
                program: self.binary("target-mutant", (target, config.sanitized(target))),
                seeds: vec![self.tree.dir().join("corpus").join(target)],
                work: work.clone(),
                artifacts,
                seconds: per_target,
                jobs: 1,
                keep_going: false,
                log: log.clone(),
                extra,
            };
            let mut progress = Progress::begin(
                target,
                &format!("{} #{number}", config.name),
                0,
                0,
                per_target,
            );
            let outcome = Engine::Libfuzzer.run(&job, &mut progress)?;
            progress.finish(&outcome.snapshot);
            match (outcome.first_crash, outcome.artifacts.is_empty()) {
                (Some(time), false) => {
                    self.confirm_kill(target, &outcome.artifacts)?;
                    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
                    killed = Some((
                        target.to_string(),
                        spent + time,
                        crashed_while_loading(&log_text),
                    ));
                    break;
                }
                _ => {
                    spent += per_target as f64;
                    run_reach.push(self.reached_in_run(target, &work, mutant));
                }
            }
        }
        Ok(Trial {
            mutant: mutant.name.clone(),
            config: config.name.to_string(),
            trial: number,
            seed,
            killed: killed.is_some(),
            seconds: killed.as_ref().map(|k| k.1),
            at_load: killed.as_ref().is_some_and(|k| k.2),
            by: killed.as_ref().map(|k| k.0.clone()),
            reached_by_seeds,
            // A kill executes the line; otherwise every target's final corpus is asked.
            reached_in_run: if killed.is_some() {
                Some(true)
            } else {
                combine(&run_reach)
            },
            budget: self.budget,
            targets: targets.iter().map(|t| t.to_string()).collect(),
            commit: self.commit.clone(),
            engine: self.engine.clone(),
            cores: self.cores,
        })
    }

    /// A kill counts only when the input passes the unmutated harness: one that fails it
    /// too is a fault of the harness (an oracle that is wrong), which would "kill" every
    /// mutant alike. Such an input stops the run, kept for triage; the trial reruns once
    /// the oracle is fixed.
    fn confirm_kill(&self, target: &str, artifacts: &[PathBuf]) -> Result<()> {
        for artifact in artifacts {
            let replay = cmd(self.coverage_binary(target))
                .args(crate::engines::targets::flags(target, false))
                // Generous: the unmutated build is unoptimised, and a hang must be its own.
                .arg("-timeout=60")
                .arg("-runs=1")
                .arg(artifact)
                .timeout(Duration::from_secs(300))
                .output()?;
            if !replay.success {
                let kept = self.binaries("harness-faults").join(target);
                std::fs::create_dir_all(&kept)?;
                let name = artifact.file_name().context("an artifact has a name")?;
                std::fs::copy(artifact, kept.join(name))?;
                anyhow::bail!(
                    "{} also fails the unmutated {target} ({}): a fault of the harness, not a \
                     kill; the input is kept in {}. Fix the oracle (`cargo xtask triage` reads \
                     it), then rerun: the trial is not recorded.",
                    artifact.display(),
                    replay.ending(),
                    kept.display()
                );
            }
        }
        Ok(())
    }

    /// Whether the corpus a trial left in `work` executes the mutant's line (on the
    /// unmutated build).
    fn reached_in_run(&self, target: &str, work: &Path, mutant: &Mutant) -> Option<bool> {
        reach::covered_lines(
            &self.coverage_binary(target),
            &[work],
            Duration::from_secs(600),
        )
        .and_then(|lines| lines.reached(&line_key(mutant)))
    }
}

/// `file:line` below `core/src/`, as [`reach::parse_coverage`] keys lines.
fn line_key(mutant: &Mutant) -> String {
    format!(
        "{}:{}",
        mutant.file.trim_start_matches("core/src/"),
        mutant.line
    )
}

/// Reached by any: `true` if one says so, `false` if all say not, else unknown.
fn combine(parts: &[Option<bool>]) -> Option<bool> {
    if parts.contains(&Some(true)) {
        Some(true)
    } else if !parts.is_empty() && parts.iter().all(|p| *p == Some(false)) {
        Some(false)
    } else {
        None
    }
}

/// Whether libFuzzer crashed before it finished loading the seeds (no `INITED` line before
/// the crash report): an existing input killed the mutant, not one the fuzzer made.
pub fn crashed_while_loading(log: &str) -> bool {
    let crash = ["==ERROR", "deadly signal", "panicked at"]
        .iter()
        .filter_map(|marker| log.find(marker))
        .min();
    match (log.find("INITED"), crash) {
        (Some(inited), Some(crash)) => crash < inited,
        (None, Some(_)) => true,
        _ => false,
    }
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(7)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trial_seeds_are_fixed_and_distinct() {
        let a = fuzzer_seed("m", "libfuzzer", 1);
        assert_eq!(a, fuzzer_seed("m", "libfuzzer", 1));
        assert_ne!(a, fuzzer_seed("m", "libfuzzer", 2));
        assert_ne!(a, fuzzer_seed("m", "libfuzzer-value-profile", 1));
        assert!(a >= 1 && a <= u64::from(u32::MAX));
    }

    #[test]
    fn a_crash_before_inited_is_a_kill_while_loading() {
        assert!(crashed_while_loading(
            "INFO: Loaded 1 modules\nthread '<unnamed>' panicked at x\n==1==ERROR: deadly signal\n"
        ));
        assert!(!crashed_while_loading(
            "#2 INITED cov: 10\n#99 NEW\nthread panicked at x\n==ERROR"
        ));
        assert!(!crashed_while_loading("#2 INITED cov: 10\nDone 100 runs"));
    }

    #[test]
    fn reach_combines_targets() {
        assert_eq!(combine(&[Some(false), Some(true)]), Some(true));
        assert_eq!(combine(&[Some(false), Some(false)]), Some(false));
        assert_eq!(combine(&[Some(false), None]), None);
        assert_eq!(combine(&[]), None);
    }
}
