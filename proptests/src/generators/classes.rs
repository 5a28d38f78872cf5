//! Class statistics of a property run, after QuickCheck's `cover`/`checkCoverage` and
//! hypothesis's `event()`: every generated case is labelled (`group=value`), and a run ends
//! with a table of classes, counts and shares, and a check of the property's declared
//! floors. A floor fails only when the run is statistically sure the class's share is below
//! it, so a short run cannot fail by bad luck and a long one catches a generator that
//! stopped producing the class.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// A declared minimum share of one class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Floor {
    /// The class, `group=value`.
    pub class: &'static str,
    /// The least share of cases it must have, 0 to 1.
    pub share: f64,
}

/// `Floor { class, share }`.
pub const fn floor(class: &'static str, share: f64) -> Floor {
    Floor { class, share }
}

/// The standard score of the floor check: a floor fails when the Wilson upper bound of the
/// class's share at this score is below it (a false alarm about once in 30,000 floors).
pub const Z: f64 = 4.0;

/// What the run says of one floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FloorVerdict {
    /// No floor declared for the class.
    None,
    /// The share is above the floor with confidence.
    Met,
    /// The share is below the floor with confidence: the property fails.
    Below,
    /// Too few cases to tell either way (a stable run's low count).
    Undecided,
}

/// One row of a property's class table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassRow {
    /// `group=value`.
    pub class: String,
    /// Cases in the class.
    pub count: u64,
    /// `count / cases`.
    pub share: f64,
    /// The declared floor, if any.
    pub floor: Option<f64>,
    /// What the run says of the floor.
    pub verdict: FloorVerdict,
}

/// A property run's classes, as the nightly records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassTable {
    /// The property's name.
    pub property: String,
    /// Cases labelled (shrinking steps of a failure included).
    pub cases: u64,
    /// `PROPTEST_RNG_SEED`, when the run was given one.
    pub seed: Option<u64>,
    /// Every class seen or floored, sorted by class.
    pub rows: Vec<ClassRow>,
}

impl ClassTable {
    /// The floors the run is sure are not met.
    pub fn below(&self) -> Vec<&ClassRow> {
        self.rows
            .iter()
            .filter(|row| row.verdict == FloorVerdict::Below)
            .collect()
    }

    /// The table as Markdown.
    pub fn markdown(&self) -> String {
        let mut out = String::from(
            "| class | cases | share | floor | |\n| --- | ---: | ---: | ---: | --- |\n",
        );
        for row in &self.rows {
            let floor = row
                .floor
                .map(|f| format!("{:.2} %", f * 100.0))
                .unwrap_or_default();
            let verdict = match row.verdict {
                FloorVerdict::None => "",
                FloorVerdict::Met => "met",
                FloorVerdict::Below => "**BELOW**",
                FloorVerdict::Undecided => "undecided at this count",
            };
            out.push_str(&format!(
                "| {} | {} | {:.2} % | {floor} | {verdict} |\n",
                row.class,
                row.count,
                row.share * 100.0
            ));
        }
        out
    }
}

/// The Wilson score interval of `count` in `cases` at [`Z`]: (lower, upper).
pub fn wilson(count: u64, cases: u64) -> (f64, f64) {
    if cases == 0 {
        return (0.0, 1.0);
    }
    let n = cases as f64;
    let p = count as f64 / n;
    let z2 = Z * Z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// The fewest cases at which a class never generated fails a floor of `share`.
pub fn cases_to_decide(share: f64) -> u64 {
    (Z * Z * (1.0 - share) / share).ceil() as u64 + 1
}

/// The counts of one property run; labels come from the property's body, once per case.
pub struct Classes {
    property: &'static str,
    state: Mutex<(u64, BTreeMap<String, u64>)>,
}

impl Classes {
    /// A run of `property` with nothing counted.
    pub fn new(property: &'static str) -> Self {
        Self {
            property,
            state: Mutex::new((0, BTreeMap::new())),
        }
    }

    /// Counts one case under each of its labels (a label given twice counts once).
    pub fn case(&self, labels: impl IntoIterator<Item = String>) {
        let mut labels: Vec<String> = labels.into_iter().collect();
        labels.sort();
        labels.dedup();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.0 += 1;
        for label in labels {
            *state.1.entry(label).or_default() += 1;
        }
    }

    /// The table so far, judged against `floors`.
    pub fn table(&self, floors: &[Floor]) -> ClassTable {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let cases = state.0;
        let mut counts = state.1.clone();
        for floor in floors {
            counts.entry(floor.class.to_string()).or_default();
        }
        let rows = counts
            .into_iter()
            .map(|(class, count)| {
                let floor = floors.iter().find(|f| f.class == class).map(|f| f.share);
                let (lower, upper) = wilson(count, cases);
                let verdict = match floor {
                    None => FloorVerdict::None,
                    Some(f) if upper < f => FloorVerdict::Below,
                    Some(f) if lower >= f => FloorVerdict::Met,
                    Some(_) => FloorVerdict::Undecided,
                };
                ClassRow {
                    share: if cases == 0 {
                        0.0
                    } else {
                        count as f64 / cases as f64
                    },
                    class,
                    count,
                    floor,
                    verdict,
                }
            })
            .collect();
        ClassTable {
            property: self.property.to_string(),
            cases,
            seed: std::env::var("PROPTEST_RNG_SEED")
                .ok()
                .and_then(|s| s.parse().ok()),
            rows,
        }
    }

    /// Ends the run: writes the table to `$HTTP_UPGRADE_CLASSES/<property>.json` when that
    /// is set (the nightly), prints it with `--nocapture`, and panics when a floor is below.
    pub fn finish(&self, floors: &[Floor]) {
        let table = self.table(floors);
        if let Some(dir) = std::env::var_os("HTTP_UPGRADE_CLASSES") {
            let path = std::path::Path::new(&dir).join(format!("{}.json", self.property));
            let json = serde_json::to_string_pretty(&table).expect("a table serializes");
            std::fs::write(&path, json).expect("the classes directory is writable");
        }
        println!(
            "{} ({} cases):\n{}",
            self.property,
            table.cases,
            table.markdown()
        );
        let below = table.below();
        assert!(
            below.is_empty(),
            "{}: classes below their floor (a generator stopped producing them?): {}\n{}",
            self.property,
            below
                .iter()
                .map(|row| row.class.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            table.markdown()
        );
    }
}

/// The most cases a stable (debug) run spends on deciding floors: every floor of 0.55 % or
/// more is decided at it; rarer classes are left to the nightly's counts.
pub const STABLE_MAX_CASES: u64 = 3_000;

/// The cases a stable run takes, unless `PROPTEST_CASES` says otherwise: enough for every
/// floor to be decided ([`cases_to_decide`]), within 256 and [`STABLE_MAX_CASES`].
pub fn stable_cases(floors: &[Floor]) -> u32 {
    if let Some(cases) = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return cases;
    }
    let needed = floors
        .iter()
        .map(|f| cases_to_decide(f.share))
        .max()
        .unwrap_or(0);
    u32::try_from(needed.clamp(256, STABLE_MAX_CASES)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_bounds_are_wide_for_few_cases_and_narrow_for_many() {
        let (low, high) = wilson(0, 256);
        assert_eq!(low, 0.0);
        assert!((0.05..0.06).contains(&high), "{high}");
        let (low, high) = wilson(5_000, 100_000);
        assert!(low > 0.047 && high < 0.053, "{low} {high}");
        assert_eq!(cases_to_decide(0.01), 1585);
    }

    #[test]
    fn a_missing_class_fails_only_when_the_run_is_long_enough() {
        let floors = [floor("rule=a", 0.01), floor("rule=b", 0.01)];
        let short = Classes::new("short");
        for _ in 0..256 {
            short.case(["rule=a".to_string()]);
        }
        let table = short.table(&floors);
        assert!(table.below().is_empty());
        assert_eq!(table.rows[1].verdict, FloorVerdict::Undecided);
        let long = Classes::new("long");
        for _ in 0..cases_to_decide(0.01) {
            long.case(["rule=a".to_string(), "rule=a".to_string()]);
        }
        let table = long.table(&floors);
        assert_eq!(table.rows[0].count, table.cases);
        assert_eq!(table.rows[0].verdict, FloorVerdict::Met);
        assert_eq!(
            table
                .below()
                .iter()
                .map(|r| r.class.as_str())
                .collect::<Vec<_>>(),
            ["rule=b"]
        );
    }
}
