//! An independent SHA-1 (FIPS 180-4 §6.1) and base64 (RFC 4648 §4), written plainly so the
//! fuzz oracles do not trust the crates the product uses, and the RFC 9110 token grammar
//! every oracle judges names and protocols by.

use std::string::String;
use std::vec::Vec;

/// A request-target as both roles hold it (the behaviour table's "request-target" row):
/// origin-form (`/` first) or absolute-form (`scheme ":"`, RFC 3986 §3.1: a letter, then
/// letters, digits, `+`, `-`, `.`), the forms RFC 9112 §3.2.1-§3.2.2 allow outside CONNECT
/// and OPTIONS; visible ASCII only (RFC 3986 §2: any other byte is percent-encoded), and no
/// `#`: neither form has a fragment (RFC 3986 §3.5), and RFC 6455 §3 says fragment
/// identifiers MUST NOT be used in WebSocket URIs.
pub fn request_target_ok(target: &str) -> bool {
    let visible = !target.is_empty()
        && target
            .bytes()
            .all(|b| (0x21..=0x7e).contains(&b) && b != b'#');
    let scheme = target.split_once(':').map(|(s, _)| s).filter(|s| {
        s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    });
    visible && (target.starts_with('/') || scheme.is_some())
}

/// SHA-1 of `message`.
pub fn sha1(message: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut padded: Vec<u8> = message.to_vec();
    padded.push(0x80);
    while padded.len() % 64 != 56 {
        padded.push(0);
    }
    padded.extend_from_slice(&((message.len() as u64) * 8).to_be_bytes());
    for block in padded.chunks(64) {
        let mut w = [0u32; 80];
        for t in 0..16 {
            w[t] = u32::from_be_bytes([
                block[4 * t],
                block[4 * t + 1],
                block[4 * t + 2],
                block[4 * t + 3],
            ]);
        }
        for t in 16..80 {
            w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (t, &word) in w.iter().enumerate() {
            let (f, k) = match t {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let temp = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(word);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = temp;
        }
        for (slot, value) in h.iter_mut().zip([a, b, c, d, e]) {
            *slot = slot.wrapping_add(value);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Whether a Sec-WebSocket-Key field value, less surrounding OWS (SP, HTAB, and the CR LF
/// of an obs-fold), is "a base64-encoded (see Section 4 of \[RFC4648\]) value that, when
/// decoded, is 16 bytes in length" (RFC 6455 §4.1 item 7, §11.3.1), in canonical form:
/// 16 bytes encode as 22 alphabet characters and `==`, and canonical base64 leaves the
/// unused low 4 bits of the 22nd character zero (RFC 4648 §3.5). Decoding is done by
/// re-encoding: the value is canonical exactly when some 16 bytes encode to it.
pub fn is_websocket_key(value: &[u8]) -> bool {
    let is_ows = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let start = value.iter().position(|b| !is_ows(b)).unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| !is_ows(b))
        .map_or(start, |i| i + 1);
    let text = &value[start..end.max(start)];
    if text.len() != 24 || !text.ends_with(b"==") {
        return false;
    }
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let Some(sextets) = text[..22]
        .iter()
        .map(|c| ALPHABET.iter().position(|a| a == c))
        .collect::<Option<Vec<usize>>>()
    else {
        return false;
    };
    // 22 sextets are 132 bits: the first 128 are the 16 bytes.
    let mut bits: u128 = 0;
    for sextet in &sextets[..21] {
        bits = (bits << 6) | *sextet as u128;
    }
    bits = (bits << 2) | (sextets[21] >> 4) as u128;
    let bytes = bits.to_be_bytes();
    base64(&bytes).as_bytes() == text
}

/// The Sec-WebSocket-Accept for a key's text (RFC 6455 §1.3), computed with the above.
pub fn accept(key: &str) -> String {
    let mut input = key.as_bytes().to_vec();
    input.extend_from_slice(b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    base64(&sha1(&input))
}

/// The values of every field line named `name` (case-insensitive, RFC 9110 §5.1), in order.
pub fn field_values<'b>(headers: &[httparse::Header<'b>], name: &str) -> Vec<&'b [u8]> {
    headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value)
        .collect()
}

/// `tchar` (RFC 9110 §5.6.2).
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// `token = 1*tchar` (RFC 9110 §5.6.2).
pub fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| is_tchar(b))
}

/// `protocol = protocol-name ["/" protocol-version]`, both tokens (RFC 9110 §7.8).
pub fn is_protocol(bytes: &[u8]) -> bool {
    match bytes.iter().position(|&b| b == b'/') {
        Some(slash) => is_token(&bytes[..slash]) && is_token(&bytes[slash + 1..]),
        None => is_token(bytes),
    }
}

/// One extension of a Sec-WebSocket-Extensions list as RFC 6455 §9.1 reads it: its
/// token and its parameters, each value unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionOffer {
    /// `extension-token`.
    pub name: Vec<u8>,
    /// Each `extension-param`: its token and, after `=`, its value (a quoted-string's
    /// text with every quoted-pair resolved).
    pub params: Vec<(Vec<u8>, Option<Vec<u8>>)>,
}

/// A Sec-WebSocket-Extensions value as a client may send it (RFC 6455 §9.1, with the list
/// rule of RFC 9110 §5.6.1 and whitespace around the separators): the extensions it
/// offers, or `None` when it breaks the grammar or offers none (`1#extension`).
///
/// ```text
/// extension       = extension-token *( ";" extension-param )
/// extension-param = token [ "=" ( token / quoted-string ) ]
/// ```
///
/// "When using the quoted-string syntax variant, the value after quoted-string unescaping
/// MUST conform to the 'token' ABNF."
pub fn extension_offers(value: &[u8]) -> Option<Vec<ExtensionOffer>> {
    let mut reader = Reader {
        bytes: value,
        at: 0,
    };
    let mut offers = Vec::new();
    loop {
        reader.whitespace();
        match reader.peek() {
            None => break,
            Some(b',') => {
                reader.at += 1;
                continue;
            }
            Some(_) => {}
        }
        let mut offer = ExtensionOffer {
            name: reader.token()?,
            params: Vec::new(),
        };
        loop {
            reader.whitespace();
            if reader.peek() != Some(b';') {
                break;
            }
            reader.at += 1;
            reader.whitespace();
            let name = reader.token()?;
            reader.whitespace();
            let mut param_value = None;
            if reader.peek() == Some(b'=') {
                reader.at += 1;
                reader.whitespace();
                param_value = Some(if reader.peek() == Some(b'"') {
                    Some(reader.quoted_string()?).filter(|text| is_token(text))?
                } else {
                    reader.token()?
                });
            }
            offer.params.push((name, param_value));
        }
        offers.push(offer);
        reader.whitespace();
        match reader.peek() {
            None => break,
            Some(b',') => reader.at += 1,
            Some(_) => return None,
        }
    }
    (!offers.is_empty()).then_some(offers)
}

/// How many extensions [`extension_offers`] reads in `value`.
pub fn extension_offer_count(value: &[u8]) -> Option<usize> {
    extension_offers(value).map(|offers| offers.len())
}

/// A cursor over a field value for [`extension_offers`].
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// SP and HTAB (RFC 9110 §5.6.3).
    fn whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    fn token(&mut self) -> Option<Vec<u8>> {
        let start = self.at;
        while self.peek().is_some_and(is_tchar) {
            self.at += 1;
        }
        (self.at > start).then(|| self.bytes[start..self.at].to_vec())
    }

    /// `quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE`, its text unescaped
    /// (RFC 9110 §5.6.4).
    fn quoted_string(&mut self) -> Option<Vec<u8>> {
        let qdtext = |b: u8| {
            b == b'\t'
                || b == b' '
                || b == 0x21
                || (0x23..=0x5b).contains(&b)
                || (0x5d..=0x7e).contains(&b)
                || b >= 0x80
        };
        let escapable = |b: u8| b == b'\t' || b == b' ' || (0x21..=0x7e).contains(&b) || b >= 0x80;
        self.at += 1;
        let mut text = Vec::new();
        loop {
            let byte = self.peek()?;
            self.at += 1;
            match byte {
                b'"' => return Some(text),
                b'\\' => {
                    let escaped = self.peek().filter(|&b| escapable(b))?;
                    self.at += 1;
                    text.push(escaped);
                }
                b if qdtext(b) => text.push(b),
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        assert_eq!(base64(b"the sample nonce"), "dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(&sha1(b"abc")), "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
        assert_eq!(base64(&sha1(b"")), "2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(
            accept("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
        let long = [b'a'; 1000];
        assert_eq!(base64(&sha1(&long)), "KR6abGaZSUm1e6XmUDYemPw2sbo=");
    }

    #[test]
    fn extension_offers_by_the_grammar() {
        // RFC 7692 §5's examples, and RFC 6455 §9.1's.
        for (value, count) in [
            (&b"permessage-deflate; client_max_window_bits"[..], 1),
            (b"permessage-deflate; client_max_window_bits; server_max_window_bits=10, permessage-deflate; client_max_window_bits", 2),
            (b"foo, bar; baz=2", 2),
            (b"mux; max-channels=4; flow-control, deflate-stream", 2),
            (b"x; a=\"b\" , , y ;c", 2),
            (b"x; a=\"\\b\"", 1),
        ] {
            assert_eq!(extension_offer_count(value), Some(count), "{value:?}");
        }
        for value in [
            &b""[..],
            b" , ",
            b"x;",
            b"x; =1",
            b"x; a=",
            b"x y",
            b"x; a=\"b c\"",
            b"x; a=\"\"",
            b"x; a=\"b",
            b"\"x\"",
            b"x\r\n",
            b"x; a=b=c",
            b"x/1",
        ] {
            assert_eq!(extension_offer_count(value), None, "{value:?}");
        }
    }
}
