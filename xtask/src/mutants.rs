//! `cargo xtask mutants`: cargo-mutants over `core/` with the fast stable layer as the test
//! command (core's unit, capture and reason tests; the properties at their default case
//! count; the corpus and regression replay), then `target/mutants/report.md`.
//!
//! `core/MUTANTS_BASELINE` names the commit up to which every line of core has been through
//! a run with no survivor: a run over all of core, or one over every line changed since the
//! baseline before it (`--record` writes HEAD there after either). `--since-baseline`, which
//! CI runs, tests every line of core changed since then, so a submission of several commits
//! is checked whole, not on its last commit alone.

use std::path::Path;

use anyhow::{anyhow, bail, Context as _, Result};

use crate::base::install;
use crate::base::paths::{root, target_dir};
use crate::base::process::cmd;

/// `cargo xtask mutants`: cargo-mutants over core/ with the fast stable layer; writes
/// target/mutants/mutants.out/ and target/mutants/report.md; exits non-zero when a viable
/// mutant survives (timeouts are listed and count as killed: the suite did not pass).
#[derive(Debug, clap::Args)]
pub struct MutantsArgs {
    /// Only mutants on lines a unified diff changes (cargo-mutants --in-diff).
    #[arg(long, value_name = "FILE")]
    in_diff: Option<String>,
    /// The same, for `git diff REV` (CI uses HEAD~1).
    #[arg(long, value_name = "REV")]
    since: Option<String>,
    /// Only mutants in this file of core/ (repeatable).
    #[arg(long = "file", value_name = "PATH")]
    files: Vec<String>,
    /// The same, for every line changed since the commit in core/MUTANTS_BASELINE (CI).
    #[arg(long, conflicts_with_all = ["since", "in_diff"])]
    since_baseline: bool,
    /// After a run with no survivor over all of core, or over every line changed since
    /// the baseline (`--since-baseline`), write HEAD into core/MUTANTS_BASELINE.
    #[arg(long, conflicts_with_all = ["since", "in_diff", "files"])]
    record: bool,
    /// Parallel builds (default 2).
    #[arg(long, value_name = "N")]
    jobs: Option<String>,
}

impl MutantsArgs {
    /// A run over all of core that records its commit when nothing survives (the nightly's).
    pub fn full_and_record() -> Self {
        MutantsArgs {
            in_diff: None,
            since: None,
            files: Vec::new(),
            since_baseline: false,
            record: true,
            jobs: None,
        }
    }
}

/// The file naming the last commit a full run passed at.
const BASELINE: &str = "core/MUTANTS_BASELINE";

/// The commit in [`BASELINE`], checked to be one git knows.
fn baseline(root: &Path) -> Result<String> {
    let text = std::fs::read_to_string(root.join(BASELINE))
        .map_err(|e| anyhow!("cannot read {BASELINE}: {e}"))?;
    let commit = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .with_context(|| format!("{BASELINE} names no commit"))?
        .to_string();
    let known = cmd("git")
        .args(["cat-file", "-e", &format!("{commit}^{{commit}}")])
        .dir(root)
        .succeeds();
    if !known {
        bail!("{BASELINE} names {commit}, which is not in this history");
    }
    Ok(commit)
}

/// Writes HEAD into [`BASELINE`], keeping its comment lines.
fn record(root: &Path) -> Result<String> {
    let head = cmd("git")
        .args(["rev-parse", "HEAD"])
        .dir(root)
        .read()?
        .trim()
        .to_string();
    let old = std::fs::read_to_string(root.join(BASELINE)).unwrap_or_default();
    let mut text: String = old
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    text.push_str(&head);
    text.push('\n');
    std::fs::write(root.join(BASELINE), text)
        .map_err(|e| anyhow!("cannot write {BASELINE}: {e}"))?;
    Ok(head)
}

/// Runs the mutation test and writes the report; returns the exit code.
pub fn run(options: &MutantsArgs) -> i32 {
    let root = root();
    let out = target_dir().join("mutants");
    if let Err(error) = std::fs::create_dir_all(&out) {
        eprintln!("cannot create {}: {error}", out.display());
        return 1;
    }
    if let Err(error) = install::cargo_tool("cargo-mutants", None, || {
        cmd("cargo").args(["mutants", "--version"])
    }) {
        eprintln!("mutants: {error:#}");
        return 1;
    }
    let mut diff_file = options.in_diff.clone();
    let since = if options.since_baseline {
        match baseline(&root) {
            Ok(commit) => Some(commit),
            Err(error) => {
                eprintln!("mutants: {error:#}");
                return 1;
            }
        }
    } else {
        options.since.clone()
    };
    if let Some(rev) = &since {
        let diff = match cmd("git")
            .args(["diff", rev, "--", "core/src"])
            .dir(&root)
            .read()
        {
            Ok(diff) => diff,
            Err(error) => {
                eprintln!("mutants: {error:#}");
                return 1;
            }
        };
        if diff.is_empty() {
            println!("no change to core/src since {rev}: no mutants to test");
            return write_report(&out, "no change to core/src", Outcomes::default());
        }
        let path = out.join("since.diff");
        if let Err(error) = std::fs::write(&path, &diff) {
            eprintln!("cannot write {}: {error}", path.display());
            return 1;
        }
        diff_file = Some(path.display().to_string());
    }
    let mut command = cmd("cargo")
        .dir(&root)
        .args(["mutants", "--package", "http-upgrade", "--no-shuffle"])
        // The stable layer: core's own tests and the oracle crate's (properties at the
        // default case count, the corpus and regression replay); not xtask or benches.
        .args(["--test-package", "http-upgrade,http-upgrade-proptests"])
        // The `http` feature's adapter and its tests are part of core.
        .args(["--features", "http-upgrade/http"])
        .args(["--jobs", options.jobs.as_deref().unwrap_or("2")])
        .args(["--minimum-test-timeout", "60"])
        .arg("--output")
        .arg(&out);
    for file in &options.files {
        command = command.args(["--file", file]);
    }
    if let Some(diff) = &diff_file {
        command = command.args(["--in-diff", diff]);
    }
    // A run that finds no mutant on the changed lines writes no outcomes: without this,
    // the previous run's would be read as this one's.
    let previous = out.join("mutants.out");
    if previous.exists() {
        if let Err(error) = std::fs::remove_dir_all(&previous) {
            eprintln!("cannot remove {}: {error}", previous.display());
            return 1;
        }
    }
    println!("running: {}", command.display());
    let status = match command.status() {
        Ok(status) => status,
        Err(error) => {
            eprintln!("mutants: {error:#}");
            return 1;
        }
    };
    // cargo-mutants: 0 all caught, 2 some missed, 3 some timed out, 4 baseline failed.
    if matches!(status.code, Some(1 | 4) | None) {
        eprintln!(
            "cargo mutants failed before testing mutants (exit code {:?})",
            status.code
        );
        return 1;
    }
    let outcomes = Outcomes::read(&out.join("mutants.out"));
    let scope = match (&since, &options.in_diff, options.files.is_empty()) {
        (Some(rev), _, _) => format!("lines of core/src changed since {rev}"),
        (None, Some(diff), _) => format!("lines changed by {diff}"),
        (None, None, false) => options.files.join(", "),
        (None, None, true) => "all of core/".to_string(),
    };
    let survived = !outcomes.missed.is_empty();
    let code = write_report(&out, &scope, outcomes);
    if options.record && code == 0 && !survived {
        match record(&root) {
            Ok(head) => println!("{BASELINE} now names {head}: commit it"),
            Err(error) => {
                eprintln!("mutants: {error:#}");
                return 1;
            }
        }
    }
    code
}

/// The mutants of one run, by outcome, as cargo-mutants lists them.
#[derive(Default)]
struct Outcomes {
    caught: Vec<String>,
    missed: Vec<String>,
    timeout: Vec<String>,
    unviable: Vec<String>,
}

impl Outcomes {
    fn read(dir: &Path) -> Self {
        let lines = |name: &str| -> Vec<String> {
            std::fs::read_to_string(dir.join(name))
                .unwrap_or_default()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect()
        };
        Outcomes {
            caught: lines("caught.txt"),
            missed: lines("missed.txt"),
            timeout: lines("timeout.txt"),
            unviable: lines("unviable.txt"),
        }
    }
}

/// The killed share of viable mutants, in percent. A timeout counts as killed: the test
/// suite did not pass on the mutant (it hung until cargo-mutants stopped it).
fn score(outcomes: &Outcomes) -> f64 {
    let viable = outcomes.caught.len() + outcomes.missed.len() + outcomes.timeout.len();
    if viable == 0 {
        return 100.0;
    }
    100.0 * (outcomes.caught.len() + outcomes.timeout.len()) as f64 / viable as f64
}

fn write_report(out: &Path, scope: &str, outcomes: Outcomes) -> i32 {
    let viable = outcomes.caught.len() + outcomes.missed.len() + outcomes.timeout.len();
    let mut report = format!(
        "# Mutation report\n\nScope: {scope}. Test command: the stable layer \
         (`http-upgrade` and `http-upgrade-proptests` tests).\n\n\
         | viable | killed | survived | timed out | unviable | killed % (timeouts killed) |\n\
         | ---: | ---: | ---: | ---: | ---: | ---: |\n\
         | {viable} | {} | {} | {} | {} | {:.1} |\n",
        outcomes.caught.len(),
        outcomes.missed.len(),
        outcomes.timeout.len(),
        outcomes.unviable.len(),
        score(&outcomes)
    );
    for (title, list) in [
        ("Survivors", &outcomes.missed),
        ("Timed out", &outcomes.timeout),
    ] {
        if !list.is_empty() {
            report.push_str(&format!("\n## {title}\n\n"));
            for line in list {
                report.push_str(&format!("- `{line}`\n"));
            }
        }
    }
    let path = out.join("report.md");
    if let Err(error) = std::fs::write(&path, &report) {
        eprintln!("cannot write {}: {error}", path.display());
        return 1;
    }
    println!("{report}\nwritten to {}", path.display());
    i32::from(!outcomes.missed.is_empty())
}
