//! Sec-WebSocket-Key and Sec-WebSocket-Accept (RFC 6455 §4.1 item 7, §4.2.2 item 5.4, §1.3).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha1::{Digest as _, Sha1};

use crate::grammar::list::trim_ows;

/// The GUID appended to the key before hashing (RFC 6455 §1.3).
pub const GUID: &[u8; 36] = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// A valid Sec-WebSocket-Key: 24 base64 characters that decode to 16 bytes (RFC 6455 §4.1).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    text: [u8; 24],
}

impl Key {
    /// Checks a field value: OWS-trimmed, 24 characters of canonical base64 (RFC 4648 §4,
    /// with padding and zero trailing bits) decoding to exactly 16 bytes.
    pub fn parse(value: &[u8]) -> Option<Key> {
        Self::valid_text(trim_ows(value)).map(Key::from_valid_text)
    }

    /// The key of a text [`Key::valid_text`] took.
    pub(crate) fn from_valid_text(text: &[u8; 24]) -> Key {
        Key { text: *text }
    }

    /// [`Key::parse`] of an already OWS-trimmed value, without copying it: the value as
    /// the 24 characters of a valid key, if it is one.
    pub(crate) fn valid_text(value: &[u8]) -> Option<&[u8; 24]> {
        let text: &[u8; 24] = value.try_into().ok()?;
        canonical_16_bytes(text).then_some(text)
    }

    /// The key a client sends for its 16 random bytes (RFC 6455 §4.1 item 7).
    pub fn from_nonce(nonce: &[u8; 16]) -> Key {
        let mut text = [0u8; 24];
        // 16 bytes always encode to exactly 24 characters.
        let _ = STANDARD.encode_slice(nonce, &mut text);
        Key { text }
    }

    /// The key's text (RFC 6455 §4.1 item 7).
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.text).unwrap_or_default()
    }

    /// The key's 24 characters (RFC 6455 §4.1 item 7).
    pub fn as_bytes(&self) -> &[u8; 24] {
        &self.text
    }

    /// The Sec-WebSocket-Accept value for this key (RFC 6455 §4.2.2 item 5.4).
    pub fn accept(&self) -> Accept {
        Accept::for_key_text(&self.text)
    }
}

impl core::fmt::Debug for Key {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Key({})", self.as_str())
    }
}

/// Whether 24 characters are the canonical base64 of 16 bytes (RFC 4648 §4, §3.5): 21
/// alphabet characters, a 22nd that carries 2 bits and four zero bits (`A`, `Q`, `g`, `w`),
/// then `==`. One table lookup per character instead of a decode.
fn canonical_16_bytes(text: &[u8; 24]) -> bool {
    let [body @ .., last, b'=', b'='] = text else {
        return false;
    };
    crate::grammar::chars::all(body, crate::grammar::chars::BASE64)
        && matches!(last, b'A' | b'Q' | b'g' | b'w')
}

/// SHA-1 (FIPS 180-4) of a 24-character key followed by the GUID (RFC 6455 §4.2.2 item
/// 5.4). The message is always 60 bytes, so its padding (§5.1.1: `0x80`, zeros, the length
/// in bits) makes two blocks of fixed layout; they go to sha1's block function directly,
/// without the buffering of its `Digest` interface. Other lengths, which no
/// valid key has, take the `Digest` interface.
fn sha1_of_key_and_guid(key: &[u8; 24]) -> [u8; 20] {
    /// The initial hash value (FIPS 180-4 §5.3.1).
    const INITIAL: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    /// The first block without the key: the GUID after its 24 bytes, then `0x80`.
    // Evaluated at compile time: an index out of bounds fails the build, never a request.
    #[allow(clippy::indexing_slicing)]
    const FIRST: [u8; 64] = {
        let mut block = [0u8; 64];
        let mut at = 0;
        while at < GUID.len() {
            block[24 + at] = GUID[at];
            at += 1;
        }
        block[60] = 0x80;
        block
    };
    /// The second block: zeros, then the message length, 480 bits, big-endian.
    #[allow(clippy::indexing_slicing)]
    const SECOND: [u8; 64] = {
        let mut block = [0u8; 64];
        let length = (60u64 * 8).to_be_bytes();
        let mut at = 0;
        while at < 8 {
            block[56 + at] = length[at];
            at += 1;
        }
        block
    };
    let mut first = FIRST;
    let (head, _) = first.split_at_mut(24);
    head.copy_from_slice(key);
    let mut state = INITIAL;
    sha1::block_api::compress(&mut state, &[first, SECOND]);
    let mut digest = [0u8; 20];
    for (out, word) in digest.chunks_exact_mut(4).zip(state) {
        out.copy_from_slice(&word.to_be_bytes());
    }
    digest
}

/// The padded base64 of a 20-byte digest (RFC 4648 §4), 28 characters. The digest goes to
/// the base64 engine zero-extended to 27 bytes, the length at which its eight-bytes-a-step
/// loop starts (below it, every group takes the byte-at-a-time tail): characters 0-26 of
/// that encoding depend only on the digest (the 27th takes the last four bits of byte 19
/// and two zero bits, exactly as in the padded encoding), and the 28th is the pad.
fn base64_of_digest(digest: &[u8; 20]) -> [u8; 28] {
    let mut extended = [0u8; 27];
    let (head, _) = extended.split_at_mut(20);
    head.copy_from_slice(digest);
    let mut encoded = [0u8; 36];
    // 27 bytes always encode to exactly 36 characters.
    let _ = STANDARD.encode_slice(extended, &mut encoded);
    let mut text = [b'='; 28];
    let (body, _) = text.split_at_mut(27);
    body.copy_from_slice(encoded.get(..27).unwrap_or_default());
    text
}

/// A Sec-WebSocket-Accept value: base64(SHA-1(key ‖ GUID)), 28 characters, on the stack
/// (RFC 6455 §4.2.2 item 5.4).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Accept {
    text: [u8; 28],
}

impl Accept {
    /// Computes the Accept value for a key's exact text (RFC 6455 §1.3).
    pub(crate) fn for_key_text(key: &[u8]) -> Accept {
        let digest = match <&[u8; 24]>::try_from(key) {
            Ok(key) => sha1_of_key_and_guid(key),
            Err(_) => {
                let mut sha1 = Sha1::new();
                sha1.update(key);
                sha1.update(GUID);
                sha1.finalize().into()
            }
        };
        Accept {
            text: base64_of_digest(&digest),
        }
    }

    /// The value's text (RFC 6455 §4.2.2 item 5.4).
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.text).unwrap_or_default()
    }

    /// The value's bytes (RFC 6455 §4.2.2 item 5.4).
    pub fn as_bytes(&self) -> &[u8; 28] {
        &self.text
    }
}

impl core::fmt::Debug for Accept {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Accept({})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_blocks_hash_as_the_digest_interface_does() {
        for seed in 0..64u8 {
            let text: [u8; 24] = core::array::from_fn(|i| seed.wrapping_mul(31) ^ (i as u8 * 7));
            let mut sha1 = Sha1::new();
            sha1.update(text);
            sha1.update(GUID);
            let expected: [u8; 20] = sha1.finalize().into();
            assert_eq!(sha1_of_key_and_guid(&text), expected);
        }
    }

    use super::*;

    #[test]
    fn rfc_6455_sample() {
        let key = Key::parse(b"dGhlIHNhbXBsZSBub25jZQ==").expect("valid");
        assert_eq!(key.accept().as_str(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert_eq!(Key::from_nonce(b"the sample nonce"), key);
    }

    #[test]
    fn ows_is_trimmed() {
        assert!(Key::parse(b" \tdGhlIHNhbXBsZSBub25jZQ== ").is_some());
    }

    #[test]
    fn bad_keys() {
        for bad in [
            &b""[..],
            b"dGhlIHNhbXBsZSBub25jZQ=",
            b"dGhlIHNhbXBsZSBub25jZQ===",
            b"dGhlIHNhbXBsZSBub25jZR==",
            b"dGhlIHNhbXBsZSBub25jZQ!!",
            b"dGhlIHNhbXBsZSBub25jZXNz",
            b"dGhlIHNhbXBsZSBub25j ZQ=",
            b"dGhlIHNhbXBsZSBub25jZQ-_",
        ] {
            assert!(Key::parse(bad).is_none(), "{:?}", core::str::from_utf8(bad));
        }
    }
}
