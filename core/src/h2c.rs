//! The h2c upgrade (RFC 7540 §3.2, §3.2.1): HTTP/1.1 to cleartext HTTP/2 with the client's
//! first SETTINGS carried in `HTTP2-Settings`. RFC 9113 §3.1 deprecates it, but curl and
//! nghttp2 still send it; a policy takes it only when it lists `h2c`.

use crate::error::{list_reject, RejectReason};
use crate::http1::fields::{Known, KnownFields, Singleton};

/// The protocol token (RFC 7540 §3.2).
pub const PROTOCOL: &str = "h2c";

/// One SETTINGS parameter is 6 bytes, which base64url writes in exactly 8 characters.
const SETTING_CHARS: usize = 8;

/// A checked `HTTP2-Settings` value: base64url of a SETTINGS payload, each known parameter
/// within its range (RFC 7540 §3.2.1, RFC 9113 §6.5.2). Decodes lazily, allocation-free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Http2Settings<'b> {
    text: &'b [u8],
}

/// The value of one base64url character (RFC 4648 §5), or `None`.
const fn sextet(c: u8) -> Option<u32> {
    let value = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(value as u32)
}

/// Decodes 8 base64url characters into one `(identifier, value)` SETTINGS parameter.
fn decode(chunk: &[u8]) -> Option<(u16, u32)> {
    let mut bits: u64 = 0;
    for &c in chunk {
        bits = bits << 6 | u64::from(sextet(c)?);
    }
    let identifier = (bits >> 32) as u16;
    let value = (bits & 0xffff_ffff) as u32;
    Some((identifier, value))
}

/// Whether a parameter's value is in the range RFC 9113 §6.5.2 (and RFC 8441 §3, RFC 9218
/// §2.1) give its identifier; unknown identifiers are ignored, so always in range.
const fn in_range(identifier: u16, value: u32) -> bool {
    match identifier {
        // SETTINGS_ENABLE_PUSH, SETTINGS_ENABLE_CONNECT_PROTOCOL, SETTINGS_NO_RFC7540_PRIORITIES
        0x2 | 0x8 | 0x9 => value <= 1,
        // SETTINGS_INITIAL_WINDOW_SIZE
        0x4 => value <= 0x7fff_ffff,
        // SETTINGS_MAX_FRAME_SIZE
        0x5 => value >= 0x4000 && value <= 0x00ff_ffff,
        _ => true,
    }
}

impl<'b> Http2Settings<'b> {
    /// Checks an `HTTP2-Settings` value: `token68` in the base64url alphabet without padding,
    /// a whole number of 6-byte parameters (at least one), each known one in range.
    pub(crate) fn parse(text: &'b [u8]) -> Option<Self> {
        if text.is_empty() || text.len() % SETTING_CHARS != 0 {
            return None;
        }
        let all_in_range = text
            .chunks(SETTING_CHARS)
            .all(|chunk| decode(chunk).is_some_and(|(id, value)| in_range(id, value)));
        all_in_range.then_some(Self { text })
    }

    /// The value as sent.
    pub fn as_bytes(&self) -> &'b [u8] {
        self.text
    }

    /// The `(identifier, value)` parameters in the order sent (RFC 9113 §6.5.1).
    pub fn iter(&self) -> impl Iterator<Item = (u16, u32)> + 'b {
        self.text.chunks(SETTING_CHARS).filter_map(decode)
    }
}

/// The h2c checks of RFC 7540 §3.2-§3.2.1 on a request choosing `h2c`: exactly one
/// HTTP2-Settings, named as a Connection option, with a valid payload; not for an
/// `https` target.
pub fn check<'b>(
    fields: &KnownFields<'_, 'b>,
    target: &str,
    max_list_elements: usize,
) -> Result<Http2Settings<'b>, RejectReason> {
    let scheme_is_https = target
        .split_once(':')
        .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case("https"));
    if scheme_is_https {
        return Err(RejectReason::H2cOverTls);
    }
    let Singleton::One(value) = fields.singleton(Known::Http2Settings) else {
        return Err(RejectReason::MissingHttp2Settings);
    };
    let named = crate::grammar::list::contains_token(
        fields.elements(Known::Connection, max_list_elements),
        "http2-settings",
    )
    .map_err(|fault| list_reject(fault, RejectReason::MalformedConnection))?;
    if !named {
        return Err(RejectReason::MissingHttp2Settings);
    }
    Http2Settings::parse(value).ok_or(RejectReason::InvalidHttp2Settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_settings_decode() {
        let settings = Http2Settings::parse(b"AAMAAABkAAQCAAAAAAIAAAAA").expect("curl's value");
        let all: std::vec::Vec<(u16, u32)> = settings.iter().collect();
        assert_eq!(all, [(3, 100), (4, 0x0200_0000), (2, 0)]);
        assert_eq!(settings.as_bytes(), b"AAMAAABkAAQCAAAAAAIAAAAA");
    }

    #[test]
    fn every_alphabet_class_decodes() {
        // Expected values from Python's base64.urlsafe_b64decode.
        let settings =
            Http2Settings::parse(b"AAP-_-_-AAE0123-AAZ_9az-").expect("valid: ids 3, 1, 6");
        let all: std::vec::Vec<(u16, u32)> = settings.iter().collect();
        assert_eq!(all, [(3, 0xfeff_effe), (1, 0x34d7_6dfe), (6, 0x7ff5_acfe)]);
    }

    #[test]
    fn invalid_values() {
        for bad in [
            &b""[..],
            b"AAMAAABk=",
            b"AAMAAAB",
            b"AAMAAABkA",
            b"AAMAAAB+",
            b"AAMAAAB/",
            b"AAMAAAB.",
            // SETTINGS_ENABLE_PUSH = 2
            b"AAIAAAAC",
            // SETTINGS_INITIAL_WINDOW_SIZE = 2^31
            b"AASAAAAA",
            // SETTINGS_MAX_FRAME_SIZE = 16383, then 2^24
            b"AAUAAD__",
            b"AAUBAAAA",
            // SETTINGS_ENABLE_CONNECT_PROTOCOL = 2
            b"AAgAAAAC",
        ] {
            assert_eq!(
                Http2Settings::parse(bad),
                None,
                "{:?}",
                core::str::from_utf8(bad)
            );
        }
        for good in [
            &b"AAIAAAAB"[..],
            b"AAR_____",
            b"AAUAAEAA",
            b"AAUA____",
            b"AAgAAAAB",
            b"AP______",
        ] {
            assert!(
                Http2Settings::parse(good).is_some(),
                "{:?}",
                core::str::from_utf8(good)
            );
        }
    }
}
