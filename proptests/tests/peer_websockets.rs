//! The nightly differential against python websockets: every committed request (fuzz
//! corpora, captures, regressions) and generated models. Needs `PEER_PYTHON`, a Python
//! with `websockets` installed; `cargo xtask nightly --peers` makes one under `target/`.

use std::path::PathBuf;

use http_upgrade_proptests::corpus_files;
use std::time::{Duration, Instant};

use http_upgrade_proptests::oracles::peer_websockets::{
    compare, hunt, our_verdict, records_dir, write_record, Record, WebsocketsPeer,
};

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
    // Fresh generated heads every night: the seed comes from `PEER_SEED` (the nightly
    // draws one and prints it) or from the clock; disagreements are shrunk and recorded.
    let seed = std::env::var("PEER_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64)
        });
    println!("seed {seed}");
    let left = budget.saturating_sub(started.elapsed());
    let (records, generated) = hunt(seed, left, usize::MAX, 2_000, |head| {
        compare(&mut peer, head).expect("peer answers").err()
    });
    compared += generated;
    for record in &records {
        let path = write_record(&records_dir(), record).expect("record written");
        println!("recorded {}: {}", path.display(), record.websockets);
        failures.push(format!("{} ({})", record.websockets, path.display()));
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

/// Every disagreement a night recorded replays against its recorded expectation: our
/// verdict on the shrunk head is still the one recorded (a deliberate change of ours
/// updates the record in the same commit). Needs no python.
#[test]
fn recorded_disagreements_replay() {
    let Ok(entries) = std::fs::read_dir(records_dir()) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let record: Record =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("readable"))
                .expect("a record");
        assert_eq!(
            our_verdict(&record.head),
            record.ours,
            "{}: {:?}",
            path.display(),
            record.head_text
        );
    }
}
