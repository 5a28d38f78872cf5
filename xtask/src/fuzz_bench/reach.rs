//! Which fuzz targets reach each file of `core/src` (the one or two a reviewer would fuzz
//! for a change there), and whether a run executed a given line: libFuzzer's own coverage
//! (`-print_coverage=1`) of the unmutated build, over the seeds or over a trial's corpus.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::base::process::cmd;

/// The fuzz targets that reach each file of `core/src`, the most direct first: the one or
/// two a reviewer would fuzz for a change there.
pub const REACH: [(&str, [&str; 2]); 31] = [
    ("core/src/grammar/chars.rs", ["fast_paths", "header_lists"]),
    ("core/src/grammar/list.rs", ["header_lists", "extensions"]),
    (
        "core/src/grammar/plain.rs",
        ["fast_paths", "server_negotiate"],
    ),
    (
        "core/src/grammar/uri.rs",
        ["server_negotiate", "handshake_structured"],
    ),
    (
        "core/src/grammar/host_pattern.rs",
        ["handshake_structured", "server_negotiate"],
    ),
    (
        "core/src/server/host.rs",
        ["handshake_structured", "extended_connect"],
    ),
    ("core/src/error.rs", ["server_negotiate", "request_head"]),
    (
        "core/src/http1/head.rs",
        ["request_head", "client_validate"],
    ),
    (
        "core/src/http1/fields.rs",
        ["server_negotiate", "fast_paths"],
    ),
    (
        "core/src/http1/framing.rs",
        ["handshake_structured", "server_negotiate"],
    ),
    (
        "core/src/http1/write.rs",
        ["server_negotiate", "extensions"],
    ),
    ("core/src/upgrade.rs", ["server_negotiate", "fast_paths"]),
    (
        "core/src/h2c.rs",
        ["server_negotiate", "handshake_structured"],
    ),
    (
        "core/src/websocket/mod.rs",
        ["server_negotiate", "client_validate"],
    ),
    ("core/src/websocket/key.rs", ["accept_key", "fast_paths"]),
    (
        "core/src/websocket/extensions.rs",
        ["extensions", "server_negotiate"],
    ),
    (
        "core/src/websocket/deflate.rs",
        ["handshake_structured", "client_validate"],
    ),
    (
        "core/src/websocket/subprotocol.rs",
        ["server_negotiate", "handshake_structured"],
    ),
    (
        "core/src/server/mod.rs",
        ["server_negotiate", "handshake_structured"],
    ),
    (
        "core/src/server/http1.rs",
        ["server_negotiate", "handshake_structured"],
    ),
    (
        "core/src/server/one_pass.rs",
        ["server_negotiate", "fast_paths"],
    ),
    (
        "core/src/server/connect.rs",
        ["extended_connect", "transport_equivalence"],
    ),
    (
        "core/src/server/rules.rs",
        ["server_negotiate", "handshake_structured"],
    ),
    (
        "core/src/server/websocket.rs",
        ["server_negotiate", "handshake_structured"],
    ),
    (
        "core/src/server/origin.rs",
        ["server_negotiate", "handshake_structured"],
    ),
    (
        "core/src/server/write.rs",
        ["server_negotiate", "request_head"],
    ),
    (
        "core/src/client/mod.rs",
        ["client_validate", "handshake_structured"],
    ),
    (
        "core/src/client/request.rs",
        ["client_request", "client_validate"],
    ),
    (
        "core/src/client/validate.rs",
        ["client_validate", "handshake_structured"],
    ),
    (
        "core/src/client/one_pass.rs",
        ["client_validate", "handshake_structured"],
    ),
    (
        "core/src/client/offers.rs",
        ["client_validate", "client_request"],
    ),
];

pub fn reach(file: &str) -> Option<[&'static str; 2]> {
    REACH.iter().find(|(f, _)| *f == file).map(|(_, t)| *t)
}

/// What a libFuzzer run executed of `core/src`, line by line (keys `file:line`, the path
/// from `core/src`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Lines executed.
    pub covered: BTreeSet<String>,
    /// Lines known not executed: uncovered PCs, and the lines of uncovered functions.
    pub not_covered: BTreeSet<String>,
}

impl Coverage {
    /// Whether `line` ran; `None` when the report does not say (a line of an
    /// always-inlined function that no uncovered PC names).
    pub fn reached(&self, line: &str) -> Option<bool> {
        if self.covered.contains(line) {
            Some(true)
        } else if self.not_covered.contains(line) {
            Some(false)
        } else {
            None
        }
    }
}

/// libFuzzer's `-print_coverage=1` over `dirs` with `binary` (an unoptimised build);
/// `None` when no report came (no symbolizer, or it did not run).
pub fn covered_lines(binary: &Path, dirs: &[&Path], bound: Duration) -> Option<Coverage> {
    let mut command = cmd(binary)
        .args(dirs)
        .args(["-runs=0", "-print_coverage=1"])
        .timeout(bound);
    if let Some(symbolizer) = which_symbolizer() {
        command = command.env("ASAN_SYMBOLIZER_PATH", symbolizer);
    }
    let ended = command.output().ok()?;
    parse_coverage(&ended.combined())
}

/// `llvm-symbolizer` on the PATH.
fn which_symbolizer() -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("llvm-symbolizer"))
            .find(|candidate| candidate.exists())
    })
}

/// Reads libFuzzer's `-print_coverage=1` report: `COVERED_FUNC: ... path:line` opens a
/// covered function, whose lines up to the next function of the file ran but for those an
/// `UNCOVERED_PC: path:line` names; `UNCOVERED_FUNC` opens a function none of whose lines
/// ran. Only `core/src/` paths count.
pub fn parse_coverage(text: &str) -> Option<Coverage> {
    let mut uncovered_pcs = BTreeSet::new();
    let mut functions: Vec<(String, u32, bool)> = Vec::new();
    let mut saw_report = false;
    for line in text.lines() {
        let line = line.trim();
        let (kind, rest) = match line.split_once(':') {
            Some((kind @ ("COVERED_FUNC" | "UNCOVERED_PC" | "UNCOVERED_FUNC"), rest)) => {
                (kind, rest)
            }
            _ => continue,
        };
        saw_report = true;
        let Some((file, number)) = rest.split_whitespace().last().and_then(core_location) else {
            continue;
        };
        match kind {
            "COVERED_FUNC" => functions.push((file, number, true)),
            "UNCOVERED_FUNC" => functions.push((file, number, false)),
            _ => {
                uncovered_pcs.insert(format!("{file}:{number}"));
            }
        }
    }
    if !saw_report {
        return None;
    }
    let mut coverage = Coverage {
        not_covered: uncovered_pcs.clone(),
        ..Coverage::default()
    };
    // A function's lines run from its first line to the next function's first line in the
    // same file (bounded at 200 past the last one). A line two functions share (a generic
    // function's instances) is covered if any instance covers it.
    functions.sort();
    functions.dedup();
    for (index, (file, start, covered)) in functions.iter().enumerate() {
        let end = functions[index + 1..]
            .iter()
            .find(|(next_file, next, _)| next_file == file && next > start)
            .map_or(start + 200, |(_, next, _)| *next);
        for number in *start..end {
            let key = format!("{file}:{number}");
            if *covered && !uncovered_pcs.contains(&key) {
                coverage.covered.insert(key);
            } else if !*covered {
                coverage.not_covered.insert(key);
            }
        }
    }
    let covered = coverage.covered.clone();
    coverage.not_covered.retain(|line| !covered.contains(line));
    Some(coverage)
}

/// `core/src/x.rs:12` (after any directory prefix, a column dropped) as `("x.rs", 12)`.
fn core_location(text: &str) -> Option<(String, u32)> {
    // The standard library's `core` crate is not ours.
    if text.contains("library/core/src/") {
        return None;
    }
    let at = text.find("core/src/")?;
    let mut parts = text[at + "core/src/".len()..].split(':');
    let file = parts.next()?.to_string();
    let line = parts.next()?.parse().ok()?;
    Some((file, line))
}

#[cfg(test)]
mod tests {
    use super::super::sample::NOT_SAMPLED;
    use super::*;
    use crate::base::paths::root;

    /// Every product file of core/src has the targets that reach it.
    #[test]
    fn every_core_file_has_its_targets() {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir)
                .expect("core/src")
                .filter_map(Result::ok)
            {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    let relative = path.strip_prefix(root()).expect("in the repo");
                    out.push(relative.to_string_lossy().into_owned());
                }
            }
        }
        let mut files = Vec::new();
        walk(&root().join("core/src"), &mut files);
        for file in files {
            let directory_module = file.ends_with("/mod.rs")
                && !file.contains("server/")
                && !file.contains("client/")
                && !file.contains("websocket/");
            if NOT_SAMPLED.contains(&file.as_str()) || directory_module {
                continue;
            }
            let targets = reach(&file).unwrap_or_else(|| panic!("{file} has no targets"));
            for target in targets {
                assert!(
                    http_upgrade_proptests::harnesses::harness(target).is_some(),
                    "{target}"
                );
            }
        }
    }

    #[test]
    fn libfuzzer_coverage_reports_are_read_per_line() {
        let report = "COVERAGE:\n\
COVERED_FUNC: hits: 3 edges: 2/3 upgrade::choose /w/core/src/upgrade.rs:90\n\
  UNCOVERED_PC: /w/core/src/upgrade.rs:95:13\n\
COVERED_FUNC: hits: 1 edges: 1/1 upgrade::other /w/core/src/upgrade.rs:100\n\
UNCOVERED_FUNC: hits: 0 edges: 0/4 h2c::check /w/core/src/h2c.rs:10\n\
COVERED_FUNC: hits: 9 edges: 1/1 std::x /rustc/library/core/src/x.rs:1\n";
        let lines = parse_coverage(report).expect("a report");
        assert_eq!(lines.reached("upgrade.rs:91"), Some(true));
        assert_eq!(lines.reached("upgrade.rs:95"), Some(false));
        assert_eq!(lines.reached("upgrade.rs:99"), Some(true));
        assert_eq!(lines.reached("upgrade.rs:100"), Some(true));
        assert_eq!(lines.reached("h2c.rs:10"), Some(false));
        assert_eq!(lines.reached("h2c.rs:11"), Some(false));
        assert_eq!(lines.reached("x.rs:1"), None);
        assert_eq!(lines.reached("chars.rs:5"), None);
        assert_eq!(parse_coverage("no report here"), None);
    }
}
