//! Property-test strategies and an independent reference model for `http-upgrade`.
//!
//! - [`model`]: a handshake model (key bytes, host, path, version, method, Upgrade offers,
//!   subprotocols, extension offers, noise, trailing bytes) and a server policy model;
//! - [`render`]: one model, many byte-level renderings (order, case, OWS, splits, empties);
//! - [`response`]: the client's side: a 101 dressed with 1xx interim heads and obs-folds;
//! - [`client_reference`]: server answers, valid or near misses, and what the client must
//!   make of them, from RFC 6455 §4.1 and RFC 7692 §7 (the client's independent reference);
//! - [`near_miss`]: one character off in one field of a valid request, judged by that
//!   field's own grammar;
//! - [`gate`]: a perfect handshake and one near miss per condition of each one pass's
//!   gate, each with the verdict the RFCs give it and the path that must decide it;
//! - [`faults`]: single-fault mutations, each labelled with the outcome it must cause;
//! - [`reference`](mod@reference): what the server must do, written from the RFCs without the core crate;
//! - [`strategies`]: proptest strategies over all of the above;
//! - [`structured`]: the same model driven by `arbitrary`, for the `handshake_structured`
//!   fuzz target;
//! - [`transport`]: one model as an HTTP/1.1 Upgrade and as an extended CONNECT (RFC 8441),
//!   which must choose alike;
//! - [`oracles`]: the property behind every other fuzz target, and the tungstenite
//!   differential, so the product crate carries no fuzz code;
//! - [`rfc`]: the one independent SHA-1 (FIPS 180-4), base64 (RFC 4648) and accept key
//!   (RFC 6455 §1.3) every oracle uses.

pub mod classes;
pub mod client_reference;
pub mod faults;
pub mod gate;
pub mod harnesses;
pub mod http2_settings;
pub mod ip_literal;
pub mod labels;
pub mod model;
pub mod near_miss;
pub mod observe;
pub mod oracles;
pub mod reference;
pub mod render;
pub mod response;
pub mod rfc;
pub mod split_reads;
pub mod strategies;
pub mod structured;
pub mod transport;

/// The files directly in `dir`, sorted; none when it does not exist (a corpus directory).
pub fn corpus_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<std::path::PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// The lines of a head (start line first, each with its CRLF, the empty line left out), and
/// the bytes after the head: for tests that leave a line out, write one twice, or change
/// one, then put the head back together with [`join_head`].
pub fn head_lines(bytes: &[u8]) -> (Vec<Vec<u8>>, Vec<u8>) {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head")
        + 4;
    let lines = bytes[..end - 2]
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    (lines, bytes[end..].to_vec())
}

/// A head from its lines (as [`head_lines`] gives them), the empty line, then `rest`.
pub fn join_head(lines: &[Vec<u8>], rest: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = lines.concat();
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(rest);
    out
}

/// The real captures in `corpus/captures/` with this file extension (`http`, `h2`), as
/// (file name, bytes), sorted by name.
pub fn captures(extension: &str) -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/captures");
    corpus_files(&dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .map(|p| {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(&p).unwrap_or_default();
            (name, bytes)
        })
        .collect()
}

/// The workspace README's embedding examples, compiled and run as doctests (here, not in
/// core, so the published crate names no file outside itself).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
