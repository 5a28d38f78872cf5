#![no_main]
//! See `http_upgrade_proptests::oracles::extended_connect` for the input form and its oracles.
libfuzzer_sys::fuzz_target!(|data: &[u8]| http_upgrade_proptests::oracles::extended_connect(data));
