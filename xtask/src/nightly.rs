//! `cargo xtask nightly`: every property at a high case count in a release build, each
//! with its own RNG seed, printed and recorded so any night replays exactly; per property
//! the class table (what was generated, and the floors it met) and cases per second; on a
//! failure, the shrunk case (saved to proptest-regressions/properties.txt, which `cargo
//! test` replays) and the replay command. `--minutes` spreads a wall-clock budget instead.

use std::path::{Path, PathBuf};
use std::time::Instant;

use http_upgrade_proptests::classes::ClassTable;

use anyhow::{anyhow, bail, Context as _, Result};

use crate::base::install;
use crate::base::paths::{root, target_dir};
use crate::base::process::{cmd, Cmd};

/// `cargo xtask nightly`.
#[derive(Debug, clap::Args)]
pub struct NightlyArgs {
    /// Cases per property.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 100_000,
        conflicts_with = "minutes"
    )]
    cases: u64,
    /// A wall-clock budget for the properties, spread evenly: each property's cases follow
    /// from its speed, measured first at 1,000 cases.
    #[arg(long, value_name = "M")]
    minutes: Option<f64>,
    /// The RNG seed of every property run (default: a fresh one per property, printed).
    /// With --property and --cases as printed, replays a night exactly.
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Run only this property (repeatable).
    #[arg(long = "property", value_name = "NAME")]
    only: Vec<String>,
    /// Also the differential against python websockets (installed in a venv under
    /// target/peers-venv when missing), bounded to --peer-seconds, from a fresh seed.
    #[arg(long)]
    peers: bool,
    /// Only the python websockets differential, no properties (to replay a night's with
    /// its --seed).
    #[arg(long)]
    peers_only: bool,
    /// The bound of --peers, seconds.
    #[arg(long, value_name = "S", default_value_t = 300)]
    peer_seconds: u64,
    /// Also cargo-mutants over all of core (`cargo xtask mutants --record`: hours on two
    /// cores), its report in the summary; with no survivor, core/MUTANTS_BASELINE moves to
    /// HEAD, for CI's mutation step to start from.
    #[arg(long)]
    mutants: bool,
}

/// Where a night's tables go: `target/nightly/`.
fn out_dir() -> PathBuf {
    target_dir().join("nightly")
}

/// `cargo test --release -p http-upgrade-proptests --test <test> --`, in the workspace root.
fn release_test(test: &str) -> Cmd {
    cmd("cargo")
        .args([
            "test",
            "--release",
            "-p",
            "http-upgrade-proptests",
            "--test",
        ])
        .args([test, "--"])
        .dir(root())
}

/// One property's run.
struct PropertyRun {
    name: String,
    cases: u64,
    seed: u64,
    ok: bool,
    seconds: f64,
    table: Option<ClassTable>,
    failure: String,
}

/// Runs `name` at `cases` with `seed`, its class table written under `classes`.
fn run_property(name: &str, cases: u64, seed: u64, classes: &Path) -> PropertyRun {
    let json = classes.join(format!("{name}.json"));
    let _ = std::fs::remove_file(&json);
    let begun = Instant::now();
    let output = release_test("properties")
        .args([name, "--exact", "--nocapture"])
        .env("PROPTEST_CASES", cases.to_string())
        .env("PROPTEST_RNG_SEED", seed.to_string())
        .env("HTTP_UPGRADE_CLASSES", classes)
        .output();
    let seconds = begun.elapsed().as_secs_f64();
    let (ok, text) = match output {
        Ok(output) => (output.success, output.combined()),
        Err(error) => (false, format!("cannot run: {error:#}")),
    };
    let table = std::fs::read_to_string(&json)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok());
    let failure = if ok {
        String::new()
    } else {
        let shrunk: Vec<&str> = text
            .lines()
            .skip_while(|line| {
                !line.contains("minimal failing input")
                    && !line.contains("Test failed")
                    && !line.contains("below their floor")
            })
            .take(60)
            .collect();
        if shrunk.is_empty() {
            text
        } else {
            shrunk.join("\n")
        }
    };
    PropertyRun {
        name: name.to_string(),
        cases,
        seed,
        ok,
        seconds,
        table,
        failure,
    }
}

/// The properties of the `properties` test binary, sorted, filtered by `only`.
fn property_names(only: &[String]) -> Result<Vec<String>> {
    let listing = release_test("properties")
        .args(["--list", "--format", "terse"])
        .read()
        .context("cannot list the properties")?;
    let mut names: Vec<String> = listing
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .filter(|name| only.is_empty() || only.contains(name))
        .collect();
    names.sort();
    if names.is_empty() {
        bail!("no property named {only:?}");
    }
    Ok(names)
}

/// The cases each property gets from a budget of `minutes`: its speed measured at 1,000
/// cases (seed 0, a 1-case run's time taken off), then an even share of what is left.
fn budgeted_cases(names: &[String], minutes: f64, classes: &Path) -> Vec<u64> {
    let calibration = 1_000u64;
    let started = Instant::now();
    // What a run costs before its first case (the process, the regression file).
    let overhead = run_property(&names[0], 1, 0, classes).seconds;
    let rates: Vec<f64> = names
        .iter()
        .map(|name| {
            let run = run_property(name, calibration, 0, classes);
            eprintln!("  {name}: {calibration} cases in {:.2} s", run.seconds);
            calibration as f64 / (run.seconds - overhead).max(0.01)
        })
        .collect();
    let left = (minutes * 60.0 - started.elapsed().as_secs_f64()).max(0.0);
    let share = (left / names.len() as f64 - overhead).max(0.0);
    rates
        .iter()
        .map(|rate| ((rate * share * 0.9) as u64).max(calibration))
        .collect()
}

/// The night as Markdown: the summary with seeds and replay commands, then each class table.
fn summary(runs: &[PropertyRun], total: f64) -> String {
    if runs.is_empty() {
        return String::new();
    }
    let mut out = String::from("## Properties\n\n| property | cases | seed | result | seconds | cases/s | floors met / undecided / below |\n| --- | ---: | ---: | --- | ---: | ---: | --- |\n");
    for run in runs {
        let floors = run.table.as_ref().map_or("no table".to_string(), |t| {
            let count = |v| t.rows.iter().filter(|r| r.verdict == v).count();
            use http_upgrade_proptests::classes::FloorVerdict as V;
            format!(
                "{} / {} / {}",
                count(V::Met),
                count(V::Undecided),
                count(V::Below)
            )
        });
        out.push_str(&format!(
            "| {} | {} | {} | {} | {:.1} | {:.0} | {floors} |\n",
            run.name,
            run.cases,
            run.seed,
            if run.ok { "ok" } else { "**FAILED**" },
            run.seconds,
            run.cases as f64 / run.seconds.max(0.001)
        ));
    }
    out.push_str(&format!(
        "\n{} properties, release build, {total:.0} s in all. Replay one: `cargo xtask nightly --property NAME --seed SEED --cases CASES`.\n",
        runs.len()
    ));
    for run in runs.iter().filter(|r| !r.ok) {
        out.push_str(&format!(
            "\n### FAILED: {}\n\n```text\n{}\n```\n\nreplay: `cargo xtask nightly --property {} --seed {} --cases {}`; the shrunk case is saved in `proptests/proptest-regressions/properties.txt`, which `cargo test` runs first.\n",
            run.name, run.failure, run.name, run.seed, run.cases
        ));
    }
    out.push_str("\n## Classes\n");
    for run in runs {
        if let Some(table) = &run.table {
            out.push_str(&format!(
                "\n### {} ({} cases, seed {})\n\n{}",
                run.name,
                table.cases,
                run.seed,
                table.markdown()
            ));
        }
    }
    out
}

/// Runs the command; the exit code.
pub fn run(args: &NightlyArgs) -> i32 {
    let build = cmd("cargo")
        .args([
            "test",
            "--release",
            "--no-run",
            "-p",
            "http-upgrade-proptests",
            "--test",
            "properties",
        ])
        .dir(root())
        .run();
    if let Err(error) = build {
        eprintln!("nightly: {error:#}");
        return 1;
    }
    let names = if args.peers_only {
        Vec::new()
    } else {
        match property_names(&args.only) {
            Ok(names) => names,
            Err(error) => {
                eprintln!("nightly: {error:#}");
                return 1;
            }
        }
    };
    let classes = out_dir().join("classes");
    let _ = std::fs::create_dir_all(&classes);
    let started = Instant::now();
    let cases: Vec<u64> = match args.minutes {
        Some(minutes) => {
            eprintln!("measuring each property's speed for a {minutes} min budget");
            budgeted_cases(&names, minutes, &classes)
        }
        None => vec![args.cases; names.len()],
    };
    let mut runs = Vec::new();
    for (name, &cases) in names.iter().zip(&cases) {
        let seed = args.seed.unwrap_or_else(rand::random);
        eprintln!("{name}: {cases} cases, seed {seed}");
        let run = run_property(name, cases, seed, &classes);
        eprintln!(
            "  {} in {:.1} s",
            if run.ok { "ok" } else { "FAILED" },
            run.seconds
        );
        runs.push(run);
    }
    let text = summary(&runs, started.elapsed().as_secs_f64());
    let mut failed = runs.iter().any(|r| !r.ok);
    let mut text = text;
    if args.peers || args.peers_only {
        match peer_differential(args.peer_seconds, args.seed) {
            Ok(report) => text.push_str(&format!(
                "\n## python websockets differential\n\n{report}\n"
            )),
            Err(report) => {
                failed = true;
                text.push_str(&format!(
                    "\n## python websockets differential: FAILED\n\n{report}\n"
                ));
            }
        }
    }
    if args.mutants {
        let code = crate::mutants::run(&crate::mutants::MutantsArgs::full_and_record());
        let report = std::fs::read_to_string(target_dir().join("mutants/report.md"))
            .unwrap_or_else(|e| format!("no report: {e}"));
        failed |= code != 0;
        text.push_str(&format!(
            "\n## cargo-mutants over all of core{}\n\n{}\n",
            if code == 0 { "" } else { ": FAILED" },
            report.trim_start_matches("# Mutation report").trim()
        ));
    }
    let path = out_dir().join("summary.md");
    let _ = std::fs::write(&path, &text);
    println!("{text}");
    println!("written to {}", path.display());
    i32::from(failed)
}

/// A Python with `websockets` in a virtual environment under the target directory, made
/// when missing.
fn peer_python() -> Result<std::path::PathBuf> {
    install::venv(
        &target_dir().join("peers-venv"),
        &["websockets"],
        &["websockets"],
    )
}

/// The python websockets differential (`proptests/tests/peer_websockets.rs`), bounded in
/// time, from `seed` or a fresh one; its report, or the failure's.
fn peer_differential(seconds: u64, seed: Option<u64>) -> Result<String> {
    let python = match peer_python() {
        Ok(python) => python,
        Err(error) => bail!("PEERS SKIPPED: python websockets could not be installed: {error:#}"),
    };
    let seed = seed.unwrap_or_else(rand::random);
    eprintln!("python websockets differential ({seconds} s, seed {seed})");
    let output = release_test("peer_websockets")
        .args(["--ignored", "--nocapture"])
        .env("PEER_PYTHON", &python)
        .env("PEER_SECONDS", seconds.to_string())
        .env("PEER_SEED", seed.to_string())
        .output()?;
    let text = output.stdout.clone();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("compared") || l.starts_with("seed") || l.starts_with("recorded"))
        .collect();
    let report = format!(
        "{}\n\nreplay: `cargo xtask nightly --peers-only --seed {seed} --peer-seconds {seconds}`",
        lines.join("\n")
    );
    if output.success {
        Ok(report)
    } else {
        Err(anyhow!(
            "{report}\n\n```text\n{}\n```",
            output
                .stderr
                .lines()
                .rev()
                .take(30)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n")
        ))
    }
}
