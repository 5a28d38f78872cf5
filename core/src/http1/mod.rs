//! The HTTP/1.1 message layer (RFC 9112), for both roles: heads, their fields, the
//! framing of a request, and the head writer.

pub mod fields;
pub mod framing;
pub mod head;
pub mod write;
