//! Reads split across calls: a request (or a response) arrives in chunks, and the reader
//! calls the crate after each. A small reference state machine says what every call must
//! answer, from RFC 9112 §2.2 (a head ends at its empty line) and the documented bound
//! (`Limits::max_head_bytes`, the head's terminator included, RFC 6585 §5):
//!
//! - `Reading`: the bytes so far hold no complete head within the bound and are fewer than
//!   the bound: `Partial`, never a verdict on a prefix;
//! - `Done`: the complete head is in: the verdict and `consumed` of the whole input;
//! - `TooLarge`: the bound is reached without a complete head within it: 431, whatever the
//!   chunking, at the first call with at least the bound's bytes.

use http_upgrade::{Expectation, Outcome, ServerPolicy, Status, EMPTY_HEADER};

/// How the input is cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunking {
    /// One byte per call.
    OneByte,
    /// These chunk sizes, cycled (each at least 1).
    Sizes(Vec<usize>),
    /// A cut between every CR and its LF, and in the middle of every line.
    InsideLines,
}

/// What the reference machine says one call must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Reading,
    Done,
    TooLarge,
}

/// The end of every chunk, ascending, the last one `bytes.len()`.
pub fn cuts(bytes: &[u8], chunking: &Chunking) -> Vec<usize> {
    let len = bytes.len();
    let mut ends = Vec::new();
    match chunking {
        Chunking::OneByte => ends.extend(1..=len),
        Chunking::Sizes(sizes) => {
            let mut at = 0;
            for size in sizes.iter().cycle() {
                if at >= len || sizes.is_empty() {
                    break;
                }
                at = (at + (*size).max(1)).min(len);
                ends.push(at);
            }
        }
        Chunking::InsideLines => {
            let mut line_start = 0;
            for (i, &b) in bytes.iter().enumerate() {
                if b == b'\r' {
                    ends.push((line_start + i) / 2 + 1);
                    ends.push(i + 1);
                }
                if b == b'\n' {
                    line_start = i + 1;
                }
            }
            ends.push(len);
        }
    }
    ends.retain(|&end| end > 0 && end <= len);
    ends.sort_unstable();
    ends.dedup();
    if ends.last() != Some(&len) {
        ends.push(len);
    }
    ends
}

/// The labels of a chunking: its kind, and whether a cut falls inside a CRLF or mid-line.
pub fn labels(bytes: &[u8], chunking: &Chunking) -> Vec<String> {
    let kind = match chunking {
        Chunking::OneByte => "one_byte",
        Chunking::Sizes(_) => "sizes",
        Chunking::InsideLines => "inside_lines",
    };
    let mut out = vec![format!("chunking={kind}")];
    let ends = cuts(bytes, chunking);
    if ends
        .iter()
        .any(|&e| e < bytes.len() && bytes.get(e.wrapping_sub(1)) == Some(&b'\r'))
    {
        out.push("cut=inside_crlf".into());
    }
    if ends
        .iter()
        .any(|&e| e < bytes.len() && !matches!(bytes.get(e.wrapping_sub(1)), Some(b'\n' | b'\r')))
    {
        out.push("cut=inside_a_line".into());
    }
    out
}

/// The reference: the state after `received` bytes, for an input whose complete head (if
/// any) is `head` bytes long, under the bound `max`.
fn state(received: usize, head: Option<usize>, max: usize) -> State {
    match head {
        Some(h) if h <= max && received >= h => State::Done,
        _ if received >= max => State::TooLarge,
        _ => State::Reading,
    }
}

/// The length of the first head in `bytes` (its empty line included), by RFC 9112 §2.2's
/// line rule written here: the first CRLF CRLF, or LF LF, or CRLF LF, or LF CRLF.
fn head_len(bytes: &[u8]) -> Option<usize> {
    (0..bytes.len()).find_map(|i| {
        let rest = &bytes[i..];
        if rest.starts_with(b"\r\n\r\n") {
            Some(i + 4)
        } else if rest.starts_with(b"\n\r\n") {
            Some(i + 3)
        } else if rest.starts_with(b"\n\n") {
            Some(i + 2)
        } else {
            None
        }
    })
}

/// Feeds `bytes` to the server in `chunking`'s chunks; panics where a call differs from the
/// reference machine. Returns the final state's label.
pub fn check_server(policy: &ServerPolicy<'_>, bytes: &[u8], chunking: &Chunking) -> String {
    let max = policy.limits.max_head_bytes;
    let mut headers = [EMPTY_HEADER; 64];
    let whole = policy.handshake(bytes, &mut headers);
    let head = head_len(bytes);
    let mut last = State::Reading;
    for end in cuts(bytes, chunking) {
        let mut headers = [EMPTY_HEADER; 64];
        let answer = policy.handshake(&bytes[..end], &mut headers);
        last = state(end, head, max);
        match last {
            State::Reading => assert_eq!(
                answer,
                Status::Partial,
                "a verdict on the first {end} bytes"
            ),
            State::Done => {
                assert_eq!(answer, whole, "after {end} bytes");
                let Status::Complete(handshake) = answer else {
                    unreachable!()
                };
                assert_eq!(handshake.consumed, head, "consumed after {end} bytes");
                break;
            }
            State::TooLarge => {
                let Status::Complete(handshake) = answer else {
                    panic!("Partial at {end} bytes, the bound is {max}")
                };
                assert_eq!(
                    handshake.outcome,
                    Outcome::Reject(http_upgrade::RejectReason::HeadTooLarge),
                    "at {end} bytes"
                );
                break;
            }
        }
    }
    format!("ends={last:?}")
}

/// [`check_server`] for the client: a response (interim heads and the 101, then frames)
/// judged by `expectation` after each chunk. Interim 1xx heads before the 101 are not a
/// verdict either: the call is `Partial` until the 101's head is in.
pub fn check_client(
    expectation: &Expectation<'_>,
    bytes: &[u8],
    final_head_end: usize,
    chunking: &Chunking,
) -> String {
    let mut headers = [EMPTY_HEADER; 64];
    let whole = expectation.validate(bytes, &mut headers);
    let mut last = "ends=Reading";
    for end in cuts(bytes, chunking) {
        let mut headers = [EMPTY_HEADER; 64];
        let answer = expectation.validate(&bytes[..end], &mut headers);
        if end < final_head_end {
            assert_eq!(
                answer,
                Ok(Status::Partial),
                "a verdict on the first {end} bytes of the response"
            );
        } else {
            assert_eq!(answer, whole, "after {end} bytes of the response");
            if let Ok(Status::Complete(established)) = answer {
                assert_eq!(established.consumed, final_head_end);
            }
            last = "ends=Done";
            break;
        }
    }
    last.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_cover_the_input_and_land_inside_crlf() {
        let bytes = b"GET / HTTP/1.1\r\nHost: h\r\n\r\n";
        assert_eq!(cuts(bytes, &Chunking::OneByte).len(), bytes.len());
        assert_eq!(cuts(bytes, &Chunking::Sizes(vec![10])), vec![10, 20, 27]);
        let inside = cuts(bytes, &Chunking::InsideLines);
        assert!(inside.contains(&15), "{inside:?}");
        assert_eq!(inside.last(), Some(&bytes.len()));
        assert!(labels(bytes, &Chunking::InsideLines).contains(&"cut=inside_crlf".to_string()));
        assert_eq!(head_len(bytes), Some(bytes.len()));
        assert_eq!(head_len(b"GET / HTTP/1.1\nHost: h\n\nxx"), Some(24));
    }

    #[test]
    fn the_reference_machine() {
        assert_eq!(state(10, Some(20), 100), State::Reading);
        assert_eq!(state(20, Some(20), 100), State::Done);
        assert_eq!(state(99, Some(200), 100), State::Reading);
        assert_eq!(state(100, Some(200), 100), State::TooLarge);
        assert_eq!(state(100, Some(100), 100), State::Done);
        assert_eq!(state(100, None, 100), State::TooLarge);
    }
}
