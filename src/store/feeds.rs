//! What the Atom feeds read: overdue threads, the newest mentions of all threads, and the
//! newest mentions of one thread. Each query walks an index in its order and stops at its
//! limit, so a feed costs the same on a store of a million mentions as on the demo.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use super::StoreError;
use crate::link::Relation;

/// A thread overdue as of a date.
#[derive(Debug, Clone)]
pub struct OverdueThread {
    pub id: i64,
    pub title: String,
    pub topic: String,
    pub deadline: NaiveDate,
    pub deadline_text: Option<String>,
    pub last_mentioned: Option<NaiveDate>,
}

/// Up to `limit` active threads overdue as of `as_of` (the rule of `thread_status`, as the
/// dashboard's list), the most recently overdue first: a backward walk of the deadline index.
pub async fn overdue(
    conn: &mut PgConnection,
    as_of: NaiveDate,
    limit: i64,
) -> Result<Vec<OverdueThread>, StoreError> {
    Ok(sqlx::query_as!(
        OverdueThread,
        r#"
        SELECT t.id, t.title, t.topic, t.deadline AS "deadline!", t.deadline_text,
               t.last_mentioned
        FROM threads t
        WHERE t.retired_at IS NULL AND t.mention_count > 0
          AND t.deadline < $1 AND (t.first_stated IS NULL OR t.first_stated <= $1)
          AND thread_status(t.fulfilled_on, t.advanced_on, t.deadline, $1) = 'overdue'
        ORDER BY t.deadline DESC, t.id DESC
        LIMIT $2
        "#,
        as_of,
        limit
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// A mention as a feed entry shows it.
#[derive(Debug, Clone)]
pub struct FeedMention {
    /// The unit (commitment) mentioned.
    pub commitment_id: i64,
    pub thread_id: i64,
    pub thread_title: String,
    /// Position in the thread (the thread page's anchor is `#m{position}`).
    pub position: i32,
    pub relation: Relation,
    pub text: String,
    pub document_id: i64,
    pub document_title: String,
    /// Signing date, else publication date.
    pub date: Option<NaiveDate>,
    /// When the document was stored.
    pub ingested_at: DateTime<Utc>,
}

struct MentionRow {
    commitment_id: i64,
    thread_id: i64,
    thread_title: String,
    position: i32,
    relation: String,
    text: String,
    document_id: i64,
    document_title: String,
    date: Option<NaiveDate>,
    ingested_at: DateTime<Utc>,
}

impl MentionRow {
    fn into_mention(self) -> Result<FeedMention, StoreError> {
        Ok(FeedMention {
            commitment_id: self.commitment_id,
            thread_id: self.thread_id,
            thread_title: self.thread_title,
            position: self.position,
            relation: self.relation.parse()?,
            text: self.text,
            document_id: self.document_id,
            document_title: self.document_title,
            date: self.date,
            ingested_at: self.ingested_at,
        })
    }
}

/// The newest `limit` mentions that are not a thread's origin, newest stored document first.
/// Document ids are given in the order documents are stored (as `ingested_at`), so this walks
/// the mentions' document index backwards and stops.
pub async fn newest_mentions(
    conn: &mut PgConnection,
    limit: i64,
) -> Result<Vec<FeedMention>, StoreError> {
    sqlx::query_as!(
        MentionRow,
        r#"
        SELECT m.commitment_id, m.thread_id, t.title AS thread_title, m.position, m.relation,
               c.text, d.id AS document_id, d.title AS document_title,
               coalesce(d.signed_on, d.published_on) AS date, d.ingested_at
        FROM thread_mentions m
        JOIN threads t ON t.id = m.thread_id
        JOIN commitments c ON c.id = m.commitment_id
        JOIN documents d ON d.id = m.document_id
        WHERE m.relation <> 'origin'
        ORDER BY m.document_id DESC, m.commitment_id DESC
        LIMIT $1
        "#,
        limit
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(MentionRow::into_mention)
    .collect()
}

/// The newest `limit` mentions of one thread (its origin too), newest stored document first:
/// a backward walk of the index on (thread, document).
pub async fn newest_mentions_of(
    conn: &mut PgConnection,
    thread: i64,
    limit: i64,
) -> Result<Vec<FeedMention>, StoreError> {
    sqlx::query_as!(
        MentionRow,
        r#"
        SELECT m.commitment_id, m.thread_id, t.title AS thread_title, m.position, m.relation,
               c.text, d.id AS document_id, d.title AS document_title,
               coalesce(d.signed_on, d.published_on) AS date, d.ingested_at
        FROM thread_mentions m
        JOIN threads t ON t.id = m.thread_id
        JOIN commitments c ON c.id = m.commitment_id
        JOIN documents d ON d.id = m.document_id
        WHERE m.thread_id = $1
        ORDER BY m.document_id DESC, m.position DESC
        LIMIT $2
        "#,
        thread,
        limit
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(MentionRow::into_mention)
    .collect()
}

/// When a thread was last written (by linking, relinking or a correction); `None` for no such
/// thread.
pub async fn thread_changed_at(
    conn: &mut PgConnection,
    thread: i64,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    Ok(
        sqlx::query_scalar!("SELECT updated_at FROM threads WHERE id = $1", thread)
            .fetch_optional(&mut *conn)
            .await?,
    )
}
