//! Full-text search over units and document titles, through their jieba-cut `tsvector`s and
//! GIN indexes. Queries are `tsquery` literals ([`super::browse::tsquery`]).

use chrono::NaiveDate;
use sqlx::PgConnection;

use super::StoreError;
use crate::extract::Kind;

/// Most matches counted; beyond it a search says "more than".
pub const COUNT_CAP: i64 = 1000;

/// A unit that matches.
#[derive(Debug, Clone)]
pub struct UnitHit {
    pub commitment_id: i64,
    pub text: String,
    pub kind: Kind,
    pub document_id: i64,
    pub document_title: String,
    pub date: Option<NaiveDate>,
    /// The block holding it (`#p{block}` on the document page).
    pub block: Option<i32>,
    /// Its thread, when it has one: id and title.
    pub thread: Option<(i64, String)>,
}

/// Matching units ranked: the most recently stored this many. Ranking every match of a common
/// word (合作: 380,000 of a million units) took seconds; the newest matches are what an
/// analyst looks for first.
pub const RANKED: i64 = 500;

/// One page of the current units matching `query`, best first (rank, then newest), among
/// the [`RANKED`] most recently stored matches.
pub async fn units(
    conn: &mut PgConnection,
    query: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<UnitHit>, StoreError> {
    let rows = sqlx::query!(
        r#"
        WITH hits AS (
            SELECT c.id, ts_rank(c.search, $1::text::tsquery) AS rank
            FROM commitments c
            WHERE c.retired_at IS NULL AND c.search @@ $1::text::tsquery
            ORDER BY c.id DESC
            LIMIT $4
        )
        SELECT c.id, c.text, c.kind, c.document_id, d.title,
               coalesce(d.signed_on, d.published_on) AS date,
               (SELECT b.seq FROM document_blocks b
                WHERE b.document_id = c.document_id
                  AND b.start_char <= c.span_start AND c.span_start < b.end_char
                ORDER BY b.seq LIMIT 1) AS block,
               t.id AS "thread_id?", t.title AS "thread_title?"
        FROM hits h
        JOIN commitments c ON c.id = h.id
        JOIN documents d ON d.id = c.document_id
        LEFT JOIN thread_mentions m ON m.commitment_id = c.id
        LEFT JOIN threads t ON t.id = m.thread_id AND t.retired_at IS NULL
        ORDER BY h.rank DESC, coalesce(d.signed_on, d.published_on) DESC NULLS LAST, c.id
        LIMIT $2 OFFSET $3
        "#,
        query,
        limit,
        offset,
        RANKED
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(UnitHit {
                commitment_id: r.id,
                text: r.text,
                kind: r.kind.parse()?,
                document_id: r.document_id,
                document_title: r.title,
                date: r.date,
                block: r.block,
                thread: r.thread_id.zip(r.thread_title),
            })
        })
        .collect()
}

/// How many current units match, counted up to [`COUNT_CAP`] + 1.
pub async fn count_units(conn: &mut PgConnection, query: &str) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar!(
        r#"
        SELECT count(*) AS "n!" FROM (
            SELECT 1 FROM commitments c
            WHERE c.retired_at IS NULL AND c.search @@ $1::text::tsquery
            LIMIT $2
        ) x
        "#,
        query,
        COUNT_CAP + 1
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// A document that matches, by its title or by its units.
#[derive(Debug, Clone)]
pub struct DocumentHit {
    pub id: i64,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub title_match: bool,
    /// Its matching units among the [`COUNT_CAP`] most recently stored matches.
    pub units: i64,
}

/// The documents matching `query`: those whose title matches first, then by matching units,
/// then newest.
pub async fn documents(
    conn: &mut PgConnection,
    query: &str,
    limit: i64,
) -> Result<Vec<DocumentHit>, StoreError> {
    Ok(sqlx::query!(
        r#"
        WITH by_units AS (
            SELECT document_id, count(*) AS hits FROM (
                SELECT c.document_id FROM commitments c
                WHERE c.retired_at IS NULL AND c.search @@ $1::text::tsquery
                ORDER BY c.id DESC
                LIMIT $3
            ) x GROUP BY document_id
        ), by_title AS (
            SELECT e.document_id FROM document_extractions e
            WHERE e.title_search @@ $1::text::tsquery
        ), found AS (
            SELECT document_id FROM by_units UNION SELECT document_id FROM by_title
        )
        SELECT d.id, d.title, coalesce(d.signed_on, d.published_on) AS date,
               (t.document_id IS NOT NULL) AS "title_match!",
               coalesce(u.hits, 0) AS "units!"
        FROM found f
        JOIN documents d ON d.id = f.document_id
        LEFT JOIN by_units u ON u.document_id = d.id
        LEFT JOIN by_title t ON t.document_id = d.id
        ORDER BY 4 DESC, 5 DESC, 3 DESC NULLS LAST, d.id
        LIMIT $2
        "#,
        query,
        limit,
        COUNT_CAP
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| DocumentHit {
        id: r.id,
        title: r.title,
        date: r.date,
        title_match: r.title_match,
        units: r.units,
    })
    .collect())
}
