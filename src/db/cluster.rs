//! One PostgreSQL cluster in a data directory of pledgeline's own, reachable only through a
//! Unix socket inside that directory (no TCP port, so two checkouts never collide).
//!
//! Several pledgeline processes may use one cluster at once. Two lock files beside the data
//! directory coordinate them:
//! - `NAME.control.lock` (exclusive) serialises starting and stopping;
//! - `NAME.users.lock` is held *shared* by every process using the cluster. A process that
//!   leaves takes it exclusively, without waiting, to learn whether it was the last one, and
//!   only then stops the server. A cluster started by hand (`pledgeline db start`, which leaves
//!   `NAME.keep-running`) is left running until `pledgeline db stop`.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Output;

use sqlx::postgres::{PgConnectOptions, PgSslMode};

use super::DbError;
use super::account::ServerAccount;
use super::binaries::PgBinaries;

/// The cluster's superuser, created by `initdb`; local connections are trusted because the
/// socket lives in a directory only the server account (and root) can enter.
pub const SUPERUSER: &str = "pledgeline";
/// The port only names the socket file (`.s.PGSQL.5432`); nothing listens on TCP.
pub const PORT: u16 = 5432;
/// Unix socket paths are limited to 107 bytes on Linux.
const MAX_SOCKET_PATH: usize = 107;
/// Characters that PostgreSQL's settings file or pg_ctl's shell command line would misread.
const UNSAFE_PATH_CHARS: &str = "\"$`\\,";
const SETTINGS_FILE: &str = "pledgeline.conf";
const SERVER_LOG: &str = "pledgeline-server.log";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// No cluster has been created in the data directory yet.
    Uninitialized,
    Stopped,
    Running {
        pid: i32,
    },
    /// `postmaster.pid` names a process that is not (any more) a PostgreSQL server: left by a
    /// crash. Starting recovers from it.
    Stale {
        pid: i32,
    },
}

#[derive(Debug, Clone)]
pub struct Cluster {
    data_dir: PathBuf,
    bins: PgBinaries,
    account: ServerAccount,
    /// `false` trades crash safety for speed (`fsync=off`): for throwaway test clusters only.
    durable: bool,
}

impl Cluster {
    /// A cluster in `data_dir` (made absolute; it need not exist yet).
    pub fn new(data_dir: &Path, bins: PgBinaries, durable: bool) -> Result<Self, DbError> {
        let data_dir = absolute(data_dir)?;
        let text = data_dir.to_string_lossy();
        if let Some(c) = text
            .chars()
            .find(|c| UNSAFE_PATH_CHARS.contains(*c) || c.is_control())
        {
            return Err(DbError::UnsafeDataDir {
                dir: data_dir.clone(),
                char: c,
            });
        }
        let socket = data_dir.join(format!(".s.PGSQL.{PORT}"));
        let len = socket.as_os_str().len();
        if len > MAX_SOCKET_PATH {
            return Err(DbError::SocketPathTooLong { path: socket, len });
        }
        let account = account_for(&data_dir)?;
        Ok(Cluster {
            data_dir,
            bins,
            account,
            durable,
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn binaries(&self) -> &PgBinaries {
        &self.bins
    }

    pub fn account(&self) -> &ServerAccount {
        &self.account
    }

    fn sibling(&self, suffix: &str) -> PathBuf {
        let name = self
            .data_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "pg".into());
        self.data_dir.with_file_name(format!("{name}.{suffix}"))
    }

    fn keep_running_marker(&self) -> PathBuf {
        self.sibling("keep-running")
    }

    pub fn log_file(&self) -> PathBuf {
        self.data_dir.join(SERVER_LOG)
    }

    pub fn is_initialized(&self) -> bool {
        self.data_dir.join("PG_VERSION").is_file()
    }

    pub fn status(&self) -> Status {
        if !self.is_initialized() {
            return Status::Uninitialized;
        }
        match read_pid(&self.data_dir.join("postmaster.pid")) {
            None => Status::Stopped,
            Some(pid) if is_postmaster_of(pid, &self.data_dir) => Status::Running { pid },
            Some(pid) => Status::Stale { pid },
        }
    }

    /// Connection options for `database` over the cluster's socket.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new_without_pgpass()
            .socket(&self.data_dir)
            .port(PORT)
            .username(SUPERUSER)
            .database(database)
            .ssl_mode(PgSslMode::Disable)
            .application_name("pledgeline")
    }

    /// A connection URL that both `psql` and pledgeline's `--database-url` accept.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgresql:///{}?host={}&port={PORT}&user={SUPERUSER}",
            percent_encode(database),
            percent_encode(&self.data_dir.to_string_lossy())
        )
    }

    /// `initdb` the data directory (UTF8, C collation) unless it already holds a cluster.
    pub fn initialize(&self) -> Result<(), DbError> {
        if self.is_initialized() {
            return Ok(());
        }
        if let Some(parent) = self.data_dir.parent() {
            create_enterable_dirs(parent)?;
        }
        if let Some(blocked) = self.account.blocked_ancestor(&self.data_dir) {
            return Err(DbError::Unreachable {
                account: self.account.name.clone(),
                dir: self.data_dir.clone(),
                blocked,
            });
        }
        // initdb into a sibling folder and rename it into place when complete, so that a
        // crash half-way never leaves something that looks like a cluster.
        let building = self.sibling("initdb-in-progress");
        if building.exists() {
            std::fs::remove_dir_all(&building).map_err(|e| DbError::io(&building, e))?;
        }
        if self.data_dir.exists() {
            let empty = std::fs::read_dir(&self.data_dir)
                .map_err(|e| DbError::io(&self.data_dir, e))?
                .next()
                .is_none();
            if !empty {
                return Err(DbError::NotAClusterDir {
                    dir: self.data_dir.clone(),
                });
            }
        }
        std::fs::create_dir(&building).map_err(|e| DbError::io(&building, e))?;
        std::fs::set_permissions(&building, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| DbError::io(&building, e))?;
        self.account.give(&building)?;

        tracing::info!(dir = %self.data_dir.display(), "creating the PostgreSQL cluster");
        let out = self
            .account
            .command(&self.bins.initdb())
            .arg("--pgdata")
            .arg(&building)
            .args(["--username", SUPERUSER, "--auth=trust", "--encoding=UTF8"])
            .arg("--no-locale")
            .output()
            .map_err(|e| DbError::io(&self.bins.initdb(), e))?;
        check("initdb", &out)?;

        let conf = building.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf).map_err(|e| DbError::io(&conf, e))?;
        text.push_str(&format!(
            "\n# Added by pledgeline: its own settings, rewritten at every start.\ninclude_if_exists = '{SETTINGS_FILE}'\n"
        ));
        std::fs::write(&conf, text).map_err(|e| DbError::io(&conf, e))?;
        if self.data_dir.exists() {
            // An empty folder made beforehand (rmdir only removes it while empty).
            std::fs::remove_dir(&self.data_dir).map_err(|e| DbError::io(&self.data_dir, e))?;
        }
        std::fs::rename(&building, &self.data_dir).map_err(|e| DbError::io(&self.data_dir, e))?;
        Ok(())
    }

    fn write_settings(&self) -> Result<(), DbError> {
        let quoted = self.data_dir.to_string_lossy().replace('\'', "''");
        let mut settings = format!(
            "# Written by pledgeline at every start; edits here are overwritten.\n\
             listen_addresses = ''\n\
             port = {PORT}\n\
             unix_socket_directories = '{quoted}'\n\
             unix_socket_permissions = 0700\n\
             log_min_messages = warning\n\
             # A relink rewrites every link (millions of rows in a large store): with the\n\
             # default 1GB it spent most of its time in checkpoints.\n\
             max_wal_size = '8GB'\n\
             checkpoint_timeout = '15min'\n"
        );
        settings.push_str(&memory_settings(physical_memory()));
        settings.push_str(&wal_compression(&self.data_dir));
        if !self.durable {
            settings.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        let path = self.data_dir.join(SETTINGS_FILE);
        std::fs::write(&path, settings).map_err(|e| DbError::io(&path, e))?;
        self.account.give(&path)
    }

    /// Remove what a crashed server left behind: `postmaster.pid` and the socket's lock file
    /// when the process they name is gone or is not a PostgreSQL server.
    fn clear_stale(&self) -> Result<(), DbError> {
        let pidfile = self.data_dir.join("postmaster.pid");
        if let Some(pid) = read_pid(&pidfile) {
            if is_postmaster_of(pid, &self.data_dir) {
                return Ok(());
            }
            tracing::warn!(
                pid,
                "removing a stale postmaster.pid left by a crashed server"
            );
            remove_if_exists(&pidfile)?;
        }
        let socket_lock = self.data_dir.join(format!(".s.PGSQL.{PORT}.lock"));
        if let Some(pid) = read_pid(&socket_lock).filter(|p| !is_postmaster_of(*p, &self.data_dir))
        {
            tracing::warn!(pid, "removing a stale socket lock file");
            remove_if_exists(&socket_lock)?;
            remove_if_exists(&self.data_dir.join(format!(".s.PGSQL.{PORT}")))?;
        }
        Ok(())
    }

    /// Start the server unless it is running; returns whether this call started it.
    fn start_server(&self) -> Result<bool, DbError> {
        match self.status() {
            Status::Running { .. } => return Ok(false),
            Status::Uninitialized => self.initialize()?,
            Status::Stale { .. } | Status::Stopped => {}
        }
        self.clear_stale()?;
        self.write_settings()?;
        tracing::info!(dir = %self.data_dir.display(), "starting PostgreSQL");
        let out = self
            .account
            .command(&self.bins.pg_ctl())
            .arg("start")
            .arg("--pgdata")
            .arg(&self.data_dir)
            .arg("--log")
            .arg(self.log_file())
            .args(["--wait", "--timeout=120", "--silent"])
            .output()
            .map_err(|e| DbError::io(&self.bins.pg_ctl(), e))?;
        if !out.status.success() {
            let log = tail(
                &std::fs::read_to_string(self.log_file()).unwrap_or_default(),
                15,
            );
            return Err(DbError::Command {
                what: "pg_ctl start",
                detail: format!("{}\n{log}", String::from_utf8_lossy(&out.stderr).trim()),
            });
        }
        Ok(true)
    }

    /// Fast shutdown (roll back open transactions, then stop). Returns whether it was running.
    pub fn stop_server(&self) -> Result<bool, DbError> {
        if !matches!(self.status(), Status::Running { .. }) {
            self.clear_stale()?;
            return Ok(false);
        }
        tracing::info!(dir = %self.data_dir.display(), "stopping PostgreSQL");
        let out = self
            .account
            .command(&self.bins.pg_ctl())
            .arg("stop")
            .arg("--pgdata")
            .arg(&self.data_dir)
            .args(["--mode=fast", "--wait", "--timeout=120", "--silent"])
            .output()
            .map_err(|e| DbError::io(&self.bins.pg_ctl(), e))?;
        check("pg_ctl stop", &out)?;
        Ok(true)
    }

    fn control_lock(&self) -> Result<File, DbError> {
        let file = open_lock_file(&self.sibling("control.lock"))?;
        file.lock()
            .map_err(|e| DbError::io(&self.sibling("control.lock"), e))?;
        Ok(file)
    }

    /// Start the cluster for this process and hold it until the lease is released or dropped.
    /// Reuses a server that another pledgeline process already runs.
    pub fn lease(self) -> Result<Lease, DbError> {
        let _control = self.control_lock()?;
        let users_path = self.sibling("users.lock");
        let users = open_lock_file(&users_path)?;
        users
            .lock_shared()
            .map_err(|e| DbError::io(&users_path, e))?;
        if !matches!(self.status(), Status::Running { .. }) {
            // A keep-running marker from before a crash or reboot no longer holds.
            remove_if_exists(&self.keep_running_marker())?;
        }
        let started = self.start_server()?;
        Ok(Lease {
            cluster: self,
            users: Some(users),
            started,
        })
    }

    /// `pledgeline db start`: start and leave running until `db stop`.
    pub fn start_detached(&self) -> Result<bool, DbError> {
        let _control = self.control_lock()?;
        let started = self.start_server()?;
        let marker = self.keep_running_marker();
        std::fs::write(&marker, "started by `pledgeline db start`\n")
            .map_err(|e| DbError::io(&marker, e))?;
        Ok(started)
    }

    /// `pledgeline db stop`: stop now, whoever started it. Refuses while other pledgeline
    /// processes use the cluster, unless `force`.
    pub fn stop(&self, force: bool) -> Result<bool, DbError> {
        let _control = self.control_lock()?;
        if !force && self.in_use()? {
            return Err(DbError::InUse {
                dir: self.data_dir.clone(),
            });
        }
        remove_if_exists(&self.keep_running_marker())?;
        self.stop_server()
    }

    /// Whether pledgeline processes hold leases on the cluster right now.
    pub fn in_use(&self) -> Result<bool, DbError> {
        let path = self.sibling("users.lock");
        if !path.exists() {
            return Ok(false);
        }
        let probe = open_lock_file(&path)?;
        match probe.try_lock() {
            Ok(()) => Ok(false),
            Err(TryLockError::WouldBlock) => Ok(true),
            Err(TryLockError::Error(e)) => Err(DbError::io(&path, e)),
        }
    }
}

/// A running cluster held by this process. Dropping it (or [`Lease::release`]) stops the
/// server when no other pledgeline process uses it and it was not started by hand.
#[derive(Debug)]
pub struct Lease {
    cluster: Cluster,
    users: Option<File>,
    started: bool,
}

impl Lease {
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// Whether this lease started the server (rather than finding it running).
    pub fn started_server(&self) -> bool {
        self.started
    }

    /// Give the cluster up; returns whether the server was stopped.
    pub fn release(mut self) -> Result<bool, DbError> {
        self.release_inner()
    }

    fn release_inner(&mut self) -> Result<bool, DbError> {
        let Some(users) = self.users.take() else {
            return Ok(false);
        };
        let _control = self.cluster.control_lock()?;
        drop(users); // closing the file drops this process's shared lock
        if self.cluster.in_use()? || self.cluster.keep_running_marker().exists() {
            return Ok(false);
        }
        self.cluster.stop_server()
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Err(e) = self.release_inner() {
            tracing::error!("could not stop the embedded PostgreSQL cleanly: {e}");
        }
    }
}

/// When root, a data directory created earlier by an ordinary user keeps running as that user;
/// otherwise the usual account for this process.
fn account_for(data_dir: &Path) -> Result<ServerAccount, DbError> {
    let account = ServerAccount::for_current_process()?;
    let Ok(meta) = std::fs::metadata(data_dir) else {
        return Ok(account);
    };
    if meta.uid() == account.uid {
        return Ok(account);
    }
    if account.switch && meta.uid() != 0 {
        let owner = nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(meta.uid()))
            .ok()
            .flatten();
        return Ok(ServerAccount {
            name: owner
                .map(|u| u.name)
                .unwrap_or_else(|| meta.uid().to_string()),
            uid: meta.uid(),
            gid: meta.gid(),
            switch: true,
        });
    }
    if account.switch {
        // Root owns it (e.g. created by hand as root): hand it to the server account.
        return Ok(account);
    }
    Err(DbError::WrongOwner {
        dir: data_dir.to_path_buf(),
        owner: meta.uid(),
    })
}

fn absolute(path: &Path) -> Result<PathBuf, DbError> {
    let abs = std::path::absolute(path).map_err(|e| DbError::io(path, e))?;
    // Resolve symlinks in the part that exists, so the socket path is the real one.
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return Ok(abs),
        }
    }
    let mut real = std::fs::canonicalize(existing).map_err(|e| DbError::io(existing, e))?;
    for name in rest.into_iter().rev() {
        real.push(name);
    }
    Ok(real)
}

/// Create `dir` and any missing parents with mode 0755 (whatever the umask), so that the server
/// account can pass through the folders pledgeline made.
fn create_enterable_dirs(dir: &Path) -> Result<(), DbError> {
    let missing: Vec<&Path> = dir.ancestors().take_while(|d| !d.exists()).collect();
    for d in missing.into_iter().rev() {
        match std::fs::create_dir(d) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                return Err(DbError::io(d, e));
            }
            _ => std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755))
                .map_err(|e| DbError::io(d, e))?,
        }
    }
    Ok(())
}

fn open_lock_file(path: &Path) -> Result<File, DbError> {
    if let Some(parent) = path.parent() {
        create_enterable_dirs(parent)?;
    }
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| DbError::io(path, e))
}

fn read_pid(path: &Path) -> Option<i32> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().next()?.trim().parse().ok().filter(|p| *p > 0)
}

/// Is `pid` a live PostgreSQL server running in `data_dir`? A zombie, an unrelated process
/// that reused the pid, or another cluster's server (after a reboot) is not.
fn is_postmaster_of(pid: i32, data_dir: &Path) -> bool {
    let proc = PathBuf::from(format!("/proc/{pid}"));
    let comm = std::fs::read_to_string(proc.join("comm")).unwrap_or_default();
    if !matches!(comm.trim(), "postgres" | "postmaster") {
        return false;
    }
    // The state follows the command name in parentheses: "123 (postgres) S ...".
    let stat = std::fs::read_to_string(proc.join("stat")).unwrap_or_default();
    let state = stat
        .rsplit_once(") ")
        .and_then(|(_, rest)| rest.chars().next());
    if matches!(state, Some('Z' | 'X') | None) {
        return false;
    }
    // The postmaster works in its data directory; when we may not look, trust the rest.
    match std::fs::read_link(proc.join("cwd")) {
        Ok(cwd) => cwd == data_dir,
        Err(_) => true,
    }
}

fn remove_if_exists(path: &Path) -> Result<(), DbError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(DbError::io(path, e)),
        _ => Ok(()),
    }
}

fn check(what: &'static str, out: &Output) -> Result<(), DbError> {
    if out.status.success() {
        return Ok(());
    }
    let mut detail = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if detail.is_empty() {
        detail = tail(&String::from_utf8_lossy(&out.stdout), 15);
    }
    Err(DbError::Command { what, detail })
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Bytes of memory this machine (Linux `/proc/meminfo`) or this container (cgroup v2
/// `memory.max`) may use, whichever is less; `None` when neither is known.
fn physical_memory() -> Option<u64> {
    let total = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        });
    let limit = std::fs::read_to_string("/sys/fs/cgroup/memory.max")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok()); // "max" when unlimited
    match (total, limit) {
        (Some(t), Some(l)) => Some(t.min(l)),
        (t, l) => t.or(l),
    }
}

/// `shared_buffers`: a quarter of physical memory, between PostgreSQL's default 128 MB and
/// 8 GB (PostgreSQL's own advice for a dedicated server). Linking reads a few thousand
/// scattered rows per document; at a million units, with the default 128 MB, each such read
/// went through the kernel's page cache and reading candidates took four times as long.
/// The memory is taken only as pages are used, so a small store costs no more.
fn memory_settings(memory: Option<u64>) -> String {
    const MIB: u64 = 1024 * 1024;
    let buffers = memory.map_or(128 * MIB, |m| (m / 4).clamp(128 * MIB, 8192 * MIB));
    format!("shared_buffers = '{}MB'\n", buffers / MIB)
}

/// `wal_compression`: `lz4` from PostgreSQL 15 on, else `pglz` (`on`). After a checkpoint the
/// first change to a page writes the whole page to the WAL; in a large store nearly every row
/// a new document touches is on a page of its own, and compressing ~1,000 such pages with
/// pglz took a fifth of the time of linking one document at a million units. lz4 compresses
/// about as well, many times faster.
fn wal_compression(data_dir: &Path) -> String {
    let major: Option<u32> = std::fs::read_to_string(data_dir.join("PG_VERSION"))
        .ok()
        .and_then(|v| v.trim().parse().ok());
    let method = if major.is_some_and(|m| m >= 15) {
        "lz4"
    } else {
        "on"
    };
    format!("wal_compression = {method}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_buffers_are_a_quarter_of_memory_within_bounds() {
        const GIB: u64 = 1024 * 1024 * 1024;
        assert_eq!(memory_settings(None), "shared_buffers = '128MB'\n");
        assert_eq!(memory_settings(Some(GIB / 4)), "shared_buffers = '128MB'\n");
        assert_eq!(
            memory_settings(Some(24 * GIB)),
            "shared_buffers = '6144MB'\n"
        );
        assert_eq!(
            memory_settings(Some(256 * GIB)),
            "shared_buffers = '8192MB'\n"
        );
    }

    #[test]
    fn urls_encode_the_socket_directory() {
        assert_eq!(percent_encode("/a b/pg"), "/a%20b/pg");
        assert_eq!(percent_encode("库"), "%E5%BA%93");
    }

    #[test]
    fn too_long_a_socket_path_is_refused_up_front() {
        let long = PathBuf::from("/tmp").join("x".repeat(120));
        let bins = PgBinaries {
            bindir: PathBuf::from("/nonexistent"),
        };
        let err = Cluster::new(&long, bins, true).unwrap_err().to_string();
        assert!(err.contains("--data-dir"), "{err}");
    }

    #[test]
    fn a_pid_that_is_not_postgres_is_stale() {
        let dir = Path::new("/");
        assert!(!is_postmaster_of(std::process::id() as i32, dir));
        assert!(!is_postmaster_of(i32::MAX, dir));
    }
}
