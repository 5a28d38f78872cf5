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

impl Mutant {
    /// What the mutation does, without where: `replace == with != in write_value`. Two
    /// mutants with the same file and description are the same change, wherever the line
    /// moved between the commits they were listed at.
    pub fn change(&self) -> (&str, &str) {
        let what = self.name.splitn(4, ':').nth(3).unwrap_or(&self.name).trim();
        (self.file.as_str(), what)
    }
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
    fn a_change_is_its_file_and_what_without_the_place() {
        let at = |name: &str| Mutant {
            name: name.into(),
            file: "core/src/h2c.rs".into(),
            line: 1,
            diff: String::new(),
        };
        let moved = (
            at("core/src/h2c.rs:25:26: replace - with + in sextet"),
            at("core/src/h2c.rs:24:26: replace - with + in sextet"),
        );
        assert_eq!(moved.0.change(), moved.1.change());
        assert_eq!(
            moved.0.change(),
            ("core/src/h2c.rs", "replace - with + in sextet")
        );
        assert_ne!(
            moved.0.change(),
            at("core/src/h2c.rs:25:26: replace - with / in sextet").change()
        );
    }

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
