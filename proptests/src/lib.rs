//! Property-test strategies and an independent reference model for `http-upgrade`.
//!
//! - [`model`]: a handshake model (key bytes, host, path, version, method, Upgrade offers,
//!   subprotocols, extension offers, noise, trailing bytes) and a server policy model;
//! - [`render`]: one model, many byte-level renderings (order, case, OWS, splits, empties);
//! - [`faults`]: single-fault mutations, each labelled with the outcome it must cause;
//! - [`reference`](mod@reference): what the server must do, written from the RFCs without the core crate;
//! - [`strategies`]: proptest strategies over all of the above;
//! - [`structured`]: the same model driven by `arbitrary`, for the `handshake_structured`
//!   fuzz target.

pub mod faults;
pub mod model;
pub mod observe;
pub mod reference;
pub mod render;
pub mod strategies;
pub mod structured;
