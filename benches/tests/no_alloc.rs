//! The whole hot path — parse, negotiate, write; client write and validate — makes no heap
//! allocation on the real captures. The workspace's one counting allocator (`benches/src/counting.rs`) proves it.

use http_upgrade::{ClientRequest, DeflatePolicy, Outcome, ServerPolicy, Status, EMPTY_HEADER};
use http_upgrade_benches::counting::{allocations_during, Counting};

#[global_allocator]
static GLOBAL: Counting = Counting;

fn captures(prefix_response: bool) -> Vec<(String, Vec<u8>)> {
    let dir = format!("{}/../corpus/captures", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("captures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "http"))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("response-") == prefix_response)
        })
        .map(|p| (p.display().to_string(), std::fs::read(&p).expect("read")))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "captures missing in {dir}");
    files
}

#[test]
fn the_counter_counts() {
    let count = allocations_during(|| {
        std::hint::black_box(Vec::<u8>::with_capacity(std::hint::black_box(8)));
    });
    assert_eq!(count, 1);
}

#[test]
fn server_hot_path_allocates_nothing() {
    let policy = ServerPolicy {
        subprotocols: &["chat", "superchat"],
        deflate: Some(DeflatePolicy::default()),
        ..ServerPolicy::websocket()
    };
    for (name, bytes) in captures(false) {
        let mut switched = false;
        let count = allocations_during(|| {
            let mut headers = [EMPTY_HEADER; 32];
            let mut response = [0u8; 512];
            if let Status::Complete(handshake) = policy.handshake(&bytes, &mut headers) {
                switched = matches!(handshake.outcome, Outcome::Switch(_));
                let _ = policy.write_response(&handshake.outcome, &mut response);
            }
        });
        assert_eq!(count, 0, "{name}");
        assert_eq!(switched, !name.contains("h2c"), "{name}");
    }
}

#[test]
fn client_path_allocates_nothing() {
    for (name, bytes) in captures(true) {
        let mut ok = false;
        let count = allocations_during(|| {
            let request = ClientRequest {
                host: "127.0.0.1",
                target: "/chat",
                nonce: *b"the sample nonce",
                origin: None,
                subprotocols: &["chat", "superchat"],
                extensions: Some("permessage-deflate; client_max_window_bits"),
            };
            let mut buf = [0u8; 512];
            let _ = request.write(&mut buf);
            let Ok(checked) = request.check() else {
                return;
            };
            let _ = checked.write(&mut buf);
            let expectation = checked.expectation();
            let mut headers = [EMPTY_HEADER; 16];
            ok = matches!(
                expectation.validate(&bytes, &mut headers),
                Ok(Status::Complete(_))
            );
        });
        assert_eq!(count, 0, "{name}");
        assert!(ok, "{name}");
    }
}
