//! Keeps a library's own messages off the process's stderr for a while. shuttle prints its
//! advice on failure ("pass that string to `shuttle::replay`", "set SHUTTLE_RANDOM_SEED") with
//! `eprintln!`, which names functions a racewise user cannot call: `racewise models` prints its
//! own replay command instead. File descriptor 2 is pointed at `/dev/null` while the guard
//! lives (Unix; elsewhere nothing changes).

/// Restores stderr when dropped.
pub struct Silenced {
    #[cfg(unix)]
    saved: libc::c_int,
}

/// Silence stderr until the returned guard is dropped; `None` if it could not be done.
pub fn silence() -> Option<Silenced> {
    #[cfg(unix)]
    {
        use std::io::Write;
        let _ = std::io::stderr().flush();
        // SAFETY: plain descriptor calls on descriptors this function opens or owns; every
        // result is checked before use, and the saved descriptor is restored and closed once.
        unsafe {
            let saved = libc::dup(2);
            if saved < 0 {
                return None;
            }
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
            if null < 0 {
                libc::close(saved);
                return None;
            }
            let ok = libc::dup2(null, 2) >= 0;
            libc::close(null);
            if !ok {
                libc::close(saved);
                return None;
            }
            Some(Silenced { saved })
        }
    }
    #[cfg(not(unix))]
    {
        None
    }
}

impl Drop for Silenced {
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: `saved` is the descriptor `silence` duplicated from stderr and nothing else
        // closes it.
        unsafe {
            libc::dup2(self.saved, 2);
            libc::close(self.saved);
        }
    }
}
