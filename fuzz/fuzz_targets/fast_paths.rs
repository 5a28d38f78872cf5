#![no_main]
//! See `http_upgrade_proptests::oracles::fast_paths`: each fast path against the grammar code.
libfuzzer_sys::fuzz_target!(|data: &[u8]| http_upgrade_proptests::oracles::fast_paths(data));
