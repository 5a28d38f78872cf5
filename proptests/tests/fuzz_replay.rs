//! Replays every committed fuzz seed and every crash reproducer on stable, through the same
//! functions the fuzz targets call.

use std::path::PathBuf;

use http_upgrade_proptests::corpus_files;

use http_upgrade_proptests::harnesses::TARGETS;

/// With `HTTP_UPGRADE_REPLAY_SEEDS_ONLY` set, only the seeds replay: the fuzz bench's
/// screen of a mutant (what the seed corpus alone catches).
#[test]
fn corpus_and_regressions_replay() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let seeds_only = std::env::var_os("HTTP_UPGRADE_REPLAY_SEEDS_ONLY").is_some();
    let mut failures = Vec::new();
    for (target, oracle) in TARGETS {
        let seeds = corpus_files(&corpus.join(target));
        assert!(!seeds.is_empty(), "corpus/{target}/ has no seeds");
        let regressions = if seeds_only {
            Vec::new()
        } else {
            corpus_files(&corpus.join("regressions").join(target))
        };
        for path in seeds.iter().chain(&regressions) {
            let data = std::fs::read(path).expect("read");
            if std::panic::catch_unwind(|| oracle(&data)).is_err() {
                failures.push(format!("{target}: {}", path.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} files fail (replay with `cargo xtask fuzz --replay`):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every seed of the structure-aware target is an encoded case: one that is not would
/// replay as nothing and be dropped by libFuzzer (`Corpus::Reject`).
#[test]
fn handshake_model_seeds_are_cases() {
    use http_upgrade_proptests::model_case::ModelCase;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus/handshake_model");
    let seeds = corpus_files(&dir);
    assert!(!seeds.is_empty());
    for path in seeds {
        let data = std::fs::read(&path).expect("read");
        assert!(
            ModelCase::decode(&data).is_some(),
            "{} is not an encoded case",
            path.display()
        );
    }
}
