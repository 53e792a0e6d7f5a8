use crate::helpers::{SEED_2011, SEED_2012, TITLE_2011, TITLE_2012, TestApp, sample};

async fn app_with_seeds() -> TestApp {
    let app = TestApp::spawn().await;
    for seed in [SEED_2011, SEED_2012] {
        app.ingest(&sample(seed))
            .await
            .outcome
            .expect("seed ingests");
    }
    app
}

fn document_link(list: &str, title: &str) -> String {
    let at = list.find(title).expect("title listed");
    let href = list[..at]
        .rfind("href=\"/documents/")
        .expect("link before title");
    let rest = &list[href + 6..];
    rest[..rest.find('"').unwrap()].to_string()
}

#[tokio::test]
async fn the_list_shows_both_seeds_newest_first() {
    let app = app_with_seeds().await;
    for path in ["/documents", "/documents?page=1"] {
        let (status, body) = app.page(path).await;
        assert_eq!(status, 200);
        let newer = body.find(TITLE_2012).expect("2012 communiqué listed");
        let older = body.find(TITLE_2011).expect("2011 statement listed");
        assert!(newer < older, "newest first");
        assert!(body.contains("2012-04-03") && body.contains("2011-06-14"));
        assert!(body.contains("国际新闻"), "page name shown");
        assert!(body.contains("公报、公告"), "genre shown");
    }
}

#[tokio::test]
async fn a_document_page_shows_metadata_and_clean_layout() {
    let app = app_with_seeds().await;
    let (_, list) = app.page("/documents").await;
    let (status, page) = app.page(&document_link(&list, TITLE_2012)).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("<h1>{TITLE_2012}</h1>")));
    assert!(
        page.contains("<time datetime=\"2012-04-03\">"),
        "publication date"
    );
    assert!(
        page.contains("<time datetime=\"2012-03-31\">"),
        "signing date"
    );
    assert!(page.contains("北京"));
    assert!(page.contains("国际新闻"));
    // The wrapped paragraph is one paragraph.
    let wrapped = page
        .find("中哈务实合作的有效平台")
        .expect("re-joined paragraph");
    let p_start = page[..wrapped].rfind("<p class=\"paragraph\"").unwrap();
    assert!(!page[p_start..wrapped].contains("</p>"));
    // Section numerals are headings; the signature block is not a paragraph.
    assert!(page.contains("<h2 class=\"section-heading\" id=\"p"));
    assert!(page.contains("<table class=\"signature\""));
    let signature = page.find("<table class=\"signature\"").unwrap();
    assert!(page[signature..].contains("<td>温家宝</td>"));
    assert!(page.contains("<p class=\"dateline\""));
    for para in page.split("<p class=\"paragraph\"").skip(1) {
        let para = &para[..para.find("</p>").unwrap()];
        assert!(!para.contains("（签字）") && !para.contains("温家宝 "));
    }
}

#[tokio::test]
async fn paragraphs_have_stable_anchors() {
    let app = app_with_seeds().await;
    let (_, list) = app.page("/documents").await;
    let path = document_link(&list, TITLE_2011);
    let (_, first) = app.page(&path).await;
    let (_, second) = app.page(&path).await;
    let anchors = |p: &str| {
        p.match_indices("id=\"p")
            .map(|(i, _)| p[i..i + p[i + 4..].find('"').unwrap() + 5].to_string())
            .collect::<Vec<_>>()
    };
    assert!(anchors(&first).len() > 30);
    assert_eq!(anchors(&first), anchors(&second));
    assert!(first.contains("href=\"#p"));
}

#[tokio::test]
async fn unknown_documents_and_addresses_get_a_404_page() {
    let app = app_with_seeds().await;
    for path in ["/documents/999999", "/documents/abc", "/no/such/page"] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 404, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let body = response.text().await.unwrap();
        assert!(body.contains("Page not found"), "{path}");
        assert!(
            body.contains("<nav"),
            "{path}: the error page uses the layout"
        );
    }
}

#[tokio::test]
async fn server_errors_never_show_internals() {
    let app = app_with_seeds().await;
    app.db.pool.close().await;
    let (status, body) = app.page("/documents").await;
    assert_eq!(status, 500);
    assert!(body.contains("Something went wrong"));
    for internal in ["sqlx", "pool", "Pool", "database error", "PgConnection"] {
        assert!(!body.contains(internal), "leaks {internal:?}");
    }
}

#[tokio::test]
async fn document_text_is_escaped() {
    let app = TestApp::spawn().await;
    let dir = crate::helpers::scratch_dir();
    let file = dir.path().join("2020-01-02-xss.md");
    std::fs::write(
        &file,
        "# <script>alert('title')</script>\n\n双方<script>alert(1)</script>将继续合作。\n",
    )
    .unwrap();
    app.ingest(&file).await.outcome.expect("ingests");
    let (_, list) = app.page("/documents").await;
    assert!(!list.contains("<script>"));
    assert!(list.contains("&#60;script&#62;") || list.contains("&lt;script&gt;"));
    let start = list.find("href=\"/documents/").unwrap() + 6;
    let path = &list[start..start + list[start..].find('"').unwrap()];
    let (status, page) = app.page(path).await;
    assert_eq!(status, 200);
    assert!(!page.contains("<script>"));
    assert!(page.contains("alert(1)"));
}

#[tokio::test]
async fn the_list_is_paginated() {
    let app = TestApp::spawn().await;
    let dir = crate::helpers::scratch_dir();
    for i in 0..55 {
        let file = dir
            .path()
            .join(format!("2015-01-{:02}-note{i}.md", i % 28 + 1));
        std::fs::write(&file, format!("# 通报{i}\n\n双方将继续合作第{i}项。\n")).unwrap();
        app.ingest(&file).await.outcome.expect("ingests");
    }
    let (_, first) = app.page("/documents").await;
    assert!(first.contains("Page 1 of 2"));
    assert!(first.contains("href=\"?page=2\""));
    let (_, second) = app.page("/documents?page=2").await;
    assert!(second.contains("Page 2 of 2"));
    assert_eq!(second.matches("<tr>").count() - 1, 5, "5 rows on page 2");
    let (status, _) = app.page("/documents?page=abc").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn static_assets_are_cached() {
    let app = TestApp::spawn().await;
    let (_, page) = app.page("/documents").await;
    let at = page
        .find("/static/app.css?v=")
        .expect("versioned stylesheet link");
    let href = &page[at..at + page[at..].find('"').unwrap()];
    let response = app.get(href).await;
    assert_eq!(response.status().as_u16(), 200);
    let cache = response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cache.contains("max-age=31536000") && cache.contains("immutable"),
        "{cache}"
    );
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    assert!(response.text().await.unwrap().contains(".paragraph"));
    let again = app
        .client
        .get(format!("{}{href}", app.address))
        .header("If-None-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
    assert_eq!(app.get("/static/missing.css").await.status().as_u16(), 404);
}
