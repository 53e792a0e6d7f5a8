//! The embedded cluster's life cycle, each test on a data directory of its own.

use pledgeline::db::{self, Cluster, Database, DatabaseTarget, Lease, Status};
use sqlx::Connection;

use crate::helpers::{SEED_2011, corpus_of, sample, scratch_dir};

/// A throwaway cluster in a scratch folder of its own (not started yet).
fn new_cluster() -> (tempfile::TempDir, Cluster) {
    let dir = scratch_dir();
    let cluster = db::embedded_cluster(&dir.path().join("pg"), None, false).unwrap();
    (dir, cluster)
}

/// Lease the cluster off the async threads, as the app does.
async fn lease_of(cluster: &Cluster) -> Lease {
    let c = cluster.clone();
    tokio::task::spawn_blocking(move || c.lease())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_second_user_reuses_the_running_cluster_and_the_last_one_stops_it() {
    let (_dir, cluster) = new_cluster();
    let first = lease_of(&cluster).await;
    let second = lease_of(&cluster).await;
    assert!(first.started_server());
    assert!(!second.started_server(), "reused, not started twice");
    let pid = match cluster.status() {
        Status::Running { pid } => pid,
        other => panic!("{other:?}"),
    };
    assert!(
        !first.release().unwrap(),
        "another user remains: keep running"
    );
    assert_eq!(cluster.status(), Status::Running { pid });
    assert!(second.release().unwrap(), "the last user stops it");
    assert_eq!(cluster.status(), Status::Stopped);
}

#[tokio::test]
async fn data_survives_a_restart() {
    let dir = scratch_dir();
    let target = DatabaseTarget::Embedded {
        data_dir: dir.path().join("pg"),
        pg_bin_dir: None,
    };
    let database = Database::open(&target).await.unwrap();
    corpus_of(&database.pool)
        .ingest_path(&sample(SEED_2011))
        .await
        .outcome
        .unwrap();
    database.close().await.unwrap();
    let cluster = db::embedded_cluster(&dir.path().join("pg"), None, true).unwrap();
    assert_eq!(
        cluster.status(),
        Status::Stopped,
        "closing stopped the server"
    );

    let database = Database::open(&target).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM documents")
        .fetch_one(&database.pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
    database.close().await.unwrap();
}

#[tokio::test]
async fn a_stale_pid_file_from_a_crash_is_recovered_from() {
    let (dir, cluster) = new_cluster();
    let data = dir.path().join("pg");
    // Crash 1: the server is killed outright.
    let lease = lease_of(&cluster).await;
    let Status::Running { pid } = cluster.status() else {
        panic!("running")
    };
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::SIGKILL).unwrap();
    for _ in 0..100 {
        if !matches!(cluster.status(), Status::Running { .. }) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::mem::forget(lease); // its owner "crashed" too
    assert!(
        matches!(cluster.status(), Status::Stale { .. }),
        "{:?}",
        cluster.status()
    );

    // Crash 2: the pid in postmaster.pid now belongs to an unrelated live process.
    let pidfile = data.join("postmaster.pid");
    if pidfile.exists() {
        let text = std::fs::read_to_string(&pidfile).unwrap();
        let rest = text.split_once('\n').map(|x| x.1).unwrap_or("");
        std::fs::write(&pidfile, format!("{}\n{rest}", std::process::id())).unwrap();
    }
    let lease = lease_of(&cluster).await;
    assert!(lease.started_server());
    assert!(matches!(cluster.status(), Status::Running { .. }));
    let mut conn = sqlx::PgConnection::connect_with(&cluster.connect_options("postgres"))
        .await
        .unwrap();
    let one: i32 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(one, 1);
    drop(conn);
    // The earlier lease's lock went with its (forgotten) file handle only at exit; stop by hand.
    cluster.stop(true).unwrap();
    drop(lease);
}

#[tokio::test]
async fn db_stop_refuses_while_the_cluster_is_in_use() {
    let (dir, cluster) = new_cluster();
    let data = dir.path().join("pg");
    let lease = lease_of(&cluster).await;
    let stop = |force: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_pledgeline"));
        cmd.args(["db", "stop", "--data-dir"])
            .arg(&data)
            .env("RUST_LOG", "warn");
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    let refused = stop(false);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert!(matches!(cluster.status(), Status::Running { .. }));
    assert!(stop(true).status.success());
    assert_eq!(cluster.status(), Status::Stopped);
    drop(lease);
}
