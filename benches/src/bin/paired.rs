//! Paired wall-time ratios: ours and its floor timed in alternating batches on the same
//! input, a few milliseconds apart, so that what the machine does between two criterion
//! runs minutes apart (other tenants, frequency changes) falls on both sides of each ratio
//! alike. Prints a markdown table of the median of the per-round ratios, with the spread
//! between the 10th and 90th percentile; `cargo xtask bench-report` puts it in the report
//! beside criterion's medians.

use std::hint::black_box;
use std::time::Instant;

use http_upgrade_benches::{
    client_checked_request, client_expectation, client_floor, client_ours, client_request,
    client_write, client_write_floor, floor, floor_blocks, ours, plain_policy, responses,
    websocket_requests,
};

/// Rounds per pair; each round times one batch of each side, in alternating order.
const ROUNDS: usize = 301;
/// Operations per batch: a batch of a 300 ns operation takes about half a millisecond.
const BATCH: usize = 1500;

/// Nanoseconds per operation of one batch of `work`.
fn batch(work: &mut impl FnMut() -> usize) -> f64 {
    let start = Instant::now();
    let mut total = 0usize;
    for _ in 0..BATCH {
        total = total.wrapping_add(black_box(work()));
    }
    black_box(total);
    start.elapsed().as_nanos() as f64 / BATCH as f64
}

/// The median, 10th and 90th percentile of `ours / floor` over the rounds, and the two
/// median times.
fn paired(
    mut ours: impl FnMut() -> usize,
    mut floor: impl FnMut() -> usize,
) -> (f64, f64, f64, f64, f64) {
    // Warm both up first.
    for _ in 0..20 {
        batch(&mut ours);
        batch(&mut floor);
    }
    let mut ratios = Vec::with_capacity(ROUNDS);
    let mut ours_ns = Vec::with_capacity(ROUNDS);
    let mut floor_ns = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let (a, b) = if round % 2 == 0 {
            let a = batch(&mut ours);
            (a, batch(&mut floor))
        } else {
            let b = batch(&mut floor);
            (batch(&mut ours), b)
        };
        ratios.push(a / b);
        ours_ns.push(a);
        floor_ns.push(b);
    }
    let at = |values: &mut Vec<f64>, fraction: f64| {
        values.sort_by(f64::total_cmp);
        values[((values.len() - 1) as f64 * fraction).round() as usize]
    };
    (
        at(&mut ratios, 0.5),
        at(&mut ratios, 0.1),
        at(&mut ratios, 0.9),
        at(&mut ours_ns, 0.5),
        at(&mut floor_ns, 0.5),
    )
}

fn row(name: &str, floor_name: &str, result: (f64, f64, f64, f64, f64)) {
    let (median, low, high, ours_ns, floor_ns) = result;
    println!(
        "| {name} | {floor_name} | {floor_ns:.1} ns | {ours_ns:.1} ns | {median:.2} | {low:.2}-{high:.2} |"
    );
}

fn main() {
    let policy = plain_policy();
    let mut out = [0u8; 512];
    let mut floor_out = [0u8; 512];
    println!("| input | against | floor | ours | ours / floor, median of {ROUNDS} paired rounds | 10th-90th percentile |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    for input in websocket_requests() {
        let bytes = &input.bytes;
        for (floor_name, floor_fn) in [
            ("floor", floor as fn(&[u8], &mut [u8]) -> usize),
            ("floor-blocks", floor_blocks),
        ] {
            let result = paired(
                || ours(&policy, black_box(bytes), &mut out),
                || floor_fn(black_box(bytes), &mut floor_out),
            );
            row(&input.name, floor_name, result);
        }
    }
    let expectation = client_expectation();
    for input in responses() {
        let bytes = &input.bytes;
        let result = paired(
            || usize::from(client_ours(&expectation, black_box(bytes))),
            || usize::from(client_floor(black_box(bytes))),
        );
        row(
            &format!("client validate {}", input.name),
            "client floor",
            result,
        );
    }
    let request = client_request();
    let checked = client_checked_request();
    let result = paired(
        || client_write(black_box(&checked), &mut out),
        || client_write_floor(black_box(&request), &mut floor_out),
    );
    row("client write request", "write floor", result);
}
