//! The pages in a real browser: headless Chromium driven through chromedriver (WebDriver) by
//! `fantoccini`. A reader goes from the dashboard to the bilateral-trade thread by clicking and
//! filling in the filter form, sees both mentions on the SVG timeline, reaches a mark with the
//! keyboard, follows a mention to its paragraph, and switches the interface to Chinese.
//!
//! Chromium and chromedriver come from the system (`apt-get install chromium chromium-driver`),
//! found on `PATH` or through `PLEDGELINE_CHROMIUM` / `PLEDGELINE_CHROMEDRIVER`. Without them
//! the test prints a notice and passes, except under CI (`CI=true`), where it fails.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::helpers::TestApp;

/// How long to wait for anything to appear: generous, for a busy two-core machine.
const WAIT: Duration = Duration::from_secs(20);
/// A guard against a hung browser, so that CI fails instead of stalling.
const WHOLE_WALK: Duration = Duration::from_secs(300);
/// 双边贸易额, the metric of the 2011 trade target (到2015年将双边贸易额提高到400亿美元).
const TRADE: &str = "双边贸易额";
const INSTALL: &str = "apt-get install chromium chromium-driver";

/// Dashboard → threads list (filter form) → the trade thread's timeline → a mark by keyboard →
/// a mention's paragraph in its document → back, and the interface switched to Chinese.
#[tokio::test]
async fn in_chromium_a_reader_follows_the_trade_thread_to_its_paragraph_by_mouse_and_keyboard() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = TestApp::spawn_demo().await;
    let browser = Browser::start(&tools).await;
    tokio::time::timeout(WHOLE_WALK, walk(&app, &browser))
        .await
        .unwrap_or_else(|_| panic!("the browser walk did not finish within {WHOLE_WALK:?}"));
    browser.close().await;
}

/// An analyst logs in, records a follow-up with evidence on the trade thread and sees its
/// star on the timeline, then rejects the thread's link in the review queue with the `r` key
/// and finds the thread changed, the follow-up still there.
#[tokio::test]
async fn in_chromium_an_analyst_adds_a_follow_up_and_rejects_a_link_in_the_review_queue() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = TestApp::spawn_demo().await;
    crate::analysts::add_user(
        &app.db.pool,
        "ana",
        pledgeline::analyst::accounts::Role::Analyst,
    )
    .await;
    let browser = Browser::start(&tools).await;
    tokio::time::timeout(WHOLE_WALK, analyst_walk(&app, &browser))
        .await
        .unwrap_or_else(|_| panic!("the analyst's walk did not finish within {WHOLE_WALK:?}"));
    browser.close().await;
}

async fn analyst_walk(app: &TestApp, b: &Client) {
    // Log in from the header's link.
    b.goto(&format!("{}/", app.address)).await.expect("open");
    click(b, ".site-header a.login-link").await;
    wait_for(b, "input#login-name")
        .await
        .send_keys("ana")
        .await
        .expect("type the name");
    wait_for(b, "input#login-password")
        .await
        .send_keys(crate::analysts::PASSWORD)
        .await
        .expect("type the password");
    click(b, "section.login button[type='submit']").await;
    let who = wait_for(b, ".site-header .account .who").await;
    assert!(who.text().await.unwrap().contains("ana"));

    // The trade thread, through the list's filter.
    b.goto(&format!("{}/threads?q={TRADE}", app.address))
        .await
        .expect("the list");
    let thread_path = open_the_trade_thread(b).await;
    let mentions_before = b
        .find_all(Locator::Css("li[id^='m']"))
        .await
        .expect("mentions")
        .len();
    assert!(mentions_before >= 2);

    // A follow-up with evidence.
    click(b, "details#add-followup > summary").await;
    let status = wait_for(b, "details#add-followup select#f-status").await;
    status
        .select_by_value("in_progress")
        .await
        .expect("choose a status");
    wait_for(b, "details#add-followup textarea#f-note")
        .await
        .send_keys("Customs put trade at **25.7 billion** dollars.")
        .await
        .expect("type the note");
    wait_for(b, "details#add-followup input[name='ev0_url']")
        .await
        .send_keys("https://example.org/customs-2012")
        .await
        .expect("type the address");
    wait_for(b, "details#add-followup input[name='ev0_title']")
        .await
        .send_keys("Customs statistics 2012")
        .await
        .expect("type the title");
    // A date input's typing order depends on the browser's locale: its value is set directly.
    b.execute(
        "document.querySelector(\"details#add-followup input[name='ev0_date']\").value = '2013-01-10';",
        vec![],
    )
    .await
    .expect("set the date");
    click(b, "details#add-followup button[type='submit']").await;
    let star = wait_for(b, "svg.timeline-svg path.followup-mark").await;
    let label = star
        .find(Locator::Css("title"))
        .await
        .expect("a star has a title")
        .html(true)
        .await
        .unwrap();
    assert!(
        label.contains("2013-01-10") && label.contains("In progress"),
        "{label}"
    );
    let card = body_text(b).await;
    assert!(card.contains("Customs statistics 2012") && card.contains("25.7 billion"));
    assert_eq!(b.current_url().await.unwrap().path(), thread_path);

    // The review queue: the trade thread's link, rejected with the `r` key.
    click(b, "section#corrections a.review-thread").await;
    wait_for(b, "ol.review-queue").await;
    let items = b
        .find_all(Locator::Css("li.review-item"))
        .await
        .expect("queue");
    let mut target = None;
    for item in items {
        let link = item
            .find(Locator::Css(".review-head a"))
            .await
            .expect("the thread's link");
        if link.attr("href").await.unwrap().as_deref() == Some(thread_path.as_str()) {
            target = Some(item);
            break;
        }
    }
    let item = target.expect("the trade thread's link waits for review");
    item.click().await.expect("focus the link under review");
    let r = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: 'r' })
        .then(KeyAction::Up { value: 'r' });
    b.perform_actions(r).await.expect("press r");
    // Back on the queue, which says what was done and offers to undo it.
    let done = wait_for(b, "section.review .form-ok").await;
    let said = done.text().await.unwrap();
    assert!(
        said.contains("Link rejected") && said.contains("Undo"),
        "{said}"
    );
    b.goto(&format!("{}{thread_path}", app.address))
        .await
        .expect("the thread again");
    wait_for(b, "section#corrections").await;
    let mentions_after = b
        .find_all(Locator::Css("li[id^='m']"))
        .await
        .expect("mentions")
        .len();
    assert_eq!(
        mentions_after,
        mentions_before - 1,
        "the rejected mention left the thread"
    );
    let text = body_text(b).await;
    assert!(text.contains("Link rejected"), "the decision is listed");
    assert!(
        text.contains("Customs statistics 2012"),
        "the follow-up stayed"
    );
}

/// A reader opens the progress report from the header, narrows it to one topic with its
/// form, and finds it ready to print: the print button (a script the page's CSP allows), the
/// print rules as the browser parsed them, and no page wider than a phone's screen.
#[tokio::test]
async fn in_chromium_a_reader_narrows_the_progress_report_and_finds_it_ready_to_print() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = TestApp::spawn_demo().await;
    let browser = Browser::start(&tools).await;
    tokio::time::timeout(WHOLE_WALK, report_walk(&app, &browser))
        .await
        .unwrap_or_else(|_| panic!("the report walk did not finish within {WHOLE_WALK:?}"));
    browser.close().await;
}

async fn report_walk(app: &TestApp, b: &Client) {
    b.goto(&format!("{}/lang/en?back=/", app.address))
        .await
        .unwrap();
    click(b, "header nav a[href='/reports/progress']").await;
    wait_for(b, "main h1").await;
    assert!(body_text(b).await.contains("commitments tracked"));
    let print = wait_for(b, "#print").await;
    assert!(
        print.is_displayed().await.unwrap(),
        "report.js shows the print button"
    );
    // Narrow it to the trade topic with the form.
    b.find(Locator::Css("select[name='topic']"))
        .await
        .unwrap()
        .select_by_value("trade")
        .await
        .unwrap();
    click(b, ".toolbar form button[type='submit']").await;
    let start = std::time::Instant::now();
    while !b
        .current_url()
        .await
        .unwrap()
        .query()
        .is_some_and(|q| q.contains("topic=trade"))
    {
        assert!(
            start.elapsed() < WAIT,
            "the form never led to the filtered report"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_for(b, "main h1").await;
    let topics = b
        .find_all(Locator::Css("table.threads tbody td.c-topic"))
        .await
        .unwrap();
    assert!(!topics.is_empty());
    for t in topics {
        assert_eq!(t.text().await.unwrap(), "Trade");
    }
    // The downloads keep the filter.
    let xlsx = wait_for(b, ".formats a[href^='/reports/progress.xlsx']").await;
    assert!(
        xlsx.attr("href")
            .await
            .unwrap()
            .unwrap()
            .contains("topic=trade")
    );
    // The print rules, as the browser parsed the stylesheet: headers repeat on every page,
    // the appendix starts a page, the toolbar is not printed.
    let rules = b
        .execute(
            "const out = [];
             for (const sheet of document.styleSheets)
               for (const rule of sheet.cssRules)
                 if (rule.media && rule.media.mediaText === 'print')
                   for (const r of rule.cssRules) out.push(r.cssText);
             return out.join('\\n');",
            vec![],
        )
        .await
        .unwrap();
    let rules = rules.as_str().unwrap_or_default();
    for rule in [
        "thead { display: table-header-group; }",
        ".appendix { break-before: page; }",
        ".toolbar { display: none; }",
    ] {
        assert!(rules.contains(rule), "print rule {rule} in {rules}");
    }
    for width in [390, 1280] {
        b.set_window_size(width, 800).await.expect("resize");
        b.refresh().await.unwrap();
        wait_for(b, "main h1").await;
        let widths = b
            .execute(
                "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];",
                vec![],
            )
            .await
            .expect("widths");
        let (page, screen) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
        assert!(
            page <= screen,
            "the report is {page} px wide on a {screen} px screen"
        );
    }
}

/// An admin uploads two files through the browser (the script's XMLHttpRequest path, with
/// its progress bar), and the page then lists each file's outcome.
#[tokio::test]
async fn in_chromium_an_admin_uploads_documents_and_sees_each_files_outcome() {
    let Some(tools) = browser_tools() else {
        return;
    };
    let app = TestApp::spawn().await;
    crate::analysts::add_user(
        &app.db.pool,
        "root",
        pledgeline::analyst::accounts::Role::Admin,
    )
    .await;
    let browser = Browser::start(&tools).await;
    tokio::time::timeout(WHOLE_WALK, upload_walk(&app, &browser))
        .await
        .unwrap_or_else(|_| panic!("the upload did not finish within {WHOLE_WALK:?}"));
    browser.close().await;
}

async fn upload_walk(app: &TestApp, b: &Client) {
    b.goto(&format!("{}/login?next=/admin/upload", app.address))
        .await
        .expect("open");
    wait_for(b, "input#login-name")
        .await
        .send_keys("root")
        .await
        .unwrap();
    wait_for(b, "input#login-password")
        .await
        .send_keys(crate::analysts::PASSWORD)
        .await
        .unwrap();
    click(b, "section.login button[type='submit']").await;
    let input = wait_for(b, "form#upload-form input[type='file']").await;
    let dir = crate::helpers::scratch_dir();
    let broken = dir.path().join("broken.txt");
    std::fs::write(&broken, "〖BT/标题〗没有结束").unwrap();
    let seed = crate::helpers::sample(crate::helpers::SEED_2011);
    // Several files in one input: their paths, one per line.
    input
        .send_keys(&format!("{}\n{}", seed.display(), broken.display()))
        .await
        .expect("choose the files");
    // A mark on the page's window: a page load would wipe it, the script's request does not.
    b.execute("window.stillHere = true;", vec![]).await.unwrap();
    click(b, "form#upload-form button[type='submit']").await;
    // The script replaces the page's content with the answer: the results table.
    let table = wait_for(b, "table.upload-results").await;
    let text = table.text().await.unwrap();
    assert!(
        text.contains("001_e246b652d2346690.txt") && text.contains("1 new"),
        "{text}"
    );
    assert!(
        text.contains("broken.txt") && text.contains("failed"),
        "{text}"
    );
    let same_page = b
        .execute("return window.stillHere === true;", vec![])
        .await
        .unwrap();
    assert_eq!(
        same_page,
        json!(true),
        "the results came through the script, not a page load"
    );
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM documents")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1);
}

/// The reader's walk through the pages, every step checked.
async fn walk(app: &TestApp, b: &Client) {
    // The dashboard, in English (the browser asks for en-US).
    b.goto(&format!("{}/", app.address))
        .await
        .expect("open the dashboard");
    wait_for(b, "html[lang='en'] main#main h1").await;

    // The threads list, from the header's navigation…
    click(b, ".site-header nav a[href='/threads']").await;
    let words = wait_for(b, "form.filters input#f-q").await;
    // …filtered by 双边贸易额, typed into the form and submitted with its button.
    words.send_keys(TRADE).await.expect("type into the filter");
    click(b, "form.filters button[type='submit']").await;
    wait_for(b, &format!("form.filters input#f-q[value='{TRADE}']")).await;
    let url = b.current_url().await.expect("url");
    assert_eq!(url.path(), "/threads");
    assert!(
        url.query_pairs().any(|(k, v)| k == "q" && v == TRADE),
        "the form put the words in the query string: {url}"
    );

    // The trade thread: the result that shows 400 and both dates.
    let thread_path = open_the_trade_thread(b).await;

    // Its timeline draws one mark per mention, and the mentions are those of 2011 and 2012.
    let marks = b
        .find_all(Locator::Css("svg.timeline-svg a.mark-link"))
        .await
        .expect("marks");
    let mentions = b
        .find_all(Locator::Css("li[id^='m']"))
        .await
        .expect("mentions");
    assert!(
        marks.len() >= 2,
        "both mentions are on the timeline: {} marks",
        marks.len()
    );
    assert_eq!(marks.len(), mentions.len(), "one mark per mention");
    let mut dates = Vec::new();
    for mention in &mentions {
        let time = mention
            .find(Locator::Css("time"))
            .await
            .expect("a mention has its date");
        dates.push(time.attr("datetime").await.unwrap().unwrap_or_default());
    }
    for date in ["2011-06-13", "2012-03-31"] {
        assert!(
            dates.iter().any(|d| d == date),
            "a mention of {date}: {dates:?}"
        );
    }

    // The keyboard reaches a timeline mark, focus shows on it, and Enter goes to its mention.
    let mark = tab_to_a_timeline_mark(b).await;
    let href = mark.attr("href").await.unwrap().expect("a mark links");
    let mention_id = href
        .strip_prefix('#')
        .unwrap_or_else(|| panic!("a mark links to its mention on the page: {href}"))
        .to_owned();
    let focused = b
        .execute(
            "const e = document.activeElement; \
             return [e === arguments[0], e.matches(':focus-visible')];",
            vec![json!(mark)],
        )
        .await
        .expect("script");
    assert_eq!(
        focused,
        json!([true, true]),
        "the mark has keyboard focus, and it shows"
    );
    // How the mark is drawn (its outline, the shape's stroke and outline), without and with
    // the focus: they must differ.
    let look = |focus: bool| {
        let script = format!(
            "const a = arguments[0]; {} \
             const s = getComputedStyle(a), p = getComputedStyle(a.querySelector('path')); \
             return [s.outlineStyle, s.outlineColor, p.stroke, p.strokeWidth, \
                     p.outlineStyle, p.outlineColor];",
            if focus { "a.focus();" } else { "a.blur();" }
        );
        let mark = json!(mark);
        async move { b.execute(&script, vec![mark]).await.expect("script") }
    };
    let (unfocused, with_focus) = (look(false).await, look(true).await);
    assert_ne!(
        unfocused, with_focus,
        "a focused mark looks different from the others"
    );
    press(b, Key::Enter).await;
    let mut at_mention = b.current_url().await.expect("url");
    at_mention.set_fragment(Some(&mention_id));
    b.wait()
        .at_most(WAIT)
        .for_url(&at_mention)
        .await
        .expect("Enter on a mark goes to its mention");
    assert_eq!(target_id(b).await, Some(mention_id.clone()));
    assert!(
        mention_id.starts_with('m'),
        "the mark's target is a mention: {mention_id}"
    );

    // A mention's document link opens the document at the paragraph it quotes.
    let to_document = b
        .find(Locator::Css(
            "li[id^='m'] a[href^='/documents/'][href*='#p']",
        ))
        .await
        .expect("a mention links to its paragraph");
    let href = to_document.attr("href").await.unwrap().unwrap();
    let (doc_path, paragraph) = href.split_once('#').unwrap();
    let (doc_path, paragraph) = (doc_path.to_owned(), paragraph.to_owned());
    to_document.click().await.expect("click the document link");
    let anchored = wait_for(b, &format!("article.document [id='{paragraph}']")).await;
    let url = b.current_url().await.expect("url");
    assert_eq!(url.path(), doc_path);
    assert_eq!(
        url.fragment(),
        Some(paragraph.as_str()),
        "the address names the paragraph"
    );
    assert!(
        paragraph.starts_with('p') && paragraph[1..].parse::<u32>().is_ok(),
        "#p<seq>: {paragraph}"
    );
    assert_eq!(
        target_id(b).await,
        Some(paragraph.clone()),
        "the paragraph is the page's :target"
    );
    anchored
        .find(Locator::Css(&format!(
            "a.thread-link[href='{thread_path}']"
        )))
        .await
        .expect("the quoted paragraph links back to the thread");

    // Back on the thread page, the header's switch turns the interface into Chinese.
    b.back().await.expect("back");
    wait_for(b, "html[lang='en'] svg.timeline-svg").await;
    assert!(body_text(b).await.contains("Timeline"));
    click(b, "a.lang-switch").await;
    wait_for(b, "html[lang='zh-Hans'] svg.timeline-svg").await;
    let url = b.current_url().await.expect("url");
    assert_eq!(url.path(), thread_path, "the switch comes back to the page");
    let text = body_text(b).await;
    assert!(text.contains("时间线"), "Chinese labels: {text}");
    assert!(!text.contains("Timeline"), "no English label left: {text}");
    let switch = b
        .find(Locator::Css("a.lang-switch"))
        .await
        .expect("the switch");
    assert_eq!(
        switch.text().await.unwrap(),
        "English",
        "it offers the way back"
    );

    // At a phone's, a small tablet's and a laptop's width, no page is wider than the screen
    // (in English, the longer labels).
    b.goto(&format!("{}/lang/en?back=/", app.address))
        .await
        .unwrap();
    wait_for(b, "html[lang='en'] main#main").await;
    let document = {
        b.goto(&format!("{}/documents", app.address)).await.unwrap();
        let link = wait_for(b, "main a[href^='/documents/']").await;
        link.attr("href").await.unwrap().expect("a document link")
    };
    for width in [390, 700, 1280] {
        b.set_window_size(width, 800).await.expect("resize");
        for path in [
            "/",
            "/threads",
            thread_path.as_str(),
            "/timeline",
            "/search?q=%E5%8F%8C%E8%BE%B9",
            "/documents",
            document.as_str(),
        ] {
            b.goto(&format!("{}{path}", app.address)).await.unwrap();
            wait_for(b, "main#main").await;
            let widths = b
                .execute(
                    "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];",
                    vec![],
                )
                .await
                .expect("widths");
            let (page, screen) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
            assert!(
                page <= screen,
                "{path} is {page} px wide on a {screen} px screen"
            );
        }
    }
}

/// From the filtered threads list, open each result in turn (by clicking it) until the page
/// is the trade thread's; return its path.
async fn open_the_trade_thread(b: &Client) -> String {
    let results = "table.threads tbody a[href^='/threads/']";
    let count = b
        .find_all(Locator::Css(results))
        .await
        .expect("results")
        .len();
    assert!(count > 0, "the trade thread is found by {TRADE}");
    for i in 0..count {
        let links = b.find_all(Locator::Css(results)).await.expect("results");
        links[i].click().await.expect("open a result");
        wait_for(b, "svg.timeline-svg").await;
        let text = body_text(b).await;
        if text.contains("400") && text.contains("2011-06-13") && text.contains("2012-03-31") {
            return b.current_url().await.expect("url").path().to_owned();
        }
        b.back().await.expect("back to the list");
        wait_for(b, &format!("form.filters input#f-q[value='{TRADE}']")).await;
    }
    panic!("none of the {count} threads of {TRADE} shows 400, 2011-06-13 and 2012-03-31");
}

/// Press Tab from the top of the page until a timeline mark has the focus; the mark.
async fn tab_to_a_timeline_mark(b: &Client) -> Element {
    let mut trail = Vec::new();
    for _ in 0..80 {
        press(b, Key::Tab).await;
        let active = b.active_element().await.expect("the focused element");
        let is_mark = b
            .execute(
                "return arguments[0].matches('svg.timeline-svg a.mark-link');",
                vec![json!(active)],
            )
            .await
            .expect("script");
        if is_mark == json!(true) {
            return active;
        }
        let what = b
            .execute(
                "const e = arguments[0]; \
                 return e.tagName + ' ' + (e.getAttribute('href') || e.id || '');",
                vec![json!(active)],
            )
            .await
            .expect("script");
        trail.push(what.as_str().unwrap_or_default().to_owned());
    }
    panic!("Tab never reached a timeline mark; it went through {trail:?}");
}

/// Press and release one key, as a keyboard does (to whatever has the focus).
async fn press(b: &Client, key: Key) {
    let keys = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: key.into() })
        .then(KeyAction::Up { value: key.into() });
    b.perform_actions(keys).await.expect("press a key");
}

/// Wait until an element matching `css` is on the page.
async fn wait_for(b: &Client, css: &str) -> Element {
    match b.wait().at_most(WAIT).for_element(Locator::Css(css)).await {
        Ok(element) => element,
        Err(e) => {
            let url = b.current_url().await.map(|u| u.to_string());
            panic!("no `{css}` on the page ({url:?}): {e}")
        }
    }
}

/// Click the element matching `css` (once it is there).
async fn click(b: &Client, css: &str) {
    wait_for(b, css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click `{css}`: {e}"));
}

/// The id of the page's `:target`, if any.
async fn target_id(b: &Client) -> Option<String> {
    let id = b
        .execute(
            "const t = document.querySelector(':target'); return t ? t.id : null;",
            vec![],
        )
        .await
        .expect("script");
    id.as_str().map(str::to_owned)
}

/// The page's text as rendered (not its markup).
async fn body_text(b: &Client) -> String {
    let text = b
        .execute("return document.body.innerText;", vec![])
        .await
        .expect("script");
    text.as_str().unwrap_or_default().to_owned()
}

// ----- Finding the browser, or saying loudly that the test did not run -----

struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

/// Chromium and chromedriver, when both are there. When one is missing: under CI the test
/// fails; elsewhere it says so on standard error, and the caller returns (the test passes).
fn browser_tools() -> Option<Tools> {
    let found = find_program(
        "PLEDGELINE_CHROMIUM",
        &[
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ],
    )
    .and_then(|chromium| {
        let chromedriver = find_program("PLEDGELINE_CHROMEDRIVER", &["chromedriver"])?;
        Ok(Tools {
            chromium,
            chromedriver,
        })
    });
    match found {
        Ok(tools) => Some(tools),
        Err(missing) if under_ci() => {
            panic!("the browser test must run under CI, but {missing}; install with `{INSTALL}`")
        }
        Err(missing) => {
            let lines = [
                "BROWSER TEST DID NOT RUN: chromium/chromedriver not found".to_owned(),
                missing,
                format!("install with `{INSTALL}`"),
                "(under CI=true this is a failure)".to_owned(),
            ];
            let width = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
            let rule = "═".repeat(width + 2);
            let mut notice = format!("\n╔{rule}╗\n");
            for line in &lines {
                let pad = width - line.chars().count();
                notice.push_str(&format!("║ {line}{} ║\n", " ".repeat(pad)));
            }
            notice.push_str(&format!("╚{rule}╝\n"));
            // Straight to standard error: the test harness captures `eprintln!` of a test
            // that passes, and this must be seen.
            let _ = std::io::stderr().lock().write_all(notice.as_bytes());
            None
        }
    }
}

/// `CI` set to anything but empty, `false` or `0`.
fn under_ci() -> bool {
    std::env::var("CI")
        .is_ok_and(|v| !matches!(v.trim(), "" | "0") && !v.eq_ignore_ascii_case("false"))
}

/// A program named by an environment variable (a path, or a name looked up on `PATH`), else
/// the first of `names` on `PATH`.
fn find_program(var: &str, names: &[&str]) -> Result<PathBuf, String> {
    if let Some(chosen) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        let chosen = PathBuf::from(chosen);
        return on_path(&chosen)
            .ok_or_else(|| format!("{var}={} is not an executable", chosen.display()));
    }
    names
        .iter()
        .find_map(|name| on_path(Path::new(name)))
        .ok_or_else(|| format!("none of {} is on PATH", names.join(", ")))
}

fn on_path(program: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let executable = |p: &Path| {
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.components().count() > 1 || program.is_absolute() {
        return executable(program).then(|| program.to_owned());
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| executable(p))
}

// ----- The browser: chromedriver and one WebDriver session, cleaned up whatever happens -----

/// chromedriver (in a process group of its own) and a session on it. Dropping it, on a failed
/// assertion too, ends the session (which quits Chromium) and kills what is left of the group.
struct Browser {
    client: Option<Client>,
    session: Option<String>,
    port: u16,
    driver: Child,
}

impl std::ops::Deref for Browser {
    type Target = Client;

    fn deref(&self) -> &Client {
        self.client.as_ref().expect("the session is open")
    }
}

impl Browser {
    async fn start(tools: &Tools) -> Browser {
        let mut driver = Command::new(&tools.chromedriver)
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", tools.chromedriver.display()));
        // chromedriver picks a free port and says which; what it says is kept for errors.
        let output = Arc::new(Mutex::new(String::new()));
        let (port_tx, port_rx) = mpsc::channel();
        let stdout = driver.stdout.take().unwrap();
        let stderr = driver.stderr.take().unwrap();
        drain(stdout, output.clone(), Some(port_tx.clone()));
        drain(stderr, output.clone(), Some(port_tx));
        let said = || output.lock().unwrap().clone();
        let port = match port_rx.recv_timeout(WAIT) {
            Ok(port) => port,
            Err(_) => {
                let _ = driver.kill();
                let _ = driver.wait();
                panic!("chromedriver did not say its port; it said:\n{}", said());
            }
        };
        let mut browser = Browser {
            client: None,
            session: None,
            port,
            driver,
        };

        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({
                "binary": tools.chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--window-size=1280,1024",
                ],
                "prefs": { "intl.accept_languages": "en-US,en" },
            }),
        );
        capabilities.insert(
            "timeouts".to_owned(),
            json!({ "pageLoad": 60_000, "script": 20_000 }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "cannot open a Chromium session ({}): {e}\nchromedriver said:\n{}",
                    tools.chromium.display(),
                    said()
                )
            });
        browser.session = client.session_id().await.expect("session id");
        browser.client = Some(client);
        browser
    }

    /// End the session in order (the normal way out; `Drop` does the rest).
    async fn close(mut self) {
        if let Some(client) = self.client.take() {
            client.close().await.expect("close the WebDriver session");
            self.session = None;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // After a panic the async client can't be awaited here (the runtime is unwinding), so
        // the session is ended with a plain blocking request to chromedriver.
        drop(self.client.take());
        if let Some(session) = self.session.take() {
            delete_session(self.port, &session);
        }
        // chromedriver leads its own process group: kill it and anything it left behind.
        let group = nix::unistd::Pid::from_raw(self.driver.id() as i32);
        let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
        let _ = self.driver.wait();
    }
}

/// `DELETE /session/{id}`: chromedriver quits Chromium, then answers (and keeps the
/// connection open whatever it says, so the answer is read to its `Content-Length`).
fn delete_session(port: u16, session: &str) {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_secs(5)) else {
        return;
    };
    let _ = stream.set_read_timeout(Some(WAIT));
    let _ = stream.set_write_timeout(Some(WAIT));
    let request = format!(
        "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return;
    }
    let mut answer = Vec::new();
    let mut chunk = [0; 4096];
    while let Ok(n @ 1..) = stream.read(&mut chunk) {
        answer.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&answer);
        let Some((head, body)) = text.split_once("\r\n\r\n") else {
            continue;
        };
        let length = head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if body.len() >= length {
            return;
        }
    }
}

/// Read a pipe of chromedriver's to its end on a thread, keeping what it says; the port of
/// "ChromeDriver was started successfully on port N." goes to `port`.
fn drain(
    pipe: impl Read + Send + 'static,
    output: Arc<Mutex<String>>,
    mut port: Option<mpsc::Sender<u16>>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if let Some(tx) = &port
                && let Some(n) = line
                    .split_once("started successfully on port ")
                    .and_then(|(_, rest)| rest.trim_end_matches('.').trim().parse().ok())
            {
                let _ = tx.send(n);
                port = None;
            }
            let mut output = output.lock().unwrap();
            output.push_str(&line);
            output.push('\n');
        }
    });
}
