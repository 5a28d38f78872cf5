//! The client side: write a request, validate a real 101.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use http_upgrade_benches::{
    client_check, client_check_and_write, client_checked_request, client_expectation, client_floor,
    client_ours, client_request, client_write, client_write_floor, responses,
};

fn client(c: &mut Criterion) {
    let mut group = c.benchmark_group("client");
    let request = client_request();
    let checked = client_checked_request();
    group.throughput(Throughput::Elements(1));
    group.bench_function("write/request", |b| {
        let mut out = [0u8; 512];
        b.iter(|| black_box(client_write(black_box(&checked), &mut out)))
    });
    // The floor of the same request: base64 of the nonce, the parts copied, no checks.
    group.bench_function("write-floor/request", |b| {
        let mut out = [0u8; 512];
        b.iter(|| black_box(client_write_floor(black_box(&request), &mut out)))
    });
    // What the checked request saves a reconnect: the parts checked, the offer parsed.
    group.bench_function("check/request", |b| {
        b.iter(|| black_box(client_check(black_box(&request))))
    });
    group.bench_function("check-and-write/request", |b| {
        let mut out = [0u8; 512];
        b.iter(|| black_box(client_check_and_write(black_box(&request), &mut out)))
    });
    let expectation = client_expectation();
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
