//! Fuzz oracles: each fuzz target is one call into a function here ([`harnesses`] is the
//! table), so the stable `cargo test` replays every corpus and regression file through the
//! same logic (`tests/fuzz_replay.rs`). Every function checks properties with `assert!`; a
//! failed assertion is a finding.

pub mod client_one_pass;
mod client_request;
mod deflate_offers;
mod differential;
mod extended_connect;
mod fast_paths;
pub mod gates;
pub mod harnesses;
pub mod observe;
pub mod one_pass;
pub mod peer_websockets;
pub mod reported;
pub mod structured;
mod targets;
pub mod transport;
pub mod whole_request;

pub use client_request::client_request;
pub use differential::{classify, diff_tungstenite, tungstenite_accept, Divergence};
pub use extended_connect::{as_headers, extended_connect, field_section};
pub use fast_paths::fast_paths;
pub use targets::*;
