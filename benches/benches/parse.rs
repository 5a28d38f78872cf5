//! Request and response head parsing, in bytes per second.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use http_upgrade::{parse_request, parse_response, Limits, EMPTY_HEADER};
use http_upgrade_benches::{all_requests, responses};

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for input in all_requests() {
        group.throughput(Throughput::Bytes(input.bytes.len() as u64));
        group.bench_function(format!("request/{}", input.name), |b| {
            b.iter(|| {
                let mut headers = [EMPTY_HEADER; 32];
                black_box(
                    parse_request(black_box(&input.bytes), &mut headers, &Limits::DEFAULT).is_ok(),
                )
            })
        });
    }
    // httparse alone on the same bytes: how close our parse (limits, version check) runs
    // to the parser's own speed.
    for input in all_requests() {
        group.throughput(Throughput::Bytes(input.bytes.len() as u64));
        group.bench_function(format!("httparse/{}", input.name), |b| {
            b.iter(|| {
                let mut headers = [EMPTY_HEADER; 32];
                let mut request = httparse::Request::new(&mut headers);
                black_box(request.parse(black_box(&input.bytes)).is_ok())
            })
        });
    }
    for input in responses() {
        group.throughput(Throughput::Bytes(input.bytes.len() as u64));
        group.bench_function(format!("response/{}", input.name), |b| {
            b.iter(|| {
                let mut headers = [EMPTY_HEADER; 32];
                black_box(
                    parse_response(black_box(&input.bytes), &mut headers, &Limits::DEFAULT).is_ok(),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
