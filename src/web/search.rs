//! `/search?q=`: the query cut with the same jieba setup as the texts, matched against units
//! and document titles; matching words highlighted.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgConnection;

use super::i18n::{Ui, url_encode};
use super::threads::{Piece, highlight};
use super::{AppState, WebError, render};
use crate::extract::QueryTerm;
use crate::store::StoreError;
use crate::store::browse::tsquery;
use crate::store::catalog::Catalog;
use crate::store::search::{self, DocumentHit, NEWEST};

pub const PAGE_SIZE: i64 = 20;
const DOCUMENTS: i64 = 10;
/// Longest query read, in characters.
pub const MAX_QUERY: usize = 200;

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    page: Option<String>,
}

/// A matching unit as the page shows it.
pub struct Hit {
    pub pieces: Vec<Piece>,
    pub href: String,
    pub document_title: String,
    pub date: Option<NaiveDate>,
    pub kind: String,
    pub thread: Option<(i64, String)>,
}

#[derive(Template)]
#[template(path = "search/index.html")]
struct SearchPage {
    ui: Ui,
    q: String,
    /// The words searched for, as cut.
    words: Vec<String>,
    /// Something was typed, but nothing in it can be searched for.
    nothing_to_search: bool,
    cut_short: bool,
    documents: Vec<DocumentHit>,
    hits: Vec<Hit>,
    total: i64,
    more_than: bool,
    /// Only the newest this many matches were ranked.
    ranked_among: Option<i64>,
    page: u32,
    prev: Option<String>,
    next: Option<String>,
}

/// A search before it is paged: the newest matches (at most [`NEWEST`]), best first, then
/// newest; the documents they are in and those whose titles match (at most [`DOCUMENTS`]);
/// and the catalog that names documents and threads.
pub(crate) struct Found {
    pub matches: Vec<search::Match>,
    /// More matched than the newest [`NEWEST`] ranked.
    pub more_than: bool,
    pub documents: Vec<DocumentHit>,
    pub catalog: std::sync::Arc<Catalog>,
}

/// Runs a search for `terms` (`tsq`: their `tsquery`), for the page and the JSON API.
pub(crate) async fn find(
    state: &AppState,
    conn: &mut PgConnection,
    terms: &[QueryTerm],
    tsq: &str,
) -> Result<Found, WebError> {
    // The newest matches, read once: counted, ranked and grouped by document here.
    // From the index in memory; from the database while the index is first read. The store's
    // generation is read once, for the index and the catalog.
    let generation = crate::store::browse::generation(&mut *conn).await?;
    let found = state
        .search_index
        .search(
            &state.pool,
            &mut *conn,
            generation,
            terms,
            NEWEST as usize + 1,
            DOCUMENTS as usize,
        )
        .await?;
    let (mut matches, titles) = match found {
        Some(found) => (found.units, found.titles),
        None => (
            search::newest_matches(&mut *conn, tsq, NEWEST + 1).await?,
            search::title_matches(&mut *conn, tsq, DOCUMENTS).await?,
        ),
    };
    let more_than = matches.len() as i64 > NEWEST;
    matches.truncate(NEWEST as usize);
    // (title matches, matching units) by document.
    let mut counts: std::collections::HashMap<i64, (bool, i64)> = Default::default();
    for m in &matches {
        counts.entry(m.document_id).or_default().1 += 1;
    }
    for id in titles {
        counts.entry(id).or_default().0 = true;
    }
    let mut by_document: Vec<(i64, bool, i64)> =
        counts.into_iter().map(|(d, (t, n))| (d, t, n)).collect();
    // Titles first, then by matching units, then newest.
    by_document.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(b.0.cmp(&a.0)));
    by_document.truncate(DOCUMENTS as usize);
    let catalog = state.catalogs.get_at(&mut *conn, generation).await?;
    let documents = by_document
        .iter()
        .filter_map(|&(id, title_match, units)| {
            let (title, date) = catalog.document(id)?;
            Some(DocumentHit {
                id,
                title: title.to_owned(),
                date,
                title_match,
                units,
            })
        })
        .collect();
    // Best first, then newest.
    matches.sort_by(|a, b| b.rank.total_cmp(&a.rank).then(b.id.cmp(&a.id)));
    Ok(Found {
        matches,
        more_than,
        documents,
        catalog,
    })
}

pub async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, WebError> {
    let ui = Ui::new(&req, state.extractor.lexicon());
    let typed = query.q.as_deref().unwrap_or("").trim();
    let cut_short = typed.chars().count() > MAX_QUERY;
    let q: String = typed.chars().take(MAX_QUERY).collect();
    // A page number that is not one is page 1: a search never fails.
    let page = query
        .page
        .as_deref()
        .and_then(|p| p.parse::<u32>().ok())
        .filter(|&p| (1..=1000).contains(&p))
        .unwrap_or(1);
    let terms = state.extractor.query_terms(&q);
    let mut words: Vec<String> = Vec::new();
    for t in &terms {
        words.push(t.word.clone());
        words.extend(t.parts.iter().cloned());
    }
    let mut page_view = SearchPage {
        ui,
        nothing_to_search: !q.is_empty() && terms.is_empty(),
        q,
        words: terms.iter().map(|t| t.word.clone()).collect(),
        cut_short,
        documents: Vec::new(),
        hits: Vec::new(),
        total: 0,
        more_than: false,
        ranked_among: None,
        page,
        prev: None,
        next: None,
    };
    let Some(tsq) = tsquery(&terms) else {
        return render(&page_view);
    };
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let found = find(&state, &mut conn, &terms, &tsq).await?;
    page_view.more_than = found.more_than;
    page_view.total = found.matches.len() as i64;
    page_view.documents = found.documents;
    let (matches, catalog) = (found.matches, found.catalog);
    let offset = (page as usize - 1) * PAGE_SIZE as usize;
    let ids: Vec<i64> = matches
        .iter()
        .skip(offset)
        .take(PAGE_SIZE as usize)
        .map(|m| m.id)
        .collect();
    let units = search::units_by_id(&mut conn, &ids).await?;
    drop(conn);
    let kind_label = |k: crate::extract::Kind| page_view.ui.t(&format!("kind.{k}")).to_owned();
    page_view.hits = units
        .into_iter()
        .map(|u| {
            let (title, date) = catalog.document(u.document_id).unwrap_or_default();
            Hit {
                pieces: highlight(&u.text, &words),
                href: format!("/documents/{}#p{}", u.document_id, u.block),
                document_title: title.to_owned(),
                date,
                kind: kind_label(u.kind),
                thread: u
                    .thread
                    .and_then(|t| Some((t, catalog.title(t)?.to_owned()))),
            }
        })
        .collect();
    let href = |p: u32| format!("/search?q={}&page={p}", url_encode(&page_view.q));
    let pages = ((page_view.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1) as u32;
    page_view.ranked_among = page_view.more_than.then_some(NEWEST);
    page_view.prev = (page > 1).then(|| href((page - 1).min(pages)));
    page_view.next = (page < pages).then(|| href(page + 1));
    render(&page_view)
}
