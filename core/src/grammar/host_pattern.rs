//! Host patterns for the allow-lists of [`HostPolicy`] and [`OriginPolicy`]: an exact
//! `uri-host [ ":" port ]`, or a leading wildcard `*.` before a domain name (RFC 3986
//! §3.2.2-§3.2.3; the wildcard's reach as RFC 9525 §6.3 gives it, any number of labels here).
//!
//! [`HostPolicy`]: crate::HostPolicy
//! [`OriginPolicy`]: crate::OriginPolicy

use super::uri::{is_ipv4, Authority};

/// One allow-list entry: `[ "*." ] uri-host [ ":" port ]`, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HostPattern<'a> {
    /// A leading `*.`: the host is any subdomain of [`HostPattern::authority`]'s host.
    wildcard: bool,
    /// The rest of the entry.
    authority: Authority<'a>,
}

impl<'a> HostPattern<'a> {
    /// Parses an entry; `None` for anything but `[ "*." ] uri-host [ ":" port ]`, for a `*`
    /// anywhere else (a wildcard is a whole leading label only), and for a wildcard before
    /// an IP address, which has no subdomains.
    pub(crate) fn parse(text: &'a [u8]) -> Option<Self> {
        let (wildcard, rest) = match text {
            [b'*', b'.', rest @ ..] => (true, rest),
            _ => (false, text),
        };
        let authority = Authority::parse(rest)?;
        if rest.contains(&b'*') || (wildcard && is_ip_address(authority.host)) {
            return None;
        }
        Some(Self {
            wildcard,
            authority,
        })
    }

    /// The entry's port digits, if it names one.
    pub(crate) fn port(&self) -> Option<&'a [u8]> {
        self.authority.port
    }

    /// Whether `host` (a checked `uri-host`) is the entry's host, or under a wildcard one
    /// of its subdomains: ASCII case-insensitive (RFC 3986 §6.2.2.1), one trailing dot of a
    /// fully qualified name ignored on either side (RFC 1034 §3.1: the same name). A
    /// subdomain is one or more non-empty labels of letters, digits, `-` and `_` then a dot;
    /// an IP address is never one, and IP literals compare as written, case aside.
    pub(crate) fn matches_host(&self, host: &[u8]) -> bool {
        let host = without_root_dot(host);
        let own = without_root_dot(self.authority.host);
        if !self.wildcard {
            return own.eq_ignore_ascii_case(host);
        }
        if is_ip_address(host) {
            return false;
        }
        let Some(split) = host.len().checked_sub(own.len() + 1) else {
            return false;
        };
        let (labels, rest) = host.split_at(split);
        match rest {
            [b'.', domain @ ..] => domain.eq_ignore_ascii_case(own) && labels_ok(labels),
            _ => false,
        }
    }
}

/// An IP-literal (bracketed) or an IPv4address (RFC 3986 §3.2.2).
fn is_ip_address(host: &[u8]) -> bool {
    host.first() == Some(&b'[') || is_ipv4(host)
}

/// `host` without one trailing dot, unless that would leave it empty.
fn without_root_dot(host: &[u8]) -> &[u8] {
    match host {
        [name @ .., b'.'] if !name.is_empty() && !is_ip_address(name) => name,
        _ => host,
    }
}

/// One or more dot-separated labels, each non-empty, of letters, digits, `-` and `_`.
fn labels_ok(labels: &[u8]) -> bool {
    labels.split(|&b| b == b'.').all(|label| {
        !label.is_empty()
            && label
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, host: &str) -> bool {
        HostPattern::parse(pattern.as_bytes())
            .expect("a valid pattern")
            .matches_host(host.as_bytes())
    }

    #[test]
    fn exact_names_compare_case_aside_and_root_dot_aside() {
        assert!(matches("example.com", "example.com"));
        assert!(matches("example.com", "EXAMPLE.Com"));
        assert!(matches("example.com", "example.com."));
        assert!(matches("example.com.", "example.com"));
        assert!(matches("[::1]", "[::1]"));
        assert!(matches("[FE80::1]", "[fe80::1]"));
        assert!(matches("127.0.0.1", "127.0.0.1"));
        for other in [
            "example.co",
            "xexample.com",
            "example.com.evil",
            "a.example.com",
            "example.com..",
            "[::0001]",
            "127.0.0.01",
        ] {
            assert!(!matches("example.com", other), "{other}");
        }
        assert!(!matches("[::1]", "[::0001]"));
        assert!(!matches("127.0.0.1", "127.0.0.1."));
    }

    #[test]
    fn a_wildcard_takes_subdomains_only() {
        for host in [
            "a.example.com",
            "A.EXAMPLE.COM",
            "a.b.example.com",
            "x-1_y.example.com",
            "a.example.com.",
        ] {
            assert!(matches("*.example.com", host), "{host}");
        }
        for host in [
            "example.com",
            ".example.com",
            "a..example.com",
            "..example.com",
            "evilexample.com",
            "a.evilexample.com",
            "example.com.evil.com",
            "a.example.com.evil",
            "a%2e.example.com",
            "a!.example.com",
            "a.example.co",
            "com",
        ] {
            assert!(!matches("*.example.com", host), "{host}");
        }
        assert!(matches("*.0.1", "a.0.1"));
        assert!(!matches("*.0.0.1", "127.0.0.1"));
        assert!(!matches("*.com", "[::1]"));
    }

    #[test]
    fn entries_that_are_not_patterns() {
        // Not patterns, so never matched: fail closed.
        for entry in [
            "",
            "*",
            "*.",
            "*.[::1]",
            "*.1.2.3.4",
            "a.*.com",
            "**.a",
            "*.*.a",
            "a b",
            "a,b",
            "u@h",
            "h:x",
            "h:65536",
            "*a.com",
        ] {
            assert_eq!(HostPattern::parse(entry.as_bytes()), None, "{entry}");
        }
        let pattern = HostPattern::parse(b"*.a.test:8443").expect("a pattern");
        assert_eq!(pattern.port(), Some(&b"8443"[..]));
        assert!(pattern.matches_host(b"b.a.test"));
        assert_eq!(HostPattern::parse(b"a.test").map(|p| p.port()), Some(None));
    }
}
