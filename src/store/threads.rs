//! threads, thread_mentions.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::PgConnection;
use sqlx::types::Json;

use super::StoreError;
use crate::extract::{Kind, TargetValue, classify::period_end};
use crate::link::export::{ExportDocument, ExportMention, ExportThread, ThreadsExport};
use crate::link::summary::ThreadSummary;
use crate::link::{Evidence, Relation};

/// (unit, thread) for each of `units` that has a thread.
pub async fn memberships(
    conn: &mut PgConnection,
    units: &[i64],
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(sqlx::query!(
        "SELECT commitment_id, thread_id FROM thread_mentions WHERE commitment_id = ANY($1)",
        units
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.commitment_id, r.thread_id))
    .collect())
}

/// (thread, document, mentions) for the given threads.
pub async fn shapes(
    conn: &mut PgConnection,
    threads: &[i64],
) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    Ok(sqlx::query!(
        r#"
        SELECT thread_id, document_id, count(*) AS "n!"
        FROM thread_mentions WHERE thread_id = ANY($1)
        GROUP BY 1, 2 ORDER BY 1, 2
        "#,
        threads
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.thread_id, r.document_id, r.n))
    .collect())
}

/// (thread, unit) of the origins (first mentions) of the given threads.
pub async fn origins(
    conn: &mut PgConnection,
    threads: &[i64],
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(sqlx::query!(
        r#"
        SELECT thread_id, commitment_id FROM thread_mentions
        WHERE thread_id = ANY($1) AND position = 0
        ORDER BY 1
        "#,
        threads
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.thread_id, r.commitment_id))
    .collect())
}

/// (thread, unit) of the origins (first mentions) of the given threads, and of their
/// mentions that state a target.
pub async fn origins_and_targets(
    conn: &mut PgConnection,
    threads: &[i64],
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(sqlx::query!(
        r#"
        SELECT thread_id, commitment_id FROM thread_mentions
        WHERE thread_id = ANY($1) AND (position = 0 OR states_target)
        ORDER BY 1, 2
        "#,
        threads
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.thread_id, r.commitment_id))
    .collect())
}

/// A thread's stored summary, and (topic, mentions, first position) over its mentions.
pub async fn summary(
    conn: &mut PgConnection,
    thread: i64,
) -> Result<(ThreadSummary, Vec<(String, i64, i32)>), StoreError> {
    let t = sqlx::query!(
        r#"
        SELECT title, topic, parties, deadline_text, target AS "target: Json<TargetValue>",
               first_stated, last_mentioned, fulfilled_on, advanced_on
        FROM threads WHERE id = $1
        "#,
        thread
    )
    .fetch_one(&mut *conn)
    .await?;
    let deadline = match t.deadline_text {
        Some(text) => Some(
            text.parse()
                .map_err(|_| StoreError::Corrupt(format!("thread {thread} deadline {text}")))?,
        ),
        None => None,
    };
    let topics = sqlx::query!(
        r#"
        SELECT topic, mentions, first_position FROM thread_topics
        WHERE thread_id = $1 ORDER BY topic
        "#,
        thread
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.topic, r.mentions as i64, r.first_position))
    .collect();
    Ok((
        ThreadSummary {
            title: t.title,
            topic: t.topic,
            parties: t.parties,
            deadline,
            target: t.target.map(|j| j.0),
            first_stated: t.first_stated,
            last_mentioned: t.last_mentioned,
            fulfilled_on: t.fulfilled_on,
            advanced_on: t.advanced_on,
        },
        topics,
    ))
}

/// (thread, unit) for every mention of the given threads.
pub async fn members(
    conn: &mut PgConnection,
    threads: &[i64],
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(sqlx::query!(
        r#"
        SELECT thread_id, commitment_id FROM thread_mentions
        WHERE thread_id = ANY($1) ORDER BY thread_id, commitment_id
        "#,
        threads
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.thread_id, r.commitment_id))
    .collect())
}

/// Every unit of the threads that hold a unit of `document` (retired units included).
pub async fn thread_mates_of_document(
    conn: &mut PgConnection,
    document: i64,
) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar!(
        r#"
        SELECT m.commitment_id FROM thread_mentions m
        WHERE m.thread_id IN (
            SELECT t.thread_id FROM thread_mentions t
            JOIN commitments c ON c.id = t.commitment_id
            WHERE c.document_id = $1)
        ORDER BY m.commitment_id
        "#,
        document
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// Removes every mention (and so every link sum between threads and topic count), for a
/// relink from scratch; the threads stay, to be written again or retired.
pub async fn clear_mentions(conn: &mut PgConnection) -> Result<(), StoreError> {
    sqlx::query!("DELETE FROM thread_link_sums")
        .execute(&mut *conn)
        .await?;
    sqlx::query!("DELETE FROM thread_topics")
        .execute(&mut *conn)
        .await?;
    sqlx::query!("DELETE FROM thread_mentions")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Every active thread's id.
pub async fn active_ids(conn: &mut PgConnection) -> Result<Vec<i64>, StoreError> {
    Ok(
        sqlx::query_scalar!("SELECT id FROM threads WHERE retired_at IS NULL ORDER BY id")
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// A thread to write: an existing id to keep, or a new thread.
#[derive(Debug, Clone)]
pub struct ThreadWrite {
    pub id: Option<i64>,
    /// Position of the first of `mentions`: 0 writes the thread's mentions afresh; more
    /// appends them after the thread's existing ones (which stay as they are).
    pub first_position: usize,
    pub summary: ThreadSummary,
    pub mentions: Vec<MentionWrite>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MentionWrite {
    pub commitment_id: i64,
    /// The other end of the link that attached it (none for the origin).
    pub linked_from: Option<i64>,
    pub relation: Relation,
    pub score: Option<f64>,
    pub evidence: Option<Evidence>,
}

#[derive(Serialize)]
struct ThreadRow<'a> {
    id: i64,
    title: &'a str,
    topic: &'a str,
    parties: &'a [String],
    deadline_text: Option<String>,
    deadline: Option<NaiveDate>,
    target: Option<&'a TargetValue>,
    first_stated: Option<NaiveDate>,
    last_mentioned: Option<NaiveDate>,
    fulfilled_on: Option<NaiveDate>,
    advanced_on: Option<NaiveDate>,
    mention_count: i32,
}

#[derive(Serialize)]
struct MentionRow<'a> {
    commitment_id: i64,
    linked_from: Option<i64>,
    thread_id: i64,
    position: i32,
    relation: Relation,
    score: Option<f64>,
    evidence: Option<&'a Evidence>,
}

/// How a write of mentions keeps the state kept for linking (each thread's topic counts and
/// the link sums between threads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upkeep {
    /// By the changes: what the removed mentions brought is taken out, what the written
    /// ones bring added. Costs the links of the units written.
    Delta,
    /// After [`clear_mentions`] (a relink): the write only adds mentions, and the state is
    /// computed afresh from every mention once they are written, in one pass.
    Rebuild,
}

/// Writes the threads of a set of units: every mention of `units` and of the threads
/// `replaced` is removed (with [`Upkeep::Rebuild`], the caller has removed them all), the given threads written (existing ids updated, new ones
/// created), and the threads of `replaced` that were not kept are retired. Returns the ids
/// of the threads written, in order.
pub async fn write(
    conn: &mut PgConnection,
    units: &[i64],
    replaced: &[i64],
    threads: &[ThreadWrite],
    upkeep: Upkeep,
    former: &[(i64, i64)],
) -> Result<Vec<i64>, StoreError> {
    if upkeep == Upkeep::Delta {
        remove_mentions(conn, units, replaced).await?;
    }
    let new_count = threads.iter().filter(|t| t.id.is_none()).count() as i64;
    let mut fresh = sqlx::query_scalar!(
        r#"
        SELECT nextval(pg_get_serial_sequence('threads', 'id')) AS "id!"
        FROM generate_series(1, $1::bigint)
        "#,
        new_count
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter();
    let mut ids = Vec::with_capacity(threads.len());
    for t in threads {
        ids.push(match t.id {
            Some(id) => id,
            None => fresh
                .next()
                .ok_or_else(|| StoreError::Corrupt("thread id sequence ran short".into()))?,
        });
    }
    let rows: Vec<ThreadRow> = threads
        .iter()
        .zip(&ids)
        .map(|(t, &id)| ThreadRow {
            id,
            title: &t.summary.title,
            topic: &t.summary.topic,
            parties: &t.summary.parties,
            deadline_text: t.summary.deadline.map(|d| d.to_string()),
            deadline: t.summary.deadline.map(period_end),
            target: t.summary.target.as_ref(),
            first_stated: t.summary.first_stated,
            last_mentioned: t.summary.last_mentioned,
            fulfilled_on: t.summary.fulfilled_on,
            advanced_on: t.summary.advanced_on,
            mention_count: (t.first_position + t.mentions.len()) as i32,
        })
        .collect();
    for chunk in rows.chunks(5_000) {
        sqlx::query!(
            r#"
            INSERT INTO threads AS t (id, title, topic, parties, deadline_text, deadline, target,
                                      first_stated, last_mentioned, fulfilled_on, advanced_on,
                                      mention_count)
            OVERRIDING SYSTEM VALUE
            SELECT id, title, topic, parties, deadline_text, deadline, target, first_stated,
                   last_mentioned, fulfilled_on, advanced_on, mention_count
            FROM jsonb_to_recordset($1::jsonb) AS r(
                id bigint, title text, topic text, parties text[], deadline_text text,
                deadline date, target jsonb, first_stated date, last_mentioned date,
                fulfilled_on date, advanced_on date, mention_count integer)
            ON CONFLICT (id) DO UPDATE SET
                title = EXCLUDED.title, topic = EXCLUDED.topic, parties = EXCLUDED.parties,
                deadline_text = EXCLUDED.deadline_text, deadline = EXCLUDED.deadline,
                target = EXCLUDED.target, first_stated = EXCLUDED.first_stated,
                last_mentioned = EXCLUDED.last_mentioned, fulfilled_on = EXCLUDED.fulfilled_on,
                advanced_on = EXCLUDED.advanced_on,
                mention_count = EXCLUDED.mention_count, retired_at = NULL, succeeded_by = NULL,
                updated_at = now()
            "#,
            Json(chunk) as _
        )
        .execute(&mut *conn)
        .await?;
    }
    let mentions: Vec<MentionRow> = threads
        .iter()
        .zip(&ids)
        .flat_map(|(t, &thread_id)| {
            t.mentions.iter().enumerate().map(move |(k, m)| MentionRow {
                commitment_id: m.commitment_id,
                linked_from: m.linked_from,
                thread_id,
                position: (t.first_position + k) as i32,
                relation: m.relation,
                score: m.score,
                evidence: m.evidence.as_ref(),
            })
        })
        .collect();
    for chunk in mentions.chunks(5_000) {
        sqlx::query!(
            r#"
            INSERT INTO thread_mentions (commitment_id, thread_id, position, relation, score,
                                         evidence, document_id, states_target, linked_from,
                                         deadline, states_dated_target)
            SELECT r.commitment_id, r.thread_id, r.position, r.relation, r.score, r.evidence,
                   c.document_id, jsonb_array_length(c.attributes -> 'targets') > 0,
                   r.linked_from, c.deadline,
                   jsonb_path_exists(c.attributes, '$.targets[*] ? (@.deadline != null)')
            FROM jsonb_to_recordset($1::jsonb) AS r(
                commitment_id bigint, thread_id bigint, position integer, relation text,
                score double precision, evidence jsonb, linked_from bigint)
            JOIN commitments c ON c.id = r.commitment_id
            "#,
            Json(chunk) as _
        )
        .execute(&mut *conn)
        .await?;
        if upkeep == Upkeep::Delta {
            let ids: Vec<i64> = chunk.iter().map(|m| m.commitment_id).collect();
            add_link_sums(conn, &ids).await?;
            add_topics(conn, &ids).await?;
        }
    }
    if upkeep == Upkeep::Rebuild {
        rebuild_kept_state(conn).await?;
    }
    // Threads written from their origin on take its search vector (appended ones keep it).
    let fresh: Vec<i64> = threads
        .iter()
        .zip(&ids)
        .filter(|(t, _)| t.first_position == 0)
        .map(|(_, &id)| id)
        .collect();
    sqlx::query!(
        r#"
        UPDATE threads t SET search = c.search
        FROM thread_mentions m JOIN commitments c ON c.id = m.commitment_id
        WHERE m.thread_id = t.id AND m.position = 0 AND t.id = ANY($1)
        "#,
        &fresh
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"
        UPDATE threads SET retired_at = now(), mention_count = 0, updated_at = now()
        WHERE id = ANY($1) AND NOT (id = ANY($2)) AND retired_at IS NULL
        "#,
        replaced,
        &ids
    )
    .execute(&mut *conn)
    .await?;
    // A retired thread's successor: the written thread that holds most of its former units.
    let kept: std::collections::HashSet<i64> = ids.iter().copied().collect();
    let new_thread: std::collections::HashMap<i64, i64> = threads
        .iter()
        .zip(&ids)
        .flat_map(|(t, &id)| t.mentions.iter().map(move |m| (m.commitment_id, id)))
        .collect();
    let replaced_set: std::collections::HashSet<i64> = replaced.iter().copied().collect();
    let mut counts: std::collections::BTreeMap<(i64, i64), usize> = Default::default();
    for &(unit, old) in former {
        if !kept.contains(&old)
            && replaced_set.contains(&old)
            && let Some(&now) = new_thread.get(&unit)
        {
            *counts.entry((old, now)).or_insert(0) += 1;
        }
    }
    let mut best: std::collections::BTreeMap<i64, (usize, i64)> = Default::default();
    for ((old, now), n) in counts {
        let e = best.entry(old).or_insert((n, now));
        if n > e.0 {
            *e = (n, now);
        }
    }
    let (retired, successors): (Vec<i64>, Vec<i64>) =
        best.into_iter().map(|(old, (_, now))| (old, now)).unzip();
    sqlx::query!(
        r#"
        UPDATE threads t SET succeeded_by = s.now
        FROM unnest($1::bigint[], $2::bigint[]) AS s(old, now)
        WHERE t.id = s.old AND t.retired_at IS NOT NULL
        "#,
        &retired,
        &successors
    )
    .execute(&mut *conn)
    .await?;
    Ok(ids)
}

/// Removes the mentions of `units` and of the threads `replaced`, and takes their links out
/// of the link sums between threads.
async fn remove_mentions(
    conn: &mut PgConnection,
    units: &[i64],
    replaced: &[i64],
) -> Result<(), StoreError> {
    let touched: Vec<i64> = sqlx::query_scalar!(
        r#"
        SELECT DISTINCT thread_id FROM thread_mentions WHERE commitment_id = ANY($1)
        UNION SELECT unnest($2::bigint[])
        "#,
        units,
        replaced
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .flatten()
    .collect();
    // Every part of the statement sees the mentions as they were before the delete.
    let emptied = sqlx::query!(
        r#"
        WITH gone AS (
            DELETE FROM thread_mentions WHERE commitment_id = ANY($1) OR thread_id = ANY($2)
            RETURNING commitment_id
        ), edges AS (
            SELECT l.a, l.b, l.score FROM links l JOIN gone g ON l.a = g.commitment_id
            UNION
            SELECT l.a, l.b, l.score FROM links l JOIN gone g ON l.b = g.commitment_id
        ), pairs AS (
            SELECT least(x.thread_id, y.thread_id) AS low,
                   greatest(x.thread_id, y.thread_id) AS high,
                   sum(round(e.score * 10000))::bigint AS ticks
            FROM edges e
            JOIN thread_mentions x ON x.commitment_id = e.a
            JOIN thread_mentions y ON y.commitment_id = e.b
            WHERE x.thread_id <> y.thread_id
            GROUP BY 1, 2
        )
        UPDATE thread_link_sums s SET ticks = s.ticks - p.ticks
        FROM pairs p WHERE s.low = p.low AND s.high = p.high
        RETURNING s.low, s.high, s.ticks
        "#,
        units,
        replaced
    )
    .fetch_all(&mut *conn)
    .await?;
    // Pairs of threads left without links (RETURNING gives the lowered sums).
    let (low, high): (Vec<i64>, Vec<i64>) = emptied
        .into_iter()
        .filter(|r| r.ticks == 0)
        .map(|r| (r.low, r.high))
        .unzip();
    sqlx::query!(
        r#"
        DELETE FROM thread_link_sums s
        USING unnest($1::bigint[], $2::bigint[]) AS p(low, high)
        WHERE s.low = p.low AND s.high = p.high
        "#,
        &low,
        &high
    )
    .execute(&mut *conn)
    .await?;
    // The topics of the threads that lost mentions, from those they keep (usually none: a
    // thread is written again whole).
    sqlx::query!(
        "DELETE FROM thread_topics WHERE thread_id = ANY($1)",
        &touched
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"
        INSERT INTO thread_topics (thread_id, topic, mentions, first_position)
        SELECT m.thread_id, c.topic, count(*), min(m.position)
        FROM thread_mentions m JOIN commitments c ON c.id = m.commitment_id
        WHERE m.thread_id = ANY($1)
        GROUP BY 1, 2
        "#,
        &touched
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Computes the topic counts and link sums of every thread from its mentions and links.
async fn rebuild_kept_state(conn: &mut PgConnection) -> Result<(), StoreError> {
    sqlx::query!("DELETE FROM thread_topics")
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        r#"
        INSERT INTO thread_topics (thread_id, topic, mentions, first_position)
        SELECT m.thread_id, c.topic, count(*), min(m.position)
        FROM thread_mentions m JOIN commitments c ON c.id = m.commitment_id
        GROUP BY 1, 2
        "#
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("DELETE FROM thread_link_sums")
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        r#"
        INSERT INTO thread_link_sums (low, high, ticks)
        SELECT least(x.thread_id, y.thread_id), greatest(x.thread_id, y.thread_id),
               sum(round(l.score * 10000))::bigint
        FROM links l
        JOIN thread_mentions x ON x.commitment_id = l.a
        JOIN thread_mentions y ON y.commitment_id = l.b
        WHERE x.thread_id <> y.thread_id
        GROUP BY 1, 2
        "#
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Counts the mentions of `units`, just written, in their threads' topics.
async fn add_topics(conn: &mut PgConnection, units: &[i64]) -> Result<(), StoreError> {
    sqlx::query!(
        r#"
        INSERT INTO thread_topics AS t (thread_id, topic, mentions, first_position)
        SELECT m.thread_id, c.topic, count(*), min(m.position)
        FROM thread_mentions m JOIN commitments c ON c.id = m.commitment_id
        WHERE m.commitment_id = ANY($1)
        GROUP BY 1, 2
        ON CONFLICT (thread_id, topic) DO UPDATE SET
            mentions = t.mentions + EXCLUDED.mentions,
            first_position = least(t.first_position, EXCLUDED.first_position)
        "#,
        units
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Adds the links of `units`, just written as mentions, to the link sums between threads:
/// each link once, when both its units have a thread (so a link between two units written
/// by separate calls is added by the second).
async fn add_link_sums(conn: &mut PgConnection, units: &[i64]) -> Result<(), StoreError> {
    sqlx::query!(
        r#"
        WITH edges AS (
            SELECT a, b, score FROM links WHERE a = ANY($1)
            UNION
            SELECT a, b, score FROM links WHERE b = ANY($1)
        )
        INSERT INTO thread_link_sums AS s (low, high, ticks)
        SELECT least(x.thread_id, y.thread_id), greatest(x.thread_id, y.thread_id),
               sum(round(e.score * 10000))::bigint
        FROM edges e
        JOIN thread_mentions x ON x.commitment_id = e.a
        JOIN thread_mentions y ON y.commitment_id = e.b
        WHERE x.thread_id <> y.thread_id
        GROUP BY 1, 2
        ON CONFLICT (low, high) DO UPDATE SET ticks = s.ticks + EXCLUDED.ticks
        "#,
        units
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Every active thread with its mentions, in order of first statement.
pub async fn export(conn: &mut PgConnection) -> Result<ThreadsExport, StoreError> {
    let threads = sqlx::query!(
        r#"
        SELECT id, title, topic, parties, deadline_text, target AS "target: Json<TargetValue>",
               first_stated, last_mentioned
        FROM threads WHERE retired_at IS NULL AND mention_count > 0
        ORDER BY first_stated NULLS LAST, id
        "#
    )
    .fetch_all(&mut *conn)
    .await?;
    let mentions = sqlx::query!(
        r#"
        SELECT m.thread_id, m.relation, m.score, m.evidence AS "evidence: Json<Evidence>",
               c.text, c.span_start, c.span_end, c.kind, d.id AS document_id, d.title,
               d.published_on, d.signed_on, coalesce(d.source, d.source_path) AS "source!"
        FROM thread_mentions m
        JOIN threads t ON t.id = m.thread_id
        JOIN commitments c ON c.id = m.commitment_id
        JOIN documents d ON d.id = c.document_id
        WHERE t.retired_at IS NULL
        ORDER BY m.thread_id, m.position
        "#
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut by_thread: std::collections::HashMap<i64, Vec<ExportMention>> =
        std::collections::HashMap::new();
    for m in mentions {
        by_thread
            .entry(m.thread_id)
            .or_default()
            .push(ExportMention {
                document: ExportDocument {
                    id: m.document_id,
                    title: m.title,
                    published: m.published_on,
                    signed: m.signed_on,
                    source: m.source,
                },
                text: m.text,
                start: m.span_start,
                end: m.span_end,
                kind: m.kind.parse::<Kind>()?,
                relation: m.relation.parse::<Relation>()?,
                score: m.score,
                evidence: m.evidence.map(|e| e.0),
            });
    }
    Ok(ThreadsExport {
        threads: threads
            .into_iter()
            .map(|t| ExportThread {
                mentions: by_thread.remove(&t.id).unwrap_or_default(),
                id: t.id,
                title: t.title,
                topic: t.topic,
                parties: t.parties,
                deadline: t.deadline_text,
                target: t.target.map(|j| j.0),
                first_stated: t.first_stated,
                last_mentioned: t.last_mentioned,
            })
            .collect(),
    })
}
