//! Which Origins a WebSocket endpoint takes (RFC 6455 §4.2.2 item 4, §10.2; RFC 6454 §7):
//! the guard against cross-site WebSocket hijacking, where a page on another site opens a
//! WebSocket with the user's cookies.

use crate::error::RejectReason;
use crate::grammar::host_pattern::HostPattern;
use crate::grammar::uri::Authority;

/// The Origins a server accepts on WebSocket handshakes (RFC 6455 §4.2.2 item 4, §10.2;
/// RFC 6454 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OriginPolicy<'p> {
    /// Any Origin, or none: the caller checks [`WebSocketAccepted::origin`] itself.
    ///
    /// [`WebSocketAccepted::origin`]: crate::WebSocketAccepted::origin
    #[default]
    Any,
    /// Only these serialized origins (RFC 6454 §6.2), e.g. `https://example.com:8443`, or
    /// patterns with a leading wildcard label, `https://*.example.com`:
    /// - scheme and host compare ASCII case-insensitively, one trailing dot of the host
    ///   aside; the port as written, and an entry without one takes only an Origin without
    ///   one (the scheme's default port, RFC 6454 §6.2);
    /// - `*.example.com` takes any subdomain of `example.com` (one or more labels of
    ///   letters, digits, `-`, `_`), not `example.com` itself, and never an IP address;
    /// - `null` (RFC 6454 §7.1) only when listed; an entry that is none of these takes
    ///   nothing.
    AllowList(&'p [&'p str]),
    /// Only an Origin whose `host[:port]` is the request's authority (the Host field, or an
    /// absolute-form target's authority), host case-insensitive, port as written.
    SameHost,
}

/// A `serialized-origin = scheme "://" host [ ":" port ]` (RFC 6454 §6.2, §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Serialized<'b> {
    scheme: &'b [u8],
    authority: Authority<'b>,
}

impl<'b> Serialized<'b> {
    /// Parses one serialized origin; `None` for `null`, a list, a path, or userinfo.
    fn parse(text: &'b [u8]) -> Option<Self> {
        let (scheme, rest) = split_scheme(text)?;
        let authority = Authority::parse(rest)?;
        Some(Self { scheme, authority })
    }
}

/// An allow-list entry: `scheme "://" [ "*." ] host [ ":" port ]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OriginPattern<'p> {
    scheme: &'p [u8],
    host: HostPattern<'p>,
}

impl<'p> OriginPattern<'p> {
    /// Parses one entry; `None` for `null` and for anything but a serialized origin whose
    /// host may start with a wildcard label.
    fn parse(text: &'p [u8]) -> Option<Self> {
        let (scheme, rest) = split_scheme(text)?;
        let host = HostPattern::parse(rest)?;
        Some(Self { scheme, host })
    }

    fn matches(&self, origin: &Serialized<'_>) -> bool {
        self.scheme.eq_ignore_ascii_case(origin.scheme)
            && self.host.matches_host(origin.authority.host)
            && self.host.port() == origin.authority.port
    }
}

/// `scheme "://"` and what follows it; `None` without a valid scheme (RFC 3986 §3.1).
fn split_scheme(text: &[u8]) -> Option<(&[u8], &[u8])> {
    let separator = text.windows(3).position(|w| w == b"://")?;
    let scheme = text.get(..separator)?;
    if !crate::grammar::uri::is_scheme(scheme) {
        return None;
    }
    Some((scheme, text.get(separator + 3..)?))
}

/// The opaque origin (RFC 6454 §7.1, §6.2 item 1).
const NULL: &[u8] = b"null";

impl OriginPolicy<'_> {
    /// Judges a request's Origin (`None` when absent) against the policy, for a request
    /// whose effective authority is `authority`. A missing Origin passes unless
    /// `require` is set (non-browser clients send none).
    pub(crate) fn check(
        &self,
        origin: Option<&[u8]>,
        authority: &Authority<'_>,
        require: bool,
    ) -> Result<(), RejectReason> {
        let Some(origin) = origin else {
            return if require {
                Err(RejectReason::MissingOrigin)
            } else {
                Ok(())
            };
        };
        let allowed = match self {
            OriginPolicy::Any => true,
            OriginPolicy::AllowList(list) => match Serialized::parse(origin) {
                None => origin == NULL && list.iter().any(|entry| entry.as_bytes() == NULL),
                Some(origin) => list.iter().any(|entry| {
                    OriginPattern::parse(entry.as_bytes())
                        .is_some_and(|entry| entry.matches(&origin))
                }),
            },
            OriginPolicy::SameHost => {
                Serialized::parse(origin).is_some_and(|origin| origin.authority.same_as(authority))
            }
        };
        if allowed {
            Ok(())
        } else {
            Err(RejectReason::OriginNotAllowed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(text: &[u8]) -> Authority<'_> {
        Authority::parse(text).expect("valid host")
    }

    #[test]
    fn any_takes_everything_but_a_required_absence() {
        let h = host(b"example.com");
        assert_eq!(OriginPolicy::Any.check(Some(b"x y z"), &h, false), Ok(()));
        assert_eq!(OriginPolicy::Any.check(None, &h, false), Ok(()));
        assert_eq!(
            OriginPolicy::Any.check(None, &h, true),
            Err(RejectReason::MissingOrigin)
        );
    }

    #[test]
    fn allow_list() {
        let h = host(b"example.com");
        let policy = OriginPolicy::AllowList(&["https://Example.com:8443", "http://a.test"]);
        for ok in [
            &b"https://example.com:8443"[..],
            b"HTTPS://EXAMPLE.COM:8443",
            b"http://a.test",
        ] {
            assert_eq!(policy.check(Some(ok), &h, false), Ok(()), "{ok:?}");
        }
        for bad in [
            &b"https://example.com"[..],
            b"https://example.com:08443",
            b"http://example.com:8443",
            b"http://a.test:80",
            b"http://a.test/",
            b"http://a.test http://b.test",
            b"http://user@a.test",
            b"http://a.test.evil",
            b"http://evil.a.test",
            b"null",
            b"a.test",
            b"",
        ] {
            assert_eq!(
                policy.check(Some(bad), &h, false),
                Err(RejectReason::OriginNotAllowed),
                "{bad:?}"
            );
        }
        let with_null = OriginPolicy::AllowList(&["null"]);
        assert_eq!(with_null.check(Some(b"null"), &h, false), Ok(()));
        assert_eq!(
            with_null.check(Some(b"NULL"), &h, false),
            Err(RejectReason::OriginNotAllowed)
        );
        assert_eq!(policy.check(None, &h, false), Ok(()));
        assert_eq!(
            policy.check(None, &h, true),
            Err(RejectReason::MissingOrigin)
        );
    }

    #[test]
    fn wildcard_entries() {
        let h = host(b"example.com");
        let policy = OriginPolicy::AllowList(&["https://*.example.com", "http://*.dev.test:8080"]);
        for ok in [
            &b"https://a.example.com"[..],
            b"HTTPS://A.B.EXAMPLE.COM",
            b"https://a.example.com.",
            b"http://x.dev.test:8080",
        ] {
            assert_eq!(policy.check(Some(ok), &h, false), Ok(()), "{ok:?}");
        }
        for bad in [
            &b"https://example.com"[..],
            b"http://a.example.com",
            b"wss://a.example.com",
            b"https://a.example.com:443",
            b"https://a.example.com:8443",
            b"https://evilexample.com",
            b"https://a.evilexample.com",
            b"https://a.example.com.evil.test",
            b"https://example.com.a.example.org",
            b"https://.example.com",
            b"https://a..example.com",
            b"https://a.example.com/",
            b"https://u@a.example.com",
            b"http://x.dev.test",
            b"http://x.dev.test:80",
            b"http://dev.test:8080",
            b"null",
        ] {
            assert_eq!(
                policy.check(Some(bad), &h, false),
                Err(RejectReason::OriginNotAllowed),
                "{bad:?}"
            );
        }
        let broken = OriginPolicy::AllowList(&["https://*", "https://a.*.com", "*.example.com"]);
        for origin in [
            &b"https://a"[..],
            b"https://a.b.com",
            b"https://a.example.com",
        ] {
            assert_eq!(
                broken.check(Some(origin), &h, false),
                Err(RejectReason::OriginNotAllowed),
                "{origin:?}"
            );
        }
    }

    #[test]
    fn same_host() {
        let h = host(b"Example.com:8080");
        let policy = OriginPolicy::SameHost;
        assert_eq!(
            policy.check(Some(b"http://example.COM:8080"), &h, false),
            Ok(())
        );
        assert_eq!(
            policy.check(Some(b"https://example.com:8080"), &h, false),
            Ok(())
        );
        for bad in [
            &b"http://example.com"[..],
            b"http://example.com:80",
            b"http://evil.com:8080",
            b"1ttp://example.com:8080",
            b"h_tp://example.com:8080",
            b"://example.com:8080",
            b"http://example.com:8080/",
            b"null",
        ] {
            assert_eq!(
                policy.check(Some(bad), &h, false),
                Err(RejectReason::OriginNotAllowed),
                "{bad:?}"
            );
        }
    }
}
