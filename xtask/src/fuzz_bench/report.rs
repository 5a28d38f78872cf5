//! `fuzz/BENCH.md`, generated from the frozen sample and the ledger: the headline line a
//! script reads, the baseline beside it, each configuration's share killed with its Wilson
//! interval, Kaplan-Meier median and reach, the paired comparisons, and every survivor.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::config::{BASELINE, CONFIGS, MAIN_JOB};
use super::ledger::{self, Record, Trial};
use super::sample::Sample;
use super::stats;

/// What one configuration's trials come to, over the mutants whose trials are complete.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Survivors with every planned trial run.
    pub survivors: usize,
    /// Trials per survivor.
    pub trials: u32,
    /// The budget, core-seconds.
    pub budget: f64,
    /// Trials that killed their mutant.
    pub killed: u64,
    /// Of those, kills while the seeds loaded (an oracle newer than the sample's screen).
    pub killed_at_load: u64,
    /// Trials run (survivors × trials).
    pub runs: u64,
    /// The 95 % Wilson interval of the killed share.
    pub interval: (f64, f64),
    /// The Kaplan-Meier median time to kill, censored at the budget.
    pub median: Option<f64>,
    /// Survivors reached (by the seeds or a run) but killed by no trial.
    pub reached_not_killed: usize,
}

impl Summary {
    /// The line in the form the README promises, `label: S seed-survivors, ...`.
    pub fn line(&self, label: &str) -> String {
        let share = if self.runs == 0 {
            0.0
        } else {
            100.0 * self.killed as f64 / self.runs as f64
        };
        let median = self
            .median
            .map_or(format!(">{:.0} s", self.budget), |m| format!("{m:.1} s"));
        let rnk = if self.survivors == 0 {
            0.0
        } else {
            100.0 * self.reached_not_killed as f64 / self.survivors as f64
        };
        format!(
            "{label}: {} seed-survivors, {} trials, {:.0} core-s budget: {}/{} trials killed ({share:.0} % [{:.0}-{:.0} %] 95 % Wilson), KM median {median}, reached-not-killed {}/{} ({rnk:.0} %)",
            self.survivors,
            self.trials,
            self.budget,
            self.killed,
            self.runs,
            100.0 * self.interval.0,
            100.0 * self.interval.1,
            self.reached_not_killed,
            self.survivors,
        )
    }
}

/// The trials of `config` by mutant, for the survivors not argued equivalent.
fn by_mutant<'a>(
    trials: &[&'a Trial],
    config: &str,
    survivors: &BTreeSet<&str>,
) -> BTreeMap<String, Vec<&'a Trial>> {
    let mut out: BTreeMap<String, Vec<&Trial>> = BTreeMap::new();
    for trial in trials {
        if trial.config == config && survivors.contains(trial.mutant.as_str()) {
            out.entry(trial.mutant.clone()).or_default().push(trial);
        }
    }
    out
}

/// The summary of `config` over the survivors with all `planned` trials run.
pub fn summarize(
    trials: &[&Trial],
    config: &str,
    survivors: &BTreeSet<&str>,
    planned: u32,
    budget: f64,
) -> Summary {
    let complete: Vec<Vec<&Trial>> = by_mutant(trials, config, survivors)
        .into_values()
        .filter(|runs| {
            runs.iter().map(|t| t.trial).collect::<BTreeSet<_>>().len() >= planned as usize
        })
        .map(|mut runs| {
            runs.sort_by_key(|t| t.trial);
            runs.dedup_by_key(|t| t.trial);
            runs.truncate(planned as usize);
            runs
        })
        .collect();
    let all: Vec<&Trial> = complete.iter().flatten().copied().collect();
    let killed = all.iter().filter(|t| t.killed).count() as u64;
    let killed_at_load = all.iter().filter(|t| t.killed && t.at_load).count() as u64;
    let runs = all.len() as u64;
    let times: Vec<stats::Time> = all.iter().map(|t| t.seconds.filter(|_| t.killed)).collect();
    let reached_not_killed = complete
        .iter()
        .filter(|runs| {
            runs.iter().all(|t| !t.killed) && runs.iter().any(|t| t.reached() == Some(true))
        })
        .count();
    Summary {
        survivors: complete.len(),
        trials: planned,
        budget,
        killed,
        killed_at_load,
        runs,
        interval: stats::wilson(killed, runs, 0.95),
        median: stats::kaplan_meier_median(&times),
        reached_not_killed,
    }
}

/// A paired comparison of two configurations over the (mutant, trial) keys both ran.
pub fn paired(trials: &[&Trial], a: &str, b: &str, survivors: &BTreeSet<&str>) -> Option<String> {
    let index = |config: &str| -> BTreeMap<(String, u32), &Trial> {
        trials
            .iter()
            .filter(|t| t.config == config && survivors.contains(t.mutant.as_str()))
            .map(|t| ((t.mutant.clone(), t.trial), *t))
            .collect()
    };
    let (left, right) = (index(a), index(b));
    let keys: Vec<&(String, u32)> = left.keys().filter(|k| right.contains_key(*k)).collect();
    if keys.is_empty() {
        return None;
    }
    let (mut only_a, mut only_b, mut both) = (0u64, 0u64, 0u64);
    let (mut times_a, mut times_b) = (Vec::new(), Vec::new());
    for key in &keys {
        let (x, y) = (left[*key], right[*key]);
        match (x.killed, y.killed) {
            (true, true) => both += 1,
            (true, false) => only_a += 1,
            (false, true) => only_b += 1,
            (false, false) => {}
        }
        times_a.push(x.seconds.filter(|_| x.killed));
        times_b.push(y.seconds.filter(|_| y.killed));
    }
    let a12 = stats::a12(&times_a, &times_b).unwrap_or(0.5);
    Some(format!(
        "| {a} vs {b} | {} | {both} | {only_a} | {only_b} | {:.3} | {a12:.2} |",
        keys.len(),
        stats::mcnemar(only_a, only_b)
    ))
}

/// The survivors of `sample` not argued equivalent.
fn benched<'s>(sample: &'s Sample, equivalent: &BTreeMap<&str, &str>) -> BTreeSet<&'s str> {
    sample
        .survivors()
        .into_iter()
        .map(|m| m.name.as_str())
        .filter(|m| !equivalent.contains_key(m))
        .collect()
}

/// How many of `sample`'s survivors are argued equivalent (the ledger holds both samples').
fn argued_equivalent(sample: &Sample, equivalent: &BTreeMap<&str, &str>) -> usize {
    sample
        .survivors()
        .into_iter()
        .filter(|m| equivalent.contains_key(m.name.as_str()))
        .count()
}

/// The whole of `fuzz/BENCH.md`: the frozen sample's headline and baseline, the held-out
/// sample's line when one is drawn, then each sample's tables.
pub fn render(
    sample: &Sample,
    held_out: Option<&Sample>,
    records: &[Record],
    planned: u32,
    budget: f64,
) -> String {
    let equivalent: BTreeMap<&str, &str> = records
        .iter()
        .filter_map(|r| match r {
            Record::Equivalent { mutant, argument } => Some((mutant.as_str(), argument.as_str())),
            Record::Trial(_) => None,
        })
        .collect();
    let survivors = benched(sample, &equivalent);
    let trials: Vec<&Trial> = ledger::trials(records).collect();
    let main = summarize(&trials, MAIN_JOB, &survivors, planned, budget);
    let base = summarize(&trials, BASELINE, &survivors, planned, budget);
    let mut text = String::new();
    let _ = writeln!(text, "# The bug-finding benchmark\n");
    let _ = writeln!(text, "{}", main.line("headline"));
    let _ = writeln!(text, "{}", base.line("baseline"));
    let held = held_out.map(|h| {
        let survivors = benched(h, &equivalent);
        let main = summarize(&trials, MAIN_JOB, &survivors, planned, budget);
        (h, survivors, main)
    });
    if let Some((_, _, main)) = &held {
        let _ = writeln!(text, "{}", main.line("held-out"));
    }
    let _ = writeln!(text);
    let _ = writeln!(
        text,
        "The headline is the main job's configuration (`{MAIN_JOB}`), the baseline today's harness (`{BASELINE}`), over the \
         same frozen sample; each counts only the survivors whose {planned} trials are all in the ledger. \
         **Progress: {} of {} sampled survivors benched** (the sample asks for {} not argued equivalent).\n",
        main.survivors,
        survivors.len(),
        sample.wanted
    );
    if let Some((h, held_survivors, held_main)) = &held {
        let (screened, survive, _, _) = h.counts();
        let _ = writeln!(
            text,
            "The frozen sample's survivors drove the oracles and seeds written since it was drawn, so the headline \
             measures the harness on the bugs it was improved against. The **held-out** line is the main job on a \
             second sample that nobody looked at: drawn at `{}` under seed {}, none of the frozen sample's changes, \
             screened with that commit's seeds. **Progress: {} of {} held-out survivors benched**, from {screened} \
             mutants screened, {survive} surviving the seeds, {} of them not argued equivalent (it asks for {}). \
             See [the held-out sample](#the-held-out-sample).\n",
            short(&h.commit),
            h.seed,
            held_main.survivors,
            held_survivors.len(),
            held_survivors.len(),
            h.wanted
        );
    }
    let (screened, survive, killed, unviable) = sample.counts();
    let _ = writeln!(
        text,
        "## How it is measured\n\n\
         - **Sample** (`fuzz/bench/sample.json`, frozen at `{}`, seed {}): cargo-mutants' mutants of `core/` \
         (its exclusions applied), drawn in a seeded order stratified by file, each screened by `{}`. \
         Screened so far: {screened}; killed by the seeds: {killed}; unviable: {unviable}; surviving the seeds: {survive} \
         ({}); argued equivalent (in the ledger): {}.\n\
         - **Trials**: every survivor, every configuration, {planned} independent trials (the libFuzzer seed fixed by mutant, \
         configuration and trial number; a fresh scratch corpus from the seeds), {budget:.0} core-seconds each, split evenly \
         over the one or two targets that reach the mutated file, run one after another until the first crash. A crash \
         counts as a kill only once its input has passed the unmutated harness (replayed on the unmutated build); one \
         that fails it too is a fault of the harness, which stops the run instead of being counted.\n\
         - **Reached**: the mutated line executed by the seeds, or by the corpus a trial ended with (libFuzzer's \
         `-print_coverage=1` on the unmutated build). A kill **while loading the seeds** is an oracle newer than the screen, \
         not an input the fuzzer made; the tables count it as a kill and the every-mutant table says so.\n\
         - **Statistics**: the killed share with its 95 % Wilson interval; the Kaplan-Meier median time to kill, censored \
         at the budget; McNemar's exact test on paired kills and Vargha-Delaney Â12 on times (above 0.5: the first \
         configuration kills sooner).\n\
         - Made by `cargo xtask fuzz-bench` (`--stage sample|trials|report`, `--sample frozen|held-out`, `--shard K/N`, \
         `--merge`); the ledger is `fuzz/bench/ledger.jsonl`.\n",
        short(&sample.commit),
        sample.seed,
        sample.screen,
        survival(survive, killed),
        argued_equivalent(sample, &equivalent)
    );
    let commits: BTreeSet<&str> = trials.iter().map(|t| short(&t.commit)).collect();
    let engines: BTreeSet<&str> = trials.iter().map(|t| t.engine.as_str()).collect();
    let cores: BTreeSet<usize> = trials.iter().map(|t| t.cores).collect();
    let _ = writeln!(
        text,
        "Trials ran at {} with {}, on machines of {} cores.\n",
        join(commits.iter().map(|c| format!("`{c}`"))),
        join(engines.iter().map(|e| e.to_string())),
        join(cores.iter().map(|c| c.to_string()))
    );
    let _ = writeln!(text, "## Configurations\n");
    text.push_str(&configurations(&trials, &survivors, planned, budget));
    let _ = writeln!(text, "\n## Paired comparisons\n");
    text.push_str(&comparisons(&trials, &survivors));
    let _ = writeln!(text, "\n## Every survivor\n");
    text.push_str(&every_survivor(sample, &trials, &equivalent));
    if let Some((h, held_survivors, _)) = &held {
        let (screened, survive, killed, unviable) = h.counts();
        let _ = writeln!(
            text,
            "\n## The held-out sample\n\n\
             `fuzz/bench/held-out.json`, drawn at `{}` under seed {} in the same stratified order, less every change the \
             frozen sample drew (same file and mutation, wherever its line moved), and screened by `{}` at that commit. \
             Screened so far: {screened}; killed by the seeds: {killed}; unviable: {unviable}; surviving the seeds: \
             {survive} ({}); argued equivalent (in the ledger): {}. No oracle or seed was written for these survivors \
             before their first trials: a kill there is what the campaign finds on a bug nobody looked at. The checks they \
             drove since kill some of them while loading the seeds in later trials, which the tables count apart.\n",
            short(&h.commit),
            h.seed,
            h.screen,
            survival(survive, killed),
            argued_equivalent(h, &equivalent),
        );
        text.push_str(&configurations(&trials, held_survivors, planned, budget));
        let _ = writeln!(text);
        text.push_str(&comparisons(&trials, held_survivors));
        let _ = writeln!(text);
        text.push_str(&every_survivor(h, &trials, &equivalent));
    }
    text
}

/// The configurations table over `survivors`.
fn configurations(
    trials: &[&Trial],
    survivors: &BTreeSet<&str>,
    planned: u32,
    budget: f64,
) -> String {
    let mut text = String::from(
        "| configuration | what | trials ran at | survivors benched | killed / trials | of them while loading the seeds | share [95 % Wilson] | KM median | reached, not killed |\n| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for config in CONFIGS {
        let s = summarize(trials, config.name, survivors, planned, budget);
        // A configuration's trials may span harness commits (the main job runs at the
        // bench's commit); the table says which, so a mixed row is never read as one.
        let ran_at: BTreeSet<&str> = trials
            .iter()
            .filter(|t| t.config == config.name && survivors.contains(t.mutant.as_str()))
            .map(|t| short(&t.commit))
            .collect();
        let _ = writeln!(
            text,
            "| `{}` | {} | {} | {} | {}/{} | {} | {:.0} % [{:.0}-{:.0} %] | {} | {} |",
            config.name,
            config.about,
            join(ran_at.iter().map(|c| format!("`{c}`"))),
            s.survivors,
            s.killed,
            s.runs,
            s.killed_at_load,
            if s.runs == 0 {
                0.0
            } else {
                100.0 * s.killed as f64 / s.runs as f64
            },
            100.0 * s.interval.0,
            100.0 * s.interval.1,
            s.median
                .map_or(format!(">{budget:.0} s"), |m| format!("{m:.1} s")),
            s.reached_not_killed
        );
    }
    text
}

/// The paired comparisons of every two configurations over `survivors`.
fn comparisons(trials: &[&Trial], survivors: &BTreeSet<&str>) -> String {
    let pairs: Vec<String> = CONFIGS
        .iter()
        .enumerate()
        .flat_map(|(i, a)| CONFIGS[i + 1..].iter().map(move |b| (a.name, b.name)))
        .filter_map(|(a, b)| paired(trials, a, b, survivors))
        .collect();
    if pairs.is_empty() {
        return "No two configurations have trials on the same keys yet.\n".into();
    }
    let mut text = String::from(
        "| pair | paired trials | both killed | first only | second only | McNemar p | Â12 |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for line in pairs {
        let _ = writeln!(text, "{line}");
    }
    text
}

/// A row per survivor of `sample`: reach, and each configuration's kills.
fn every_survivor(sample: &Sample, trials: &[&Trial], equivalent: &BTreeMap<&str, &str>) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "| mutant | reached by the seeds | {} |\n| --- | --- | {} |",
        CONFIGS.map(|c| c.name).join(" | "),
        CONFIGS.map(|_| "---").join(" | ")
    );
    for mutant in sample.survivors() {
        let name = mutant.name.as_str();
        let runs: Vec<&Trial> = trials
            .iter()
            .filter(|t| t.mutant == name)
            .copied()
            .collect();
        if let Some(argument) = equivalent.get(name) {
            let _ = writeln!(text, "| `{}` | equivalent: {argument} | |", escape(name));
            continue;
        }
        let seeds = runs
            .iter()
            .find_map(|t| t.reached_by_seeds)
            .map_or("?", |r| if r { "yes" } else { "no" });
        let cells: Vec<String> = CONFIGS
            .iter()
            .map(|c| {
                let mine: Vec<&&Trial> = runs.iter().filter(|t| t.config == c.name).collect();
                if mine.is_empty() {
                    return String::new();
                }
                let killed: Vec<f64> = mine
                    .iter()
                    .filter(|t| t.killed)
                    .filter_map(|t| t.seconds)
                    .collect();
                let at_load = mine.iter().any(|t| t.at_load);
                let reached = mine.iter().any(|t| t.reached() == Some(true));
                format!(
                    "{}/{} killed{}{}",
                    killed.len(),
                    mine.len(),
                    if killed.is_empty() {
                        if reached {
                            ", reached".to_string()
                        } else {
                            String::new()
                        }
                    } else {
                        format!(
                            ", fastest {:.1} s",
                            killed.iter().copied().fold(f64::INFINITY, f64::min)
                        )
                    },
                    if at_load { " (at load)" } else { "" }
                )
            })
            .collect();
        let _ = writeln!(
            text,
            "| `{}` | {seeds} | {} |",
            escape(name),
            cells.join(" | ")
        );
    }
    text
}

/// The share of viable mutants that survive the seeds, with its 95 % Wilson interval:
/// what the seed corpus misses at the sample's commit.
fn survival(survive: usize, killed: usize) -> String {
    let viable = (survive + killed) as u64;
    if viable == 0 {
        return "none viable yet".into();
    }
    let (low, high) = stats::wilson(survive as u64, viable, 0.95);
    format!(
        "{survive} of {viable} viable, {:.0} % [{:.0}-{:.0} %] 95 % Wilson",
        100.0 * survive as f64 / viable as f64,
        100.0 * low,
        100.0 * high
    )
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(7)]
}

fn escape(name: &str) -> String {
    name.replace('|', "\\|")
}

fn join(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        "nothing yet".into()
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::super::sample::{Drawn, Mutant, Screen};
    use super::*;

    fn trial(
        mutant: &str,
        config: &str,
        number: u32,
        seconds: Option<f64>,
        reached: bool,
    ) -> Trial {
        Trial {
            mutant: mutant.into(),
            config: config.into(),
            trial: number,
            seed: 1,
            killed: seconds.is_some(),
            seconds,
            at_load: false,
            by: seconds.map(|_| "t".into()),
            reached_by_seeds: Some(reached),
            reached_in_run: None,
            budget: 120.0,
            targets: vec!["t".into()],
            commit: "abcdef0".into(),
            engine: "libFuzzer".into(),
            cores: 2,
        }
    }

    #[test]
    fn the_headline_has_the_promised_form() {
        let survivors: BTreeSet<&str> = ["a", "b", "c"].into();
        let trials = [
            trial("a", "libfuzzer", 1, Some(2.0), true),
            trial("a", "libfuzzer", 2, Some(4.0), true),
            trial("b", "libfuzzer", 1, None, true),
            trial("b", "libfuzzer", 2, None, true),
            // c has one trial of two: not yet counted.
            trial("c", "libfuzzer", 1, Some(1.0), true),
        ];
        let refs: Vec<&Trial> = trials.iter().collect();
        let summary = summarize(&refs, "libfuzzer", &survivors, 2, 120.0);
        assert_eq!((summary.survivors, summary.killed, summary.runs), (2, 2, 4));
        assert_eq!(summary.reached_not_killed, 1);
        assert_eq!(summary.median, Some(4.0));
        let line = summary.line("headline");
        assert!(
            line.starts_with("headline: 2 seed-survivors, 2 trials, 120 core-s budget: 2/4 trials killed (50 % ["),
            "{line}"
        );
        assert!(
            line.contains("95 % Wilson), KM median 4.0 s, reached-not-killed 1/2 (50 %)"),
            "{line}"
        );
    }

    #[test]
    fn pairs_are_compared_on_the_same_keys() {
        let survivors: BTreeSet<&str> = ["a", "b"].into();
        let trials = [
            trial("a", "x", 1, Some(1.0), true),
            trial("a", "y", 1, None, true),
            trial("b", "x", 1, Some(3.0), true),
            trial("b", "y", 1, Some(2.0), true),
            trial("b", "y", 2, Some(2.0), true),
        ];
        let refs: Vec<&Trial> = trials.iter().collect();
        let row = paired(&refs, "x", "y", &survivors).expect("shared keys");
        // x kills a, y does not; both kill b (x after 3 s, y after 2 s): Â12 = 3/4.
        assert_eq!(row, "| x vs y | 2 | 1 | 1 | 0 | 1.000 | 0.75 |");
    }

    #[test]
    fn the_report_renders_from_a_sample_and_a_ledger() {
        let mutant = |name: &str| Mutant {
            name: name.into(),
            file: "core/src/upgrade.rs".into(),
            line: 1,
            diff: String::new(),
        };
        let sample = Sample {
            commit: "0123456789".into(),
            seed: 3,
            wanted: 2,
            screen: "screen".into(),
            drawn: vec![
                Drawn {
                    mutant: mutant("a"),
                    screen: Some(Screen::Survives),
                },
                Drawn {
                    mutant: mutant("b|c"),
                    screen: Some(Screen::Survives),
                },
                Drawn {
                    mutant: mutant("d"),
                    screen: Some(Screen::Killed),
                },
            ],
        };
        let records = vec![
            Record::Trial(trial("a", MAIN_JOB, 1, Some(5.0), true)),
            Record::Trial(trial("a", "baseline", 1, None, true)),
            Record::Equivalent {
                mutant: "b|c".into(),
                argument: "same bits".into(),
            },
        ];
        let text = render(&sample, None, &records, 1, 120.0);
        let mut lines = text.lines().skip(2);
        assert!(lines.next().expect("headline").starts_with(
            "headline: 1 seed-survivors, 1 trials, 120 core-s budget: 1/1 trials killed"
        ));
        assert!(lines
            .next()
            .expect("baseline")
            .starts_with("baseline: 1 seed-survivors"));
        assert!(text.contains("equivalent: same bits"));
        assert!(text.contains("`b\\|c`"));
        assert!(!text.contains("\nheld-out: ") && !text.contains("## The held-out sample"));
        // A held-out sample adds its main-job line under the two, and its own tables,
        // counting only its own survivors.
        let held_out = Sample {
            commit: "fedcba9876".into(),
            seed: 2,
            wanted: 2,
            screen: "screen".into(),
            drawn: vec![
                Drawn {
                    mutant: mutant("e"),
                    screen: Some(Screen::Survives),
                },
                Drawn {
                    mutant: mutant("f"),
                    screen: Some(Screen::Killed),
                },
            ],
        };
        let mut records = records;
        records.push(Record::Trial(trial("e", MAIN_JOB, 1, None, true)));
        let text = render(&sample, Some(&held_out), &records, 1, 120.0);
        let third = text.lines().nth(4).expect("held-out line");
        assert!(
            third.starts_with(
                "held-out: 1 seed-survivors, 1 trials, 120 core-s budget: 0/1 trials killed"
            ),
            "{third}"
        );
        assert!(third.ends_with("reached-not-killed 1/1 (100 %)"), "{third}");
        assert!(text
            .lines()
            .nth(2)
            .expect("headline")
            .contains("1/1 trials killed"));
        assert!(text.contains("## The held-out sample"));
        assert!(text.contains("Progress: 1 of 1 held-out survivors benched"));
    }
}
