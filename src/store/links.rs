//! link_profiles, links, document_links: what the linker reads and writes besides threads.

use serde::Serialize;
use sqlx::PgConnection;
use sqlx::types::Json;

use super::{DocumentId, StoreError};
use crate::extract::Attributes;
use crate::link::{Evidence, LinkUnit, StoredProfile};

/// Serialises linking: one linker writes at a time, so that two documents linked at once never
/// re-cluster the same threads from different views. Held until the transaction ends.
pub async fn lock(conn: &mut PgConnection) -> Result<(), StoreError> {
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtext('pledgeline.link')::bigint)")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Extracted documents not linked by this linker yet, oldest id first.
pub async fn pending_documents(
    conn: &mut PgConnection,
    linker: &str,
) -> Result<Vec<DocumentId>, StoreError> {
    Ok(sqlx::query_scalar!(
        r#"
        SELECT e.document_id AS "id!"
        FROM document_extractions e
        LEFT JOIN document_links l ON l.document_id = e.document_id AND l.linker = $1
        WHERE l.document_id IS NULL
        ORDER BY e.document_id
        "#,
        linker
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(DocumentId)
    .collect())
}

/// Records that documents are linked by this linker: (document, its place in document
/// order, see [`crate::link::LinkUnit::document_order`]).
pub async fn mark_linked(
    conn: &mut PgConnection,
    documents: &[(i64, String)],
    linker: &str,
) -> Result<(), StoreError> {
    let (ids, orders): (Vec<i64>, Vec<String>) = documents.iter().cloned().unzip();
    sqlx::query!(
        r#"
        INSERT INTO document_links (document_id, linker, document_order)
        SELECT d, $3, o FROM unnest($1::bigint[], $2::text[]) AS x(d, o)
        ON CONFLICT (document_id) DO UPDATE
        SET linker = EXCLUDED.linker, document_order = EXCLUDED.document_order,
            linked_at = now()
        "#,
        &ids,
        &orders,
        linker
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Where documents come in document order: (document, order), for the given ids.
pub async fn document_orders(
    conn: &mut PgConnection,
    documents: &[i64],
) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(sqlx::query!(
        r#"
        SELECT id, coalesce(signed_on, published_on) AS date,
               encode(content_hash, 'hex') AS "key!"
        FROM documents WHERE id = ANY($1) ORDER BY id
        "#,
        documents
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.id, crate::link::document_order(r.date, &r.key)))
    .collect())
}

/// The last place in document order of a document this linker has linked.
pub async fn last_linked_order(
    conn: &mut PgConnection,
    linker: &str,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar!(
        "SELECT max(document_order) FROM document_links WHERE linker = $1",
        linker
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// How many documents this linker has linked.
pub async fn linked_count(conn: &mut PgConnection, linker: &str) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM document_links WHERE linker = $1"#,
        linker
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// Whether any of `documents` has linked units (profiles) already.
pub async fn any_linked(conn: &mut PgConnection, documents: &[i64]) -> Result<bool, StoreError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM link_profiles WHERE document_id = ANY($1)) AS "any!""#,
        documents
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// For each of `channels`, the last `limit` units with it that come before `before` in
/// document order: (channel, unit, the unit's place in document order).
pub async fn windows(
    conn: &mut PgConnection,
    channels: &[String],
    before: &str,
    limit: i64,
) -> Result<Vec<(String, i64, String)>, StoreError> {
    Ok(sqlx::query!(
        r#"
        SELECT c.channel AS "channel!", p.commitment_id, p.unit_order
        FROM unnest($1::text[]) AS c(channel)
        CROSS JOIN LATERAL (
            SELECT commitment_id, unit_order FROM channel_postings
            WHERE channel = c.channel AND unit_order < $2
            ORDER BY unit_order DESC
            LIMIT $3
        ) p
        ORDER BY 1, 2
        "#,
        channels,
        before,
        limit
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.channel, r.commitment_id, r.unit_order))
    .collect())
}

/// Marks a document as needing linking again (its units changed).
pub async fn mark_stale(conn: &mut PgConnection, document: DocumentId) -> Result<(), StoreError> {
    sqlx::query!(
        "DELETE FROM document_links WHERE document_id = $1",
        document.0
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Active units with what the linker needs: of the given documents, or with the given ids,
/// or (both `None`) all of them. In id order.
pub async fn units(
    conn: &mut PgConnection,
    documents: Option<&[i64]>,
    ids: Option<&[i64]>,
) -> Result<Vec<LinkUnit>, StoreError> {
    let rows = sqlx::query!(
        r#"
        WITH wanted AS (
            SELECT * FROM commitments
            WHERE retired_at IS NULL
              AND ($1::bigint[] IS NULL OR document_id = ANY($1))
              AND ($2::bigint[] IS NULL OR id = ANY($2))
        ), copies AS (
            -- Copies (the same body as an earlier document) are not linked.
            SELECT d.id FROM documents d
            WHERE d.id IN (SELECT document_id FROM wanted)
              AND EXISTS (
                  SELECT 1 FROM documents o
                  WHERE o.body_md5 = d.body_md5 AND o.id <> d.id
                    AND (coalesce(o.signed_on, o.published_on, 'infinity'::date), o.content_hash)
                      < (coalesce(d.signed_on, d.published_on, 'infinity'::date), d.content_hash))
        )
        SELECT c.id AS "id!", c.document_id AS "document_id!",
               encode(d.content_hash, 'hex') AS "document_key!",
               coalesce(d.signed_on, d.published_on) AS date, c.span_start AS "span_start!",
               c.span_end AS "span_end!", c.kind AS "kind!", c.modality AS "modality!",
               c.actors AS "actors!", coalesce(e.parties, '{}') AS "parties!",
               c.topic AS "topic!", c.text AS "text!", c.analysis_text AS "analysis_text!",
               c.attributes AS "attributes!: Json<Attributes>"
        FROM wanted c
        JOIN documents d ON d.id = c.document_id
        LEFT JOIN document_extractions e ON e.document_id = c.document_id
        WHERE c.document_id NOT IN (SELECT id FROM copies)
        ORDER BY c.id
        "#,
        documents as Option<&[i64]>,
        ids as Option<&[i64]>
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(LinkUnit {
                id: r.id,
                document: r.document_id,
                document_key: r.document_key,
                date: r.date,
                span_start: r.span_start,
                span_end: r.span_end,
                kind: r.kind.parse()?,
                modality: r.modality.parse()?,
                actors: r.actors,
                document_parties: r.parties,
                topic: r.topic,
                text: r.text,
                analysis_text: r.analysis_text,
                attributes: r.attributes.0,
            })
        })
        .collect()
}

#[derive(Serialize)]
struct ProfileRow<'a> {
    commitment_id: i64,
    document_id: i64,
    features: &'a [(String, f32)],
    advance: bool,
    fulfil: bool,
    unit: &'a LinkUnit,
}

#[derive(Serialize)]
struct PostingRow<'a> {
    channel: &'a str,
    unit_order: &'a str,
    commitment_id: i64,
    document_id: i64,
}

/// A unit's profile to store: the unit, its place in document order (see
/// [`LinkUnit::unit_order`]), its channels and its profile.
pub struct ProfileWrite<'a> {
    pub unit: &'a LinkUnit,
    pub unit_order: &'a str,
    pub channels: &'a [String],
    pub profile: &'a StoredProfile,
}

/// Replaces the profiles and channel postings of `documents` (their retired units' too)
/// with `rows`.
pub async fn replace_profiles(
    conn: &mut PgConnection,
    documents: &[i64],
    rows: &[ProfileWrite<'_>],
) -> Result<(), StoreError> {
    sqlx::query!(
        "DELETE FROM link_profiles WHERE document_id = ANY($1)",
        documents
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM channel_postings WHERE document_id = ANY($1)",
        documents
    )
    .execute(&mut *conn)
    .await?;
    let profiles: Vec<ProfileRow> = rows
        .iter()
        .map(|r| ProfileRow {
            commitment_id: r.unit.id,
            document_id: r.unit.document,
            features: &r.profile.features,
            advance: r.profile.advance,
            fulfil: r.profile.fulfil,
            unit: r.unit,
        })
        .collect();
    for chunk in profiles.chunks(5_000) {
        sqlx::query!(
            r#"
            INSERT INTO link_profiles (commitment_id, document_id, features, advance, fulfil,
                                       unit)
            SELECT commitment_id, document_id, features, advance, fulfil, unit
            FROM jsonb_to_recordset($1::jsonb) AS r(commitment_id bigint, document_id bigint,
                 features jsonb, advance boolean, fulfil boolean, unit jsonb)
            "#,
            Json(chunk) as _
        )
        .execute(&mut *conn)
        .await?;
    }
    let postings: Vec<PostingRow> = rows
        .iter()
        .flat_map(|r| {
            r.channels.iter().map(move |c| PostingRow {
                channel: c,
                unit_order: r.unit_order,
                commitment_id: r.unit.id,
                document_id: r.unit.document,
            })
        })
        .collect();
    for chunk in postings.chunks(10_000) {
        sqlx::query!(
            r#"
            INSERT INTO channel_postings (channel, unit_order, commitment_id, document_id)
            SELECT channel, unit_order, commitment_id, document_id
            FROM jsonb_to_recordset($1::jsonb)
                 AS r(channel text, unit_order text, commitment_id bigint, document_id bigint)
            "#,
            Json(chunk) as _
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Stored profiles of units, by id.
pub async fn profiles(
    conn: &mut PgConnection,
    units: &[i64],
) -> Result<Vec<(i64, StoredProfile)>, StoreError> {
    let rows = sqlx::query!(
        r#"
        SELECT commitment_id, features AS "features: Json<Vec<(String, f32)>>", advance, fulfil
        FROM link_profiles WHERE commitment_id = ANY($1)
        ORDER BY commitment_id
        "#,
        units
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.commitment_id,
                StoredProfile {
                    features: r.features.0,
                    advance: r.advance,
                    fulfil: r.fulfil,
                },
            )
        })
        .collect())
}

/// Units with their stored profiles, by id (in id order), read from the profiles alone; the
/// second list holds the profiles stored without their unit (before it was kept with them),
/// whose units are to be read with [`units`].
pub async fn candidates(
    conn: &mut PgConnection,
    ids: &[i64],
) -> Result<(Vec<(LinkUnit, StoredProfile)>, Vec<(i64, StoredProfile)>), StoreError> {
    let rows = sqlx::query!(
        r#"
        SELECT commitment_id, features AS "features: Json<Vec<(String, f32)>>", advance, fulfil,
               unit AS "unit: Json<LinkUnit>"
        FROM link_profiles WHERE commitment_id = ANY($1)
        ORDER BY commitment_id
        "#,
        ids
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut found = Vec::with_capacity(rows.len());
    let mut without = Vec::new();
    for r in rows {
        let profile = StoredProfile {
            features: r.features.0,
            advance: r.advance,
            fulfil: r.fulfil,
        };
        match r.unit {
            Some(unit) => found.push((unit.0, profile)),
            None => without.push((r.commitment_id, profile)),
        }
    }
    Ok((found, without))
}

/// Deletes every link, profile and linked mark, for a relink from scratch.
pub async fn clear_all(conn: &mut PgConnection) -> Result<(), StoreError> {
    sqlx::query!("DELETE FROM links")
        .execute(&mut *conn)
        .await?;
    sqlx::query!("DELETE FROM link_profiles")
        .execute(&mut *conn)
        .await?;
    sqlx::query!("DELETE FROM channel_postings")
        .execute(&mut *conn)
        .await?;
    sqlx::query!("DELETE FROM document_links")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Other documents with exactly the same body that are linked (have profiles).
pub async fn linked_same_body(
    conn: &mut PgConnection,
    document: i64,
) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar!(
        r#"
        SELECT o.id FROM documents o, documents d
        WHERE d.id = $1 AND o.body_md5 = d.body_md5 AND o.id <> d.id
          AND EXISTS (SELECT 1 FROM link_profiles p WHERE p.document_id = o.id)
        ORDER BY o.id
        "#,
        document
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// Deletes the links of a document's units (retired ones included).
pub async fn delete_for_document(conn: &mut PgConnection, document: i64) -> Result<(), StoreError> {
    sqlx::query!(
        r#"
        DELETE FROM links
        WHERE a = ANY(ARRAY(SELECT id FROM commitments WHERE document_id = $1))
           OR b = ANY(ARRAY(SELECT id FROM commitments WHERE document_id = $1))
        "#,
        document
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A stored link by unit ids.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredLink {
    pub a: i64,
    pub b: i64,
    pub score: f64,
    pub evidence: Evidence,
}

/// Adds links that are not stored yet (a relink's, into an emptied table) with `COPY`, which
/// writes millions of rows several times faster than `INSERT`. `COPY` cannot be checked at
/// compile time like the other queries; its columns are those of [`insert`].
pub async fn copy_in(conn: &mut PgConnection, links: &[StoredLink]) -> Result<(), StoreError> {
    let mut copy = conn
        .copy_in_raw("COPY links (a, b, score, evidence) FROM STDIN (FORMAT csv)")
        .await?;
    let mut data: Vec<u8> = Vec::with_capacity(links.len().min(20_000) * 256);
    for chunk in links.chunks(20_000) {
        data.clear();
        for l in chunk {
            let evidence = serde_json::to_string(&l.evidence)
                .map_err(|e| StoreError::Corrupt(format!("link evidence: {e}")))?;
            // CSV: the JSON quoted, its quotes doubled.
            data.extend_from_slice(format!("{},{},{},\"", l.a, l.b, l.score).as_bytes());
            data.extend_from_slice(evidence.replace('"', "\"\"").as_bytes());
            data.extend_from_slice(b"\"\n");
        }
        copy.send(data.as_slice()).await?;
    }
    copy.finish().await?;
    Ok(())
}

/// Adds links, or replaces their score and evidence. Fails when a link names a unit that is
/// not stored, so that the caller's transaction rolls back: `links` has no foreign keys, whose row locks
/// on `commitments` cost more than the write itself in a large store (see the migration
/// `check_link_ends_without_locking_commitments`).
pub async fn insert(conn: &mut PgConnection, links: &[StoredLink]) -> Result<(), StoreError> {
    for chunk in links.chunks(5_000) {
        let written = sqlx::query!(
            r#"
            INSERT INTO links (a, b, score, evidence)
            SELECT r.a, r.b, r.score, r.evidence
            FROM jsonb_to_recordset($1::jsonb) AS r(a bigint, b bigint, score double precision, evidence jsonb)
            WHERE EXISTS (SELECT 1 FROM commitments c WHERE c.id = r.a)
              AND EXISTS (SELECT 1 FROM commitments c WHERE c.id = r.b)
            ON CONFLICT (a, b) DO UPDATE SET score = EXCLUDED.score, evidence = EXCLUDED.evidence
            "#,
            Json(chunk) as _
        )
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if written != chunk.len() as u64 {
            return Err(StoreError::Corrupt(format!(
                "{} of {} links name a unit that is not stored",
                chunk.len() as u64 - written,
                chunk.len()
            )));
        }
    }
    Ok(())
}

/// The links touching any of `units`, as (a, b, score): what clustering reads. The evidence
/// is fetched only for the links that end up attaching mentions ([`evidence`]).
pub async fn touching(
    conn: &mut PgConnection,
    units: &[i64],
) -> Result<Vec<(i64, i64, f64)>, StoreError> {
    Ok(sqlx::query!(
        "SELECT a, b, score FROM links WHERE a = ANY($1) OR b = ANY($1) ORDER BY a, b",
        units
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.a, r.b, r.score))
    .collect())
}

/// Link ticks (score × 10,000, rounded) summed between threads: between each of `threads`
/// and each of `to` it has links with, as (low, high, ticks), from the sums kept as threads
/// change (so they cost the number of thread pairs, not the threads' sizes).
pub async fn thread_sums(
    conn: &mut PgConnection,
    threads: &[i64],
    to: &[i64],
) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    Ok(sqlx::query!(
        r#"
        SELECT low, high, ticks FROM thread_link_sums WHERE low = ANY($1) AND high = ANY($2)
        UNION
        SELECT low, high, ticks FROM thread_link_sums WHERE high = ANY($1) AND low = ANY($2)
        "#,
        threads,
        to
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .filter_map(|r| Some((r.low?, r.high?, r.ticks?)))
    .collect())
}

/// Link ticks summed between each of `units` (units without a thread) and each cluster it
/// has links with, as (unit, cluster, ticks): a cluster is a thread (keyed by its id) or a
/// unit without one (keyed by minus its id).
pub async fn unit_sums(
    conn: &mut PgConnection,
    units: &[i64],
) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    Ok(sqlx::query!(
        r#"
        WITH e AS (
            SELECT s AS unit, l.b AS other, l.score
            FROM unnest($1::bigint[]) AS s JOIN links l ON l.a = s
            UNION ALL
            SELECT s, l.a, l.score
            FROM unnest($1::bigint[]) AS s JOIN links l ON l.b = s
        )
        SELECT e.unit AS "unit!", coalesce(m.thread_id, -e.other) AS "cluster!",
               sum(round(e.score * 10000))::bigint AS "ticks!"
        FROM e LEFT JOIN thread_mentions m ON m.commitment_id = e.other
        GROUP BY 1, 2 ORDER BY 1, 2
        "#,
        units
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.unit, r.cluster, r.ticks))
    .collect())
}

/// The evidence of the links (a, b) given.
pub async fn evidence(
    conn: &mut PgConnection,
    pairs: &[(i64, i64)],
) -> Result<Vec<((i64, i64), Evidence)>, StoreError> {
    let (a, b): (Vec<i64>, Vec<i64>) = pairs.iter().copied().unzip();
    Ok(sqlx::query!(
        r#"
        SELECT l.a, l.b, l.evidence AS "evidence: Json<Evidence>"
        FROM links l JOIN unnest($1::bigint[], $2::bigint[]) AS p(a, b) ON l.a = p.a AND l.b = p.b
        "#,
        &a,
        &b
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| ((r.a, r.b), r.evidence.0))
    .collect())
}
