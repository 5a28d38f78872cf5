//! `cargo xtask fuzz-bench`: what a fuzz campaign is worth at finding a bug nobody wrote a
//! test for, measured like a fuzzing paper (Klees et al. 2018; the S&P 2024 evaluation SoK;
//! Görz et al. 2023 for mutants as ground truth). A frozen, committed sample of mutants of
//! `core/` that survive the seed corpus (`sample`); independent trials of every survivor
//! under every configuration (`trial`, `config`), appended to a committed JSONL ledger that
//! resumes, shards (`--shard K/N`) and merges (`ledger`); `fuzz/BENCH.md` generated from
//! them with intervals, survival medians and paired tests (`report`, `stats`).

mod config;
mod ledger;
mod mutant;
mod reach;
mod report;
mod sample;
mod stats;
mod tree;
mod trial;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, bail, Context as _, Result};

use crate::base::git;
use crate::base::paths::{root, target_dir};
use ledger::Record;
use sample::{Drawn, Sample, Screen, Which};

/// Which part of the experiment to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Stage {
    /// Draw the sample (if none is committed) and screen it until enough survive the seeds.
    Sample,
    /// Run the pending trials of the survivors screened so far.
    Trials,
    /// Only write fuzz/BENCH.md from the sample and the ledger.
    Report,
    /// Sample, trials, report, in turn.
    All,
}

/// `cargo xtask fuzz-bench`.
#[derive(Debug, clap::Args)]
pub struct FuzzBenchArgs {
    /// Which stage to run.
    #[arg(long, value_enum, default_value_t = Stage::All)]
    stage: Stage,
    /// Only write fuzz/BENCH.md (the same as `--stage report`).
    #[arg(long)]
    report_only: bool,
    /// Which sample to screen or run trials on: the frozen one of the headline, or the
    /// held-out one (drawn at HEAD under its own --seed, none of the frozen sample's changes).
    #[arg(long, value_enum, default_value_t = Which::Frozen)]
    sample: Which,
    /// How many seed-survivors the sample screens for.
    #[arg(long, default_value_t = 40)]
    survivors: usize,
    /// The sample's seed; used only when a sample is drawn.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Draw a new sample at HEAD, replacing the committed one (its trials no longer count).
    #[arg(long)]
    resample: bool,
    /// Trials per survivor and configuration.
    #[arg(long, default_value_t = 3)]
    trials: u32,
    /// Core-seconds each trial may spend, across the targets that reach the mutant.
    #[arg(long, default_value_t = 120)]
    budget: u64,
    /// The configurations to run (repeatable; default: every one).
    #[arg(long = "config", value_name = "NAME")]
    configs: Vec<String>,
    /// Only the survivors of this shard, `K/N` (the i-th survivor is in shard i mod N + 1).
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Start no new screen or mutant after this many minutes; the rest resumes next time.
    #[arg(long, value_name = "M")]
    minutes: Option<f64>,
    /// Where trials are appended (default: the committed fuzz/bench/ledger.jsonl); a shard
    /// on another machine writes its own and merges it back with --merge.
    #[arg(long, value_name = "FILE")]
    ledger: Option<PathBuf>,
    /// Merge these shard ledgers into the committed one, then report.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    merge: Vec<PathBuf>,
}

/// Runs the bench; the exit code.
pub fn run(args: &FuzzBenchArgs) -> i32 {
    match bench(args) {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("fuzz-bench: {error:#}");
            1
        }
    }
}

/// `K/N` as (K, N), 1 ≤ K ≤ N.
fn parse_shard(text: &str) -> Result<(usize, usize)> {
    let (k, n) = text
        .split_once('/')
        .with_context(|| format!("--shard {text}: expected K/N"))?;
    let (k, n): (usize, usize) = (
        k.parse()
            .map_err(|_| anyhow!("--shard {text}: K is not a number"))?,
        n.parse()
            .map_err(|_| anyhow!("--shard {text}: N is not a number"))?,
    );
    if k == 0 || n == 0 || k > n {
        bail!("--shard {text}: need 1 <= K <= N");
    }
    Ok((k, n))
}

fn bench(args: &FuzzBenchArgs) -> Result<()> {
    let root = root();
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    // Each shard has its own checkout and builds, so shards run side by side on one
    // machine as well as on several.
    let part = match shard {
        Some((k, n)) => format!("shard-{k}-of-{n}"),
        None => "whole".to_string(),
    };
    let out = target_dir().join("fuzz-bench").join(match args.sample {
        Which::Frozen => part,
        held_out => format!("{}-{part}", held_out.name()),
    });
    std::fs::create_dir_all(&out)?;
    let committed = ledger::default_path(&root);
    let stage = if args.report_only {
        Stage::Report
    } else {
        args.stage
    };
    if !args.merge.is_empty() {
        let mut all = vec![ledger::read(&committed)?];
        for file in &args.merge {
            all.push(ledger::read(file)?);
        }
        let merged = ledger::merge(all);
        ledger::write(&committed, &merged)?;
        println!(
            "merged {} ledgers into {}",
            args.merge.len(),
            committed.display()
        );
        return write_report(&root, args);
    }
    let started = Instant::now();
    let out_of_time = || {
        args.minutes
            .is_some_and(|m| started.elapsed().as_secs_f64() > m * 60.0)
    };
    if matches!(stage, Stage::Sample | Stage::All) {
        screen_sample(&root, &out, args, &out_of_time)?;
    }
    if matches!(stage, Stage::Trials | Stage::All) && !out_of_time() {
        let sample =
            sample::read(&root, args.sample)?.context("no sample yet: run --stage sample first")?;
        run_trials(&out, args, &sample, shard, &out_of_time, &committed)?;
    }
    write_report(&root, args)
}

/// Draws the sample if needed and screens it until enough survive, writing it after each.
fn screen_sample(
    root: &Path,
    out: &Path,
    args: &FuzzBenchArgs,
    out_of_time: &dyn Fn() -> bool,
) -> Result<()> {
    let which = args.sample;
    // The two samples stay disjoint: the held-out sample draws none of the frozen sample's
    // changes, and either, drawing on, none of the other's.
    let other = match which {
        Which::Frozen => sample::read(root, Which::HeldOut)?,
        Which::HeldOut => Some(
            sample::read(root, Which::Frozen)?
                .context("the held-out sample is drawn beside a frozen one: draw that first")?,
        ),
    };
    let others: Vec<&Sample> = other.iter().collect();
    let mut sample = match sample::read(root, which)? {
        Some(sample) if !args.resample => sample,
        _ => {
            let head = git::head()?;
            let order =
                sample::held_out_from(sample::stratified(sample::list(root)?, args.seed), &others);
            // Six times the survivors wanted: the seeds have killed three in four so far.
            let drawn = order
                .into_iter()
                .take(args.survivors * 6)
                .map(|mutant| Drawn {
                    mutant,
                    screen: None,
                })
                .collect();
            let sample = Sample {
                commit: head,
                seed: args.seed,
                wanted: args.survivors,
                screen: sample::SCREEN.into(),
                drawn,
            };
            sample::write(root, which, &sample)?;
            println!(
                "drew {} mutants at {} (seed {}), screening for {} survivors",
                sample.drawn.len(),
                &sample.commit[..7],
                sample.seed,
                sample.wanted
            );
            sample
        }
    };
    let equivalent = ledger::equivalent_mutants(&ledger::read(&ledger::default_path(root))?);
    if sample.standing(&equivalent) >= sample.wanted {
        return Ok(());
    }
    let tree = tree::Tree::open(out, &sample.commit)?;
    if sample.complete(&equivalent) {
        // Every drawn mutant screened and too few survive: draw on, in the same seeded
        // order, listed at the sample's commit.
        let drawn: BTreeSet<String> = sample.drawn.iter().map(|d| d.mutant.name.clone()).collect();
        let order = sample::stratified(sample::list(tree.dir())?, sample.seed);
        let more: Vec<Drawn> = sample::held_out_from(order, &others)
            .into_iter()
            .filter(|m| !drawn.contains(&m.name))
            .take(sample.wanted * 6)
            .map(|mutant| Drawn {
                mutant,
                screen: None,
            })
            .collect();
        println!("drawing {} more mutants in the sample's order", more.len());
        sample.drawn.extend(more);
        sample::write(root, which, &sample)?;
    }
    println!(
        "the screen's control: the unmutated core at {}",
        &sample.commit[..7]
    );
    sample::control(&tree)?;
    let total = sample.drawn.len();
    for index in 0..total {
        if sample.complete(&equivalent) || out_of_time() {
            break;
        }
        if sample.drawn[index].screen.is_some() {
            continue;
        }
        let verdict = sample::screen(&tree, &sample.drawn[index].mutant)?;
        sample.drawn[index].screen = Some(verdict);
        sample::write(root, which, &sample)?;
        let (screened, _, _, _) = sample.counts();
        println!(
            "[screened {screened}/{total}, survivors not argued equivalent {}/{}] {}: {}",
            sample.standing(&equivalent),
            sample.wanted,
            sample.drawn[index].mutant.name,
            match verdict {
                Screen::Survives => "survives the seeds",
                Screen::Killed => "killed by the seeds",
                Screen::Unviable => "unviable",
            }
        );
    }
    Ok(())
}

/// Runs every pending trial of the survivors (of this shard), appending to the ledger.
fn run_trials(
    out: &Path,
    args: &FuzzBenchArgs,
    sample: &Sample,
    shard: Option<(usize, usize)>,
    out_of_time: &dyn Fn() -> bool,
    committed: &Path,
) -> Result<()> {
    let configs: Vec<config::Config> = if args.configs.is_empty() {
        config::CONFIGS.to_vec()
    } else {
        args.configs
            .iter()
            .map(|name| config::named(name))
            .collect::<Result<_, _>>()?
    };
    let ledger_path = args
        .ledger
        .clone()
        .unwrap_or_else(|| committed.to_path_buf());
    let mut known = ledger::read(committed)?;
    if ledger_path != committed {
        known.extend(ledger::read(&ledger_path)?);
    }
    let equivalent = ledger::equivalent_mutants(&known);
    let mut done: BTreeSet<(String, String, u32)> =
        ledger::trials(&known).map(ledger::Trial::key).collect();
    let survivors: Vec<&sample::Mutant> = sample
        .survivors()
        .into_iter()
        .enumerate()
        .filter(|(i, _)| shard.is_none_or(|(k, n)| i % n == k - 1))
        .map(|(_, m)| m)
        .filter(|m| !equivalent.contains(&m.name))
        .collect();
    let head = git::head()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let engine = trial::engine_versions();
    let mut all_targets: Vec<&str> = survivors
        .iter()
        .filter_map(|m| reach::reach(&m.file))
        .flat_map(|reaching| configs.iter().flat_map(move |c| c.targets(reaching)))
        .collect();
    all_targets.sort_unstable();
    all_targets.dedup();
    // One checkout (and its builds) per harness commit the configurations name.
    let mut harnesses: Vec<String> = configs
        .iter()
        .map(|c| c.harness.map_or(head.clone(), str::to_string))
        .collect();
    harnesses.sort();
    harnesses.dedup();
    let mut benches = Vec::new();
    for commit in &harnesses {
        let tree = tree::Tree::open(&out.join(&commit[..7]), commit)?;
        benches.push((commit.clone(), tree));
    }
    let benches: Vec<(String, trial::Bench<'_>)> = benches
        .iter()
        .map(|(commit, tree)| {
            (
                commit.clone(),
                trial::Bench {
                    tree,
                    commit: commit.clone(),
                    budget: args.budget as f64,
                    cores,
                    engine: engine.clone(),
                    seed_coverage: Default::default(),
                },
            )
        })
        .collect();
    if !all_targets.is_empty() {
        for (commit, bench) in &benches {
            println!(
                "building the unmutated targets of {} for coverage: {}",
                &commit[..7],
                all_targets.join(", ")
            );
            bench.build_baseline(&all_targets)?;
        }
    }
    for (index, mutant) in survivors.iter().enumerate() {
        if out_of_time() {
            println!("time is up: the rest resumes on the next run");
            break;
        }
        let label = format!("[{}/{}]", index + 1, survivors.len());
        for (commit, bench) in &benches {
            let pending: Vec<(config::Config, u32)> = configs
                .iter()
                .filter(|c| c.harness.unwrap_or(&head) == commit.as_str())
                .flat_map(|c| (1..=args.trials).map(move |t| (*c, t)))
                .filter(|(c, t)| !done.contains(&(mutant.name.clone(), c.name.to_string(), *t)))
                .collect();
            if pending.is_empty() {
                continue;
            }
            println!(
                "{label} {} at {} ({} trials pending)",
                mutant.name,
                &commit[..7],
                pending.len()
            );
            let mut record = |trial: ledger::Trial| {
                done.insert(trial.key());
                ledger::append(&ledger_path, &Record::Trial(trial))
            };
            bench.run_mutant(mutant, &pending, &label, &mut record)?;
        }
    }
    Ok(())
}

/// Writes fuzz/BENCH.md from the committed sample and ledger.
fn write_report(root: &Path, args: &FuzzBenchArgs) -> Result<()> {
    let Some(sample) = sample::read(root, Which::Frozen)? else {
        bail!("no sample yet: run --stage sample first");
    };
    let held_out = sample::read(root, Which::HeldOut)?;
    let records = ledger::read(&ledger::default_path(root))?;
    let mut text = report::render(
        &sample,
        held_out.as_ref(),
        &records,
        args.trials,
        args.budget as f64,
    );
    let mut earlier: Vec<String> = std::fs::read_dir(root.join("fuzz/bench"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default();
    earlier.sort();
    if !earlier.is_empty() {
        text.push_str(
            "\n## Earlier runs\n\nBefore the frozen sample: one trial per mutant and engine, no interval. Kept whole:\n\n",
        );
        for name in earlier {
            text.push_str(&format!("- [`fuzz/bench/{name}`](bench/{name})\n"));
        }
    }
    let path = root.join("fuzz/BENCH.md");
    std::fs::write(&path, text)?;
    println!("{}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_k_of_n() {
        assert_eq!(parse_shard("2/5").ok(), Some((2, 5)));
        assert!(parse_shard("0/5").is_err());
        assert!(parse_shard("6/5").is_err());
        assert!(parse_shard("x").is_err());
    }
}
