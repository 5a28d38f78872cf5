#![no_main]
//! See `http_upgrade_proptests::transport` for the model and its oracle.
libfuzzer_sys::fuzz_target!(
    |data: &[u8]| http_upgrade_proptests::transport::transport_equivalence(data)
);
