//! `cargo xtask fuzz --coverage`: which lines and branches of `core/` the committed corpus
//! reaches, through `cargo fuzz coverage` (one source-based coverage build per target),
//! the profiles merged with the toolchain's own `llvm-profdata` and reported by its
//! `llvm-cov`: a per-file table of lines and branches printed, and an HTML report.
//! The LLVM tools must match the nightly's LLVM: its own `llvm-tools-preview` component
//! when installed, else Debian's `llvm-<major>` of the same major version (installed with
//! apt-get when missing); a `llvm-cov` of another version cannot read the profiles.

use std::path::PathBuf;

use anyhow::{bail, Context as _, Result};

use crate::base::install;
use crate::base::paths::{fuzz_binary_in, fuzz_target_dir, host_triple, root, target_dir};
use crate::base::process::cmd;
use crate::engines::targets::seeds;

/// The major version of the nightly's LLVM, from `rustc -vV` (`LLVM version: 22.1.4`).
fn llvm_major(version: &str) -> Option<u32> {
    version
        .lines()
        .find_map(|line| line.strip_prefix("LLVM version: "))
        .and_then(|v| v.split('.').next())
        .and_then(|major| major.trim().parse().ok())
}

/// The directory of `llvm-profdata` and `llvm-cov` of the nightly's LLVM: the toolchain's
/// `llvm-tools-preview` component, else Debian's `/usr/lib/llvm-<major>/bin`, installed
/// when missing.
fn llvm_bin() -> Result<PathBuf> {
    let sysroot = cmd("rustc")
        .args(["+nightly", "--print", "sysroot"])
        .read()?;
    let component = PathBuf::from(sysroot.trim())
        .join("lib/rustlib")
        .join(host_triple())
        .join("bin");
    if component.join("llvm-cov").exists() {
        return Ok(component);
    }
    let major = llvm_major(&cmd("rustc").args(["+nightly", "-vV"]).read()?)
        .context("rustc -vV names no LLVM version")?;
    let program = format!("llvm-cov-{major}");
    install::apt(&[program.as_str()], &[format!("llvm-{major}").as_str()]).with_context(|| {
        format!(
            "no llvm-cov for LLVM {major}: rustup component add llvm-tools-preview --toolchain \
             nightly, or apt-get install llvm-{major}"
        )
    })?;
    Ok(PathBuf::from(format!("/usr/lib/llvm-{major}/bin")))
}

/// Builds coverage binaries, runs the corpus, merges the profiles and reports core's lines
/// and branches.
pub fn run(targets: &[String], nightly: bool) -> Result<()> {
    if !nightly {
        bail!("coverage needs the nightly toolchain (cargo fuzz coverage)");
    }
    let llvm = llvm_bin()?;
    let (profdata, llvm_cov) = (llvm.join("llvm-profdata"), llvm.join("llvm-cov"));
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
            .arg("--llvm-path")
            .arg(&llvm)
            // Branch regions too (cargo-fuzz appends RUSTFLAGS to its own).
            .env("RUSTFLAGS", "-Zcoverage-options=branch")
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
    let llvm_cov_over_every_object = |sub: &str| {
        let mut command = cmd(&llvm_cov)
            .arg(sub)
            .arg(format!("-instr-profile={}", merged.display()))
            .arg(&objects[0]);
        for object in &objects[1..] {
            command = command.arg(format!("-object={}", object.display()));
        }
        command.arg("-ignore-filename-regex=(proptests|\\.cargo|rustc)")
    };
    let table = llvm_cov_over_every_object("report")
        .arg("--show-branch-summary")
        .arg(&core_src)
        .read()?;
    println!("{table}");
    let html = out.join("html");
    llvm_cov_over_every_object("show")
        .arg("-format=html")
        .arg("--show-branches=count")
        .arg(format!("-output-dir={}", html.display()))
        .arg(&core_src)
        .read()?;
    println!("HTML: {}", html.join("index.html").display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_llvm_major_comes_from_rustc() {
        let text = "rustc 1.97.0-nightly\nhost: x86_64-unknown-linux-gnu\nLLVM version: 22.1.4\n";
        assert_eq!(llvm_major(text), Some(22));
        assert_eq!(llvm_major("rustc 1.95.0\n"), None);
    }
}
