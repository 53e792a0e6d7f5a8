//! The Atom feeds, read back with an Atom parser: required elements, the demo's overdue
//! threads and mentions, a thread's mentions and follow-ups, escaping, Chinese text, a merged
//! thread's feed, 404s and conditional GETs.

use atom_syndication::Feed;
use pledgeline::analyst::accounts::Role;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};

use crate::analysts::{PASSWORD, add_user, trade_thread};
use crate::helpers::TestApp;

const ATOM: &str = "application/atom+xml; charset=utf-8";

/// GETs a feed, checks its content type and parses it: (feed, the XML as sent).
async fn feed(app: &TestApp, path: &str) -> (Feed, String) {
    let r = app.get(path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    assert_eq!(r.headers()[CONTENT_TYPE], ATOM, "{path}");
    let xml = r.text().await.unwrap();
    let feed: Feed = xml
        .parse()
        .unwrap_or_else(|e| panic!("{path} is not Atom: {e}\n{xml}"));
    (feed, xml)
}

/// What RFC 4287 requires of a feed and its entries, with absolute links.
fn check_required(feed: &Feed, app: &TestApp, path: &str) {
    assert!(feed.id().starts_with("tag:"), "{}", feed.id());
    assert!(!feed.title().as_str().is_empty());
    assert!(!feed.authors().is_empty() && !feed.authors()[0].name().is_empty());
    let link = |rel: &str| {
        feed.links()
            .iter()
            .find(|l| l.rel() == rel)
            .unwrap_or_else(|| panic!("{path} has no {rel} link"))
            .href()
            .to_owned()
    };
    assert_eq!(link("self"), format!("{}{path}", app.address));
    assert!(link("alternate").starts_with(&format!("{}/", app.address)));
    let mut ids = std::collections::HashSet::new();
    for e in feed.entries() {
        assert!(e.id().starts_with("tag:"), "{}", e.id());
        assert!(ids.insert(e.id().to_owned()), "{} twice", e.id());
        assert!(!e.title().as_str().is_empty());
        let href = e.links().first().expect("an entry's link").href();
        assert!(href.starts_with(&format!("{}/", app.address)), "{href}");
        let content = e.content().expect("an entry's content");
        assert_eq!(content.content_type(), Some("text"));
        assert!(!content.value().unwrap_or("").is_empty());
    }
    // Newest first; the feed no older than its newest entry.
    let updated: Vec<_> = feed.entries().iter().map(|e| *e.updated()).collect();
    assert!(updated.windows(2).all(|w| w[0] >= w[1]), "{updated:?}");
    if let Some(newest) = updated.first() {
        assert!(feed.updated() >= newest);
    }
}

fn content(e: &atom_syndication::Entry) -> &str {
    e.content().and_then(|c| c.value()).unwrap_or("")
}

#[tokio::test]
async fn the_overdue_feed_holds_the_threads_overdue_today() {
    let app = TestApp::spawn_demo().await;
    let today = chrono::Local::now().date_naive();
    let expected: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, title FROM threads WHERE retired_at IS NULL AND mention_count > 0
           AND thread_status(fulfilled_on, advanced_on, deadline, $1) = 'overdue'
         ORDER BY deadline DESC, id DESC",
    )
    .bind(today)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert!(!expected.is_empty(), "the demo has a deadline in the past");
    let (feed, _) = feed(&app, "/feeds/overdue.atom").await;
    check_required(&feed, &app, "/feeds/overdue.atom");
    let got: Vec<(String, String)> = feed
        .entries()
        .iter()
        .map(|e| {
            (
                e.links()[0].href().to_owned(),
                e.title().as_str().to_owned(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = expected
        .iter()
        .map(|(id, title)| (format!("{}/threads/{id}", app.address), title.clone()))
        .collect();
    assert_eq!(got, want);
    for e in feed.entries() {
        assert!(content(e).contains("days overdue"), "{}", content(e));
        assert!(content(e).contains("Deadline: "), "{}", content(e));
    }
    // In Chinese for a reader that asks for it; the titles are the documents' words as ever.
    let r = app
        .client
        .get(format!("{}/feeds/overdue.atom", app.address))
        .header("Accept-Language", "zh-CN,zh;q=0.9")
        .send()
        .await
        .unwrap();
    let zh: Feed = r.text().await.unwrap().parse().unwrap();
    assert!(zh.title().as_str().contains("逾期承诺"));
    assert!(content(&zh.entries()[0]).contains("天逾期"));
    assert_eq!(zh.entries()[0].title().as_str(), expected[0].1);
}

#[tokio::test]
async fn the_mentions_feed_holds_every_mention_but_origins_with_its_quote() {
    let app = TestApp::spawn_demo().await;
    let expected: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT m.commitment_id, m.thread_id, c.text FROM thread_mentions m
         JOIN commitments c ON c.id = m.commitment_id WHERE m.relation <> 'origin'",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert!(
        !expected.is_empty() && expected.len() <= 100,
        "{} mentions",
        expected.len()
    );
    let (feed, _) = feed(&app, "/feeds/mentions.atom").await;
    check_required(&feed, &app, "/feeds/mentions.atom");
    assert_eq!(feed.entries().len(), expected.len());
    for (unit, thread, text) in &expected {
        let e = feed
            .entries()
            .iter()
            .find(|e| e.id().ends_with(&format!("/mention/{unit}/{thread}")))
            .unwrap_or_else(|| panic!("mention of unit {unit} missing"));
        assert!(content(e).contains(text.as_str()), "{}", content(e));
        assert!(
            e.links()[0]
                .href()
                .starts_with(&format!("{}/threads/{thread}", app.address)),
            "{}",
            e.links()[0].href()
        );
        assert!(content(e).contains("Relation: "));
        assert!(
            !content(e).contains("Relation: Origin"),
            "no origins: {}",
            content(e)
        );
    }
    // The newest document's first: the 2012 communiqué was stored after the 2011 statement.
    let documents: Vec<i64> = feed
        .entries()
        .iter()
        .map(|e| {
            let related = e.links().iter().find(|l| l.rel() == "related").unwrap();
            related.href().rsplit('/').next().unwrap().parse().unwrap()
        })
        .collect();
    assert!(documents.windows(2).all(|w| w[0] >= w[1]), "{documents:?}");
    let (_, first_title): (i64, String) =
        sqlx::query_as("SELECT id, title FROM documents ORDER BY ingested_at DESC LIMIT 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(first_title, crate::helpers::TITLE_2012);
    assert!(content(&feed.entries()[0]).contains(crate::helpers::TITLE_2012));
}

#[tokio::test]
async fn a_thread_feed_lists_its_mentions_and_follow_ups_escaped() {
    let app = TestApp::spawn_demo().await;
    let pool = &app.db.pool;
    add_user(pool, "ana", Role::Analyst).await;
    let ana = app.login("ana", PASSWORD).await;
    let thread = trade_thread(pool).await;
    let path = format!("/threads/{thread}/feed.atom");
    let (before, _) = feed(&app, &path).await;
    let note = "Customs say <script>alert('x')</script> & \"more\" — 贸易额增长";
    let r = app
        .post_form(
            &format!("/threads/{thread}/followups"),
            Some(&ana.cookie),
            &[
                ("csrf", &ana.csrf),
                ("status", "in_progress"),
                ("note", note),
                ("ev0_url", "https://example.org/customs?year=2012&lang=zh"),
                ("ev0_title", "海关统计 2012"),
                ("ev0_date", "2013-01-10"),
                ("ev0_excerpt", "中哈贸易额257亿美元"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (feed, xml) = feed(&app, &path).await;
    check_required(&feed, &app, &path);
    // Every mention, and the follow-up, newest (the follow-up) first.
    let mentions: Vec<(i64, String)> = sqlx::query_as(
        "SELECT m.commitment_id, c.text FROM thread_mentions m
         JOIN commitments c ON c.id = m.commitment_id WHERE m.thread_id = $1",
    )
    .bind(thread)
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(mentions.len() >= 2);
    assert_eq!(feed.entries().len(), mentions.len() + 1);
    assert_eq!(before.entries().len(), mentions.len());
    for (unit, text) in &mentions {
        let e = feed
            .entries()
            .iter()
            .find(|e| e.id().ends_with(&format!("/mention/{unit}/{thread}")))
            .unwrap_or_else(|| panic!("mention of unit {unit} missing"));
        assert!(content(e).contains(text.as_str()));
    }
    let title: String = sqlx::query_scalar("SELECT title FROM threads WHERE id = $1")
        .bind(thread)
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(feed.title().as_str().contains(&title), "Chinese intact");
    let f = &feed.entries()[0];
    assert!(f.id().contains("/followup/"), "{}", f.id());
    assert_eq!(f.title().as_str(), "Follow-up: In progress");
    assert_eq!(f.authors()[0].name(), "ana");
    let text = content(f);
    assert!(text.contains("Status: In progress\nAnalyst: ana"), "{text}");
    assert!(text.contains(note), "the note round-trips: {text}");
    assert!(
        text.contains("海关统计 2012 (2013-01-10) <https://example.org/customs?year=2012&lang=zh>"),
        "{text}"
    );
    assert!(text.contains("中哈贸易额257亿美元"), "{text}");
    assert!(
        f.links()[0]
            .href()
            .starts_with(&format!("{}/threads/{thread}#f", app.address))
    );
    // Escaped in the XML itself: no markup of the note's gets through.
    assert!(!xml.contains("<script>"));
    assert!(
        xml.contains("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;more&quot;")
    );
    // The thread page and the list point readers to their feeds, in both languages.
    let (_, page) = app.page(&format!("/threads/{thread}")).await;
    assert!(page.contains(&format!(
        r#"<link rel="alternate" type="application/atom+xml" title="This commitment (Atom feed)" href="/threads/{thread}/feed.atom">"#
    )));
    assert!(page.contains("Follow in a feed reader"));
    let list = app.page_in("zh", "/threads").await;
    assert!(list.contains(r#"href="/feeds/overdue.atom""#));
    assert!(list.contains(r#"href="/feeds/mentions.atom""#));
    assert!(list.contains("用订阅阅读器关注"));
    let (_, home) = app.page("/").await;
    assert!(home.contains(r#"type="application/atom+xml" title="New mentions (Atom feed)" href="/feeds/mentions.atom""#));
}

#[tokio::test]
async fn unknown_threads_are_404_and_a_merged_thread_leads_to_its_successor() {
    let app = TestApp::spawn_demo().await;
    let pool = &app.db.pool;
    for path in ["/threads/999999999/feed.atom", "/threads/abc/feed.atom"] {
        assert_eq!(
            app.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    add_user(pool, "ana", Role::Analyst).await;
    let ana = app.login("ana", PASSWORD).await;
    let thread = trade_thread(pool).await;
    let second_unit: i64 = sqlx::query_scalar(
        "SELECT commitment_id FROM thread_mentions WHERE thread_id = $1 AND position = 1",
    )
    .bind(thread)
    .fetch_one(pool)
    .await
    .unwrap();
    // Split the thread, note on the split-off part, undo the split: that part is merged back.
    let unit = second_unit.to_string();
    let r = app
        .post_form(
            &format!("/threads/{thread}/split"),
            Some(&ana.cookie),
            &[("csrf", &ana.csrf), ("unit", &unit)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let second: i64 =
        sqlx::query_scalar("SELECT thread_id FROM thread_mentions WHERE commitment_id = $1")
            .bind(second_unit)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_ne!(second, thread);
    let r = app
        .post_form(
            &format!("/threads/{second}/followups"),
            Some(&ana.cookie),
            &[
                ("csrf", &ana.csrf),
                ("status", "unclear"),
                ("note", "on the split-off part"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (split_feed, _) = feed(&app, &format!("/threads/{second}/feed.atom")).await;
    assert_eq!(
        split_feed.entries().len(),
        2,
        "its mention and the follow-up"
    );
    let split: i64 = sqlx::query_scalar("SELECT id FROM link_decisions WHERE kind = 'split'")
        .fetch_one(pool)
        .await
        .unwrap();
    let r = app.undo(&ana, split).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app.get(&format!("/threads/{second}/feed.atom")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()[reqwest::header::LOCATION],
        format!("/threads/{thread}/feed.atom").as_str()
    );
    // The page and the JSON API lead there too (one rule for all three).
    let r = app.get(&format!("/threads/{second}")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()[reqwest::header::LOCATION],
        format!("/threads/{thread}").as_str()
    );
    let r = app.get(&format!("/api/v1/threads/{second}")).await;
    assert_eq!(r.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        r.headers()[reqwest::header::LOCATION],
        format!("/api/v1/threads/{thread}").as_str()
    );
    // The successor's feed carries the merged part's follow-up, on its own page.
    let (merged, _) = feed(&app, &format!("/threads/{thread}/feed.atom")).await;
    let f = merged
        .entries()
        .iter()
        .find(|e| e.id().contains("/followup/"))
        .expect("the merged follow-up");
    assert!(content(f).contains("on the split-off part"));
    assert!(
        f.links()[0]
            .href()
            .starts_with(&format!("{}/threads/{thread}#f", app.address))
    );
}

#[tokio::test]
async fn feeds_answer_conditional_gets_and_name_the_scheme_the_proxy_was_reached_by() {
    let app = TestApp::spawn_demo().await;
    let pool = &app.db.pool;
    let thread = trade_thread(pool).await;
    let url = format!("{}/threads/{thread}/feed.atom", app.address);
    let first = app.client.get(&url).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()[ETAG].to_str().unwrap().to_owned();
    let modified = first.headers()[LAST_MODIFIED].to_str().unwrap().to_owned();
    // The labels follow the reader's language: caches must keep the languages apart.
    let vary: Vec<&str> = first
        .headers()
        .get_all(reqwest::header::VARY)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        vary.iter().any(|v| v.contains("Accept-Language")),
        "{vary:?}"
    );
    let get_with = |name: reqwest::header::HeaderName, value: String| {
        let request = app.client.get(&url).header(name, value);
        async move { request.send().await.unwrap() }
    };
    let r = get_with(IF_NONE_MATCH, etag.clone()).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(r.headers()[ETAG].to_str().unwrap(), etag);
    assert!(r.text().await.unwrap().is_empty());
    // HEAD: the same headers, no body.
    let r = app.client.head(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CONTENT_TYPE], ATOM);
    assert_eq!(r.headers()[ETAG].to_str().unwrap(), etag);
    assert!(r.text().await.unwrap().is_empty());
    let r = get_with(IF_NONE_MATCH, "\"something-else\"".into()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = get_with(IF_MODIFIED_SINCE, modified.clone()).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let r = get_with(IF_MODIFIED_SINCE, "Mon, 01 Jan 2001 00:00:00 GMT".into()).await;
    assert_eq!(r.status(), StatusCode::OK);
    // The overdue feed loses entries with no date saying so (a thread fulfilled today): only
    // its tag can say the reader is up to date.
    let overdue = format!("{}/feeds/overdue.atom", app.address);
    let r = app.client.get(&overdue).send().await.unwrap();
    let (tag, since) = (
        r.headers()[ETAG].to_str().unwrap().to_owned(),
        r.headers()[LAST_MODIFIED].to_str().unwrap().to_owned(),
    );
    let r = app
        .client
        .get(&overdue)
        .header(IF_MODIFIED_SINCE, since)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .client
        .get(&overdue)
        .header(IF_NONE_MATCH, tag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    // A follow-up changes the feed: the old tag no longer matches.
    add_user(pool, "ana", Role::Analyst).await;
    let ana = app.login("ana", PASSWORD).await;
    let r = app
        .post_form(
            &format!("/threads/{thread}/followups"),
            Some(&ana.cookie),
            &[("csrf", &ana.csrf), ("status", "unclear"), ("note", "n")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = get_with(IF_NONE_MATCH, etag.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_ne!(r.headers()[ETAG].to_str().unwrap(), etag);
    // Behind a TLS proxy the links say https.
    let r = get_with(
        reqwest::header::HeaderName::from_static("x-forwarded-proto"),
        "https".into(),
    )
    .await;
    let feed: Feed = r.text().await.unwrap().parse().unwrap();
    let host = app.address.trim_start_matches("http://");
    let own = feed.links().iter().find(|l| l.rel() == "self").unwrap();
    assert_eq!(
        own.href(),
        format!("https://{host}/threads/{thread}/feed.atom")
    );
}
