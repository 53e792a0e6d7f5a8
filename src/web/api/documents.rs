//! `/api/v1/documents` (the list) and `/api/v1/documents/{id}` (one, with its units).

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DEFAULT_PER_PAGE, ErrorBody, Paging, json_page, list_envelope, page_href};
use crate::store::browse::LIST_COUNT_CAP;
use crate::store::commitments::{self, StoredCommitment};
use crate::store::documents as docs;
use crate::store::{DocumentId, StoreError};
use crate::web::{AppState, WebError};

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    page: Option<String>,
    per_page: Option<String>,
}

/// A document as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentItem {
    pub id: i64,
    pub title: String,
    /// Publication date (its first day when only a month or year is known).
    pub published: Option<NaiveDate>,
    /// How much of `published` is known: `day`, `month` or `year`.
    pub published_precision: Option<String>,
    /// Date of the signing line, if any.
    pub signed_on: Option<NaiveDate>,
    pub genre: Option<String>,
    pub page_name: Option<String>,
    /// This document in the API.
    pub href: String,
}

list_envelope!(
    /// A page of documents, newest publication first.
    DocumentList of DocumentItem
);

/// Documents, newest publication first, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/documents",
    tag = "documents",
    params(
        ("page" = Option<i64>, Query, description = "Page number, from 1", minimum = 1),
        ("per_page" = Option<i64>, Query, description = "Documents a page (at most 200; 50 when left out)", minimum = 1, maximum = 200),
    ),
    responses(
        (status = 200, description = "A page of documents", body = DocumentList),
        (status = 400, description = "A parameter is not understood", body = ErrorBody),
        (status = 401, description = "Reading needs an account here", body = ErrorBody),
    )
)]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, WebError> {
    let paging = Paging::parse(
        query.page.as_deref(),
        query.per_page.as_deref(),
        DEFAULT_PER_PAGE,
    )?;
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let total = docs::count_up_to(&mut conn, LIST_COUNT_CAP + 1).await?;
    let mut rows = docs::list(&mut conn, paging.per_page + 1, paging.offset()).await?;
    drop(conn);
    let has_next = rows.len() as i64 > paging.per_page;
    rows.truncate(paging.per_page as usize);
    let next = has_next.then(|| page_href(&req, paging.page + 1));
    let body = DocumentList {
        data: rows
            .into_iter()
            .map(|d| DocumentItem {
                href: format!("/api/v1/documents/{}", d.id.0),
                id: d.id.0,
                title: d.title,
                published: d.published.map(|p| p.date),
                published_precision: d.published.map(|p| p.precision.to_string()),
                signed_on: d.signed_on,
                genre: d.genre,
                page_name: d.page_name,
            })
            .collect(),
        page: paging.page,
        per_page: paging.per_page,
        total: total.min(LIST_COUNT_CAP),
        total_exact: total <= LIST_COUNT_CAP,
        next: next.clone(),
    };
    Ok(json_page(&body, next.as_deref()))
}

/// A unit (commitment, or another kind of statement) extracted from a document.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitItem {
    pub id: i64,
    /// What the unit is: `commitment`, `goal`, `reaffirmation`, …
    pub kind: String,
    pub text: String,
    /// How binding its wording is.
    pub modality: String,
    /// The extractor's confidence, from 0 to 1.
    pub confidence: f32,
    pub topic: String,
    pub actors: Vec<String>,
    /// The last day of the period it is due by, if it has a deadline.
    pub deadline: Option<NaiveDate>,
    pub keywords: Vec<String>,
    /// Where it is in the document's body, in characters.
    pub span_start: i32,
    pub span_end: i32,
    /// The thread it is a mention of, if any.
    pub thread_id: Option<i64>,
    /// This unit in the API.
    pub href: String,
}

impl UnitItem {
    pub fn new(u: StoredCommitment, thread_id: Option<i64>) -> UnitItem {
        UnitItem {
            href: format!("/api/v1/commitments/{}", u.id.0),
            id: u.id.0,
            kind: u.kind.to_string(),
            text: u.text,
            modality: u.modality.to_string(),
            confidence: u.confidence,
            topic: u.topic,
            actors: u.actors,
            deadline: u.deadline,
            keywords: u.keywords,
            span_start: u.span_start,
            span_end: u.span_end,
            thread_id,
        }
    }
}

/// One document: its metadata, body and units.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentDetail {
    pub id: i64,
    pub title: String,
    pub lead_title: Option<String>,
    pub subtitle: Option<String>,
    pub genre: Option<String>,
    pub page_name: Option<String>,
    pub source: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<NaiveDate>,
    pub published_precision: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub signed_place: Option<String>,
    pub dateline_place: Option<String>,
    /// Parties the extractor found in it (codes).
    pub parties: Vec<String>,
    pub body: String,
    /// Its current units, in text order.
    pub units: Vec<UnitItem>,
    /// The document's page on the site.
    pub page_href: String,
}

/// One document: its metadata, body and units, each with its thread.
#[utoipa::path(
    get,
    path = "/api/v1/documents/{id}",
    tag = "documents",
    params(("id" = i64, Path, description = "The document's id")),
    responses(
        (status = 200, description = "The document with its units", body = DocumentDetail),
        (status = 401, description = "Reading needs an account here", body = ErrorBody),
        (status = 404, description = "No such document", body = ErrorBody),
    )
)]
pub async fn show(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    let id = DocumentId(id.into_inner());
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let doc = docs::get(&mut conn, id).await?.ok_or(WebError::NotFound)?;
    let units = commitments::for_document(&mut conn, id).await?;
    let threads: std::collections::HashMap<i64, i64> =
        crate::store::browse::threads_of_document(&mut conn, id.0)
            .await?
            .into_iter()
            .collect();
    let (_, parties) = crate::store::browse::document_facts(&mut conn, id.0).await?;
    drop(conn);
    let m = doc.meta;
    Ok(HttpResponse::Ok().json(DocumentDetail {
        id: doc.id.0,
        title: m.title,
        lead_title: m.lead_title,
        subtitle: m.subtitle,
        genre: m.genre,
        page_name: m.page_name,
        source: m.source,
        authors: m.authors,
        published: m.published.map(|p| p.date),
        published_precision: m.published.map(|p| p.precision.to_string()),
        signed_on: m.signed_on,
        signed_place: m.signed_place,
        dateline_place: m.dateline_place,
        parties,
        body: doc.body,
        units: units
            .into_iter()
            .map(|u| {
                let thread = threads.get(&u.id.0).copied();
                UnitItem::new(u, thread)
            })
            .collect(),
        page_href: format!("/documents/{}", id.0),
    }))
}
