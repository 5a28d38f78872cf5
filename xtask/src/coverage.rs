//! `cargo xtask fuzz --coverage`: which lines and branches of `core/` the committed corpus
//! reaches, through `cargo fuzz coverage` (one source-based coverage build per target),
//! the profiles merged with the toolchain's own `llvm-profdata` and reported by its
//! `llvm-cov`: a per-file table of lines and branches printed, and an HTML report.
//! The LLVM tools must match rustc's LLVM (`rustup component add llvm-tools-preview
//! --toolchain nightly`); a Debian `llvm-cov` of another version cannot read the profiles.

use std::path::PathBuf;

use anyhow::{bail, Context as _, Result};

use crate::base::paths::{fuzz_binary_in, fuzz_target_dir, host_triple, root, target_dir};
use crate::base::process::cmd;
use crate::engines::targets::seeds;

/// `name` from the nightly toolchain's `llvm-tools` component.
fn llvm_tool(name: &str) -> Result<PathBuf> {
    let sysroot = cmd("rustc")
        .args(["+nightly", "--print", "sysroot"])
        .read()?;
    let tool = PathBuf::from(sysroot.trim())
        .join("lib/rustlib")
        .join(host_triple())
        .join("bin")
        .join(name);
    if !tool.exists() {
        bail!(
            "{} is missing: rustup component add llvm-tools-preview --toolchain nightly",
            tool.display()
        );
    }
    Ok(tool)
}

/// Builds coverage binaries, runs the corpus, merges the profiles and reports core's lines
/// and branches; the exit code.
pub fn run(targets: &[String], nightly: bool) -> Result<i32> {
    if !nightly {
        bail!("coverage needs the nightly toolchain (cargo fuzz coverage)");
    }
    let profdata = llvm_tool("llvm-profdata")?;
    let llvm_cov = llvm_tool("llvm-cov")?;
    let build = fuzz_target_dir().join("coverage");
    let mut profiles = Vec::new();
    let mut objects = Vec::new();
    for target in targets {
        eprintln!("coverage of {target} from its corpus and regressions");
        cmd("cargo")
            .args(["+nightly", "fuzz", "coverage", target])
            .args(seeds(target))
            .arg("--target-dir")
            .arg(&build)
            .dir(root().join("fuzz"))
            .read()
            .with_context(|| format!("cargo fuzz coverage {target}"))?;
        profiles.push(
            root()
                .join("fuzz/coverage")
                .join(target)
                .join("coverage.profdata"),
        );
        objects.push(fuzz_binary_in(&build, "release", target));
    }
    let out = target_dir().join("fuzz-coverage");
    std::fs::create_dir_all(&out)?;
    let merged = out.join("merged.profdata");
    cmd(&profdata)
        .args(["merge", "-sparse", "-o"])
        .arg(&merged)
        .args(&profiles)
        .read()?;
    let core_src = root().join("core/src");
    let llvm = |sub: &str| {
        let mut command = cmd(&llvm_cov)
            .arg(sub)
            .arg(format!("-instr-profile={}", merged.display()))
            .arg(&objects[0]);
        for object in &objects[1..] {
            command = command.arg(format!("-object={}", object.display()));
        }
        command.arg("-ignore-filename-regex=(proptests|\\.cargo|rustc)")
    };
    let table = llvm("report")
        .arg("--show-branch-summary")
        .arg(&core_src)
        .read()?;
    println!("{table}");
    let html = out.join("html");
    llvm("show")
        .arg("-format=html")
        .arg("--show-branches=count")
        .arg(format!("-output-dir={}", html.display()))
        .arg(&core_src)
        .read()?;
    println!("HTML: {}", html.join("index.html").display());
    Ok(0)
}
