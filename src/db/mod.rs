//! The database pledgeline talks to: its own embedded PostgreSQL cluster by default, or any
//! server named by `DATABASE_URL` / `--database-url`. Either way the same migrations run.

pub mod account;
pub mod binaries;
pub mod cluster;

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

pub use cluster::{Cluster, Lease, Status};

/// The database pledgeline keeps its data in, inside the embedded cluster.
pub const DATABASE_NAME: &str = "pledgeline";

/// The schema, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "no PostgreSQL server binaries found (looked in {looked}). Install PostgreSQL \
         (e.g. `apt-get install postgresql`), name the directory holding initdb, pg_ctl and \
         postgres with --pg-bin-dir, or point DATABASE_URL at a running server"
    )]
    NoServerBinaries { looked: String },
    #[error(
        "running as root, but neither a `postgres` nor a `nobody` account exists to run \
         PostgreSQL as; create one (e.g. `useradd --system postgres`) or set DATABASE_URL"
    )]
    NoServerAccount,
    #[error(
        "the PostgreSQL server runs as `{account}`, which cannot reach {dir} because {blocked} \
         is closed to it; choose a --data-dir it can reach (e.g. under /var/lib or /srv)"
    )]
    Unreachable {
        account: String,
        dir: PathBuf,
        blocked: PathBuf,
    },
    #[error(
        "data directory {dir} belongs to user id {owner}; run pledgeline as that user or \
         choose another --data-dir"
    )]
    WrongOwner { dir: PathBuf, owner: u32 },
    #[error(
        "{dir} is not empty and holds no PostgreSQL cluster; choose an empty or new --data-dir"
    )]
    NotAClusterDir { dir: PathBuf },
    #[error(
        "the socket path {} is {len} bytes, over the system's limit of 107; choose a shorter \
         --data-dir", path.display()
    )]
    SocketPathTooLong { path: PathBuf, len: usize },
    #[error(
        "{} holds characters (such as {char:?}) that PostgreSQL's configuration cannot carry; \
         choose another --data-dir", dir.display()
    )]
    UnsafeDataDir { dir: PathBuf, char: char },
    #[error(
        "other pledgeline processes are using the cluster in {}; stop them first, or use \
         `pledgeline db stop --force`", dir.display()
    )]
    InUse { dir: PathBuf },
    #[error("{what} failed: {detail}")]
    Command { what: &'static str, detail: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid database URL: {0}")]
    BadUrl(#[source] sqlx::Error),
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("migrating the schema failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the database task failed: {0}")]
    Task(String),
}

impl DbError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        DbError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Which database to use: decided once from flags and environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    Embedded {
        data_dir: PathBuf,
        pg_bin_dir: Option<PathBuf>,
    },
    External {
        url: String,
    },
}

/// The embedded cluster for a data directory, with its binaries found.
pub fn embedded_cluster(
    data_dir: &Path,
    pg_bin_dir: Option<&Path>,
    durable: bool,
) -> Result<Cluster, DbError> {
    let bins = binaries::find(&binaries::SearchPaths::system(
        pg_bin_dir.map(Path::to_path_buf),
    ))?;
    Cluster::new(data_dir, bins, durable)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, DbError> + Send + 'static,
) -> Result<T, DbError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| DbError::Task(e.to_string()))?
}

/// An open, migrated database, and the embedded cluster it lives in (if any).
#[derive(Debug)]
pub struct Database {
    pub pool: PgPool,
    lease: Option<Lease>,
}

impl Database {
    /// Connect (starting the embedded cluster when needed), create the database if missing and
    /// bring the schema up to date.
    pub async fn open(target: &DatabaseTarget) -> Result<Database, DbError> {
        match target {
            DatabaseTarget::External { url } => {
                let options: PgConnectOptions = url.parse().map_err(DbError::BadUrl)?;
                let pool = migrated_pool(options).await?;
                Ok(Database { pool, lease: None })
            }
            DatabaseTarget::Embedded {
                data_dir,
                pg_bin_dir,
            } => {
                let cluster = embedded_cluster(data_dir, pg_bin_dir.as_deref(), true)?;
                let lease = blocking(move || cluster.lease()).await?;
                let ready = async {
                    create_database_if_missing(lease.cluster(), DATABASE_NAME).await?;
                    migrated_pool(lease.cluster().connect_options(DATABASE_NAME)).await
                }
                .await;
                match ready {
                    Ok(pool) => Ok(Database {
                        pool,
                        lease: Some(lease),
                    }),
                    Err(e) => {
                        // Give the cluster up off the async threads, then report.
                        let _ = blocking(move || lease.release()).await;
                        Err(e)
                    }
                }
            }
        }
    }

    /// Close the pool, then give the embedded cluster up (stopping it if nobody else uses it).
    pub async fn close(self) -> Result<(), DbError> {
        self.pool.close().await;
        if let Some(lease) = self.lease {
            blocking(move || lease.release()).await?;
        }
        Ok(())
    }
}

async fn migrated_pool(options: PgConnectOptions) -> Result<PgPool, DbError> {
    let pool = connect_pool(options).await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// A pool with settings suited to a web app on a small machine.
pub async fn connect_pool(options: PgConnectOptions) -> Result<PgPool, DbError> {
    // The app's queries are index lookups that JIT compilation does not speed up; it added
    // 14 ms to a link-sum query when linking a document at 100,000 units.
    let options = options
        .log_statements(tracing::log::LevelFilter::Trace)
        .options([("jit", "off")]);
    PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await
        .map_err(DbError::Connect)
}

/// Create `name` in the cluster unless it exists.
pub async fn create_database_if_missing(cluster: &Cluster, name: &str) -> Result<(), DbError> {
    let mut conn = PgConnection::connect_with(&cluster.connect_options("postgres"))
        .await
        .map_err(DbError::Connect)?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&mut conn)
            .await?;
    if !exists {
        let sql = format!("CREATE DATABASE {}", quote_ident(name));
        if let Err(e) = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await
        {
            // Another process may have created it between the check and now.
            let raced = e
                .as_database_error()
                .and_then(|d| d.code())
                .is_some_and(|c| c == "42P04");
            if !raced {
                return Err(e.into());
            }
        }
    }
    conn.close().await?;
    Ok(())
}

/// Quote an SQL identifier.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A new, migrated database `name` on the server `pool` connects to (a scratch database for
/// `pledgeline eval`); remove it with [`drop_database`].
pub async fn create_scratch(pool: &PgPool, name: &str) -> Result<PgPool, DbError> {
    let sql = format!("CREATE DATABASE {}", quote_ident(name));
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(pool)
        .await?;
    let options = pool.connect_options().as_ref().clone().database(name);
    migrated_pool(options).await
}

/// Drops database `name` on the server `pool` connects to, closing its sessions.
pub async fn drop_database(pool: &PgPool, name: &str) -> Result<(), DbError> {
    let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(name));
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(pool)
        .await?;
    Ok(())
}
