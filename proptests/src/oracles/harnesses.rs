//! Every fuzz target by name, and the function it calls: the one table the libFuzzer
//! targets in `fuzz/`, the AFL++ harness, the stable corpus replay and `cargo xtask triage`
//! share, so each engine and each replay runs the same oracle on the same bytes.

use crate::{oracles, structured, transport};

/// A fuzz target's body: panics when an oracle finds the crate wrong.
pub type Harness = fn(&[u8]);

/// Every fuzz target, in campaign order.
pub const TARGETS: [(&str, Harness); 13] = [
    ("request_head", oracles::request_head),
    ("server_negotiate", oracles::server_negotiate),
    ("client_validate", oracles::client_validate),
    ("client_request", oracles::client_request),
    ("extensions", oracles::extensions),
    ("header_lists", oracles::header_lists),
    ("handshake_structured", structured::handshake_structured),
    ("transport_equivalence", transport::transport_equivalence),
    ("extended_connect", oracles::extended_connect),
    ("fast_paths", oracles::fast_paths),
    ("accept_key", oracles::accept_key),
    ("diff_tungstenite", oracles::diff_tungstenite),
    ("handshake_model", structured::handshake_model),
];

/// The names of every target, in campaign order.
pub fn names() -> impl Iterator<Item = &'static str> {
    TARGETS.iter().map(|(name, _)| *name)
}

/// The harness of the target called `name`.
pub fn harness(name: &str) -> Option<Harness> {
    TARGETS
        .iter()
        .find(|(target, _)| *target == name)
        .map(|(_, harness)| *harness)
}

/// A fuzz input decoded for a reader: the structured targets' model, policy and
/// rendering as Debug with the request they render; the byte targets' selector bytes, and
/// the rest as escaped text.
pub fn describe(target: &str, data: &[u8]) -> String {
    use arbitrary::{Arbitrary, Unstructured};
    let escaped = |bytes: &[u8]| bytes.escape_ascii().to_string();
    match target {
        "handshake_structured" | "transport_equivalence" => {
            let mut input = Unstructured::new(data);
            match <(
                crate::model::Handshake,
                crate::model::Policy,
                crate::render::Rendering,
            )>::arbitrary(&mut input)
            {
                Ok((model, policy, rendering)) => {
                    let arranged = crate::render::arrange(
                        crate::render::fields(&model, &rendering),
                        &rendering,
                    );
                    let head = crate::render::head_from(&model, &arranged);
                    format!(
                        "model: {model:#?}\npolicy: {policy:#?}\nrendering: {rendering:#?}\n\
                         request head (before the target's own adjustments): {}",
                        escaped(&head)
                    )
                }
                Err(_) => format!("(too short to decode a model) {}", escaped(data)),
            }
        }
        "handshake_model" => match crate::model_case::ModelCase::decode(data) {
            Some(case) => {
                let arranged = crate::render::arrange(
                    crate::render::fields(&case.handshake, &case.rendering),
                    &case.rendering,
                );
                let head = crate::render::head_from(&case.handshake, &arranged);
                format!("{case:#?}\nrequest head: {}", escaped(&head))
            }
            None => format!("(not an encoded model case) {}", escaped(data)),
        },
        "server_negotiate" | "extended_connect" => match data.split_first() {
            Some((selector, rest)) => format!("selector {selector:#04x}, input: {}", escaped(rest)),
            None => "(empty)".to_string(),
        },
        "client_validate" if data.len() >= 17 => format!(
            "selector {:#04x}, nonce {}, response: {}",
            data[0],
            escaped(&data[1..17]),
            escaped(&data[17..])
        ),
        _ => escaped(data),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every target in `fuzz/fuzz_targets/` is in the table, and nothing else is.
    #[test]
    fn the_table_is_the_fuzz_targets() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/fuzz_targets");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("fuzz/fuzz_targets")
            .map(|e| {
                e.expect("entry")
                    .path()
                    .file_stem()
                    .expect("a file name")
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        files.sort();
        let mut table: Vec<String> = names().map(str::to_string).collect();
        table.sort();
        assert_eq!(files, table);
        assert!(harness("request_head").is_some() && harness("nope").is_none());
    }

    #[test]
    fn descriptions() {
        assert_eq!(describe("request_head", b"GET /\r\n"), "GET /\\r\\n");
        assert_eq!(
            describe("server_negotiate", b"\x07GET"),
            "selector 0x07, input: GET"
        );
        assert!(describe("handshake_structured", &[7u8; 600]).starts_with("model: Handshake"));
    }
}
