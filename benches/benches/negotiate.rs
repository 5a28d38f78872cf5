//! The whole server hot path: parse → negotiate → write the 101 into a buffer, with a plain
//! policy and with subprotocol and permessage-deflate negotiation.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use http_upgrade_benches::{full_policy, ours, plain_policy, websocket_requests};

fn negotiate(c: &mut Criterion) {
    let mut group = c.benchmark_group("negotiate");
    for (label, policy) in [
        ("plain", plain_policy()),
        ("subprotocol+deflate", full_policy()),
    ] {
        for input in websocket_requests() {
            group.throughput(Throughput::Bytes(input.bytes.len() as u64));
            group.bench_function(format!("{label}/{}", input.name), |b| {
                let mut out = [0u8; 512];
                b.iter(|| black_box(ours(&policy, black_box(&input.bytes), &mut out)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, negotiate);
criterion_main!(benches);
