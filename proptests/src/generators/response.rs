//! The client's side of the model: how a server's 101 may be dressed before the client
//! reads it, without changing its meaning: 1xx interim responses before it (RFC 9110
//! §15.2) and obs-folded field values (RFC 9112 §5.2).

use arbitrary::Arbitrary;
use serde::{Deserialize, Serialize};

/// Interim responses a server may send before its final one.
pub const INTERIM_HEADS: [&str; 3] = [
    "HTTP/1.1 100 Continue\r\n\r\n",
    "HTTP/1.1 102 Processing\r\n\r\n",
    "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n",
];

/// The most interim responses the client skips (the README's behaviour table).
pub const MAX_INTERIM_RESPONSES: usize = 8;

/// How to dress one response head.
#[derive(Arbitrary, Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseRendering {
    /// Interim heads to put first: indices into [`INTERIM_HEADS`].
    pub interim: Vec<u8>,
    /// Per field line (cycled): fold the value: onto a continuation line, and after every
    /// `;` and `,` separator inside it (the interior folds are the ones httparse leaves in
    /// the value for the client to read as SP).
    pub folds: Vec<bool>,
}

impl ResponseRendering {
    /// The interim heads this rendering puts before the response.
    pub fn prefix(&self) -> Vec<u8> {
        self.interim
            .iter()
            .flat_map(|&i| {
                INTERIM_HEADS[usize::from(i) % INTERIM_HEADS.len()]
                    .bytes()
                    .collect::<Vec<u8>>()
            })
            .collect()
    }

    /// `head` (one complete response head, status line first) dressed: the interim heads,
    /// then the head with the chosen values folded (`Name:` CRLF SP `value`).
    pub fn dress(&self, head: &[u8]) -> Vec<u8> {
        let text = String::from_utf8_lossy(head);
        let mut out = self.prefix();
        let mut lines = text.split("\r\n");
        if let Some(status_line) = lines.next() {
            out.extend_from_slice(status_line.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        for (index, line) in lines.enumerate() {
            let fold = !self.folds.is_empty() && self.folds[index % self.folds.len()];
            match line.split_once(": ") {
                Some((name, value)) if fold => {
                    let value = value.replace("; ", ";\r\n ").replace(", ", ",\r\n\t");
                    out.extend_from_slice(format!("{name}:\r\n {value}\r\n").as_bytes());
                }
                _ => {
                    out.extend_from_slice(line.as_bytes());
                    out.extend_from_slice(b"\r\n");
                }
            }
        }
        // `split` yields one empty piece after the final CRLF CRLF; drop its extra CRLF.
        out.truncate(out.len() - 2);
        out
    }

    /// Whether the client must give up: more interim heads than it skips.
    pub fn too_many_interim(&self, already: usize) -> bool {
        self.interim.len() + already > MAX_INTERIM_RESPONSES
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dressing_folds_and_prefixes() {
        let head = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX: a; b, c\r\n\r\n";
        let rendering = ResponseRendering {
            interim: vec![0, 2],
            folds: vec![true, false, true],
        };
        let dressed = rendering.dress(head);
        let expected = [
            INTERIM_HEADS[0],
            INTERIM_HEADS[2],
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade:\r\n websocket\r\nConnection: Upgrade\r\n\
X:\r\n a;\r\n b,\r\n\tc\r\n\r\n",
        ]
        .concat();
        assert_eq!(String::from_utf8_lossy(&dressed), expected);
        assert_eq!(ResponseRendering::default().dress(head), head);
    }
}
