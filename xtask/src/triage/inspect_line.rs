//! The `cargo xtask inspect` line that shows a reader what the crate does with an
//! artifact: each target's input layout (a policy selector byte, a client nonce) turned back
//! into inspect's flags.

use std::path::Path;

/// The `cargo xtask inspect` line that shows what the crate does with an artifact.
pub fn inspect_line(target: &str, artifact: &Path) -> String {
    let path = artifact.display();
    let bytes = std::fs::read(artifact).unwrap_or_default();
    match target {
        "server_negotiate" => {
            let selector = bytes.first().copied().unwrap_or(0);
            format!(
                "tail -c +2 {path} | cargo xtask inspect {} -",
                policy_flags(selector)
            )
        }
        "client_validate" if bytes.len() >= 17 => {
            let nonce: [u8; 16] = bytes[1..17].try_into().unwrap_or_default();
            let key = http_upgrade::Key::from_nonce(&nonce);
            let selector = bytes[0];
            let mut flags = format!("--role client --key {}", key.as_str());
            let offers: &[&str] = [&[][..], &["chat"], &["chat", "superchat"], &["superchat"]]
                [usize::from(selector % 4)];
            for offer in offers {
                flags.push_str(&format!(" --offer-subprotocol {offer}"));
            }
            if (selector >> 2) % 4 != 0 {
                flags.push_str(" --offer-extension permessage-deflate");
            }
            format!("tail -c +18 {path} | cargo xtask inspect {flags} -  # the oracle's extension offer for selector {selector:#04x} may differ")
        }
        "request_head" | "diff_tungstenite" => format!("cargo xtask inspect {path}"),
        _ => format!(
            "cargo xtask fuzz --replay --target {target}  # then: cargo xtask inspect {path}"
        ),
    }
}

/// The inspect flags for the policy a `server_negotiate` selector byte chooses, read from
/// the oracle's own `policy_from` (the deflate window limits have no inspect flag).
fn policy_flags(selector: u8) -> String {
    let policy = http_upgrade_proptests::oracles::policy_from(selector);
    let mut flags = String::new();
    for protocol in policy.protocols {
        flags.push_str(&format!("--protocol {protocol} "));
    }
    for subprotocol in policy.subprotocols {
        flags.push_str(&format!("--subprotocol {subprotocol} "));
    }
    if policy.subprotocol_order == http_upgrade::SubprotocolOrder::Server {
        flags.push_str("--server-preference ");
    }
    if policy.deflate.is_some() {
        flags.push_str("--extension permessage-deflate ");
    }
    if policy.require_upgrade {
        flags.push_str("--require-upgrade ");
    }
    match policy.origins {
        http_upgrade::OriginPolicy::Any => {}
        http_upgrade::OriginPolicy::AllowList(origins) => {
            for origin in origins {
                flags.push_str(&format!("--origin {origin} "));
            }
        }
        http_upgrade::OriginPolicy::SameHost => flags.push_str("--same-origin "),
    }
    if policy.require_origin {
        flags.push_str("--require-origin ");
    }
    if policy.allow_body {
        flags.push_str("--allow-body ");
    }
    if let http_upgrade::HostPolicy::AllowList(hosts) = policy.hosts {
        for host in hosts {
            flags.push_str(&format!("--allow-host {host} "));
        }
    }
    flags.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The triage line's flags give inspect the policy the oracle used, for every selector.
    #[test]
    fn policy_flags_reproduce_the_oracle_policy() {
        let requests: [&[u8]; 4] = [
            b"GET /c HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://example.com\r\n\r\n",
            b"GET /c HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://h\r\nSec-WebSocket-Protocol: chat\r\n\r\n",
            b"GET /c HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
            b"POST / HTTP/1.1\r\nHost: h\r\nUpgrade: example/1\r\nConnection: upgrade\r\nContent-Length: 2\r\n\r\nhi",
        ];
        for selector in 0..=255u8 {
            let flags: Vec<String> = policy_flags(selector)
                .split_whitespace()
                .map(str::to_string)
                .chain(["-".to_string()])
                .collect();
            let options = crate::inspect::parse(&flags).expect("flags parse");
            let policy = http_upgrade_proptests::oracles::policy_from(selector);
            for request in requests {
                let json = crate::inspect::server(&options, request).render();
                let mut headers = [http_upgrade::EMPTY_HEADER; 32];
                let outcome = policy
                    .handshake(request, &mut headers)
                    .complete()
                    .unwrap()
                    .outcome;
                let expected = match outcome {
                    http_upgrade::Outcome::Switch(_) => "\"outcome\": \"switch\"".to_string(),
                    http_upgrade::Outcome::Decline(r) => format!("\"reason\": \"{}\"", r.name()),
                    http_upgrade::Outcome::Reject(r) => format!("\"reason\": \"{}\"", r.name()),
                };
                assert!(
                    json.contains(&expected),
                    "selector {selector:#04x}: {json} / {expected}"
                );
            }
        }
    }
}
