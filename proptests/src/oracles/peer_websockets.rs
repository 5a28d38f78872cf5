//! The nightly differential against python websockets (sans-IO `ServerProtocol`, the
//! strictest peer measured): a long-lived helper process (`peers/websockets_peer.py`) fed
//! request heads over a pipe. Every disagreement must fall in a class of
//! `fuzz/DIVERGENCES.md` (the python section), decided from the bytes by [`classify`].

use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use http_upgrade::__private::list::{trim_ows, Elements};
use http_upgrade::{Header, Limits, Outcome, ServerPolicy, Status, EMPTY_HEADER};

/// The helper process.
pub struct WebsocketsPeer {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// What python websockets answered: the response status (`None`: it could not read the
/// request) and the Accept it sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerVerdict {
    pub status: Option<u16>,
    pub accept: Option<String>,
}

/// The value after `"key": ` in one JSON line of the helper's, as text; `None` for `null`.
fn json_field(line: &str, key: &str) -> Option<String> {
    let start = line.find(&format!("\"{key}\": "))? + key.len() + 4;
    let rest = &line[start..];
    if rest.starts_with("null") {
        return None;
    }
    if let Some(quoted) = rest.strip_prefix('"') {
        return quoted.split('"').next().map(str::to_string);
    }
    Some(rest.split([',', '}']).next()?.trim().to_string())
}

impl WebsocketsPeer {
    /// Starts the helper with this Python (one that has `websockets` installed).
    pub fn spawn(python: &Path) -> io::Result<Self> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("peers/websockets_peer.py");
        let mut child = Command::new(python)
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdin = child.stdin.take().ok_or(io::ErrorKind::BrokenPipe)?;
        let stdout = BufReader::new(child.stdout.take().ok_or(io::ErrorKind::BrokenPipe)?);
        Ok(Self {
            child,
            stdin,
            stdout,
        })
    }

    /// The peer's verdict on one request head.
    pub fn verdict(&mut self, head: &[u8]) -> io::Result<PeerVerdict> {
        let length = u32::try_from(head.len()).map_err(|_| io::ErrorKind::InvalidInput)?;
        self.stdin.write_all(&length.to_be_bytes())?;
        self.stdin.write_all(head)?;
        self.stdin.flush()?;
        let mut line = String::new();
        if self.stdout.read_line(&mut line)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(PeerVerdict {
            status: json_field(&line, "status").and_then(|s| s.parse().ok()),
            accept: json_field(&line, "accept"),
        })
    }
}

impl Drop for WebsocketsPeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A documented class of disagreement with python websockets (`fuzz/DIVERGENCES.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PyDivergence {
    /// We take `websocket` from a list of Upgrade offers (RFC 9110 §7.8); websockets wants
    /// exactly one offer.
    UpgradeAmongOffers,
    /// We refuse on Host, framing, Expect, the target form, or our size limits; websockets
    /// does not judge them.
    WholeRequestRule,
    /// We decline an HTTP/1.0 request (RFC 9110 §7.8) or a method other than GET as not
    /// ours or 400; websockets' parser answers differently or not at all.
    MethodOrVersion,
    /// A list field (Connection, Upgrade, Sec-WebSocket-Protocol/Extensions) we read with the
    /// RFC 9110 §5.6 grammar that websockets' parsers read differently.
    ListGrammar,
    /// A repeated singleton (Sec-WebSocket-Key/Version, Origin) or Host.
    RepeatedField,
    /// A field value or name websockets' HTTP parser refuses (obs-text, controls, length).
    PeerParserRefuses,
    /// Whitespace around the version or key, which we trim as OWS (RFC 9110 §5.5).
    ValueWhitespace,
    /// A line ending in LF alone, which httparse (and so we) take as RFC 9112 §2.2 allows;
    /// websockets wants CRLF.
    BareLineFeed,
    /// A key that is not the canonical base64 of 16 bytes (RFC 4648 §3.5): python's decoder
    /// ignores the trailing bits.
    NonCanonicalKey,
    /// A list field that breaks its grammar: we refuse with 400; websockets ignores
    /// Sec-WebSocket-Extensions and -Protocol when it is not configured to read them.
    MalformedList,
}

fn all<'h, 'b>(
    headers: &'h [Header<'b>],
    name: &'static str,
) -> impl Iterator<Item = &'b [u8]> + 'h {
    headers
        .iter()
        .filter(move |h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value)
}

/// Every python-websockets class this head falls in, from the bytes alone.
pub fn classify(head: &[u8]) -> Vec<PyDivergence> {
    let mut classes = Vec::new();
    let mut storage = [EMPTY_HEADER; 128];
    let mut request = httparse::Request::new(&mut storage);
    if !matches!(request.parse(head), Ok(httparse::Status::Complete(_))) {
        classes.push(PyDivergence::PeerParserRefuses);
        return classes;
    }
    let headers: &[Header<'_>] = request.headers;
    let upgrades: Vec<&[u8]> = all(headers, "upgrade")
        .flat_map(|v| Elements::new(v).filter_map(Result::ok))
        .collect();
    if upgrades.len() != 1 || !upgrades[0].eq_ignore_ascii_case(b"websocket") {
        classes.push(PyDivergence::UpgradeAmongOffers);
    }
    let hosts: Vec<&[u8]> = all(headers, "host").collect();
    let host_refused = match hosts.as_slice() {
        [one] => !super::differential::host_value_ok(trim_ows(one)),
        _ => true,
    };
    let whole_request = host_refused
        || ["content-length", "transfer-encoding", "expect"]
            .iter()
            .any(|n| all(headers, n).next().is_some())
        || !request.path.unwrap_or_default().starts_with('/')
        || headers.len() > 32
        || head.len() > Limits::DEFAULT.max_head_bytes;
    if whole_request {
        classes.push(PyDivergence::WholeRequestRule);
    }
    if request.version != Some(1) || request.method != Some("GET") {
        classes.push(PyDivergence::MethodOrVersion);
    }
    let list_fields = [
        "connection",
        "upgrade",
        "sec-websocket-protocol",
        "sec-websocket-extensions",
    ];
    let irregular = list_fields.iter().any(|name| {
        all(headers, name).any(|value| {
            value.contains(&b'"')
                || Elements::new(value).any(|e| e.is_err())
                || value
                    .split(|&b| b == b',')
                    .any(|part| trim_ows(part).is_empty())
        }) || all(headers, name).count() > 1
    });
    if irregular {
        classes.push(PyDivergence::ListGrammar);
    }
    let key = trim_ows(all(headers, "sec-websocket-key").next().unwrap_or_default());
    if !super::differential::key_is_canonical(key) {
        classes.push(PyDivergence::NonCanonicalKey);
    }
    if super::differential::lists_are_malformed(headers) {
        classes.push(PyDivergence::MalformedList);
    }
    let bare_lf = head
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\n' && (i == 0 || head[i - 1] != b'\r'));
    if bare_lf {
        classes.push(PyDivergence::BareLineFeed);
    }
    let repeated = [
        "sec-websocket-key",
        "sec-websocket-version",
        "origin",
        "host",
    ]
    .iter()
    .any(|n| all(headers, n).count() > 1);
    if repeated {
        classes.push(PyDivergence::RepeatedField);
    }
    let unusual = headers.iter().any(|h| {
        h.value
            .iter()
            .any(|&b| b >= 0x80 || (b < 0x20 && b != b'\t'))
    });
    if unusual {
        classes.push(PyDivergence::PeerParserRefuses);
    }
    let padded = ["sec-websocket-version", "sec-websocket-key"]
        .iter()
        .any(|n| all(headers, n).any(|v| v != trim_ows(v)));
    if padded {
        classes.push(PyDivergence::ValueWhitespace);
    }
    classes
}

/// Compares one head: both switch with the same Accept, both refuse, or the head falls in
/// a documented class. Returns a description of an unexplained difference.
pub fn compare(peer: &mut WebsocketsPeer, head: &[u8]) -> io::Result<Result<(), String>> {
    let policy = ServerPolicy::websocket();
    let mut headers = [EMPTY_HEADER; 64];
    let ours = match policy.handshake(head, &mut headers) {
        Status::Complete(handshake) => match handshake.outcome {
            Outcome::Switch(accepted) => accepted.websocket.map(|w| w.accept.as_str().to_string()),
            _ => None,
        },
        Status::Partial => return Ok(Ok(())),
    };
    let theirs = peer.verdict(head)?;
    let theirs = (theirs.status == Some(101))
        .then_some(theirs.accept)
        .flatten();
    if ours == theirs {
        return Ok(Ok(()));
    }
    if ours.is_some() && theirs.is_some() {
        return Ok(Err(format!(
            "both switch, different Accept: {ours:?} / {theirs:?}"
        )));
    }
    let classes = classify(head);
    if classes.is_empty() {
        let side = if ours.is_some() {
            "we switch, websockets refuses"
        } else {
            "websockets switches, we refuse"
        };
        return Ok(Err(format!(
            "{side}, no documented class: {:?}",
            String::from_utf8_lossy(head)
        )));
    }
    Ok(Ok(()))
}

/// A disagreement the nightly found and shrank, kept in `proptests/differential-regressions/`
/// so `cargo test` replays the head against the recorded expectation forever.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Record {
    /// The seed of the night that found it.
    pub seed: u64,
    /// The shrunk request head, exactly.
    pub head: Vec<u8>,
    /// The same, readable.
    pub head_text: String,
    /// Our verdict when it was found ([`our_verdict`]); a deliberate change updates it.
    pub ours: String,
    /// What python websockets answered.
    pub websockets: String,
}

/// Our verdict on a head in the words of a [`Record`]: `switch <accept>`, `reject <reason>`,
/// `decline <reason>`, or `partial`.
pub fn our_verdict(head: &[u8]) -> String {
    let mut headers = [EMPTY_HEADER; 64];
    match ServerPolicy::websocket().handshake(head, &mut headers) {
        Status::Partial => "partial".into(),
        Status::Complete(handshake) => match handshake.outcome {
            Outcome::Switch(accepted) => format!(
                "switch {}",
                accepted
                    .websocket
                    .map_or(String::new(), |w| w.accept.as_str().to_string())
            ),
            Outcome::Reject(reason) => format!("reject {}", reason.name()),
            Outcome::Decline(reason) => format!("decline {}", reason.name()),
        },
    }
}

/// Generated heads from `seed` until `budget` runs out or `max_heads` were generated, each
/// judged by `disagrees` (`Some` with the other side's verdict when it is an unexplained
/// difference); every one found is shrunk through proptest's value tree (at most
/// `max_steps` steps) and returned as a record. The second value is how many heads were
/// generated.
pub fn hunt(
    seed: u64,
    budget: std::time::Duration,
    max_heads: usize,
    max_steps: usize,
    mut disagrees: impl FnMut(&[u8]) -> Option<String>,
) -> (Vec<Record>, usize) {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = (
        crate::strategies::any_handshake(),
        crate::strategies::rendering(),
    );
    let head_of = |value: &(crate::model::Handshake, crate::render::Rendering)| {
        crate::render::head(&value.0, &value.1)
    };
    let started = std::time::Instant::now();
    let mut records: Vec<Record> = Vec::new();
    let mut compared = 0;
    while started.elapsed() < budget && compared < max_heads {
        let Ok(mut tree) = strategy.new_tree(&mut runner) else {
            break;
        };
        compared += 1;
        let Some(mut theirs) = disagrees(&head_of(&tree.current())) else {
            continue;
        };
        let mut smallest = head_of(&tree.current());
        for _ in 0..max_steps {
            let head = head_of(&tree.current());
            let step = match disagrees(&head) {
                Some(other) => {
                    if head.len() <= smallest.len() {
                        smallest = head;
                        theirs = other;
                    }
                    tree.simplify()
                }
                None => tree.complicate(),
            };
            if !step {
                break;
            }
        }
        if !records.iter().any(|r| r.head == smallest) {
            records.push(Record {
                seed,
                head_text: String::from_utf8_lossy(&smallest).into_owned(),
                ours: our_verdict(&smallest),
                websockets: theirs,
                head: smallest,
            });
        }
    }
    (records, compared)
}

/// The directory of recorded disagreements.
pub fn records_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("differential-regressions")
}

/// Writes a record as `<dir>/<first 16 hex digits of SHA-1(head)>.json`; its path.
pub fn write_record(dir: &Path, record: &Record) -> io::Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir)?;
    let digest = crate::rfc::sha1(&record.head);
    let name: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let path = dir.join(format!("{name}.json"));
    let json = serde_json::to_string_pretty(record).map_err(io::Error::other)?;
    std::fs::write(&path, json + "\n")?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hunt finds a planted disagreement, shrinks it, and the record round-trips.
    #[test]
    fn a_disagreement_is_shrunk_and_recorded() {
        // A fake peer that refuses every head with an Origin field.
        let fake = |head: &[u8]| {
            let text = String::from_utf8_lossy(head).to_ascii_lowercase();
            text.contains("\norigin:").then(|| "status 403".to_string())
        };
        // Bounded by count, not time: the same heads on any machine.
        let budget = std::time::Duration::from_secs(600);
        let (records, compared) = hunt(7, budget, 40, 500, fake);
        assert!(
            compared == 40 && !records.is_empty(),
            "{compared} {records:?}"
        );
        let smallest = records.iter().map(|r| r.head.len()).min().unwrap();
        assert!(smallest < 400, "shrunk to {smallest} bytes");
        let dir = std::env::temp_dir().join(format!("http-upgrade-records-{}", std::process::id()));
        let path = write_record(&dir, &records[0]).expect("written");
        let back: Record = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(back, records[0]);
        assert_eq!(back.ours, our_verdict(&back.head));
        let _ = std::fs::remove_dir_all(dir);
        // The same seed generates the same heads.
        let again = hunt(7, budget, 40, 500, fake).0;
        assert_eq!(again, records);
    }
}
