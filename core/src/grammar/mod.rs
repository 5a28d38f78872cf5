//! The wire grammar (RFC 9110 §5.5-§5.6, RFC 3986): bytes in, sub-slices out. No policy
//! and no status codes live here.

pub mod chars;
pub mod host_pattern;
pub mod list;
pub mod plain;
pub mod uri;
