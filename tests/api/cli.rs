//! The `pledgeline` binary as a user runs it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

use crate::helpers::{SEED_2011, SEED_2012, fixture, fresh_db, pledgeline, sample, scratch_dir};

/// A running pledgeline process, killed if a test fails before stopping it.
struct Running(std::process::Child);

impl Running {
    fn spawn(cmd: &mut Command) -> Running {
        Running(cmd.spawn().expect("spawn pledgeline"))
    }

    fn signal(&self, signal: nix::sys::signal::Signal) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.0.id() as i32), signal).unwrap();
    }

    /// Wait for it to exit; a process that hangs is killed and fails the test instead of
    /// hanging the whole run.
    fn wait(mut self) -> std::process::ExitStatus {
        for _ in 0..1200 {
            if let Some(status) = self.0.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("pledgeline did not exit within a minute of being told to");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
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

/// Start `pledgeline COMMAND --bind 127.0.0.1:0` on `data`; returns the process, what it
/// printed before it started serving, and the address it serves at.
fn serving(command: &str, data: &std::path::Path) -> (Running, String, String) {
    let mut child = Running::spawn(
        pledgeline()
            .args([command, "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(data)
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    );
    let mut out = BufReader::new(child.0.stdout.take().unwrap());
    let mut before = String::new();
    loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "exited early: {before}"
        );
        if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
            return (child, before, url.to_string());
        }
        before.push_str(&line);
    }
}

/// `pledgeline db status`'s exit code: 0 running, 3 stopped.
fn db_status(data: &std::path::Path) -> Option<i32> {
    run(pledgeline().args(["db", "status", "--data-dir"]).arg(data))
        .status
        .code()
}

#[test]
fn ctrl_c_stops_the_server_and_the_cluster_cleanly() {
    let dir = scratch_dir();
    let data = dir.path().join("pg");
    let (child, _, url) = serving("serve", &data);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(db_status(&data), Some(0));
    // HEAD works like GET, without a body.
    assert_eq!(reqwest::head(&format!("{url}healthz")), 200);

    child.signal(nix::sys::signal::SIGINT);
    let status = child.wait();
    assert!(status.success(), "{status:?}");
    assert_eq!(db_status(&data), Some(3));
    assert!(!data.join("postmaster.pid").exists());
}

#[test]
fn demo_serves_the_sample_documents() {
    let dir = scratch_dir();
    let data = dir.path().join("pg");
    let (child, loaded, url) = serving("demo", &data);
    assert!(
        loaded.contains("ingested 2, unchanged 0, failed 0"),
        "{loaded}"
    );
    let list = reqwest::blocking_get(&format!("{url}documents"));
    assert!(list.contains(crate::helpers::TITLE_2011) && list.contains(crate::helpers::TITLE_2012));
    // The demo's analyst account, with a password printed once and never a fixed one.
    let password = loaded
        .lines()
        .find_map(|l| l.split("with the password ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no demo password in: {loaded}"))
        .to_owned();
    assert_eq!(password.chars().count(), 20, "{password}");
    assert_eq!(
        reqwest::login(&url, "demo", &password),
        303,
        "the demo account logs in"
    );
    assert_eq!(reqwest::login(&url, "demo", "wrong password!"), 401);
    // The dashboard shows the demo's commitments.
    let dashboard = reqwest::blocking_get(&url);
    assert!(dashboard.contains("commitments tracked") && dashboard.contains(r#"href="/threads/"#));
    child.signal(nix::sys::signal::SIGTERM);
    assert!(child.wait().success());
    assert_eq!(
        db_status(&data),
        Some(3),
        "the cluster stopped with the demo"
    );
}

/// Minimal blocking requests for tests that run outside an async runtime.
mod reqwest {
    fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Runtime::new().unwrap().block_on(f)
    }

    pub fn blocking_get(url: &str) -> String {
        block_on(async { ::reqwest::get(url).await.unwrap().text().await.unwrap() })
    }

    /// Logs in through the login form; the status of the login's answer.
    pub fn login(url: &str, name: &str, password: &str) -> u16 {
        block_on(async {
            let client = ::reqwest::Client::builder()
                .redirect(::reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let form = client.get(format!("{url}login")).send().await.unwrap();
            let cookie = form
                .headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find(|v| v.starts_with("pl_login="))
                .and_then(|v| v.split(';').next())
                .unwrap()
                .to_owned();
            let html = form.text().await.unwrap();
            let token = crate::analysts::csrf_of(&html).unwrap();
            let body = serde_urlencoded::to_string([
                ("name", name),
                ("password", password),
                ("csrf", &token),
            ])
            .unwrap();
            client
                .post(format!("{url}login"))
                .header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    }

    /// The status of a HEAD request, checking that no body came back.
    pub fn head(url: &str) -> u16 {
        block_on(async {
            let response = ::reqwest::Client::new().head(url).send().await.unwrap();
            let status = response.status().as_u16();
            assert!(response.bytes().await.unwrap().is_empty());
            status
        })
    }
}

#[test]
fn an_interrupted_ingest_stops_cleanly_and_keeps_whole_files() {
    let dir = scratch_dir();
    let data = dir.path().join("pg");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let seed = std::fs::read_to_string(sample(SEED_2012)).unwrap();
    for i in 0..400 {
        let article = seed.replacen("19807", &(500_000 + i).to_string(), 1);
        std::fs::write(corpus.join(format!("{i:04}.txt")), article).unwrap();
    }
    let mut child = Running::spawn(
        pledgeline()
            .args(["ingest", "-v", "--data-dir"])
            .arg(&data)
            .arg(&corpus)
            .stdout(Stdio::null())
            .stderr(Stdio::piped()),
    );
    let mut stderr = BufReader::new(child.0.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("ingested 1") {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "ingest ended early"
        );
    }
    child.signal(nix::sys::signal::SIGINT);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let status = child.wait();
    assert_eq!(status.code(), Some(130), "{rest}");
    assert!(rest.contains("interrupted"), "{rest}");
    assert_eq!(db_status(&data), Some(3), "the cluster stopped");

    // Running again finishes the job: what was stored is unchanged, the rest is added.
    let again = run(pledgeline()
        .args(["ingest", "--data-dir"])
        .arg(&data)
        .arg(&corpus));
    let summary = text(&again.stdout);
    let numbers: Vec<usize> = summary
        .trim()
        .split(", ")
        .map(|part| part.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(numbers[0] + numbers[1], 400, "{summary}");
    assert!(numbers[1] >= 1, "{summary}");
    assert_eq!(numbers[2], 0, "{summary}");
}

#[tokio::test]
async fn extract_re_extracts_every_document_in_place() {
    let db = fresh_db().await;
    let out = run(pledgeline()
        .args(["ingest", "--database-url", &db.url])
        .arg(sample(SEED_2011))
        .arg(sample(SEED_2012)));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(pledgeline().args(["extract", "--database-url", &db.url]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("extracted 2 documents (0 failed)"),
        "{stdout}"
    );
    assert!(stdout.contains("inserted 0, updated 0"), "{stdout}");
    assert!(stdout.contains("retired 0"), "{stdout}");
    // A lexicon directory that cannot be read is named in a one-line error.
    let dir = scratch_dir();
    std::fs::write(dir.path().join("topics.toml"), "[[topic]]\nid = 1\n").unwrap();
    let out = run(pledgeline()
        .args(["extract", "--database-url", &db.url, "--lexicon-dir"])
        .arg(dir.path()));
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("topics.toml"), "{stderr}");
}

#[tokio::test]
async fn user_commands_add_list_change_and_disable_accounts() {
    let db = fresh_db().await;
    let user = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = pledgeline();
        cmd.arg("user").args(args).args(["--database-url", &db.url]);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        {
            use std::io::Write;
            let mut input = child.stdin.take().unwrap();
            if let Some(s) = stdin {
                input.write_all(s.as_bytes()).unwrap();
            }
        }
        child.wait_with_output().unwrap()
    };
    let out = user(
        &["add", "li.wei", "--role", "admin", "--password-stdin"],
        Some("a long enough password\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("added li.wei (admin)"));
    // Stored as an argon2id hash, never as given.
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE name = 'li.wei'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains("a long enough password"));
    // Bad input: each a one-line error, nothing written.
    let out = user(
        &["add", "li.wei", "--role", "viewer", "--password-stdin"],
        Some("another long password\n"),
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("already an account named li.wei"),
        "{}",
        text(&out.stderr)
    );
    let out = user(
        &["add", "short", "--role", "viewer", "--password-stdin"],
        Some("short\n"),
    );
    assert!(
        text(&out.stderr).contains("at least 10 characters"),
        "{}",
        text(&out.stderr)
    );
    let out = user(
        &["add", "x y", "--role", "viewer", "--password-stdin"],
        Some("a long enough password\n"),
    );
    assert!(
        text(&out.stderr).contains("account name"),
        "{}",
        text(&out.stderr)
    );
    // Without a terminal and without --password-stdin: refused, with the way out.
    let out = user(&["add", "bo", "--role", "viewer"], None);
    assert!(
        text(&out.stderr).contains("--password-stdin"),
        "{}",
        text(&out.stderr)
    );
    let out = user(
        &["add", "bo", "--role", "viewer", "--password-stdin"],
        Some("bo's long password\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = user(&["set-role", "bo", "analyst"], None);
    assert!(
        text(&out.stdout).contains("bo is now analyst"),
        "{}",
        text(&out.stderr)
    );
    // The last admin keeps the role.
    let out = user(&["set-role", "li.wei", "viewer"], None);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("last administrator"),
        "{}",
        text(&out.stderr)
    );
    let out = user(&["disable", "bo"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = user(&["list"], None);
    let listing = text(&out.stdout);
    assert!(
        listing.contains("li.wei") && listing.contains("admin"),
        "{listing}"
    );
    assert!(
        listing
            .lines()
            .any(|l| l.starts_with("bo ") && l.contains("analyst") && l.contains("disabled")),
        "{listing}"
    );
    let out = user(&["disable", "nobody"], None);
    assert!(text(&out.stderr).contains("no account named nobody"));
    // Every change is in the audit log, with the command line as the actor.
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE actor LIKE 'cli:%' ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        actions,
        ["user.add", "user.add", "user.role", "user.disable"]
    );
}
