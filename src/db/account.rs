//! Which operating-system account runs the PostgreSQL server.
//!
//! PostgreSQL refuses to run as root. When pledgeline runs as root, the server programs run as
//! the `postgres` account where it exists, otherwise as `nobody`, and the data directory is
//! owned by that account. Otherwise they run as the current user.

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use nix::unistd::{Gid, Uid, User};

use super::DbError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerAccount {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    /// True when pledgeline must switch to this account to run the server programs.
    pub switch: bool,
}

impl ServerAccount {
    /// The account for this process: itself, or an unprivileged one when root.
    pub fn for_current_process() -> Result<Self, DbError> {
        let me = Uid::current();
        if !me.is_root() {
            let name = User::from_uid(me)
                .ok()
                .flatten()
                .map(|u| u.name)
                .unwrap_or_else(|| me.to_string());
            return Ok(ServerAccount {
                name,
                uid: me.as_raw(),
                gid: Gid::current().as_raw(),
                switch: false,
            });
        }
        for name in ["postgres", "nobody"] {
            if let Ok(Some(user)) = User::from_name(name) {
                return Ok(ServerAccount {
                    name: user.name,
                    uid: user.uid.as_raw(),
                    gid: user.gid.as_raw(),
                    switch: true,
                });
            }
        }
        Err(DbError::NoServerAccount)
    }

    /// A command that runs `program` as this account, from `/` so that an unreadable current
    /// directory (root's home) doesn't upset the server.
    pub fn command(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir("/").env("LC_ALL", "C").env_remove("PGDATA");
        if self.switch {
            cmd.uid(self.uid).gid(self.gid);
        }
        cmd
    }

    /// Make `path` belong to this account (only when switching accounts).
    pub fn give(&self, path: &Path) -> Result<(), DbError> {
        if !self.switch {
            return Ok(());
        }
        nix::unistd::chown(
            path,
            Some(Uid::from_raw(self.uid)),
            Some(Gid::from_raw(self.gid)),
        )
        .map_err(|e| DbError::io(path, std::io::Error::from(e)))
    }

    /// Check that the account can walk down to `dir`: every ancestor needs search permission
    /// for it. Returns the first ancestor that blocks it.
    pub fn blocked_ancestor(&self, dir: &Path) -> Option<std::path::PathBuf> {
        if !self.switch {
            return None;
        }
        for ancestor in dir.ancestors().skip(1) {
            let Ok(meta) = std::fs::metadata(ancestor) else {
                continue;
            };
            let mode = meta.mode();
            let ok = if meta.uid() == self.uid {
                mode & 0o100 != 0
            } else if meta.gid() == self.gid {
                mode & 0o010 != 0
            } else {
                mode & 0o001 != 0
            };
            if !ok {
                return Some(ancestor.to_path_buf());
            }
        }
        None
    }
}
