//! The frozen sample: cargo-mutants' mutants of `core/` (its exclusions applied), drawn in a
//! seeded order stratified by file, each screened by replaying every target's seed corpus
//! on stable (`cargo test -p http-upgrade-proptests --test fuzz_replay` with
//! `HTTP_UPGRADE_REPLAY_SEEDS_ONLY=1`), until enough mutants survive the seeds. The draw,
//! each verdict and the commit are written to `fuzz/bench/sample.json` as they come, so the
//! screen resumes and the sample is committed; later trials never redraw it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, Context as _, Result};

use rand::seq::SliceRandom as _;
use rand::SeedableRng as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use super::mutant::Mutant;
use super::tree::Tree;
use crate::base::process::cmd;

/// Files of core/src the bench does not sample: the hidden door (test plumbing) and the
/// `http` adapter (no fuzz target builds the feature).
pub const NOT_SAMPLED: [&str; 2] = ["core/src/lib.rs", "core/src/http_types.rs"];

/// What replaying the seeds did to a mutant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Screen {
    /// Every seed passes: the mutant is in the sample.
    Survives,
    /// A seed fails (or the replay hangs past its bound).
    Killed,
    /// It does not build, or its patch does not apply.
    Unviable,
}

/// A drawn mutant and its screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawn {
    /// The mutant.
    #[serde(flatten)]
    pub mutant: Mutant,
    /// The screen's verdict; `None` until screened.
    pub screen: Option<Screen>,
}

/// `fuzz/bench/sample.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// The commit whose core the mutants were listed and screened at.
    pub commit: String,
    /// The draw's seed.
    pub seed: u64,
    /// How many survivors the screen draws for, counting only those not argued equivalent
    /// (an equivalent survivor leaves the sample, so the screen draws on to replace it).
    pub wanted: usize,
    /// The screen's command.
    pub screen: String,
    /// Every mutant in draw order; the screen has reached those with a verdict.
    pub drawn: Vec<Drawn>,
}

impl Sample {
    /// The mutants that survived the seeds, in draw order.
    pub fn survivors(&self) -> Vec<&Mutant> {
        self.drawn
            .iter()
            .filter(|d| d.screen == Some(Screen::Survives))
            .map(|d| &d.mutant)
            .collect()
    }

    /// The survivors not in `equivalent` (the mutants the ledger argues equivalent): those
    /// the sample keeps.
    pub fn standing(&self, equivalent: &BTreeSet<String>) -> usize {
        self.survivors()
            .iter()
            .filter(|m| !equivalent.contains(&m.name))
            .count()
    }

    /// Whether the screen has found the survivors it draws for (not counting those argued
    /// equivalent), or screened every mutant drawn so far.
    pub fn complete(&self, equivalent: &BTreeSet<String>) -> bool {
        self.standing(equivalent) >= self.wanted || self.drawn.iter().all(|d| d.screen.is_some())
    }

    /// Counts by verdict: (screened, survive, killed, unviable).
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let count = |s: Screen| self.drawn.iter().filter(|d| d.screen == Some(s)).count();
        (
            self.drawn.iter().filter(|d| d.screen.is_some()).count(),
            count(Screen::Survives),
            count(Screen::Killed),
            count(Screen::Unviable),
        )
    }
}

/// Which of the two committed samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Which {
    /// The frozen sample the headline and the baseline are measured on. Its survivors
    /// drove oracles and seeds written since, so its headline measures the harness on the
    /// bugs it was improved against.
    Frozen,
    /// A sample held out from that work: drawn later under its own seed, none of the
    /// frozen sample's changes, screened with the seeds of its own commit. What fuzzing
    /// finds here is what it finds on bugs nobody looked at.
    HeldOut,
}

impl Which {
    /// The committed file.
    pub fn path(self, root: &Path) -> PathBuf {
        root.join(match self {
            Which::Frozen => "fuzz/bench/sample.json",
            Which::HeldOut => "fuzz/bench/held-out.json",
        })
    }

    /// The sample's name in paths and reports.
    pub fn name(self) -> &'static str {
        match self {
            Which::Frozen => "frozen",
            Which::HeldOut => "held-out",
        }
    }
}

/// The sample, if one was drawn.
pub fn read(root: &Path, which: Which) -> Result<Option<Sample>> {
    let path = which.path(root);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| anyhow!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(anyhow!("{}: {e}", path.display())),
    }
}

/// Writes the sample (after each screen, so it resumes).
pub fn write(root: &Path, which: Which, sample: &Sample) -> Result<()> {
    let text = serde_json::to_string_pretty(sample)?;
    std::fs::write(which.path(root), text + "\n")?;
    Ok(())
}

/// `order` less every change some sample in `others` drew (wherever its line moved).
pub fn held_out_from(order: Vec<Mutant>, others: &[&Sample]) -> Vec<Mutant> {
    let taken: std::collections::BTreeSet<(&str, &str)> = others
        .iter()
        .flat_map(|s| s.drawn.iter().map(|d| d.mutant.change()))
        .collect();
    order
        .into_iter()
        .filter(|m| !taken.contains(&m.change()))
        .collect()
}

/// cargo-mutants' mutants of core (its exclusions applied), less [`NOT_SAMPLED`].
pub fn list(root: &Path) -> Result<Vec<Mutant>> {
    let output = cmd("cargo")
        .args(["mutants", "--list", "--json", "--diff", "-d", "core"])
        .dir(root)
        .read()
        .context("cargo mutants --list (cargo install --locked cargo-mutants)")?;
    let list: Vec<Value> = serde_json::from_str(&output)?;
    Ok(list
        .iter()
        .filter_map(|m| {
            Some(Mutant {
                name: m["name"].as_str()?.to_string(),
                file: m["file"].as_str()?.to_string(),
                line: u32::try_from(m["span"]["start"]["line"].as_u64()?).ok()?,
                diff: m["diff"].as_str()?.to_string(),
            })
        })
        .filter(|m| !NOT_SAMPLED.contains(&m.file.as_str()))
        .collect())
}

/// Every mutant in a seeded order stratified by file: each file's mutants shuffled, then
/// one from each file in turn (files in path order), so any prefix represents every file.
pub fn stratified(mut all: Vec<Mutant>, seed: u64) -> Vec<Mutant> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    all.sort_by(|a, b| a.name.cmp(&b.name));
    let mut by_file: BTreeMap<String, Vec<Mutant>> = BTreeMap::new();
    for mutant in all {
        by_file.entry(mutant.file.clone()).or_default().push(mutant);
    }
    for mutants in by_file.values_mut() {
        mutants.shuffle(&mut rng);
        mutants.reverse();
    }
    let mut order = Vec::new();
    loop {
        let before = order.len();
        for mutants in by_file.values_mut() {
            if let Some(mutant) = mutants.pop() {
                order.push(mutant);
            }
        }
        if order.len() == before {
            return order;
        }
    }
}

/// The screen's command, as the sample records it.
pub const SCREEN: &str =
    "HTTP_UPGRADE_REPLAY_SEEDS_ONLY=1 cargo test -p http-upgrade-proptests --test fuzz_replay";

/// The longest a screen's replay may take before the mutant counts as killed (a hang).
const SCREEN_BOUND: Duration = Duration::from_secs(600);

/// Screens one mutant in `tree` (reset to its commit's core first).
pub fn screen(tree: &Tree, mutant: &Mutant) -> Result<Screen> {
    if !tree.apply(mutant)? {
        return Ok(Screen::Unviable);
    }
    let verdict = replay(tree);
    tree.reset();
    verdict
}

/// The screen's control: the unmutated core must pass the replay in the same tree, with
/// the same command, or every mutant would count as killed by the seeds.
pub fn control(tree: &Tree) -> Result<()> {
    tree.reset();
    match replay(tree)? {
        Screen::Survives => Ok(()),
        verdict => Err(anyhow!(
            "the unmutated core fails the screen ({verdict:?}) in {}: fix the replay before screening",
            tree.dir().display()
        )),
    }
}

/// Builds and runs the seeds' replay on the tree as it is now.
fn replay(tree: &Tree) -> Result<Screen> {
    let target_dir = tree.scratch("screen-target");
    let cargo = |extra: &[&str]| {
        cmd("cargo")
            .args([
                "test",
                "--quiet",
                "-p",
                "http-upgrade-proptests",
                "--test",
                "fuzz_replay",
            ])
            .args(extra)
            .env("CARGO_TARGET_DIR", &target_dir)
            .env("HTTP_UPGRADE_REPLAY_SEEDS_ONLY", "1")
            .dir(tree.dir())
            .timeout(SCREEN_BOUND)
    };
    if !cargo(&["--no-run"]).output()?.success {
        return Ok(Screen::Unviable);
    }
    let replay = cargo(&[]).output()?;
    Ok(if replay.success && !replay.timed_out {
        Screen::Survives
    } else {
        Screen::Killed
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mutants(n: usize, files: usize) -> Vec<Mutant> {
        (0..n)
            .map(|i| Mutant {
                name: format!("m{i:02}"),
                file: format!("core/src/f{}.rs", i % files),
                line: i as u32,
                diff: String::new(),
            })
            .collect()
    }

    #[test]
    fn the_order_is_seeded_stratified_and_whole() {
        let a = stratified(mutants(30, 3), 7);
        let names = |s: &[Mutant]| s.iter().map(|m| m.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&a), names(&stratified(mutants(30, 3), 7)));
        assert_ne!(names(&a), names(&stratified(mutants(30, 3), 8)));
        assert_eq!(a.len(), 30);
        // Every prefix of three takes one mutant of each file.
        for chunk in a.chunks(3) {
            let files: std::collections::BTreeSet<&str> =
                chunk.iter().map(|m| m.file.as_str()).collect();
            assert_eq!(files.len(), 3);
        }
    }

    #[test]
    fn a_held_out_order_draws_nothing_another_sample_drew() {
        let all = mutants(6, 2);
        let frozen = Sample {
            commit: "c".into(),
            seed: 1,
            wanted: 1,
            screen: SCREEN.into(),
            drawn: vec![Drawn {
                mutant: all[2].clone(),
                screen: None,
            }],
        };
        let rest = held_out_from(all.clone(), &[&frozen]);
        assert_eq!(rest.len(), 5);
        assert!(rest.iter().all(|m| m.change() != all[2].change()));
    }

    #[test]
    fn a_sample_knows_its_survivors_and_when_it_is_complete() {
        let drawn = mutants(4, 2)
            .into_iter()
            .zip([
                Some(Screen::Survives),
                Some(Screen::Killed),
                Some(Screen::Unviable),
                None,
            ])
            .map(|(mutant, screen)| Drawn { mutant, screen })
            .collect();
        let mut sample = Sample {
            commit: "c".into(),
            seed: 1,
            wanted: 2,
            screen: SCREEN.into(),
            drawn,
        };
        let none = BTreeSet::new();
        assert_eq!(sample.survivors().len(), 1);
        assert_eq!(sample.counts(), (3, 1, 1, 1));
        assert!(!sample.complete(&none));
        sample.wanted = 1;
        assert!(sample.complete(&none));
        // A survivor argued equivalent leaves the sample: the screen draws on.
        let equivalent = BTreeSet::from([sample.survivors()[0].name.clone()]);
        assert_eq!(sample.standing(&equivalent), 0);
        assert!(!sample.complete(&equivalent));
        let text = serde_json::to_string(&sample).expect("serializes");
        assert!(text.contains("\"screen\":\"survives\""), "{text}");
        assert_eq!(
            serde_json::from_str::<Sample>(&text).expect("parses"),
            sample
        );
    }
}
