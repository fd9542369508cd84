//! Watching the client's process, so that a server whose editor died does not live on as an orphan.
//!
//! The client names its process id in `initialize`. The server polls it: on Linux through `/proc/<pid>/stat`
//! (a zombie, dead but not yet reaped, counts as gone), on other Unix systems with `kill(pid, 0)`. Elsewhere
//! the watch is off and the end of the input stream is what ends the server. An id that is not positive is
//! ignored, as is the server's own.

use std::time::Duration;

/// How often the client's process is looked at.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// Whether the process `pid` is still running. `None` when this platform cannot tell.
pub fn alive(pid: i64) -> Option<bool> {
    if pid <= 0 || pid > i64::from(i32::MAX) {
        return None;
    }
    platform_alive(pid)
}

#[cfg(target_os = "linux")]
fn platform_alive(pid: i64) -> Option<bool> {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command name, which is in parentheses and may itself hold any character.
        Ok(stat) => {
            let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().next());
            Some(!matches!(state, Some("Z" | "X" | "x")))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(false),
        Err(_) => None,
    }
}

#[cfg(all(unix, not(target_os = "linux")))]
#[allow(unsafe_code)]
fn platform_alive(pid: i64) -> Option<bool> {
    // SAFETY: kill with signal 0 sends nothing; it only checks that the process exists.
    let status = unsafe { libc::kill(pid as libc::pid_t, 0) };
    if status == 0 {
        return Some(true);
    }
    // EPERM: the process exists but belongs to someone else.
    Some(std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM))
}

#[cfg(not(unix))]
fn platform_alive(_pid: i64) -> Option<bool> {
    None
}

/// Waits until the process `pid` is gone; never returns when it cannot be watched.
pub async fn wait_for_exit(pid: i64) {
    if pid == i64::from(std::process::id()) || alive(pid).is_none() {
        return std::future::pending().await;
    }
    loop {
        tokio::time::sleep(POLL_INTERVAL).await;
        if alive(pid) == Some(false) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_nonsense_ids_are_unknown() {
        if cfg!(unix) {
            assert_eq!(alive(i64::from(std::process::id())), Some(true));
        }
        assert_eq!(alive(0), None);
        assert_eq!(alive(-5), None);
        assert_eq!(alive(i64::MAX), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_reaped_child_is_gone() {
        let mut child = std::process::Command::new("true").spawn().expect("spawn true");
        let pid = i64::from(child.id());
        child.wait().expect("wait");
        assert_eq!(alive(pid), Some(false));
    }
}
