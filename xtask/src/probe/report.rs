//! The probe's report: a table by category with MUST failures first, each failure with its
//! bytes and the one command that replays it; the same as JSON and as a self-contained
//! HTML page; and the `--all` table of implementations.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use http_upgrade_proptests::handshake_rules::Level;
use serde_json::{json, Value};

use super::catalogue::{Category, Check};
use super::verdict::Verdict;

/// One probed stack's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub must_passed: usize,
    pub must_failed: usize,
    pub should_failed: usize,
    pub cases: usize,
}

/// The counts of `verdicts`: a MUST case passes when it broke no MUST rule.
pub fn counts(verdicts: &[Verdict]) -> Counts {
    let mut counts = Counts {
        cases: verdicts.len(),
        ..Counts::default()
    };
    for verdict in verdicts {
        if verdict.case.level == Level::Must && verdict.case.check != Check::Observe {
            if verdict.failed_at(Level::Must) {
                counts.must_failed += 1;
            } else {
                counts.must_passed += 1;
            }
        }
        if verdict.failed_at(Level::Should) {
            counts.should_failed += 1;
        }
    }
    counts
}

/// Bytes as text a reader can copy: printable ASCII as is, `\r\n` as written, the rest
/// escaped; at most `limit` bytes.
pub fn printable(bytes: &[u8], limit: usize) -> String {
    let mut out = String::new();
    for &b in bytes.iter().take(limit) {
        match b {
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n\n"),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    if bytes.len() > limit {
        let _ = write!(out, "… ({} bytes more)", bytes.len() - limit);
    }
    out
}

/// The command that replays one case against `url`.
pub fn replay(url: &str, case: &str) -> String {
    format!("cargo xtask probe {url} --case {case}")
}

/// The terminal and markdown report of one stack.
pub fn markdown(url: &str, verdicts: &[Verdict]) -> String {
    let mut text = String::new();
    let total = counts(verdicts);
    let _ = writeln!(
        text,
        "# Probe of {url}\n\n{} cases: MUST passed {}, MUST failed {}, SHOULD failed {}\n",
        total.cases, total.must_passed, total.must_failed, total.should_failed
    );
    if verdicts
        .iter()
        .any(|v| v.case.name == "websocket/handshake" && !v.summary.starts_with("101"))
    {
        let _ = writeln!(
            text,
            "**The valid handshake was not switched**: this URL may not be a WebSocket \
             endpoint, and the rows that judge a 101 tested nothing.\n"
        );
    }
    let mut by_category: BTreeMap<Category, Vec<&Verdict>> = BTreeMap::new();
    for verdict in verdicts {
        by_category
            .entry(verdict.case.category)
            .or_default()
            .push(verdict);
    }
    let _ = writeln!(
        text,
        "| category | cases | MUST failed | SHOULD failed |\n| --- | ---: | ---: | ---: |"
    );
    for (category, rows) in &by_category {
        let owned: Vec<Verdict> = rows.iter().map(|v| (*v).clone()).collect();
        let c = counts(&owned);
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} |",
            category.name(),
            c.cases,
            c.must_failed,
            c.should_failed
        );
    }
    for (level, title) in [
        (Level::Must, "MUST failures"),
        (Level::Should, "SHOULD failures"),
    ] {
        let failed: Vec<&Verdict> = verdicts.iter().filter(|v| v.failed_at(level)).collect();
        if failed.is_empty() {
            continue;
        }
        let _ = writeln!(text, "\n## {title}\n");
        for verdict in failed {
            let _ = writeln!(text, "### `{}`\n", verdict.case.name);
            for failure in verdict.failures.iter().filter(|f| f.level == level) {
                let _ = writeln!(
                    text,
                    "- **{}** `{}`: {} ({})",
                    failure.level.name(),
                    failure.rule,
                    failure.detail,
                    failure.source
                );
            }
            let _ = writeln!(
                text,
                "- case source: {}\n- answer: {} (statuses {:?}, {} ms)\n- replay: `{}`\n\n```text\n{}\n```\n",
                verdict.case.source,
                verdict.summary,
                verdict.statuses,
                verdict.elapsed.as_millis(),
                replay(url, &verdict.case.name),
                printable(&verdict.case.phases.concat(), 2048)
            );
        }
    }
    let observed: Vec<&Verdict> = verdicts
        .iter()
        .filter(|v| v.case.check == Check::Observe)
        .collect();
    if !observed.is_empty() {
        let _ = writeln!(text, "\n## Observed (no requirement; for the reviewer)\n");
        for verdict in observed {
            let _ = writeln!(
                text,
                "- `{}`: {} ({})",
                verdict.case.name, verdict.summary, verdict.case.source
            );
        }
    }
    text
}

/// The report as JSON: every case with its bytes, answer and failures.
pub fn json(url: &str, verdicts: &[Verdict]) -> Value {
    let total = counts(verdicts);
    json!({
        "url": url,
        "must_passed": total.must_passed,
        "must_failed": total.must_failed,
        "should_failed": total.should_failed,
        "cases": verdicts.iter().map(|v| json!({
            "name": v.case.name,
            "category": v.case.category.name(),
            "level": v.case.level.name(),
            "source": v.case.source,
            "check": format!("{:?}", v.case.check),
            "request": String::from_utf8_lossy(&v.case.phases.concat()),
            "answer": v.summary,
            "statuses": v.statuses,
            "received": String::from_utf8_lossy(&v.received[..v.received.len().min(4096)]),
            "elapsed_ms": v.elapsed.as_millis() as u64,
            "failures": v.failures.iter().map(|f| json!({
                "rule": f.rule,
                "level": f.level.name(),
                "source": f.source,
                "detail": f.detail,
            })).collect::<Vec<_>>(),
            "replay": replay(url, &v.case.name),
        })).collect::<Vec<_>>(),
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The report as one HTML page with no outside resources.
pub fn html(url: &str, verdicts: &[Verdict]) -> String {
    let total = counts(verdicts);
    let mut rows = String::new();
    let mut ordered: Vec<&Verdict> = verdicts.iter().collect();
    // MUST failures first, then SHOULD failures, then the rest, each in catalogue order.
    ordered.sort_by_key(|v| (!v.failed_at(Level::Must), !v.failed_at(Level::Should)));
    for verdict in ordered {
        let class = match verdict.worst() {
            Some(Level::Must) => "must",
            Some(Level::Should) => "should",
            None => "pass",
        };
        let failures: Vec<String> = verdict
            .failures
            .iter()
            .map(|f| {
                format!(
                    "<b>{}</b> {}: {} <i>({})</i>",
                    f.level.name(),
                    escape(f.rule),
                    escape(&f.detail),
                    escape(f.source)
                )
            })
            .collect();
        let _ = writeln!(
            rows,
            "<tr class=\"{class}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}<details><summary>bytes and replay</summary><pre>{}</pre><code>{}</code></details></td></tr>",
            escape(&verdict.case.name),
            verdict.case.level.name(),
            escape(&verdict.summary),
            failures.join("<br>"),
            escape(&verdict.case.source),
            escape(&printable(&verdict.case.phases.concat(), 4096)),
            escape(&replay(url, &verdict.case.name)),
        );
    }
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Probe of {u}</title><style>\
         body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}\
         td,th{{border:1px solid #ccc;padding:4px;vertical-align:top}}\
         tr.must{{background:#fdd}}tr.should{{background:#ffd}}pre{{white-space:pre-wrap}}\
         </style></head><body><h1>Probe of {u}</h1><p>{} cases: MUST passed {}, MUST failed {}, \
         SHOULD failed {}</p><table><tr><th>case</th><th>level</th><th>answer</th>\
         <th>failures</th><th>source</th></tr>\n{rows}</table></body></html>\n",
        total.cases,
        total.must_passed,
        total.must_failed,
        total.should_failed,
        u = escape(url),
    )
}

/// The `--all` table's header.
pub const TABLE_HEADER: &str = "| implementation | version | MUST passed | MUST failed | SHOULD failed | MUST rules broken |\n| --- | --- | ---: | ---: | ---: | --- |";

/// One row of the `--all` table.
pub fn table_row(name: &str, version: &str, verdicts: &[Verdict]) -> String {
    let c = counts(verdicts);
    let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
    for verdict in verdicts {
        for failure in verdict.failures.iter().filter(|f| f.level == Level::Must) {
            *rules.entry(failure.rule).or_default() += 1;
        }
    }
    let rules: Vec<String> = rules
        .iter()
        .map(|(rule, n)| format!("`{rule}` ×{n}"))
        .collect();
    format!(
        "| {name} | {version} | {} | {} | {} | {} |",
        c.must_passed,
        c.must_failed,
        c.should_failed,
        if rules.is_empty() {
            "-".into()
        } else {
            rules.join(", ")
        }
    )
}
