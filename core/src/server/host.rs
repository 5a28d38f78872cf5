//! Which hosts a server answers for (RFC 9110 §7.4, §15.5.20): the guard against DNS
//! rebinding, where a page on `attacker.example`, its name now resolving to 127.0.0.1,
//! reaches a service on localhost with `Host: attacker.example` and a matching Origin.

use crate::error::RejectReason;
use crate::grammar::host_pattern::HostPattern;
use crate::grammar::uri::Authority;

/// The request authorities a server answers for (RFC 9110 §7.4); anything else is refused
/// with 421 Misdirected Request (RFC 9110 §15.5.20). Checked on every upgrade the server
/// judges, whatever the [`OriginPolicy`](crate::OriginPolicy), over HTTP/1.1 (the Host field,
/// and an absolute-form target's authority too) and on an extended CONNECT's `:authority`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HostPolicy<'p> {
    /// Any host: the caller routes by host itself.
    #[default]
    Any,
    /// Only these entries, each `host[:port]` or `*.domain[:port]`:
    /// - the host compares ASCII case-insensitively, one trailing dot aside;
    /// - an entry without a port takes the host on any port; with one, only that port, as
    ///   written;
    /// - `*.example.com` takes any subdomain of `example.com` (one or more labels of
    ///   letters, digits, `-`, `_`), not `example.com` itself: list both for both;
    /// - IP addresses and literals compare as written, and a wildcard never takes one;
    /// - an entry that is none of these, `*` alone or `a.*.com` among them, takes nothing.
    AllowList(&'p [&'p str]),
}

impl HostPolicy<'_> {
    /// Whether the policy answers for `authority`; 421 when it does not.
    pub(crate) fn check(&self, authority: &Authority<'_>) -> Result<(), RejectReason> {
        let HostPolicy::AllowList(entries) = self else {
            return Ok(());
        };
        let allowed = entries.iter().any(|entry| {
            HostPattern::parse(entry.as_bytes()).is_some_and(|pattern| {
                pattern.matches_host(authority.host)
                    && pattern
                        .port()
                        .is_none_or(|port| authority.port == Some(port))
            })
        });
        if allowed {
            Ok(())
        } else {
            Err(RejectReason::HostNotAllowed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(policy: &HostPolicy<'_>, host: &str) -> Result<(), RejectReason> {
        policy.check(&Authority::parse(host.as_bytes()).expect("a valid host"))
    }

    #[test]
    fn any_takes_every_host() {
        assert_eq!(check(&HostPolicy::Any, "attacker.example:8080"), Ok(()));
    }

    #[test]
    fn allow_list_ports_and_wildcards() {
        let policy = HostPolicy::AllowList(&["localhost", "127.0.0.1:8080", "*.example.com:443"]);
        for ok in [
            "localhost",
            "LOCALHOST:8080",
            "localhost.:1",
            "127.0.0.1:8080",
            "a.example.com:443",
            "a.b.example.com.:443",
        ] {
            assert_eq!(check(&policy, ok), Ok(()), "{ok}");
        }
        for bad in [
            "attacker.example:8080",
            "localhost.attacker.example",
            "localhostx",
            "127.0.0.1",
            "127.0.0.1:80",
            "127.0.0.1:08080",
            "example.com:443",
            "a.example.com",
            "a.example.com:8443",
            "evil-example.com:443",
            "a.example.com.evil:443",
            "[::1]",
        ] {
            assert_eq!(
                check(&policy, bad),
                Err(RejectReason::HostNotAllowed),
                "{bad}"
            );
        }
        let nothing = HostPolicy::AllowList(&["*", "", "a.*.com"]);
        for host in ["a", "a.com", "a.x.com", "*"] {
            assert_eq!(
                check(&nothing, host),
                Err(RejectReason::HostNotAllowed),
                "{host}"
            );
        }
        assert_eq!(
            check(&HostPolicy::AllowList(&[]), "a"),
            Err(RejectReason::HostNotAllowed)
        );
    }
}
