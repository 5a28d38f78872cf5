//! Instruction counts of exactly the function under test, ours and its floor in one group
//! (gungraun over callgrind; `cargo xtask instructions` is the front door). The inputs are
//! prepared in `setup`, outside the count.

use std::hint::black_box;

use gungraun::{library_benchmark, library_benchmark_group, main};
use http_upgrade_benches::peers::{hyper_fastwebsockets, hyper_runtime, soketto_accept};
use http_upgrade_benches::{
    client_expectation, client_floor, client_ours, client_request, client_write,
    client_write_floor, floor, ours, plain_policy, responses, tungstenite_accept,
    websocket_requests,
};

/// A request capture's bytes.
fn request(name: &str) -> Vec<u8> {
    websocket_requests()
        .into_iter()
        .find(|input| input.name == name)
        .expect("a request capture")
        .bytes
}

/// A captured 101's bytes.
fn response(name: &str) -> Vec<u8> {
    responses()
        .into_iter()
        .find(|input| input.name == name)
        .expect("a response capture")
        .bytes
}

#[library_benchmark]
#[benches::capture(
    args = ["aiohttp", "chromium", "curl-websocket", "node-ws", "python-websockets", "large-browser-4k"],
    setup = request
)]
fn server_ours(bytes: Vec<u8>) -> usize {
    let mut out = [0u8; 512];
    ours(&plain_policy(), black_box(&bytes), &mut out)
}

#[library_benchmark]
#[benches::capture(
    args = ["aiohttp", "chromium", "curl-websocket", "node-ws", "python-websockets", "large-browser-4k"],
    setup = request
)]
fn server_floor(bytes: Vec<u8>) -> usize {
    let mut out = [0u8; 512];
    floor(black_box(&bytes), &mut out)
}

#[library_benchmark]
#[benches::capture(
    args = ["aiohttp", "chromium", "curl-websocket", "node-ws", "python-websockets", "large-browser-4k"],
    setup = request
)]
fn server_tungstenite(bytes: Vec<u8>) -> usize {
    tungstenite_accept(black_box(&bytes))
}

#[library_benchmark]
#[benches::capture(
    args = ["aiohttp", "chromium", "curl-websocket", "node-ws", "python-websockets", "large-browser-4k"],
    setup = request
)]
fn server_soketto(bytes: Vec<u8>) -> usize {
    soketto_accept(black_box(&bytes))
}

/// The runtime is built in setup, outside the count, as a server builds it once.
fn request_and_runtime(name: &str) -> (tokio::runtime::Runtime, Vec<u8>) {
    (hyper_runtime(), request(name))
}

#[library_benchmark]
#[benches::capture(
    args = ["aiohttp", "chromium", "curl-websocket", "node-ws", "python-websockets", "large-browser-4k"],
    setup = request_and_runtime
)]
fn server_hyper_fastwebsockets((runtime, bytes): (tokio::runtime::Runtime, Vec<u8>)) -> usize {
    hyper_fastwebsockets(&runtime, black_box(&bytes))
}

#[library_benchmark]
#[benches::capture(args = ["response-node-ws", "response-python-websockets"], setup = response)]
fn client_validate_ours(bytes: Vec<u8>) -> bool {
    client_ours(&client_expectation(), black_box(&bytes))
}

#[library_benchmark]
#[benches::capture(args = ["response-node-ws", "response-python-websockets"], setup = response)]
fn client_validate_floor(bytes: Vec<u8>) -> bool {
    client_floor(black_box(&bytes))
}

#[library_benchmark]
fn client_write_ours() -> usize {
    let mut out = [0u8; 512];
    client_write(black_box(&client_request()), &mut out)
}

#[library_benchmark]
fn client_write_request_floor() -> usize {
    let mut out = [0u8; 512];
    client_write_floor(black_box(&client_request()), &mut out)
}

library_benchmark_group!(
    name = server;
    benchmarks = server_ours, server_floor, server_tungstenite, server_soketto, server_hyper_fastwebsockets
);
library_benchmark_group!(
    name = client;
    benchmarks = client_validate_ours, client_validate_floor, client_write_ours, client_write_request_floor
);

main!(library_benchmark_groups = server, client);
