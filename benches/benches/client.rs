//! The client side: write a request, validate a real 101.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use http_upgrade::{ClientRequest, Expectation};
use http_upgrade_benches::{client_floor, client_ours, responses};

fn client(c: &mut Criterion) {
    let mut group = c.benchmark_group("client");
    let request = ClientRequest {
        host: "127.0.0.1:8080",
        target: "/chat",
        nonce: *b"the sample nonce",
        origin: Some("http://127.0.0.1:8080"),
        subprotocols: &["chat", "superchat"],
        extensions: Some("permessage-deflate; client_max_window_bits"),
    };
    group.throughput(Throughput::Elements(1));
    group.bench_function("write-request", |b| {
        let mut out = [0u8; 512];
        b.iter(|| black_box(black_box(&request).write(&mut out)))
    });
    let expectation = Expectation {
        extensions: Some(b"permessage-deflate; client_max_window_bits"),
        ..request.expectation()
    };
    for input in responses() {
        assert!(client_ours(&expectation, &input.bytes) && client_floor(&input.bytes));
        group.throughput(Throughput::Bytes(input.bytes.len() as u64));
        group.bench_function(format!("validate/{}", input.name), |b| {
            b.iter(|| black_box(client_ours(&expectation, black_box(&input.bytes))))
        });
        // The floor of the same answer: httparse, the Accept scan, SHA-1, base64, compare.
        group.bench_function(format!("floor/{}", input.name), |b| {
            b.iter(|| black_box(client_floor(black_box(&input.bytes))))
        });
    }
    group.finish();
}

criterion_group!(benches, client);
criterion_main!(benches);
