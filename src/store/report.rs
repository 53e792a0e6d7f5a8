//! What a progress report reads: every active thread as it stood on a date (its mentions up
//! to then, the follow-ups recorded by then), and each thread's history. Rows come as streams,
//! so a report over every thread never holds them all.
//!
//! "Known on a date": a mention counts from its document's date (signing, else publication,
//! else the day it was stored: the SQL function `known_on`); a follow-up version counts from
//! the day it was saved (UTC). A follow-up shows on the thread a merge carried it to (the
//! view `followup_homes`).

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::{Stream, StreamExt};
use sqlx::PgConnection;
use sqlx::types::Json;

use super::StoreError;
use crate::analyst::followups::EvidenceItem;
use crate::extract::TargetValue;

/// Which threads a report covers. `None` lets all through.
#[derive(Debug, Clone)]
pub struct Scope {
    pub as_of: NaiveDate,
    pub topic: Option<String>,
    /// A party code.
    pub party: Option<String>,
    /// Threads with a mention within this period (both ends inclusive; either may be open).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// A thread as it stood on the report's date.
#[derive(Debug, Clone)]
pub struct ThreadFacts {
    pub id: i64,
    pub title: String,
    pub topic: String,
    pub parties: Vec<String>,
    /// The deadline the latest known mention states, and how the thread words it today.
    pub deadline: Option<NaiveDate>,
    pub current_deadline: Option<NaiveDate>,
    pub current_deadline_text: Option<String>,
    pub target: Option<TargetValue>,
    pub first_stated: Option<NaiveDate>,
    pub last_mentioned: Option<NaiveDate>,
    pub mentions: i64,
    pub mentions_in_period: i64,
    pub fulfilled_on: Option<NaiveDate>,
    pub advanced_on: Option<NaiveDate>,
    /// The newest follow-up's status (withdrawn ones aside).
    pub assessed: Option<String>,
    /// The newest evidence item of the thread's follow-ups.
    pub evidence: Option<EvidenceItem>,
    /// The newest mention that reports progress (advances or fulfils), with its document.
    pub progress_relation: Option<String>,
    pub progress_date: Option<NaiveDate>,
    pub progress_document: Option<String>,
}

impl ThreadFacts {
    /// The deadline as the thread words it ("2015"), when the report's deadline is the
    /// thread's current one.
    pub fn deadline_text(&self) -> Option<&str> {
        self.current_deadline_text
            .as_deref()
            .filter(|_| self.deadline.is_some() && self.deadline == self.current_deadline)
    }
}

struct FactsRow {
    id: i64,
    title: String,
    topic: String,
    parties: Vec<String>,
    deadline: Option<NaiveDate>,
    current_deadline: Option<NaiveDate>,
    current_deadline_text: Option<String>,
    target: Option<Json<TargetValue>>,
    first_stated: Option<NaiveDate>,
    last_mentioned: Option<NaiveDate>,
    mentions: i64,
    mentions_in_period: i64,
    fulfilled_on: Option<NaiveDate>,
    advanced_on: Option<NaiveDate>,
    assessed: Option<String>,
    evidence: Option<Json<EvidenceItem>>,
    progress_relation: Option<String>,
    progress_date: Option<NaiveDate>,
    progress_document: Option<String>,
}

impl From<FactsRow> for ThreadFacts {
    fn from(r: FactsRow) -> Self {
        ThreadFacts {
            id: r.id,
            title: r.title,
            topic: r.topic,
            parties: r.parties,
            deadline: r.deadline,
            current_deadline: r.current_deadline,
            current_deadline_text: r.current_deadline_text,
            target: r.target.map(|j| j.0),
            first_stated: r.first_stated,
            last_mentioned: r.last_mentioned,
            mentions: r.mentions,
            mentions_in_period: r.mentions_in_period,
            fulfilled_on: r.fulfilled_on,
            advanced_on: r.advanced_on,
            assessed: r.assessed,
            evidence: r.evidence.map(|j| j.0),
            progress_relation: r.progress_relation,
            progress_date: r.progress_date,
            progress_document: r.progress_document,
        }
    }
}

/// The threads in scope as they stood on `scope.as_of`, earliest stated first: only threads
/// with a mention known by then. One statement, read as a stream.
pub fn threads<'c>(
    conn: &'c mut PgConnection,
    scope: &'c Scope,
) -> impl Stream<Item = Result<ThreadFacts, StoreError>> + 'c {
    sqlx::query_as!(
        FactsRow,
        r#"
        WITH saved AS (
            SELECT DISTINCT ON (v.followup_id) v.followup_id, v.status, v.evidence, v.withdrawn,
                   v.edited_at, v.edited_by
            FROM followup_versions v
            WHERE v.edited_at < (($1::date + 1)::timestamp AT TIME ZONE 'UTC')
            ORDER BY v.followup_id, v.version DESC
        ),
        assessed AS (
            SELECT DISTINCT ON (h.thread_id) h.thread_id, s.status
            FROM saved s JOIN followup_homes h USING (followup_id)
            WHERE NOT s.withdrawn
            ORDER BY h.thread_id, s.edited_at DESC, s.followup_id DESC
        ),
        proof AS (
            SELECT DISTINCT ON (h.thread_id) h.thread_id, e.item
            FROM saved s JOIN followup_homes h USING (followup_id),
                 jsonb_array_elements(s.evidence) AS e(item)
            WHERE NOT s.withdrawn
              AND (e.item->>'date' IS NULL OR (e.item->>'date')::date <= $1)
            ORDER BY h.thread_id, (e.item->>'date')::date DESC NULLS LAST, s.edited_at DESC
        ),
        known AS (
            SELECT m.thread_id, m.position, m.relation, m.deadline, k.day,
                   m.states_dated_target AS dated_target
            FROM thread_mentions m
            JOIN threads t ON t.id = m.thread_id
            JOIN documents d ON d.id = m.document_id
            CROSS JOIN LATERAL (SELECT known_on(d.signed_on, d.published_on, d.ingested_at)
                                    AS day) k
            WHERE t.retired_at IS NULL
              AND ($2::text IS NULL OR t.topic = $2)
              AND ($3::text IS NULL OR $3 = ANY (t.parties))
              AND k.day <= $1
        ),
        facts AS (
            SELECT thread_id,
                   count(*) AS mentions,
                   count(*) FILTER (WHERE day >= coalesce($4, day) AND day <= coalesce($5, day))
                       AS in_period,
                   min(day) AS first_stated,
                   max(day) AS last_mentioned,
                   min(day) FILTER (WHERE relation = 'fulfils') AS fulfilled_on,
                   min(day) FILTER (WHERE relation = 'advances') AS advanced_on,
                   max(position) FILTER (WHERE dated_target) AS target_at,
                   max(position) FILTER (WHERE relation IN ('advances', 'fulfils'))
                       AS progress_at,
                   (array_agg(deadline ORDER BY position DESC)
                       FILTER (WHERE deadline IS NOT NULL))[1] AS deadline
            FROM known
            GROUP BY thread_id
        )
        SELECT t.id, t.title, t.topic, t.parties,
               f.deadline, t.deadline AS current_deadline,
               t.deadline_text AS current_deadline_text,
               (SELECT e.item FROM thread_mentions tm
                    JOIN commitments c ON c.id = tm.commitment_id,
                    jsonb_array_elements(c.attributes->'targets') AS e(item)
                WHERE tm.thread_id = f.thread_id AND tm.position = f.target_at
                  AND jsonb_typeof(e.item->'deadline') IS DISTINCT FROM 'null'
                LIMIT 1) AS "target: Json<TargetValue>",
               f.first_stated, f.last_mentioned,
               f.mentions AS "mentions!", f.in_period AS "mentions_in_period!",
               f.fulfilled_on, f.advanced_on,
               a.status AS "assessed?",
               p.item AS "evidence?: Json<EvidenceItem>",
               pm.relation AS "progress_relation?",
               known_on(pd.signed_on, pd.published_on, pd.ingested_at) AS progress_date,
               pd.title AS "progress_document?"
        FROM facts f
        JOIN threads t ON t.id = f.thread_id
        LEFT JOIN assessed a ON a.thread_id = f.thread_id
        LEFT JOIN proof p ON p.thread_id = f.thread_id
        LEFT JOIN thread_mentions pm ON pm.thread_id = f.thread_id AND pm.position = f.progress_at
        LEFT JOIN documents pd ON pd.id = pm.document_id
        WHERE ($4::date IS NULL AND $5::date IS NULL) OR f.in_period > 0
        ORDER BY f.first_stated NULLS LAST, t.id
        "#,
        scope.as_of,
        scope.topic.as_deref(),
        scope.party.as_deref(),
        scope.from,
        scope.to,
    )
    .fetch(conn)
    .map(|row| Ok(ThreadFacts::from(row?)))
}

/// One mention in a thread's history.
#[derive(Debug, Clone)]
pub struct MentionEvent {
    pub thread_id: i64,
    pub position: i32,
    pub relation: String,
    pub date: Option<NaiveDate>,
    pub document_id: i64,
    pub document_title: String,
    pub quote: String,
}

/// The mentions known on `as_of` of these threads: thread by thread in the order given, each
/// thread's in order.
pub fn mentions<'c>(
    conn: &'c mut PgConnection,
    threads: &'c [i64],
    as_of: NaiveDate,
) -> impl Stream<Item = Result<MentionEvent, StoreError>> + 'c {
    sqlx::query_as!(
        MentionEvent,
        r#"
        SELECT m.thread_id, m.position, m.relation,
               known_on(d.signed_on, d.published_on, d.ingested_at) AS date,
               d.id AS document_id, d.title AS document_title, c.text AS quote
        FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, n)
        JOIN thread_mentions m ON m.thread_id = o.id
        JOIN documents d ON d.id = m.document_id
        JOIN commitments c ON c.id = m.commitment_id
        WHERE known_on(d.signed_on, d.published_on, d.ingested_at) <= $2
        ORDER BY o.n, m.position
        "#,
        threads,
        as_of,
    )
    .fetch(conn)
    .map(|row| row.map_err(StoreError::from))
}

/// One saved version of a follow-up, in a thread's history.
#[derive(Debug, Clone)]
pub struct FollowupEvent {
    /// The active thread the follow-up's work shows on (after merges).
    pub thread_id: i64,
    pub followup_id: i64,
    pub version: i32,
    pub status: String,
    pub note: String,
    pub evidence: Vec<EvidenceItem>,
    pub withdrawn: bool,
    pub analyst: String,
    pub saved_at: DateTime<Utc>,
}

struct FollowupRow {
    thread_id: i64,
    followup_id: i64,
    version: i32,
    status: String,
    note: String,
    evidence: Json<Vec<EvidenceItem>>,
    withdrawn: bool,
    analyst: String,
    saved_at: DateTime<Utc>,
}

/// Every follow-up version saved by `as_of` (UTC) on any thread, keyed by the active thread it
/// shows on, oldest first. Analysts write these by hand, so they are few next to mentions.
pub async fn followups(
    conn: &mut PgConnection,
    as_of: NaiveDate,
) -> Result<Vec<FollowupEvent>, StoreError> {
    Ok(sqlx::query_as!(
        FollowupRow,
        r#"
        SELECT h.thread_id AS "thread_id!", v.followup_id, v.version, v.status, v.note,
               v.evidence AS "evidence: Json<Vec<EvidenceItem>>", v.withdrawn,
               u.name AS analyst, v.edited_at AS saved_at
        FROM followup_versions v
        JOIN followup_homes h ON h.followup_id = v.followup_id
        JOIN users u ON u.id = v.edited_by
        WHERE v.edited_at < (($1::date + 1)::timestamp AT TIME ZONE 'UTC')
        ORDER BY v.edited_at, v.followup_id, v.version
        "#,
        as_of,
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| FollowupEvent {
        thread_id: r.thread_id,
        followup_id: r.followup_id,
        version: r.version,
        status: r.status,
        note: r.note,
        evidence: r.evidence.0,
        withdrawn: r.withdrawn,
        analyst: r.analyst,
        saved_at: r.saved_at,
    })
    .collect())
}
