//! Follow-ups and fulfilment criteria: append-only versions. A save names the version it
//! was made from; when another save got there first, the insert of the same (id, version)
//! finds its key taken and the save reports a conflict instead of overwriting.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use super::StoreError;
use crate::analyst::followups::{EvidenceItem, FollowupContent, FollowupStatus};

/// One version of a thread's fulfilment criteria.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CriteriaVersion {
    /// The thread it was written on (a thread merged into this one keeps its own).
    pub thread_id: i64,
    pub version: i32,
    pub criteria: String,
    pub edited_by: String,
    pub edited_at: DateTime<Utc>,
}

/// Every version of a thread's criteria, its own newest first, then those of threads merged
/// into it.
pub async fn criteria_history(
    conn: &mut PgConnection,
    thread: i64,
) -> Result<Vec<CriteriaVersion>, StoreError> {
    Ok(sqlx::query_as!(
        CriteriaVersion,
        r#"
        WITH RECURSIVE s(id) AS (
            SELECT $1::bigint
            UNION SELECT t.id FROM threads t JOIN s ON t.succeeded_by = s.id
        )
        SELECT c.thread_id, c.version, c.criteria, u.name AS edited_by, c.edited_at
        FROM thread_criteria c JOIN users u ON u.id = c.edited_by
        WHERE c.thread_id IN (SELECT id FROM s)
        ORDER BY c.thread_id = $1 DESC,
                 CASE WHEN c.thread_id = $1 THEN c.version END DESC NULLS LAST,
                 c.edited_at DESC
        "#,
        thread
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// Saves criteria as version `based_on + 1` (`based_on` 0: the first). False when that
/// version exists already: someone else saved since `based_on` was read.
pub async fn save_criteria(
    conn: &mut PgConnection,
    thread: i64,
    based_on: i32,
    criteria: &str,
    user: i64,
) -> Result<bool, StoreError> {
    let saved = sqlx::query!(
        r#"
        INSERT INTO thread_criteria (thread_id, version, criteria, edited_by)
        VALUES ($1, $2 + 1, $3, $4)
        ON CONFLICT (thread_id, version) DO NOTHING
        "#,
        thread,
        based_on,
        criteria,
        user
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(saved == 1)
}

/// One version of a follow-up.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FollowupVersion {
    pub followup_id: i64,
    pub thread_id: i64,
    pub version: i32,
    pub content: FollowupContent,
    pub withdrawn: bool,
    pub edited_by: String,
    pub edited_at: DateTime<Utc>,
    /// When the follow-up was first recorded, and by whom.
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// Creates a follow-up on a thread (version 1); returns its id.
pub async fn create(
    conn: &mut PgConnection,
    thread: i64,
    user: i64,
    content: &FollowupContent,
) -> Result<i64, StoreError> {
    let id = sqlx::query_scalar!(
        "INSERT INTO followups (thread_id, created_by) VALUES ($1, $2) RETURNING id",
        thread,
        user
    )
    .fetch_one(&mut *conn)
    .await?;
    if !save_version(conn, id, 0, content, false, user).await? {
        return Err(StoreError::Corrupt(format!(
            "follow-up {id} had a version before its first"
        )));
    }
    Ok(id)
}

/// Saves a version `based_on + 1` of a follow-up; false when it exists already (a conflict).
pub async fn save_version(
    conn: &mut PgConnection,
    followup: i64,
    based_on: i32,
    content: &FollowupContent,
    withdrawn: bool,
    user: i64,
) -> Result<bool, StoreError> {
    let evidence =
        serde_json::to_value(&content.evidence).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let saved = sqlx::query!(
        r#"
        INSERT INTO followup_versions (followup_id, version, status, note, evidence,
                                       next_follow_up, withdrawn, edited_by)
        VALUES ($1, $2 + 1, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (followup_id, version) DO NOTHING
        "#,
        followup,
        based_on,
        content.status.as_str(),
        content.note,
        evidence,
        content.next_follow_up,
        withdrawn,
        user
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(saved == 1)
}

struct VersionRow {
    followup_id: i64,
    thread_id: i64,
    version: i32,
    status: String,
    note: String,
    evidence: serde_json::Value,
    next_follow_up: Option<NaiveDate>,
    withdrawn: bool,
    edited_by: String,
    edited_at: DateTime<Utc>,
    created_by: String,
    created_at: DateTime<Utc>,
}

impl VersionRow {
    fn into_version(self) -> Result<FollowupVersion, StoreError> {
        let evidence: Vec<EvidenceItem> = serde_json::from_value(self.evidence)
            .map_err(|e| StoreError::Corrupt(format!("follow-up evidence: {e}")))?;
        let status: FollowupStatus = self.status.parse()?;
        Ok(FollowupVersion {
            followup_id: self.followup_id,
            thread_id: self.thread_id,
            version: self.version,
            content: FollowupContent {
                status,
                note: self.note,
                evidence,
                next_follow_up: self.next_follow_up,
            },
            withdrawn: self.withdrawn,
            edited_by: self.edited_by,
            edited_at: self.edited_at,
            created_by: self.created_by,
            created_at: self.created_at,
        })
    }
}

/// Every version of every follow-up of a thread (and of the threads relinking merged into
/// it): by follow-up (oldest first), newest version first within each.
pub async fn of_thread(
    conn: &mut PgConnection,
    thread: i64,
) -> Result<Vec<FollowupVersion>, StoreError> {
    sqlx::query_as!(
        VersionRow,
        r#"
        SELECT v.followup_id, f.thread_id, v.version, v.status, v.note, v.evidence,
               v.next_follow_up, v.withdrawn, e.name AS edited_by, v.edited_at,
               c.name AS created_by, f.created_at
        FROM followups f
        JOIN followup_versions v ON v.followup_id = f.id
        JOIN users e ON e.id = v.edited_by
        JOIN users c ON c.id = f.created_by
        WHERE f.thread_id IN (
            WITH RECURSIVE s(id) AS (
                SELECT $1::bigint
                UNION SELECT t.id FROM threads t JOIN s ON t.succeeded_by = s.id
            )
            SELECT id FROM s)
        ORDER BY f.created_at, f.id, v.version DESC
        "#,
        thread
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(VersionRow::into_version)
    .collect()
}

/// Every version of one follow-up, newest first (empty when there is none).
pub async fn versions(
    conn: &mut PgConnection,
    followup: i64,
) -> Result<Vec<FollowupVersion>, StoreError> {
    sqlx::query_as!(
        VersionRow,
        r#"
        SELECT v.followup_id, f.thread_id, v.version, v.status, v.note, v.evidence,
               v.next_follow_up, v.withdrawn, e.name AS edited_by, v.edited_at,
               c.name AS created_by, f.created_at
        FROM followups f
        JOIN followup_versions v ON v.followup_id = f.id
        JOIN users e ON e.id = v.edited_by
        JOIN users c ON c.id = f.created_by
        WHERE f.id = $1
        ORDER BY v.version DESC
        "#,
        followup
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(VersionRow::into_version)
    .collect()
}

/// Where a retired thread's work went: the end of its chain of successors.
pub async fn successor(conn: &mut PgConnection, thread: i64) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar!(
        r#"
        WITH RECURSIVE s(id, depth) AS (
            SELECT succeeded_by, 1 FROM threads WHERE id = $1 AND succeeded_by IS NOT NULL
            UNION ALL
            SELECT t.succeeded_by, s.depth + 1 FROM threads t JOIN s ON t.id = s.id
            WHERE t.succeeded_by IS NOT NULL AND s.depth < 100
        )
        SELECT id AS "id!" FROM s ORDER BY depth DESC LIMIT 1
        "#,
        thread
    )
    .fetch_optional(&mut *conn)
    .await?)
}

/// Whether analysts' work is on a thread itself: follow-ups, criteria, or decisions naming it.
pub async fn has_work(conn: &mut PgConnection, thread: i64) -> Result<bool, StoreError> {
    Ok(sqlx::query_scalar!(
        r#"
        SELECT EXISTS (SELECT 1 FROM followups WHERE thread_id = $1)
            OR EXISTS (SELECT 1 FROM thread_criteria WHERE thread_id = $1)
            OR EXISTS (SELECT 1 FROM link_decisions WHERE thread_id = $1)
            OR EXISTS (SELECT 1 FROM link_decisions WHERE other_thread_id = $1) AS "work!"
        "#,
        thread
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// Whether a thread (or a thread merged into it) has follow-ups or criteria, and whether any
/// link decision exists at all: one cheap statement, so that a thread page without analyst
/// work (most of them) runs none of the queries that read it.
pub async fn work_on(conn: &mut PgConnection, thread: i64) -> Result<(bool, bool), StoreError> {
    let row = sqlx::query!(
        r#"
        SELECT (EXISTS (SELECT 1 FROM followups WHERE thread_id = $1)
                OR EXISTS (SELECT 1 FROM thread_criteria WHERE thread_id = $1)
                OR EXISTS (SELECT 1 FROM threads WHERE succeeded_by = $1)) AS "notes!",
               EXISTS (SELECT 1 FROM link_decisions) AS "decisions!"
        "#,
        thread
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.notes, row.decisions))
}
