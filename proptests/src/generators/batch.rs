//! A seeded, replayable batch of requests for probing a live server: valid handshakes from
//! [`strategies::valid_handshake`], each with one [`Fault`] put in (or none), rendered with
//! random field order, casing, OWS and list splits. The same seed gives the same batch, so
//! a reviewer can replay one request by its index.

use std::string::String;
use std::vec::Vec;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::faults::Fault;
use crate::render;
use crate::strategies;

/// One request of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Its place in the batch, from 0.
    pub index: usize,
    /// The fault put in (`valid` when none), as `Fault`'s debug name.
    pub fault: String,
    /// The request's bytes: its head, then any body the model carries.
    pub bytes: Vec<u8>,
}

/// `count` requests drawn with `seed`; one in four is left valid. `authority` and `path`
/// replace the model's Host and origin-form target where the model's are valid ones, so
/// the request reaches the server's own name and endpoint.
pub fn requests(seed: u64, count: usize, authority: &str, path: &str) -> Vec<Generated> {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    let strategy = (
        strategies::valid_handshake(),
        strategies::rendering(),
        proptest::option::weighted(0.75, strategies::fault()),
    );
    (0..count)
        .filter_map(|index| {
            let (mut model, mut rendering, fault) = strategy.new_tree(&mut runner).ok()?.current();
            if let Some(fault) = fault {
                fault.apply(&mut model, &mut rendering);
            }
            let request = render::request(&model, &rendering);
            Some(Generated {
                index,
                fault: fault.map_or("valid".into(), |f: Fault| std::format!("{f:?}")),
                bytes: retarget(&request, authority, path),
            })
        })
        .collect()
}

/// The request with its Host values that are one of the model's valid hosts replaced by
/// `authority`, and an origin-form target by `path`.
fn retarget(request: &[u8], authority: &str, path: &str) -> Vec<u8> {
    let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") else {
        return request.to_vec();
    };
    let head = String::from_utf8_lossy(&request[..end]);
    let valid_hosts: Vec<&str> = crate::model::HOSTS[..usize::from(crate::model::VALID_HOSTS)]
        .iter()
        .map(|(text, _)| *text)
        .collect();
    let mut lines: Vec<String> = Vec::new();
    for (number, line) in head.split("\r\n").enumerate() {
        if number == 0 {
            let mut parts: Vec<&str> = line.splitn(3, ' ').collect();
            if parts.len() == 3 && parts[1].starts_with('/') {
                parts[1] = path;
            }
            lines.push(parts.join(" "));
            continue;
        }
        match line.split_once(':') {
            Some((name, value))
                if name.eq_ignore_ascii_case("host")
                    && valid_hosts.contains(&value.trim_matches([' ', '\t'])) =>
            {
                lines.push(std::format!("{name}: {authority}"));
            }
            _ => lines.push(line.into()),
        }
    }
    let mut out = lines.join("\r\n").into_bytes();
    out.extend_from_slice(&request[end..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_the_same_batch_and_another_seed_another() {
        let a = requests(7, 16, "127.0.0.1:9001", "/ws");
        assert_eq!(a.len(), 16);
        assert_eq!(a, requests(7, 16, "127.0.0.1:9001", "/ws"));
        assert_ne!(a, requests(8, 16, "127.0.0.1:9001", "/ws"));
        assert!(a.iter().any(|g| g.fault == "valid"));
        assert!(a.iter().any(|g| g.fault != "valid"));
    }

    #[test]
    fn the_server_s_name_and_endpoint_replace_valid_ones_only() {
        let request = b"GET /chat HTTP/1.1\r\nHost: example.com\r\nhost: a b\r\n\r\nbody";
        let out = retarget(request, "127.0.0.1:9", "/ws");
        assert_eq!(
            String::from_utf8_lossy(&out),
            "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:9\r\nhost: a b\r\n\r\nbody"
        );
    }
}
