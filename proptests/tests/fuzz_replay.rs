//! Replays every committed fuzz seed and every crash reproducer on stable, through the same
//! functions the fuzz targets call.

use std::path::PathBuf;

use http_upgrade_proptests::corpus_files;

use http_upgrade_proptests::harnesses::TARGETS;

#[test]
fn corpus_and_regressions_replay() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let mut failures = Vec::new();
    for (target, oracle) in TARGETS {
        let seeds = corpus_files(&corpus.join(target));
        assert!(!seeds.is_empty(), "corpus/{target}/ has no seeds");
        for path in seeds
            .iter()
            .chain(&corpus_files(&corpus.join("regressions").join(target)))
        {
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
