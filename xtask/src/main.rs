//! `cargo xtask`: the workspace's tools (inspect, fuzz, triage, fuzz-bench, nightly,
//! bench-report, mutants, ...), one declared command line with generated `--help`.
//!
//! Three layers, imports running down only: the commands (one module or folder each),
//! [`engines`] (the fuzzing engines the fuzz commands share), and [`base`] (paths,
//! processes, installs, git).

mod base;
mod bench;
mod coverage;
mod engines;
mod fuzz;
mod fuzz_bench;
mod inspect;
mod interop;
mod json;
mod mutants;
mod nightly;
mod probe;
mod proxies;
mod public_api;
mod seed;
mod triage;

use clap::{Parser, Subcommand};

/// The workspace's tools.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Tool,
}

#[derive(Debug, Subcommand)]
enum Tool {
    /// The fuzz campaign over every target (the README's main job), or a corpus tool.
    Fuzz(fuzz::FuzzArgs),
    /// Every crash, timeout and OOM replayed on stable, grouped, minimised, decoded, with
    /// regression files and target/triage/report.md.
    Triage(triage::TriageArgs),
    /// The bug-finding benchmark: planted mutants of core/, found or not by each engine,
    /// and how fast (fuzz/BENCH.md).
    FuzzBench(fuzz_bench::FuzzBenchArgs),
    /// One input's verdict as JSON (the triage tool for a single file).
    Inspect(inspect::Options),
    /// Write fuzz seeds from corpus/captures and crafted cases into `corpus/<target>/`.
    Seed,
    /// Every property at a high case count in release.
    Nightly(nightly::NightlyArgs),
    /// Run the benches, write target/bench-report/report.md.
    BenchReport(bench::report::BenchReportArgs),
    /// The performance history: --backfill measures older commits, --chart draws it.
    BenchHistory(bench::history::BenchHistoryArgs),
    /// Instructions per operation under callgrind (added to the history); --check is the
    /// CI gate against benches/instructions.baseline.
    Instructions(bench::instructions::InstructionsArgs),
    /// Our example server and client against real peers on 127.0.0.1.
    Interop,
    /// Smuggling rows through nginx, HAProxy, Apache and Caddy in front of a backend on the
    /// crate, with a lenient backend as the negative control (target/proxies/report.md).
    Proxies(proxies::ProxiesArgs),
    /// The cases and generators aimed at a live server or proxy chain (URL, --server NAME,
    /// --all), every answer judged by the oracle crate's RFC rules.
    Probe(probe::ProbeArgs),
    /// cargo-mutants over core/ with the stable test layer; target/mutants/report.md.
    Mutants(mutants::MutantsArgs),
    /// core/PUBLIC_API.md from rustdoc JSON; --check fails on any difference.
    PublicApi(public_api::PublicApiArgs),
    /// (internal) Replays one artifact through its harness, for triage.
    #[command(hide = true)]
    TriageReplay(triage::ReplayArgs),
}

fn main() {
    let cli = Cli::parse();
    let code = match &cli.command {
        Tool::Fuzz(args) => fuzz::run(args),
        Tool::Triage(args) => triage::run(args),
        Tool::FuzzBench(args) => fuzz_bench::run(args),
        Tool::Inspect(args) => inspect::run(args),
        Tool::Seed => seed::run(),
        Tool::Nightly(args) => nightly::run(args),
        Tool::BenchReport(args) => bench::report::run(args),
        Tool::Instructions(args) => bench::instructions::run(args),
        Tool::BenchHistory(args) => bench::history::run(args),
        Tool::Interop => interop::run(),
        Tool::Proxies(args) => proxies::run(args),
        Tool::Probe(args) => probe::run(args),
        Tool::Mutants(args) => mutants::run(args),
        Tool::PublicApi(args) => public_api::run(args),
        Tool::TriageReplay(args) => triage::replay_one(args),
    };
    std::process::exit(code);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The declared command line is consistent (clap's own checks of every command).
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory as _;
        Cli::command().debug_assert();
    }
}
