//! The nightly differential against python websockets: every committed request (fuzz
//! corpora, captures, regressions) and generated models. Needs `PEER_PYTHON`, a Python
//! with `websockets` installed; `cargo xtask nightly --peers` makes one under `target/`.

use std::path::PathBuf;

use http_upgrade_proptests::corpus_files;
use std::time::{Duration, Instant};

use http_upgrade_proptests::oracles::peer_websockets::{compare, WebsocketsPeer};
use http_upgrade_proptests::render;
use http_upgrade_proptests::strategies::{any_handshake, rendering};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

#[test]
#[ignore = "nightly: needs PEER_PYTHON (cargo xtask nightly --peers)"]
fn python_websockets_agrees() {
    let python =
        std::env::var_os("PEER_PYTHON").expect("PEER_PYTHON: run `cargo xtask nightly --peers`");
    let budget = Duration::from_secs(
        std::env::var("PEER_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(120),
    );
    let mut peer = WebsocketsPeer::spawn(PathBuf::from(python).as_path()).expect("spawn the peer");
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    for dir in [
        "captures",
        "diff_tungstenite",
        "regressions/diff_tungstenite",
    ] {
        for path in corpus_files(&corpus.join(dir)) {
            if path.extension().is_some_and(|e| e == "http") || !dir.starts_with("captures") {
                inputs.push(std::fs::read(path).expect("read"));
            }
        }
    }
    for path in corpus_files(&corpus.join("server_negotiate")) {
        let data = std::fs::read(path).expect("read");
        if data.len() > 1 {
            inputs.push(data[1..].to_vec());
        }
    }
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut compared = 0usize;
    for input in &inputs {
        if started.elapsed() > budget / 2 {
            break;
        }
        if let Err(difference) = compare(&mut peer, input).expect("peer answers") {
            failures.push(difference);
        }
        compared += 1;
    }
    let mut runner = TestRunner::deterministic();
    let strategy = (any_handshake(), rendering());
    while started.elapsed() < budget {
        let (model, rendering) = strategy.new_tree(&mut runner).expect("a case").current();
        let head = render::head(&model, &rendering);
        if let Err(difference) = compare(&mut peer, &head).expect("peer answers") {
            failures.push(difference);
        }
        compared += 1;
    }
    println!(
        "compared {compared} heads with python websockets, {} unexplained",
        failures.len()
    );
    failures.sort();
    failures.dedup();
    assert!(
        failures.is_empty(),
        "{}",
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
