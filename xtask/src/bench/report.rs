//! `cargo xtask bench-report`: runs the criterion benches and writes
//! `target/bench-report/report.md` (medians, throughput, ratios to the floor and to
//! tungstenite, allocations per op, and the change against an earlier baseline).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::records::{append, measured_commit, wall_file, wall_records};
use crate::base::paths::{root, target_dir};
use crate::base::process::{cmd, Cmd, Finished};

/// The criterion benches of `benches/` (`[[bench]]` in its Cargo.toml, less the gungraun
/// bench `instructions`, which `cargo xtask instructions` runs and which takes none of
/// criterion's flags).
const CRITERION_BENCHES: [&str; 5] = ["parse", "accept", "negotiate", "client", "peers"];

/// `cargo xtask bench-report`: runs the benches and writes the report.
#[derive(Debug, clap::Args)]
pub struct BenchReportArgs {
    /// criterion's short mode (for a smoke run).
    #[arg(long)]
    quick: bool,
    /// Save this run as criterion baseline NAME.
    #[arg(long, value_name = "NAME")]
    save: Option<String>,
    /// Add the change against baseline NAME (worse than 5% is marked).
    #[arg(long, value_name = "NAME")]
    compare: Option<String>,
    /// Only rebuild the report from target/criterion.
    #[arg(long)]
    no_run: bool,
}

/// One benchmark's figures.
struct Bench {
    median_ns: f64,
    throughput: Option<(String, u64)>,
    previous_ns: Option<f64>,
}

fn read_json(path: &Path) -> Option<serde_json::Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

fn median(dir: &Path) -> Option<f64> {
    read_json(&dir.join("estimates.json"))?["median"]["point_estimate"].as_f64()
}

fn collect(dir: &Path, baseline: &str, compare: Option<&str>, out: &mut BTreeMap<String, Bench>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        let run = path.join(baseline);
        if let Some(meta) = read_json(&run.join("benchmark.json")) {
            let id = meta["full_id"].as_str().unwrap_or_default().to_string();
            let throughput = meta["throughput"].as_object().and_then(|t| {
                let (kind, value) = t.iter().next()?;
                Some((kind.clone(), value.as_u64()?))
            });
            if let Some(median_ns) = median(&run) {
                let previous_ns = compare.and_then(|name| median(&path.join(name)));
                out.insert(
                    id,
                    Bench {
                        median_ns,
                        throughput,
                        previous_ns,
                    },
                );
            }
            continue;
        }
        collect(&path, baseline, compare, out);
    }
}

fn human_time(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{ns:.1} ns")
    }
}

fn human_throughput(bench: &Bench) -> String {
    match &bench.throughput {
        Some((kind, amount)) if kind == "Bytes" => {
            format!(
                "{:.1} MiB/s",
                *amount as f64 / bench.median_ns * 1e9 / (1024.0 * 1024.0)
            )
        }
        Some((_, amount)) => format!("{:.2} M/s", *amount as f64 / bench.median_ns * 1e3),
        None => String::new(),
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The clock /proc/cpuinfo reports, in MHz (on a VM the nominal rate).
fn cpu_mhz() -> Option<f64> {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()?
        .lines()
        .find(|l| l.starts_with("cpu MHz"))?
        .split(':')
        .nth(1)?
        .trim()
        .parse()
        .ok()
}

/// The wall-clock target: ours within 1.3× the floor on every capture.
const FLOOR_TARGET: f64 = 1.3;

fn output(command: Cmd) -> String {
    command
        .read()
        .map(|out| out.trim().to_string())
        .unwrap_or_default()
}

/// Runs the command; the exit code.
pub fn run(options: &BenchReportArgs) -> i32 {
    if !options.no_run {
        let mut command = cmd("cargo").args(["bench", "-p", "http-upgrade-benches"]);
        for bench in CRITERION_BENCHES {
            command = command.args(["--bench", bench]);
        }
        command = command.arg("--").dir(root());
        if options.quick {
            command = command.arg("--quick");
        }
        if let Some(name) = &options.save {
            command = command.args(["--save-baseline", name]);
        }
        if let Err(error) = command.run() {
            eprintln!("bench-report: {error:#}");
            return 1;
        }
    }
    let allocations = run_benches_bin("allocations");
    let (allocation_table, allocations_ok) = match allocations {
        Ok(out) => (out.stdout, out.success),
        Err(error) => (format!("allocation count failed: {error:#}\n"), false),
    };
    // Paired ratios: ours and its floor timed in alternating batches (benches/src/bin/paired.rs).
    let paired = run_benches_bin("paired");
    let paired_table = match paired {
        Ok(out) if out.success => out.stdout,
        Ok(out) => format!("paired run failed: {}\n", out.stderr),
        Err(error) => format!("paired run failed: {error:#}\n"),
    };
    let baseline = options.save.clone().unwrap_or_else(|| "new".to_string());
    let mut benches = BTreeMap::new();
    collect(
        &target_dir().join("criterion"),
        &baseline,
        options.compare.as_deref(),
        &mut benches,
    );
    if benches.is_empty() {
        eprintln!("no criterion results under target/criterion/*/{baseline}");
        return 1;
    }
    let report = render(
        options,
        &benches,
        (&allocation_table, allocations_ok),
        &paired_table,
    );
    // The paired ratios and allocations go into the history, for the commit measured.
    if let Some((commit, date, order, dirty)) = measured_commit() {
        let records = wall_records(&paired_table, &allocation_table, (&commit, &date, order));
        if dirty || options.quick {
            println!(
                "uncommitted changes or --quick: the paired ratios are not added to the history"
            );
        } else if let Err(error) = append(&wall_file(), &records) {
            eprintln!("history: {error}");
        }
    }
    let path: PathBuf = target_dir().join("bench-report/report.md");
    if let Err(error) = std::fs::create_dir_all(path.parent().unwrap_or(&root()))
        .and_then(|_| std::fs::write(&path, &report))
    {
        eprintln!("writing {}: {error}", path.display());
        return 1;
    }
    println!("{report}");
    println!("written to {}", path.display());
    i32::from(!allocations_ok)
}

/// Runs one of the benches crate's binaries in release mode; its output.
fn run_benches_bin(name: &str) -> anyhow::Result<Finished> {
    cmd("cargo")
        .args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "http-upgrade-benches",
            "--bin",
            name,
        ])
        .dir(root())
        .output()
}

fn render(
    options: &BenchReportArgs,
    benches: &BTreeMap<String, Bench>,
    (allocation_table, allocations_ok): (&str, bool),
    paired_table: &str,
) -> String {
    let mut report = String::new();
    let mut command = String::from("cargo xtask bench-report");
    if options.quick {
        command.push_str(" --quick");
    }
    if let Some(name) = &options.save {
        let _ = write!(command, " --save {name}");
    }
    if let Some(name) = &options.compare {
        let _ = write!(command, " --compare {name}");
    }
    let _ = writeln!(report, "# Bench report\n");
    let _ = writeln!(report, "- command: `{command}`");
    let _ = writeln!(
        report,
        "- date: {}",
        output(cmd("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]))
    );
    let _ = writeln!(
        report,
        "- CPU: {} ({} cores)",
        cpu_model(),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    let _ = writeln!(report, "- rustc: {}", output(cmd("rustc").arg("--version")));
    let _ = writeln!(
        report,
        "- criterion medians; HTML under `{}`\n",
        target_dir().join("criterion").display()
    );

    let _ = writeln!(report, "## Every bench\n");
    if options.compare.is_some() {
        let _ = writeln!(
            report,
            "| bench | median | throughput | change |\n| --- | ---: | ---: | ---: |"
        );
    } else {
        let _ = writeln!(
            report,
            "| bench | median | throughput |\n| --- | ---: | ---: |"
        );
    }
    for (id, bench) in benches {
        let mut row = format!(
            "| {id} | {} | {} |",
            human_time(bench.median_ns),
            human_throughput(bench)
        );
        if options.compare.is_some() {
            let change = match bench.previous_ns {
                Some(previous) => {
                    let pct = (bench.median_ns - previous) / previous * 100.0;
                    format!(" {pct:+.1}%{} |", if pct > 5.0 { " **worse**" } else { "" })
                }
                None => " n/a |".to_string(),
            };
            row.push_str(&change);
        }
        let _ = writeln!(report, "{row}");
    }

    let _ = writeln!(
        report,
        "\n## Ours against the floor and tungstenite (same bytes, same run)\n"
    );
    let _ = writeln!(report, "| input | floor | ours | tungstenite | ours / floor (target ≤ {FLOOR_TARGET}) | tungstenite / ours | floor-blocks (sha1 and base64 fed as ours feeds them) | ours / floor-blocks |");
    let _ = writeln!(
        report,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    let mut inputs: Vec<&str> = benches
        .keys()
        .filter_map(|id| id.strip_prefix("peers/")?.split('/').next())
        .collect();
    inputs.dedup();
    let mut misses = Vec::new();
    for input in inputs {
        let get = |peer: &str| {
            benches
                .get(&format!("peers/{input}/{peer}"))
                .map(|b| b.median_ns)
        };
        let (Some(floor), Some(ours), Some(tungstenite)) =
            (get("floor"), get("ours"), get("tungstenite"))
        else {
            continue;
        };
        let to_floor = ours / floor;
        let speedup = tungstenite / ours;
        if to_floor > FLOOR_TARGET {
            misses.push(format!(
                "{input}: criterion medians, ours is {to_floor:.2}× the floor"
            ));
        }
        // The floor calling sha1 and base64 as ours calls them (`floor_blocks`).
        let (blocks, to_blocks) = match get("floor-blocks") {
            Some(blocks) => (human_time(blocks), format!("{:.2}", ours / blocks)),
            None => ("-".into(), "-".into()),
        };
        let _ = writeln!(
            report,
            "| {input} | {} | {} | {} | {to_floor:.2} | {speedup:.1} | {blocks} | {to_blocks} |",
            human_time(floor),
            human_time(ours),
            human_time(tungstenite)
        );
    }
    render_pairs(
        &mut report,
        benches,
        "The client: validating a captured 101 against its floor",
        "httparse on the 101, the Accept scan, SHA-1 + base64 of the key, one compare; ours also checks Upgrade, Connection, the subprotocol and the extensions against the offers",
        ("client/validate/", "client/floor/"),
        ("ours", "floor", "ours / floor"),
    );
    render_pairs(
        &mut report,
        benches,
        "The client: writing its request against its floor",
        "base64 of the nonce and the caller's parts copied between fixed text; ours also checks every caller-supplied part first",
        ("client/write/", "client/write-floor/"),
        ("ours", "floor", "ours / floor"),
    );
    render_pairs(
        &mut report,
        benches,
        "Parsing alone: ours against httparse on the same bytes",
        "ours is httparse plus the size limits and the version check; bytes per cycle at the clock /proc/cpuinfo reports",
        ("parse/request/", "parse/httparse/"),
        ("ours", "httparse", "ours / httparse"),
    );
    let _ = writeln!(report, "\n## Paired wall-time ratios\n");
    let _ = writeln!(
        report,
        "Ours and its floor timed in alternating batches of the same input a few milliseconds apart (`cargo run --release -p http-upgrade-benches --bin paired`), so the machine's drift between two criterion runs minutes apart falls on both sides of each ratio. The medians above are the target's measure; this is the check on them.\n"
    );
    let _ = writeln!(report, "{}", paired_table.trim_end());
    for line in paired_table.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | input | against | floor | ours | ratio | spread |
        if let [_, input, "floor", _, _, ratio, ..] = cells.as_slice() {
            if let Ok(ratio) = ratio.parse::<f64>() {
                if ratio > FLOOR_TARGET {
                    misses.push(format!("{input}: paired, ours is {ratio:.2}× the floor"));
                }
            }
        }
    }
    if !paired_table.starts_with('|') {
        misses.push("the paired run failed".to_string());
    }
    let _ = writeln!(report, "\n## Heap allocations per operation\n");
    let _ = writeln!(report, "{}", allocation_table.trim_end());
    if !allocations_ok {
        misses.push("ours allocated on the hot path".to_string());
    }
    let _ = writeln!(report, "\n## Targets\n");
    if misses.is_empty() {
        let _ = writeln!(
            report,
            "All met: ours ≤ {FLOOR_TARGET}× the floor on every input, by criterion medians and paired; 0 allocations."
        );
    } else {
        for miss in misses {
            let _ = writeln!(report, "- MISSED: {miss}");
        }
    }
    report
}

/// A table of `ours` against a reference bench on the same inputs, with bytes per cycle
/// where the benches measure bytes.
fn render_pairs(
    report: &mut String,
    benches: &BTreeMap<String, Bench>,
    title: &str,
    what: &str,
    (ours_prefix, reference_prefix): (&str, &str),
    (ours_name, reference_name, ratio_name): (&str, &str, &str),
) {
    let mhz = cpu_mhz();
    let per_cycle = |bench: &Bench| match (&bench.throughput, mhz) {
        (Some((kind, bytes)), Some(mhz)) if kind == "Bytes" => {
            format!("{:.2}", *bytes as f64 / (bench.median_ns * mhz / 1000.0))
        }
        _ => "-".to_string(),
    };
    let _ = writeln!(report, "\n## {title}\n\n{what}.\n");
    let _ = writeln!(
        report,
        "| input | {reference_name} | {ours_name} | {reference_name} bytes/cycle | {ours_name} bytes/cycle | {ratio_name} |\n| --- | ---: | ---: | ---: | ---: | ---: |"
    );
    for (id, ours) in benches.range(ours_prefix.to_string()..) {
        let Some(input) = id.strip_prefix(ours_prefix) else {
            break;
        };
        let Some(reference) = benches.get(&format!("{reference_prefix}{input}")) else {
            continue;
        };
        let _ = writeln!(
            report,
            "| {input} | {} | {} | {} | {} | {:.2} |",
            human_time(reference.median_ns),
            human_time(ours.median_ns),
            per_cycle(reference),
            per_cycle(ours),
            ours.median_ns / reference.median_ns
        );
    }
    if let Some(mhz) = mhz {
        let _ = writeln!(report, "\nCycles are estimated from the {mhz:.0} MHz in /proc/cpuinfo (`perf stat -e cycles` is not supported on this machine).");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--quick` reaches only criterion benches: the list is benches/Cargo.toml's
    /// `[[bench]]` names less the gungraun bench.
    #[test]
    fn the_criterion_benches_are_every_bench_but_gungraun() {
        let manifest = std::fs::read_to_string(root().join("benches/Cargo.toml")).expect("read");
        let mut named: Vec<&str> = manifest
            .split("[[bench]]")
            .skip(1)
            .filter_map(|block| {
                block
                    .lines()
                    .find_map(|l| l.trim().strip_prefix("name = "))
                    .map(|n| n.trim_matches('"'))
            })
            .filter(|name| *name != "instructions")
            .collect();
        named.sort_unstable();
        let mut ours = CRITERION_BENCHES.to_vec();
        ours.sort_unstable();
        assert_eq!(named, ours);
    }
}
