//! The configurations the bench compares on the same frozen sample: each a way of fuzzing
//! the targets that reach a mutant. The main job (`cargo xtask fuzz`) runs the one named
//! [`MAIN_JOB`]; another earns that place only by the paired comparison in the report.

/// One configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Its name in the ledger and the report.
    pub name: &'static str,
    /// What it is, for the report.
    pub about: &'static str,
    /// libFuzzer flags beside the targets' own options and the dictionary.
    pub flags: &'static [&'static str],
}

/// Every configuration the bench knows.
pub const CONFIGS: [Config; 2] = [
    Config {
        name: "libfuzzer",
        about: "the main job today: libFuzzer from the seed corpus, with the shared dictionary and each target's options",
        flags: &[],
    },
    Config {
        name: "libfuzzer-value-profile",
        about: "the same with comparison feedback (`-use_value_profile=1`)",
        flags: &["-use_value_profile=1"],
    },
];

/// The configuration `cargo xtask fuzz` runs, whose numbers make the headline.
pub const MAIN_JOB: &str = "libfuzzer";

/// The configuration called `name`.
pub fn named(name: &str) -> Result<Config, String> {
    CONFIGS
        .iter()
        .copied()
        .find(|c| c.name == name)
        .ok_or_else(|| {
            format!(
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
        assert_eq!(named(MAIN_JOB).map(|c| c.flags.len()), Ok(0));
        assert!(named("nothing").is_err());
    }
}
