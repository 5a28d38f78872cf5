//! The authority a request names: the Host field value `uri-host [ ":" port ]`
//! (RFC 9112 §3.2, RFC 3986 §3.2.2-§3.2.3), and the authority of an absolute-form target
//! (RFC 9112 §3.2.2), which takes precedence over Host.

use super::chars::{is_sub_delim_not_comma, is_unreserved};

/// A checked `uri-host [ ":" port ]` (RFC 9112 §3.2, RFC 3986 §3.2.2-§3.2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Authority<'b> {
    /// The whole value as sent.
    pub text: &'b [u8],
    /// The host: a reg-name, an IPv4 address, or a bracketed IP-literal, brackets kept.
    pub host: &'b [u8],
    /// The port digits, if a `:` and at least one digit follow the host.
    pub port: Option<&'b [u8]>,
}

impl<'b> Authority<'b> {
    /// Parses `uri-host [ ":" port ]`; `None` when the value is anything else: empty, a
    /// list, userinfo, a path, a bad IP-literal, a port that is not 1 to 5 digits up to
    /// 65535 (see the README's behaviour table for the choices made).
    pub(crate) fn parse(text: &'b [u8]) -> Option<Self> {
        let host_len = if text.first() == Some(&b'[') {
            text.iter().position(|&b| b == b']')? + 1
        } else {
            reg_name_len(text)
        };
        let (host, rest) = text.split_at(host_len);
        let host_ok = match host {
            [b'[', literal @ .., b']'] => ip_literal(literal),
            _ => !host.is_empty(),
        };
        if !host_ok {
            return None;
        }
        let port = match rest {
            [] => None,
            [b':', digits @ ..] if port_ok(digits) => Some(digits),
            _ => return None,
        };
        Some(Self { text, host, port })
    }

    /// Whether two authorities name the same host and port: the host compared
    /// ASCII case-insensitively (RFC 3986 §6.2.2.1), the port as written.
    pub(crate) fn same_as(&self, other: &Authority<'_>) -> bool {
        self.host.eq_ignore_ascii_case(other.host) && self.port == other.port
    }
}

/// `port = *DIGIT` (RFC 3986 §3.2.3), here 1 to 5 digits up to 65535.
fn port_ok(digits: &[u8]) -> bool {
    if !(1..=5).contains(&digits.len()) {
        return false;
    }
    let mut value = 0u32;
    for &digit in digits {
        if !digit.is_ascii_digit() {
            return false;
        }
        value = value * 10 + u32::from(digit - b'0');
    }
    value <= 65535
}

/// The length of the `reg-name` at the start of `text`, up to the first byte that cannot
/// continue it, a `%` without two hex digits included (RFC 3986 §3.2.2: `*( unreserved /
/// pct-encoded / sub-delims )`), read by class table. The comma is left out: a Host holding
/// one is read as a list by some intermediaries, so it is refused. An IPv4address is a
/// reg-name by this grammar too.
fn reg_name_len(text: &[u8]) -> usize {
    let mut at = 0;
    loop {
        let rest = text.get(at..).unwrap_or_default();
        at += crate::grammar::chars::run_len(rest, crate::grammar::chars::REG_NAME);
        match text.get(at..) {
            Some([b'%', a, b, ..]) if a.is_ascii_hexdigit() && b.is_ascii_hexdigit() => at += 3,
            _ => return at,
        }
    }
}

/// `IP-literal = "[" ( IPv6address / IPvFuture ) "]"`, given the text between the brackets
/// (RFC 3986 §3.2.2). Zone identifiers (RFC 6874) are not accepted.
fn ip_literal(literal: &[u8]) -> bool {
    match literal {
        [b'v' | b'V', rest @ ..] => ipv_future(rest),
        _ => ipv6(literal),
    }
}

/// `IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )`, after the `v`.
fn ipv_future(rest: &[u8]) -> bool {
    let Some(dot) = rest.iter().position(|&b| b == b'.') else {
        return false;
    };
    let (version, tail) = rest.split_at(dot);
    let tail = tail.get(1..).unwrap_or_default();
    !version.is_empty()
        && version.iter().all(u8::is_ascii_hexdigit)
        && !tail.is_empty()
        && tail
            .iter()
            .all(|&b| is_unreserved(b) || is_sub_delim_not_comma(b) || b == b',' || b == b':')
}

/// `IPv6address` (RFC 3986 §3.2.2, RFC 4291 §2.2): eight `h16` groups, or fewer around one
/// `::`, the last 32 bits optionally as an IPv4 address.
fn ipv6(text: &[u8]) -> bool {
    let (head, tail, compressed) = match find_double_colon(text) {
        Some(at) => (
            text.get(..at).unwrap_or_default(),
            text.get(at + 2..).unwrap_or_default(),
            true,
        ),
        None => (text, &[][..], false),
    };
    let Some(head_groups) = groups(head, !compressed) else {
        return false;
    };
    let Some(tail_groups) = (if compressed {
        groups(tail, true)
    } else {
        Some(0)
    }) else {
        return false;
    };
    let total = head_groups + tail_groups;
    if compressed {
        total <= 7
    } else {
        total == 8
    }
}

fn find_double_colon(text: &[u8]) -> Option<usize> {
    text.windows(2).position(|pair| pair == b"::")
}

/// Counts the 16-bit groups of `h16 *( ":" h16 )`, where the last may be an IPv4 address
/// (two groups) when `ipv4_allowed`; `Some(0)` for empty text; `None` when malformed.
fn groups(text: &[u8], ipv4_allowed: bool) -> Option<usize> {
    if text.is_empty() {
        return Some(0);
    }
    let mut count = 0;
    let mut parts = text.split(|&b| b == b':').peekable();
    while let Some(part) = parts.next() {
        let last = parts.peek().is_none();
        if last && ipv4_allowed && part.contains(&b'.') {
            if !is_ipv4(part) {
                return None;
            }
            count += 2;
        } else if part.is_empty() || part.len() > 4 || !part.iter().all(u8::is_ascii_hexdigit) {
            return None;
        } else {
            count += 1;
        }
    }
    Some(count)
}

/// `IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet`, each octet 0-255
/// without leading zeros (RFC 3986 §3.2.2).
pub(crate) fn is_ipv4(text: &[u8]) -> bool {
    let mut octets = 0;
    for octet in text.split(|&b| b == b'.') {
        let valid = match octet {
            [d] => d.is_ascii_digit(),
            [b'1'..=b'9', d] => d.is_ascii_digit(),
            [b'1', a, b] => a.is_ascii_digit() && b.is_ascii_digit(),
            [b'2', b'0'..=b'4', d] => d.is_ascii_digit(),
            [b'2', b'5', b'0'..=b'5'] => true,
            _ => false,
        };
        if !valid {
            return false;
        }
        octets += 1;
    }
    octets == 4
}

/// The authority of an absolute-form target, `scheme "://" authority [ path ]`
/// (RFC 9112 §3.2.2, RFC 3986 §3): `None` when the target is in origin-form;
/// `Some(None)` when it is absolute-form without a valid authority (an empty host, userinfo,
/// or no `//` at all: an http(s) or ws(s) URI needs a host, RFC 9110 §4.2.1, §4.2.4).
pub fn of_absolute_target(target: &[u8]) -> Option<Option<Authority<'_>>> {
    if target.first() == Some(&b'/') {
        return None;
    }
    let Some(colon) = target.iter().position(|&b| b == b':') else {
        return Some(None);
    };
    let Some(after) = target.get(colon + 1..).and_then(|t| t.strip_prefix(b"//")) else {
        return Some(None);
    };
    let end = after
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(after.len());
    Some(after.get(..end).and_then(Authority::parse))
}

/// Whether a request-target is one a WebSocket or Upgrade request may carry, the one rule
/// both roles hold it to (the server reads it, the client writes it): origin-form
/// (`/path?query`) or absolute-form (`scheme:...`), the forms RFC 9112 §3.2.1-§3.2.2 allow
/// outside CONNECT and OPTIONS, every byte visible ASCII (RFC 3986 §2: any other is
/// percent-encoded) and no `#` (neither form has a fragment; RFC 6455 §3: fragment
/// identifiers MUST NOT be used).
#[inline]
pub fn request_target_ok(target: &[u8]) -> bool {
    use super::chars::{all, TARGET};
    if target.is_empty() || !all(target, TARGET) {
        return false;
    }
    if target.first() == Some(&b'/') {
        return true;
    }
    let scheme_end = target
        .iter()
        .position(|&b| b == b':')
        .unwrap_or(target.len());
    scheme_end < target.len() && is_scheme(target.get(..scheme_end).unwrap_or_default())
}

/// Whether `bytes` is a URI scheme: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`
/// (RFC 3986 §3.1), as request targets and serialized origins (RFC 6454 §6.2) begin.
pub fn is_scheme(bytes: &[u8]) -> bool {
    bytes.split_first().is_some_and(|(first, rest)| {
        first.is_ascii_alphabetic()
            && rest
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_forms() {
        for ok in [
            "/",
            "/chat?x=1",
            "ws://example.com/chat",
            "http://h:80/",
            "a+b-c.d:x",
            "/a?b/c:d@e%20",
        ] {
            assert!(request_target_ok(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "*",
            "chat",
            "1a:b",
            ":x",
            "",
            "a b:c",
            "/a b",
            "/chat#frag",
            "ws://h/#",
            "/caf\u{e9}",
            "/\x7f",
            "/\t",
        ] {
            assert!(!request_target_ok(bad.as_bytes()), "{bad:?}");
        }
    }

    #[test]
    fn valid_hosts() {
        for ok in [
            &b"example.com"[..],
            b"example.com:8080",
            b"EXAMPLE.com:0",
            b"127.0.0.1",
            b"127.0.0.1:65535",
            b"[::1]",
            b"[::1]:9001",
            b"[2001:db8::7]",
            b"[1:2:3:4:5:6:7:8]",
            b"[::]",
            b"[1::]",
            b"[::ffff:192.0.2.1]",
            b"[1:2:3:4:5:6:1.2.3.4]",
            b"[v1.fe80::a+en1]",
            b"[v1.a,b]",
            b"[::10.20.30.40]",
            b"[::249.200.1.1]",
            b"[::255.255.255.255]",
            b"a%2f",
            b"a%20b",
            b"xn--bcher-kva.example",
            b"h!$&'()*+;=_~",
            b"999.1.1.1",
        ] {
            assert!(
                Authority::parse(ok).is_some(),
                "{:?}",
                core::str::from_utf8(ok)
            );
        }
    }

    #[test]
    fn invalid_hosts() {
        for bad in [
            &b""[..],
            b":80",
            b"a,b",
            b"example.com, evil.com",
            b"user@example.com",
            b"example.com/path",
            b"example.com:",
            b"example.com:65536",
            b"example.com:123456",
            b"example.com:8a",
            b"example.com:80:80",
            b"ex ample.com",
            b"a%2",
            b"a%zz",
            b"a%2z",
            b"a%z2",
            b"[v1.a@b]",
            b"[::1a1.2.3.4]",
            b"[::11a.2.3.4]",
            b"[::1.2.3.4a]",
            b"[::260.1.1.1]",
            b"[::2a5.1.1.1]",
            b"[::1",
            b"::1",
            b"[::1]x",
            b"[1:2:3:4:5:6:7:8:9]",
            b"[1:2:3:4:5:6:7]",
            b"[1::2::3]",
            b"[12345::]",
            b"[::1.2.3.256]",
            b"[::01.2.3.4]",
            b"[1.2.3.4::]",
            b"[1:2:3:4:5:6:7:1.2.3.4]",
            b"[fe80::1%25eth0]",
            b"[v.x]",
            b"[vg.x]",
            b"[v1.]",
            b"[]",
            b"example.com\x00",
            b"h\xc3\xa9",
        ] {
            assert!(
                Authority::parse(bad).is_none(),
                "{:?}",
                core::str::from_utf8(bad)
            );
        }
    }

    #[test]
    fn parts_and_comparison() {
        let a = Authority::parse(b"Example.COM:8080").expect("valid");
        assert_eq!((a.host, a.port), (&b"Example.COM"[..], Some(&b"8080"[..])));
        let b = Authority::parse(b"example.com:8080").expect("valid");
        assert!(a.same_as(&b));
        let c = Authority::parse(b"example.com:08080").expect("valid");
        assert!(!a.same_as(&c));
        let d = Authority::parse(b"example.com").expect("valid");
        assert!(!d.same_as(&b));
        let v6 = Authority::parse(b"[::1]:1").expect("valid");
        assert_eq!(v6.host, b"[::1]");
    }

    #[test]
    fn absolute_targets() {
        assert_eq!(of_absolute_target(b"/chat"), None);
        let authority = of_absolute_target(b"ws://example.com:81/chat?x")
            .expect("absolute")
            .expect("valid");
        assert_eq!(authority.text, b"example.com:81");
        assert_eq!(
            of_absolute_target(b"http://h").map(|a| a.map(|a| a.text)),
            Some(Some(&b"h"[..]))
        );
        for bad in [
            &b"ws:///chat"[..],
            b"ws://user@h/",
            b"ws:chat",
            b"urn:x",
            b"ws://a,b/",
        ] {
            assert_eq!(of_absolute_target(bad), Some(None), "{bad:?}");
        }
    }
}
