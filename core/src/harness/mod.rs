//! Fuzz harnesses: each fuzz target is one call into a function here, so the stable
//! `cargo test` replays every corpus and regression file through the same logic.
//!
//! Every function checks properties with `assert!`; a failed assertion is a finding.
#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs
)]

mod differential;
pub mod reference;
#[cfg(test)]
mod replay;
mod targets;

pub use differential::{classify, diff_tungstenite, tungstenite_accept, Divergence};
pub use targets::*;
