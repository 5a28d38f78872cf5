//! What the properties and fuzz targets generate: handshake models and their byte-level
//! renderings, near misses, labelled faults, the proptest strategies over them, and the
//! labels and class tables that say what a run covered.

pub mod batch;
pub mod classes;
pub mod faults;
pub mod gate;
pub mod labels;
pub mod model;
pub mod model_case;
pub mod model_mutations;
pub mod near_miss;
pub mod render;
pub mod response;
pub mod strategies;
