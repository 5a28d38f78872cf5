//! The tools' own checkouts: a detached git worktree under `target/`, made on first use and
//! moved to the commit a tool measures (`fuzz-bench`, `bench-history --backfill`).

use std::path::Path;
use std::process::Command;

use crate::seed::root;

/// Makes `dir` a detached worktree of this repository if it is not one yet, then checks out
/// `rev` there, discarding what the last run left.
pub fn checkout(dir: &Path, rev: &str) -> Result<(), String> {
    if !dir.join(".git").exists() {
        let _ = Command::new("git")
            .args(["worktree", "prune"])
            .current_dir(root())
            .status();
        let _ = std::fs::remove_dir_all(dir);
        let status = Command::new("git")
            .args(["worktree", "add", "--detach"])
            .arg(dir)
            .arg("HEAD")
            .current_dir(root())
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err("git worktree add failed".into());
        }
    }
    let status = Command::new("git")
        .args(["checkout", "--quiet", "--detach", "--force", rev])
        .current_dir(dir)
        .status()
        .map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "the worktree {} cannot check out {rev}",
            dir.display()
        ))
    }
}
