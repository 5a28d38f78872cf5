//! Replays every committed seed and every crash reproducer through the harnesses on stable.

use std::path::PathBuf;
use std::vec::Vec;

type Harness = fn(&[u8]);

/// The targets whose logic lives in this crate (the structured target replays in
/// `proptests/`, which holds its model).
const TARGETS: [(&str, Harness); 7] = [
    ("request_head", super::request_head),
    ("server_negotiate", super::server_negotiate),
    ("client_validate", super::client_validate),
    ("extensions", super::extensions),
    ("header_lists", super::header_lists),
    ("accept_key", super::accept_key),
    ("diff_tungstenite", super::diff_tungstenite),
];

fn files(dir: PathBuf) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn corpus_and_regressions_replay() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    for (target, harness) in TARGETS {
        let seeds = files(corpus.join(target));
        assert!(!seeds.is_empty(), "corpus/{target}/ has no seeds");
        for path in seeds
            .iter()
            .chain(&files(corpus.join("regressions").join(target)))
        {
            let data = std::fs::read(path).unwrap();
            let outcome = std::panic::catch_unwind(|| harness(&data));
            assert!(
                outcome.is_ok(),
                "{target}: {} fails; replay with `cargo xtask fuzz --replay`",
                path.display()
            );
        }
    }
}
