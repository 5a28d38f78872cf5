#![no_main]
//! See `http_upgrade_proptests::structured` for the model and its oracle.
libfuzzer_sys::fuzz_target!(
    |data: &[u8]| http_upgrade_proptests::structured::handshake_structured(data)
);
