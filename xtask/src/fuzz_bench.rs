//! `cargo xtask fuzz-bench`: what the fuzz layer is worth at finding a bug nobody wrote a
//! test for. A seeded sample of cargo-mutants' mutants of `core/`, stratified over files;
//! each applied in a git worktree of HEAD, the targets that reach its file built for each
//! engine, the seed corpus (without `corpus/regressions/`) replayed once, then each target
//! fuzzed from the seeds (and, with `--corpus both`, from nothing) until the first crash or
//! the time limit. One mutant at a time, every run bounded, results appended to
//! `target/fuzz-bench/results.jsonl` so an interrupted bench resumes where it stopped;
//! `fuzz/BENCH.md` is written from them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use rand::seq::SliceRandom as _;
use rand::SeedableRng as _;
use serde_json::{json, Value};

use crate::fuzz::engine::{Engine, Job};
use crate::fuzz::progress::Progress;
use crate::fuzz::{afl, libfuzzer};
use crate::seed::root;

/// Which starting corpus a run gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CorpusChoice {
    /// The committed seeds, `corpus/<target>/`, without `corpus/regressions/`.
    Seeds,
    /// Nothing (AFL++ gets one newline, as it needs a seed).
    Empty,
    /// Both, as separate runs.
    Both,
}

/// `cargo xtask fuzz-bench`.
#[derive(Debug, clap::Args)]
pub struct FuzzBenchArgs {
    /// How many mutants to sample (stratified over core's files).
    #[arg(long, default_value_t = 40)]
    mutants: usize,
    /// The sample's seed: the same seed and commit give the same mutants.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Seconds each target may fuzz each mutant, per engine and corpus.
    #[arg(long, default_value_t = 300)]
    seconds: u64,
    /// The engines compared.
    #[arg(long, value_enum, default_value_t = crate::fuzz::EngineChoice::Both)]
    engine: crate::fuzz::EngineChoice,
    /// The starting corpus.
    #[arg(long, value_enum, default_value_t = CorpusChoice::Seeds)]
    corpus: CorpusChoice,
    /// Only write fuzz/BENCH.md from the results so far.
    #[arg(long)]
    report_only: bool,
    /// Forget earlier results and start again.
    #[arg(long)]
    fresh: bool,
}

/// The fuzz targets that reach each file of `core/src`, the most direct first: the one or
/// two a reviewer would fuzz for a change there.
const REACH: [(&str, [&str; 2]); 30] = [
    ("core/src/grammar/chars.rs", ["fast_paths", "header_lists"]),
    ("core/src/grammar/list.rs", ["header_lists", "extensions"]),
    (
        "core/src/grammar/plain.rs",
        ["fast_paths", "server_negotiate"],
    ),
    (
        "core/src/grammar/uri.rs",
        ["server_negotiate", "handshake_structured"],
    ),
    (
        "core/src/grammar/host_pattern.rs",
        ["handshake_structured", "server_negotiate"],
    ),
    (
        "core/src/server/host.rs",
        ["handshake_structured", "extended_connect"],
    ),
    ("core/src/error.rs", ["server_negotiate", "request_head"]),
    (
        "core/src/http1/head.rs",
        ["request_head", "client_validate"],
    ),
    (
        "core/src/http1/fields.rs",
        ["server_negotiate", "fast_paths"],
    ),
    (
        "core/src/http1/framing.rs",
        ["handshake_structured", "server_negotiate"],
    ),
    (
        "core/src/http1/write.rs",
        ["server_negotiate", "extensions"],
    ),
    ("core/src/upgrade.rs", ["server_negotiate", "fast_paths"]),
    (
        "core/src/h2c.rs",
        ["server_negotiate", "handshake_structured"],
    ),
    (
        "core/src/websocket/mod.rs",
        ["server_negotiate", "client_validate"],
    ),
    ("core/src/websocket/key.rs", ["accept_key", "fast_paths"]),
    (
        "core/src/websocket/extensions.rs",
        ["extensions", "server_negotiate"],
    ),
    (
        "core/src/websocket/deflate.rs",
        ["handshake_structured", "client_validate"],
    ),
    (
        "core/src/websocket/subprotocol.rs",
        ["server_negotiate", "handshake_structured"],
    ),
    (
        "core/src/server/mod.rs",
        ["server_negotiate", "handshake_structured"],
    ),
    (
        "core/src/server/http1.rs",
        ["server_negotiate", "handshake_structured"],
    ),
    (
        "core/src/server/one_pass.rs",
        ["server_negotiate", "fast_paths"],
    ),
    (
        "core/src/server/connect.rs",
        ["extended_connect", "transport_equivalence"],
    ),
    (
        "core/src/server/websocket.rs",
        ["server_negotiate", "handshake_structured"],
    ),
    (
        "core/src/server/origin.rs",
        ["server_negotiate", "handshake_structured"],
    ),
    (
        "core/src/server/write.rs",
        ["server_negotiate", "request_head"],
    ),
    (
        "core/src/client/mod.rs",
        ["client_validate", "handshake_structured"],
    ),
    (
        "core/src/client/request.rs",
        ["client_request", "client_validate"],
    ),
    (
        "core/src/client/validate.rs",
        ["client_validate", "handshake_structured"],
    ),
    (
        "core/src/client/one_pass.rs",
        ["client_validate", "handshake_structured"],
    ),
    (
        "core/src/client/offers.rs",
        ["client_validate", "client_request"],
    ),
];

/// Files of core/src the bench does not sample: the hidden door (test plumbing) and the
/// `http` adapter (no fuzz target builds the feature).
const NOT_SAMPLED: [&str; 2] = ["core/src/lib.rs", "core/src/http_types.rs"];

fn reach(file: &str) -> Option<[&'static str; 2]> {
    REACH.iter().find(|(f, _)| *f == file).map(|(_, t)| *t)
}

/// One sampled mutant.
#[derive(Debug, Clone)]
struct Mutant {
    name: String,
    file: String,
    diff: String,
}

/// cargo-mutants' mutants of core (its exclusions applied), as JSON.
fn list_mutants() -> Result<Vec<Mutant>, String> {
    let output = Command::new("cargo")
        .args(["mutants", "--list", "--json", "--diff", "-d", "core"])
        .current_dir(root())
        .output()
        .map_err(|e| format!("cargo mutants: {e} (cargo install --locked cargo-mutants)"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo mutants --list failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let list: Vec<Value> = serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    Ok(list
        .iter()
        .filter_map(|m| {
            Some(Mutant {
                name: m["name"].as_str()?.to_string(),
                file: m["file"].as_str()?.to_string(),
                diff: m["diff"].as_str()?.to_string(),
            })
        })
        .filter(|m| !NOT_SAMPLED.contains(&m.file.as_str()))
        .collect())
}

/// `n` mutants, seeded: each file's mutants shuffled, then taken one file after another
/// (files in path order) until `n`, so every file with mutants is represented.
fn sample(mut all: Vec<Mutant>, n: usize, seed: u64) -> Vec<Mutant> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    all.sort_by(|a, b| a.name.cmp(&b.name));
    let mut by_file: BTreeMap<String, Vec<Mutant>> = BTreeMap::new();
    for mutant in all {
        by_file.entry(mutant.file.clone()).or_default().push(mutant);
    }
    for mutants in by_file.values_mut() {
        mutants.shuffle(&mut rng);
        mutants.reverse();
    }
    let mut chosen = Vec::new();
    while chosen.len() < n {
        let mut took = false;
        for mutants in by_file.values_mut() {
            if chosen.len() == n {
                break;
            }
            if let Some(mutant) = mutants.pop() {
                chosen.push(mutant);
                took = true;
            }
        }
        if !took {
            break;
        }
    }
    chosen
}

/// The mutant's diff with file headers `git apply` reads.
fn patch(mutant: &Mutant) -> String {
    let mut lines = mutant.diff.lines();
    let (_, _) = (lines.next(), lines.next());
    let body: Vec<&str> = lines.collect();
    format!(
        "--- a/{file}\n+++ b/{file}\n{}\n",
        body.join("\n"),
        file = mutant.file
    )
}

/// The bench's own checkout of HEAD, reset to HEAD's core before each mutant.
struct Tree {
    dir: PathBuf,
}

impl Tree {
    fn open(dir: PathBuf) -> Result<Self, String> {
        crate::worktree::checkout(&dir, &git_head()?)?;
        Ok(Tree { dir })
    }

    /// Resets core/ and applies `mutant`; `false` when the patch does not apply.
    fn apply(&self, mutant: &Mutant) -> Result<bool, String> {
        let reset = Command::new("git")
            .args(["checkout", "--force", "--", "core"])
            .current_dir(&self.dir)
            .status()
            .map_err(|e| e.to_string())?;
        if !reset.success() {
            return Err("git checkout -- core failed in the bench worktree".into());
        }
        let file = self.dir.join("mutant.patch");
        std::fs::write(&file, patch(mutant)).map_err(|e| e.to_string())?;
        let applied = Command::new("git")
            .args(["apply", "--unidiff-zero"])
            .arg(&file)
            .current_dir(&self.dir)
            .status()
            .map_err(|e| e.to_string())?;
        Ok(applied.success())
    }

    fn reset(&self) {
        let _ = Command::new("git")
            .args(["checkout", "--force", "--", "core"])
            .current_dir(&self.dir)
            .status();
    }
}

fn git_head() -> Result<String, String> {
    let output = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(root())
        .output()
        .map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// The results so far: one JSON object a line.
fn results_path() -> PathBuf {
    root().join("target/fuzz-bench/results.jsonl")
}

fn read_results() -> Vec<Value> {
    std::fs::read_to_string(results_path())
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn append(result: &Value) -> Result<(), String> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(results_path())
        .map_err(|e| e.to_string())?;
    writeln!(file, "{result}").map_err(|e| e.to_string())
}

/// A result's key: the mutant and the run (`seeds-replay`, or engine/corpus).
fn key(result: &Value) -> (String, String) {
    (
        result["mutant"].as_str().unwrap_or_default().to_string(),
        result["run"].as_str().unwrap_or_default().to_string(),
    )
}

pub fn run(args: &FuzzBenchArgs) -> i32 {
    match bench(args) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("{message}");
            1
        }
    }
}

fn corpora(choice: CorpusChoice) -> Vec<&'static str> {
    match choice {
        CorpusChoice::Seeds => vec!["seeds"],
        CorpusChoice::Empty => vec!["empty"],
        CorpusChoice::Both => vec!["seeds", "empty"],
    }
}

fn bench(args: &FuzzBenchArgs) -> Result<(), String> {
    let out = root().join("target/fuzz-bench");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    if args.fresh {
        let _ = std::fs::remove_file(results_path());
    }
    let sample_path = out.join("sample.json");
    let head = git_head()?;
    if args.report_only {
        return write_report(args, &head);
    }
    let mutants = sample(list_mutants()?, args.mutants, args.seed);
    std::fs::write(
        &sample_path,
        serde_json::to_string_pretty(&json!({
            "commit": head,
            "seed": args.seed,
            "mutants": mutants.iter().map(|m| &m.name).collect::<Vec<_>>(),
        }))
        .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let done: BTreeSet<(String, String)> = read_results().iter().map(key).collect();
    let tree = Tree::open(out.join("tree"))?;
    let engines = args.engine.engines();
    for (index, mutant) in mutants.iter().enumerate() {
        let targets = reach(&mutant.file).ok_or(format!("no targets for {}", mutant.file))?;
        let pending = |run: &str| !done.contains(&(mutant.name.clone(), run.to_string()));
        let runs: Vec<(Engine, &str)> = engines
            .iter()
            .flat_map(|e| corpora(args.corpus).into_iter().map(move |c| (*e, c)))
            .filter(|(e, c)| pending(&format!("{}/{c}", e.name())))
            .collect();
        if !pending("seeds-replay") && runs.is_empty() {
            continue;
        }
        // An unviable mutant is done; one the seeds kill still gets its runs from nothing
        // (what a fuzzer finds without the corpus does not depend on it).
        let replayed = read_results()
            .into_iter()
            .find(|r| key(r) == (mutant.name.clone(), "seeds-replay".to_string()));
        let from_nothing = |runs: &[(Engine, &str)]| runs.iter().any(|(_, c)| *c == "empty");
        match replayed.as_ref().map(|r| r["killed"].as_bool()) {
            Some(None) => continue,
            Some(Some(true)) if !from_nothing(&runs) => continue,
            _ => {}
        }
        eprintln!("[{}/{}] {}", index + 1, mutants.len(), mutant.name);
        if !tree.apply(mutant)? {
            append(
                &json!({"mutant": mutant.name, "file": mutant.file, "run": "seeds-replay", "killed": null, "note": "patch does not apply"}),
            )?;
            continue;
        }
        // libFuzzer first: its build also replays the seeds.
        let lib_target = out.join("target-libfuzzer");
        let built = libfuzzer::build_in(&tree.dir.join("fuzz"), &lib_target, &targets);
        if let Err(message) = built {
            eprintln!(
                "  unviable (does not build): {}",
                message.lines().last().unwrap_or_default()
            );
            append(
                &json!({"mutant": mutant.name, "file": mutant.file, "run": "seeds-replay", "killed": null, "note": "does not build"}),
            )?;
            tree.reset();
            continue;
        }
        let lib_binary = |t: &str| lib_target.join("x86_64-unknown-linux-gnu/release").join(t);
        if pending("seeds-replay") {
            let mut killer = None;
            for target in targets {
                let seeds = root().join("corpus").join(target);
                let scratch = out.join("replay").join(target);
                let _ = std::fs::remove_dir_all(&scratch);
                std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
                let status = Command::new(lib_binary(target))
                    .arg(&scratch)
                    .arg(&seeds)
                    .arg("-runs=0")
                    .arg(format!("-artifact_prefix={}/", scratch.display()))
                    .args(libfuzzer::flags(target, false))
                    .output()
                    .map_err(|e| e.to_string())?;
                if !status.status.success() {
                    killer = Some(target);
                    break;
                }
            }
            eprintln!(
                "  seed corpus: {}",
                killer.map_or("passes".to_string(), |t| format!("killed by {t}"))
            );
            append(
                &json!({"mutant": mutant.name, "file": mutant.file, "run": "seeds-replay", "killed": killer.is_some(), "by": killer}),
            )?;
            if killer.is_some() && !from_nothing(&runs) {
                tree.reset();
                continue;
            }
        }
        let killed_by_seeds = read_results().iter().any(|r| {
            key(r) == (mutant.name.clone(), "seeds-replay".to_string()) && r["killed"] == true
        });
        let runs: Vec<(Engine, &str)> = runs
            .into_iter()
            .filter(|(_, c)| !killed_by_seeds || *c == "empty")
            .collect();
        let afl_target = out.join("target-afl");
        for engine in &engines {
            if *engine == Engine::Afl && runs.iter().any(|(e, _)| e == engine) {
                if let Err(message) =
                    afl::build_in(&tree.dir.join("fuzz/afl/Cargo.toml"), &afl_target)
                {
                    eprintln!("  AFL++ build failed: {message}");
                    continue;
                }
            }
            for (_, corpus) in runs.iter().filter(|(e, _)| e == engine) {
                let mut spent = 0.0;
                let mut found = None;
                for target in targets {
                    let program = match engine {
                        Engine::Libfuzzer => lib_binary(target),
                        Engine::Afl => afl_target.join("release/afl_harness"),
                    };
                    let work = out.join("work").join(engine.name()).join(target);
                    let _ = std::fs::remove_dir_all(&work);
                    let artifacts = out.join("artifacts").join(engine.name()).join(target);
                    let _ = std::fs::remove_dir_all(&artifacts);
                    let job = Job {
                        target: target.to_string(),
                        program,
                        seeds: if *corpus == "seeds" {
                            vec![root().join("corpus").join(target)]
                        } else {
                            Vec::new()
                        },
                        work,
                        artifacts,
                        seconds: args.seconds,
                        jobs: 1,
                        keep_going: false,
                        log: out
                            .join("logs")
                            .join(format!("{}.{target}.log", engine.name())),
                    };
                    let mut progress = Progress::begin(
                        target,
                        &format!("{}/{corpus}", engine.name()),
                        index + 1,
                        mutants.len(),
                        args.seconds,
                    );
                    let outcome = engine.run(&job, &mut progress)?;
                    progress.finish(&outcome.snapshot);
                    match (outcome.first_crash, outcome.artifacts.is_empty()) {
                        (Some(t), false) => {
                            found = Some((target, spent + t));
                            break;
                        }
                        _ => spent += args.seconds as f64,
                    }
                }
                eprintln!(
                    "  {}/{corpus}: {}",
                    engine.name(),
                    found.map_or("not found".to_string(), |(t, s)| format!(
                        "found by {t} after {s:.1} s"
                    ))
                );
                append(&json!({
                    "mutant": mutant.name,
                    "file": mutant.file,
                    "run": format!("{}/{corpus}", engine.name()),
                    "found": found.is_some(),
                    "by": found.map(|(t, _)| t),
                    "seconds": found.map(|(_, s)| s),
                    "budget": args.seconds,
                    "targets": targets,
                }))?;
            }
        }
        tree.reset();
    }
    write_report(args, &head)
}

/// The `p`-th percentile (0-100) of sorted `values`, nearest rank.
fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted.get(rank - 1).copied()
}

/// fuzz/BENCH.md from the results of the current sample.
fn write_report(args: &FuzzBenchArgs, head: &str) -> Result<(), String> {
    let sample: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("target/fuzz-bench/sample.json")).unwrap_or_default(),
    )
    .unwrap_or(Value::Null);
    let names: BTreeSet<String> = sample["mutants"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| m.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let results: Vec<Value> = read_results()
        .into_iter()
        .filter(|r| names.contains(r["mutant"].as_str().unwrap_or_default()))
        .collect();
    let replays: BTreeMap<String, &Value> = results
        .iter()
        .filter(|r| r["run"] == "seeds-replay")
        .map(|r| (r["mutant"].as_str().unwrap_or_default().to_string(), r))
        .collect();
    let unviable = replays.values().filter(|r| r["killed"].is_null()).count();
    let by_seeds = replays.values().filter(|r| r["killed"] == true).count();
    let survivors: BTreeSet<&str> = replays
        .iter()
        .filter(|(_, r)| r["killed"] == false)
        .map(|(m, _)| m.as_str())
        .collect();
    let mut runs: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    let viable: BTreeSet<&str> = replays
        .iter()
        .filter(|(_, r)| !r["killed"].is_null())
        .map(|(m, _)| m.as_str())
        .collect();
    for result in results.iter().filter(|r| r["run"] != "seeds-replay") {
        // From the seeds, the population is what the seeds leave; from nothing, every
        // viable mutant.
        let from_nothing = result["run"]
            .as_str()
            .unwrap_or_default()
            .ends_with("/empty");
        let mutant = result["mutant"].as_str().unwrap_or_default();
        if survivors.contains(mutant) || (from_nothing && viable.contains(mutant)) {
            runs.entry(result["run"].as_str().unwrap_or_default().to_string())
                .or_default()
                .push(result);
        }
    }
    let mut text = String::from("# The bug-finding benchmark\n\n");
    text.push_str(&format!(
        "What the fuzz targets are worth at finding a bug nobody wrote a test for: mutants of \
         `core/` from cargo-mutants (its exclusions applied), a seeded sample stratified over \
         files, each applied alone; the seed corpus (`corpus/<target>/`, never \
         `corpus/regressions/`) replayed first, then the one or two targets that reach the \
         mutated file fuzzed in turn, each until its first crash or {} s of one core. A \
         mutant is found when a target crashes; its time is the core-seconds spent on it, \
         the targets before the finder counted whole.\n\n",
        args.seconds
    ));
    text.push_str(&format!(
        "Made by `cargo xtask fuzz-bench --mutants {} --seed {} --seconds {} --engine {} \
         --corpus {}` at `{}` ({} mutants sampled, sample of commit `{}`), libFuzzer {}, \
         AFL++ through cargo-afl without LLVM plugins.\n\n",
        args.mutants,
        args.seed,
        args.seconds,
        format!("{:?}", args.engine).to_lowercase(),
        format!("{:?}", args.corpus).to_lowercase(),
        &head[..head.len().min(7)],
        names.len(),
        sample["commit"]
            .as_str()
            .map_or("?", |c| &c[..c.len().min(7)]),
        libfuzzer::description()
    ));
    text.push_str(&format!(
        "- sampled: {}; benched so far: {}\n- not viable (does not build, or the patch does not apply): {unviable}\n\
         - killed by the seed corpus alone (a regression suite by another name): {by_seeds}\n\
         - left for the fuzzers: {}\n\n",
        names.len(),
        replays.len(),
        survivors.len()
    ));
    text.push_str("| engine / corpus | runs | found | share | median | 90th percentile |\n");
    text.push_str("| --- | ---: | ---: | ---: | ---: | ---: |\n");
    let mut found_by_any: BTreeSet<&str> = BTreeSet::new();
    for (run, results) in &runs {
        let mut times: Vec<f64> = results
            .iter()
            .filter(|r| r["found"] == true)
            .filter_map(|r| r["seconds"].as_f64())
            .collect();
        times.sort_by(|a, b| a.total_cmp(b));
        if run.ends_with("/seeds") {
            for r in results.iter().filter(|r| r["found"] == true) {
                found_by_any.insert(r["mutant"].as_str().unwrap_or_default());
            }
        }
        let share = 100.0 * times.len() as f64 / results.len().max(1) as f64;
        let show = |t: Option<f64>| t.map_or("-".to_string(), |t| format!("{t:.1} s"));
        text.push_str(&format!(
            "| {run} | {} | {} | {share:.0} % | {} | {} |\n",
            results.len(),
            times.len(),
            show(percentile(&times, 50.0)),
            show(percentile(&times, 90.0))
        ));
    }
    let benched: BTreeSet<&str> = runs
        .iter()
        .filter(|(run, _)| run.ends_with("/seeds"))
        .flat_map(|(_, results)| results)
        .map(|r| r["mutant"].as_str().unwrap_or_default())
        .collect();
    text.push_str(&format!(
        "\nFrom the seeds, found by some engine: {} of {} ({:.0} %). From nothing (`/empty` \
         rows), the population is every viable mutant, the ones the seeds kill included.\n\n",
        found_by_any.len(),
        benched.len(),
        100.0 * found_by_any.len() as f64 / benched.len().max(1) as f64
    ));
    text.push_str("## Every mutant\n\n| mutant | seeds | ");
    let run_names: Vec<&String> = runs.keys().collect();
    for run in &run_names {
        text.push_str(&format!("{run} | "));
    }
    text.push_str("\n| --- | --- | ");
    text.push_str(&"---: | ".repeat(run_names.len()));
    text.push('\n');
    for name in &names {
        let Some(replay) = replays.get(name) else {
            continue;
        };
        let seeds = match replay["killed"].as_bool() {
            None => format!("unviable ({})", replay["note"].as_str().unwrap_or_default()),
            Some(true) => format!("killed ({})", replay["by"].as_str().unwrap_or_default()),
            Some(false) => "survives".to_string(),
        };
        text.push_str(&format!("| `{}` | {seeds} | ", name.replace('|', "\\|")));
        for run in &run_names {
            let cell = runs[*run]
                .iter()
                .find(|r| r["mutant"] == name.as_str())
                .map_or("".to_string(), |r| match r["seconds"].as_f64() {
                    Some(s) => format!("{s:.1} s ({})", r["by"].as_str().unwrap_or_default()),
                    None => "not found".to_string(),
                });
            text.push_str(&format!("{cell} | "));
        }
        text.push('\n');
    }
    let missed: Vec<&&str> = benched
        .iter()
        .filter(|m| !found_by_any.contains(**m))
        .collect();
    text.push_str("\n## Found by no engine\n\nEach is a candidate for a new property, dictionary entry or target.\n\n");
    if missed.is_empty() {
        text.push_str("None.\n");
    }
    for mutant in missed {
        text.push_str(&format!("- `{mutant}`\n"));
    }
    let mut earlier: Vec<String> = std::fs::read_dir(root().join("fuzz/bench"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default();
    earlier.sort();
    if !earlier.is_empty() {
        text.push_str(
            "
## Earlier runs

Each kept whole, with what followed from it:

",
        );
        for name in earlier {
            text.push_str(&format!("- [`fuzz/bench/{name}`](bench/{name})\n"));
        }
    }
    let path = root().join("fuzz/BENCH.md");
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    println!("{}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every product file of core/src has the targets that reach it.
    #[test]
    fn every_core_file_has_its_targets() {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir)
                .expect("core/src")
                .filter_map(Result::ok)
            {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    let relative = path.strip_prefix(root()).expect("in the repo");
                    out.push(relative.to_string_lossy().into_owned());
                }
            }
        }
        let mut files = Vec::new();
        walk(&root().join("core/src"), &mut files);
        for file in files {
            let directory_module = file.ends_with("/mod.rs")
                && !file.contains("server/")
                && !file.contains("client/")
                && !file.contains("websocket/");
            if NOT_SAMPLED.contains(&file.as_str()) || directory_module {
                continue;
            }
            let targets = reach(&file).unwrap_or_else(|| panic!("{file} has no targets"));
            for target in targets {
                assert!(
                    http_upgrade_proptests::harnesses::harness(target).is_some(),
                    "{target}"
                );
            }
        }
    }

    #[test]
    fn samples_are_stratified_and_seeded() {
        let all: Vec<Mutant> = (0..30)
            .map(|i| Mutant {
                name: format!("m{i}"),
                file: format!("core/src/f{}.rs", i % 3),
                diff: String::new(),
            })
            .collect();
        let a = sample(all.clone(), 6, 7);
        let b = sample(all.clone(), 6, 7);
        let names = |s: &[Mutant]| s.iter().map(|m| m.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&a), names(&b));
        let files: BTreeSet<&str> = a.iter().map(|m| m.file.as_str()).collect();
        assert_eq!(files.len(), 3);
        assert_ne!(names(&a), names(&sample(all, 6, 8)));
    }

    #[test]
    fn patches_name_the_file_twice() {
        let mutant = Mutant {
            name: "x".into(),
            file: "core/src/upgrade.rs".into(),
            diff: "--- core/src/upgrade.rs\n+++ replace x with y\n@@ -1,1 +1,1 @@\n-a\n+b".into(),
        };
        assert_eq!(
            patch(&mutant),
            "--- a/core/src/upgrade.rs\n+++ b/core/src/upgrade.rs\n@@ -1,1 +1,1 @@\n-a\n+b\n"
        );
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 50.0), Some(2.0));
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 90.0), Some(4.0));
    }
}
