//! commitments, document_extractions.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::types::Json;
use sqlx::{Connection, PgConnection};

use super::{DocumentId, StoreError};
use crate::extract::classify::period_end;
use crate::extract::{Attributes, Extraction, Kind, Modality, Unit};

/// A stored unit's id: the same document and span keep the same id across re-extraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CommitmentId(pub i64);

impl std::fmt::Display for CommitmentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What storing a document's extraction changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Units no longer produced: kept, marked retired.
    pub retired: u64,
}

impl std::ops::AddAssign for Changes {
    fn add_assign(&mut self, o: Self) {
        self.inserted += o.inserted;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
        self.retired += o.retired;
    }
}

/// One unit as sent to PostgreSQL (a JSON record).
#[derive(Serialize)]
struct Row<'a> {
    span_start: usize,
    span_end: usize,
    sentence_start: usize,
    sentence_end: usize,
    ordinal: u32,
    block_seq: u32,
    text: &'a str,
    analysis_text: &'a str,
    kind: Kind,
    modality: Modality,
    confidence: f32,
    actors: &'a [String],
    topic: &'a str,
    deadline: Option<NaiveDate>,
    keys: Vec<String>,
    keywords: &'a [String],
    terms: Vec<&'a str>,
    search: String,
    attributes: &'a Attributes,
}

impl<'a> Row<'a> {
    fn new(u: &'a Unit) -> Self {
        let terms: Vec<&str> = u.terms.split(' ').filter(|t| !t.is_empty()).collect();
        Self {
            span_start: u.span.start,
            span_end: u.span.end,
            sentence_start: u.sentence.start,
            sentence_end: u.sentence.end,
            ordinal: u.ordinal,
            block_seq: u.block,
            text: &u.text,
            analysis_text: &u.analysis_text,
            kind: u.kind,
            modality: u.modality,
            confidence: u.confidence.clamp(0.0, 1.0),
            actors: &u.actors,
            topic: &u.topic,
            deadline: u.attributes.timing.deadline.map(period_end),
            keys: u.attributes.keys(),
            keywords: &u.keywords,
            search: tsvector_literal(terms.iter().copied()),
            terms,
            attributes: &u.attributes,
        }
    }
}

/// Highest position a tsvector accepts.
const MAX_POSITION: usize = 16_383;

/// A `tsvector` literal of terms with their positions (from 1): `'双边':1 '贸易额':2,5`.
/// Terms are taken as they are (no stemming or lowercasing by PostgreSQL).
pub fn tsvector_literal<'a>(terms: impl IntoIterator<Item = &'a str>) -> String {
    let mut positions: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, t) in terms.into_iter().filter(|t| !t.is_empty()).enumerate() {
        let at = *index.entry(t).or_insert_with(|| {
            positions.push((t, Vec::new()));
            positions.len() - 1
        });
        positions[at].1.push((i + 1).min(MAX_POSITION));
    }
    let mut out = String::new();
    for (term, pos) in positions {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push('\'');
        for c in term.chars() {
            match c {
                '\'' => out.push_str("''"),
                '\\' => out.push_str("\\\\"),
                c => out.push(c),
            }
        }
        out.push('\'');
        let mut first = true;
        let mut last = 0;
        for p in pos {
            if p == last {
                continue;
            }
            out.push(if first { ':' } else { ',' });
            out.push_str(&p.to_string());
            first = false;
            last = p;
        }
    }
    out
}

/// Stores a document's extraction: units of the same span are updated in place (keeping
/// their ids), new ones inserted, and active units the extraction no longer has are retired.
/// Atomic on its own; inside the caller's transaction (the one that stores the document) it
/// is a savepoint of it.
pub async fn store_extraction(
    conn: &mut PgConnection,
    document: DocumentId,
    extraction: &Extraction,
    extractor: &str,
) -> Result<Changes, StoreError> {
    let rows: Vec<Row<'_>> = extraction.units.iter().map(Row::new).collect();
    let mut tx = conn.begin().await?;
    let counts = sqlx::query!(
        r#"
        WITH input AS (
            SELECT * FROM jsonb_to_recordset($2::jsonb) AS u(
                span_start integer, span_end integer, sentence_start integer,
                sentence_end integer, ordinal integer, block_seq integer, text text,
                analysis_text text, kind text, modality text, confidence real, actors text[],
                topic text, deadline date, keys text[], keywords text[], terms text[],
                search text, attributes jsonb)
        ), upserted AS (
            INSERT INTO commitments AS c (
                document_id, span_start, span_end, sentence_start, sentence_end, ordinal,
                block_seq, text, analysis_text, kind, modality, confidence, actors, topic,
                deadline, keys, keywords, terms, search, attributes, extractor)
            SELECT $1, span_start, span_end, sentence_start, sentence_end, ordinal, block_seq,
                   text, analysis_text, kind, modality, confidence, actors, topic, deadline,
                   keys, keywords, terms, search::tsvector, attributes, $3
            FROM input
            ON CONFLICT (document_id, span_start, span_end) DO UPDATE SET
                sentence_start = EXCLUDED.sentence_start, sentence_end = EXCLUDED.sentence_end,
                ordinal = EXCLUDED.ordinal, block_seq = EXCLUDED.block_seq,
                text = EXCLUDED.text, analysis_text = EXCLUDED.analysis_text,
                kind = EXCLUDED.kind, modality = EXCLUDED.modality,
                confidence = EXCLUDED.confidence, actors = EXCLUDED.actors,
                topic = EXCLUDED.topic, deadline = EXCLUDED.deadline, keys = EXCLUDED.keys,
                keywords = EXCLUDED.keywords, terms = EXCLUDED.terms, search = EXCLUDED.search,
                attributes = EXCLUDED.attributes, extractor = EXCLUDED.extractor,
                extracted_at = now(), retired_at = NULL
            WHERE (c.sentence_start, c.sentence_end, c.ordinal, c.block_seq, c.text,
                   c.analysis_text, c.kind, c.modality, c.confidence, c.actors, c.topic,
                   c.deadline, c.keys, c.keywords, c.terms, c.search, c.attributes,
                   c.extractor, c.retired_at IS NULL)
                IS DISTINCT FROM
                  (EXCLUDED.sentence_start, EXCLUDED.sentence_end, EXCLUDED.ordinal,
                   EXCLUDED.block_seq, EXCLUDED.text, EXCLUDED.analysis_text, EXCLUDED.kind,
                   EXCLUDED.modality, EXCLUDED.confidence, EXCLUDED.actors, EXCLUDED.topic,
                   EXCLUDED.deadline, EXCLUDED.keys, EXCLUDED.keywords, EXCLUDED.terms,
                   EXCLUDED.search, EXCLUDED.attributes, EXCLUDED.extractor, true)
            RETURNING (xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted) AS "inserted!",
               count(*) FILTER (WHERE NOT inserted) AS "updated!"
        FROM upserted
        "#,
        document.0,
        Json(&rows) as _,
        extractor
    )
    .fetch_one(&mut *tx)
    .await?;
    let starts: Vec<i32> = rows.iter().map(|r| r.span_start as i32).collect();
    let ends: Vec<i32> = rows.iter().map(|r| r.span_end as i32).collect();
    let retired = sqlx::query!(
        r#"
        UPDATE commitments c SET retired_at = now()
        WHERE c.document_id = $1 AND c.retired_at IS NULL
          AND NOT EXISTS (
              SELECT 1 FROM unnest($2::integer[], $3::integer[]) AS k(s, e)
              WHERE k.s = c.span_start AND k.e = c.span_end)
        "#,
        document.0,
        &starts,
        &ends
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query!(
        r#"
        INSERT INTO document_extractions (document_id, extractor, parties, traditional, unit_count,
                                          title_search)
        VALUES ($1, $2, $3, $4, $5, $6::text::tsvector)
        ON CONFLICT (document_id) DO UPDATE SET
            extractor = EXCLUDED.extractor, parties = EXCLUDED.parties,
            traditional = EXCLUDED.traditional, unit_count = EXCLUDED.unit_count,
            title_search = EXCLUDED.title_search, extracted_at = now()
        "#,
        document.0,
        extractor,
        &extraction.parties,
        extraction.traditional,
        rows.len() as i32,
        tsvector_literal(extraction.title_terms.split(' '))
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let inserted = counts.inserted as u64;
    let updated = counts.updated as u64;
    Ok(Changes {
        inserted,
        updated,
        unchanged: (rows.len() as u64).saturating_sub(inserted + updated),
        retired,
    })
}

/// For each content hash already stored: the fingerprint of the extractor that last extracted
/// that document (`None` when none did). Hashes not stored are left out.
pub async fn extractors_by_hash(
    conn: &mut PgConnection,
    hashes: &[Vec<u8>],
) -> Result<Vec<(Vec<u8>, Option<String>)>, StoreError> {
    let rows = sqlx::query!(
        r#"
        SELECT d.content_hash AS "content_hash!", e.extractor AS "extractor?"
        FROM documents d LEFT JOIN document_extractions e ON e.document_id = d.id
        WHERE d.content_hash = ANY($1)
        "#,
        hashes
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.content_hash, r.extractor))
        .collect())
}

/// A stored unit, as pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct StoredCommitment {
    pub id: CommitmentId,
    pub document_id: DocumentId,
    pub span_start: i32,
    pub span_end: i32,
    pub ordinal: i32,
    pub text: String,
    pub kind: Kind,
    pub modality: Modality,
    pub confidence: f32,
    pub actors: Vec<String>,
    pub topic: String,
    pub deadline: Option<NaiveDate>,
    pub keywords: Vec<String>,
    pub attributes: Attributes,
}

/// A document's active (not retired) units in text order.
pub async fn for_document(
    conn: &mut PgConnection,
    document: DocumentId,
) -> Result<Vec<StoredCommitment>, StoreError> {
    let rows = sqlx::query!(
        r#"
        SELECT id, document_id, span_start, span_end, ordinal, text, kind, modality, confidence,
               actors, topic, deadline, keywords, attributes AS "attributes: Json<Attributes>"
        FROM commitments
        WHERE document_id = $1 AND retired_at IS NULL
        ORDER BY span_start, span_end
        "#,
        document.0
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(StoredCommitment {
                id: CommitmentId(r.id),
                document_id: DocumentId(r.document_id),
                span_start: r.span_start,
                span_end: r.span_end,
                ordinal: r.ordinal,
                text: r.text,
                kind: r.kind.parse()?,
                modality: r.modality.parse()?,
                confidence: r.confidence,
                actors: r.actors,
                topic: r.topic,
                deadline: r.deadline,
                keywords: r.keywords,
                attributes: r.attributes.0,
            })
        })
        .collect()
}

/// A current unit with its document and its thread, as the API shows one.
#[derive(Debug, Clone)]
pub struct UnitInContext {
    pub unit: StoredCommitment,
    pub document_title: String,
    /// Signing date, else publication date.
    pub document_date: Option<NaiveDate>,
    /// Its thread, position and relation there, when it is a mention.
    pub thread: Option<(i64, i32, String)>,
}

/// A current (not retired) unit by id, with its document and thread.
pub async fn in_context(
    conn: &mut PgConnection,
    id: CommitmentId,
) -> Result<Option<UnitInContext>, StoreError> {
    let Some(r) = sqlx::query!(
        r#"
        SELECT c.id, c.document_id, c.span_start, c.span_end, c.ordinal, c.text, c.kind,
               c.modality, c.confidence, c.actors, c.topic, c.deadline, c.keywords,
               c.attributes AS "attributes: Json<Attributes>",
               d.title, coalesce(d.signed_on, d.published_on) AS date,
               m.thread_id AS "thread_id?", m.position AS "position?", m.relation AS "relation?"
        FROM commitments c
        JOIN documents d ON d.id = c.document_id
        LEFT JOIN thread_mentions m ON m.commitment_id = c.id
        WHERE c.id = $1 AND c.retired_at IS NULL
        "#,
        id.0
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let thread = match (r.thread_id, r.position, r.relation) {
        (Some(t), Some(p), Some(rel)) => Some((t, p, rel)),
        _ => None,
    };
    Ok(Some(UnitInContext {
        unit: StoredCommitment {
            id: CommitmentId(r.id),
            document_id: DocumentId(r.document_id),
            span_start: r.span_start,
            span_end: r.span_end,
            ordinal: r.ordinal,
            text: r.text,
            kind: r.kind.parse()?,
            modality: r.modality.parse()?,
            confidence: r.confidence,
            actors: r.actors,
            topic: r.topic,
            deadline: r.deadline,
            keywords: r.keywords,
            attributes: r.attributes.0,
        },
        document_title: r.title,
        document_date: r.date,
        thread,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsvector_literal_quotes_and_groups_positions() {
        let terms = ["双边", "贸易额", "it's", "双边", "a\\b"];
        assert_eq!(
            tsvector_literal(terms),
            "'双边':1,4 '贸易额':2 'it''s':3 'a\\\\b':5"
        );
    }
}
