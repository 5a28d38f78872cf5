//! The fuzz targets (the harness table's names), their folders (`corpus/<target>/`,
//! `corpus/regressions/<target>/`, `fuzz/artifacts/<target>/`) and their options
//! (`fuzz/<target>.options`, the shared dictionary), as every engine reads them.

use std::path::PathBuf;

use anyhow::{bail, Result};

use crate::base::paths::root;

/// Every fuzz target, in campaign order.
pub fn targets() -> Vec<String> {
    http_upgrade_proptests::harnesses::names()
        .map(str::to_string)
        .collect()
}

/// A target name, checked against the harness table.
pub fn target_name(name: &str) -> Result<String> {
    if http_upgrade_proptests::harnesses::harness(name).is_some() {
        Ok(name.to_string())
    } else {
        bail!("unknown target; targets: {}", targets().join(", "))
    }
}

/// The committed seed corpus of a target.
pub fn corpus_dir(target: &str) -> PathBuf {
    root().join("corpus").join(target)
}

/// The committed regression inputs of a target (every crash ever found).
pub fn regressions_dir(target: &str) -> PathBuf {
    root().join("corpus").join("regressions").join(target)
}

/// The artifacts folder every engine saves a target's crashes in.
pub fn artifacts_dir(target: &str) -> PathBuf {
    root().join("fuzz/artifacts").join(target)
}

/// The seed directories of a run: the committed corpus and every regression.
pub fn seeds(target: &str) -> Vec<PathBuf> {
    [corpus_dir(target), regressions_dir(target)]
        .into_iter()
        .filter(|d| d.is_dir())
        .collect()
}

fn options_file(target: &str) -> Vec<(String, String)> {
    let path = root().join("fuzz").join(format!("{target}.options"));
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// One option of `fuzz/<target>.options` (`max_len`, `timeout`, `dict`, ...).
pub fn option(target: &str, key: &str) -> Option<String> {
    options_file(target)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// The dictionary shared by every target and engine.
pub fn dictionary() -> PathBuf {
    root().join("fuzz/dict/http-upgrade.dict")
}

/// libFuzzer flags from `fuzz/<target>.options`, the dictionary path made absolute.
pub fn flags(target: &str, with_dict: bool) -> Vec<String> {
    options_file(target)
        .into_iter()
        .filter(|(key, _)| with_dict || key != "dict")
        .map(|(key, value)| {
            let value = if key == "dict" {
                root().join("fuzz").join(value).display().to_string()
            } else {
                value
            };
            format!("-{key}={value}")
        })
        .collect()
}
