//! What every interop row shares: the peers' scripts and packages (installed when
//! missing), our example programs, free ports, a peer run under a time limit, and the row
//! a pair reports.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::base::install;
use crate::base::paths::{root, target_dir};
use crate::base::process::Cmd;

/// The peers' scripts.
pub(crate) fn interop_dir() -> PathBuf {
    root().join("xtask/interop")
}

/// Where npm installs node `ws` (and the Chromium driver's packages).
pub(crate) fn node_modules() -> PathBuf {
    target_dir().join("interop/node_modules")
}

/// Installs the peers that are missing; `Err` names what could not be had.
pub(crate) fn install() -> Result<()> {
    let started = Instant::now();
    install::pip(
        Path::new("python3"),
        &["websockets", "aiohttp"],
        &["websockets", "aiohttp"],
    )?;
    install::npm(&target_dir().join("interop"), &["ws"])?;
    install::apt(&["chromium"], &["chromium"])?;
    install::apt(&["curl"], &["curl"])?;
    eprintln!("peers ready ({:.0} s)", started.elapsed().as_secs_f64());
    Ok(())
}

/// Runs a peer with a hard time limit; whether it exited 0, and its stdout (or why it
/// could not start).
pub(crate) fn run_peer(command: Cmd, seconds: u32) -> (bool, String) {
    match command
        .timeout(Duration::from_secs(u64::from(seconds)))
        .output()
    {
        Ok(finished) => (finished.success, finished.stdout),
        Err(error) => (false, format!("{error:#}")),
    }
}

/// The value of `key=value` in a report line, or `?`.
pub(crate) fn field<'a>(line: &'a str, key: &str) -> &'a str {
    line.split_whitespace()
        .find_map(|word| {
            word.strip_prefix(key)
                .and_then(|rest| rest.strip_prefix('='))
        })
        .unwrap_or("?")
}

pub(crate) struct Row {
    pub(crate) peer: &'static str,
    pub(crate) role: &'static str,
    pub(crate) passed: bool,
    pub(crate) subprotocol: String,
    pub(crate) extensions: String,
    pub(crate) detail: String,
}

impl Row {
    /// Our client never got to talk to the peer's server.
    pub(crate) fn failed(peer: &'static str, detail: String) -> Row {
        Row {
            peer,
            role: "our client → their server",
            passed: false,
            subprotocol: "-".into(),
            extensions: "-".into(),
            detail,
        }
    }
}

pub(crate) fn example(name: &str) -> PathBuf {
    target_dir().join("debug/examples").join(name)
}
