//! Every byte predicate of the grammars (RFC 9110 §5.5-§5.6, RFC 3986 §2, RFC 4648 §4),
//! and the class table derived from them: one 256-entry table built at compile time, one
//! lookup per byte, for the scanners of the hot path. This is the leaf of the crate: it
//! imports nothing. The grammar code in [`super::list`] says the same things one rule at a
//! time and is the reference the scanners are tested against.

// The byte predicates of the grammars, one rule each (RFC 9110 §5.6, RFC 3986 §2).

/// `tchar` membership for every byte value (RFC 9110 §5.6.2), built at compile time.
// A 256-entry table indexed by a `u8` cannot be indexed out of bounds.
#[allow(clippy::indexing_slicing)]
const IS_TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = matches!(byte as u8,
            b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_'
            | b'`' | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z');
        byte += 1;
    }
    table
};

/// Whether `byte` is a `tchar` (RFC 9110 §5.6.2).
#[inline]
#[allow(clippy::indexing_slicing)] // a u8 always indexes a 256-entry table
pub const fn is_tchar(byte: u8) -> bool {
    IS_TCHAR[byte as usize]
}

/// Whether `byte` is optional whitespace, SP or HTAB (RFC 9110 §5.6.3), or the CR and LF
/// of an obs-fold, which a response value may keep and a user agent reads as SP (RFC 9112
/// §5.2). Request values never hold CR or LF: httparse refuses them there.
pub const fn is_ows(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

/// `unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"` (RFC 3986 §2.3).
pub const fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// `sub-delims` (RFC 3986 §2.2) less `,`.
pub const fn is_sub_delim_not_comma(byte: u8) -> bool {
    matches!(
        byte,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b';' | b'='
    )
}

// The class table, derived from the predicates above.

/// `tchar` (RFC 9110 §5.6.2).
pub const TCHAR: u8 = 1;
/// OWS as [`is_ows`] reads it: SP, HTAB, and the CR and LF of an obs-fold.
pub const OWS: u8 = 2;
/// The base64 alphabet (RFC 4648 §4), without the pad.
pub const BASE64: u8 = 4;
/// `,`, the list separator (RFC 9110 §5.6.1).
pub const COMMA: u8 = 8;
/// A `reg-name` byte other than `%` (RFC 3986 §3.2.2: unreserved and sub-delims), less the
/// comma, as [`super::uri`] reads a Host.
pub const REG_NAME: u8 = 16;

/// A byte a field value may hold as this crate writes one: HTAB, SP, VCHAR and obs-text
/// (RFC 9110 §5.5), no other control.
pub const FIELD_VALUE: u8 = 32;
/// A byte a request-target may hold as written on the request line: visible ASCII but `#`
/// (RFC 9112 §3.2: the target forms are URI grammar, RFC 3986 §2, where any other byte is
/// percent-encoded, and none of them has a fragment, RFC 9112 §3.2.1-§3.2.2; RFC 6455 §3:
/// fragment identifiers MUST NOT be used in WebSocket URIs).
pub const TARGET: u8 = 64;

/// Every byte but the comma: the inside of a quote-free list element.
pub const NOT_COMMA: u8 = 128;

/// Every class of every byte value.
// A 256-entry table indexed by a `u8` cannot be indexed out of bounds.
#[allow(clippy::indexing_slicing)]
const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        let mut class = 0;
        if is_tchar(b) {
            class |= TCHAR;
        }
        if is_ows(b) {
            class |= OWS;
        }
        if b.is_ascii_alphanumeric() || b == b'+' || b == b'/' {
            class |= BASE64;
        }
        if b == b',' {
            class |= COMMA;
        }
        if is_unreserved(b) || is_sub_delim_not_comma(b) {
            class |= REG_NAME;
        }
        if b == b'\t' || (b >= b' ' && b != 0x7f) {
            class |= FIELD_VALUE;
        }
        if b > b' ' && b < 0x7f && b != b'#' {
            class |= TARGET;
        }
        if b != b',' {
            class |= NOT_COMMA;
        }
        table[byte] = class;
        byte += 1;
    }
    table
};

/// The classes of `byte`.
#[inline]
#[allow(clippy::indexing_slicing)] // a u8 always indexes a 256-entry table
pub const fn of(byte: u8) -> u8 {
    CLASSES[byte as usize]
}

/// Whether every byte of `bytes` has the class `class` (one bit): the classes of all the
/// bytes ANDed together, with no branch per byte, so a fixed-length input unrolls.
#[inline]
pub fn all(bytes: &[u8], class: u8) -> bool {
    bytes.iter().fold(class, |common, &b| common & of(b)) != 0
}

/// `a` equals the lowercase ASCII `lower` with ASCII case ignored, as
/// `a.eq_ignore_ascii_case(lower)` says, compared a word at a time: each word of `a` is ORed
/// with 0x20 exactly where `lower` has a letter (elsewhere bytes must be equal as they are).
// Always inlined: with `lower` a literal at the call site, its words and masks fold.
#[inline(always)]
pub fn eq_ignore_case_lower(a: &[u8], lower: &[u8]) -> bool {
    let len = lower.len();
    if a.len() != len {
        return false;
    }
    // Overlapping words cover every byte; with `lower` a literal, the compiler folds its
    // words and masks into constants.
    match len {
        0..=3 => a.eq_ignore_ascii_case(lower),
        4..=7 => word::<4>(a, lower, 0) && word::<4>(a, lower, len - 4),
        8..=16 => word::<8>(a, lower, 0) && word::<8>(a, lower, len - 8),
        17..=24 => word::<8>(a, lower, 0) && word::<8>(a, lower, 8) && word::<8>(a, lower, len - 8),
        _ => {
            let mut at = 0;
            while at + 8 < len {
                if !word::<8>(a, lower, at) {
                    return false;
                }
                at += 8;
            }
            word::<8>(a, lower, len - 8)
        }
    }
}

/// The length of the run at the start of `bytes` of bytes that have one of `classes`: four
/// bytes per step while all four have one (four independent lookups, one branch, no
/// dependency from one byte to the next but the position), then a byte at a time to the
/// run's end.
#[inline]
pub fn run_len(bytes: &[u8], classes: u8) -> usize {
    let mut at = 0usize;
    // (`wrapping_add` only to leave no equivalent mutant here: `at` is at most the length.)
    while let Some(&[a, b, c, d]) = bytes
        .get(at..at.wrapping_add(4))
        .and_then(|four| <&[u8; 4]>::try_from(four).ok())
    {
        if of(a) & of(b) & of(c) & of(d) & classes == 0 {
            break;
        }
        at += 4;
    }
    let rest = bytes.get(at..).unwrap_or_default();
    at + rest
        .iter()
        .position(|&b| of(b) & classes == 0)
        .unwrap_or(rest.len())
}

/// 0x20 in each byte of `word` that is a lowercase ASCII letter, else 0.
#[inline]
const fn letter_bits(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Per byte (all below 0x80 in a lowercase name, so no borrow crosses bytes): 0x80 set
    // when the byte is >= 'a' (0x61) and when it is > 'z' (0x7a); a letter has the first
    // and not the second.
    let at_least_a = (word | (0x80 * ONES)) - (0x61 * ONES);
    let above_z = (word | (0x80 * ONES)) - (0x7b * ONES);
    (at_least_a & !above_z & (0x80 * ONES)) >> 2
}

/// The `WIDTH` bytes of `a` at `at` equal those of `lower`, case ignored where `lower` has
/// a letter (`WIDTH` is 4 or 8).
#[inline]
fn word<const WIDTH: usize>(a: &[u8], lower: &[u8], at: usize) -> bool {
    let (Some(a), Some(lower)) = (a.get(at..at + WIDTH), lower.get(at..at + WIDTH)) else {
        return false;
    };
    let mut x = [0u8; 8];
    let mut y = [0u8; 8];
    let (Some(x_part), Some(y_part)) = (x.get_mut(..WIDTH), y.get_mut(..WIDTH)) else {
        return false;
    };
    x_part.copy_from_slice(a);
    y_part.copy_from_slice(lower);
    let (x, y) = (u64::from_le_bytes(x), u64::from_le_bytes(y));
    (x | letter_bits(y)) == y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_grammar_predicates() {
        for b in 0..=255u8 {
            assert_eq!(of(b) & TCHAR != 0, is_tchar(b), "{b}");
            assert_eq!(of(b) & OWS != 0, is_ows(b), "{b}");
            assert_eq!(
                of(b) & BASE64 != 0,
                b.is_ascii_alphanumeric() || b == b'+' || b == b'/',
                "{b}"
            );
            assert_eq!(of(b) & COMMA != 0, b == b',', "{b}");
            assert_eq!(of(b) & NOT_COMMA != 0, b != b',', "{b}");
            // RFC 9110 §5.5: field-vchar = VCHAR / obs-text, with SP and HTAB between.
            let vchar_or_obs_text = matches!(b, 0x21..=0x7E | 0x80..=0xFF);
            assert_eq!(
                of(b) & FIELD_VALUE != 0,
                vchar_or_obs_text || b == b' ' || b == b'\t',
                "{b}"
            );
            // RFC 9112 §3.2 with RFC 3986 §2: a request-target is visible ASCII, and
            // carries no fragment.
            assert_eq!(
                of(b) & TARGET != 0,
                matches!(b, 0x21..=0x7E) && b != b'#',
                "{b}"
            );
            assert_eq!(
                of(b) & REG_NAME != 0,
                is_unreserved(b) || is_sub_delim_not_comma(b),
                "{b}"
            );
        }
    }

    #[test]
    fn run_len_is_the_class_run() {
        let run = |bytes: &[u8]| bytes.iter().take_while(|&&b| is_tchar(b)).count();
        let base = b"permessage-deflate_x.Y!~9client";
        for b in 0..=255u8 {
            for at in 0..base.len() {
                let mut bytes = base.to_vec();
                bytes[at] = b;
                for len in [at + 1, bytes.len()] {
                    assert_eq!(
                        run_len(&bytes[..len], TCHAR),
                        run(&bytes[..len]),
                        "{b} at {at}"
                    );
                }
            }
        }
        assert_eq!(run_len(b"", TCHAR), 0);
    }

    #[test]
    fn word_compare_is_eq_ignore_ascii_case() {
        let names = [
            "host",
            "origin",
            "upgrade",
            "sec-websocket-extensions",
            // Past 24 bytes the compare loops a word at a time: a deflate parameter name, and
            // one long enough for the loop to go round three times.
            "server_no_context_takeover",
            "x-an-extension-name-of-forty-bytes-long",
            "http2-settings",
            "te",
            "a-b",
            "x{|}~\x7fy`@",
        ];
        for lower in names {
            for b in 0..=255u8 {
                for at in 0..lower.len() {
                    let mut a = lower.as_bytes().to_vec();
                    a[at] = b;
                    assert_eq!(
                        eq_ignore_case_lower(&a, lower.as_bytes()),
                        a.eq_ignore_ascii_case(lower.as_bytes()),
                        "{lower} {at} {b}"
                    );
                }
            }
            let upper = lower.to_ascii_uppercase();
            assert!(eq_ignore_case_lower(upper.as_bytes(), lower.as_bytes()));
            assert!(!eq_ignore_case_lower(
                &upper.as_bytes()[1..],
                lower.as_bytes()
            ));
        }
    }
}
