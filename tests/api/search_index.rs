//! The search index in memory against the database: the same units for the same words, as
//! documents come and change.

use std::sync::Arc;
use std::time::Duration;

use pledgeline::extract::QueryTerm;
use pledgeline::store::browse::tsquery;
use pledgeline::store::search;
use pledgeline::store::search_index::SearchIndexes;
use sqlx::PgPool;

use crate::helpers::{SEED_2011, SEED_2012, TestApp, corpus_of, sample};

fn term(word: &str) -> QueryTerm {
    QueryTerm {
        word: word.into(),
        parts: vec![],
    }
}

async fn generation(pool: &PgPool) -> i64 {
    let mut conn = pool.acquire().await.unwrap();
    pledgeline::store::browse::generation(&mut conn)
        .await
        .unwrap()
}

/// Queries drawn from the stored units and titles: single words of every frequency, and pairs of them.
async fn queries(pool: &PgPool) -> Vec<Vec<QueryTerm>> {
    let words: Vec<String> = sqlx::query_scalar(
        "SELECT w FROM (
             SELECT unnest(tsvector_to_array(search)) AS w FROM commitments
             UNION SELECT unnest(tsvector_to_array(title_search)) FROM document_extractions
         ) x ORDER BY md5(w) LIMIT 80",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(words.len() >= 20, "the seeds have words: {words:?}");
    let mut queries: Vec<Vec<QueryTerm>> = words.iter().map(|w| vec![term(w)]).collect();
    queries.extend(words.windows(2).map(|w| vec![term(&w[0]), term(&w[1])]));
    // A word covered by dictionary words (双边贸易额 = 双边 + 贸易额), and one nobody wrote.
    queries.push(vec![QueryTerm {
        word: "双边贸易额".into(),
        parts: vec!["双边".into(), "贸易额".into()],
    }]);
    queries.push(vec![term("企鹅餐厅")]);
    queries
}

/// Asks the index until it has been read, and checks it against the database.
async fn agrees(indexes: &Arc<SearchIndexes>, pool: &PgPool) {
    let mut conn = pool.acquire().await.unwrap();
    for q in queries(pool).await {
        let mut tries = 0;
        let found = loop {
            match indexes
                .search(pool, &mut conn, generation(pool).await, &q, 1001, 1000)
                .await
                .unwrap()
            {
                Some(found) => break found,
                None if tries < 200 => tokio::time::sleep(Duration::from_millis(50)).await,
                None => panic!("the index is never read"),
            }
            tries += 1;
        };
        let mut ids: Vec<(i64, i64)> = found.units.iter().map(|m| (m.id, m.document_id)).collect();
        let expected = search::newest_matches(&mut conn, &tsquery(&q).unwrap(), 1001)
            .await
            .unwrap();
        let mut expected: Vec<(i64, i64)> =
            expected.iter().map(|m| (m.id, m.document_id)).collect();
        ids.sort_unstable();
        expected.sort_unstable();
        assert_eq!(ids, expected, "{q:?}");
        let tsq = tsquery(&q).unwrap();
        let titles = search::title_matches(&mut conn, &tsq, 1000).await.unwrap();
        assert_eq!(found.titles, titles, "titles with {q:?}");
    }
}

#[tokio::test]
async fn the_search_index_finds_what_the_database_finds_as_documents_come_and_change() {
    let app = TestApp::spawn().await;
    let pool = &app.db.pool;
    let corpus = corpus_of(pool);
    let first = app
        .ingest(&sample(SEED_2011))
        .await
        .outcome
        .expect("ingests")[0]
        .id();
    let indexes = Arc::new(SearchIndexes::default());
    agrees(&indexes, pool).await;
    // A new document: its units are read into the index.
    app.ingest(&sample(SEED_2012))
        .await
        .outcome
        .expect("ingests");
    corpus.link_pending().await.expect("links");
    agrees(&indexes, pool).await;
    // A document whose units changed (as an extraction changes them, stamping the document):
    // its units are read again, in both directions.
    let changed = sqlx::query(
        "UPDATE commitments SET search = to_tsvector('simple', '企鹅餐厅')
         WHERE id = (SELECT min(id) FROM commitments WHERE document_id = $1)",
    )
    .bind(first.0)
    .execute(pool)
    .await
    .unwrap();
    assert_eq!(changed.rows_affected(), 1);
    sqlx::query("UPDATE document_extractions SET extracted_at = now() WHERE document_id = $1")
        .bind(first.0)
        .execute(pool)
        .await
        .unwrap();
    agrees(&indexes, pool).await;
    let penguin = [term("企鹅餐厅")];
    let mut conn = pool.acquire().await.unwrap();
    let found = indexes
        .search(pool, &mut conn, generation(pool).await, &penguin, 10, 10)
        .await
        .unwrap();
    assert_eq!(found.map(|f| f.units.len()), Some(1));
    corpus.reextract(first).await.expect("re-extracts");
    agrees(&indexes, pool).await;
    let found = indexes
        .search(pool, &mut conn, generation(pool).await, &penguin, 10, 10)
        .await
        .unwrap();
    assert_eq!(
        found.map(|f| f.units.len()),
        Some(0),
        "extracted again as it was"
    );
}
