//! The bench's own checkout (a detached worktree under `target/fuzz-bench/tree`), at the
//! commit it measures, with one mutant at a time applied to its `core/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::mutant::{patch, Mutant};

/// The worktree.
pub struct Tree {
    dir: PathBuf,
    scratch: PathBuf,
}

impl Tree {
    /// Makes (or reuses) the worktree under `out` and checks out `commit`.
    pub fn open(out: &Path, commit: &str) -> Result<Self, String> {
        let dir = out.join("tree");
        crate::worktree::checkout(&dir, commit)?;
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
    pub fn apply(&self, mutant: &Mutant) -> Result<bool, String> {
        self.reset();
        let file = self.scratch.join("mutant.patch");
        std::fs::write(&file, patch(mutant)).map_err(|e| e.to_string())?;
        let applied = Command::new("git")
            .args(["apply", "--unidiff-zero"])
            .arg(&file)
            .current_dir(&self.dir)
            .status()
            .map_err(|e| e.to_string())?;
        Ok(applied.success())
    }

    /// Puts core/ back as the commit has it.
    pub fn reset(&self) {
        let _ = Command::new("git")
            .args(["checkout", "--force", "--", "core"])
            .current_dir(&self.dir)
            .status();
    }
}
