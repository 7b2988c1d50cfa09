//! Whether the system can show a file dialog at all.

use std::path::Path;

/// Whether a file dialog can be shown: on Linux, rfd has the desktop portal (reached over
/// the session's D-Bus) and zenity. Without either, asking fails — after a delay that grows
/// with the machine's load, so how fast it failed cannot tell "no dialog" from "cancelled"
/// on a busy machine. Elsewhere the system always has its own dialog.
pub fn possible() -> bool {
    !cfg!(target_os = "linux") || session_bus() || on_path("zenity")
}

fn session_bus() -> bool {
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|address| !address.is_empty())
        || std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|dir| !dir.is_empty() && Path::new(&dir).join("bus").exists())
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}
