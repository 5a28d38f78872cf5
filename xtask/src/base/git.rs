//! Git, as the tools use it: the commit checked out, and detached worktrees under the
//! target directory moved to the commit a tool measures (`fuzz-bench`,
//! `bench-history --backfill`).

use std::path::Path;

use anyhow::{bail, Result};

use super::paths::root;
use super::process::cmd;

/// The full hash of `rev` in the workspace's repository.
pub fn rev_parse(rev: &str) -> Result<String> {
    Ok(cmd("git")
        .args(["rev-parse", rev])
        .dir(root())
        .read()?
        .trim()
        .to_string())
}

/// The commit checked out.
pub fn head() -> Result<String> {
    rev_parse("HEAD")
}

/// Makes `dir` a detached worktree of this repository if it is not one yet, then checks out
/// `rev` there, discarding what the last run left.
pub fn checkout(dir: &Path, rev: &str) -> Result<()> {
    if !dir.join(".git").exists() {
        let _ = cmd("git").args(["worktree", "prune"]).dir(root()).output();
        let _ = std::fs::remove_dir_all(dir);
        cmd("git")
            .args(["worktree", "add", "--detach"])
            .arg(dir)
            .arg("HEAD")
            .dir(root())
            .read()?;
    }
    if let Err(error) = cmd("git")
        .args(["checkout", "--quiet", "--detach", "--force", rev])
        .dir(dir)
        .read()
    {
        bail!(
            "the worktree {} cannot check out {rev}: {error:#}",
            dir.display()
        );
    }
    Ok(())
}
