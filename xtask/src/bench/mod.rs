//! The benchmarks' tools: `bench-report` (wall time, paired ratios), `instructions`
//! (gungraun counts and the CI gate), `bench-history` (backfill, charts, `REPORT.md`'s
//! current numbers), over one set of records ([`records`]).

pub mod charts;
pub mod history;
pub mod instructions;
pub mod records;
pub mod report;
