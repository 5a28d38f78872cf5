//! The `handshake_model` target's mutator (libFuzzer's `fuzz_mutator!` and
//! `fuzz_crossover!`): it edits the decoded [`ModelCase`], not its bytes, so every mutation
//! is a request, policy or rendering that differs in one field, one list element or one
//! flag. A field takes a fresh value drawn through `arbitrary` (which covers the model's
//! near-miss variants: a bad key or version, a Content-Length near miss, a refused
//! extension parameter), a list has an element inserted, deleted, duplicated or two
//! swapped (Upgrade offers, Connection options, subprotocols, extension offers, noise
//! fields, the rendering's order, case flips and whitespace), a flag flips, an index moves
//! to its neighbour. One call in eight leaves the bytes to libFuzzer's own mutator, so its
//! comparison and dictionary feedback still reach the encoding.

use arbitrary::Unstructured;
use proptest::prelude::RngExt as _;
use proptest::test_runner::{RngAlgorithm, TestRng};

use super::model::{
    DeflateWishes, Framing, HostRule, KeyField, Method, OriginRule, Presence, VersionField,
};
use super::model_case::{ModelCase, MAX_ENCODED};
use super::near_miss::NearMiss;
use super::response::ResponseRendering;
use crate::client_reference::ClientCase;

/// libFuzzer's byte-level mutator (`libfuzzer_sys::fuzzer_mutate`), handed in by the
/// target: this crate does not link libFuzzer.
pub type ByteMutator = fn(&mut [u8], usize, usize) -> usize;

/// The random source of one call, from libFuzzer's seed.
fn rng(seed: u32) -> TestRng {
    let mut bytes = [0x5a_u8; 16];
    bytes[..4].copy_from_slice(&seed.to_le_bytes());
    bytes[8..12].copy_from_slice(&(!seed).to_le_bytes());
    TestRng::from_seed(RngAlgorithm::XorShift, &bytes)
}

/// A case drawn from random bytes, as `handshake_structured` would decode them
/// (`arbitrary` fills what the bytes do not cover with defaults, so any bytes decode).
fn fresh(rng: &mut TestRng) -> ModelCase {
    let mut bytes = [0_u8; 256];
    rng.fill(&mut bytes[..]);
    ModelCase::arbitrary_from(&mut Unstructured::new(&bytes)).expect("any bytes decode")
}

/// The case encoded into `out[..limit]`; `None` when it does not fit.
fn write(case: &ModelCase, out: &mut [u8], limit: usize) -> Option<usize> {
    let limit = limit.min(out.len()).min(MAX_ENCODED);
    postcard::to_slice(case, &mut out[..limit])
        .ok()
        .map(|written| written.len())
}

/// What a field of the case can do besides taking a donor's value.
trait Field {
    /// Inserts (a donor's element), deletes, duplicates or swaps one element; `false` for
    /// a field that is no list.
    fn edit_elements(&mut self, _donor: &Self, _rng: &mut TestRng) -> bool {
        false
    }
}

impl<T: Clone> Field for Vec<T> {
    fn edit_elements(&mut self, donor: &Self, rng: &mut TestRng) -> bool {
        edit_list(self, donor, rng)
    }
}

/// The fields that are no list.
macro_rules! not_lists {
    ($($type:ty),* $(,)?) => {
        $(impl Field for $type {})*
    };
}

not_lists!(
    u8,
    u16,
    u32,
    bool,
    [u8; 16],
    Option<u8>,
    Method,
    Presence,
    KeyField,
    VersionField,
    Framing,
    Option<DeflateWishes>,
    OriginRule,
    HostRule,
    Option<ResponseRendering>,
    Option<ClientCase>,
    Option<NearMiss>,
);

/// Each top-level field of the case, once: `splice` copies field `which` of a donor,
/// `cross` takes each field from one parent or the other, `edit_elements` edits one
/// element of field `which` when it is a list.
macro_rules! whole_fields {
    ($($($part:ident).+),* $(,)?) => {
        /// How many fields [`splice`] knows.
        pub const FIELDS: usize = [$(stringify!($($part).+)),*].len();

        /// Copies field `which` (mod [`FIELDS`]) of `donor` into `case`.
        pub fn splice(case: &mut ModelCase, donor: &ModelCase, which: usize) {
            let which = which % FIELDS;
            let mut at = 0;
            $(
                if which == at {
                    case.$($part).+ = donor.$($part).+.clone();
                }
                at += 1;
            )*
            debug_assert_eq!(at, FIELDS);
        }

        fn cross(case: &mut ModelCase, other: &ModelCase, rng: &mut TestRng) {
            $(
                if rng.random_bool(0.5) {
                    case.$($part).+ = other.$($part).+.clone();
                }
            )*
        }

        /// An element edit of field `which` (mod [`FIELDS`]); `false` when it is no list.
        fn edit_elements(
            case: &mut ModelCase,
            donor: &ModelCase,
            which: usize,
            rng: &mut TestRng,
        ) -> bool {
            let which = which % FIELDS;
            let mut at = 0;
            $(
                if which == at {
                    return case.$($part).+.edit_elements(&donor.$($part).+, rng);
                }
                at += 1;
            )*
            let _ = at;
            false
        }
    };
}

whole_fields!(
    handshake.nonce,
    handshake.method,
    handshake.http10,
    handshake.host,
    handshake.host_presence,
    handshake.path,
    handshake.upgrade,
    handshake.connection,
    handshake.key,
    handshake.version,
    handshake.origin,
    handshake.framing,
    handshake.expect,
    handshake.http2_settings,
    handshake.subprotocols,
    handshake.extensions,
    handshake.noise,
    handshake.trailing,
    policy.protocols,
    policy.subprotocols,
    policy.server_order,
    policy.deflate,
    policy.require_upgrade,
    policy.origins,
    policy.require_origin,
    policy.allow_body,
    policy.hosts,
    rendering.order,
    rendering.casing,
    rendering.ows,
    rendering.split_mask,
    rendering.empty_elements,
    rendering.padding,
    dressing,
    client,
    near_miss,
);

/// The most elements a list edit grows a list to.
const MAX_LIST: usize = 48;

/// Inserts (a donor's element), deletes, duplicates or swaps one element of `list`;
/// whether it changed.
fn edit_list<T: Clone>(list: &mut Vec<T>, donor: &[T], rng: &mut TestRng) -> bool {
    let len = list.len();
    match rng.random_range(0..4u8) {
        0 if !donor.is_empty() && len < MAX_LIST => {
            let element = donor[rng.random_range(0..donor.len())].clone();
            list.insert(rng.random_range(0..=len), element);
        }
        1 if len > 0 => {
            list.remove(rng.random_range(0..len));
        }
        2 if len > 0 && len < MAX_LIST => {
            let element = list[rng.random_range(0..len)].clone();
            list.insert(rng.random_range(0..=len), element);
        }
        3 if len >= 2 => {
            let (a, b) = (rng.random_range(0..len), rng.random_range(0..len));
            list.swap(a, b);
        }
        _ => return false,
    }
    true
}

/// Flips one flag or moves one index to a neighbour (a near table entry).
fn flip_or_nudge(case: &mut ModelCase, rng: &mut TestRng) {
    let step = |value: u8, rng: &mut TestRng| {
        if rng.random_bool(0.5) {
            value.wrapping_add(1)
        } else {
            value.wrapping_sub(1)
        }
    };
    match rng.random_range(0..9u8) {
        0 => case.handshake.http10 = !case.handshake.http10,
        1 => case.policy.server_order = !case.policy.server_order,
        2 => case.policy.require_upgrade = !case.policy.require_upgrade,
        3 => case.policy.require_origin = !case.policy.require_origin,
        4 => case.policy.allow_body = !case.policy.allow_body,
        5 => case.rendering.empty_elements = !case.rendering.empty_elements,
        6 => case.handshake.host = step(case.handshake.host, rng),
        7 => case.handshake.path = step(case.handshake.path, rng),
        _ => {
            let origin = case.handshake.origin.unwrap_or(0);
            case.handshake.origin = Some(step(origin, rng));
        }
    }
}

/// One structural edit of `case`, fresh values taken from `donor`.
fn edit(case: &mut ModelCase, donor: &ModelCase, rng: &mut TestRng) {
    match rng.random_range(0..8u8) {
        0..=3 => splice(case, donor, rng.random_range(0..FIELDS)),
        4..=6 => {
            // A third of the fields are lists: a few draws find one.
            let edited = (0..4).any(|_| {
                let which = rng.random_range(0..FIELDS);
                edit_elements(case, donor, which, rng)
            });
            if !edited {
                splice(case, donor, rng.random_range(0..FIELDS));
            }
        }
        _ => flip_or_nudge(case, rng),
    }
}

/// `fuzz_mutator!`: `data[..size]` mutated in place, at most `max_size` bytes; the new size.
/// An input that is not a case becomes a fresh one; one call in eight, or an edit whose
/// encoding does not fit, goes to libFuzzer's byte mutator instead.
pub fn mutate(
    data: &mut [u8],
    size: usize,
    max_size: usize,
    seed: u32,
    bytes: ByteMutator,
) -> usize {
    let mut rng = rng(seed);
    let size = size.min(data.len());
    let Some(mut case) = ModelCase::decode(&data[..size]) else {
        return write(&fresh(&mut rng), data, max_size)
            .unwrap_or_else(|| bytes(data, size, max_size));
    };
    if rng.random_ratio(1, 8) {
        return bytes(data, size, max_size);
    }
    let donor = fresh(&mut rng);
    for _ in 0..rng.random_range(1..=3u8) {
        edit(&mut case, &donor, &mut rng);
    }
    write(&case, data, max_size).unwrap_or_else(|| bytes(data, size, max_size))
}

/// `fuzz_crossover!`: each field of the child from one parent or the other, written to
/// `out`; the child's size (0 when neither parent is a case).
pub fn crossover(first: &[u8], second: &[u8], out: &mut [u8], seed: u32) -> usize {
    let mut rng = rng(seed);
    match (ModelCase::decode(first), ModelCase::decode(second)) {
        (Some(mut child), Some(other)) => {
            cross(&mut child, &other, &mut rng);
            write(&child, out, out.len()).unwrap_or(0)
        }
        (Some(one), None) | (None, Some(one)) => write(&one, out, out.len()).unwrap_or(0),
        (None, None) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(seed: u32) -> ModelCase {
        fresh(&mut rng(seed))
    }

    fn unchanged(data: &mut [u8], size: usize, _max: usize) -> usize {
        let _ = data;
        size
    }

    #[test]
    fn every_field_is_spliced() {
        // Splicing every field of a donor into a case makes the donor: no field is missed.
        let (mut target, donor) = (case(1), case(2));
        assert_ne!(target, donor);
        for which in 0..FIELDS {
            splice(&mut target, &donor, which);
        }
        assert_eq!(target, donor);
    }

    #[test]
    fn mutants_are_cases_that_fit_and_mostly_differ() {
        let mut changed = 0;
        for seed in 0..500u32 {
            let original = case(seed);
            let mut data = vec![0_u8; MAX_ENCODED];
            let size = write(&original, &mut data, MAX_ENCODED).expect("fits");
            let max_size = (size + 64).min(MAX_ENCODED);
            let new_size = mutate(&mut data, size, max_size, seed.wrapping_mul(7), unchanged);
            assert!(new_size <= max_size);
            let mutated = ModelCase::decode(&data[..new_size]).expect("a case");
            if mutated != original {
                changed += 1;
            }
        }
        // One call in eight goes to the byte mutator (here: no change).
        assert!(changed > 380, "{changed} of 500 calls changed the case");
    }

    #[test]
    fn bytes_that_are_no_case_become_a_fresh_case() {
        let mut data = vec![0xff_u8; 64];
        data.resize(MAX_ENCODED, 0);
        let size = mutate(&mut data, 64, MAX_ENCODED, 9, unchanged);
        assert!(ModelCase::decode(&data[..size]).is_some());
    }

    #[test]
    fn a_child_takes_each_field_from_a_parent() {
        let (first, second) = (case(3), case(4));
        let mut out = vec![0_u8; MAX_ENCODED];
        for seed in 0..50u32 {
            let size = crossover(&first.encode(), &second.encode(), &mut out, seed);
            let child = ModelCase::decode(&out[..size]).expect("a case");
            let from = |parent: &ModelCase| {
                (0..FIELDS)
                    .filter(|&which| {
                        let mut probe = child.clone();
                        splice(&mut probe, parent, which);
                        probe == child
                    })
                    .count()
            };
            let (from_first, from_second) = (from(&first), from(&second));
            // Every field equals the first parent's or the second's.
            assert!(from_first + from_second >= FIELDS, "seed {seed}");
        }
        let size = crossover(&first.encode(), &first.encode(), &mut out, 1);
        assert_eq!(ModelCase::decode(&out[..size]), Some(first));
    }

    #[test]
    fn the_twelve_lists_take_element_edits_and_nothing_else_does() {
        let (mut case, donor) = (case(6), case(7));
        let offer = crate::model::ProtocolOffer {
            name: 0,
            version: None,
        };
        let extension = crate::model::ExtensionOffer::Other(0);
        let h = &mut case.handshake;
        (h.upgrade, h.connection, h.http2_settings) = (vec![offer; 2], vec![0, 1], vec![0, 1]);
        (h.subprotocols, h.extensions) = (vec![0, 1], vec![extension; 2]);
        (h.noise, h.trailing) = (
            vec![crate::model::Noise { name: 0, value: 1 }; 2],
            vec![0, 1],
        );
        (case.policy.protocols, case.policy.subprotocols) = (vec![0, 1], vec![0, 1]);
        let r = &mut case.rendering;
        (r.order, r.casing, r.ows) = (vec![0, 1], vec![true, false], vec![0, 1]);
        let mut rng = rng(8);
        let lists = (0..FIELDS)
            .filter(|&which| {
                (0..32).any(|_| edit_elements(&mut case.clone(), &donor, which, &mut rng))
            })
            .count();
        // Upgrade, Connection, HTTP2-Settings, subprotocols, extensions, noise, trailing
        // bytes; the policy's protocols and subprotocols; order, casing and OWS.
        assert_eq!(lists, 12);
    }

    #[test]
    fn list_edits_change_one_element() {
        let mut rng = rng(5);
        let donor = [9_u8, 9, 9];
        for _ in 0..200 {
            let mut list = vec![1_u8, 2, 3];
            let before = list.clone();
            if edit_list(&mut list, &donor, &mut rng) {
                assert!(list.len().abs_diff(before.len()) <= 1);
                assert!(list != before || before.len() >= 2);
            } else {
                assert_eq!(list, before);
            }
        }
    }
}
