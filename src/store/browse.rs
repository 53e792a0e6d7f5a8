//! What the pages read of threads: lists with filters, one thread with its mentions, and the
//! dashboard's counts. Statuses come from the SQL function `thread_status`, the same rule as
//! [`Status::of`].

use chrono::NaiveDate;
use sqlx::PgConnection;
use sqlx::types::Json;

use super::StoreError;
use crate::extract::{Kind, QueryTerm, TargetValue};
use crate::link::status::Status;
use crate::link::{Evidence, Relation};

/// How a list of threads is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThreadOrder {
    /// Most recently mentioned first.
    #[default]
    LastMentioned,
    /// Earliest stated first.
    FirstStated,
    /// Nearest deadline first (threads without one last).
    Deadline,
    /// Most mentioned first.
    Mentions,
}

impl ThreadOrder {
    pub const ALL: [ThreadOrder; 4] = [
        ThreadOrder::LastMentioned,
        ThreadOrder::FirstStated,
        ThreadOrder::Deadline,
        ThreadOrder::Mentions,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ThreadOrder::LastMentioned => "last",
            ThreadOrder::FirstStated => "first",
            ThreadOrder::Deadline => "deadline",
            ThreadOrder::Mentions => "mentions",
        }
    }

    pub fn parse(s: &str) -> Option<ThreadOrder> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// Which threads a list shows. Every filter left `None` (or `false`) lets all through.
#[derive(Debug, Clone, Default)]
pub struct ThreadFilter {
    pub topic: Option<String>,
    /// A party code.
    pub party: Option<String>,
    /// Threads in any of these statuses (as of the list's date).
    pub statuses: Vec<Status>,
    /// Threads with at least one mention of this relation.
    pub relation: Option<Relation>,
    /// Threads mentioned in or after this year, and first stated in or before that one.
    pub from_year: Option<i32>,
    pub to_year: Option<i32>,
    pub has_deadline: bool,
    /// Threads whose origin has all of these words.
    pub words: Vec<QueryTerm>,
}

/// A thread as lists show it.
#[derive(Debug, Clone)]
pub struct ThreadListing {
    pub id: i64,
    pub title: String,
    pub topic: String,
    pub parties: Vec<String>,
    pub deadline_text: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub target: Option<TargetValue>,
    pub first_stated: Option<NaiveDate>,
    pub last_mentioned: Option<NaiveDate>,
    pub mention_count: i32,
    pub fulfilled_on: Option<NaiveDate>,
    pub advanced_on: Option<NaiveDate>,
}

impl ThreadListing {
    pub fn status(&self, as_of: NaiveDate) -> Status {
        Status::of(self.fulfilled_on, self.advanced_on, self.deadline, as_of)
    }
}

/// A `tsquery` literal requiring every term: a term matches as itself or as all the words
/// that cover it (`'双边贸易额' | '双边' & '贸易额'`). `None` for no terms.
pub fn tsquery(terms: &[QueryTerm]) -> Option<String> {
    fn quoted(word: &str) -> String {
        format!("'{}'", word.replace('\\', "\\\\").replace('\'', "''"))
    }
    let parts: Vec<String> = terms
        .iter()
        .map(|t| {
            if t.parts.len() > 1 {
                let all: Vec<String> = t.parts.iter().map(|p| quoted(p)).collect();
                format!("({} | {})", quoted(&t.word), all.join(" & "))
            } else {
                quoted(&t.word)
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" & "))
}

/// A thread row as the list queries return it.
pub(super) struct ListingRow {
    pub(super) id: i64,
    pub(super) title: String,
    pub(super) topic: String,
    pub(super) parties: Vec<String>,
    pub(super) deadline_text: Option<String>,
    pub(super) deadline: Option<NaiveDate>,
    pub(super) target: Option<Json<TargetValue>>,
    pub(super) first_stated: Option<NaiveDate>,
    pub(super) last_mentioned: Option<NaiveDate>,
    pub(super) mention_count: i32,
    pub(super) fulfilled_on: Option<NaiveDate>,
    pub(super) advanced_on: Option<NaiveDate>,
}

impl From<ListingRow> for ThreadListing {
    fn from(r: ListingRow) -> Self {
        ThreadListing {
            id: r.id,
            title: r.title,
            topic: r.topic,
            parties: r.parties,
            deadline_text: r.deadline_text,
            deadline: r.deadline,
            target: r.target.map(|j| j.0),
            first_stated: r.first_stated,
            last_mentioned: r.last_mentioned,
            mention_count: r.mention_count,
            fulfilled_on: r.fulfilled_on,
            advanced_on: r.advanced_on,
        }
    }
}

/// Most threads a list counts; beyond it the list says "more than".
pub const LIST_COUNT_CAP: i64 = 1_000;

/// An active thread by id.
pub async fn thread(conn: &mut PgConnection, id: i64) -> Result<Option<ThreadListing>, StoreError> {
    // Retiring a thread sets its mention count to 0: a thread with mentions is active.
    Ok(thread_even_retired(conn, id)
        .await?
        .filter(|t| t.mention_count > 0))
}

/// A thread whatever its state (retired ones too, with their last facts).
pub async fn thread_even_retired(
    conn: &mut PgConnection,
    id: i64,
) -> Result<Option<ThreadListing>, StoreError> {
    Ok(sqlx::query_as!(
        ListingRow,
        r#"
        SELECT t.id, t.title, t.topic, t.parties, t.deadline_text, t.deadline,
               t.target AS "target: Json<TargetValue>", t.first_stated, t.last_mentioned,
               t.mention_count, t.fulfilled_on, t.advanced_on
        FROM threads t
        WHERE t.id = $1
        "#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .map(ThreadListing::from))
}

/// Where a thread's address leads.
#[derive(Debug, Clone)]
pub enum ThreadAt {
    Active(ThreadListing),
    /// A thread a merge retired: its address and its work lead to this one.
    MergedInto(i64),
    /// A thread left without mentions, kept while analysts' work (follow-ups, criteria,
    /// decisions) is on it.
    Retired(ThreadListing),
}

/// Where thread `id`'s address leads, if anywhere: the one rule of the thread page, its feed
/// and the API.
pub async fn locate(conn: &mut PgConnection, id: i64) -> Result<Option<ThreadAt>, StoreError> {
    if let Some(t) = thread(conn, id).await? {
        return Ok(Some(ThreadAt::Active(t)));
    }
    if let Some(next) = super::followups::successor(conn, id).await? {
        return Ok(Some(ThreadAt::MergedInto(next)));
    }
    let Some(t) = thread_even_retired(conn, id).await? else {
        return Ok(None);
    };
    Ok(super::followups::has_work(conn, id)
        .await?
        .then_some(ThreadAt::Retired(t)))
}

/// A mention as the thread page shows it.
#[derive(Debug, Clone)]
pub struct MentionView {
    pub position: i32,
    pub relation: Relation,
    pub score: Option<f64>,
    pub evidence: Option<Evidence>,
    pub commitment_id: i64,
    pub kind: Kind,
    pub text: String,
    pub document_id: i64,
    pub document_title: String,
    /// Signing date, else publication date.
    pub date: Option<NaiveDate>,
    /// The block of the document that holds the mention (its anchor is `#p{block}`).
    pub block: Option<i32>,
}

/// The mentions of a thread from position `from`, in order, at most `limit`.
pub async fn mentions(
    conn: &mut PgConnection,
    thread: i64,
    from: i32,
    limit: i64,
) -> Result<Vec<MentionView>, StoreError> {
    let rows = sqlx::query!(
        r#"
        SELECT m.position, m.relation, m.score, m.evidence AS "evidence: Json<Evidence>",
               c.id AS commitment_id, c.kind, c.text, d.id AS document_id, d.title,
               coalesce(d.signed_on, d.published_on) AS date,
               c.block_seq AS "block?"
        FROM thread_mentions m
        JOIN commitments c ON c.id = m.commitment_id
        JOIN documents d ON d.id = c.document_id
        WHERE m.thread_id = $1 AND m.position >= $2
        ORDER BY m.position
        LIMIT $3
        "#,
        thread,
        from,
        limit
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(MentionView {
                position: r.position,
                relation: r.relation.parse()?,
                score: r.score,
                evidence: r.evidence.map(|j| j.0),
                commitment_id: r.commitment_id,
                kind: r.kind.parse()?,
                text: r.text,
                document_id: r.document_id,
                document_title: r.title,
                date: r.date,
                block: r.block,
            })
        })
        .collect()
}

/// Documents by year of their date (signing, else publication): (year, documents); undated
/// documents are not counted.
pub async fn documents_by_year(conn: &mut PgConnection) -> Result<Vec<(i32, i64)>, StoreError> {
    Ok(sqlx::query!(
        r#"
        SELECT extract(year FROM coalesce(signed_on, published_on))::int AS "year!",
               count(*) AS "n!"
        FROM documents
        WHERE coalesce(signed_on, published_on) IS NOT NULL
        GROUP BY 1 ORDER BY 1
        "#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.year, r.n))
    .collect())
}

/// The threads a document's units are in: (unit, thread), by unit (from the mentions'
/// covering index alone; the threads' titles are in the catalog).
pub async fn threads_of_document(
    conn: &mut PgConnection,
    document: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(sqlx::query!(
        r#"
        SELECT commitment_id, thread_id FROM thread_mentions
        WHERE document_id = $1 ORDER BY commitment_id
        "#,
        document
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.commitment_id, r.thread_id))
    .collect())
}

/// What the document page counts besides its units, in one query: its sentences and the
/// parties extraction found in it (none when not extracted).
pub async fn document_facts(
    conn: &mut PgConnection,
    document: i64,
) -> Result<(i64, Vec<String>), StoreError> {
    let r = sqlx::query!(
        r#"
        SELECT (SELECT count(*) FROM document_sentences WHERE document_id = $1) AS "sentences!",
               (SELECT parties FROM document_extractions WHERE document_id = $1) AS parties
        "#,
        document
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((r.sentences, r.parties.unwrap_or_default()))
}

/// A thread's mentions in one month: the relation and position of the first of them, and
/// how many.
#[derive(Debug, Clone)]
pub struct MonthMarks {
    pub thread: i64,
    /// The first day of the month.
    pub month: NaiveDate,
    pub relation: Relation,
    pub first_position: i32,
    pub mentions: i64,
}

/// The dated mentions of some threads, a mark per thread and month (so that a thread restated
/// in thousands of articles still draws as a line of a few hundred marks).
pub async fn mention_months(
    conn: &mut PgConnection,
    threads: &[i64],
) -> Result<Vec<MonthMarks>, StoreError> {
    let rows = sqlx::query!(
        r#"
        SELECT m.thread_id,
               date_trunc('month', coalesce(d.signed_on, d.published_on))::date AS "month!",
               (array_agg(m.relation ORDER BY m.position))[1] AS "relation!",
               min(m.position) AS "first_position!",
               count(*) AS "mentions!"
        FROM thread_mentions m JOIN documents d ON d.id = m.document_id
        WHERE m.thread_id = ANY($1) AND coalesce(d.signed_on, d.published_on) IS NOT NULL
        GROUP BY 1, 2
        ORDER BY 1, 2
        "#,
        threads
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(MonthMarks {
                thread: r.thread_id,
                month: r.month,
                relation: r.relation.parse()?,
                first_position: r.first_position,
                mentions: r.mentions,
            })
        })
        .collect()
}

/// How long what was read while a writer was at work may serve: that writer's rows may be
/// missing from it though the generation already counts them.
pub const UNSURE_FOR: std::time::Duration = std::time::Duration::from_secs(2);

/// What something read from a [`Snapshot`] and held in memory stands for.
#[derive(Debug, Clone, Copy)]
pub struct Label {
    pub generation: i64,
    pub sure: bool,
    pub made: std::time::Instant,
}

impl Label {
    pub fn new(generation: i64, sure: bool) -> Label {
        Label {
            generation,
            sure,
            made: std::time::Instant::now(),
        }
    }

    /// Whether it stands for the store at `generation`.
    pub fn serves(&self, generation: i64) -> bool {
        self.generation == generation && (self.sure || self.made.elapsed() < UNSURE_FOR)
    }
}

/// A read-only snapshot of the store, labelled with the generation read just before it was
/// taken, for what is held in memory until the generation moves.
pub struct Snapshot<'c> {
    pub generation: i64,
    /// No transaction that had written was open when the snapshot was taken. When one was, a
    /// generation it moved may stand for rows the snapshot does not see: what is read from it
    /// must not be trusted for long.
    pub sure: bool,
    pub tx: sqlx::Transaction<'c, sqlx::Postgres>,
}

pub async fn snapshot(conn: &mut PgConnection) -> Result<Snapshot<'_>, StoreError> {
    let generation = generation(&mut *conn).await?;
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    sqlx::query!("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let writers = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM pg_snapshot_xip(pg_current_snapshot())"#
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(Snapshot {
        generation,
        sure: writers == 0,
        tx,
    })
}

/// Changes whenever threads or documents are written (by any process): what page caches are
/// keyed by.
pub async fn generation(conn: &mut PgConnection) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar!(r#"SELECT last_value AS "n!" FROM store_generation"#)
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// Active threads as of a date, counted by topic, status and whether they have a deadline, in
/// one pass: (topic, status, has deadline, threads).
pub async fn dashboard_counts(
    conn: &mut PgConnection,
    as_of: NaiveDate,
) -> Result<Vec<(String, Status, bool, i64)>, StoreError> {
    let rows = sqlx::query!(
        r#"
        SELECT topic, thread_status(fulfilled_on, advanced_on, deadline, $1) AS "status!",
               deadline IS NOT NULL AS "has_deadline!", count(*) AS "n!"
        FROM threads
        WHERE retired_at IS NULL AND mention_count > 0
          AND (first_stated IS NULL OR first_stated <= $1)
        GROUP BY 1, 2, 3
        "#,
        as_of
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| Ok((r.topic, r.status.parse()?, r.has_deadline, r.n)))
        .collect()
}

/// The dashboard's short lists, as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortList {
    /// Deadline passed and not fulfilled, the longest overdue first.
    Overdue,
    /// Deadline ahead and not fulfilled, the nearest first.
    Upcoming,
    /// Most recently mentioned first.
    Recent,
}

/// Up to `limit` threads of a dashboard list. Each walks an index in its order and stops.
pub async fn short_list(
    conn: &mut PgConnection,
    list: ShortList,
    as_of: NaiveDate,
    limit: i64,
) -> Result<Vec<ThreadListing>, StoreError> {
    Ok(sqlx::query_as!(
        ListingRow,
        r#"
        (SELECT t.id AS "id!", t.title AS "title!", t.topic AS "topic!",
                t.parties AS "parties!", t.deadline_text, t.deadline,
                t.target AS "target: Json<TargetValue>", t.first_stated, t.last_mentioned,
                t.mention_count AS "mention_count!", t.fulfilled_on, t.advanced_on
         FROM threads t
         WHERE $2 = 'overdue' AND t.retired_at IS NULL AND t.mention_count > 0
           AND t.deadline < $1 AND (t.first_stated IS NULL OR t.first_stated <= $1)
           AND (t.fulfilled_on IS NULL OR t.fulfilled_on > $1)
         ORDER BY t.deadline, t.id
         LIMIT $3)
        UNION ALL
        (SELECT t.id, t.title, t.topic, t.parties, t.deadline_text, t.deadline,
                t.target, t.first_stated, t.last_mentioned,
                t.mention_count, t.fulfilled_on, t.advanced_on
         FROM threads t
         WHERE $2 = 'upcoming' AND t.retired_at IS NULL AND t.mention_count > 0
           AND t.deadline >= $1 AND (t.first_stated IS NULL OR t.first_stated <= $1)
           AND (t.fulfilled_on IS NULL OR t.fulfilled_on > $1)
         ORDER BY t.deadline, t.id
         LIMIT $3)
        UNION ALL
        (SELECT t.id, t.title, t.topic, t.parties, t.deadline_text, t.deadline,
                t.target, t.first_stated, t.last_mentioned,
                t.mention_count, t.fulfilled_on, t.advanced_on
         FROM threads t
         WHERE $2 = 'recent' AND t.retired_at IS NULL AND t.mention_count > 0
           AND (t.first_stated IS NULL OR t.first_stated <= $1)
         ORDER BY t.last_mentioned DESC NULLS LAST, t.id DESC
         LIMIT $3)
        "#,
        as_of,
        match list {
            ShortList::Overdue => "overdue",
            ShortList::Upcoming => "upcoming",
            ShortList::Recent => "recent",
        },
        limit
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(ThreadListing::from)
    .collect())
}
