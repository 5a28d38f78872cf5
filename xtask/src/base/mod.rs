//! The layer every command stands on: the workspace's paths, running processes, installing
//! the tools a command needs, git checkouts, loopback ports and small helpers. It imports nothing from the
//! commands above it.

pub mod git;
pub mod install;
pub mod net;
pub mod paths;
pub mod process;

/// The SHA-1 of `bytes`, hex: the name libFuzzer gives an artifact.
pub fn sha1_hex(bytes: &[u8]) -> String {
    use sha1::Digest as _;
    sha1::Sha1::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
