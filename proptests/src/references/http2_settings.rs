//! HTTP2-Settings (RFC 7540 §3.2.1): a generator of values around the grammar's edges and a
//! reference written from the RFCs: a generic base64url decoder (RFC 4648 §5, no padding,
//! as §3.2.1 says), then the SETTINGS payload of RFC 9113 §6.5.1-§6.5.2 (the core decodes
//! 8 characters per parameter instead).

use proptest::collection::vec;
use proptest::prelude::*;

/// RFC 4648 §5 base64url without padding; `None` for a character outside the alphabet, a
/// length that leaves 1 character, or non-zero bits past the last byte (not canonical).
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = Vec::new();
    let mut bits: u32 = 0;
    let mut held = 0;
    for c in text.bytes() {
        let value = ALPHABET.iter().position(|&a| a == c)? as u32;
        bits = bits << 6 | value;
        held += 6;
        if held >= 8 {
            held -= 8;
            out.push((bits >> held) as u8);
            bits &= (1 << held) - 1;
        }
    }
    (held < 6 && bits == 0).then_some(out)
}

/// RFC 4648 §5 base64url of `bytes`, no padding.
pub fn base64url_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, &b| n << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// The parameters of a valid value, in order; `None` when the value is not one: RFC 7540
/// §3.2.1 (token68 base64url, no padding; at least one character), RFC 9113 §6.5.1 (6-byte
/// parameters), §6.5.2 (ENABLE_PUSH 0 or 1; INITIAL_WINDOW_SIZE at most 2^31-1;
/// MAX_FRAME_SIZE 2^14 to 2^24-1), RFC 8441 §3 (ENABLE_CONNECT_PROTOCOL 0 or 1), RFC 9218
/// §2.1 (NO_RFC7540_PRIORITIES 0 or 1); unknown identifiers are ignored (§6.5.2).
pub fn parameters(text: &str) -> Option<Vec<(u16, u32)>> {
    if text.is_empty() {
        return None;
    }
    let payload = base64url_decode(text)?;
    if payload.is_empty() || payload.len() % 6 != 0 {
        return None;
    }
    let mut out = Vec::new();
    for p in payload.chunks(6) {
        let id = u16::from_be_bytes([p[0], p[1]]);
        let value = u32::from_be_bytes([p[2], p[3], p[4], p[5]]);
        let ok = match id {
            0x2 | 0x8 | 0x9 => value <= 1,
            0x4 => value < (1 << 31),
            0x5 => ((1 << 14)..(1 << 24)).contains(&value),
            _ => true,
        };
        if !ok {
            return None;
        }
        out.push((id, value));
    }
    Some(out)
}

/// Values: 0 to 4 parameters (known identifiers at and past their bounds, unknown ones),
/// base64url-encoded, then sometimes edited: padding added, a character dropped, one
/// outside the alphabet put in (`+`, `/`, `=`, `.`, space).
pub fn candidate() -> impl Strategy<Value = String> {
    let id = prop_oneof![
        6 => prop::sample::select(vec![1u16, 2, 3, 4, 5, 6, 8, 9]),
        1 => any::<u16>(),
    ];
    let value = prop_oneof![
        4 => prop::sample::select(vec![0u32, 1, 2, 100, 0x3fff, 0x4000, 0x00ff_ffff, 0x0100_0000, 0x7fff_ffff, 0x8000_0000, u32::MAX]),
        1 => any::<u32>(),
    ];
    let edit = prop_oneof![
        6 => Just(None),
        1 => (0usize..64, prop::sample::select(vec!['+', '/', '=', '.', ' ', '~'])).prop_map(Some),
    ];
    let tail = prop_oneof![6 => Just(3u8), 1 => 0u8..3];
    (vec((id, value), 0..5), edit, tail).prop_map(|(params, edit, tail)| {
        let payload: Vec<u8> = params
            .iter()
            .flat_map(|(id, value)| id.to_be_bytes().into_iter().chain(value.to_be_bytes()))
            .collect();
        let mut text = base64url_encode(&payload);
        if let Some((at, c)) = edit {
            let at = at % (text.len() + 1);
            text.insert(at, c);
        }
        match tail {
            0 => text.push('='),
            1 => {
                text.pop();
            }
            2 => text.push('A'),
            _ => {}
        }
        text
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_reads_curls_value_and_refuses_the_edges() {
        assert_eq!(
            parameters("AAMAAABkAAQCAAAAAAIAAAAA"),
            Some(vec![(3, 100), (4, 0x0200_0000), (2, 0)])
        );
        assert_eq!(base64url_encode(&[0, 3, 0, 0, 0, 100]), "AAMAAABk");
        assert_eq!(base64url_decode("AAMAAABk"), Some(vec![0, 3, 0, 0, 0, 100]));
        for invalid in [
            "",
            "AAMAAABk=",
            "AAMAAAB",
            "AAIAAAAC",
            "AAUAAD__",
            "AAMAAAB+",
            "AAMAAABkA",
        ] {
            assert_eq!(parameters(invalid), None, "{invalid}");
        }
        assert_eq!(parameters("AAUAAEAA"), Some(vec![(5, 0x4000)]));
    }
}
