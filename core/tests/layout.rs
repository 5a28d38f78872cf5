//! The layout of `core/src` kept on purpose: imports run downward only (grammar → error →
//! http1 → upgrade / h2c / websocket → server | client → http_types), server and client
//! never import each other, and a reference path never imports its fast path. Read from
//! the source text: every `crate::` path in code (comments and test modules left out).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The layer of each top-level module: a module may use only modules of a lower layer,
/// or itself.
const LAYERS: [(&str, u8); 9] = [
    ("grammar", 0),
    ("error", 1),
    ("http1", 2),
    ("upgrade", 3),
    ("h2c", 3),
    ("websocket", 3),
    ("server", 4),
    ("client", 4),
    ("http_types", 5),
];

/// Inside `grammar/`: the byte predicates are the leaf, the readers sit on them.
const GRAMMAR_LAYERS: [(&str, u8); 5] = [
    ("chars", 0),
    ("list", 1),
    ("uri", 1),
    ("plain", 2),
    ("host_pattern", 2),
];

/// The reference paths, and the fast path beside each that they must never call.
const REFERENCES: [(&str, &str); 2] = [
    ("server/http1.rs", "one_pass"),
    ("client/validate.rs", "one_pass"),
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("core/src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file: no comments, and nothing from its `#[cfg(test)]` module on.
fn code(text: &str) -> String {
    let end = text.find("#[cfg(test)]\nmod tests").unwrap_or(text.len());
    text[..end]
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b` path in `code`, as (a, b).
fn crate_paths(code: &str) -> Vec<(String, String)> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let mut parts = rest
            .split("::")
            .map(|p| p.split(|c: char| !(c.is_alphanumeric() || c == '_')).next());
        let first = parts.next().flatten().unwrap_or_default().to_string();
        let second = parts.next().flatten().unwrap_or_default().to_string();
        paths.push((first, second));
    }
    paths
}

/// The files of `core/src`, keyed by their path below it, with their code.
fn files() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    sources(&root, &mut paths);
    paths
        .into_iter()
        .map(|path| {
            let key = path
                .strip_prefix(&root)
                .expect("below src")
                .to_string_lossy()
                .replace('\\', "/");
            let text = fs::read_to_string(&path).expect("a source file");
            (key, code(&text))
        })
        .collect()
}

fn top_module(file: &str) -> &str {
    file.split('/')
        .next()
        .unwrap_or_default()
        .trim_end_matches(".rs")
}

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

#[test]
fn imports_run_downward_only() {
    let mut violations = Vec::new();
    let files = files();
    assert!(files.len() >= 20, "core/src has its files: {}", files.len());
    for (file, code) in &files {
        let module = top_module(file);
        let Some(own) = layer(module) else {
            assert_eq!(
                module, "lib",
                "{file}: a top-level module missing from LAYERS"
            );
            continue;
        };
        for (target, below) in crate_paths(code) {
            let Some(theirs) = layer(&target) else {
                // A root re-export (`crate::parse_request`): the API, above every layer
                // but the adapter's.
                if own < 5 {
                    violations.push(format!("{file}: crate::{target} (the API) from below it"));
                }
                continue;
            };
            if theirs > own || (theirs == own && target != module) {
                violations.push(format!("{file}: crate::{target}"));
            }
            if module == "grammar" && target == "grammar" {
                let this = file.trim_start_matches("grammar/").trim_end_matches(".rs");
                let rank = |name: &str| GRAMMAR_LAYERS.iter().find(|(m, _)| *m == name);
                if let (Some((_, a)), Some((_, b))) = (rank(this), rank(&below)) {
                    if b >= a && this != below {
                        violations.push(format!("{file}: crate::grammar::{below}"));
                    }
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "upward or sideways imports: {violations:#?}"
    );
}

#[test]
fn the_byte_predicates_are_the_leaf() {
    let files = files();
    let chars = &files["grammar/chars.rs"];
    assert!(crate_paths(chars).is_empty() && !chars.contains("super::"));
}

#[test]
fn reference_paths_never_call_their_fast_paths() {
    let files = files();
    for (file, fast) in REFERENCES {
        let code = &files[file];
        assert!(!code.contains(fast), "{file} names {fast}");
    }
}

#[test]
fn the_checker_sees_an_upward_import() {
    // The checks above must be able to fail: an upward path is found in code, a path in
    // a comment is not.
    let code = code("use crate::server::ServerPolicy; // crate::client\n");
    assert_eq!(
        crate_paths(&code),
        [("server".to_string(), "ServerPolicy".to_string())]
    );
    assert!(layer("server") > layer("grammar"));
}
