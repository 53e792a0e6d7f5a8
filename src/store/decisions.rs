//! Link decisions and the constraints they stand for, and the review queue of machine links.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use super::StoreError;
use crate::analyst::decisions::{DecisionKind, Pair};

/// What a decision is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionWrite<'a> {
    pub thread: Option<i64>,
    pub other_thread: Option<i64>,
    pub a: Option<i64>,
    pub b: Option<i64>,
    pub note: &'a str,
}

/// Stores a decision and its constraint pairs; returns its id.
pub async fn record(
    conn: &mut PgConnection,
    kind: DecisionKind,
    about: &DecisionWrite<'_>,
    user: i64,
    pairs: &[Pair],
) -> Result<i64, StoreError> {
    let id = sqlx::query_scalar!(
        r#"
        INSERT INTO link_decisions (kind, thread_id, other_thread_id, a, b, note, made_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        RETURNING id
        "#,
        kind.as_str(),
        about.thread,
        about.other_thread,
        about.a,
        about.b,
        about.note,
        user
    )
    .fetch_one(&mut *conn)
    .await?;
    let a: Vec<i64> = pairs.iter().map(|p| p.a).collect();
    let b: Vec<i64> = pairs.iter().map(|p| p.b).collect();
    let must: Vec<bool> = pairs.iter().map(|p| p.must).collect();
    sqlx::query!(
        r#"
        INSERT INTO link_constraints (decision_id, a, b, must_link)
        SELECT $1, a, b, must FROM unnest($2::bigint[], $3::bigint[], $4::boolean[]) AS p(a, b, must)
        ON CONFLICT DO NOTHING
        "#,
        id,
        &a,
        &b,
        &must
    )
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Every constraint in force (of decisions not revoked), with its decision, in a stable
/// order. A unit that re-extraction retired (its span changed) stands for the live unit of
/// its document whose span overlaps it most, so a decision outlives a change of the
/// extractor; a retired unit with no such successor is kept as it is (and matches nothing).
pub async fn active_pairs(conn: &mut PgConnection) -> Result<Vec<(i64, Pair)>, StoreError> {
    let rows = sqlx::query!(
        r#"
        WITH p AS (
            SELECT c.decision_id, c.a, c.b, c.must_link
            FROM link_constraints c JOIN link_decisions d ON d.id = c.decision_id
            WHERE d.revoked_at IS NULL
        ), ends AS (
            SELECT DISTINCT e AS unit FROM p, unnest(ARRAY[p.a, p.b]) AS e
        ), live AS (
            SELECT ends.unit, coalesce((
                SELECT n.id FROM commitments r JOIN commitments n
                  ON n.document_id = r.document_id AND n.retired_at IS NULL
                 AND n.span_start < r.span_end AND n.span_end > r.span_start
                WHERE r.id = ends.unit AND r.retired_at IS NOT NULL
                ORDER BY least(n.span_end, r.span_end) - greatest(n.span_start, r.span_start) DESC,
                         n.id
                LIMIT 1), ends.unit) AS now
            FROM ends
        )
        SELECT p.decision_id, la.now AS "a!", lb.now AS "b!", p.must_link
        FROM p JOIN live la ON la.unit = p.a JOIN live lb ON lb.unit = p.b
        ORDER BY p.decision_id, p.a, p.b
        "#
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Some((r.decision_id, Pair::new(r.a, r.b, r.must_link)?)))
        .collect())
}

/// Serialises decisions with each other and with linking runs, which read them.
pub async fn lock(conn: &mut PgConnection) -> Result<(), StoreError> {
    super::links::lock(conn).await
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DecisionRow {
    pub id: i64,
    pub kind: DecisionKind,
    pub thread_id: Option<i64>,
    pub other_thread_id: Option<i64>,
    pub a: Option<i64>,
    pub b: Option<i64>,
    pub note: String,
    pub made_by: String,
    pub made_at: DateTime<Utc>,
    pub revoked_by: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The units its constraints name.
    pub units: Vec<i64>,
}

struct Row {
    id: i64,
    kind: String,
    thread_id: Option<i64>,
    other_thread_id: Option<i64>,
    a: Option<i64>,
    b: Option<i64>,
    note: String,
    made_by: String,
    made_at: DateTime<Utc>,
    revoked_by: Option<String>,
    revoked_at: Option<DateTime<Utc>>,
    units: Vec<i64>,
}

impl Row {
    fn into_decision(self) -> Result<DecisionRow, StoreError> {
        Ok(DecisionRow {
            id: self.id,
            kind: self.kind.parse()?,
            thread_id: self.thread_id,
            other_thread_id: self.other_thread_id,
            a: self.a,
            b: self.b,
            note: self.note,
            made_by: self.made_by,
            made_at: self.made_at,
            revoked_by: self.revoked_by,
            revoked_at: self.revoked_at,
            units: self.units,
        })
    }
}

/// One decision.
pub async fn get(conn: &mut PgConnection, id: i64) -> Result<Option<DecisionRow>, StoreError> {
    sqlx::query_as!(
        Row,
        r#"
        SELECT d.id, d.kind, d.thread_id, d.other_thread_id, d.a, d.b, d.note,
               m.name AS made_by, d.made_at, r.name AS "revoked_by?", d.revoked_at,
               coalesce((SELECT array_agg(DISTINCT u ORDER BY u)
                         FROM link_constraints c, unnest(ARRAY[c.a, c.b]) AS u
                         WHERE c.decision_id = d.id), '{}') AS "units!"
        FROM link_decisions d
        JOIN users m ON m.id = d.made_by
        LEFT JOIN users r ON r.id = d.revoked_by
        WHERE d.id = $1
        "#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .map(Row::into_decision)
    .transpose()
}

/// Decisions about a thread: made on it, or naming a unit that is one of its mentions now.
/// Newest first.
pub async fn of_thread(
    conn: &mut PgConnection,
    thread: i64,
) -> Result<Vec<DecisionRow>, StoreError> {
    sqlx::query_as!(
        Row,
        r#"
        SELECT d.id, d.kind, d.thread_id, d.other_thread_id, d.a, d.b, d.note,
               m.name AS made_by, d.made_at, r.name AS "revoked_by?", d.revoked_at,
               coalesce((SELECT array_agg(DISTINCT u ORDER BY u)
                         FROM link_constraints c, unnest(ARRAY[c.a, c.b]) AS u
                         WHERE c.decision_id = d.id), '{}') AS "units!"
        FROM link_decisions d
        JOIN users m ON m.id = d.made_by
        LEFT JOIN users r ON r.id = d.revoked_by
        WHERE d.id IN (
            SELECT id FROM link_decisions WHERE thread_id = $1
            UNION SELECT id FROM link_decisions WHERE other_thread_id = $1
            UNION SELECT c.decision_id FROM thread_mentions tm
                  JOIN link_constraints c ON c.a = tm.commitment_id
                  WHERE tm.thread_id = $1
            UNION SELECT c.decision_id FROM thread_mentions tm
                  JOIN link_constraints c ON c.b = tm.commitment_id
                  WHERE tm.thread_id = $1)
        ORDER BY d.made_at DESC, d.id DESC
        "#,
        thread
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(Row::into_decision)
    .collect()
}

/// Marks a decision undone; false when it was undone already (or does not exist).
pub async fn revoke(conn: &mut PgConnection, id: i64, user: i64) -> Result<bool, StoreError> {
    Ok(sqlx::query!(
        r#"
        UPDATE link_decisions SET revoked_by = $2, revoked_at = now()
        WHERE id = $1 AND revoked_at IS NULL
        "#,
        id,
        user
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1)
}

/// A machine link waiting for review: the mention, the unit it was attached through, and
/// the link's score and evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueItem {
    pub thread_id: i64,
    pub thread_title: String,
    pub mention: i64,
    pub linked_from: i64,
    pub relation: String,
    pub score: f64,
    pub evidence: Option<serde_json::Value>,
}

/// Machine links of active threads that no standing accept or reject decision covers,
/// least certain first.
pub async fn queue(
    conn: &mut PgConnection,
    thread: Option<i64>,
    limit: i64,
    offset: i64,
) -> Result<Vec<QueueItem>, StoreError> {
    Ok(sqlx::query_as!(
        QueueItem,
        r#"
        SELECT m.thread_id, t.title AS thread_title, m.commitment_id AS mention,
               m.linked_from AS "linked_from!", m.relation, m.score AS "score!", m.evidence
        FROM thread_mentions m
        JOIN threads t ON t.id = m.thread_id AND t.retired_at IS NULL
        WHERE m.linked_from IS NOT NULL AND m.score IS NOT NULL
          AND ($3::bigint IS NULL OR m.thread_id = $3)
          AND NOT EXISTS (
              SELECT 1 FROM link_decisions d
              WHERE d.revoked_at IS NULL AND d.kind IN ('accept', 'reject')
                AND d.a = least(m.commitment_id, m.linked_from)
                AND d.b = greatest(m.commitment_id, m.linked_from))
        ORDER BY m.score, m.commitment_id
        LIMIT $1 OFFSET $2
        "#,
        limit,
        offset,
        thread
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// How many machine links wait for review (of one thread, or of all), counted up to
/// `cap` (a count over a million mentions would cost more than the page).
pub async fn queue_length(
    conn: &mut PgConnection,
    thread: Option<i64>,
    cap: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar!(
        r#"
        SELECT count(*) AS "n!" FROM (
            SELECT 1
            FROM thread_mentions m
            JOIN threads t ON t.id = m.thread_id AND t.retired_at IS NULL
            WHERE m.linked_from IS NOT NULL AND m.score IS NOT NULL
              AND ($1::bigint IS NULL OR m.thread_id = $1)
              AND NOT EXISTS (
                  SELECT 1 FROM link_decisions d
                  WHERE d.revoked_at IS NULL AND d.kind IN ('accept', 'reject')
                    AND d.a = least(m.commitment_id, m.linked_from)
                    AND d.b = greatest(m.commitment_id, m.linked_from))
            LIMIT $2) AS waiting
        "#,
        thread,
        cap
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// A unit as the review shows it: its text and its document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitView {
    pub id: i64,
    pub text: String,
    pub document_id: i64,
    pub document_title: String,
    pub date: Option<NaiveDate>,
    pub block_seq: i32,
    pub thread_id: Option<i64>,
    pub retired: bool,
}

pub async fn units(conn: &mut PgConnection, ids: &[i64]) -> Result<Vec<UnitView>, StoreError> {
    Ok(sqlx::query_as!(
        UnitView,
        r#"
        SELECT c.id AS "id!", c.text AS "text!", c.document_id AS "document_id!",
               d.title AS "document_title!", coalesce(d.signed_on, d.published_on) AS date,
               c.block_seq AS "block_seq!",
               m.thread_id AS "thread_id?", c.retired_at IS NOT NULL AS "retired!"
        FROM commitments c
        JOIN documents d ON d.id = c.document_id
        LEFT JOIN thread_mentions m ON m.commitment_id = c.id
        WHERE c.id = ANY($1)
        "#,
        ids
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// The mentions of a thread in order (origin first).
pub async fn ordered_members(conn: &mut PgConnection, thread: i64) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar!(
        "SELECT commitment_id FROM thread_mentions WHERE thread_id = $1 ORDER BY position",
        thread
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// The thread a unit is a mention of.
pub async fn thread_of(conn: &mut PgConnection, unit: i64) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar!(
        "SELECT thread_id FROM thread_mentions WHERE commitment_id = $1",
        unit
    )
    .fetch_optional(&mut *conn)
    .await?)
}
