//! Periodic maintenance jobs.

use std::path::Path;

// Negative: a suppression far from any finding in a sync fn is unused — see below; this one is
// used: `exit` inside the spawned task.
pub fn start() {
    tokio::spawn(async {
        // racewise: allow(exit_in_async) -- the supervisor restarts us; state is on disk
        std::process::exit(3);
    });
}

// Positive: a stale suppression in sync code (nothing there is async).
pub fn compact(dir: &Path) -> std::io::Result<()> {
    // racewise: allow(blocking_fs_in_async) -- compaction //~ unused_suppression
    for entry in std::fs::read_dir(dir)? {
        let _ = entry?;
    }
    Ok(())
}

// Positive: unused AND without a reason is one finding (unused is what matters).
pub fn rotate(dir: &Path) {
    // racewise: allow(blocking_sleep_in_async) //~ unused_suppression
    let _ = std::fs::remove_dir_all(dir.join("old"));
}
