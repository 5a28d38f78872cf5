//! Property-test strategies, independent references and fuzz oracles for `http-upgrade`,
//! in three folders (wasmtime's `crates/fuzzing` layout):
//!
//! - [`generators`]: what is generated. The handshake model ([`model`]) and its renderings
//!   ([`render`]), the client's 101s ([`response`]), near misses one character off
//!   ([`near_miss`]), each one pass's gate and its near misses ([`gate`]), labelled single
//!   faults ([`faults`]), the proptest strategies over them ([`strategies`]), and the labels
//!   and class tables of a run ([`labels`], [`classes`]).
//! - [`references`]: what the RFCs require, written without the core crate. The server
//!   ([`reference`](mod@reference)), the client ([`client_reference`]), SHA-1, base64 and
//!   the accept key ([`rfc`]), HTTP2-Settings ([`http2_settings`]), IP literals
//!   ([`ip_literal`]) and split reads ([`split_reads`]).
//! - [`oracles`]: the core crate held to the references. The property behind every fuzz
//!   target ([`harnesses`] names them), the structured and transport-equivalence targets
//!   ([`structured`], [`transport`]), the core's verdict in the reference's terms
//!   ([`observe`]), and the differentials against tungstenite and python websockets.
//!
//! Each module is also reachable at the crate root (`http_upgrade_proptests::model`), the
//! paths the tests, fuzz targets and tools use.

pub mod generators;
pub mod oracles;
pub mod references;

pub use generators::{
    batch, classes, faults, gate, labels, model, model_case, model_mutations, near_miss, render,
    response, strategies,
};
pub use oracles::{harnesses, observe, structured, transport};
pub use references::{
    client_reference, handshake_rules, http2_settings, ip_literal, reference, rfc, split_reads,
};

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

/// `docs/embedding.md`'s examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/embedding.md")]
pub struct EmbeddingDoctests;
