//! `cargo xtask nightly`: every property at a high case count in a release build, with
//! cases per second per property; on failure, the shrunk case and the replay command.

use std::process::Command;
use std::time::Instant;

use crate::seed::root;

/// `cargo xtask nightly`: every property at a high case count in a release build.
#[derive(Debug, clap::Args)]
pub struct NightlyArgs {
    /// Cases per property.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    cases: u64,
    /// Run only this property (repeatable).
    #[arg(long = "property", value_name = "NAME")]
    only: Vec<String>,
    /// Also the differential against python websockets (installed in a venv under
    /// target/peers-venv when missing), bounded to --peer-seconds.
    #[arg(long)]
    peers: bool,
    /// The bound of --peers, seconds.
    #[arg(long, value_name = "S", default_value_t = 300)]
    peer_seconds: u64,
}

/// `cargo test --release -p http-upgrade-proptests --test <test> --`, in the workspace root.
fn release_test(test: &str) -> Command {
    let mut command = Command::new("cargo");
    command
        .args([
            "test",
            "--release",
            "-p",
            "http-upgrade-proptests",
            "--test",
        ])
        .args([test, "--"])
        .current_dir(root());
    command
}

fn test_command(cases: u64) -> Command {
    let mut command = release_test("properties");
    command.env("PROPTEST_CASES", cases.to_string());
    command
}

/// Runs the command; the exit code.
pub fn run(args: &NightlyArgs) -> i32 {
    let (cases, only, peers, peer_seconds) =
        (args.cases, args.only.clone(), args.peers, args.peer_seconds);
    let build = Command::new("cargo")
        .args([
            "test",
            "--release",
            "--no-run",
            "-p",
            "http-upgrade-proptests",
            "--test",
            "properties",
        ])
        .current_dir(root())
        .status();
    if !build.is_ok_and(|s| s.success()) {
        eprintln!("build failed");
        return 1;
    }
    let listing = test_command(cases)
        .args(["--list", "--format", "terse"])
        .output();
    let Ok(listing) = listing else {
        eprintln!("cannot list the properties");
        return 1;
    };
    let mut names: Vec<String> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .filter(|name| only.is_empty() || only.contains(name))
        .collect();
    names.sort();
    let started = Instant::now();
    let mut rows = Vec::new();
    let mut failed = false;
    for name in &names {
        eprintln!("{name}: {cases} cases");
        let begun = Instant::now();
        let output = test_command(cases)
            .args([name.as_str(), "--exact", "--nocapture"])
            .output();
        let seconds = begun.elapsed().as_secs_f64();
        let Ok(output) = output else {
            eprintln!("{name}: cannot run");
            failed = true;
            continue;
        };
        let ok = output.status.success();
        rows.push((name.clone(), ok, seconds));
        if !ok {
            failed = true;
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            let shrunk: Vec<&str> = text
                .lines()
                .skip_while(|line| {
                    !line.contains("minimal failing input") && !line.contains("Test failed")
                })
                .take(60)
                .collect();
            println!(
                "FAILED {name}:\n{}",
                if shrunk.is_empty() {
                    text.as_str().into()
                } else {
                    shrunk.join("\n")
                }
            );
            println!(
                "replay: PROPTEST_CASES={cases} cargo test --release -p http-upgrade-proptests --test properties -- {name} --exact"
            );
            println!("(the failing seed is saved in proptests/proptest-regressions/properties.txt and runs first)");
        }
    }
    println!();
    println!("| property | cases | result | seconds | cases/s |");
    println!("| --- | ---: | --- | ---: | ---: |");
    for (name, ok, seconds) in &rows {
        let per_second = if name == "every_fault_is_labelled" {
            0.0
        } else {
            cases as f64 / seconds
        };
        println!(
            "| {name} | {cases} | {} | {seconds:.1} | {per_second:.0} |",
            if *ok { "ok" } else { "FAILED" }
        );
    }
    println!();
    println!(
        "{} properties, {cases} cases each, release build, {:.0} s in all",
        rows.len(),
        started.elapsed().as_secs_f64()
    );
    if peers && !peer_differential(peer_seconds) {
        failed = true;
    }
    i32::from(failed)
}

/// A Python with `websockets` in `target/peers-venv`, made when missing; `None` when it
/// cannot be had.
fn peer_python() -> Option<std::path::PathBuf> {
    let venv = root().join("target/peers-venv");
    let python = venv.join("bin/python");
    let ready = |python: &std::path::Path| {
        Command::new(python)
            .args(["-c", "import websockets"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if ready(&python) {
        return Some(python);
    }
    eprintln!("installing python websockets into {}", venv.display());
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success());
    let installed = made
        && Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "websockets"])
            .status()
            .is_ok_and(|s| s.success());
    (installed && ready(&python)).then_some(python)
}

/// The python websockets differential (`proptests/tests/peer_websockets.rs`), bounded in time.
fn peer_differential(seconds: u64) -> bool {
    let Some(python) = peer_python() else {
        eprintln!("PEERS SKIPPED: python websockets could not be installed");
        return false;
    };
    println!("\npython websockets differential ({seconds} s):");
    let status = release_test("peer_websockets")
        .args(["--ignored", "--nocapture"])
        .env("PEER_PYTHON", &python)
        .env("PEER_SECONDS", seconds.to_string())
        .status();
    status.is_ok_and(|s| s.success())
}
