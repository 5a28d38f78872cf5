//! Replays every committed fuzz seed and every crash reproducer on stable, through the same
//! functions the fuzz targets call.

use std::path::PathBuf;

use http_upgrade_proptests::corpus_files;

use http_upgrade_proptests::oracles;
use http_upgrade_proptests::structured::handshake_structured;

type Oracle = fn(&[u8]);

/// Every fuzz target and its oracle.
const TARGETS: [(&str, Oracle); 11] = [
    ("request_head", oracles::request_head),
    ("server_negotiate", oracles::server_negotiate),
    ("client_validate", oracles::client_validate),
    ("extensions", oracles::extensions),
    ("header_lists", oracles::header_lists),
    ("accept_key", oracles::accept_key),
    ("diff_tungstenite", oracles::diff_tungstenite),
    ("extended_connect", oracles::extended_connect),
    ("fast_paths", oracles::fast_paths),
    ("handshake_structured", handshake_structured),
    (
        "transport_equivalence",
        http_upgrade_proptests::transport::transport_equivalence,
    ),
];

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
