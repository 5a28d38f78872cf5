//! The client side: write a request, validate a real 101.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use http_upgrade::{ClientRequest, Expectation, EMPTY_HEADER};
use http_upgrade_benches::responses;

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
        group.throughput(Throughput::Bytes(input.bytes.len() as u64));
        group.bench_function(format!("validate/{}", input.name), |b| {
            b.iter(|| {
                let mut headers = [EMPTY_HEADER; 16];
                black_box(
                    expectation
                        .validate(black_box(&input.bytes), &mut headers)
                        .is_ok(),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, client);
criterion_main!(benches);
