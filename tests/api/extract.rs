//! Extraction stored with documents, re-extraction in place, and the document page's units.

use pledgeline::store::commitments;
use pledgeline::store::documents::Stored;
use sqlx::Row;

use crate::helpers::{SEED_2011, SEED_2012, TestApp, corpus_of, fresh_db, sample};

async fn ingest_seed(pool: &sqlx::PgPool, seed: &str) -> pledgeline::store::DocumentId {
    let stored = corpus_of(pool)
        .ingest_path(&sample(seed))
        .await
        .outcome
        .expect("seed ingests");
    stored[0].id()
}

async fn active_ids(
    pool: &sqlx::PgPool,
    doc: pledgeline::store::DocumentId,
) -> Vec<(i64, i32, i32)> {
    sqlx::query(
        "SELECT id, span_start, span_end FROM commitments \
         WHERE document_id = $1 AND retired_at IS NULL ORDER BY span_start",
    )
    .bind(doc.0)
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2)))
    .collect()
}

#[tokio::test]
async fn ingesting_extracts_and_stores_units() {
    let db = fresh_db().await;
    let doc = ingest_seed(&db.pool, SEED_2012).await;
    let mut conn = db.pool.acquire().await.unwrap();
    let units = commitments::for_document(&mut conn, doc).await.unwrap();
    assert!(units.len() > 40, "{} units", units.len());
    assert_eq!(
        pledgeline::store::browse::document_facts(&mut conn, doc.0)
            .await
            .unwrap()
            .1,
        vec!["CN", "KZ"]
    );
    let trade = units
        .iter()
        .find(|u| u.text.contains("400亿美元"))
        .expect("the trade target unit");
    assert_eq!(trade.kind.as_str(), "commitment");
    assert_eq!(trade.topic, "trade");
    assert_eq!(
        trade.deadline.map(|d| d.to_string()).as_deref(),
        Some("2015-12-31")
    );
    let target = &trade.attributes.targets[0];
    assert_eq!(
        (target.metric.as_deref(), target.amount),
        (Some("双边贸易额"), 4e10)
    );
    // Offsets point into the stored body.
    let body: Vec<char> =
        sqlx::query_scalar::<_, String>("SELECT body FROM documents WHERE id = $1")
            .bind(doc.0)
            .fetch_one(&db.pool)
            .await
            .unwrap()
            .chars()
            .collect();
    for u in &units {
        let slice: String = body[u.span_start as usize..u.span_end as usize]
            .iter()
            .collect();
        assert_eq!(slice, u.text);
    }
    // The search vector finds two-character words inside longer tokens.
    let hits: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM commitments WHERE document_id = $1 AND search @@ '贸易'::tsquery",
    )
    .bind(doc.0)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert!(hits >= 1);
}

#[tokio::test]
async fn re_extraction_keeps_ids_and_retires_instead_of_deleting() {
    let db = fresh_db().await;
    let doc = ingest_seed(&db.pool, SEED_2011).await;
    let corpus = corpus_of(&db.pool);
    let before = active_ids(&db.pool, doc).await;

    // Same extractor, same result: nothing changes, ids stay.
    let changes = corpus.reextract(doc).await.expect("re-extracts");
    assert_eq!(
        (changes.inserted, changes.updated, changes.retired),
        (0, 0, 0)
    );
    assert_eq!(changes.unchanged as usize, before.len());
    assert_eq!(active_ids(&db.pool, doc).await, before);

    // Pretend an older extractor cut one unit differently and an analyst attached work to it.
    let (old_id, start, end) = before[3];
    sqlx::query(
        "UPDATE commitments SET span_end = span_end - 1, kind = 'background' WHERE id = $1",
    )
    .bind(old_id)
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query(
        "CREATE TABLE analyst_notes (commitment_id bigint REFERENCES commitments (id), note text)",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO analyst_notes VALUES ($1, 'checked')")
        .bind(old_id)
        .execute(&db.pool)
        .await
        .unwrap();
    let other = before[4].0;
    sqlx::query("UPDATE commitments SET kind = 'background' WHERE id = $1")
        .bind(other)
        .execute(&db.pool)
        .await
        .unwrap();

    let changes = corpus.reextract(doc).await.expect("re-extracts");
    assert_eq!(changes.inserted, 1, "the unit's true span comes back");
    assert_eq!(changes.updated, 1, "the edited unit is put right in place");
    assert_eq!(changes.retired, 1, "the old span is retired");
    let after = active_ids(&db.pool, doc).await;
    assert_eq!(after.len(), before.len());
    assert!(after.contains(&before[4]), "updated in place, same id");
    assert!(
        after
            .iter()
            .any(|&(id, s, e)| (s, e) == (start, end) && id != old_id)
    );
    // The retired unit and the analyst's note on it are still there.
    let retired: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT retired_at FROM commitments WHERE id = $1")
            .bind(old_id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert!(retired.is_some());
    let notes: i64 = sqlx::query_scalar("SELECT count(*) FROM analyst_notes")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(notes, 1);
}

#[tokio::test]
async fn documents_stored_before_extraction_are_extracted_on_reingest() {
    let db = fresh_db().await;
    let doc = ingest_seed(&db.pool, SEED_2012).await;
    let n = active_ids(&db.pool, doc).await.len();
    sqlx::query("DELETE FROM commitments")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM document_extractions")
        .execute(&db.pool)
        .await
        .unwrap();
    let stored = corpus_of(&db.pool)
        .ingest_path(&sample(SEED_2012))
        .await
        .outcome
        .unwrap();
    assert_eq!(stored, vec![Stored::Unchanged(doc)]);
    assert_eq!(active_ids(&db.pool, doc).await.len(), n);
}

#[tokio::test]
async fn the_document_page_highlights_units_with_notes_and_a_legend() {
    let app = TestApp::spawn().await;
    let doc = ingest_seed(&app.db.pool, SEED_2012).await;
    let (status, page) = app.page(&format!("/documents/{doc}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Extracted statements"));
    for kind in ["commitment", "assessment", "reported_fact", "support"] {
        assert!(
            page.contains(&format!("<mark class=\"unit k-{kind}\"")),
            "a {kind} unit is highlighted"
        );
    }
    assert!(page.contains("双边贸易额: 40,000,000,000 USD by 2015"));
    assert!(page.contains("recurs every 2 years"));
    assert!(page.contains("<dd>Trade</dd>"));
    // In Chinese: the labels, topics and times, not the document, change language.
    let zh = app.page_in("zh", &format!("/documents/{doc}")).await;
    assert!(zh.contains("提取的表述") && zh.contains("<dd>贸易</dd>"));
    assert!(zh.contains("双边贸易额：400亿美元（2015年前）"));
    assert!(zh.contains("每2年一次"));
    assert!(!zh.contains("Extracted statements"));
    // Every highlighted unit links to its note and back.
    let marks = page.matches("<mark class=\"unit").count();
    let notes = page.matches("<li id=\"n").count();
    assert_eq!(marks, notes);
    assert!(marks > 40);
    // The paragraph text is still all there, in order.
    let squashed: String = page.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(squashed.contains("确保实现在2015年前将双边贸易额提高到400亿美元的目标"));
}
