use pledgeline::corpus::{self, CorpusError, Summary};
use pledgeline::store::documents::{self, Stored};

use crate::helpers::{SEED_2011, SEED_2012, corpus_of, fixture, fresh_db, sample, scratch_dir};

async fn count(pool: &sqlx::PgPool) -> i64 {
    let mut conn = pool.acquire().await.unwrap();
    documents::count(&mut conn).await.unwrap()
}

#[tokio::test]
async fn seeds_are_stored_with_their_fields_and_layout() {
    let db = fresh_db().await;
    let report = corpus_of(&db.pool).ingest_path(&sample(SEED_2012)).await;
    let stored = report.outcome.expect("ingests");
    let [Stored::Inserted(id)] = stored[..] else {
        panic!("one new document: {stored:?}")
    };
    let mut conn = db.pool.acquire().await.unwrap();
    let doc = documents::get(&mut conn, id).await.unwrap().unwrap();
    assert_eq!(doc.meta.title, "中哈总理第一次定期会晤联合公报");
    assert_eq!(doc.meta.published.unwrap().to_string(), "2012-04-03");
    assert_eq!(doc.meta.signed_on.unwrap().to_string(), "2012-03-31");
    assert_eq!(doc.meta.signed_place.as_deref(), Some("北京"));
    assert_eq!(doc.meta.dateline_place.as_deref(), Some("北京"));
    assert_eq!(doc.meta.page.as_deref(), Some("04"));
    assert_eq!(doc.meta.page_name.as_deref(), Some("国际新闻"));
    assert_eq!(doc.meta.issue_number.as_deref(), Some("19807"));
    assert_eq!(doc.encoding, "UTF-8");
    let codes: Vec<&str> = doc
        .raw_fields
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["ZQ", "RQ", "BH", "TH", "BT", "FL", "BM", "TC", "ZW"]
    );

    // Every stored offset points at the text it claims, in the stored body.
    let body: Vec<char> = doc.body.chars().collect();
    let cut = |s: i32, e: i32| body[s as usize..e as usize].iter().collect::<String>();
    let blocks = documents::blocks(&mut conn, id).await.unwrap();
    assert!(blocks.len() > 20);
    for b in &blocks {
        let pieces: Vec<String> = b
            .segments
            .iter()
            .map(|s| cut(s.start as i32, s.end as i32))
            .collect();
        assert_eq!(pieces.join(b.kind.segment_joiner()), b.text);
    }
    let sentences = documents::sentences(&mut conn, id).await.unwrap();
    assert!(sentences.len() > 40);
    for s in &sentences {
        assert_eq!(cut(s.start, s.end), s.text);
    }
    assert!(sentences.iter().any(|s| {
        s.text
            .contains("确保实现在2015年前将双边贸易额提高到400亿美元的目标")
    }));
}

#[tokio::test]
async fn re_ingesting_the_same_content_is_unchanged_and_keeps_the_id() {
    let db = fresh_db().await;
    let first = corpus_of(&db.pool)
        .ingest_path(&sample(SEED_2011))
        .await
        .outcome
        .unwrap();
    let again = corpus_of(&db.pool)
        .ingest_path(&sample(SEED_2011))
        .await
        .outcome
        .unwrap();
    // The same article GB18030-encoded is the same content.
    let gb = corpus_of(&db.pool)
        .ingest_path(&fixture("001_e246b652d2346690.gb18030.txt"))
        .await
        .outcome
        .unwrap();
    let id = first[0].id();
    assert!(matches!(first[..], [Stored::Inserted(_)]));
    assert_eq!(again, vec![Stored::Unchanged(id)]);
    assert_eq!(gb, vec![Stored::Unchanged(id)]);
    assert_eq!(count(&db.pool).await, 1);
}

#[tokio::test]
async fn a_multi_article_file_stores_every_article() {
    let db = fresh_db().await;
    let report = corpus_of(&db.pool)
        .ingest_path(&fixture("multi_article_crlf.txt"))
        .await;
    let stored = report.outcome.expect("ingests");
    assert!(stored.len() >= 2);
    assert!(stored.iter().all(|s| matches!(s, Stored::Inserted(_))));
    assert_eq!(count(&db.pool).await, stored.len() as i64);
}

#[tokio::test]
async fn a_bad_batch_reports_each_file_and_keeps_going() {
    let db = fresh_db().await;
    let dir = scratch_dir();
    let good = dir.path().join("a_good.txt");
    std::fs::copy(sample(SEED_2012), &good).unwrap();
    for bad in [
        "bad_unterminated.txt",
        "bad_missing_body.txt",
        "bad_binary.txt",
        "bad_empty.txt",
    ] {
        std::fs::copy(fixture(bad), dir.path().join(bad)).unwrap();
    }
    std::fs::write(dir.path().join("ignored.pdf"), b"%PDF-1.4").unwrap();
    let (files, missing) =
        corpus::collect_files(&[dir.path().to_path_buf(), dir.path().join("nope.txt")]);
    assert_eq!(files.len(), 5, "the .pdf is not picked up from a folder");
    assert_eq!(missing.len(), 1);
    let mut summary = Summary::default();
    for m in &missing {
        assert!(matches!(m.outcome, Err(CorpusError::Missing)));
        summary.add(m);
    }
    for f in &files {
        let report = corpus_of(&db.pool).ingest_path(f).await;
        if f == &good {
            assert!(report.outcome.is_ok());
        } else {
            let reason = report.outcome.as_ref().unwrap_err().to_string();
            assert!(!reason.is_empty());
        }
        summary.add(&report);
    }
    assert_eq!(
        summary,
        Summary {
            ingested: 1,
            unchanged: 0,
            failed: 5
        }
    );
    assert_eq!(summary.to_string(), "ingested 1, unchanged 0, failed 5");
    assert_eq!(count(&db.pool).await, 1);
}

#[tokio::test]
async fn a_file_lands_whole_or_not_at_all() {
    let db = fresh_db().await;
    // First article fine, second one without a body: nothing of the file is stored.
    let dir = scratch_dir();
    let seed = std::fs::read_to_string(sample(SEED_2012)).unwrap();
    let broken = "〖ZQ/总期〗1〖-ZQ/总期〗\n〖RQ/日期〗20120405〖-RQ/日期〗\n〖BT/标题〗无正文〖-BT/标题〗\n";
    let file = dir.path().join("two.txt");
    std::fs::write(&file, format!("{seed}\n{broken}")).unwrap();
    let report = corpus_of(&db.pool).ingest_path(&file).await;
    assert!(report.outcome.is_err());
    assert_eq!(count(&db.pool).await, 0);
}

#[tokio::test]
async fn a_stored_body_never_changes() {
    let db = fresh_db().await;
    let stored = corpus_of(&db.pool)
        .ingest_path(&sample(SEED_2012))
        .await
        .outcome
        .unwrap();
    let err = sqlx::query("UPDATE documents SET body = 'x' WHERE id = $1")
        .bind(stored[0].id().0)
        .execute(&db.pool)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("never changes"), "{err}");
}

#[tokio::test]
async fn text_files_keep_partial_dates_with_their_precision() {
    let db = fresh_db().await;
    let dir = scratch_dir();
    let md = dir.path().join("note.md");
    std::fs::write(&md, "---\ntitle: 会谈纪要\ndate: 2015-06\nsource: https://example.org/n\n---\n\n双方将加强合作。\n").unwrap();
    let plain = dir.path().join("2014-05-20-statement.txt");
    std::fs::write(&plain, "联合声明\n\n    双方商定尽快建立机制。\n").unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    for (file, title, date, precision) in [
        (&md, "会谈纪要", "2015-06", "month"),
        (&plain, "联合声明", "2014-05-20", "day"),
    ] {
        let stored = corpus_of(&db.pool).ingest_path(file).await.outcome.unwrap();
        let doc = documents::get(&mut conn, stored[0].id())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(doc.meta.title, title);
        let published = doc.meta.published.unwrap();
        assert_eq!(published.to_string(), date);
        assert_eq!(published.precision.as_str(), precision);
        assert!(
            !doc.body.contains(title),
            "the title line is not part of the body"
        );
    }
}
