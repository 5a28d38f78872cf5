//! `cargo xtask fuzz`: the fuzz campaign (the README's main command) over every target with
//! one engine or both, live progress, and the corpus tools (replay, merge, minimize,
//! coverage, import).

pub mod import;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Result};

use crate::base::paths::target_dir;
use crate::engines::job::count_files;
use crate::engines::progress::Progress;
use crate::engines::targets::{
    artifacts_dir, corpus_dir, regressions_dir, seeds, target_name, targets,
};
use crate::engines::{libfuzzer, Engine, Job, RunOutcome};
use crate::triage::inspect_line;

/// Which engines a campaign runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineChoice {
    /// libFuzzer through cargo-fuzz.
    Libfuzzer,
    /// AFL++ through cargo-afl.
    Afl,
    /// Both, one after the other on each target, each with the whole time.
    Both,
}

impl EngineChoice {
    /// The engines, in the order they run.
    pub fn engines(self) -> Vec<Engine> {
        match self {
            EngineChoice::Libfuzzer => vec![Engine::Libfuzzer],
            EngineChoice::Afl => vec![Engine::Afl],
            EngineChoice::Both => vec![Engine::Libfuzzer, Engine::Afl],
        }
    }
}

/// `cargo xtask fuzz`: a campaign over every target (or those named), or a corpus tool.
#[derive(Debug, clap::Args)]
pub struct FuzzArgs {
    /// A target to fuzz (repeatable; default: every target).
    #[arg(long = "target", value_name = "T", value_parser = target_name)]
    targets: Vec<String>,
    /// Seconds per target and engine.
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// Parallel workers per target: libFuzzer -fork=N, AFL++ one main and N-1 secondaries.
    #[arg(long, default_value_t = 1)]
    jobs: u32,
    /// The engine: libfuzzer, afl or both (same harnesses, seeds, dictionary, options).
    #[arg(long, value_enum, default_value_t = EngineChoice::Libfuzzer)]
    engine: EngineChoice,
    /// Go on past crashes, timeouts and OOMs, collecting them all, for the whole time.
    #[arg(long)]
    keep_going: bool,
    /// Afterwards, add the new coverage-increasing inputs to `corpus/<target>/`.
    #[arg(long)]
    merge: bool,
    /// Run every corpus and regression file through every target once, and nothing else.
    #[arg(long, conflicts_with_all = ["minimize", "coverage", "import"])]
    replay: bool,
    /// Rewrite `corpus/<target>/` as libFuzzer's -merge=1 minimum of itself.
    #[arg(long, conflicts_with_all = ["coverage", "import"])]
    minimize: bool,
    /// Line coverage of core/ from the committed corpus (table and HTML).
    #[arg(long, conflicts_with = "import")]
    coverage: bool,
    /// Bring home another machine's results: a directory or zip (ClusterFuzzLite, OSS-Fuzz,
    /// `cargo xtask fuzz` elsewhere); corpus merged into `corpus/<target>/`, crashes triaged.
    #[arg(long, value_name = "DIR|ZIP")]
    import: Option<PathBuf>,
}

/// `cargo fuzz cmin` on the committed corpus of `target`, refusing a result that kept
/// nothing (cmin exits 0 even when its merge failed).
fn minimize(target: &str) -> Result<()> {
    let corpus = corpus_dir(target);
    let (before, before_bytes) = count_files(&corpus);
    let keep = target_dir().join("fuzz-minimize").join(target);
    let _ = std::fs::remove_dir_all(&keep);
    std::fs::create_dir_all(&keep)?;
    for entry in std::fs::read_dir(&corpus)?.filter_map(Result::ok) {
        std::fs::copy(entry.path(), keep.join(entry.file_name()))?;
    }
    libfuzzer::minimize_corpus(target, &corpus)?;
    let (after, after_bytes) = count_files(&corpus);
    if after == 0 {
        let _ = std::fs::remove_dir_all(&corpus);
        std::fs::rename(&keep, &corpus)?;
        bail!("{target}: cargo fuzz cmin kept nothing; the corpus is left as it was");
    }
    println!("{target:<22} {before:>5} files {before_bytes:>8} B  ->  {after:>5} files {after_bytes:>8} B");
    Ok(())
}

fn replay(targets: &[String]) -> Result<()> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for target in self::targets() {
        for dir in [corpus_dir(&target), regressions_dir(&target)] {
            if dir.is_dir() {
                dirs.push(dir);
            }
        }
    }
    let mut failed = Vec::new();
    for target in targets {
        let (inputs, ok, log) = libfuzzer::replay(target, &dirs)?;
        println!(
            "{target:<22} replayed {inputs} inputs: {}",
            if ok { "ok" } else { "FAILED" }
        );
        if !ok {
            for line in log
                .lines()
                .filter(|l| {
                    l.contains("panicked") || l.contains("ERROR") || l.contains("Test unit written")
                })
                .take(10)
            {
                eprintln!("  {line}");
            }
            failed.push(target.clone());
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        bail!("replay failed for {}", failed.join(", "))
    }
}

/// One row of the campaign table.
struct Row {
    target: String,
    engine: Engine,
    outcome: RunOutcome,
}

/// Runs the command; prints the summary table; the exit code.
pub fn run(args: &FuzzArgs) -> i32 {
    match campaign(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("fuzz: {error:#}");
            1
        }
    }
}

fn campaign(args: &FuzzArgs) -> Result<i32> {
    let targets = if args.targets.is_empty() {
        targets()
    } else {
        args.targets.clone()
    };
    if args.coverage {
        libfuzzer::build(&args.targets)?;
        crate::coverage::run(&targets, libfuzzer::nightly())?;
        return Ok(0);
    }
    if args.replay {
        libfuzzer::build(&args.targets)?;
        replay(&targets)?;
        return Ok(0);
    }
    if args.minimize {
        libfuzzer::build(&args.targets)?;
        for target in &targets {
            minimize(target)?;
        }
        return Ok(0);
    }
    if let Some(source) = &args.import {
        libfuzzer::build(&args.targets)?;
        return import::run(source);
    }
    let engines = args.engine.engines();
    for engine in &engines {
        engine.build(&args.targets)?;
    }
    if args.merge && !engines.contains(&Engine::Libfuzzer) {
        // The merge is libFuzzer's -merge=1, whatever engine found the inputs.
        libfuzzer::build(&args.targets)?;
    }
    let started = Instant::now();
    let total = targets.len() * engines.len();
    let mut rows = Vec::new();
    for (index, (target, engine)) in targets
        .iter()
        .flat_map(|t| engines.iter().map(move |e| (t, *e)))
        .enumerate()
    {
        let job = Job {
            target: target.clone(),
            program: engine.program(target),
            seeds: seeds(target),
            work: target_dir()
                .join("fuzz-scratch")
                .join(engine.name())
                .join(target),
            artifacts: artifacts_dir(target),
            seconds: args.seconds,
            jobs: args.jobs,
            keep_going: args.keep_going,
            log: target_dir()
                .join("fuzz-logs")
                .join(format!("{target}.{}.log", engine.name())),
            extra: Vec::new(),
        };
        let mut progress = Progress::begin(target, engine.name(), index + 1, total, args.seconds);
        let outcome = match engine.run(&job, &mut progress) {
            Ok(outcome) => outcome,
            Err(error) => {
                eprintln!("{target} ({}): {error:#}", engine.name());
                RunOutcome::default()
            }
        };
        progress.finish(&outcome.snapshot);
        if args.merge {
            libfuzzer::merge(target, &corpus_dir(target), std::slice::from_ref(&job.work))?;
        }
        rows.push(Row {
            target: target.clone(),
            engine,
            outcome,
        });
    }
    Ok(report(&rows, args, started.elapsed().as_secs_f64()))
}

/// Prints the campaign table and every artifact with its replay, inspect and triage
/// lines; the exit code (1 on any crash or engine failure).
fn report(rows: &[Row], args: &FuzzArgs, seconds: f64) -> i32 {
    println!();
    println!("| target | engine | execs | exec/s | cov | corpus | crashes | first crash |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut bad = false;
    for row in rows {
        let s = &row.outcome.snapshot;
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            row.target,
            row.engine.name(),
            s.execs,
            s.exec_per_sec,
            s.cov,
            s.corpus,
            row.outcome.artifacts.len(),
            row.outcome
                .first_crash
                .map_or("-".to_string(), |t| format!("{t:.1} s"))
        );
        bad |= !row.outcome.exit_ok || !row.outcome.artifacts.is_empty();
    }
    println!();
    println!(
        "{} runs, {} s each, {} job(s), libFuzzer {}{}, {:.0} s in all",
        rows.len(),
        args.seconds,
        args.jobs,
        libfuzzer::description(),
        if libfuzzer::nightly() {
            format!(" ({} without it)", libfuzzer::UNSANITIZED.join(", "))
        } else {
            String::new()
        },
        seconds
    );
    for row in rows {
        let target = &row.target;
        for artifact in &row.outcome.artifacts {
            println!(
                "ARTIFACT {target} ({}): {}",
                row.engine.name(),
                artifact.display()
            );
            println!("  replay:  cargo fuzz run {target} {}", artifact.display());
            println!("  inspect: {}", inspect_line(target, artifact));
        }
        if !row.outcome.exit_ok && row.outcome.artifacts.is_empty() {
            println!(
                "FAILED {target} ({}): see {}",
                row.engine.name(),
                target_dir()
                    .join("fuzz-logs")
                    .join(format!("{target}.{}.log", row.engine.name()))
                    .display()
            );
        }
    }
    if rows.iter().any(|r| !r.outcome.artifacts.is_empty()) {
        println!("triage them all: cargo xtask triage");
    }
    i32::from(bad)
}
