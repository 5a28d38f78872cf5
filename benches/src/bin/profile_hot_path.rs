//! Runs one peer on one capture in a loop, for `perf record` or `valgrind --tool=callgrind`:
//! `cargo run --release -p http-upgrade-benches --bin profile_hot_path -- ours chromium 1000000`.
//! Peers: `ours`, `ours-full` (with subprotocols and permessage-deflate), `ours-general`
//! (the general path alone), `floor`, `floor-blocks`, `tungstenite` on a request capture;
//! `client-ours`, `client-floor` on a response capture (`response-node-ws`);
//! `client-write` (a checked request), `client-write-floor` write the client's request (no
//! input).

use http_upgrade_benches::{
    client_checked_request, client_expectation, client_floor, client_ours, client_request,
    client_write, client_write_floor, floor, floor_blocks, full_policy, ours, ours_general,
    plain_policy, responses, tungstenite_accept, websocket_requests,
};

fn main() {
    let mut args = std::env::args().skip(1);
    let peer = args.next().unwrap_or_else(|| "ours".into());
    let input = args.next().unwrap_or_else(|| "chromium".into());
    let iterations: u64 = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let request = client_request();
    let checked = client_checked_request();
    let mut out = [0u8; 512];
    let mut total = 0usize;
    // Writing the client's request reads no capture.
    if peer.starts_with("client-write") {
        let floor = peer == "client-write-floor";
        for _ in 0..iterations {
            total += if floor {
                client_write_floor(std::hint::black_box(&request), &mut out)
            } else {
                client_write(std::hint::black_box(&checked), &mut out)
            };
        }
        println!("{peer}: {total} bytes written");
        return;
    }
    let mut inputs = websocket_requests();
    inputs.extend(responses());
    let bytes = &inputs
        .iter()
        .find(|i| i.name == input)
        .expect("input name")
        .bytes;
    let policy = plain_policy();
    let full = full_policy();
    let expectation = client_expectation();
    for _ in 0..iterations {
        total += match peer.as_str() {
            "ours" => ours(&policy, std::hint::black_box(bytes), &mut out),
            "ours-full" => ours(&full, std::hint::black_box(bytes), &mut out),
            "ours-general" => ours_general(&policy, std::hint::black_box(bytes), &mut out),
            "floor" => floor(std::hint::black_box(bytes), &mut out),
            "floor-blocks" => floor_blocks(std::hint::black_box(bytes), &mut out),
            "client-ours" => usize::from(client_ours(&expectation, std::hint::black_box(bytes))),
            "client-floor" => usize::from(client_floor(std::hint::black_box(bytes))),
            _ => tungstenite_accept(std::hint::black_box(bytes)),
        };
    }
    println!("{peer} {input}: {total} bytes written");
}
