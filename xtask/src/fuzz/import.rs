//! `cargo xtask fuzz --import DIR|ZIP`: brings another machine's results home. Reads a
//! folder or a zip (zips inside are opened too): ClusterFuzzLite's storage repository or
//! downloaded artifacts, OSS-Fuzz corpus backups and testcases, or another clone's
//! `fuzz/artifacts/` and `target/fuzz-scratch/`. Each file is attributed to a target by the
//! nearest path component or file name that names one; crash-like files (libFuzzer's
//! prefixes, ClusterFuzz testcases, AFL++'s `crashes/` and `hangs/`) go to
//! `fuzz/artifacts/<target>/` and are triaged, everything else is merged into
//! `corpus/<target>/` by libFuzzer's `-merge=1` (only coverage-increasing inputs stay).

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use anyhow::{Context as _, Result};

use crate::base::paths::{root, target_dir};
use crate::base::sha1_hex;
use crate::engines::job::count_files;
use crate::engines::libfuzzer;
use crate::engines::targets::{artifacts_dir, corpus_dir, targets};

/// One file found in the source, by where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Its path inside the source (zip members as `a.zip/inner/path`).
    pub path: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// What a found file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A crash, timeout or OOM of this target.
    Crash(String),
    /// A crash-like file whose path names no target (a downloaded ClusterFuzzLite
    /// testcase, say): replayed through every target to find the one it fails.
    UnattributedCrash,
    /// A corpus input of this target.
    Corpus(String),
    /// Neither: no target is named anywhere on its path, or it is a listing or a log.
    Unknown,
}

/// Classifies a path (as `Found::path`) by target and kind.
pub fn classify(path: &str) -> Kind {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or_default();
    let ignored = name.is_empty()
        || name.starts_with('.')
        || name.ends_with(".txt")
        || name.ends_with(".md")
        || name.ends_with(".log")
        || name.ends_with(".options")
        || name.ends_with(".dict")
        || name == "fuzzer_stats"
        || name == "plot_data"
        || name == "fastresume.bin"
        || name == "cmdline";
    if ignored {
        return Kind::Unknown;
    }
    // The last component (directory or name part) that names a target decides; a longer
    // name wins over one it contains.
    let mut names = targets();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let target = lower.rsplit('/').find_map(|component| {
        names
            .iter()
            .find(|t| component.contains(t.as_str()))
            .cloned()
    });
    let crash_name = ["crash-", "timeout-", "oom-", "leak-", "slow-unit-"]
        .iter()
        .any(|p| name.starts_with(p))
        || name.contains("testcase");
    let crash_dir = lower
        .split('/')
        .any(|component| matches!(component, "crashes" | "hangs"));
    match (target, crash_name || crash_dir) {
        (Some(target), true) => Kind::Crash(target),
        (Some(target), false) => Kind::Corpus(target),
        (None, true) => Kind::UnattributedCrash,
        (None, false) => Kind::Unknown,
    }
}

/// Every file under `source`, zips (and zips inside them) opened.
pub fn read_all(source: &Path) -> Result<Vec<Found>> {
    let mut found = Vec::new();
    if source.is_dir() {
        walk(source, source, &mut found)?;
    } else {
        let bytes = std::fs::read(source).with_context(|| source.display().to_string())?;
        let name = source
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        add(name, bytes, &mut found)?;
    }
    Ok(found)
}

fn walk(base: &Path, dir: &Path, found: &mut Vec<Found>) -> Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| dir.display().to_string())?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            walk(base, &path, found)?;
        } else if path.is_file() {
            let relative = path
                .strip_prefix(base)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(&path).with_context(|| path.display().to_string())?;
            add(relative, bytes, found)?;
        }
    }
    Ok(())
}

/// Adds a file, or the members of a zip under its name.
fn add(path: String, bytes: Vec<u8>, found: &mut Vec<Found>) -> Result<()> {
    if !bytes.starts_with(b"PK\x03\x04") {
        found.push(Found { path, bytes });
        return Ok(());
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .with_context(|| format!("{path}: not a readable zip"))?;
    let stem = path.trim_end_matches(".zip").to_string();
    for index in 0..archive.len() {
        let mut member = archive.by_index(index).with_context(|| path.clone())?;
        if member.is_dir() {
            continue;
        }
        let name = member.name().with_context(|| path.clone())?.to_string();
        let mut inner = Vec::new();
        member
            .read_to_end(&mut inner)
            .with_context(|| format!("{path}/{name}"))?;
        add(format!("{stem}/{name}"), inner, found)?;
    }
    Ok(())
}

/// The target a crash-like file fails on stable (each replay bounded), tried in campaign
/// order; `Unknown` when it fails none.
fn attribute(bytes: &[u8]) -> Result<Kind> {
    let dir = target_dir().join("fuzz-import/unattributed");
    std::fs::create_dir_all(&dir)?;
    let file = dir.join(sha1_hex(bytes));
    std::fs::write(&file, bytes)?;
    for target in targets() {
        let verdict = crate::triage::replay(&target, &file, std::time::Duration::from_secs(10));
        if verdict != crate::triage::Verdict::Passes {
            return Ok(Kind::Crash(target));
        }
    }
    Ok(Kind::Unknown)
}

/// Imports `source`; the exit code (1 when an imported crash still fails on stable).
pub fn run(source: &Path) -> Result<i32> {
    let found = read_all(source)?;
    let mut corpus: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
    let mut crashes: BTreeMap<String, usize> = BTreeMap::new();
    let mut unknown = 0;
    for file in found {
        let kind = match classify(&file.path) {
            Kind::UnattributedCrash => attribute(&file.bytes)?,
            kind => kind,
        };
        match kind {
            Kind::Corpus(target) => corpus.entry(target).or_default().push(file.bytes),
            Kind::Crash(target) => {
                let dir = artifacts_dir(&target);
                std::fs::create_dir_all(&dir)?;
                let path = dir.join(format!("crash-{}", sha1_hex(&file.bytes)));
                if !path.exists() {
                    std::fs::write(&path, &file.bytes)?;
                    *crashes.entry(target).or_default() += 1;
                }
            }
            Kind::Unknown | Kind::UnattributedCrash => unknown += 1,
        }
    }
    println!("| target | inputs offered | corpus before | corpus after | new crashes |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for target in targets() {
        let offered = corpus.get(&target).map_or(0, Vec::len);
        let new_crashes = crashes.get(&target).copied().unwrap_or(0);
        if offered == 0 && new_crashes == 0 {
            continue;
        }
        let into = corpus_dir(&target);
        let before = count_files(&into).0;
        if offered > 0 {
            let staging = target_dir().join("fuzz-import").join(&target);
            let _ = std::fs::remove_dir_all(&staging);
            std::fs::create_dir_all(&staging)?;
            for bytes in &corpus[&target] {
                std::fs::write(staging.join(sha1_hex(bytes)), bytes)?;
            }
            libfuzzer::merge(&target, &into, &[staging])?;
        }
        let after = count_files(&into).0;
        println!("| {target} | {offered} | {before} | {after} | {new_crashes} |");
    }
    if unknown > 0 {
        println!("{unknown} files were left out: they name no target (listings, logs, stats), or, crash-like, fail no target on stable");
    }
    if crashes.values().sum::<usize>() == 0 {
        println!("no new crashes");
        return Ok(0);
    }
    crate::triage::triage(&crate::triage::TriageArgs::for_dir(
        root().join("fuzz/artifacts"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_their_target_and_kind() {
        for (path, kind) in [
            (
                "corpus/server_negotiate/abc",
                Kind::Corpus("server_negotiate".into()),
            ),
            (
                "server_negotiate.zip/abc",
                Kind::Corpus("server_negotiate".into()),
            ),
            (
                "public.zip/request_head/0a1b",
                Kind::Corpus("request_head".into()),
            ),
            (
                "artifacts/fast_paths/crash-0a1b",
                Kind::Crash("fast_paths".into()),
            ),
            (
                "clusterfuzz-testcase-minimized-client_validate-5712",
                Kind::Crash("client_validate".into()),
            ),
            (
                "afl-out/handshake_structured/main/crashes/id:000000,sig:06",
                Kind::Crash("handshake_structured".into()),
            ),
            (
                "afl-out/extensions/main/queue/id:000003,src:000001",
                Kind::Corpus("extensions".into()),
            ),
            ("extended_connect/README.txt", Kind::Unknown),
            ("random/file", Kind::Unknown),
            ("current-batch-crash/crash-0a1b", Kind::UnattributedCrash),
        ] {
            assert_eq!(classify(path), kind, "{path}");
        }
    }

    #[test]
    fn zips_inside_zips_are_read() {
        use std::io::Write as _;
        let zip_of = |name: &str, bytes: &[u8]| {
            let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .expect("member");
            out.write_all(bytes).expect("write");
            out.finish().expect("finish").into_inner()
        };
        let inner = zip_of("seed-1", b"GET / HTTP/1.1\r\n\r\n");
        let outer = zip_of("request_head.zip", &inner);
        let mut found = Vec::new();
        add("backup.zip".into(), outer, &mut found).expect("readable");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path, "backup/request_head/seed-1");
        assert_eq!(
            classify(&found[0].path),
            Kind::Corpus("request_head".into())
        );
    }
}
