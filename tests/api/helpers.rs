//! Test support: one embedded PostgreSQL cluster per test run (started once, under the
//! cluster's own lock, through the same code the app uses), a migrated template database, and
//! a fresh database copied from it for every test, so tests never see each other's data.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection, PgPool};

use pledgeline::corpus::Corpus;
use pledgeline::db::{self, Cluster, Lease};
use pledgeline::extract::Extractor;

/// Where the shared test cluster and scratch folders live: `target/tmp`, unless the server
/// account can't enter it (a checkout under root's home) or its socket path would be too
/// long, then a folder of this checkout's own under the system's temp directory.
pub fn test_root() -> PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let account =
            db::account::ServerAccount::for_current_process().unwrap_or_else(|e| panic!("{e}"));
        // "/sXXXXXX/pg/.s.PGSQL.5432" is 26 bytes; the limit is 107.
        let fits = target.as_os_str().len() + 26 <= 107;
        if fits && account.blocked_ancestor(&target.join("pg")).is_none() {
            return target;
        }
        let tag = hex::encode(&Sha256::digest(target.as_os_str().as_encoded_bytes())[..4]);
        let root = std::env::temp_dir().join(format!("pledgeline-tests-{tag}"));
        std::fs::create_dir_all(&root).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
        root
    })
    .clone()
}

static LEASE: OnceLock<Mutex<Option<Lease>>> = OnceLock::new();

extern "C" fn release_cluster_at_exit() {
    if let Some(lease) = LEASE.get().and_then(|m| m.lock().ok()?.take()) {
        // Stops the server unless another test process still uses it.
        let _ = lease.release();
    }
}

/// The shared cluster, started on first use. A missing PostgreSQL fails loudly with the
/// app's own message.
pub fn cluster() -> Cluster {
    let lease = LEASE.get_or_init(|| {
        let dir = test_root().join("pg");
        let cluster = db::embedded_cluster(&dir, None, false)
            .unwrap_or_else(|e| panic!("cannot set up the test PostgreSQL cluster: {e}"));
        let lease = cluster
            .lease()
            .unwrap_or_else(|e| panic!("cannot start the test PostgreSQL cluster: {e}"));
        // SAFETY: registering a plain function with no captured state.
        unsafe { nix::libc::atexit(release_cluster_at_exit) };
        Mutex::new(Some(lease))
    });
    let guard = lease.lock().expect("lease lock");
    guard.as_ref().expect("cluster released").cluster().clone()
}

/// A template database holding the current migrations, built once per schema version.
static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

async fn admin(cluster: &Cluster) -> PgConnection {
    PgConnection::connect_with(&cluster.connect_options("postgres"))
        .await
        .expect("connect to the test cluster")
}

async fn template(cluster: &Cluster) -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let mut hash = Sha256::new();
            for m in db::MIGRATOR.iter() {
                hash.update(m.version.to_le_bytes());
                hash.update(&m.checksum);
            }
            let name = format!("tpl_{}", &hex::encode(hash.finalize())[..16]);
            let mut conn = admin(cluster).await;
            sqlx::query("SELECT pg_advisory_lock(727274)")
                .execute(&mut conn)
                .await
                .unwrap();
            drop_leftovers(&mut conn, &name).await;
            let exists: bool =
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                    .bind(&name)
                    .fetch_one(&mut conn)
                    .await
                    .unwrap();
            if !exists {
                let building = format!("{name}_building");
                exec(&mut conn, &format!("DROP DATABASE IF EXISTS {building}")).await;
                exec(&mut conn, &format!("CREATE DATABASE {building}")).await;
                let pool = db::connect_pool(cluster.connect_options(&building))
                    .await
                    .unwrap();
                db::MIGRATOR.run(&pool).await.expect("migrations apply");
                pool.close().await;
                exec(
                    &mut conn,
                    &format!("ALTER DATABASE {building} RENAME TO {name}"),
                )
                .await;
                exec(
                    &mut conn,
                    &format!("ALTER DATABASE {name} WITH IS_TEMPLATE true"),
                )
                .await;
            }
            sqlx::query("SELECT pg_advisory_unlock(727274)")
                .execute(&mut conn)
                .await
                .unwrap();
            name
        })
        .await
}

async fn exec(conn: &mut PgConnection, sql: &str) {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Drop databases of test processes that have exited, and templates of older schemas.
async fn drop_leftovers(conn: &mut PgConnection, current_template: &str) {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname FROM pg_database WHERE datname LIKE 't\\_%' OR datname LIKE 'tpl\\_%'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    for name in names {
        let stale = if let Some(rest) = name.strip_prefix("t_") {
            let pid = rest.split('_').next().unwrap_or("");
            !Path::new("/proc").join(pid).exists()
        } else {
            // Older schemas' templates, and their half-built copies; the current one's
            // half-built copy is rebuilt below.
            name != current_template && name != format!("{current_template}_building")
        };
        if stale {
            if name.starts_with("tpl_") {
                exec(
                    conn,
                    &format!("ALTER DATABASE {name} WITH IS_TEMPLATE false"),
                )
                .await;
            }
            exec(
                conn,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            )
            .await;
        }
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh, migrated database of this test's own.
pub struct TestDb {
    pub pool: PgPool,
    pub url: String,
}

pub async fn fresh_db() -> TestDb {
    let cluster = cluster();
    let template = template(&cluster).await;
    let name = format!(
        "t_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = admin(&cluster).await;
    exec(
        &mut conn,
        &format!("CREATE DATABASE {name} TEMPLATE {template}"),
    )
    .await;
    let _ = conn.close().await;
    let pool = db::connect_pool(cluster.connect_options(&name))
        .await
        .expect("connect to the test database");
    TestDb {
        url: cluster.url(&name),
        pool,
    }
}

/// The app served on a random port over a fresh database.
pub struct TestApp {
    pub address: String,
    pub db: TestDb,
    pub client: reqwest::Client,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(pledgeline::web::auth::AuthConfig::default()).await
    }

    /// The app with its own access rules (reading without login or not, session lengths).
    pub async fn spawn_with(auth: pledgeline::web::auth::AuthConfig) -> TestApp {
        let db = fresh_db().await;
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a random port");
        let port = listener.local_addr().unwrap().port();
        let server =
            pledgeline::startup::run(listener, corpus_of(&db.pool), auth).expect("build server");
        tokio::spawn(server);
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            db,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("request")
    }

    /// GET a page and return (status, body).
    pub async fn page(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// GET a page with the interface language chosen by its cookie; returns the body.
    pub async fn page_in(&self, lang: &str, path: &str) -> String {
        self.client
            .get(format!("{}{}", self.address, path))
            .header("Cookie", format!("lang={lang}"))
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("body")
    }

    /// Ingest a file from disk into this app's database.
    pub async fn ingest(&self, path: &Path) -> pledgeline::corpus::FileReport {
        corpus_of(&self.db.pool).ingest_path(path).await
    }

    /// The app over the two seeds (`SEED_2011`, `SEED_2012`), ingested and linked.
    pub async fn spawn_demo() -> TestApp {
        let app = TestApp::spawn().await;
        for seed in [SEED_2011, SEED_2012] {
            app.ingest(&sample(seed)).await.outcome.expect("ingests");
        }
        corpus_of(&app.db.pool).link_pending().await.expect("links");
        app
    }
}

/// A fixture file's path.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ingest")
        .join(name)
}

/// A sample of the demo corpus.
pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/corpus")
        .join(name)
}

/// A scratch directory the unprivileged server account can enter (tempdirs are 0700).
pub fn scratch_dir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(test_root()).unwrap();
    let dir = tempfile::Builder::new()
        .prefix("s")
        .tempdir_in(test_root())
        .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

pub const SEED_2012: &str = "000_6fb1bf50eb2ac061.txt";
pub const SEED_2011: &str = "001_e246b652d2346690.txt";
pub const TITLE_2012: &str = "中哈总理第一次定期会晤联合公报";
pub const TITLE_2011: &str = "中华人民共和国和哈萨克斯坦共和国关于发展全面战略伙伴关系的联合声明";

/// The `pledgeline` binary, with the environment's database settings cleared.
pub fn pledgeline() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_pledgeline"));
    cmd.env_remove("DATABASE_URL")
        .env_remove("PLEDGELINE_DATA_DIR")
        .env("RUST_LOG", "warn");
    cmd
}

/// The corpus over a pool, with the built-in lexicon and the default 16 MiB file limit.
pub fn corpus_of(pool: &PgPool) -> Corpus {
    Corpus::new(pool.clone(), Extractor::embedded())
}
