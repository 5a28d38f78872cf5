//! The statistics of the bug-finding bench, after Klees et al. (CCS 2018) and the S&P 2024
//! evaluation SoK: a share with its Wilson interval, a Kaplan-Meier median censored at the
//! budget, McNemar's exact test on paired kills, and Vargha-Delaney Â12 on times. The
//! distributions come from `statrs`; the estimators are the textbook formulas, each with a
//! known-answer test.

use statrs::distribution::{Binomial, ContinuousCDF as _, DiscreteCDF as _, Normal};

/// The two-sided normal quantile for a `level` interval (1.96 for 95 %).
fn z(level: f64) -> f64 {
    Normal::new(0.0, 1.0)
        .map(|n| n.inverse_cdf(1.0 - (1.0 - level) / 2.0))
        .unwrap_or(1.959_963_984_540_054)
}

/// The Wilson score interval of `k` successes in `n` trials at `level` (e.g. 0.95), as
/// shares in 0..=1; `(0, 1)` for no trial.
pub fn wilson(k: u64, n: u64, level: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n, z) = (k as f64, n as f64, z(level));
    let p = k / n;
    let centre = p + z * z / (2.0 * n);
    let spread = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    let denominator = 1.0 + z * z / n;
    (
        ((centre - spread) / denominator).max(0.0),
        ((centre + spread) / denominator).min(1.0),
    )
}

/// One trial's time to kill: `Some(seconds)` when killed, `None` when it reached the budget
/// without a kill (right-censored there).
pub type Time = Option<f64>;

/// The Kaplan-Meier median time to kill: the first time at which the estimated share of
/// trials still alive falls to one half or below; `None` when it never does within the
/// budget (more than half the trials survive).
pub fn kaplan_meier_median(times: &[Time]) -> Option<f64> {
    let mut kills: Vec<f64> = times.iter().flatten().copied().collect();
    kills.sort_by(f64::total_cmp);
    let mut at_risk = times.len() as f64;
    let mut survival = 1.0;
    let mut index = 0;
    while index < kills.len() {
        let time = kills[index];
        let deaths = kills[index..].iter().take_while(|&&t| t == time).count();
        survival *= 1.0 - deaths as f64 / at_risk;
        if survival <= 0.5 {
            return Some(time);
        }
        at_risk -= deaths as f64;
        index += deaths;
    }
    None
}

/// McNemar's exact test on paired outcomes: `only_a` pairs killed by A alone, `only_b` by B
/// alone; the two-sided p-value of the binomial test of `only_a` in `only_a + only_b` at
/// one half (1 when there is no discordant pair).
pub fn mcnemar(only_a: u64, only_b: u64) -> f64 {
    let n = only_a + only_b;
    if n == 0 {
        return 1.0;
    }
    let Ok(binomial) = Binomial::new(0.5, n) else {
        return 1.0;
    };
    (2.0 * binomial.cdf(only_a.min(only_b))).min(1.0)
}

/// Vargha-Delaney Â12: the probability that a time of A is shorter than one of B, ties
/// counting one half; censored times (no kill) count as longer than any kill and equal to
/// each other. 0.5 is no difference; above it, A kills sooner.
pub fn a12(a: &[Time], b: &[Time]) -> Option<f64> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let key = |t: &Time| t.unwrap_or(f64::INFINITY);
    let mut wins = 0.0;
    for x in a {
        for y in b {
            match key(x).total_cmp(&key(y)) {
                std::cmp::Ordering::Less => wins += 1.0,
                std::cmp::Ordering::Equal => wins += 0.5,
                std::cmp::Ordering::Greater => {}
            }
        }
    }
    Some(wins / (a.len() * b.len()) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-4
    }

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe (1998), table I: 81 of 263 -> 0.2553 to 0.3662 (95 %).
        let (low, high) = wilson(81, 263, 0.95);
        assert!(close(low, 0.2553) && close(high, 0.3662), "{low} {high}");
        // 1 of 10 (the bench's own earlier pooled number): 1.8 % to 40.4 %.
        let (low, high) = wilson(1, 10, 0.95);
        assert!(close(low, 0.0179) && close(high, 0.4042), "{low} {high}");
        assert_eq!(wilson(0, 0, 0.95), (0.0, 1.0));
        let (low, high) = wilson(10, 10, 0.95);
        assert!(close(high, 1.0) && low > 0.69);
    }

    #[test]
    fn kaplan_meier_censors_at_the_budget() {
        // All killed: the plain median of 1, 2, 3, 4 by the product-limit rule is 2.
        assert_eq!(
            kaplan_meier_median(&[Some(3.0), Some(1.0), Some(4.0), Some(2.0)]),
            Some(2.0)
        );
        // Two of four censored: survival 3/4 after 1 s, 1/2 after 5 s.
        assert_eq!(
            kaplan_meier_median(&[Some(1.0), None, Some(5.0), None]),
            Some(5.0)
        );
        // A censored trial stays at risk to the budget: one kill of two at 3 s -> median 3.
        assert_eq!(kaplan_meier_median(&[None, Some(3.0)]), Some(3.0));
        // More than half survive: no median within the budget.
        assert_eq!(kaplan_meier_median(&[Some(1.0), None, None]), None);
        assert_eq!(kaplan_meier_median(&[]), None);
    }

    #[test]
    fn mcnemar_is_the_exact_binomial_test() {
        // 10 discordant pairs all one way: p = 2 / 1024.
        assert!(close(mcnemar(10, 0), 2.0 / 1024.0));
        assert!(close(mcnemar(0, 10), 2.0 / 1024.0));
        // 5 and 5: p = 1.
        assert_eq!(mcnemar(5, 5), 1.0);
        // 1 and 6: 2 * P(X <= 1 | n = 7) = 2 * 8 / 128 = 0.125.
        assert!(close(mcnemar(1, 6), 0.125));
        assert_eq!(mcnemar(0, 0), 1.0);
    }

    #[test]
    fn a12_counts_ties_and_censoring() {
        assert_eq!(a12(&[Some(1.0)], &[Some(2.0)]), Some(1.0));
        assert_eq!(a12(&[Some(2.0)], &[Some(1.0)]), Some(0.0));
        assert_eq!(a12(&[None], &[None]), Some(0.5));
        assert_eq!(a12(&[Some(9.0)], &[None]), Some(1.0));
        // Vargha and Delaney's definition: A = {1, 3}, B = {2, 2} -> (1 + 0) / 4 * ... = 0.5.
        assert_eq!(
            a12(&[Some(1.0), Some(3.0)], &[Some(2.0), Some(2.0)]),
            Some(0.5)
        );
        assert_eq!(a12(&[], &[Some(1.0)]), None);
    }
}
