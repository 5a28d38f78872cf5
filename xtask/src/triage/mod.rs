//! `cargo xtask triage [DIR]`: every crash, timeout and OOM a campaign saved, replayed on
//! stable (each in its own process, bounded in time), grouped by panic site and oracle
//! message, minimised by libFuzzer, decoded for a reader, and written as a ready
//! regression file, with `target/triage/report.md` over them all.

mod inspect_line;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;

pub use inspect_line::inspect_line;

use crate::base::paths::{root, target_dir};
use crate::base::process::cmd;
use crate::base::sha1_hex;
use crate::engines::job::artifacts_in;
use crate::engines::libfuzzer;

/// `cargo xtask triage`.
#[derive(Debug, clap::Args)]
pub struct TriageArgs {
    /// The artifacts: `fuzz/artifacts/` (every target), one target's folder, or any folder
    /// whose subfolders are named by target.
    dir: Option<PathBuf>,
    /// Seconds libFuzzer may spend minimising each group's smallest input (0: none).
    #[arg(long, default_value_t = 30)]
    minimize_seconds: u64,
    /// Seconds one replay may take before it counts as a timeout.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
}

impl TriageArgs {
    /// Triage of `dir` with the defaults.
    pub fn for_dir(dir: PathBuf) -> Self {
        TriageArgs {
            dir: Some(dir),
            minimize_seconds: 30,
            timeout: 10,
        }
    }
}

/// `cargo xtask triage-replay TARGET FILE` (hidden): one input through its harness in this
/// process; prints the verdict as one line for the parent triage.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    target: String,
    file: PathBuf,
}

/// How one replay ended.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// The harness returned: the input no longer fails on stable.
    Passes,
    /// A panic, at `site`, with the oracle's `message`.
    Panic { site: String, message: String },
    /// The replay ran past the time limit.
    Timeout,
    /// The process died otherwise (abort, out of memory, a signal).
    Died(String),
}

impl Verdict {
    /// The group key: the kind, the site and the message with its numbers and quoted
    /// values blanked, so the same oracle failing on other data groups together.
    fn group(&self) -> String {
        match self {
            Verdict::Passes => "passes on stable".into(),
            Verdict::Timeout => "timeout".into(),
            Verdict::Died(how) => format!("died: {how}"),
            Verdict::Panic { site, message } => format!("panic at {site}: {}", shape(message)),
        }
    }
}

/// `message`'s first line with digits and quoted or bracketed values blanked.
fn shape(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default();
    let mut out = String::new();
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (None, '"') | (None, '[') => {
                quote = Some(if c == '"' { '"' } else { ']' });
                out.push(c);
                out.push('…');
            }
            (Some(end), c) if c == end => {
                quote = None;
                out.push(c);
            }
            (Some(_), _) => {}
            (None, c) if c.is_ascii_digit() => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            (None, c) => out.push(c),
        }
        if out.len() > 160 {
            out.push('…');
            break;
        }
    }
    out
}

/// Runs in the child: the harness on the file, a panic reported as `PANIC site\tmessage`.
pub fn replay_one(args: &ReplayArgs) -> i32 {
    let Some(harness) = http_upgrade_proptests::harnesses::harness(&args.target) else {
        eprintln!("unknown target {}", args.target);
        return 2;
    };
    let Ok(bytes) = std::fs::read(&args.file) else {
        eprintln!("cannot read {}", args.file.display());
        return 2;
    };
    std::panic::set_hook(Box::new(|info| {
        let site = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        println!("PANIC {site}\t{}", message.replace('\n', "\\n"));
    }));
    match std::panic::catch_unwind(|| harness(&bytes)) {
        Ok(()) => {
            println!("PASS");
            0
        }
        Err(_) => 1,
    }
}

/// Replays one file in a child process, bounded by `timeout`.
pub fn replay(target: &str, file: &Path, timeout: Duration) -> Verdict {
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("xtask"));
    let finished = cmd(exe)
        .arg("triage-replay")
        .arg(target)
        .arg(file)
        .timeout(timeout)
        .output();
    let finished = match finished {
        Ok(finished) => finished,
        Err(error) => return Verdict::Died(format!("{error:#}")),
    };
    if finished.timed_out {
        return Verdict::Timeout;
    }
    let out = &finished.stdout;
    if let Some(line) = out.lines().find(|l| l.starts_with("PANIC ")) {
        let (site, message) = line["PANIC ".len()..]
            .split_once('\t')
            .unwrap_or((line, ""));
        return Verdict::Panic {
            site: site.to_string(),
            message: message.replace("\\n", "\n"),
        };
    }
    if out.lines().any(|l| l == "PASS") {
        return Verdict::Passes;
    }
    Verdict::Died(finished.ending())
}

/// The artifacts to triage under `dir`, each with its target.
fn collect(dir: &Path) -> Vec<(String, PathBuf)> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if http_upgrade_proptests::harnesses::harness(&name).is_some() {
        return artifacts_in(dir)
            .into_iter()
            .map(|a| (name.clone(), a))
            .collect();
    }
    let mut found = Vec::new();
    for target in http_upgrade_proptests::harnesses::names() {
        for artifact in artifacts_in(&dir.join(target)) {
            found.push((target.to_string(), artifact));
        }
    }
    found
}

/// One group of artifacts that fail the same way.
struct Group {
    target: String,
    verdict: Verdict,
    files: Vec<PathBuf>,
}

pub fn run(args: &TriageArgs) -> i32 {
    match triage(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("triage: {error:#}");
            1
        }
    }
}

/// Triages `dir` (or `fuzz/artifacts/`); 1 when any artifact still fails on stable.
pub fn triage(args: &TriageArgs) -> Result<i32> {
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| root().join("fuzz/artifacts"));
    let artifacts = collect(&dir);
    if artifacts.is_empty() {
        println!("no crash, timeout or OOM artifacts under {}", dir.display());
        return Ok(0);
    }
    let timeout = Duration::from_secs(args.timeout);
    let mut groups: BTreeMap<(String, String), Group> = BTreeMap::new();
    for (index, (target, file)) in artifacts.iter().enumerate() {
        eprintln!(
            "[{}/{}] replaying {}",
            index + 1,
            artifacts.len(),
            file.display()
        );
        let verdict = replay(target, file, timeout);
        groups
            .entry((target.clone(), verdict.group()))
            .or_insert_with(|| Group {
                target: target.clone(),
                verdict: verdict.clone(),
                files: Vec::new(),
            })
            .files
            .push(file.clone());
    }
    let out = target_dir().join("triage");
    std::fs::create_dir_all(&out)?;
    let minimizer = args.minimize_seconds > 0 && libfuzzer::build(&[]).is_ok();
    let mut report = String::from("# Triage\n\n");
    report.push_str(&format!(
        "{} artifacts from `{}`, {} groups (`cargo xtask triage`). Each group: what fails on \
         stable, how often, its smallest input minimised, decoded, and a regression file \
         ready to commit.\n\n",
        artifacts.len(),
        dir.display(),
        groups.len()
    ));
    report.push_str("| # | target | verdict | count | minimised bytes | regression file |\n");
    report.push_str("| ---: | --- | --- | ---: | ---: | --- |\n");
    let mut details = String::new();
    let mut failing = false;
    for (number, group) in groups.values().enumerate() {
        let number = number + 1;
        let smallest = group
            .files
            .iter()
            .min_by_key(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(u64::MAX))
            .cloned()
            .unwrap_or_default();
        let still_fails = group.verdict != Verdict::Passes;
        failing |= still_fails;
        let input = if still_fails && minimizer && matches!(group.verdict, Verdict::Panic { .. }) {
            minimized(group, &smallest, &out, args.minimize_seconds, timeout)
        } else {
            smallest.clone()
        };
        let bytes = std::fs::read(&input)?;
        let regression = if still_fails {
            let dir = out.join("regressions").join(&group.target);
            std::fs::create_dir_all(&dir)?;
            let path = dir.join(format!("crash-{}", sha1_hex(&bytes)));
            std::fs::write(&path, &bytes)?;
            Some(path)
        } else {
            None
        };
        report.push_str(&format!(
            "| {number} | `{}` | {} | {} | {} | {} |\n",
            group.target,
            group.verdict.group().replace('|', "\\|"),
            group.files.len(),
            bytes.len(),
            regression
                .as_ref()
                .map_or("-".to_string(), |p| format!("`{}`", p.display()))
        ));
        details.push_str(&format!(
            "\n## {number}. `{}`: {}\n\n",
            group.target,
            group.verdict.group()
        ));
        if let Verdict::Panic { site, message } = &group.verdict {
            details.push_str(&format!(
                "Panics at `{site}`:\n\n```text\n{}\n```\n\n",
                clip(message, 1500)
            ));
        }
        details.push_str(&format!(
            "{} file(s): {}\n\nThe input ({} bytes, from `{}`), decoded:\n\n```text\n{}\n```\n\n",
            group.files.len(),
            names(&group.files, 8),
            bytes.len(),
            input.display(),
            http_upgrade_proptests::harnesses::describe(&group.target, &bytes)
        ));
        details.push_str(&format!(
            "What the crate does with it: `{}`\n\n",
            inspect_line(&group.target, &input)
        ));
        if let Some(path) = &regression {
            details.push_str(&format!(
                "Keep it: `cp {} corpus/regressions/{}/` (the stable suite replays it \
                 forever), then fix the code it fails.\n",
                path.display(),
                group.target
            ));
        }
        println!(
            "{number}. {} {} x{}: {}",
            group.target,
            group.verdict.group(),
            group.files.len(),
            regression.map_or("passes on stable now".to_string(), |p| p
                .display()
                .to_string())
        );
    }
    report.push_str(&details);
    let path = out.join("report.md");
    std::fs::write(&path, report)?;
    println!("report: {}", path.display());
    Ok(i32::from(failing))
}

/// `text` cut to `max` characters, with the length of what was cut.
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}… ({} more characters)", &text[..at], text.len() - at),
        None => text.to_string(),
    }
}

/// The first `max` file names, and how many more there are.
fn names(files: &[PathBuf], max: usize) -> String {
    let mut shown: Vec<String> = files
        .iter()
        .take(max)
        .map(|f| format!("`{}`", f.file_name().unwrap_or_default().to_string_lossy()))
        .collect();
    if files.len() > max {
        shown.push(format!("and {} more", files.len() - max));
    }
    shown.join(", ")
}

/// libFuzzer's minimisation of `input`, kept only when the smaller input still fails the
/// same way on stable; else the input itself.
fn minimized(group: &Group, input: &Path, out: &Path, seconds: u64, timeout: Duration) -> PathBuf {
    let dir = out.join("minimized").join(&group.target);
    if std::fs::create_dir_all(&dir).is_err() {
        return input.to_path_buf();
    }
    let name = input
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let smaller = dir.join(format!("min-{name}"));
    let _ = std::fs::remove_file(&smaller);
    if libfuzzer::minimize_crash(&group.target, input, &smaller, seconds).is_err() {
        return input.to_path_buf();
    }
    match replay(&group.target, &smaller, timeout) {
        verdict if verdict.group() == group.verdict.group() => smaller,
        _ => input.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_group_by_shape() {
        let a = Verdict::Panic {
            site: "proptests/src/oracles/targets.rs:40".into(),
            message: "assertion `left == right` failed: consumed 41 != 40 for \"GET /a\"".into(),
        };
        let b = Verdict::Panic {
            site: "proptests/src/oracles/targets.rs:40".into(),
            message: "assertion `left == right` failed: consumed 7 != 6 for \"POST /bb\"".into(),
        };
        assert_eq!(a.group(), b.group());
        assert_eq!(
            a.group(),
            "panic at proptests/src/oracles/targets.rs:40: assertion `left == right` failed: \
             consumed # != # for \"…\""
        );
        assert_ne!(Verdict::Timeout.group(), a.group());
        assert_eq!(clip("abcdef", 3), "abc… (3 more characters)");
        let files: Vec<PathBuf> = (0..5)
            .map(|i| PathBuf::from(format!("crash-{i}")))
            .collect();
        assert_eq!(names(&files, 2), "`crash-0`, `crash-1`, and 3 more");
    }
}
