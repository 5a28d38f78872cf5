//! A case's verdict: its exchange with the server, judged by the case's check with the
//! oracle crate's `handshake_rules` (RFC 9110 §7.8, RFC 9112, RFC 6455 §4), never the core
//! crate.

use std::time::Duration;

use http_upgrade_proptests::handshake_rules::{self, Answer, Failure, Level};

use super::catalogue::{good_request, Case, Check, Target, BOUND_MS};
use super::wire::{self, Exchange, Responses};

/// What one case found.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub case: Case,
    /// Every status read, in order.
    pub statuses: Vec<u16>,
    /// The rules the answer broke.
    pub failures: Vec<Failure>,
    /// What the server did, in a few words (for observations and the table).
    pub summary: String,
    /// The bytes read back (at most the first 4 KiB are reported).
    pub received: Vec<u8>,
    /// How long the exchange took.
    pub elapsed: Duration,
}

impl Verdict {
    /// The case broke a rule at `level`.
    pub fn failed_at(&self, level: Level) -> bool {
        self.failures.iter().any(|f| f.level == level)
    }

    /// The strongest level of the rules it broke, if any.
    pub fn worst(&self) -> Option<Level> {
        self.failures.iter().map(|f| f.level).min()
    }
}

fn fail(rule: &'static str, level: Level, source: &'static str, detail: String) -> Failure {
    Failure {
        rule,
        level,
        source,
        detail,
    }
}

/// The answer `handshake_rules` judges: the first final response (or 101) and the interim
/// ones before it.
fn answer(read: &Responses, closed: bool) -> Answer {
    let mut answer = Answer {
        closed,
        ..Answer::default()
    };
    for head in &read.heads {
        if (100..200).contains(&head.status) && head.status != 101 {
            answer.interim.push(head.status);
            continue;
        }
        answer.status = Some(head.status);
        answer.fields = head.fields.clone();
        break;
    }
    answer
}

/// Runs `case` against `target` and judges it.
pub fn run(case: &Case, target: &Target) -> Verdict {
    let exchange = wire::exchange(target.address, &case.phases, case.wait_close);
    judge(case, target, &exchange)
}

/// Judges what `exchange` read for `case`.
pub fn judge(case: &Case, target: &Target, exchange: &Exchange) -> Verdict {
    let read = wire::responses(&exchange.received);
    let statuses: Vec<u16> = read.heads.iter().map(|h| h.status).collect();
    let answer = answer(&read, exchange.closed);
    let switched = answer.status == Some(101);
    let mut failures = Vec::new();
    let first = case.phases.first().map(Vec::as_slice).unwrap_or_default();
    let reading = handshake_rules::read(first);
    if let Some(reading) = &reading {
        if case.check != Check::Observe && case.check != Check::Bounded {
            failures.extend(handshake_rules::judge(reading, &answer));
        }
    }
    match case.check {
        Check::Rules | Check::Observe | Check::Bounded => {}
        Check::Handshake => {
            if !switched && exchange.error.is_none() {
                failures.push(fail(
                    "valid_handshake_refused",
                    Level::Should,
                    "RFC 6455 §4.2.2: a valid opening handshake is answered with 101 (unless \
                     the server's own policy refuses it)",
                    format!("answered {:?}", answer.status),
                ));
            }
        }
        Check::OneAnswer => {
            let finals = read
                .heads
                .iter()
                .filter(|h| !(100..200).contains(&h.status) || h.status == 101)
                .count();
            if finals > 1 {
                failures.push(fail(
                    "body_read_as_a_request",
                    Level::Must,
                    "RFC 9112 §6.3: a body is read by its framing, never as the next request",
                    format!("{finals} final responses: {statuses:?}"),
                ));
            }
        }
        Check::NoHttpAfterSwitch => {
            if switched && read.after_switch.starts_with(b"HTTP/") {
                failures.push(fail(
                    "http_after_101",
                    Level::Must,
                    "RFC 9110 §7.8: after a 101 the connection is the new protocol's",
                    "an HTTP response followed the 101".into(),
                ));
            }
        }
        Check::NoSwitch => {
            if switched {
                failures.push(fail(
                    "h2c_without_one_settings",
                    Level::Must,
                    "RFC 7540 §3.2.1: no upgrade without exactly one HTTP2-Settings",
                    "answered 101".into(),
                ));
            }
        }
    }
    if case.check == Check::Bounded {
        let slow = exchange.elapsed.as_millis() > BOUND_MS && answer.status.is_none();
        if slow {
            failures.push(fail(
                "unbounded_work",
                Level::Should,
                "bounded work per request",
                format!("no answer within {} ms", exchange.elapsed.as_millis()),
            ));
        }
        let again = wire::exchange(target.address, &[good_request(target).into_bytes()], false);
        let again = wire::responses(&again.received);
        if again.heads.first().map(|h| h.status) != Some(101) {
            failures.push(fail(
                "stopped_serving",
                Level::Should,
                "a server outlives one costly request",
                "the next valid handshake was not switched".into(),
            ));
        }
    }
    if let Some(error) = &exchange.error {
        failures.push(fail(
            "unreachable",
            Level::Should,
            "the probe could not send the case",
            error.clone(),
        ));
    }
    let summary = match answer.status {
        Some(101) => {
            let upgrade = answer
                .fields
                .iter()
                .find(|(n, _)| n == "upgrade")
                .map(|(_, v)| String::from_utf8_lossy(v).to_string())
                .unwrap_or_default();
            format!("101 {upgrade}")
        }
        Some(status) => status.to_string(),
        None if exchange.closed => "closed".into(),
        None => "no answer".into(),
    };
    Verdict {
        case: case.clone(),
        statuses,
        failures,
        summary,
        received: exchange.received.clone(),
        elapsed: exchange.elapsed,
    }
}
