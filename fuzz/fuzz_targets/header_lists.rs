#![no_main]
//! See `http_upgrade_proptests::oracles::header_lists` for the properties this target checks.
libfuzzer_sys::fuzz_target!(|data: &[u8]| http_upgrade_proptests::oracles::header_lists(data));
