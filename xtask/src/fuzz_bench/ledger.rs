//! The bench's ledger: one JSON object a line, committed (`fuzz/bench/ledger.jsonl`), so an
//! experiment resumes where it stopped, shards on several machines merge into one, and the
//! report is always regenerated from what was measured.

use anyhow::{anyhow, bail, Result};

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One line of the ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// One trial of one mutant under one configuration.
    Trial(Trial),
    /// A written argument that a survivor is equivalent (no input can tell it from the
    /// original), which takes it out of the sample; never "nothing found it".
    Equivalent {
        /// The mutant.
        mutant: String,
        /// Why no input can kill it.
        argument: String,
    },
}

/// One trial: a fresh scratch corpus from the seeds, its own fuzzer seed, the budget spent
/// across the targets that reach the mutated file, one after another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// The mutant, as cargo-mutants names it.
    pub mutant: String,
    /// The configuration (`config.rs`).
    pub config: String,
    /// The trial's number, from 1.
    pub trial: u32,
    /// The fuzzer's RNG seed.
    pub seed: u64,
    /// Whether a target crashed on the mutant.
    pub killed: bool,
    /// Core-seconds to the kill, the targets before the killer counted whole.
    pub seconds: Option<f64>,
    /// The kill came while the seeds were loading: an oracle newer than the sample's screen,
    /// not an input the fuzzer made.
    pub at_load: bool,
    /// The target that killed it.
    pub by: Option<String>,
    /// Whether the seeds execute the mutated line (libFuzzer's coverage of the unmutated
    /// build); `None` when it could not be told.
    pub reached_by_seeds: Option<bool>,
    /// Whether the corpus the trial ended with executes it.
    pub reached_in_run: Option<bool>,
    /// The budget, core-seconds.
    pub budget: f64,
    /// The targets run, in order.
    pub targets: Vec<String>,
    /// The commit the trial ran at (the mutant applied to its core).
    pub commit: String,
    /// The engine and toolchain.
    pub engine: String,
    /// The cores of the machine.
    pub cores: usize,
}

impl Trial {
    /// The ledger key: one trial per mutant, configuration and number.
    pub fn key(&self) -> (String, String, u32) {
        (self.mutant.clone(), self.config.clone(), self.trial)
    }

    /// Whether the mutated line was executed, by the seeds or the run.
    pub fn reached(&self) -> Option<bool> {
        match (self.reached_by_seeds, self.reached_in_run) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        }
    }
}

/// The committed ledger.
pub fn default_path(root: &Path) -> PathBuf {
    root.join("fuzz/bench/ledger.jsonl")
}

/// Every record of a ledger file (none when it does not exist); a line that does not parse
/// is an error, so a damaged ledger is never read as a shorter one.
pub fn read(path: &Path) -> Result<Vec<Record>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => bail!("{}: {e}", path.display()),
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(number, line)| {
            serde_json::from_str(line)
                .map_err(|e| anyhow!("{}:{}: {e}", path.display(), number + 1))
        })
        .collect()
}

/// Appends one record.
pub fn append(path: &Path, record: &Record) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let line = serde_json::to_string(record)?;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| anyhow!("{}: {e}", path.display()))?;
    writeln!(file, "{line}")?;
    Ok(())
}

/// The mutants `records` argue equivalent.
pub fn equivalent_mutants(records: &[Record]) -> BTreeSet<String> {
    records
        .iter()
        .filter_map(|r| match r {
            Record::Equivalent { mutant, .. } => Some(mutant.clone()),
            Record::Trial(_) => None,
        })
        .collect()
}

/// The records of several ledgers as one: each trial once (the first seen of a key wins,
/// as shards never run the same key), each equivalence argument once, in a stable order.
pub fn merge(ledgers: Vec<Vec<Record>>) -> Vec<Record> {
    let mut trials: BTreeMap<(String, String, u32), Trial> = BTreeMap::new();
    let mut equivalent: BTreeMap<String, String> = BTreeMap::new();
    for record in ledgers.into_iter().flatten() {
        match record {
            Record::Trial(trial) => {
                trials.entry(trial.key()).or_insert(trial);
            }
            Record::Equivalent { mutant, argument } => {
                equivalent.entry(mutant).or_insert(argument);
            }
        }
    }
    equivalent
        .into_iter()
        .map(|(mutant, argument)| Record::Equivalent { mutant, argument })
        .chain(trials.into_values().map(Record::Trial))
        .collect()
}

/// Writes `records` as a ledger, replacing the file.
pub fn write(path: &Path, records: &[Record]) -> Result<()> {
    let mut text = String::new();
    for record in records {
        text.push_str(&serde_json::to_string(record)?);
        text.push('\n');
    }
    std::fs::write(path, text).map_err(|e| anyhow!("{}: {e}", path.display()))
}

/// The trials of a ledger.
pub fn trials(records: &[Record]) -> impl Iterator<Item = &Trial> {
    records.iter().filter_map(|r| match r {
        Record::Trial(t) => Some(t),
        Record::Equivalent { .. } => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn trial(mutant: &str, config: &str, number: u32, killed: bool) -> Trial {
        Trial {
            mutant: mutant.into(),
            config: config.into(),
            trial: number,
            seed: u64::from(number),
            killed,
            seconds: killed.then_some(1.5),
            at_load: false,
            by: killed.then(|| "server_negotiate".into()),
            reached_by_seeds: Some(true),
            reached_in_run: None,
            budget: 120.0,
            targets: vec!["server_negotiate".into()],
            commit: "abc".into(),
            engine: "libFuzzer".into(),
            cores: 2,
        }
    }

    #[test]
    fn shards_merge_into_one_ledger_and_round_trip() {
        let a = vec![
            Record::Trial(trial("m1", "libfuzzer", 1, true)),
            Record::Trial(trial("m2", "libfuzzer", 1, false)),
        ];
        let b = vec![
            Record::Trial(trial("m1", "libfuzzer", 2, false)),
            Record::Trial(trial("m1", "libfuzzer", 1, false)),
            Record::Equivalent {
                mutant: "m3".into(),
                argument: "x | 0 is x".into(),
            },
        ];
        let merged = merge(vec![a, b]);
        assert_eq!(merged.len(), 4);
        assert!(matches!(&merged[0], Record::Equivalent { mutant, .. } if mutant == "m3"));
        // The first ledger's m1/1 wins.
        assert!(
            trials(&merged).any(|t| t.key() == ("m1".into(), "libfuzzer".into(), 1) && t.killed)
        );
        let dir = std::env::temp_dir().join(format!("ledger-test-{}", std::process::id()));
        let path = dir.join("ledger.jsonl");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        write(&path, &merged).expect("write");
        append(&path, &Record::Trial(trial("m4", "x", 1, true))).expect("append");
        let back = read(&path).expect("read");
        assert_eq!(back.len(), 5);
        assert_eq!(&back[..4], &merged[..]);
        std::fs::write(&path, "{not json}\n").expect("damage");
        assert!(read(&path).is_err());
        let _ = std::fs::remove_dir_all(&dir);
        assert!(read(&dir.join("missing.jsonl"))
            .expect("absent is empty")
            .is_empty());
    }

    #[test]
    fn reached_by_either_source() {
        let mut t = trial("m", "c", 1, false);
        t.reached_by_seeds = Some(false);
        t.reached_in_run = Some(true);
        assert_eq!(t.reached(), Some(true));
        t.reached_in_run = Some(false);
        assert_eq!(t.reached(), Some(false));
        t.reached_in_run = None;
        assert_eq!(t.reached(), None);
    }
}
