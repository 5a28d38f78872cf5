#![no_main]
//! See `http_upgrade::harness::extensions` for the properties this target checks.
libfuzzer_sys::fuzz_target!(|data: &[u8]| http_upgrade::harness::extensions(data));
