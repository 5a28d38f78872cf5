//! "Install the tool when it is missing", once for every kind of package a command needs:
//! a cargo tool, Python modules (into a virtual environment under the target directory, or
//! the user's site), npm packages (into a prefix) and Debian packages. Each checks first
//! with a command that succeeds when the tool is usable, installs, and checks again.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Result};

use super::process::{cmd, Cmd};

/// The longest any one install may take (a first `apt-get update` is slow).
const INSTALL_LIMIT: Duration = Duration::from_secs(900);

/// Runs `install` unless `check` already succeeds; then `check` must succeed.
fn ensure(what: &str, check: impl Fn() -> Cmd, install: Vec<Cmd>) -> Result<()> {
    if check().succeeds() {
        return Ok(());
    }
    for step in install {
        eprintln!("{what} is missing: {}", step.display());
        step.timeout(INSTALL_LIMIT).run()?;
    }
    if !check().succeeds() {
        bail!("{what} is still not usable after installing it");
    }
    Ok(())
}

/// A cargo subcommand or binary: `check` (for example `["fuzz", "--version"]` run through
/// cargo, or a program's own `--version`) must succeed, else `cargo install --locked
/// <krate> [--version V]`.
pub fn cargo_tool(krate: &str, version: Option<&str>, check: impl Fn() -> Cmd) -> Result<()> {
    let mut install = cmd("cargo").args(["install", "--locked", krate]);
    if let Some(version) = version {
        install = install.args(["--version", version]);
    }
    ensure(krate, check, vec![install])
}

/// Python modules importable by `python` (`import a, b`), installed with pip when not.
pub fn pip(python: &Path, modules: &[&str], packages: &[&str]) -> Result<()> {
    let import = format!("import {}", modules.join(", "));
    ensure(
        &format!("python {}", modules.join(", ")),
        || cmd(python).args(["-c", &import]),
        vec![cmd(python)
            .args(["-m", "pip", "install", "--quiet"])
            .args(packages)],
    )
}

/// A Python virtual environment at `venv` with `modules` importable; its interpreter.
pub fn venv(venv: &Path, modules: &[&str], packages: &[&str]) -> Result<PathBuf> {
    let python = venv.join("bin/python");
    if !python.exists() {
        cmd("python3")
            .args(["-m", "venv"])
            .arg(venv)
            .timeout(INSTALL_LIMIT)
            .run()?;
    }
    pip(&python, modules, packages)?;
    Ok(python)
}

/// npm packages under `prefix/node_modules`, installed when `prefix/node_modules/<first>`
/// is missing.
pub fn npm(prefix: &Path, packages: &[&str]) -> Result<()> {
    let Some(first) = packages.first() else {
        return Ok(());
    };
    let marker = prefix.join("node_modules").join(first).join("package.json");
    std::fs::create_dir_all(prefix)?;
    ensure(
        &format!("npm {}", packages.join(" ")),
        || cmd("test").arg("-f").arg(&marker),
        vec![cmd("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(prefix)
            .args(packages)],
    )
}

/// A command that succeeds when every one of `programs` is on the PATH.
fn all_on_path(programs: &[&str]) -> Cmd {
    let test = programs
        .iter()
        .map(|p| format!("command -v {p} >/dev/null"))
        .collect::<Vec<_>>()
        .join(" && ");
    cmd("sh").args(["-c", &test])
}

/// Whether `program` is on the PATH.
pub fn on_path(program: &str) -> bool {
    all_on_path(&[program]).succeeds()
}

/// Debian packages, installed with apt-get when any of `programs` is not on the PATH.
pub fn apt(programs: &[&str], packages: &[&str]) -> Result<()> {
    ensure(
        &packages.join(" "),
        || all_on_path(programs),
        vec![
            cmd("apt-get").args(["update", "-qq"]),
            cmd("apt-get")
                .args(["install", "-y", "-qq", "--no-install-recommends"])
                .args(packages)
                .env("DEBIAN_FRONTEND", "noninteractive"),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_present_tool_is_not_installed_again() {
        // `true` is there: the install step (which would fail) never runs.
        ensure("true", || cmd("true"), vec![cmd("false")]).expect("present");
        assert!(ensure("nothing", || cmd("false"), vec![cmd("true")]).is_err());
        assert!(on_path("sh"));
        assert!(!on_path("no-such-program-anywhere"));
    }
}
