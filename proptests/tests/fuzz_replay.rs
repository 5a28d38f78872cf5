//! Replays the `handshake_structured` fuzz seeds and crash reproducers on stable, through
//! the same function the fuzz target calls.

use std::path::PathBuf;

use http_upgrade_proptests::structured::handshake_structured;

fn files(dir: PathBuf) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn handshake_structured_corpus_and_regressions_replay() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let seeds = files(corpus.join("handshake_structured"));
    assert!(
        !seeds.is_empty(),
        "corpus/handshake_structured/ has no seeds"
    );
    for path in seeds
        .iter()
        .chain(&files(corpus.join("regressions/handshake_structured")))
    {
        let data = std::fs::read(path).expect("read");
        let outcome = std::panic::catch_unwind(|| handshake_structured(&data));
        assert!(outcome.is_ok(), "{} fails", path.display());
    }
}
