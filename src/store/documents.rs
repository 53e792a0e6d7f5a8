//! documents, document_blocks, document_sentences.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgConnection;
use sqlx::types::Json;

use super::StoreError;
use crate::ingest::{
    BlockKind, DatePrecision, Metadata, ParsedDocument, PartialDate, SourceEncoding, Span,
};

/// A stored document's id: stable for the same content, whatever file or encoding it came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct DocumentId(pub i64);

impl std::fmt::Display for DocumentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What storing one parsed document did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Inserted(DocumentId),
    /// The same content was already stored: nothing changed.
    Unchanged(DocumentId),
}

impl Stored {
    pub fn id(self) -> DocumentId {
        match self {
            Stored::Inserted(id) | Stored::Unchanged(id) => id,
        }
    }
}

fn to_i32(n: usize, what: &str) -> Result<i32, StoreError> {
    i32::try_from(n).map_err(|_| StoreError::Corrupt(format!("{what} {n} is out of range")))
}

/// Store a parsed document with its layout, unless the same content is stored already.
/// Run it inside a transaction: the document and its layout land together or not at all.
pub async fn insert(
    conn: &mut PgConnection,
    doc: &ParsedDocument,
    source_path: &str,
    encoding: SourceEncoding,
) -> Result<Stored, StoreError> {
    let meta = &doc.meta;
    let published_on = meta.published.as_ref().map(|p| p.date);
    let precision = meta.published.as_ref().map(|p| p.precision.as_str());
    let raw_fields = Json(&doc.raw_fields);
    let inserted = sqlx::query_scalar!(
        r#"
        INSERT INTO documents (
            content_hash, format, source_path, article_index, encoding, title, lead_title,
            subtitle, issue_number, page, item_number, classification, page_name, genre, source,
            authors, published_on, published_precision, signed_on, signed_place, dateline_place,
            body, raw_fields
        )
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                $19, $20, $21, $22, $23)
        ON CONFLICT (content_hash) DO NOTHING
        RETURNING id
        "#,
        &doc.content_hash[..],
        doc.format.as_str(),
        source_path,
        i32::try_from(doc.article_index).unwrap_or(i32::MAX),
        encoding.as_str(),
        meta.title,
        meta.lead_title,
        meta.subtitle,
        meta.issue_number,
        meta.page,
        meta.item_number,
        meta.classification,
        meta.page_name,
        meta.genre,
        meta.source,
        &meta.authors,
        published_on,
        precision,
        meta.signed_on,
        meta.signed_place,
        meta.dateline_place,
        doc.body,
        raw_fields as _,
    )
    .fetch_optional(&mut *conn)
    .await?;

    let Some(id) = inserted else {
        let id = sqlx::query_scalar!(
            "SELECT id FROM documents WHERE content_hash = $1",
            &doc.content_hash[..]
        )
        .fetch_one(&mut *conn)
        .await?;
        return Ok(Stored::Unchanged(DocumentId(id)));
    };
    let id = DocumentId(id);
    insert_layout(conn, id, doc).await?;
    Ok(Stored::Inserted(id))
}

async fn insert_layout(
    conn: &mut PgConnection,
    id: DocumentId,
    doc: &ParsedDocument,
) -> Result<(), StoreError> {
    let n = doc.blocks.len();
    let (mut seqs, mut kinds, mut starts, mut ends, mut segments, mut texts) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (seq, block) in doc.blocks.iter().enumerate() {
        seqs.push(to_i32(seq, "block")?);
        kinds.push(block.kind.as_str().to_string());
        starts.push(to_i32(block.start, "offset")?);
        ends.push(to_i32(block.end, "offset")?);
        let pairs: Vec<[usize; 2]> = block.segments.iter().map(|s| [s.start, s.end]).collect();
        segments.push(serde_json::to_value(pairs).map_err(|e| StoreError::Corrupt(e.to_string()))?);
        texts.push(block.text.clone());
    }
    sqlx::query!(
        r#"
        INSERT INTO document_blocks (document_id, seq, kind, start_char, end_char, segments, text)
        SELECT $1, * FROM UNNEST($2::int4[], $3::text[], $4::int4[], $5::int4[], $6::jsonb[], $7::text[])
        "#,
        id.0,
        &seqs,
        &kinds,
        &starts,
        &ends,
        &segments,
        &texts,
    )
    .execute(&mut *conn)
    .await?;

    let m = doc.sentences.len();
    let (mut seqs, mut blocks, mut starts, mut ends) = (
        Vec::with_capacity(m),
        Vec::with_capacity(m),
        Vec::with_capacity(m),
        Vec::with_capacity(m),
    );
    for (seq, s) in doc.sentences.iter().enumerate() {
        seqs.push(to_i32(seq, "sentence")?);
        blocks.push(to_i32(s.block, "block")?);
        starts.push(to_i32(s.start, "offset")?);
        ends.push(to_i32(s.end, "offset")?);
    }
    sqlx::query!(
        r#"
        INSERT INTO document_sentences (document_id, seq, block_seq, start_char, end_char)
        SELECT $1, * FROM UNNEST($2::int4[], $3::int4[], $4::int4[], $5::int4[])
        "#,
        id.0,
        &seqs,
        &blocks,
        &starts,
        &ends,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A line of the documents list.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentSummary {
    pub id: DocumentId,
    pub title: String,
    pub published: Option<PartialDate>,
    pub signed_on: Option<NaiveDate>,
    pub page: Option<String>,
    pub page_name: Option<String>,
    pub genre: Option<String>,
}

fn partial_date(
    date: Option<NaiveDate>,
    precision: Option<String>,
) -> Result<Option<PartialDate>, StoreError> {
    match (date, precision) {
        (Some(date), Some(p)) => {
            let precision = p
                .parse::<DatePrecision>()
                .map_err(|_| StoreError::Corrupt(format!("unknown date precision {p:?}")))?;
            Ok(Some(PartialDate { date, precision }))
        }
        _ => Ok(None),
    }
}

/// Documents, newest publication first (undated last), one page at a time.
pub async fn list(
    conn: &mut PgConnection,
    limit: i64,
    offset: i64,
) -> Result<Vec<DocumentSummary>, StoreError> {
    let rows = sqlx::query!(
        r#"
        SELECT id, title, published_on, published_precision, signed_on, page, page_name, genre
        FROM documents
        ORDER BY published_on DESC NULLS LAST, id DESC
        LIMIT $1 OFFSET $2
        "#,
        limit,
        offset
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(DocumentSummary {
                id: DocumentId(r.id),
                title: r.title,
                published: partial_date(r.published_on, r.published_precision)?,
                signed_on: r.signed_on,
                page: r.page,
                page_name: r.page_name,
                genre: r.genre,
            })
        })
        .collect()
}

pub async fn count(conn: &mut PgConnection) -> Result<i64, StoreError> {
    let n = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM documents"#)
        .fetch_one(&mut *conn)
        .await?;
    Ok(n)
}

/// How many documents there are, counted up to `cap` (a list says "more than" beyond it).
pub async fn count_up_to(conn: &mut PgConnection, cap: i64) -> Result<i64, StoreError> {
    let n = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM (SELECT 1 FROM documents LIMIT $1) d"#,
        cap
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(n)
}

/// Every stored document's id, in id order.
pub async fn ids(conn: &mut PgConnection) -> Result<Vec<DocumentId>, StoreError> {
    let ids = sqlx::query_scalar!("SELECT id FROM documents ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    Ok(ids.into_iter().map(DocumentId).collect())
}

/// One stored document with every field.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub id: DocumentId,
    pub content_hash: String,
    pub format: String,
    pub source_path: String,
    pub article_index: i32,
    pub encoding: String,
    #[serde(flatten)]
    pub meta: Metadata,
    pub body: String,
    pub raw_fields: serde_json::Value,
    pub ingested_at: DateTime<Utc>,
}

pub async fn get(conn: &mut PgConnection, id: DocumentId) -> Result<Option<Document>, StoreError> {
    let row = sqlx::query!(
        r#"
        SELECT id, content_hash, format, source_path, article_index, encoding, title, lead_title,
               subtitle, issue_number, page, item_number, classification, page_name, genre, source,
               authors, published_on, published_precision, signed_on, signed_place,
               dateline_place, body, raw_fields, ingested_at
        FROM documents WHERE id = $1
        "#,
        id.0
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(Document {
        id: DocumentId(r.id),
        content_hash: hex::encode(&r.content_hash),
        format: r.format,
        source_path: r.source_path,
        article_index: r.article_index,
        encoding: r.encoding,
        meta: Metadata {
            title: r.title,
            lead_title: r.lead_title,
            subtitle: r.subtitle,
            issue_number: r.issue_number,
            page: r.page,
            item_number: r.item_number,
            classification: r.classification,
            page_name: r.page_name,
            genre: r.genre,
            source: r.source,
            authors: r.authors,
            published: partial_date(r.published_on, r.published_precision)?,
            signed_on: r.signed_on,
            signed_place: r.signed_place,
            dateline_place: r.dateline_place,
        },
        body: r.body,
        raw_fields: r.raw_fields,
        ingested_at: r.ingested_at,
    }))
}

/// A stored layout block.
#[derive(Debug, Clone, Serialize)]
pub struct StoredBlock {
    pub seq: i32,
    pub kind: BlockKind,
    pub start: i32,
    pub end: i32,
    pub segments: Vec<Span>,
    pub text: String,
}

/// A document's blocks in body order.
pub async fn blocks(
    conn: &mut PgConnection,
    id: DocumentId,
) -> Result<Vec<StoredBlock>, StoreError> {
    let rows = sqlx::query!(
        r#"
        SELECT seq, kind, start_char, end_char, segments AS "segments: Json<Vec<[usize; 2]>>", text
        FROM document_blocks WHERE document_id = $1 ORDER BY seq
        "#,
        id.0
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let kind = r
                .kind
                .parse::<BlockKind>()
                .map_err(|_| StoreError::Corrupt(format!("unknown block kind {:?}", r.kind)))?;
            Ok(StoredBlock {
                seq: r.seq,
                kind,
                start: r.start_char,
                end: r.end_char,
                segments: r
                    .segments
                    .0
                    .into_iter()
                    .map(|[start, end]| Span { start, end })
                    .collect(),
                text: r.text,
            })
        })
        .collect()
}

/// A stored sentence with its text cut from the body.
#[derive(Debug, Clone, Serialize)]
pub struct StoredSentence {
    pub seq: i32,
    pub block_seq: i32,
    pub start: i32,
    pub end: i32,
    pub text: String,
}

pub async fn sentences(
    conn: &mut PgConnection,
    id: DocumentId,
) -> Result<Vec<StoredSentence>, StoreError> {
    let rows = sqlx::query!(
        r#"
        SELECT s.seq, s.block_seq, s.start_char, s.end_char,
               substr(d.body, s.start_char + 1, s.end_char - s.start_char) AS "text!"
        FROM document_sentences s JOIN documents d ON d.id = s.document_id
        WHERE s.document_id = $1 ORDER BY s.seq
        "#,
        id.0
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StoredSentence {
            seq: r.seq,
            block_seq: r.block_seq,
            start: r.start_char,
            end: r.end_char,
            text: r.text,
        })
        .collect())
}
