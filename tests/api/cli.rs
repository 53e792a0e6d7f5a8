//! The `pledgeline` binary as a user runs it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

use crate::helpers::{SEED_2011, SEED_2012, fixture, fresh_db, sample, scratch_dir};

fn pledgeline() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pledgeline"));
    cmd.env_remove("DATABASE_URL")
        .env_remove("PLEDGELINE_DATA_DIR")
        .env("RUST_LOG", "warn");
    cmd
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run pledgeline")
}

#[tokio::test]
async fn ingest_reports_every_bad_file_and_exits_non_zero() {
    let db = fresh_db().await;
    let dir = scratch_dir();
    std::fs::copy(sample(SEED_2011), dir.path().join(SEED_2011)).unwrap();
    std::fs::copy(
        fixture("000_6fb1bf50eb2ac061.gb18030.txt"),
        dir.path().join("gb.txt"),
    )
    .unwrap();
    let bad = [
        ("bad_unterminated.txt", "unterminated"),
        ("bad_mismatched_close.txt", "does not match"),
        ("bad_missing_body.txt", "no body"),
        ("bad_empty.txt", "empty"),
        ("bad_binary.txt", "binary"),
        ("bad_undecodable.txt", "encoding"),
    ];
    for (name, _) in bad {
        std::fs::copy(fixture(name), dir.path().join(name)).unwrap();
    }
    let out = run(pledgeline()
        .args(["ingest", "--database-url", &db.url])
        .arg(dir.path())
        .arg(dir.path().join("missing.txt")));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("ingested 2, unchanged 0, failed 7"),
        "{stdout}\n{stderr}"
    );
    for (name, reason) in bad {
        let line = stderr
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} reported: {stderr}"));
        assert!(line.to_lowercase().contains(reason), "{line}");
    }
    assert!(stderr.contains("missing.txt: no such file"), "{stderr}");

    // Again: everything good is unchanged; the file size limit is a clear error too.
    let out = run(pledgeline()
        .args(["ingest", "--database-url", &db.url, "--max-file-mib", "0"])
        .arg(dir.path().join(SEED_2011)));
    assert!(text(&out.stderr).contains("limit"), "{}", text(&out.stderr));
    let out = run(pledgeline()
        .args(["ingest", "--database-url", &db.url])
        .arg(dir.path().join(SEED_2011))
        .arg(dir.path().join("gb.txt")));
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("ingested 0, unchanged 2, failed 0"));
}

#[test]
fn no_server_binaries_is_one_clear_message() {
    let dir = scratch_dir();
    let out = run(pledgeline()
        .args(["ingest", "--pg-bin-dir"])
        .arg(dir.path())
        .arg("--data-dir")
        .arg(dir.path().join("pg"))
        .arg(sample(SEED_2012)));
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("apt-get install postgresql"), "{stderr}");
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

#[test]
fn db_commands_manage_the_cluster_by_hand() {
    let dir = scratch_dir();
    let data = dir.path().join("pg");
    let db = |action: &str| run(pledgeline().args(["db", action, "--data-dir"]).arg(&data));

    let status = db("status");
    assert_eq!(status.status.code(), Some(3));
    assert!(text(&status.stdout).contains("not created yet"));

    let start = db("start");
    assert!(start.status.success(), "{}", text(&start.stderr));
    let status = db("status");
    assert_eq!(status.status.code(), Some(0), "{}", text(&status.stdout));
    assert!(text(&status.stdout).contains("running (pid"));

    // `db url` works with psql, and the schema is there.
    let url = text(&db("url").stdout).trim().to_string();
    let psql = run(Command::new("psql").args([&url, "-XAtc", "SELECT count(*) FROM documents"]));
    assert!(psql.status.success(), "{}", text(&psql.stderr));
    assert_eq!(text(&psql.stdout).trim(), "0");

    // Started by hand: a command using it leaves it running.
    let out = run(pledgeline()
        .args(["ingest", "--data-dir"])
        .arg(&data)
        .arg(sample(SEED_2012)));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(db("status").status.code(), Some(0));

    let stop = db("stop");
    assert!(text(&stop.stdout).contains("stopped"));
    assert_eq!(db("status").status.code(), Some(3));
    assert!(text(&db("stop").stdout).contains("was not running"));

    // Not started by hand: the command stops it again when it is done.
    let out = run(pledgeline()
        .args(["ingest", "--data-dir"])
        .arg(&data)
        .arg(sample(SEED_2012)));
    assert!(
        text(&out.stdout).contains("unchanged 1"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(db("status").status.code(), Some(3));
}

#[test]
fn ctrl_c_stops_the_server_and_the_cluster_cleanly() {
    let dir = scratch_dir();
    let data = dir.path().join("pg");
    let mut child = pledgeline()
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("http://127.0.0.1:"), "{line}");
    let running = run(pledgeline().args(["db", "status", "--data-dir"]).arg(&data));
    assert_eq!(running.status.code(), Some(0));

    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::SIGINT,
    )
    .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let after = run(pledgeline().args(["db", "status", "--data-dir"]).arg(&data));
    assert_eq!(after.status.code(), Some(3), "{}", text(&after.stdout));
    assert!(!data.join("postmaster.pid").exists());
}

#[test]
fn demo_serves_the_sample_documents() {
    let dir = scratch_dir();
    let data = dir.path().join("pg");
    let mut child = pledgeline()
        .args(["demo", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut loaded = String::new();
    out.read_line(&mut loaded).unwrap();
    assert!(
        loaded.contains("ingested 2, unchanged 0, failed 0"),
        "{loaded}"
    );
    let mut serving = String::new();
    out.read_line(&mut serving).unwrap();
    let url = serving
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("address printed")
        .to_string();
    let list = reqwest::blocking_get(&url);
    assert!(list.contains(crate::helpers::TITLE_2011) && list.contains(crate::helpers::TITLE_2012));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::SIGTERM,
    )
    .unwrap();
    assert!(child.wait().unwrap().success());
}

/// A minimal blocking GET for tests that run outside an async runtime.
mod reqwest {
    pub fn blocking_get(url: &str) -> String {
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(async { ::reqwest::get(url).await.unwrap().text().await.unwrap() })
    }
}
