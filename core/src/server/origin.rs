//! Which Origins a WebSocket endpoint takes (RFC 6455 §4.2.2 item 4, §10.2; RFC 6454 §7):
//! the guard against cross-site WebSocket hijacking, where a page on another site opens a
//! WebSocket with the user's cookies.

use crate::error::RejectReason;
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
    /// Only these serialized origins (RFC 6454 §6.2), e.g. `https://example.com:8443`:
    /// scheme and host compare ASCII case-insensitively, the port as written; `null`
    /// (RFC 6454 §7.1) only when listed.
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
        let separator = text.windows(3).position(|w| w == b"://")?;
        let scheme = text.get(..separator)?;
        if !crate::grammar::uri::is_scheme(scheme) {
            return None;
        }
        let authority = Authority::parse(text.get(separator + 3..)?)?;
        Some(Self { scheme, authority })
    }

    fn same_as(&self, other: &Serialized<'_>) -> bool {
        self.scheme.eq_ignore_ascii_case(other.scheme) && self.authority.same_as(&other.authority)
    }
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
                    Serialized::parse(entry.as_bytes()).is_some_and(|entry| entry.same_as(&origin))
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
