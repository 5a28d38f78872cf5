//! Table automata that check a quote-free list field value in one scan, one table step per
//! byte (issue #12): a list of tokens (RFC 9110 §5.6.1-§5.6.2: Connection options,
//! subprotocols) and a Sec-WebSocket-Extensions list (RFC 6455 §9.1 with RFC 9110 §5.6.6).
//!
//! They only ever say "well formed": `false` means "not taken here", and the general list
//! reader ([`crate::list`]) then judges the value, quoted-strings, faults and element limits
//! included. The `one_pass` property (`proptests`) and the `server_negotiate` fuzz target
//! check that whatever these take, the general reader takes too.

/// A byte's kind, the column of a transition: a tchar, OWS (as [`crate::list::is_ows`]
/// reads it), `;`, `=`, `,`, or anything else (a `"` included).
const TCHAR: u8 = 0;
const OWS: u8 = 1;
const SEMICOLON: u8 = 2;
const EQUALS: u8 = 3;
const COMMA: u8 = 4;
const OTHER: u8 = 5;

/// The states, each a multiple of 8 so that `state | kind` indexes a 256-entry table without
/// a bounds check: before an element (also after a comma: OWS and empty elements may
/// follow), in a token, after a token or a parameter value and its OWS, after `;`, in a
/// parameter name, after a parameter name and its OWS, after `=`, in a token value; and
/// failed, which no byte leaves.
const ELEMENT_START: u8 = 0;
const TOKEN: u8 = 8;
const AFTER_TOKEN: u8 = 16;
const PARAM_START: u8 = 24;
const PARAM_NAME: u8 = 32;
const AFTER_PARAM_NAME: u8 = 40;
const VALUE_START: u8 = 48;
const VALUE: u8 = 56;
const FAILED: u8 = 64;

/// The kind of every byte value.
// A 256-entry table indexed by a `u8` cannot be indexed out of bounds.
#[allow(clippy::indexing_slicing)]
const KINDS: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = if crate::list::is_tchar(b) {
            TCHAR
        } else if crate::list::is_ows(b) {
            OWS
        } else {
            match b {
                b';' => SEMICOLON,
                b'=' => EQUALS,
                b',' => COMMA,
                _ => OTHER,
            }
        };
        byte += 1;
    }
    table
};

/// One automaton: its transitions, `next[state | kind]`, and the states a value may end in.
pub struct ListAutomaton {
    next: [u8; 256],
    accepting: u128,
}

/// Builds the transition table from rows of (state, next state per kind); every other
/// transition fails.
// Indices are states (below 72) plus kinds (below 8).
#[allow(clippy::indexing_slicing)]
const fn table(rows: &[(u8, [u8; 6])]) -> [u8; 256] {
    let mut next = [FAILED; 256];
    let mut row = 0;
    while row < rows.len() {
        let (state, targets) = rows[row];
        let mut kind = 0;
        while kind < 6 {
            next[(state + kind) as usize] = targets[kind as usize];
            kind += 1;
        }
        row += 1;
    }
    next
}

/// `#token`: tokens between commas, with OWS around them and empty elements.
pub const TOKEN_LIST: ListAutomaton = ListAutomaton {
    next: table(&[
        (
            ELEMENT_START,
            [TOKEN, ELEMENT_START, FAILED, FAILED, ELEMENT_START, FAILED],
        ),
        (
            TOKEN,
            [TOKEN, AFTER_TOKEN, FAILED, FAILED, ELEMENT_START, FAILED],
        ),
        (
            AFTER_TOKEN,
            [FAILED, AFTER_TOKEN, FAILED, FAILED, ELEMENT_START, FAILED],
        ),
    ]),
    accepting: 1 << ELEMENT_START | 1 << TOKEN | 1 << AFTER_TOKEN,
};

/// `#( token *( OWS ";" OWS token [ OWS "=" OWS token ] ) )`: the extension list of RFC 6455
/// §9.1 as [`crate::list::split_parameterised`] reads an element (BWS around `=`), without
/// quoted-string parameter values.
pub const EXTENSION_LIST: ListAutomaton = ListAutomaton {
    next: table(&[
        (
            ELEMENT_START,
            [TOKEN, ELEMENT_START, FAILED, FAILED, ELEMENT_START, FAILED],
        ),
        (
            TOKEN,
            [
                TOKEN,
                AFTER_TOKEN,
                PARAM_START,
                FAILED,
                ELEMENT_START,
                FAILED,
            ],
        ),
        (
            AFTER_TOKEN,
            [
                FAILED,
                AFTER_TOKEN,
                PARAM_START,
                FAILED,
                ELEMENT_START,
                FAILED,
            ],
        ),
        (
            PARAM_START,
            [PARAM_NAME, PARAM_START, FAILED, FAILED, FAILED, FAILED],
        ),
        (
            PARAM_NAME,
            [
                PARAM_NAME,
                AFTER_PARAM_NAME,
                PARAM_START,
                VALUE_START,
                ELEMENT_START,
                FAILED,
            ],
        ),
        (
            AFTER_PARAM_NAME,
            [
                FAILED,
                AFTER_PARAM_NAME,
                PARAM_START,
                VALUE_START,
                ELEMENT_START,
                FAILED,
            ],
        ),
        (
            VALUE_START,
            [VALUE, VALUE_START, FAILED, FAILED, FAILED, FAILED],
        ),
        (
            VALUE,
            [
                VALUE,
                AFTER_TOKEN,
                PARAM_START,
                FAILED,
                ELEMENT_START,
                FAILED,
            ],
        ),
    ]),
    accepting: 1 << ELEMENT_START
        | 1 << TOKEN
        | 1 << AFTER_TOKEN
        | 1 << PARAM_NAME
        | 1 << AFTER_PARAM_NAME
        | 1 << VALUE,
};

impl ListAutomaton {
    /// Whether `value` is well formed by this automaton's grammar with at most `max`
    /// elements. The elements are bounded by the commas, to keep the scan one step per
    /// byte: a value with `max` or more commas is counted exactly, by the general reader's
    /// rule, only when it is long enough to hold that many elements.
    // `state | kind` is below 256 and the table has 256 entries.
    #[allow(clippy::indexing_slicing)]
    pub fn accepts(&self, value: &[u8], max: usize) -> bool {
        let mut state = ELEMENT_START;
        for &byte in value {
            state = self.next[usize::from(state | KINDS[usize::from(byte)])];
        }
        // Each element takes at least one byte and a comma between it and the next.
        let surely_within = value.len() < max.saturating_mul(2);
        self.accepting & 1 << state != 0
            && (surely_within || value.iter().filter(|&&b| b == b',').count() < max)
    }
}
