//! The configurations the bench compares on the same frozen sample: each a way of fuzzing
//! the targets that reach a mutant. The main job (`cargo xtask fuzz`) runs the one named
//! [`MAIN_JOB`]; another earns that place only by the paired comparison in the report.

use anyhow::{anyhow, Result};

use crate::engines::libfuzzer::{Binary, UNSANITIZED};

/// One configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Its name in the ledger and the report.
    pub name: &'static str,
    /// What it is, for the report.
    pub about: &'static str,
    /// libFuzzer flags beside the targets' own options and the dictionary.
    pub flags: &'static [&'static str],
    /// The commit whose targets, oracles and seeds it runs (the mutant applied to that
    /// commit's core); `None`: the commit the bench runs at.
    pub harness: Option<&'static str>,
    /// A target it fuzzes in place of another wherever the other reaches the mutant:
    /// `(instead_of, target)`.
    pub replaces: Option<(&'static str, &'static str)>,
    /// The targets it builds without AddressSanitizer (`-s none`); every other target has it
    /// (when a nightly is installed).
    pub unsanitized: &'static [&'static str],
}

impl Config {
    /// The targets this configuration fuzzes for a mutant the `reaching` targets reach.
    pub fn targets(&self, reaching: [&'static str; 2]) -> Vec<&'static str> {
        let mut targets: Vec<&'static str> = reaching
            .iter()
            .map(|&target| match self.replaces {
                Some((instead_of, replacement)) if instead_of == target => replacement,
                _ => target,
            })
            .collect();
        targets.dedup();
        targets
    }

    /// The binaries this configuration runs for a mutant the `reaching` targets reach.
    pub fn binaries(&self, reaching: [&'static str; 2]) -> Vec<Binary<'static>> {
        self.targets(reaching)
            .into_iter()
            .map(|target| (target, self.sanitized(target)))
            .collect()
    }

    /// Whether this configuration builds `target` with AddressSanitizer.
    pub fn sanitized(&self, target: &str) -> bool {
        !self.unsanitized.contains(&target)
    }
}

/// The commit of today's harness, as the experiment began: its targets, oracles, seeds and
/// dictionary are the baseline every later harness is compared with on the same sample.
pub const BASELINE_HARNESS: &str = "5f145f7c7891b2d3bd777991635e18e805dacdec";

/// Every configuration the bench knows.
pub const CONFIGS: [Config; 5] = [
    Config {
        name: "libfuzzer",
        about: "libFuzzer from the seed corpus, with the shared dictionary and each target's options, the harness at the bench's commit, every target under AddressSanitizer",
        flags: &[],
        harness: None,
        replaces: None,
        unsanitized: &[],
    },
    Config {
        name: "baseline",
        about: "today's harness: the same libFuzzer run with the targets, oracles and seeds of `5f145f7`, where the experiment began",
        flags: &[],
        harness: Some(BASELINE_HARNESS),
        replaces: None,
        unsanitized: &[],
    },
    Config {
        name: "libfuzzer-value-profile",
        about: "`libfuzzer` with comparison feedback (`-use_value_profile=1`)",
        flags: &["-use_value_profile=1"],
        harness: None,
        replaces: None,
        unsanitized: &[],
    },
    Config {
        name: "libfuzzer-model",
        about: "`libfuzzer` with the structure-aware `handshake_model` (the same cases, encoded compactly and mutated field by field) in place of `handshake_structured`",
        flags: &[],
        harness: None,
        replaces: Some(("handshake_structured", "handshake_model")),
        unsanitized: &[],
    },
    Config {
        name: "libfuzzer-unsanitized-structured",
        about: "the main job: `libfuzzer` with the structured targets (`handshake_structured`, `transport_equivalence`, `handshake_model`) built without AddressSanitizer, about five times faster; the byte-level targets keep it",
        flags: &[],
        harness: None,
        replaces: None,
        unsanitized: &UNSANITIZED,
    },
];

/// The configuration `cargo xtask fuzz` runs, whose numbers make the headline.
pub const MAIN_JOB: &str = "libfuzzer-unsanitized-structured";

/// The configuration of the baseline line.
pub const BASELINE: &str = "baseline";

/// The configuration called `name`.
pub fn named(name: &str) -> Result<Config> {
    CONFIGS
        .iter()
        .copied()
        .find(|c| c.name == name)
        .ok_or_else(|| {
            anyhow!(
                "no configuration {name}; known: {}",
                CONFIGS.map(|c| c.name).join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_job_is_a_known_configuration() {
        // The main job builds and runs what the bench measures under its name.
        let main = named(MAIN_JOB).expect("known");
        assert_eq!(main.flags.len(), 0);
        assert_eq!(main.harness, None);
        assert_eq!(main.replaces, None);
        assert_eq!(main.unsanitized, crate::engines::libfuzzer::UNSANITIZED);
        assert_eq!(
            named(BASELINE).map(|c| c.harness).ok(),
            Some(Some(BASELINE_HARNESS))
        );
        assert!(named("nothing").is_err());
        let model = named("libfuzzer-model").expect("known");
        assert_eq!(
            model.targets(["handshake_structured", "server_negotiate"]),
            ["handshake_model", "server_negotiate"]
        );
        assert_eq!(
            named(MAIN_JOB)
                .expect("known")
                .targets(["handshake_structured", "server_negotiate"]),
            ["handshake_structured", "server_negotiate"]
        );
        let unsanitized = named("libfuzzer-unsanitized-structured").expect("known");
        assert_eq!(
            unsanitized.binaries(["handshake_structured", "server_negotiate"]),
            [("handshake_structured", false), ("server_negotiate", true)]
        );
        assert_eq!(
            named("libfuzzer")
                .expect("known")
                .binaries(["transport_equivalence", "fast_paths"]),
            [("transport_equivalence", true), ("fast_paths", true)]
        );
    }
}
