//! Where things are: the workspace root, and the target directories cargo builds into,
//! honouring `CARGO_TARGET_DIR` as cargo does (a relative value is taken from the directory
//! cargo was started in), so a shared target directory works for every command.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The workspace root.
pub fn root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    root.canonicalize().unwrap_or(root)
}

/// The target directory `CARGO_TARGET_DIR` names, if set: absolute, or relative to `cwd`.
fn from_env(value: Option<OsString>, cwd: &Path) -> Option<PathBuf> {
    let value = value.filter(|v| !v.is_empty())?;
    let path = PathBuf::from(value);
    Some(if path.is_absolute() {
        path
    } else {
        cwd.join(path)
    })
}

/// Where a cargo project at `project` builds: `CARGO_TARGET_DIR` when set, else its own
/// `target/`.
fn target_of(project: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| root());
    from_env(std::env::var_os("CARGO_TARGET_DIR"), &cwd).unwrap_or_else(|| project.join("target"))
}

/// The workspace's target directory; the tools' own outputs (reports, scratch corpora,
/// checkouts) go under it.
pub fn target_dir() -> PathBuf {
    target_of(&root())
}

/// Where cargo-fuzz builds the fuzz targets (`fuzz/` is a workspace of its own).
pub fn fuzz_target_dir() -> PathBuf {
    target_of(&root().join("fuzz"))
}

/// Where cargo-afl builds the AFL++ harness (`fuzz/afl/` is a workspace of its own).
pub fn afl_target_dir() -> PathBuf {
    target_of(&root().join("fuzz/afl"))
}

/// The host's target triple, from `rustc -vV` (cargo-fuzz builds for it); decided once.
pub fn host_triple() -> &'static str {
    static HOST: OnceLock<String> = OnceLock::new();
    HOST.get_or_init(|| {
        let version = super::process::cmd("rustc")
            .arg("-vV")
            .read()
            .unwrap_or_default();
        host_from(&version).unwrap_or_else(|| "x86_64-unknown-linux-gnu".into())
    })
}

/// The `host:` line of `rustc -vV`.
fn host_from(version: &str) -> Option<String> {
    version
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(|host| host.trim().to_string())
}

/// A cargo-fuzz binary of `target` under `target_dir`, in `profile` (`release` or `debug`).
pub fn fuzz_binary_in(target_dir: &Path, profile: &str, target: &str) -> PathBuf {
    target_dir.join(host_triple()).join(profile).join(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_target_dir_is_honoured_absolute_or_relative() {
        let cwd = Path::new("/work/somewhere");
        assert_eq!(from_env(None, cwd), None);
        assert_eq!(from_env(Some("".into()), cwd), None);
        assert_eq!(
            from_env(Some("/shared/target".into()), cwd),
            Some(PathBuf::from("/shared/target"))
        );
        assert_eq!(
            from_env(Some("out".into()), cwd),
            Some(PathBuf::from("/work/somewhere/out"))
        );
    }

    #[test]
    fn the_host_triple_comes_from_rustc() {
        let text =
            "rustc 1.95.0\nbinary: rustc\nhost: aarch64-unknown-linux-gnu\nrelease: 1.95.0\n";
        assert_eq!(
            host_from(text).as_deref(),
            Some("aarch64-unknown-linux-gnu")
        );
        assert!(!host_triple().is_empty());
    }
}
