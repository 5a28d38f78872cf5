#![no_main]
//! See `http_upgrade_proptests::oracles::client_request`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| http_upgrade_proptests::oracles::client_request(data));
