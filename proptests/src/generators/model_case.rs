//! One whole case of the structured fuzz targets: the client's request model, the server's
//! policy, the request's rendering, and the client side (how the 101 is dressed, a client
//! case, a one-field near miss). `handshake_structured` decodes it from raw bytes with
//! `arbitrary`; `handshake_model` reads it from a compact encoding (postcard) that its
//! mutator edits field by field ([`super::model_mutations`]).

use arbitrary::{Arbitrary, Unstructured};
use serde::{Deserialize, Serialize};

use super::model::{Handshake, Policy};
use super::near_miss::NearMiss;
use super::render::Rendering;
use super::response::ResponseRendering;
use crate::client_reference::ClientCase;

/// One case: what the two structured targets check.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ModelCase {
    /// The client's opening request.
    pub handshake: Handshake,
    /// The server's policy.
    pub policy: Policy,
    /// How the request is written.
    pub rendering: Rendering,
    /// How the server's 101 is dressed before the client reads it.
    pub dressing: Option<ResponseRendering>,
    /// A client's offers and a server answer, judged by the client reference.
    pub client: Option<ClientCase>,
    /// A valid request with one field edited once.
    pub near_miss: Option<NearMiss>,
}

/// The longest encoded case the model target reads: as `fuzz/handshake_model.options`'s
/// `max_len`, so the mutator's output always fits.
pub const MAX_ENCODED: usize = 4096;

impl ModelCase {
    /// The case `handshake_structured` reads from `data`: the request, policy and
    /// rendering, then each part of the client side from the bytes left, when they
    /// suffice. `None` when the bytes do not hold a request.
    pub fn from_arbitrary_bytes(data: &[u8]) -> Option<Self> {
        let mut input = Unstructured::new(data);
        Self::arbitrary_from(&mut input)
    }

    /// [`Self::from_arbitrary_bytes`] on an `Unstructured` already opened (the mutator's
    /// fresh values come from random bytes).
    pub fn arbitrary_from(input: &mut Unstructured<'_>) -> Option<Self> {
        let (handshake, policy, rendering) =
            <(Handshake, Policy, Rendering)>::arbitrary(input).ok()?;
        Some(ModelCase {
            handshake,
            policy,
            rendering,
            dressing: ResponseRendering::arbitrary(input).ok(),
            client: ClientCase::arbitrary(input).ok(),
            near_miss: NearMiss::arbitrary(input).ok(),
        })
    }

    /// The compact encoding `handshake_model` reads.
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// The case encoded in `data`; `None` when it is not one (libFuzzer then drops the
    /// input: `Corpus::Reject`) or is longer than [`MAX_ENCODED`].
    pub fn decode(data: &[u8]) -> Option<Self> {
        if data.len() > MAX_ENCODED {
            return None;
        }
        match postcard::take_from_bytes::<Self>(data) {
            Ok((case, [])) => Some(case),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_reads_back_from_its_encoding_and_nothing_else() {
        let mut decoded = 0;
        for seed in 0u32..300 {
            let bytes: Vec<u8> = (0..600u32)
                .map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add(seed * 97) >> 13) as u8)
                .collect();
            let Some(case) = ModelCase::from_arbitrary_bytes(&bytes) else {
                continue;
            };
            decoded += 1;
            let encoded = case.encode();
            assert!(!encoded.is_empty());
            assert_eq!(ModelCase::decode(&encoded).as_ref(), Some(&case));
            // Trailing bytes are not a case: one input, one case.
            let mut longer = encoded.clone();
            longer.push(0);
            assert_eq!(ModelCase::decode(&longer), None);
        }
        // arbitrary fills what the bytes do not cover with defaults: any bytes are a case
        // (the mutator's fresh values rely on it).
        assert_eq!(decoded, 300, "{decoded} of 300 byte strings decoded");
        assert!(ModelCase::from_arbitrary_bytes(&[]).is_some());
        assert_eq!(ModelCase::decode(&[]), None);
    }
}
