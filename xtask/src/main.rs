//! `cargo xtask`: the workspace's tools (inspect, fuzz, nightly, bench-report, mutants, ...).

mod bench_report;
mod coverage;
mod fuzz;
mod inspect;
mod instructions;
mod interop;
mod interop_h2;
mod json;
mod mutants;
mod nightly;
mod public_api;
mod seed;

const USAGE: &str = "usage: cargo xtask <command>
  bench-report  run the benches, write target/bench-report/report.md (see --help)
  fuzz          the fuzz campaign over every target (see `cargo xtask fuzz --help`)
  interop       our example server and client against real peers on 127.0.0.1
  nightly       every property at 100,000 cases in release (see --help)
  instructions  instructions per negotiate under callgrind; --check against benches/instructions.baseline
  inspect       one input's verdict as JSON (see `cargo xtask inspect --help`)
  public-api    core/PUBLIC_API.md from rustdoc JSON; --check fails on any difference
  mutants       cargo-mutants over core/ with the stable test layer; target/mutants/report.md
  seed          write fuzz seeds from corpus/captures and crafted cases into corpus/<target>/";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        Some("inspect") => inspect::run(&args[1..]),
        Some("seed") => seed::run(),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("bench-report") => bench_report::run(&args[1..]),
        Some("nightly") => nightly::run(&args[1..]),
        Some("instructions") => instructions::run(&args[1..]),
        Some("interop") => interop::run(&args[1..]),
        Some("mutants") => mutants::run(&args[1..]),
        Some("public-api") => public_api::run(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            2
        }
    };
    std::process::exit(code);
}
