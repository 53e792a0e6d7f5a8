//! `/documents` (the list) and `/documents/{id}` (one document with its layout).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::highlight::{self, Piece, UnitNote};
use super::i18n::Ui;
use super::{AppState, WebError, render};
use crate::extract::Kind;
use crate::ingest::BlockKind;
use crate::store::DocumentId;
use crate::store::commitments::{self, StoredCommitment};
use crate::store::documents::{self as docs, Document, DocumentSummary, StoredBlock};

pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    page: Option<u32>,
}

/// Page links for a paginated list.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
}

impl Pager {
    fn new(page: Option<u32>, total: i64, size: i64) -> Self {
        let pages = ((total + size - 1) / size).max(1);
        let page = i64::from(page.unwrap_or(1)).clamp(1, pages);
        Pager { page, pages, total }
    }
    fn offset(&self, size: i64) -> i64 {
        (self.page - 1) * size
    }
    pub fn prev(&self) -> Option<i64> {
        (self.page > 1).then(|| self.page - 1)
    }
    pub fn next(&self) -> Option<i64> {
        (self.page < self.pages).then(|| self.page + 1)
    }
}

#[derive(Template)]
#[template(path = "documents/index.html")]
struct IndexPage {
    ui: Ui,
    documents: Vec<DocumentSummary>,
    pager: Pager,
}

pub async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, WebError> {
    let mut conn = state
        .pool
        .acquire()
        .await
        .map_err(crate::store::StoreError::from)?;
    let total = docs::count(&mut conn).await?;
    let pager = Pager::new(query.page, total, PAGE_SIZE);
    let documents = docs::list(&mut conn, PAGE_SIZE, pager.offset(PAGE_SIZE)).await?;
    let ui = Ui::new(&req, state.extractor.lexicon());
    render(&IndexPage {
        ui,
        documents,
        pager,
    })
}

/// A signature block line split into its columns ("中华人民共和国 哈萨克斯坦共和国").
pub struct SignatureRow {
    pub cells: Vec<String>,
}

/// A block as the page shows it.
pub struct BlockView {
    pub seq: i32,
    pub kind: BlockKind,
    pub text: String,
    /// Paragraph number (1-based), for paragraphs only.
    pub number: Option<usize>,
    pub rows: Vec<SignatureRow>,
    /// A paragraph's text cut into plain text and extracted units.
    pub pieces: Vec<Piece>,
    /// Notes on the units of a paragraph.
    pub notes: Vec<UnitNote>,
}

impl BlockView {
    fn build(
        blocks: Vec<StoredBlock>,
        body: &str,
        units: &[StoredCommitment],
        threads: &std::collections::HashMap<i64, (i64, String)>,
        ui: &Ui,
    ) -> Vec<BlockView> {
        let body: Vec<char> = body.chars().collect();
        let mut number = 0;
        let mut unit_number = 0;
        blocks
            .into_iter()
            .map(|b| {
                let para = matches!(b.kind, BlockKind::Paragraph);
                if para {
                    number += 1;
                }
                let in_block: Vec<&StoredCommitment> = units
                    .iter()
                    .filter(|u| para && b.start <= u.span_start && u.span_start < b.end)
                    .collect();
                let notes: Vec<UnitNote> = in_block
                    .iter()
                    .map(|u| {
                        unit_number += 1;
                        let mut note = UnitNote::new(ui, u, unit_number);
                        note.thread = threads.get(&u.id.0).cloned();
                        note
                    })
                    .collect();
                let pairs: Vec<(&StoredCommitment, &UnitNote)> =
                    in_block.iter().copied().zip(notes.iter()).collect();
                let pieces = if para {
                    highlight::pieces(&body, &b.segments, &pairs)
                } else {
                    Vec::new()
                };
                let rows = if matches!(b.kind, BlockKind::Signature) {
                    b.text
                        .lines()
                        .map(|line| SignatureRow {
                            cells: line
                                .split(|c: char| c.is_whitespace())
                                .filter(|c| !c.is_empty())
                                .map(str::to_string)
                                .collect(),
                        })
                        .filter(|r| !r.cells.is_empty())
                        .collect()
                } else {
                    Vec::new()
                };
                BlockView {
                    seq: b.seq,
                    kind: b.kind,
                    text: b.text,
                    number: para.then_some(number),
                    rows,
                    pieces,
                    notes,
                }
            })
            .collect()
    }

    pub fn is(&self, kind: &str) -> bool {
        self.kind.as_str() == kind
    }

    /// Columns of the widest signature row, so every row spans the table.
    pub fn width(&self) -> usize {
        self.rows.iter().map(|r| r.cells.len()).max().unwrap_or(1)
    }
}

/// One line of the legend: a kind, its label and how many units the document has of it.
pub struct LegendEntry {
    pub kind: Kind,
    pub label: &'static str,
    pub count: usize,
}

#[derive(Template)]
#[template(path = "documents/show.html")]
struct ShowPage {
    ui: Ui,
    doc: Document,
    blocks: Vec<BlockView>,
    sentence_count: i64,
    extra_fields: Vec<(String, String, String)>,
    legend: Vec<LegendEntry>,
    unit_count: usize,
    parties: String,
}

/// Archive fields that have no column of their own, shown so nothing ingested is hidden.
fn extra_fields(doc: &Document) -> Vec<(String, String, String)> {
    const MAPPED: &[&str] = &[
        "ZQ", "RQ", "BH", "TH", "BT", "YT", "FT", "ZZ", "FL", "BM", "TC", "ZW", "title", "date",
        "source",
    ];
    doc.raw_fields
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .filter_map(|f| {
                    let code = f.get("code")?.as_str()?;
                    if MAPPED.contains(&code) {
                        return None;
                    }
                    Some((
                        code.to_string(),
                        f.get("name")?.as_str()?.to_string(),
                        f.get("value")?.as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    let id = DocumentId(id.into_inner());
    let mut conn = state
        .pool
        .acquire()
        .await
        .map_err(crate::store::StoreError::from)?;
    let doc = docs::get(&mut conn, id).await?.ok_or(WebError::NotFound)?;
    let units = commitments::for_document(&mut conn, id).await?;
    let ui = Ui::new(&req, state.extractor.lexicon());
    let catalog = state.catalogs.get(&mut conn).await?;
    let threads = crate::store::browse::threads_of_document(&mut conn, id.0)
        .await?
        .into_iter()
        .filter_map(|(unit, thread)| Some((unit, (thread, catalog.title(thread)?.to_owned()))))
        .collect();
    let blocks = docs::blocks(&mut conn, id).await?;
    let (sentence_count, parties) = crate::store::browse::document_facts(&mut conn, id.0).await?;
    // Back to the pool before the page is built: others may query meanwhile.
    drop(conn);
    let blocks = BlockView::build(blocks, &doc.body, &units, &threads, &ui);
    let parties = ui.parties(&parties);
    let extra_fields = extra_fields(&doc);
    let legend = Kind::ALL
        .iter()
        .map(|&kind| LegendEntry {
            kind,
            label: ui.t(&format!("kind.{kind}")),
            count: units.iter().filter(|u| u.kind == kind).count(),
        })
        .collect();
    render(&ShowPage {
        ui,
        doc,
        blocks,
        sentence_count,
        extra_fields,
        legend,
        unit_count: units.len(),
        parties,
    })
}
