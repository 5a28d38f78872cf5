//! The whole server hot path: parse → negotiate → write the 101 into a buffer, with a plain
//! policy and with subprotocol and permessage-deflate negotiation; and beside it the same
//! requests as HTTP/2 extended CONNECT field sections (RFC 8441), negotiated into a status
//! and response fields.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use http_upgrade_benches::{
    connect_section, full_policy, ours, ours_connect, plain_policy, websocket_requests,
};

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

fn negotiate_connect(c: &mut Criterion) {
    let mut group = c.benchmark_group("negotiate_connect");
    for (label, policy) in [
        ("plain", plain_policy()),
        ("subprotocol+deflate", full_policy()),
    ] {
        for input in websocket_requests() {
            let section = connect_section(&input.bytes);
            let fields: Vec<http_upgrade::Header<'_>> = section
                .iter()
                .map(|(name, value)| http_upgrade::Header { name, value })
                .collect();
            assert_eq!(
                ours_connect(&policy, &fields, &mut [0u8; 512]),
                200,
                "{}",
                input.name
            );
            group.bench_function(format!("{label}/{}", input.name), |b| {
                let mut out = [0u8; 512];
                b.iter(|| black_box(ours_connect(&policy, black_box(&fields), &mut out)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, negotiate, negotiate_connect);
criterion_main!(benches);
