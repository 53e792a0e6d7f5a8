//! The timeline pages over the demo data: dashboard, threads list and filters, one thread,
//! the language switch, and escaping of document text.

use crate::helpers::{TestApp, corpus_of};

/// The app over the two seeds, ingested and linked.
async fn demo_app() -> TestApp {
    TestApp::spawn_demo().await
}

/// The ids of the threads a page links to, in page order.
fn thread_links(body: &str) -> Vec<i64> {
    body.match_indices("href=\"/threads/")
        .filter_map(|(i, m)| {
            let rest = &body[i + m.len()..];
            rest[..rest.find('"')?].parse().ok()
        })
        .collect()
}

/// The trade target's thread (2011: 到2015年将双边贸易额提高到400亿美元).
async fn trade_thread(app: &TestApp) -> i64 {
    let (status, body) = app
        .page("/threads?q=%E5%8F%8C%E8%BE%B9%E8%B4%B8%E6%98%93%E9%A2%9D&deadline=1")
        .await;
    assert_eq!(status, 200);
    let ids = thread_links(&body);
    assert!(!ids.is_empty(), "the trade thread is found by 双边贸易额");
    for id in ids {
        let (_, page) = app.page(&format!("/threads/{id}")).await;
        if page.contains("400") && page.contains("2011-06-13") && page.contains("2012-03-31") {
            return id;
        }
    }
    panic!("no thread of 双边贸易额 spans 2011 and 2012");
}

#[tokio::test]
async fn the_dashboard_counts_threads_and_lists_overdue_and_upcoming_as_of_a_date() {
    let app = demo_app().await;
    let (status, body) = app.page("/").await;
    assert_eq!(status, 200);
    assert!(body.contains("Commitments by topic") && body.contains("Commitments by status"));
    assert!(body.contains("Documents by year"));
    assert!(
        body.contains(">2011<") && body.contains(">2012<"),
        "coverage by year"
    );
    assert!(
        body.contains("href=\"/threads?topic=trade"),
        "topics link to the list"
    );

    let trade = trade_thread(&app).await;
    let overdue_section = |body: &str| -> String {
        let start = body
            .find("id=\"overdue-heading\"")
            .expect("overdue section");
        let end = body[start..].find("</section>").unwrap() + start;
        body[start..end].to_owned()
    };
    // In 2013 the 2015 target was still ahead; in mid-2016 it was overdue.
    let (_, before) = app.page("/?as_of=2013-01-01").await;
    assert!(!thread_links(&overdue_section(&before)).contains(&trade));
    let start = before.find("id=\"upcoming-heading\"").unwrap();
    assert!(
        thread_links(&before[start..]).contains(&trade),
        "upcoming in 2013"
    );
    let (_, after) = app.page("/?as_of=2016-06-01").await;
    assert!(
        thread_links(&overdue_section(&after)).contains(&trade),
        "overdue in 2016"
    );
    assert!(after.contains("days overdue"));
    // Before anything was stated there is nothing to count.
    let (_, empty) = app.page("/?as_of=2000-01-01").await;
    assert!(thread_links(&empty).is_empty());

    let (status, body) = app.page("/?as_of=yesterday").await;
    assert_eq!(status, 400);
    assert!(body.contains("not a valid date"));
}

#[tokio::test]
async fn the_threads_list_filters_sorts_and_pages_through_the_query_string() {
    let app = demo_app().await;
    let trade = trade_thread(&app).await;
    let (status, all) = app.page("/threads").await;
    assert_eq!(status, 200);
    let every = thread_links(&all);
    assert!(
        every.len() > 10,
        "the seeds make many threads: {}",
        every.len()
    );
    assert!(every.contains(&trade));

    let ids = |path: &'static str| {
        let app = &app;
        async move {
            let (status, body) = app.page(path).await;
            assert_eq!(status, 200, "{path}");
            thread_links(&body)
        }
    };
    // Filters narrow the list, each to what it says.
    let trade_topic = ids("/threads?topic=trade").await;
    assert!(trade_topic.contains(&trade) && trade_topic.len() < every.len());
    let with_deadline = ids("/threads?deadline=1").await;
    assert!(with_deadline.contains(&trade) && with_deadline.len() < every.len());
    let overdue_2016 = ids("/threads?status=overdue&as_of=2016-06-01").await;
    assert!(overdue_2016.contains(&trade));
    assert!(
        !ids("/threads?status=overdue&as_of=2013-01-01")
            .await
            .contains(&trade)
    );
    let fulfilled = ids("/threads?status=fulfilled").await;
    let fulfils = ids("/threads?relation=fulfils").await;
    assert!(
        !fulfilled.is_empty(),
        "the 2012 communiqué fulfils some of 2011"
    );
    assert_eq!(
        {
            let mut f = fulfilled.clone();
            f.sort();
            f
        },
        {
            let mut f = fulfils.clone();
            f.sort();
            f
        },
        "fulfilled threads are those with a fulfilling mention"
    );
    assert!(
        ids("/threads?from=2013").await.is_empty(),
        "nothing mentioned after 2012"
    );
    assert!(
        ids("/threads?to=2010").await.is_empty(),
        "nothing stated before 2011"
    );
    assert!(ids("/threads?party=KZ&topic=trade").await.contains(&trade));
    // Empty form fields mean "any".
    assert_eq!(ids("/threads?topic=&status=&q=&from=&to=").await, every);
    // Words: a two-character word, several words, nothing.
    assert!(ids("/threads?q=%E5%8F%8C%E8%BE%B9").await.contains(&trade));
    assert!(
        ids("/threads?q=%E8%B4%B8%E6%98%93%E9%A2%9D+400%E4%BA%BF")
            .await
            .contains(&trade)
    );
    let (_, none) = app
        .page("/threads?q=%E4%BC%81%E9%B9%85%E9%A4%90%E5%8E%85")
        .await;
    assert!(thread_links(&none).is_empty());
    assert!(none.contains("No commitment matches"));

    // Sorting by mentions puts the most mentioned first; by deadline, the dated first.
    let by_deadline = ids("/threads?sort=deadline&deadline=1").await;
    assert_eq!(by_deadline.len(), with_deadline.len());

    // Pages keep the filters; past the end is an empty page with the way back.
    let (_, first) = app.page("/threads?topic=trade&sort=mentions").await;
    if every.len() > 50 {
        assert!(first.contains("rel=\"next\""));
    }
    let (status, past) = app.page("/threads?page=99&topic=trade").await;
    assert_eq!(status, 200);
    assert!(thread_links(&past).is_empty());
    assert!(past.contains("rel=\"prev\" href=\"/threads?topic=trade"));
    for bad in [
        "/threads?page=0",
        "/threads?sort=size",
        "/threads?status=lost",
        "/threads?topic=cooking",
        "/threads?from=twenty",
        "/threads?deadline=maybe",
    ] {
        let (status, body) = app.page(bad).await;
        assert_eq!(status, 400, "{bad}");
        assert!(body.contains("is not a valid"), "{bad}");
    }
}

#[tokio::test]
async fn a_thread_page_draws_its_timeline_and_quotes_each_mention_with_its_evidence() {
    let app = demo_app().await;
    let trade = trade_thread(&app).await;
    let (status, body) = app.page(&format!("/threads/{trade}")).await;
    assert_eq!(status, 200);
    assert!(body.contains("USD 40 billion"), "the target in words");
    assert!(body.contains("<svg class=\"timeline-svg\""));
    // One mark per mention, each linking to its mention below.
    let marks = body.matches("class=\"mark-link\"").count();
    let mentions = body.matches("<li id=\"m").count();
    assert!(
        mentions >= 2 && marks == mentions,
        "{marks} marks, {mentions} mentions"
    );
    assert!(body.contains("href=\"#m0\"") && body.contains("id=\"m0\""));
    assert!(body.contains("class=\"deadline\""), "the deadline marker");
    assert!(body.contains("class=\"as-of\""), "the today line");
    assert!(body.contains("class=\"overdue-span\""), "2015 has passed");
    // The later mention links to its paragraph, shows the shared words and the evidence.
    assert!(
        body.contains("<mark>"),
        "words that made the link are highlighted"
    );
    assert!(body.contains("same target"), "evidence in words");
    let href = body
        .match_indices("href=\"/documents/")
        .map(|(i, _)| &body[i + 6..i + 6 + body[i + 6..].find('"').unwrap()])
        .find(|h| h.contains("#p"))
        .expect("a link to a paragraph")
        .to_owned();
    let (path, anchor) = href.split_once('#').unwrap();
    let (status, doc) = app.page(path).await;
    assert_eq!(status, 200);
    assert!(
        doc.contains(&format!("id=\"{anchor}\"")),
        "{anchor} is on the document page"
    );
    // …and the document's unit links back to the thread, titled.
    assert!(
        doc.contains(&format!(
            r#"class="thread-link" href="/threads/{trade}" title=""#
        )),
        "the unit links to its thread"
    );

    // As of 2013 it is not overdue yet: no overdue span.
    let (_, early) = app
        .page(&format!("/threads/{trade}?as_of=2013-01-01"))
        .await;
    assert!(!early.contains("class=\"overdue-span\""));
    assert!(early.contains("As of 2013-01-01"));

    for missing in ["/threads/999999999", "/threads/abc", "/threads/-1"] {
        let (status, body) = app.page(missing).await;
        assert_eq!(status, 404, "{missing}");
        assert!(body.contains("Page not found"));
    }
}

#[tokio::test]
async fn the_interface_speaks_chinese_or_english_and_remembers_the_choice() {
    let app = demo_app().await;
    let get = |path: &'static str, header: (&'static str, &'static str)| {
        let app = &app;
        async move {
            app.client
                .get(format!("{}{path}", app.address))
                .header(header.0, header.1)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let zh = get("/", ("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5")).await;
    assert!(zh.contains("<html lang=\"zh-Hans\">") && zh.contains("按领域统计"));
    assert!(
        zh.contains(">English</a>"),
        "the switch offers the other language"
    );
    let en = get("/", ("Accept-Language", "en-US")).await;
    assert!(en.contains("<html lang=\"en\">") && en.contains("Commitments by topic"));
    // The cookie wins over the browser's preference.
    let chosen = app.page_in("zh", "/threads").await;
    assert!(chosen.contains("首次提出"));
    let chosen = app
        .client
        .get(format!("{}/threads", app.address))
        .header("Cookie", "lang=en")
        .header("Accept-Language", "zh")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(chosen.contains("First stated"));

    // The switch sets the cookie and goes back to the page, only ever on this site.
    let switch = app.get("/lang/zh?back=%2Fthreads%3Ftopic%3Dtrade").await;
    assert_eq!(switch.status().as_u16(), 303);
    assert_eq!(switch.headers()["location"], "/threads?topic=trade");
    let cookie = switch.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("lang=zh") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let away = app.get("/lang/en?back=%2F%2Fevil.example").await;
    assert_eq!(away.headers()["location"], "/");
}

#[tokio::test]
async fn document_text_is_escaped_on_every_page() {
    let app = TestApp::spawn().await;
    let corpus = corpus_of(&app.db.pool);
    let doc = |date: &str, day: &str| {
        format!(
            "〖BT/标题〗<script>alert(1)</script>联合声明〖-BT/标题〗\n〖RQ/日期〗{date}〖-RQ/日期〗\n〖ZW/正文〗\n　　双方商定，到2015年将<b>双边贸易额</b>提高到400亿美元<script>alert(2)</script>。\n　　双方同意进一步扩大能源合作<img src=x onerror=alert(3)>。\n　　{day}于北京\n〖-ZW/正文〗\n"
        )
    };
    for (name, date, day) in [
        ("a.txt", "20110613", "二○一一年六月十三日"),
        ("b.txt", "20120331", "二○一二年三月三十一日"),
    ] {
        corpus
            .ingest_bytes(name, doc(date, day).into_bytes())
            .await
            .expect("ingests");
    }
    corpus.link_pending().await.expect("links");
    let (_, list) = app.page("/threads").await;
    let mut pages = vec![
        "/".to_owned(),
        "/threads".to_owned(),
        "/documents".to_owned(),
    ];
    pages.extend(
        thread_links(&list)
            .iter()
            .map(|id| format!("/threads/{id}")),
    );
    let (_, docs) = app.page("/documents").await;
    pages.extend(
        docs.match_indices("href=\"/documents/")
            .map(|(i, _)| docs[i + 6..i + 6 + docs[i + 6..].find('"').unwrap()].to_owned()),
    );
    assert!(
        pages.len() > 5,
        "threads and documents to look at: {pages:?}"
    );
    let mut saw_escaped = false;
    for page in &pages {
        let (status, body) = app.page(page).await;
        assert_eq!(status, 200, "{page}");
        for raw in ["<script>alert", "<b>双边", "<img src=x"] {
            assert!(!body.contains(raw), "{page} has {raw} unescaped");
        }
        saw_escaped |= body.contains("&#60;script&#62;alert");
    }
    assert!(saw_escaped, "the text is shown, escaped");
}

#[tokio::test]
async fn search_finds_statements_and_documents_and_never_fails() {
    let app = demo_app().await;
    let (status, empty) = app.page("/search").await;
    assert_eq!(status, 200);
    assert!(
        empty.contains("Type one or more words"),
        "an empty query gets help"
    );

    // A two-character word: statements with it highlighted, and both documents.
    let (status, two) = app.page("/search?q=%E5%8F%8C%E8%BE%B9").await;
    assert_eq!(status, 200);
    assert!(two.contains("<mark>双边</mark>"));
    assert!(two.contains(crate::helpers::TITLE_2011) && two.contains(crate::helpers::TITLE_2012));
    // Several words, all required; the trade target is found and linked to its thread.
    let trade = trade_thread(&app).await;
    let (_, several) = app
        .page("/search?q=%E5%8F%8C%E8%BE%B9%E8%B4%B8%E6%98%93%E9%A2%9D%20400%E4%BA%BF%E7%BE%8E%E5%85%83")
        .await;
    assert!(
        several.contains("<mark>双边贸易额</mark>"),
        "multi-word query"
    );
    assert!(several.contains(&format!("href=\"/threads/{trade}\"")));
    let hits = |body: &str| body.matches("<p class=\"hit-text\"").count();
    assert!(hits(&several) < hits(&two), "more words, fewer statements");
    // A title: the 2012 communiqué's (中哈总理第一次定期会晤联合公报).
    let (_, title) = app
        .page("/search?q=%E5%AE%9A%E6%9C%9F%E4%BC%9A%E6%99%A4%E8%81%94%E5%90%88%E5%85%AC%E6%8A%A5")
        .await;
    assert!(title.contains("in the title"), "found by its title");

    // Absurd queries: a helpful page, never an error.
    let long = "%E5%8F%8C".repeat(3000);
    for (q, says) in [
        ("%EF%BC%8C%E3%80%82%20%20", "nothing to search for"),
        ("%E4%BC%81%E9%B9%85%E9%A4%90%E5%8E%85", "Nothing matches"),
        ("'%20OR%201%3D1%20--%20%5C%22", ""),
        ("%26%7C%21%3A*()", ""),
        (long.as_str(), "only its first 200 characters"),
    ] {
        let (status, body) = app.page(&format!("/search?q={q}&page=abc")).await;
        assert_eq!(status, 200, "{q}");
        assert!(body.contains(says), "{q}: {says}");
    }
    // The interface in Chinese.
    let zh = app.page_in("zh", "/search").await;
    assert!(zh.contains("输入一个或多个词语"));
}

#[tokio::test]
async fn the_global_timeline_draws_every_thread_in_its_topic_lane() {
    let app = demo_app().await;
    let trade = trade_thread(&app).await;
    let (status, body) = app.page("/timeline").await;
    assert_eq!(status, 200);
    assert!(body.contains("<svg class=\"overview-svg\""));
    let (_, list) = app.page("/threads").await;
    let marker = "role=\"status\"><strong>";
    let at = list.find(marker).expect("the list's count") + marker.len();
    let total: usize = list[at..at + list[at..].find('<').unwrap()]
        .parse()
        .unwrap();
    assert!(total > 50, "more than a page of the list");
    let rows = body.matches("class=\"thread-row\"").count();
    assert_eq!(rows, total.min(100), "a row per thread");
    assert!(body.contains(&format!(
        "<a href=\"/threads/{trade}\" class=\"thread-row\""
    )));
    assert!(
        body.contains("class=\"thread-line\" points=\""),
        "marks joined by a line"
    );
    assert!(body.contains(">Trade</text>") && body.contains(">Political</text>"));
    // A lane's label narrows the timeline to its topic.
    assert!(body.contains("href=\"/timeline?topic=trade\""));
    let (_, trade_only) = app.page("/timeline?topic=trade").await;
    assert!(trade_only.contains(">Trade</text>") && !trade_only.contains(">Political</text>"));
    // Past the last page: no rows, and the way back.
    let (status, past) = app.page("/timeline?page=5").await;
    assert_eq!(status, 200);
    assert!(past.contains("rel=\"prev\" href=\"/timeline"));
    let (status, _) = app.page("/timeline?from=abc").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_thread_of_many_mentions_is_listed_a_page_at_a_time_and_drawn_by_month() {
    let app = TestApp::spawn().await;
    let corpus = corpus_of(&app.db.pool);
    let start = chrono::NaiveDate::from_ymd_opt(2011, 1, 3).unwrap();
    for k in 0..110 {
        let date = start + chrono::Duration::days(7 * k);
        let body = format!(
            "〖BT/标题〗中哈经贸合作消息第{k}号〖-BT/标题〗\n〖RQ/日期〗{}〖-RQ/日期〗\n〖ZW/正文〗\n　　双方重申，到2015年将双边贸易额提高到400亿美元。\n　　本期编号{k}。\n〖-ZW/正文〗\n",
            date.format("%Y%m%d")
        );
        corpus
            .ingest_bytes(&format!("{k}.txt"), body.into_bytes())
            .await
            .expect("ingests");
    }
    corpus.link_pending().await.expect("links");
    let (_, list) = app.page("/threads?sort=mentions").await;
    let id = thread_links(&list)[0];
    let (status, first) = app.page(&format!("/threads/{id}")).await;
    assert_eq!(status, 200);
    let listed = first.matches("<li id=\"m").count();
    assert_eq!(listed, 100, "a page of mentions");
    assert!(first.contains(&format!("rel=\"next\" href=\"/threads/{id}?page=2\"")));
    // The timeline has a mark per month (110 weeks ≈ 26 months), not per mention.
    let marks = first.matches("class=\"mark-link\"").count();
    assert!((20..=30).contains(&marks), "{marks} marks");
    // Marks of months on the second page lead there.
    assert!(first.contains(&format!("href=\"/threads/{id}?page=2#m")));
    let (status, second) = app.page(&format!("/threads/{id}?page=2")).await;
    assert_eq!(status, 200);
    assert!(second.contains("id=\"m100\"") && !second.contains("id=\"m99\""));
    let (status, _) = app.page(&format!("/threads/{id}?page=3")).await;
    assert_eq!(status, 400, "past the last page");
}

#[tokio::test]
async fn the_dashboard_and_lists_show_new_documents_at_once_though_their_data_are_kept() {
    let app = TestApp::spawn().await;
    let corpus = corpus_of(&app.db.pool);
    let total = |body: &str| -> i64 {
        let at = body.find("class=\"big-number\">").expect("the total") + 19;
        body[at..at + body[at..].find('<').unwrap()]
            .parse()
            .unwrap()
    };
    app.ingest(&crate::helpers::sample(crate::helpers::SEED_2011))
        .await
        .outcome
        .expect("ingests");
    corpus.link_pending().await.expect("links");
    let (_, first) = app.page("/").await;
    let (_, again) = app.page("/").await;
    assert_eq!(total(&first), total(&again));
    assert!(!first.contains(">2012<"));
    // How many threads a list says it found.
    let listed = |path: &'static str| {
        let app = &app;
        async move {
            let body = app.page(path).await.1;
            let at = body.find("<strong>").expect("a count") + 8;
            body[at..at + body[at..].find('<').unwrap()]
                .parse::<i64>()
                .unwrap()
        }
    };
    let (threads, timeline) = (listed("/threads").await, listed("/timeline").await);
    assert!(
        threads > 0 && timeline == threads,
        "{threads} and {timeline}"
    );
    app.ingest(&crate::helpers::sample(crate::helpers::SEED_2012))
        .await
        .outcome
        .expect("ingests");
    corpus.link_pending().await.expect("links");
    let (_, after) = app.page("/").await;
    assert!(
        after.contains(">2012<"),
        "the new document's year is counted at once"
    );
    assert_ne!(total(&after), total(&first));
    // The threads list and the timeline read their threads again too.
    let grown = listed("/threads").await;
    assert!(grown > threads, "{threads} → {grown}");
    assert_eq!(listed("/timeline").await, grown);
}
