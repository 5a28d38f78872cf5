#![no_main]
//! See `http_upgrade_proptests::structured::handshake_model` for the case and its checks,
//! and `http_upgrade_proptests::model_mutations` for the mutator that edits it field by field.
use http_upgrade_proptests::model_case::ModelCase;
use http_upgrade_proptests::model_mutations;
use libfuzzer_sys::{fuzz_crossover, fuzz_mutator, fuzz_target, fuzzer_mutate, Corpus};

// `structured::handshake_model` on stable is this decode and check; here a non-case is
// rejected from the corpus, and the case is decoded once.
fuzz_target!(|data: &[u8]| -> Corpus {
    let Some(case) = ModelCase::decode(data) else {
        return Corpus::Reject;
    };
    http_upgrade_proptests::structured::check_case(&case);
    Corpus::Keep
});

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    model_mutations::mutate(data, size, max_size, seed, fuzzer_mutate)
});

fuzz_crossover!(|first: &[u8], second: &[u8], out: &mut [u8], seed: u32| {
    model_mutations::crossover(first, second, out, seed)
});
