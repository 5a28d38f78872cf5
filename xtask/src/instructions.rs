//! `cargo xtask instructions`: instruction counts per operation under valgrind's callgrind,
//! which repeat exactly for the same binary and input however busy the machine is, so CI can
//! flag a hot-path regression that wall time would hide in noise.

use std::fmt::Write as _;
use std::process::Command;

use crate::seed::root;

/// `cargo xtask instructions`: instructions per operation for floor, ours and tungstenite
/// on every request capture, for the client's floor and ours on every captured 101 and on
/// writing its request, with the ratios.
#[derive(Debug, clap::Args)]
pub struct InstructionsArgs {
    /// Fail if ours exceeds benches/instructions.baseline by more than the tolerance.
    #[arg(long)]
    check: bool,
    /// Rewrite benches/instructions.baseline from this run.
    #[arg(long)]
    update: bool,
    /// The tolerance of --check, percent.
    #[arg(long, value_name = "PCT", default_value_t = 3.0)]
    tolerance: f64,
}

const INPUTS: [&str; 6] = [
    "aiohttp",
    "chromium",
    "curl-websocket",
    "node-ws",
    "python-websockets",
    "large-browser-4k",
];
const PEERS: [&str; 4] = ["floor", "ours", "tungstenite", "floor-blocks"];
/// The client side (issue #12): validating a captured 101, and writing the request
/// (`write-request`, which reads no capture), each against its floor.
const CLIENT_INPUTS: [&str; 3] = ["response-node-ws", "response-python-websockets", WRITE];
const CLIENT_PEERS: [&str; 2] = ["client-floor", "client-ours"];
const WRITE: &str = "write-request";
const WRITE_PEERS: [&str; 2] = ["client-write-floor", "client-write"];
const ITERATIONS: u64 = 2000;

/// The peers counted on `input`, the floor first; only ours with `--check`.
fn peers(input: &str, check: bool) -> &'static [&'static str] {
    let all: &'static [&'static str] = if INPUTS.contains(&input) {
        &PEERS
    } else if input == WRITE {
        &WRITE_PEERS
    } else {
        &CLIENT_PEERS
    };
    // Ours is second in every group.
    if check {
        &all[1..2]
    } else {
        all
    }
}

/// Instructions per operation: the difference between two run lengths cancels start-up.
fn count(peer: &str, input: &str) -> Result<f64, String> {
    let binary = root().join("target/release/profile_hot_path");
    let mut totals = Vec::new();
    for iterations in [ITERATIONS, 2 * ITERATIONS] {
        let out = root().join(format!(
            "target/instructions/{peer}-{input}-{iterations}.out"
        ));
        let output = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(&binary)
            .args([peer, input, &iterations.to_string()])
            .output()
            .map_err(|e| format!("valgrind: {e}"))?;
        let log = String::from_utf8_lossy(&output.stderr);
        let total: f64 = log
            .lines()
            .find_map(|l| l.split("Collected :").nth(1))
            .and_then(|n| n.trim().parse().ok())
            .ok_or_else(|| format!("no callgrind total for {peer} {input}:\n{log}"))?;
        totals.push(total);
    }
    Ok((totals[1] - totals[0]) / ITERATIONS as f64)
}

fn baseline() -> Vec<(String, f64)> {
    std::fs::read_to_string(root().join("benches/instructions.baseline"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (name, value) = l.split_once(' ')?;
            Some((name.to_string(), value.trim().parse().ok()?))
        })
        .collect()
}

/// Runs the command; the exit code.
pub fn run(args: &InstructionsArgs) -> i32 {
    let (check, update, tolerance) = (args.check, args.update, args.tolerance);
    let built = Command::new("cargo")
        .args([
            "build",
            "--quiet",
            "--release",
            "-p",
            "http-upgrade-benches",
            "--bin",
            "profile_hot_path",
        ])
        .current_dir(root())
        .status();
    if !built.is_ok_and(|s| s.success()) {
        eprintln!("building profile_hot_path failed");
        return 1;
    }
    let _ = std::fs::create_dir_all(root().join("target/instructions"));
    // (baseline key, counts of the group's peers): the server rows, then the client rows.
    let mut rows: Vec<(String, Vec<f64>)> = Vec::new();
    let mut client_rows: Vec<(String, Vec<f64>)> = Vec::new();
    let groups = [
        (&INPUTS[..], &mut rows, ""),
        (&CLIENT_INPUTS[..], &mut client_rows, "client/"),
    ];
    for (inputs, out, prefix) in groups {
        for input in inputs {
            let mut row = Vec::new();
            for peer in peers(input, check) {
                match count(peer, input) {
                    Ok(n) => row.push(n),
                    Err(message) => {
                        eprintln!("{message}");
                        return 1;
                    }
                }
            }
            out.push((format!("{prefix}{input}"), row));
        }
    }
    let ratios = !check;
    let mut table = String::new();
    if ratios {
        let _ = writeln!(table, "| input | floor | ours | tungstenite | floor-blocks (sha1 and base64 fed as ours feeds them) | ours / floor (target ≤ 1.2) | tungstenite / ours | ours / floor-blocks |\n|---| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    } else {
        let _ = writeln!(table, "| input | ours |\n|---| ---: |");
    }
    for (input, row) in &rows {
        let mut cells: Vec<String> = row.iter().map(|n| format!("{n:.0}")).collect();
        if let (true, [floor, ours, tungstenite, blocks]) = (ratios, row.as_slice()) {
            cells.push(format!("{:.3}", ours / floor));
            cells.push(format!("{:.1}", tungstenite / ours));
            cells.push(format!("{:.3}", ours / blocks));
        }
        let _ = writeln!(table, "| {input} | {} |", cells.join(" | "));
    }
    if ratios {
        let _ = writeln!(table, "\n| client: a 101 validated, the request written | floor | ours | ours / floor |\n|---| ---: | ---: | ---: |");
    }
    for (input, row) in &client_rows {
        let mut cells: Vec<String> = row.iter().map(|n| format!("{n:.0}")).collect();
        if let (true, [floor, ours]) = (ratios, row.as_slice()) {
            cells.push(format!("{:.3}", ours / floor));
        }
        let _ = writeln!(table, "| {input} | {} |", cells.join(" | "));
    }
    println!("instructions per operation (callgrind, difference of {ITERATIONS} and {} iterations)\n\n{table}", 2 * ITERATIONS);
    let ours_index = usize::from(!check);
    let rows: Vec<(String, Vec<f64>)> = rows.into_iter().chain(client_rows).collect();
    if update {
        let mut text = String::from(
            "# ours: instructions per negotiate (client/: per validated 101, client/write-request: per request written), from `cargo xtask instructions --update`\n",
        );
        for (input, row) in &rows {
            let _ = writeln!(text, "{input} {:.0}", row[ours_index]);
        }
        if let Err(error) = std::fs::write(root().join("benches/instructions.baseline"), text) {
            eprintln!("writing the baseline: {error}");
            return 1;
        }
        println!("baseline updated");
    }
    if check {
        let baseline = baseline();
        let mut worse = false;
        for (input, row) in &rows {
            let Some((_, before)) = baseline.iter().find(|(name, _)| name == input) else {
                eprintln!("{input}: not in benches/instructions.baseline");
                worse = true;
                continue;
            };
            let change = (row[ours_index] - before) / before * 100.0;
            let verdict = if change > tolerance {
                "REGRESSION"
            } else {
                "ok"
            };
            println!(
                "{input}: {before:.0} -> {:.0} ({change:+.1}%) {verdict}",
                row[ours_index]
            );
            worse |= change > tolerance;
        }
        return i32::from(worse);
    }
    0
}
