//! Progress reports on the demo data with fixed follow-ups: golden files of every format, the
//! workbook read back cell by cell, the CSV parsed back, the as-of semantics, the filters, and
//! the command line writing the same bytes as the web.
//!
//! `UPDATE_GOLDEN=1 cargo test --test api reports` rewrites the golden files
//! (`tests/fixtures/report/`) after a deliberate change; review their diff before committing.

use std::io::{Cursor, Read};
use std::path::PathBuf;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use pledgeline::analyst::accounts::Role;
use pledgeline::analyst::followups::{EvidenceItem, FollowupContent, FollowupStatus};
use pledgeline::store;
use serde_json::Value;
use sqlx::PgPool;

use crate::analysts::{add_user, trade_thread};
use crate::helpers::{TestApp, pledgeline};

const AS_OF: &str = "2026-01-01";

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn evidence(url: &str, title: &str, date: &str, excerpt: &str) -> EvidenceItem {
    EvidenceItem {
        url: url.into(),
        title: title.into(),
        date: Some(day(date)),
        excerpt: excerpt.into(),
    }
}

/// The thread whose title holds `words`.
async fn thread_titled(pool: &PgPool, words: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM threads WHERE mention_count > 0 AND title LIKE $1")
        .bind(format!("%{words}%"))
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("no thread titled …{words}…: {e}"))
}

/// Saves a follow-up version as `user` and dates it `at` (noon UTC), so that reports are
/// the same on every run.
async fn save(
    pool: &PgPool,
    thread: i64,
    followup: Option<i64>,
    content: FollowupContent,
    withdrawn: bool,
    at: &str,
) -> i64 {
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE name = 'wang'")
        .fetch_one(pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let id = match followup {
        None => store::followups::create(&mut conn, thread, user, &content)
            .await
            .unwrap(),
        Some(id) => {
            let last: i32 = sqlx::query_scalar(
                "SELECT max(version) FROM followup_versions WHERE followup_id = $1",
            )
            .bind(id)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
            assert!(
                store::followups::save_version(&mut conn, id, last, &content, withdrawn, user)
                    .await
                    .unwrap()
            );
            id
        }
    };
    let at = format!("{at} 12:00:00+00");
    sqlx::query(
        "UPDATE followup_versions SET edited_at = $2::timestamptz
         WHERE followup_id = $1 AND version = (SELECT max(version) FROM followup_versions
                                               WHERE followup_id = $1)",
    )
    .bind(id)
    .bind(&at)
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE followups SET created_at = least(created_at, $2::timestamptz) WHERE id = $1",
    )
    .bind(id)
    .bind(&at)
    .execute(&mut *conn)
    .await
    .unwrap();
    id
}

/// The demo data with the fixed follow-ups every test here reads.
struct Fixture {
    app: TestApp,
    trade: i64,
    meetings: i64,
    unclear: i64,
}

async fn fixture() -> Fixture {
    let app = TestApp::spawn_demo().await;
    let pool = &app.db.pool;
    add_user(pool, "wang", Role::Analyst).await;
    let trade = trade_thread(pool).await;
    let meetings = thread_titled(pool, "总理定期会晤机制").await;
    let unclear = thread_titled(pool, "一个中国政策").await;
    let first = evidence(
        "https://example.org/stat/2013",
        "2013年中哈贸易额286亿美元",
        "2013-12-31",
        "中哈双边贸易额达到286亿美元。",
    );
    let f = save(
        pool,
        trade,
        None,
        FollowupContent::new(
            FollowupStatus::InProgress,
            "=SUM(A1) Trade grew to $28.6 billion. <script>alert(1)</script> | pipes",
            vec![first.clone()],
            Some(day("2016-01-15")),
        )
        .unwrap(),
        false,
        "2014-02-01",
    )
    .await;
    save(
        pool,
        trade,
        Some(f),
        FollowupContent::new(
            FollowupStatus::NotFulfilled,
            "The 2015 target was missed: trade fell to $14.2 billion.",
            vec![
                first,
                evidence(
                    "https://example.org/stat/2015",
                    "2015年中哈贸易额142亿美元",
                    "2015-12-31",
                    "双边贸易额为142.9亿美元。",
                ),
            ],
            None,
        )
        .unwrap(),
        false,
        "2016-02-01",
    )
    .await;
    save(
        pool,
        meetings,
        None,
        FollowupContent::new(
            FollowupStatus::Fulfilled,
            "首次定期会晤已于2012年举行。",
            vec![evidence(
                "https://example.org/news/2012",
                "中哈总理第一次定期会晤",
                "2012-03-31",
                "两国总理举行第一次定期会晤。",
            )],
            None,
        )
        .unwrap(),
        false,
        "2012-04-02",
    )
    .await;
    let u = save(
        pool,
        unclear,
        None,
        FollowupContent::new(
            FollowupStatus::Unclear,
            "No source either way.",
            vec![],
            None,
        )
        .unwrap(),
        false,
        "2014-01-01",
    )
    .await;
    save(
        pool,
        unclear,
        Some(u),
        FollowupContent::new(
            FollowupStatus::Unclear,
            "Recorded by mistake.",
            vec![],
            None,
        )
        .unwrap(),
        true,
        "2014-02-01",
    )
    .await;
    Fixture {
        app,
        trade,
        meetings,
        unclear,
    }
}

async fn download(app: &TestApp, path: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let r = app.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    let headers = r.headers().clone();
    (headers, r.bytes().await.unwrap().to_vec())
}

async fn json(app: &TestApp, query: &str) -> Value {
    let (_, body) = download(app, &format!("/reports/progress.json?{query}")).await;
    serde_json::from_slice(&body).expect("the JSON report parses")
}

fn thread(report: &Value, id: i64) -> Option<&Value> {
    report["threads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
}

fn history(report: &Value, id: i64) -> &[Value] {
    report["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["thread"] == id)
        .and_then(|h| h["events"].as_array())
        .map_or(&[], |v| v.as_slice())
}

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/report")
        .join(name)
}

/// Compares `actual` with the golden file `name` (or rewrites it under `UPDATE_GOLDEN=1`).
fn golden(name: &str, actual: &[u8]) {
    let path = golden_path(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
    if expected != actual {
        let (e, a) = (
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(actual),
        );
        let line = e
            .lines()
            .zip(a.lines())
            .position(|(x, y)| x != y)
            .unwrap_or_else(|| e.lines().count().min(a.lines().count()));
        panic!(
            "{name} differs from its golden file at line {}:\n  golden: {:?}\n  actual: {:?}\n(UPDATE_GOLDEN=1 rewrites it after a deliberate change)",
            line + 1,
            e.lines().nth(line),
            a.lines().nth(line)
        );
    }
}

#[tokio::test]
async fn every_format_matches_its_golden_file() {
    let f = fixture().await;
    let q = format!("as_of={AS_OF}");
    for (ext, content_type) in [
        ("html", "text/html; charset=utf-8"),
        ("md", "text/markdown; charset=utf-8"),
        ("csv", "text/csv; charset=utf-8"),
        ("history.csv", "text/csv; charset=utf-8"),
        ("json", "application/json"),
    ] {
        let (headers, body) = download(&f.app, &format!("/reports/progress.{ext}?{q}")).await;
        assert_eq!(headers["content-type"], content_type, "{ext}");
        if ext != "html" {
            assert_eq!(
                headers["content-disposition"],
                format!("attachment; filename=\"pledgeline-progress-{AS_OF}.{ext}\"")
            );
        }
        golden(&format!("progress.{ext}"), &body);
    }
    // The page is the print-ready HTML report with the filters and downloads around it.
    let (_, page) = download(&f.app, &format!("/reports/progress?{q}")).await;
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains(r#"<form method="get" action="/reports/progress""#));
    assert!(page.contains(&format!(r#"href="/reports/progress.xlsx?{q}""#)));
    assert!(
        page.contains("report.css"),
        "the page links its print stylesheet"
    );
    let css = f.app.get("/static/report.css").await.text().await.unwrap();
    assert!(css.contains("@page") && css.contains("table-header-group"));
    // Script in a note is text in every format.
    for ext in ["html", "md"] {
        let body = std::fs::read_to_string(golden_path(&format!("progress.{ext}"))).unwrap();
        assert!(
            !body.contains("<script>alert"),
            "{ext} carries a live script"
        );
        assert!(body.contains("alert(1)"), "{ext} lost the note's text");
    }
    let _ = (f.trade, f.meetings, f.unclear);
}

#[tokio::test]
async fn the_csv_parses_back_with_its_chinese_intact_and_the_workbook_matches_it_cell_by_cell() {
    let f = fixture().await;
    let q = format!("as_of={AS_OF}");
    let report = json(&f.app, &q).await;
    let (_, threads_csv) = download(&f.app, &format!("/reports/progress.csv?{q}")).await;
    let (_, history_csv) = download(&f.app, &format!("/reports/progress.history.csv?{q}")).await;
    let parse = |bytes: &[u8]| -> Vec<Vec<String>> {
        assert!(
            bytes.starts_with("\u{feff}".as_bytes()),
            "a byte-order mark"
        );
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&bytes[3..])
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    };
    let threads = parse(&threads_csv);
    let events = parse(&history_csv);
    assert_eq!(threads[0][0], "Thread");
    assert_eq!(threads[0][1], "Title");
    let rows = report["threads"].as_array().unwrap();
    assert_eq!(threads.len() - 1, rows.len());
    for (csv_row, json_row) in threads[1..].iter().zip(rows) {
        assert_eq!(csv_row[0], json_row["id"].to_string());
        assert_eq!(csv_row[1], json_row["title"].as_str().unwrap());
    }
    let trade = threads
        .iter()
        .find(|r| r[0] == f.trade.to_string())
        .expect("the trade thread's row");
    assert!(
        trade[1].contains("双边贸易额提高到400亿美元"),
        "{}",
        trade[1]
    );
    assert_eq!(trade[9], "Not fulfilled");
    assert_eq!(trade[11], "-1");
    assert!(
        trade[12].contains("2015年中哈贸易额142亿美元"),
        "{}",
        trade[12]
    );
    let total_events: usize = report["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["events"].as_array().unwrap().len())
        .sum();
    assert_eq!(events.len() - 1, total_events);
    // A note that looks like a formula is text to a spreadsheet: the CSV guards it with an
    // apostrophe (the workbook holds it as a string: below).
    assert!(
        events
            .iter()
            .any(|r| r[6].starts_with("'=SUM(A1) Trade grew"))
    );
    assert!(events.iter().flatten().all(|cell| !cell.starts_with('=')));

    // The workbook: three sheets, every cell as in the CSV, dates as dates.
    let (_, xlsx) = download(&f.app, &format!("/reports/progress.xlsx?{q}")).await;
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx.clone())).unwrap();
    assert_eq!(book.sheet_names(), ["Summary", "Threads", "History"]);
    for (sheet, csv_rows) in [("Threads", &threads), ("History", &events)] {
        let range = book.worksheet_range(sheet).unwrap();
        assert_eq!(range.height(), csv_rows.len(), "{sheet} rows");
        for (r, csv_row) in csv_rows.iter().enumerate() {
            for (c, expected) in csv_row.iter().enumerate() {
                let cell = range.get((r, c)).unwrap_or(&Data::Empty);
                let got = match cell {
                    Data::String(s) => s.clone(),
                    Data::Float(x) => format!("{x}"),
                    Data::Int(n) => n.to_string(),
                    Data::DateTime(d) => {
                        assert!(r > 0);
                        d.as_datetime().unwrap().date().to_string()
                    }
                    Data::Empty => String::new(),
                    other => panic!("{sheet} {r},{c}: unexpected {other:?}"),
                };
                // The CSV guards formula-like text with an apostrophe; the workbook holds text.
                let expected = expected.strip_prefix('\'').unwrap_or(expected);
                assert_eq!(got, expected, "{sheet} row {r} column {c}");
            }
        }
    }
    let history = book.worksheet_range("History").unwrap();
    assert!((0..history.height()).any(|r| matches!(
        history.get((r, 6)),
        Some(Data::String(s)) if s.starts_with("=SUM(A1) Trade grew")
    )));
    // Dates are real dates, not text.
    let range = book.worksheet_range("Threads").unwrap();
    assert!(matches!(range.get((1, 4)), Some(Data::DateTime(_))));
    let summary = book.worksheet_range("Summary").unwrap();
    let figure = |label: &str| {
        (0..summary.height())
            .find(|&r| summary.get((r, 0)) == Some(&Data::String(label.into())))
            .and_then(|r| summary.get((r, 1)).cloned())
    };
    assert_eq!(
        figure("Threads tracked"),
        Some(Data::Float(report["summary"]["threads"].as_f64().unwrap()))
    );
    assert_eq!(
        figure("Overdue"),
        Some(Data::Float(report["summary"]["overdue"].as_f64().unwrap()))
    );
    // Frozen header rows, an autofilter over each table, and columns as wide as their text.
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    for (i, rows) in [(2, threads.len()), (3, events.len())] {
        let mut xml = String::new();
        zip.by_name(&format!("xl/worksheets/sheet{i}.xml"))
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        assert!(
            xml.contains(r#"ySplit="1""#) && xml.contains(r#"state="frozen""#),
            "sheet {i}"
        );
        let last = if i == 2 { 'P' } else { 'J' };
        assert!(
            xml.contains(&format!(r#"<autoFilter ref="A1:{last}{rows}"/>"#)),
            "sheet {i}"
        );
        // The title column fits the longest title (a Chinese character is two wide), up to 62.
        let width: f64 = xml
            .split("<col ")
            .find(|c| c.starts_with(r#"min="2" "#))
            .and_then(|c| c.split(r#"width=""#).nth(1))
            .and_then(|w| w.split('"').next())
            .and_then(|w| w.parse().ok())
            .expect("the second column's width");
        assert!(width > 40.0, "sheet {i}: title column {width} wide");
    }
}

#[tokio::test]
async fn a_report_as_of_a_date_leaves_out_later_mentions_and_follow_ups() {
    let f = fixture().await;
    let (trade, meetings, unclear) = (f.trade, f.meetings, f.unclear);

    // Before the 2012 communiqué: one mention each, and nothing fulfilled yet.
    let r = json(&f.app, "as_of=2011-12-31").await;
    let t = thread(&r, trade).unwrap();
    assert_eq!(t["mentions"], 1);
    assert_eq!(t["last_mentioned"], "2011-06-13");
    assert_eq!(t["status"], "open");
    assert_eq!(t["status_source"], "documents");
    assert_eq!(history(&r, trade).len(), 1);
    let m = thread(&r, meetings).unwrap();
    assert_eq!(
        m["status"], "open",
        "the communiqué that fulfils it is not known yet"
    );
    assert!(history(&r, meetings).iter().all(|e| e["type"] == "mention"));
    assert!(
        r["threads"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["first_stated"] == "2011-06-13")
    );
    assert_eq!(
        r["summary"]["new_mentions"],
        r["threads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["mentions"].as_i64().unwrap())
            .sum::<i64>()
    );

    // Before any document: no thread at all.
    let r = json(&f.app, "as_of=2010-01-01").await;
    assert_eq!(r["summary"]["threads"], 0);
    assert!(r["threads"].as_array().unwrap().is_empty());

    // The day before the first follow-up on the trade target, and the day of it.
    let r = json(&f.app, "as_of=2014-01-31").await;
    assert_eq!(thread(&r, trade).unwrap()["status"], "open");
    assert_eq!(thread(&r, trade).unwrap()["latest_evidence"], Value::Null);
    let r = json(&f.app, "as_of=2014-02-01").await;
    let t = thread(&r, trade).unwrap();
    assert_eq!(t["status"], "in_progress");
    assert_eq!(t["status_source"], "analyst");
    assert_eq!(t["score"], 0);
    assert_eq!(t["latest_evidence"]["title"], "2013年中哈贸易额286亿美元");
    assert_eq!(t["days_overdue"], Value::Null);
    let events = history(&r, trade);
    assert_eq!(events.len(), 3, "two mentions and version 1");
    assert_eq!(events[2]["status"], "in_progress");

    // Past the deadline, before the second version: overdue by the analyst's in-progress.
    let r = json(&f.app, "as_of=2016-01-31").await;
    let t = thread(&r, trade).unwrap();
    assert_eq!(t["status"], "in_progress");
    assert_eq!(t["days_overdue"], 31);
    let r = json(&f.app, "as_of=2016-02-01").await;
    let t = thread(&r, trade).unwrap();
    assert_eq!(t["status"], "not_fulfilled");
    assert_eq!(t["score"], -1);
    assert_eq!(t["days_overdue"], 32);
    assert_eq!(t["latest_evidence"]["title"], "2015年中哈贸易额142亿美元");
    assert_eq!(history(&r, trade).len(), 4);

    // A withdrawn follow-up stops counting, and stays in the history.
    let r = json(&f.app, "as_of=2014-01-15").await;
    assert_eq!(thread(&r, unclear).unwrap()["status"], "unclear");
    assert_eq!(
        r["summary"]["assessed"], 2,
        "the meetings and the unclear thread"
    );
    let r = json(&f.app, "as_of=2014-03-01").await;
    assert_eq!(thread(&r, unclear).unwrap()["status_source"], "documents");
    let withdrawn: Vec<_> = history(&r, unclear)
        .iter()
        .filter(|e| e["type"] == "followup")
        .map(|e| e["withdrawn"].as_bool().unwrap())
        .collect();
    assert_eq!(withdrawn, [false, true]);
}

#[tokio::test]
async fn filters_narrow_the_report_the_same_way_on_the_web_and_the_command_line() {
    let f = fixture().await;
    let all = json(&f.app, &format!("as_of={AS_OF}")).await;
    let ids = |r: &Value| -> Vec<i64> {
        r["threads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect()
    };
    let all_rows = all["threads"].as_array().unwrap();
    let matching = |f: &dyn Fn(&Value) -> bool| -> Vec<i64> {
        all_rows
            .iter()
            .filter(|t| f(t))
            .map(|t| t["id"].as_i64().unwrap())
            .collect()
    };
    let trade = json(&f.app, &format!("as_of={AS_OF}&topic=trade")).await;
    assert_eq!(ids(&trade), matching(&|t| t["topic"] == "trade"));
    assert!(ids(&trade).contains(&f.trade));
    assert_eq!(trade["summary"]["by_topic"].as_array().unwrap().len(), 1);
    let overdue = json(&f.app, &format!("as_of={AS_OF}&status=overdue")).await;
    assert_eq!(ids(&overdue), matching(&|t| !t["days_overdue"].is_null()));
    assert!(!ids(&overdue).is_empty());
    assert_eq!(overdue["summary"]["overdue"], overdue["summary"]["threads"]);
    let fulfilled = json(
        &f.app,
        &format!("as_of={AS_OF}&status=fulfilled,not_fulfilled"),
    )
    .await;
    assert_eq!(
        ids(&fulfilled),
        matching(&|t| t["status"] == "fulfilled" || t["status"] == "not_fulfilled")
    );
    let kz = json(&f.app, &format!("as_of={AS_OF}&party=KZ")).await;
    assert_eq!(
        ids(&kz),
        matching(&|t| t["parties"].as_array().unwrap().iter().any(|p| p == "KZ"))
    );
    // A period takes the threads mentioned within it; its new mentions are those within it.
    let p2012 = json(
        &f.app,
        &format!("as_of={AS_OF}&from=2012-01-01&to=2012-12-31"),
    )
    .await;
    assert_eq!(
        ids(&p2012),
        matching(&|t| t["last_mentioned"] == "2012-03-31")
    );
    let stated_2012 = matching(&|t| t["first_stated"].as_str().unwrap().starts_with("2012"));
    assert!(!stated_2012.is_empty());
    assert_eq!(p2012["summary"]["new_threads"], stated_2012.len());
    let in_2012: i64 = history_events_in(&all, "2012-03-31");
    assert_eq!(p2012["summary"]["new_mentions"], in_2012);

    // Nothing lost at the end of a small file: every row of a filtered CSV is there.
    for q in ["topic=trade", "status=fulfilled", "party=KZ&topic=energy"] {
        let r = json(&f.app, &format!("as_of={AS_OF}&{q}")).await;
        let rows = |bytes: Vec<u8>| {
            csv::ReaderBuilder::new()
                .from_reader(&bytes[3..])
                .records()
                .count()
        };
        let (_, threads) =
            download(&f.app, &format!("/reports/progress.csv?as_of={AS_OF}&{q}")).await;
        assert_eq!(rows(threads), r["threads"].as_array().unwrap().len(), "{q}");
        let (_, events) = download(
            &f.app,
            &format!("/reports/progress.history.csv?as_of={AS_OF}&{q}"),
        )
        .await;
        let all: usize = r["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["events"].as_array().unwrap().len())
            .sum();
        assert_eq!(rows(events), all, "{q}");
    }
    // A period between the two documents holds no mention: no thread, though many threads
    // were stated before it and mentioned after it.
    let between = json(
        &f.app,
        &format!("as_of={AS_OF}&from=2011-06-14&to=2012-03-30"),
    )
    .await;
    assert_eq!(between["summary"]["threads"], 0);

    // Bad filters get a 400 that says what is wrong.
    for (q, says) in [
        ("status=done", "not a status"),
        ("topic=weather", "not a known topic"),
        ("as_of=2016-02-30", "not a date"),
        ("from=2013-01-01&to=2012-01-01", "starts"),
    ] {
        let (status, body) = f.app.page(&format!("/reports/progress.csv?{q}")).await;
        assert_eq!(status, 400, "{q}");
        assert!(body.contains(says), "{q}: {body}");
    }
    assert_eq!(f.app.get("/reports/progress.pdf").await.status(), 404);

    // The command line writes the same report as the web.
    let dir = crate::helpers::scratch_dir();
    let out = dir.path().join("kz.csv");
    let run = pledgeline()
        .args(["report", "--database-url", &f.app.db.url, "--format", "csv"])
        .args([
            "--as-of",
            AS_OF,
            "--party",
            "KZ",
            "--status",
            "overdue,open",
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let q = format!("as_of={AS_OF}&party=KZ&status=overdue,open");
    let (_, web) = download(&f.app, &format!("/reports/progress.csv?{q}")).await;
    assert_eq!(std::fs::read(&out).unwrap(), web);
    let (_, web) = download(&f.app, &format!("/reports/progress.history.csv?{q}")).await;
    assert_eq!(
        std::fs::read(dir.path().join("kz.history.csv")).unwrap(),
        web
    );
    assert!(!dir.path().join("kz.csv.partial").exists());
    let run = pledgeline()
        .args([
            "report",
            "--database-url",
            &f.app.db.url,
            "--format",
            "json",
        ])
        .args(["--as-of", AS_OF, "--topic", "trade"])
        .output()
        .unwrap();
    assert!(run.status.success());
    let (_, web) = download(
        &f.app,
        &format!("/reports/progress.json?as_of={AS_OF}&topic=trade"),
    )
    .await;
    assert_eq!(run.stdout, web);
    // The HTML file stands alone: its print stylesheet inside, with table headers repeated
    // on every page, the appendix on a new page, and no links into the site.
    let run = pledgeline()
        .args(["report", "--database-url", &f.app.db.url, "--as-of", AS_OF])
        .output()
        .unwrap();
    assert!(run.status.success());
    let html = String::from_utf8(run.stdout).unwrap();
    for rule in [
        "@media print",
        "@page { size: A4 landscape",
        "thead { display: table-header-group; }",
        ".appendix { break-before: page; }",
    ] {
        assert!(html.contains(rule), "{rule}");
    }
    assert!(
        !html.contains("href=\"/"),
        "a report file links nowhere on the site"
    );
    assert!(html.contains("400亿美元"));
    let xlsx = dir.path().join("all.xlsx");
    let run = pledgeline()
        .args([
            "report",
            "--database-url",
            &f.app.db.url,
            "--format",
            "xlsx",
            "--lang",
            "zh",
        ])
        .arg("--out")
        .arg(&xlsx)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let book: Xlsx<_> = open_workbook_from_rs(Cursor::new(std::fs::read(&xlsx).unwrap())).unwrap();
    assert_eq!(book.sheet_names(), ["摘要", "线索", "历史"]);
    let run = pledgeline()
        .args([
            "report",
            "--database-url",
            &f.app.db.url,
            "--status",
            "done",
        ])
        .output()
        .unwrap();
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("“done” is not a status"));
}

/// How many mentions of the report's history are dated `date`.
fn history_events_in(report: &Value, date: &str) -> i64 {
    report["history"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|h| h["events"].as_array().unwrap())
        .filter(|e| e["type"] == "mention" && e["date"] == date)
        .count() as i64
}
