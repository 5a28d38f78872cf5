//! The bench's own checkout (a detached worktree under `target/fuzz-bench/tree`), at the
//! commit it measures, with one mutant at a time applied to its `core/`.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::mutant::{patch, Mutant};
use crate::base::git;
use crate::base::process::cmd;

/// The worktree.
pub struct Tree {
    dir: PathBuf,
    scratch: PathBuf,
}

impl Tree {
    /// Makes (or reuses) the worktree under `out` and checks out `commit`.
    pub fn open(out: &Path, commit: &str) -> Result<Self> {
        let dir = out.join("tree");
        git::checkout(&dir, commit)?;
        Ok(Tree {
            dir,
            scratch: out.to_path_buf(),
        })
    }

    /// The checkout's root.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A folder of the bench's own beside the checkout (build targets, scratch corpora).
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.scratch.join(name)
    }

    /// Resets core/ and applies `mutant`; `false` when the patch does not apply.
    pub fn apply(&self, mutant: &Mutant) -> Result<bool> {
        self.reset();
        let file = self.scratch.join("mutant.patch");
        std::fs::write(&file, patch(mutant))?;
        Ok(cmd("git")
            .args(["apply", "--unidiff-zero"])
            .arg(&file)
            .dir(&self.dir)
            .succeeds())
    }

    /// Puts core/ back as the commit has it.
    pub fn reset(&self) {
        let _ = cmd("git")
            .args(["checkout", "--force", "--", "core"])
            .dir(&self.dir)
            .output();
    }
}
