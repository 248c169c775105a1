//! Temporary files that hold register data (the copy an encryption rewrite writes, a restore's
//! new file, a backup being written) are removed on every exit path this process controls: on an error by their
//! `TempPath`, and on SIGTERM, SIGINT, SIGHUP or SIGQUIT by the handler installed here, which
//! removes every file still registered (with its -journal, -wal and -shm) before the process
//! ends. SIGKILL and power cuts leave them; the next open removes those (crate::safety::encryption).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The files to remove if the process is told to end now.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Registers a temporary file for removal on a terminating signal while the guard lives.
pub struct Tracked(PathBuf);

impl Tracked {
    pub fn new(path: &Path) -> Tracked {
        if let Ok(mut pending) = PENDING.lock() {
            pending.push(path.to_path_buf());
        }
        Tracked(path.to_path_buf())
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        if let Ok(mut pending) = PENDING.lock() {
            if let Some(at) = pending.iter().rposition(|p| *p == self.0) {
                pending.remove(at);
            }
        }
    }
}

/// Removes every registered file and its SQLite side files; returns how many were there.
pub fn remove_pending() -> usize {
    let pending = match PENDING.lock() {
        Ok(pending) => pending.clone(),
        // A thread panicked while holding the list: the paths are still right.
        Err(poisoned) => poisoned.into_inner().clone(),
    };
    let mut removed = 0;
    for path in pending {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            if std::fs::remove_file(&file).is_ok() {
                removed += 1;
            }
        }
    }
    removed
}

/// Installs the handler for SIGTERM, SIGINT, SIGHUP and SIGQUIT: remove the registered files,
/// then end with the conventional status 128 + signal. Call once, early in `main`. (The
/// signal-hook crate runs the work on a thread of its own: nothing but a flag is touched in
/// the signal handler itself.) On Windows, Ctrl+C ends the console process without this.
pub fn install_signal_handlers() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
        let mut signals = match signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP, SIGQUIT]) {
            Ok(signals) => signals,
            Err(e) => return tracing::warn!("cannot install the signal handlers: {e}"),
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                remove_pending();
                std::process::exit(128 + signal);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tracked_file_is_removed_with_its_journal_and_forgotten_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let kept = dir.path().join(".xinghe-rekey-a.tmp");
        let gone = dir.path().join(".xinghe-rekey-b.tmp");
        for file in [&kept, &gone] {
            std::fs::write(file, b"plain").unwrap();
        }
        std::fs::write(dir.path().join(".xinghe-rekey-b.tmp-journal"), b"j").unwrap();
        drop(Tracked::new(&kept));
        let _guard = Tracked::new(&gone);
        assert!(remove_pending() >= 2);
        assert!(kept.exists(), "no longer tracked");
        assert!(!gone.exists() && !dir.path().join(".xinghe-rekey-b.tmp-journal").exists());
    }
}
