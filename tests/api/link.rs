//! Linking stored units into threads: incremental after ingestion in any order, relink from
//! scratch, stable thread ids, re-extraction, export and eval.

use pledgeline::extract::LexiconSource;
use pledgeline::link::LinkRules;
use pledgeline::link::export::ThreadsExport;
use pledgeline::store;
use serde_json::Value;

use crate::helpers::{
    SEED_2011, SEED_2012, TITLE_2011, TITLE_2012, corpus_of, fresh_db, pledgeline, sample,
    scratch_dir,
};

async fn ingest_and_link(pool: &sqlx::PgPool, seeds: &[&str]) {
    let corpus = corpus_of(pool);
    for seed in seeds {
        corpus
            .ingest_path(&sample(seed))
            .await
            .outcome
            .expect("seed ingests");
        corpus.link_pending().await.expect("links");
    }
}

async fn export(pool: &sqlx::PgPool) -> ThreadsExport {
    let mut conn = pool.acquire().await.unwrap();
    store::threads::export(&mut conn).await.expect("exports")
}

/// The export without ids (thread and document ids depend on the database), threads sorted.
fn without_ids(e: &ThreadsExport) -> Vec<String> {
    let mut out: Vec<String> = e
        .threads
        .iter()
        .map(|t| {
            let mut v = serde_json::to_value(t).unwrap();
            v["id"] = Value::Null;
            for m in v["mentions"].as_array_mut().unwrap() {
                m["document"]["id"] = Value::Null;
            }
            v.to_string()
        })
        .collect();
    out.sort();
    out
}

/// Asserts that the state kept for linking (each mention's document and whether it states a
/// target, each thread's topics, the link sums between threads) is what the mentions and links make it. Returns how many pairs of threads have
/// links between them.
async fn assert_kept_state_is_exact(pool: &sqlx::PgPool, context: &str) -> i64 {
    let wrong_documents: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM thread_mentions m JOIN commitments c ON c.id = m.commitment_id
         WHERE m.document_id <> c.document_id
            OR m.states_target <> (jsonb_array_length(c.attributes -> 'targets') > 0)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(
        wrong_documents, 0,
        "{context}: mentions' documents and targets"
    );
    let wrong_topics: Vec<(i64, String, Option<i64>, Option<i32>)> = sqlx::query_as(
        "WITH recomputed AS (
             SELECT m.thread_id, c.topic, count(*) AS mentions, min(m.position) AS first
             FROM thread_mentions m JOIN commitments c ON c.id = m.commitment_id
             GROUP BY 1, 2)
         SELECT thread_id, topic, r.mentions, k.first_position
         FROM recomputed r FULL JOIN thread_topics k USING (thread_id, topic)
         WHERE r.mentions IS DISTINCT FROM k.mentions::bigint
            OR r.first IS DISTINCT FROM k.first_position",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(
        wrong_topics.is_empty(),
        "{context}: topics {wrong_topics:?}"
    );
    let differing: Vec<(i64, i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "WITH recomputed AS (
             SELECT least(x.thread_id, y.thread_id) AS low,
                    greatest(x.thread_id, y.thread_id) AS high,
                    sum(round(l.score * 10000))::bigint AS ticks
             FROM links l
             JOIN thread_mentions x ON x.commitment_id = l.a
             JOIN thread_mentions y ON y.commitment_id = l.b
             WHERE x.thread_id <> y.thread_id GROUP BY 1, 2)
         SELECT low, high, r.ticks, k.ticks
         FROM recomputed r FULL JOIN thread_link_sums k USING (low, high)
         WHERE r.ticks IS DISTINCT FROM k.ticks ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(differing.is_empty(), "{context}: sums {differing:?}");
    let wrong_progress: Vec<(i64,)> = sqlx::query_as(
        "SELECT t.id FROM threads t LEFT JOIN (
             SELECT m.thread_id,
                    min(coalesce(d.signed_on, d.published_on))
                        FILTER (WHERE m.relation = 'fulfils') AS fulfilled_on,
                    min(coalesce(d.signed_on, d.published_on))
                        FILTER (WHERE m.relation = 'advances') AS advanced_on
             FROM thread_mentions m JOIN documents d ON d.id = m.document_id
             GROUP BY m.thread_id) p ON p.thread_id = t.id
         WHERE t.retired_at IS NULL
           AND (t.fulfilled_on IS DISTINCT FROM p.fulfilled_on
                OR t.advanced_on IS DISTINCT FROM p.advanced_on)",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(
        wrong_progress.is_empty(),
        "{context}: fulfilled and advanced dates of threads {wrong_progress:?}"
    );
    let wrong_search: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM threads t
         JOIN thread_mentions m ON m.thread_id = t.id AND m.position = 0
         JOIN commitments c ON c.id = m.commitment_id
         WHERE t.retired_at IS NULL AND t.search IS DISTINCT FROM c.search",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(wrong_search, 0, "{context}: threads search by their origin");
    let pairs: i64 = sqlx::query_scalar("SELECT count(*) FROM thread_link_sums")
        .fetch_one(pool)
        .await
        .unwrap();
    pairs
}

#[tokio::test]
async fn incremental_linking_in_either_order_equals_relink() {
    let forward = fresh_db().await;
    ingest_and_link(&forward.pool, &[SEED_2011, SEED_2012]).await;
    let backward = fresh_db().await;
    ingest_and_link(&backward.pool, &[SEED_2012, SEED_2011]).await;
    let (f, b) = (export(&forward.pool).await, export(&backward.pool).await);
    assert!(
        f.threads.iter().any(|t| t.mentions.len() > 1),
        "some thread spans both documents"
    );
    assert_eq!(without_ids(&f), without_ids(&b));
    // The 2012 communiqué reports done what 2011 agreed: some threads are fulfilled then.
    let fulfilled: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM threads WHERE fulfilled_on = '2012-03-31' AND retired_at IS NULL",
    )
    .fetch_one(&forward.pool)
    .await
    .unwrap();
    assert!(fulfilled > 0, "threads fulfilled by the 2012 communiqué");
    for db in [&forward, &backward] {
        assert_kept_state_is_exact(&db.pool, "seeds").await;
    }

    corpus_of(&forward.pool).relink().await.expect("relinks");
    let relinked = export(&forward.pool).await;
    // Same threads, and every thread keeps its id.
    assert_eq!(relinked, f);
    assert_kept_state_is_exact(&forward.pool, "seeds relinked").await;
}

#[tokio::test]
async fn the_trade_target_thread_spans_both_documents_and_survives_reextraction() {
    let db = fresh_db().await;
    ingest_and_link(&db.pool, &[SEED_2012, SEED_2011]).await;
    let find = |e: &ThreadsExport| {
        e.threads
            .iter()
            .find(|t| t.mentions.iter().any(|m| m.text.contains("400亿美元")))
            .cloned()
            .expect("the trade thread")
    };
    let before = find(&export(&db.pool).await);
    let origin = &before.mentions[0];
    assert_eq!(
        (origin.document.title.as_str(), origin.relation.as_str()),
        (TITLE_2011, "origin")
    );
    assert!(origin.text.contains("400亿美元"));
    let later = before
        .mentions
        .iter()
        .find(|m| m.document.title == TITLE_2012 && m.text.contains("400亿美元"))
        .expect("the 2012 mention of the target");
    assert_eq!(later.relation.as_str(), "reaffirms");
    assert_eq!(before.deadline.as_deref(), Some("2015"));
    let evidence = later.evidence.as_ref().expect("evidence");
    assert!(
        evidence.keys.contains(&"metric:双边贸易额".to_owned()),
        "{evidence:?}"
    );
    assert!(later.score.unwrap_or(0.0) > 1.0);

    // Re-extraction with nothing changed keeps every thread as it was; a relink too.
    let corpus = corpus_of(&db.pool);
    let ids = {
        let mut conn = db.pool.acquire().await.unwrap();
        store::documents::ids(&mut conn).await.unwrap()
    };
    for id in ids {
        corpus.reextract(id).await.expect("re-extracts");
    }
    corpus.link_pending().await.expect("links");
    corpus.relink().await.expect("relinks");
    let after = find(&export(&db.pool).await);
    assert_eq!(after.id, before.id);
    assert_eq!(after, before);
}

#[tokio::test]
async fn a_changed_document_is_linked_again_and_its_old_threads_retire() {
    let db = fresh_db().await;
    ingest_and_link(&db.pool, &[SEED_2011, SEED_2012]).await;
    let threads_before = export(&db.pool).await.threads.len();
    // Retire the 2012 document's units as a re-extraction would when they disappear, and mark
    // it for linking: its threads shrink back to the 2011 side.
    sqlx::query(
        "UPDATE commitments SET retired_at = now() WHERE document_id = \
         (SELECT id FROM documents WHERE title = $1)",
    )
    .bind(TITLE_2012)
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query("DELETE FROM document_links WHERE document_id = (SELECT id FROM documents WHERE title = $1)")
        .bind(TITLE_2012)
        .execute(&db.pool)
        .await
        .unwrap();
    corpus_of(&db.pool).link_pending().await.expect("links");
    let after = export(&db.pool).await;
    assert!(after.threads.len() < threads_before);
    assert!(
        after
            .threads
            .iter()
            .all(|t| t.mentions.iter().all(|m| m.document.title == TITLE_2011)),
        "no mention of retired units is left"
    );
    let retired: i64 =
        sqlx::query_scalar("SELECT count(*) FROM threads WHERE retired_at IS NOT NULL")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert!(
        retired > 0,
        "threads only the 2012 document held are retired, not deleted"
    );
    let links: i64 = sqlx::query_scalar("SELECT count(*) FROM links")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(links, 0);
}

#[tokio::test]
async fn export_and_eval_agree_on_the_seed_gold() {
    let db = fresh_db().await;
    let gold = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/link/seed-links.json");
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus");
    let out = pledgeline()
        .args(["eval", "--database-url", &db.url, "--verbose", "--docs"])
        .arg(&docs)
        .arg("--gold")
        .arg(&gold)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("missed core links:"), "{stdout}");
    let f1: f64 = stdout
        .split("F1 ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .expect("an F1 figure");
    assert!(f1 > 0.6, "{stdout}");
    // The scratch database is gone, and the current one untouched.
    let scratch: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_database WHERE datname LIKE 'pledgeline_eval_%'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(scratch, 0);
    let documents: i64 = sqlx::query_scalar("SELECT count(*) FROM documents")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(documents, 0);

    // Ingest, export, and check the export has the documented shape.
    let ingest = pledgeline()
        .args(["ingest", "--database-url", &db.url])
        .arg(&docs)
        .output()
        .unwrap();
    assert!(ingest.status.success());
    let exported = pledgeline()
        .args([
            "export",
            "threads",
            "--format",
            "json",
            "--database-url",
            &db.url,
        ])
        .output()
        .unwrap();
    assert!(exported.status.success());
    let v: Value = serde_json::from_slice(&exported.stdout).expect("JSON");
    let thread = v["threads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["mentions"].as_array().unwrap().len() > 1)
        .expect("a linked thread");
    for key in ["id", "title", "topic", "deadline", "target", "mentions"] {
        assert!(thread.get(key).is_some(), "thread lacks {key}");
    }
    let mention = &thread["mentions"][1];
    for key in [
        "document", "text", "start", "end", "kind", "relation", "score", "evidence",
    ] {
        assert!(mention.get(key).is_some(), "mention lacks {key}");
    }
    for key in ["id", "title", "published", "signed", "source"] {
        assert!(
            mention["document"].get(key).is_some(),
            "document lacks {key}"
        );
    }
}

#[tokio::test]
async fn a_copy_of_a_document_is_not_linked_twice() {
    let db = fresh_db().await;
    ingest_and_link(&db.pool, &[SEED_2011, SEED_2012]).await;
    let before = without_ids(&export(&db.pool).await);
    // The same article filed again under another issue number: same body, other document.
    let dir = crate::helpers::scratch_dir();
    let copy = dir.path().join("copy.txt");
    let text = std::fs::read_to_string(sample(SEED_2012)).unwrap();
    std::fs::write(&copy, text.replacen("19807", "519807", 1)).unwrap();
    let corpus = corpus_of(&db.pool);
    let stored = corpus
        .ingest_path(&copy)
        .await
        .outcome
        .expect("the copy ingests");
    assert!(matches!(stored[0], store::documents::Stored::Inserted(_)));
    corpus.link_pending().await.expect("links");
    let after = export(&db.pool).await;
    let documents: std::collections::BTreeSet<i64> = after
        .threads
        .iter()
        .flat_map(|t| t.mentions.iter().map(|m| m.document.id))
        .collect();
    assert_eq!(documents.len(), 2, "one of the two copies is linked");
    // Whichever copy is linked, the threads read the same.
    assert_eq!(without_ids(&after), before);
}

/// The seeds and two later restatements of them (every year moved on by two), as
/// (name, bytes), in document order.
fn four_documents() -> Vec<(String, Vec<u8>)> {
    let read = |seed: &str| std::fs::read_to_string(sample(seed)).expect("seed");
    vec![
        (SEED_2011.to_owned(), read(SEED_2011).into_bytes()),
        (SEED_2012.to_owned(), read(SEED_2012).into_bytes()),
        (
            "2013.txt".to_owned(),
            read(SEED_2011)
                .replace("2011", "2013")
                .replace("二○一一", "二○一三")
                .into_bytes(),
        ),
        (
            "2014.txt".to_owned(),
            read(SEED_2012)
                .replace("2012", "2014")
                .replace("二○一二", "二○一四")
                .into_bytes(),
        ),
    ]
}

#[tokio::test]
async fn documents_arriving_in_date_order_are_linked_one_by_one_as_a_relink_would() {
    let docs = four_documents();
    let in_order = fresh_db().await;
    let corpus = corpus_of(&in_order.pool);
    let mut pairs = 0;
    for (k, (name, bytes)) in docs.iter().enumerate() {
        if k == docs.len() - 1 {
            // Profiles stored before units were kept with them: read from the commitments.
            sqlx::query("UPDATE link_profiles SET unit = NULL")
                .execute(&in_order.pool)
                .await
                .unwrap();
        }
        corpus
            .ingest_bytes(name, bytes.clone())
            .await
            .expect("ingests");
        let linked = corpus.link_pending().await.expect("links");
        // The first is a batch larger than the (empty) store, which is relinked whole.
        assert_eq!(linked.relinked, k == 0, "{name}: {linked}");
        pairs = assert_kept_state_is_exact(&in_order.pool, name).await;
    }
    assert!(pairs > 0, "some threads have links between them");
    let incremental = export(&in_order.pool).await;
    assert!(
        incremental.threads.iter().any(|t| {
            let mut d: Vec<i64> = t.mentions.iter().map(|m| m.document.id).collect();
            d.dedup();
            d.len() >= 3
        }),
        "some thread runs through three documents"
    );

    let shuffled = fresh_db().await;
    let corpus = corpus_of(&shuffled.pool);
    for k in [3, 0, 2, 1] {
        let (name, bytes) = &docs[k];
        corpus
            .ingest_bytes(name, bytes.clone())
            .await
            .expect("ingests");
        corpus.link_pending().await.expect("links");
        assert_kept_state_is_exact(&shuffled.pool, name).await;
    }
    assert_eq!(
        without_ids(&incremental),
        without_ids(&export(&shuffled.pool).await)
    );

    let relinked = corpus_of(&in_order.pool).relink().await.expect("relinks");
    assert!(relinked.relinked);
    assert_eq!(export(&in_order.pool).await, incremental);
    assert_eq!(
        assert_kept_state_is_exact(&in_order.pool, "relinked").await,
        pairs
    );
}

#[tokio::test]
async fn with_few_candidates_per_unit_linking_one_by_one_still_equals_a_relink() {
    // Rules that keep two candidates a unit, so the cap decides which pairs are scored.
    let dir = scratch_dir();
    let embedded = include_str!("../../lexicon/links.toml");
    assert!(embedded.contains("\nmax_candidates_per_unit = 40\n"));
    std::fs::write(
        dir.path().join("links.toml"),
        embedded.replace(
            "\nmax_candidates_per_unit = 40\n",
            "\nmax_candidates_per_unit = 2\n",
        ),
    )
    .unwrap();
    let rules = || LinkRules::load(&LexiconSource::Dir(dir.path().into())).expect("rules");
    let docs = four_documents();
    let mut links = Vec::new();
    let mut exports = Vec::new();
    for (order, capped) in [
        ([0, 1, 2, 3], true),
        ([3, 0, 2, 1], true),
        ([0, 1, 2, 3], false),
    ] {
        let db = fresh_db().await;
        let corpus = if capped {
            corpus_of(&db.pool).with_link_rules(rules())
        } else {
            corpus_of(&db.pool)
        };
        for k in order {
            let (name, bytes) = &docs[k];
            corpus
                .ingest_bytes(name, bytes.clone())
                .await
                .expect("ingests");
            corpus.link_pending().await.expect("links");
        }
        let linked = export(&db.pool).await;
        if capped && order[0] == 0 {
            corpus.relink().await.expect("relinks");
            assert_eq!(export(&db.pool).await, linked);
        }
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM links")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        links.push(n);
        exports.push(without_ids(&linked));
    }
    assert_eq!(exports[0], exports[1], "in date order and shuffled");
    assert!(
        links[0] < links[2],
        "the cap leaves pairs unscored: {links:?}"
    );
}

#[tokio::test]
async fn a_batch_of_more_documents_than_are_linked_is_relinked_whole() {
    let docs = four_documents();
    let db = fresh_db().await;
    let corpus = corpus_of(&db.pool);
    let mut relinked = Vec::new();
    for batch in [&docs[..1], &docs[1..3], &docs[3..]] {
        for (name, bytes) in batch {
            corpus
                .ingest_bytes(name, bytes.clone())
                .await
                .expect("ingests");
        }
        relinked.push(corpus.link_pending().await.expect("links").relinked);
    }
    // One document into an empty store, two into a store of one, then one into three.
    assert_eq!(relinked, [true, true, false]);
    let linked = export(&db.pool).await;
    corpus.relink().await.expect("relinks");
    assert_eq!(export(&db.pool).await, linked);
}

#[tokio::test]
async fn links_name_stored_units_and_go_with_a_deleted_document() {
    let db = fresh_db().await;
    ingest_and_link(&db.pool, &[SEED_2011, SEED_2012]).await;
    let count = |sql: &'static str| {
        let pool = db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let before = count("SELECT count(*) FROM links").await;
    assert!(before > 0, "the seeds are linked");

    // A link to a unit that is not stored is refused, which rolls back the linking transaction.
    let unit: i64 = count("SELECT min(id) FROM commitments").await;
    let mut tx = db.pool.begin().await.unwrap();
    let link = |a, b| store::links::StoredLink {
        a,
        b,
        score: 0.5,
        evidence: Default::default(),
    };
    let refused = store::links::insert(&mut tx, &[link(unit, unit + 1), link(unit, i64::MAX)])
        .await
        .expect_err("an end is not stored");
    assert!(refused.to_string().contains("1 of 2 links"), "{refused}");
    tx.rollback().await.unwrap();
    assert_eq!(count("SELECT count(*) FROM links").await, before);

    // Deleting a document deletes its units, and with them every link that names them.
    let touching = count(
        "SELECT count(*) FROM links WHERE a IN (SELECT id FROM commitments WHERE document_id =
         (SELECT min(id) FROM documents)) OR b IN (SELECT id FROM commitments WHERE document_id =
         (SELECT min(id) FROM documents))",
    )
    .await;
    assert!(touching > 0, "the first seed has links");
    sqlx::query("DELETE FROM documents WHERE id = (SELECT min(id) FROM documents)")
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(count("SELECT count(*) FROM links").await, before - touching);
    assert_eq!(
        count("SELECT count(*) FROM links WHERE a NOT IN (SELECT id FROM commitments) OR b NOT IN (SELECT id FROM commitments)").await,
        0
    );
}
