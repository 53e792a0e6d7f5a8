//! `/api/v1/search?q=`: the search page's search ([`crate::web::search::find`]) as JSON.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ErrorBody, Paging, json_page, page_href};
use crate::store::StoreError;
use crate::store::browse::tsquery;
use crate::store::search::{NEWEST, units_by_id};
use crate::web::search::{MAX_QUERY, PAGE_SIZE, find};
use crate::web::{AppState, WebError};

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

/// A matching unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub commitment_id: i64,
    pub text: String,
    pub kind: String,
    pub document_id: i64,
    pub document_title: String,
    /// The document's signing date, else its publication date.
    pub date: Option<NaiveDate>,
    pub thread_id: Option<i64>,
    pub thread_title: Option<String>,
    /// The unit in the API.
    pub href: String,
}

/// A document that matches, by its title or by its units.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentHitItem {
    pub id: i64,
    pub title: String,
    pub date: Option<NaiveDate>,
    /// Its title matches.
    pub title_match: bool,
    /// How many of its units are among the matches.
    pub units: i64,
    pub href: String,
}

/// A page of a search's matching units (best first), and the documents they are in.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResult {
    /// The query as read (at most 200 characters).
    pub q: String,
    /// The words searched for, as the query was cut.
    pub words: Vec<String>,
    pub data: Vec<SearchHit>,
    /// Up to 10 documents: those whose titles match first, then by matching units.
    pub documents: Vec<DocumentHitItem>,
    pub page: i64,
    pub per_page: i64,
    /// Matching units, counted among the newest 1,000 matches.
    pub total: i64,
    /// False when more units match than the newest 1,000 that were ranked.
    pub total_exact: bool,
    pub next: Option<String>,
}

/// Units and documents matching words, best first among the newest 1,000 matches.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(
        ("q" = String, Query, description = "What to search for (words are cut as the texts are)"),
        ("page" = Option<i64>, Query, description = "Page number, from 1", minimum = 1),
        ("per_page" = Option<i64>, Query, description = "Units a page (at most 200; 20 when left out)", minimum = 1, maximum = 200),
    ),
    responses(
        (status = 200, description = "The matches", body = SearchResult),
        (status = 400, description = "No query, or a parameter is not understood", body = ErrorBody),
        (status = 401, description = "Reading needs an account here", body = ErrorBody),
    )
)]
pub async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, WebError> {
    let paging = Paging::parse(query.page.as_deref(), query.per_page.as_deref(), PAGE_SIZE)?;
    let q: String = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .ok_or_else(|| WebError::BadRequest("Give what to search for: ?q=…".into()))?
        .chars()
        .take(MAX_QUERY)
        .collect();
    let terms = state.extractor.query_terms(&q);
    let mut result = SearchResult {
        q,
        words: terms.iter().map(|t| t.word.clone()).collect(),
        data: Vec::new(),
        documents: Vec::new(),
        page: paging.page,
        per_page: paging.per_page,
        total: 0,
        total_exact: true,
        next: None,
    };
    let Some(tsq) = tsquery(&terms) else {
        return Ok(HttpResponse::Ok().json(result));
    };
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let found = find(&state, &mut conn, &terms, &tsq).await?;
    let ids: Vec<i64> = found
        .matches
        .iter()
        .skip(paging.offset() as usize)
        .take(paging.per_page as usize)
        .map(|m| m.id)
        .collect();
    let units = units_by_id(&mut conn, &ids).await?;
    drop(conn);
    let catalog = found.catalog;
    result.total = found.matches.len() as i64;
    result.total_exact = !found.more_than;
    debug_assert!(result.total <= NEWEST);
    result.documents = found
        .documents
        .into_iter()
        .map(|d| DocumentHitItem {
            href: format!("/api/v1/documents/{}", d.id),
            id: d.id,
            title: d.title,
            date: d.date,
            title_match: d.title_match,
            units: d.units,
        })
        .collect();
    result.data = units
        .into_iter()
        .map(|u| {
            let (title, date) = catalog.document(u.document_id).unwrap_or_default();
            SearchHit {
                href: format!("/api/v1/commitments/{}", u.commitment_id),
                commitment_id: u.commitment_id,
                text: u.text,
                kind: u.kind.to_string(),
                document_id: u.document_id,
                document_title: title.to_owned(),
                date,
                thread_id: u.thread,
                thread_title: u.thread.and_then(|t| catalog.title(t)).map(str::to_owned),
            }
        })
        .collect();
    let has_next = paging.offset() + paging.per_page < result.total;
    result.next = has_next.then(|| page_href(&req, paging.page + 1));
    let next = result.next.clone();
    Ok(json_page(&result, next.as_deref()))
}
