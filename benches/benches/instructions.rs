//! Instruction counts of exactly the function under test, ours and its floor in one group
//! (gungraun over callgrind; `cargo xtask instructions` is the front door). The inputs are
//! prepared in `setup`, outside the count.

use std::hint::black_box;

use gungraun::{library_benchmark, library_benchmark_group, main};
use http_upgrade_benches::peers::{hyper_fastwebsockets, hyper_runtime, soketto_accept};
use http_upgrade_benches::{
    client_check, client_check_and_write, client_checked_request, client_expectation, client_floor,
    client_ours, client_request, client_write, client_write_floor, floor, ours, plain_policy,
    responses, tungstenite_accept, websocket_requests,
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

/// A captured 101 and the expectation a client keeps from its checked request, built
/// outside the count as a client builds it once per request.
fn expectation_and_response(name: &str) -> (http_upgrade::Expectation<'static>, Vec<u8>) {
    (client_expectation(), response(name))
}

#[library_benchmark]
#[benches::capture(
    args = ["response-node-ws", "response-python-websockets"],
    setup = expectation_and_response
)]
fn client_validate_ours(
    (expectation, bytes): (http_upgrade::Expectation<'static>, Vec<u8>),
) -> bool {
    client_ours(black_box(&expectation), black_box(&bytes))
}

#[library_benchmark]
#[benches::capture(args = ["response-node-ws", "response-python-websockets"], setup = response)]
fn client_validate_floor(bytes: Vec<u8>) -> bool {
    client_floor(black_box(&bytes))
}

// Writing a checked request: the parts were checked (`client_check_request_ours`) once.
#[library_benchmark]
#[bench::request(setup = client_checked_request)]
fn client_write_ours(request: http_upgrade::CheckedRequest<'static>) -> usize {
    let mut out = [0u8; 512];
    client_write(black_box(&request), &mut out)
}

#[library_benchmark]
#[bench::request(setup = client_request)]
fn client_write_request_floor(request: http_upgrade::ClientRequest<'static>) -> usize {
    let mut out = [0u8; 512];
    client_write_floor(black_box(&request), &mut out)
}

// The check a checked request saves: every part judged, the extension offer parsed.
#[library_benchmark]
#[bench::request(setup = client_request)]
fn client_check_request_ours(request: http_upgrade::ClientRequest<'static>) -> bool {
    client_check(black_box(&request))
}

// Check and write in one call (`http_upgrade::ClientRequest::write`).
#[library_benchmark]
#[bench::request(setup = client_request)]
fn client_check_and_write_ours(request: http_upgrade::ClientRequest<'static>) -> usize {
    let mut out = [0u8; 512];
    client_check_and_write(black_box(&request), &mut out)
}

library_benchmark_group!(
    name = server;
    benchmarks = server_ours, server_floor, server_tungstenite, server_soketto, server_hyper_fastwebsockets
);
library_benchmark_group!(
    name = client;
    benchmarks = client_validate_ours, client_validate_floor, client_write_ours, client_write_request_floor, client_check_request_ours, client_check_and_write_ours
);

main!(library_benchmark_groups = server, client);
