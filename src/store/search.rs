//! Full-text search over units and document titles, through their jieba-cut `tsvector`s and
//! GIN indexes. Queries are `tsquery` literals ([`super::browse::tsquery`]).
//!
//! A search reads the matching units once: the newest [`NEWEST`] of them, with their
//! documents and ranks ([`newest_matches`]). Counting, ranking and grouping by document are
//! done on those; only the page's units are then read whole ([`units_by_id`]). Ranking every
//! match of a common word (合作: 380,000 of a million units) took seconds, and the newest
//! matches are what an analyst looks for first.

use chrono::NaiveDate;
use sqlx::PgConnection;

use super::StoreError;
use crate::extract::Kind;

/// Matches read, newest first; beyond them a search says "more than".
pub const NEWEST: i64 = 1000;

/// A matching unit: its id, document and rank.
#[derive(Debug, Clone, Copy)]
pub struct Match {
    pub id: i64,
    pub document_id: i64,
    pub rank: f32,
}

/// The current units matching `query`, the most recently stored first, at most `limit`.
pub async fn newest_matches(
    conn: &mut PgConnection,
    query: &str,
    limit: i64,
) -> Result<Vec<Match>, StoreError> {
    Ok(sqlx::query!(
        r#"
        SELECT c.id, c.document_id, ts_rank(c.search, $1::text::tsquery) AS "rank!"
        FROM commitments c
        WHERE c.retired_at IS NULL AND c.search @@ $1::text::tsquery
        ORDER BY c.id DESC
        LIMIT $2
        "#,
        query,
        limit
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| Match {
        id: r.id,
        document_id: r.document_id,
        rank: r.rank,
    })
    .collect())
}

/// A unit that matches, as the page shows it (its document's and thread's titles are in the
/// catalog).
#[derive(Debug, Clone)]
pub struct UnitHit {
    pub commitment_id: i64,
    pub text: String,
    pub kind: Kind,
    pub document_id: i64,
    /// The block holding it (`#p{block}` on the document page).
    pub block: i32,
    /// Its thread, when it has one.
    pub thread: Option<i64>,
}

/// Units by id, in the order given.
pub async fn units_by_id(conn: &mut PgConnection, ids: &[i64]) -> Result<Vec<UnitHit>, StoreError> {
    let rows = sqlx::query!(
        r#"
        SELECT c.id, c.text, c.kind, c.document_id, c.block_seq, m.thread_id AS "thread_id?"
        FROM unnest($1::bigint[]) WITH ORDINALITY AS k(id, n)
        JOIN commitments c ON c.id = k.id
        LEFT JOIN thread_mentions m ON m.commitment_id = c.id
        ORDER BY k.n
        "#,
        ids
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
                block: r.block_seq,
                thread: r.thread_id,
            })
        })
        .collect()
}

/// The documents whose titles match `query`, newest first, at most `limit`.
pub async fn title_matches(
    conn: &mut PgConnection,
    query: &str,
    limit: i64,
) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar!(
        r#"
        SELECT e.document_id FROM document_extractions e
        WHERE e.title_search @@ $1::text::tsquery
        ORDER BY e.document_id DESC
        LIMIT $2
        "#,
        query,
        limit
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// A document that matches, by its title or by its units.
#[derive(Debug, Clone)]
pub struct DocumentHit {
    pub id: i64,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub title_match: bool,
    /// Its units among the newest matches.
    pub units: i64,
}
