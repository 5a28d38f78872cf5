//! Peers side by side on the same bytes: the floor of our dependencies (and the floor with
//! SHA-1 from sha1's block function, as ours computes it), tungstenite's `accept`, and ours
//! (`ServerPolicy::respond`, plain policy), soketto's server handshake, and hyper's server
//! with fastwebsockets' upgrade (the common axum/hyper path).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use http_upgrade_benches::peers::{hyper_fastwebsockets, hyper_runtime, soketto_accept};
use http_upgrade_benches::{
    floor, floor_blocks, ours, plain_policy, tungstenite_accept, websocket_requests,
};

fn peers(c: &mut Criterion) {
    let policy = plain_policy();
    for input in websocket_requests() {
        let mut group = c.benchmark_group(format!("peers/{}", input.name));
        group.throughput(Throughput::Bytes(input.bytes.len() as u64));
        let mut out = [0u8; 512];
        assert!(floor(&input.bytes, &mut out) > 0, "{}: floor", input.name);
        assert!(
            ours(&policy, &input.bytes, &mut out) > 0,
            "{}: ours",
            input.name
        );
        assert!(
            tungstenite_accept(&input.bytes) > 0,
            "{}: tungstenite",
            input.name
        );
        group.bench_function("floor", |b| {
            b.iter(|| black_box(floor(black_box(&input.bytes), &mut out)))
        });
        group.bench_function("floor-blocks", |b| {
            b.iter(|| black_box(floor_blocks(black_box(&input.bytes), &mut out)))
        });
        group.bench_function("ours", |b| {
            b.iter(|| black_box(ours(&policy, black_box(&input.bytes), &mut out)))
        });
        group.bench_function("tungstenite", |b| {
            b.iter(|| black_box(tungstenite_accept(black_box(&input.bytes))))
        });
        group.bench_function("soketto", |b| {
            b.iter(|| black_box(soketto_accept(black_box(&input.bytes))))
        });
        let runtime = hyper_runtime();
        group.bench_function("hyper+fastwebsockets", |b| {
            b.iter(|| black_box(hyper_fastwebsockets(&runtime, black_box(&input.bytes))))
        });
        group.finish();
    }
}

criterion_group!(benches, peers);
criterion_main!(benches);
