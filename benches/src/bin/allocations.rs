//! Heap allocations per operation, for each input, counted by the workspace's one counting
//! allocator (`benches/src/counting.rs`).
//! Prints a markdown table; `cargo xtask bench-report` puts it in the report.

use http_upgrade_benches::counting::{allocations_during as count, Counting};
use http_upgrade_benches::{
    client_check_and_write, client_expectation, client_ours, client_request, floor, full_policy,
    ours, plain_policy, responses, tungstenite_accept, websocket_requests,
};

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    let plain = plain_policy();
    let full = full_policy();
    println!("| input | ours (plain) | ours (subprotocol+deflate) | floor | tungstenite |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let mut ours_total = 0;
    for input in websocket_requests() {
        let mut out = [0u8; 512];
        let a = count(|| {
            std::hint::black_box(ours(&plain, &input.bytes, &mut out));
        });
        let b = count(|| {
            std::hint::black_box(ours(&full, &input.bytes, &mut out));
        });
        let f = count(|| {
            std::hint::black_box(floor(&input.bytes, &mut out));
        });
        let t = count(|| {
            std::hint::black_box(tungstenite_accept(&input.bytes));
        });
        ours_total += a + b;
        println!("| {} | {a} | {b} | {f} | {t} |", input.name);
    }
    // The client: validating each captured 101, and writing its request.
    println!("\n| client | ours |\n| --- | ---: |");
    let expectation = client_expectation();
    for input in responses() {
        let validated = count(|| {
            std::hint::black_box(client_ours(&expectation, &input.bytes));
        });
        ours_total += validated;
        println!("| validate {} | {validated} |", input.name);
    }
    let request = client_request();
    let mut out = [0u8; 512];
    let written = count(|| {
        std::hint::black_box(client_check_and_write(&request, &mut out));
    });
    ours_total += written;
    println!("| write the request | {written} |");
    if ours_total != 0 {
        eprintln!("ours allocated: {ours_total}");
        std::process::exit(1);
    }
}
