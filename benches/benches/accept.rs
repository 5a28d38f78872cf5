//! Sec-WebSocket-Key validation plus Accept computation (SHA-1 + base64), in keys per second.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use http_upgrade::Key;

fn accept(c: &mut Criterion) {
    let mut group = c.benchmark_group("accept");
    group.throughput(Throughput::Elements(1));
    group.bench_function("validate+accept", |b| {
        b.iter(|| {
            black_box(Key::parse(black_box(b"dGhlIHNhbXBsZSBub25jZQ==")).map(|key| key.accept()))
        })
    });
    group.bench_function("accept-only", |b| {
        let key = Key::from_nonce(b"the sample nonce");
        b.iter(|| black_box(black_box(key).accept()))
    });
    group.finish();
}

criterion_group!(benches, accept);
criterion_main!(benches);
