//! `cargo xtask fuzz --coverage`: line coverage of `core/` from the committed corpus.

use std::path::PathBuf;
use std::process::Command;

use crate::seed::root;

fn llvm_tool(name: &str) -> PathBuf {
    let sysroot = Command::new("rustc")
        .args(["+nightly", "--print", "sysroot"])
        .output();
    if let Ok(output) = sysroot {
        let sysroot = String::from_utf8_lossy(&output.stdout).trim().to_string();
        let candidate = PathBuf::from(sysroot)
            .join("lib/rustlib/x86_64-unknown-linux-gnu/bin")
            .join(name);
        if candidate.exists() {
            return candidate;
        }
    }
    PathBuf::from(name)
}

/// Builds coverage binaries, runs the corpus, merges the profiles and reports core's lines.
pub fn run(targets: &[String], nightly: bool) -> i32 {
    if !nightly {
        eprintln!("coverage needs the nightly toolchain (cargo fuzz coverage)");
        return 1;
    }
    let fuzz = root().join("fuzz");
    let mut profiles = Vec::new();
    let mut objects = Vec::new();
    for target in targets {
        let mut command = Command::new("cargo");
        command
            .args(["+nightly", "fuzz", "coverage", target])
            .current_dir(&fuzz);
        for dir in [
            root().join("corpus").join(target),
            root().join("corpus/regressions").join(target),
        ] {
            if dir.is_dir() {
                command.arg(dir);
            }
        }
        match command.output() {
            Ok(output) if output.status.success() => {}
            Ok(output) => {
                eprintln!(
                    "cargo fuzz coverage {target} failed:\n{}",
                    String::from_utf8_lossy(&output.stderr)
                );
                return 1;
            }
            Err(error) => {
                eprintln!("cargo fuzz coverage {target}: {error}");
                return 1;
            }
        }
        profiles.push(fuzz.join("coverage").join(target).join("coverage.profdata"));
        objects.push(
            fuzz.join("target/x86_64-unknown-linux-gnu/coverage/x86_64-unknown-linux-gnu/release")
                .join(target),
        );
    }
    let merged = root().join("target/fuzz-coverage/merged.profdata");
    let _ = std::fs::create_dir_all(merged.parent().unwrap_or(&root()));
    let status = Command::new(llvm_tool("llvm-profdata"))
        .args(["merge", "-sparse", "-o"])
        .arg(&merged)
        .args(&profiles)
        .status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("llvm-profdata merge failed");
        return 1;
    }
    let core_src = root().join("core/src");
    let core_src = core_src.canonicalize().unwrap_or(core_src);
    let mut report = Command::new(llvm_tool("llvm-cov"));
    report
        .arg("report")
        .arg(format!("-instr-profile={}", merged.display()));
    report.arg(&objects[0]);
    for object in &objects[1..] {
        report.arg(format!("-object={}", object.display()));
    }
    report.arg("-ignore-filename-regex=(proptests|\\.cargo|rustc)");
    report.arg(&core_src);
    let status = report.status();
    let html = root().join("target/fuzz-coverage/html");
    let mut show = Command::new(llvm_tool("llvm-cov"));
    show.arg("show")
        .arg("-format=html")
        .arg(format!("-output-dir={}", html.display()));
    show.arg(format!("-instr-profile={}", merged.display()))
        .arg(&objects[0]);
    for object in &objects[1..] {
        show.arg(format!("-object={}", object.display()));
    }
    show.arg("-ignore-filename-regex=(proptests|\\.cargo|rustc)")
        .arg(&core_src);
    let _ = show.status();
    println!("HTML: {}/index.html", html.display());
    i32::from(!status.is_ok_and(|s| s.success()))
}
