//! The whole-request rules of a raw HTTP/1.1 upgrade, checked on whatever bytes the fuzzer
//! makes (the `server_negotiate` target): the Host and Origin allow-lists, the Host's
//! IP-literal grammar and repeated Content-Length. Each is read from the request
//! independently (httparse, then the RFC grammar written here or in `references/`), never
//! through the core crate, and checked in the direction the outcome shows:
//!
//! - RFC 9110 §7.4, §15.5.20 and the behaviour table: a switch means every authority of the
//!   request (Host, and an absolute-form target's) is on the host allow-list;
//!   `host_not_allowed` means one is not.
//! - RFC 6454 §5-§7.1, RFC 6455 §10.2: a switch means the Origin is on the origin
//!   allow-list (scheme and host case-insensitive, one trailing dot of the host aside, port
//!   as written, `null` only when listed, nothing else but `scheme://host[:port]`);
//!   `origin_not_allowed` means it is not.
//! - RFC 3986 §3.2.2: a switch means a bracketed Host is an IP-literal; a single Host that
//!   is an IPv6address in brackets, with a valid port or none, is never `invalid_host`.
//! - The behaviour table's list bound: an Expect of only `100-continue` elements, more of
//!   them than the limit, is never a 417 (the bound's 431 or a fault elsewhere).
//! - RFC 9110 §8.6, RFC 9112 §6.3: a request with Upgrade that is switched or declined
//!   carries Content-Length elements that are all the same `1*DIGIT` text, empty list
//!   elements aside (RFC 9110 §5.6.1.2).

use std::string::{String, ToString};
use std::vec::Vec;

use http_upgrade::{HostPolicy, OriginPolicy, Outcome, RejectReason, ServerPolicy};

use crate::references::ip_literal;
use crate::references::reference::host_named;

/// The request as the rules read it: its target and the values of the fields they judge.
struct Read {
    target: String,
    hosts: Vec<String>,
    origins: Vec<String>,
    content_lengths: Vec<String>,
    expects: Vec<String>,
    upgrade: bool,
}

fn read(request: &[u8]) -> Option<Read> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(_) = parsed.parse(request).ok()? else {
        return None;
    };
    let values = |name: &str| -> Vec<String> {
        parsed
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| {
                String::from_utf8_lossy(h.value)
                    .trim_matches([' ', '\t'])
                    .to_string()
            })
            .collect()
    };
    Some(Read {
        target: parsed.path?.to_string(),
        hosts: values("host"),
        origins: values("origin"),
        content_lengths: values("content-length"),
        expects: values("expect"),
        // An Upgrade field with at least one protocol named: the request is an upgrade.
        upgrade: !list_elements(&values("upgrade")).is_empty(),
    })
}

/// The elements of a list field's values, with their OWS trimmed and the empty ones
/// skipped (RFC 9110 §5.6.1, §5.6.1.2: a recipient ignores empty list elements); a comma
/// inside a quoted-string is not told apart, which none of the fields read here allow.
fn list_elements(values: &[String]) -> Vec<&str> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|e| e.trim_matches([' ', '\t']))
        .filter(|e| !e.is_empty())
        .collect()
}

/// `uri-host [ ":" port ]` as (host lowercased, port as written).
fn host_and_port(authority: &str) -> (String, Option<String>) {
    let (host, port) = if authority.starts_with('[') {
        // Anything after the `]` but a port leaves the whole text as the host (no literal).
        match authority.find(']') {
            Some(end) => match authority[end + 1..].strip_prefix(':') {
                Some(port) => (&authority[..=end], Some(port)),
                None => (authority, None),
            },
            None => (authority, None),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    (host.to_ascii_lowercase(), port.map(str::to_string))
}

/// The authority of an absolute-form target (`scheme "://" authority path-abempty`).
fn target_authority(target: &str) -> Option<&str> {
    if target.starts_with('/') || target == "*" {
        return None;
    }
    let rest = &target[target.find("://")? + 3..];
    Some(&rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())])
}

/// Whether an allow-list entry's host (`name`, or `*.domain` for one or more labels
/// before it; a `*` anywhere else takes nothing) names `host`.
fn entry_names(entry_host: &str, host: &str) -> bool {
    let (wildcard, domain) = match entry_host.strip_prefix("*.") {
        Some(domain) => (true, domain),
        None => (false, entry_host),
    };
    !domain.contains('*') && host_named(wildcard, domain, host)
}

/// Whether a host allow-list entry (`host[:port]` or `*.domain[:port]`) takes `authority`.
fn host_entry_takes(entry: &str, (host, port): (&str, Option<&str>)) -> bool {
    let (entry_host, entry_port) = host_and_port(entry);
    entry_names(&entry_host, host) && entry_port.is_none_or(|p| Some(p.as_str()) == port)
}

/// RFC 6454 §6.2's serialization `scheme "://" host [ ":" port ]` as (scheme, host, port),
/// scheme and host lowercased; `None` for anything else (a path, a list, `null`).
fn serialized_origin(text: &str) -> Option<(String, String, Option<String>)> {
    let (scheme, rest) = text.split_once("://")?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok || rest.is_empty() || rest.contains(['/', '?', '#', ' ', ',', '@']) {
        return None;
    }
    let (host, port) = host_and_port(rest);
    if host.is_empty()
        || port
            .as_ref()
            .is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Some((scheme.to_ascii_lowercase(), host, port))
}

/// Whether an origin allow-list takes the Origin field value `origin`.
fn origin_listed(list: &[&str], origin: &str) -> bool {
    if origin == "null" {
        return list.contains(&"null");
    }
    let Some((scheme, host, port)) = serialized_origin(origin) else {
        return false;
    };
    list.iter().any(|entry| {
        let Some((entry_scheme, entry_host, entry_port)) = serialized_origin(entry) else {
            return false;
        };
        entry_scheme == scheme && entry_port == port && entry_names(&entry_host, &host)
    })
}

/// A Host that is an IP-literal (an IPv6address or an IPvFuture in brackets, no zone, no
/// comma), with a port of 1 to 5 digits up to 65535 or none: valid by RFC 3986 §3.2.2-§3.2.3
/// and the behaviour table (which refuses a comma in any Host and zone identifiers).
fn is_valid_ip_literal_host(value: &str) -> bool {
    let (host, port) = host_and_port(value);
    let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) else {
        return false;
    };
    let port_ok = port.is_none_or(|p| {
        (1..=5).contains(&p.len())
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| n <= 65_535)
    });
    port_ok && !inner.contains(',') && ip_literal::ip_literal(inner)
}

/// Checks the outcome of `request` under `policy` against the whole-request rules above.
pub fn follows_the_whole_request_rules(
    policy: &ServerPolicy<'_>,
    request: &[u8],
    outcome: &Outcome<'_>,
) {
    let Some(read) = read(request) else {
        return;
    };
    let rejected = |reason: RejectReason| matches!(outcome, Outcome::Reject(r) if *r == reason);
    let switched = matches!(outcome, Outcome::Switch(_));

    if let HostPolicy::AllowList(list) = policy.hosts {
        let mut authorities: Vec<&str> = read.hosts.iter().map(String::as_str).collect();
        authorities.extend(target_authority(&read.target));
        let allowed = |authority: &&str| {
            let (host, port) = host_and_port(authority);
            list.iter()
                .any(|entry| host_entry_takes(entry, (&host, port.as_deref())))
        };
        if switched {
            assert!(
                authorities.iter().all(allowed),
                "switched, but {authorities:?} is not all on the host allow-list {list:?}"
            );
        }
        if rejected(RejectReason::HostNotAllowed) {
            assert!(
                !authorities.iter().all(allowed),
                "host_not_allowed, but {authorities:?} is on the host allow-list {list:?}"
            );
        }
    }

    if let (OriginPolicy::AllowList(list), [origin]) = (policy.origins, read.origins.as_slice()) {
        if switched {
            assert!(
                origin_listed(list, origin),
                "switched, but Origin {origin:?} is not on the allow-list {list:?}"
            );
        }
        if rejected(RejectReason::OriginNotAllowed) {
            assert!(
                !origin_listed(list, origin),
                "origin_not_allowed, but Origin {origin:?} is on the allow-list {list:?}"
            );
        }
    }

    if let [host] = read.hosts.as_slice() {
        if switched && host.starts_with('[') {
            let (bracketed, _) = host_and_port(host);
            let inner = bracketed.trim_start_matches('[').trim_end_matches(']');
            assert!(
                ip_literal::ip_literal(inner),
                "switched with Host {host:?}, which is no IP-literal"
            );
        }
        if is_valid_ip_literal_host(host) {
            assert!(
                !rejected(RejectReason::InvalidHost),
                "invalid_host for the valid IP-literal Host {host:?}"
            );
        }
    }

    // The behaviour table: a list past `Limits::max_list_elements` is a 431, not a judgement
    // of its members; an Expect of nothing but `100-continue` has no other fault (RFC 9110
    // §10.1.1).
    let expectations = list_elements(&read.expects);
    if expectations.len() > policy.limits.max_list_elements
        && expectations
            .iter()
            .all(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        assert!(
            !rejected(RejectReason::ExpectationFailed),
            "417 for an Expect of {} `100-continue` elements, past the list limit",
            expectations.len()
        );
    }

    if read.upgrade && matches!(outcome, Outcome::Switch(_) | Outcome::Decline(_)) {
        let elements = list_elements(&read.content_lengths);
        if let Some(first) = elements.first() {
            assert!(
                !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit()),
                "Content-Length {first:?} is not 1*DIGIT, yet the upgrade was not refused"
            );
            assert!(
                elements.iter().all(|e| e == first),
                "Content-Length elements {elements:?} differ, yet the upgrade was not refused"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readings_follow_the_grammar() {
        assert_eq!(
            host_and_port("Example.COM:80"),
            ("example.com".into(), Some("80".into()))
        );
        assert_eq!(
            host_and_port("[::1]:9001"),
            ("[::1]".into(), Some("9001".into()))
        );
        assert_eq!(target_authority("http://a.test:1/x"), Some("a.test:1"));
        assert_eq!(target_authority("/x"), None);
        assert!(host_entry_takes("*.example.com", ("a.b.example.com", None)));
        assert!(!host_entry_takes("*.example.com", ("example.com", None)));
        assert!(!host_entry_takes("*.example.com", (".example.com", None)));
        assert!(host_entry_takes(
            "example.com",
            ("example.com.", Some("80"))
        ));
        assert!(!host_entry_takes(
            "127.0.0.1:8080",
            ("127.0.0.1", Some("80"))
        ));
        assert!(origin_listed(&["http://example.com", "null"], "null"));
        assert!(!origin_listed(&["https://a.test:8443"], "null"));
        assert!(!origin_listed(&["http://example.com", "null"], "nul"));
        assert!(origin_listed(
            &["http://example.com"],
            "HTTP://Example.com."
        ));
        assert!(!origin_listed(
            &["http://example.com"],
            "http://example.com/x"
        ));
        assert!(!origin_listed(&["https://a.test:8443"], "https://a.test"));
        assert!(is_valid_ip_literal_host("[1:2:3:4:5:6:7:8]:80"));
        assert!(!is_valid_ip_literal_host("[1:2:3:4:5:6:7:8:9]"));
        assert!(!is_valid_ip_literal_host("[::00:8184]3687"));
        assert!(!is_valid_ip_literal_host("[0::1]04088:3687"));
        assert!(is_valid_ip_literal_host("[v1.fe80::a+en1]:8080"));
        assert!(is_valid_ip_literal_host("[V7.a]"));
        assert!(!is_valid_ip_literal_host("[v1.a,b]"));
        assert!(!is_valid_ip_literal_host("[v1.]"));
        assert!(!is_valid_ip_literal_host("[fe80::1%25eth0]"));
    }
}
