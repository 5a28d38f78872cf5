//! One mutant of `core/` as cargo-mutants lists it, and its diff as `git apply` reads it.

use serde::{Deserialize, Serialize};

/// One mutant, as cargo-mutants lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mutant {
    /// cargo-mutants' name: `file:line:col: what`.
    pub name: String,
    /// The mutated file.
    pub file: String,
    /// The first mutated line.
    pub line: u32,
    /// cargo-mutants' diff of the change.
    pub diff: String,
}

/// The mutant's diff with file headers `git apply` reads.
pub fn patch(mutant: &Mutant) -> String {
    let mut lines = mutant.diff.lines();
    let (_, _) = (lines.next(), lines.next());
    let body: Vec<&str> = lines.collect();
    format!(
        "--- a/{file}\n+++ b/{file}\n{}\n",
        body.join("\n"),
        file = mutant.file
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_name_the_file_twice() {
        let mutant = Mutant {
            name: "x".into(),
            file: "core/src/upgrade.rs".into(),
            line: 1,
            diff: "--- core/src/upgrade.rs\n+++ replace x with y\n@@ -1,1 +1,1 @@\n-a\n+b".into(),
        };
        assert_eq!(
            patch(&mutant),
            "--- a/core/src/upgrade.rs\n+++ b/core/src/upgrade.rs\n@@ -1,1 +1,1 @@\n-a\n+b\n"
        );
    }
}
