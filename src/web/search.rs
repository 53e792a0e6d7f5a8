//! `/search?q=`: the query cut with the same jieba setup as the texts, matched against units
//! and document titles; matching words highlighted.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::i18n::{Ui, url_encode};
use super::threads::{Piece, highlight};
use super::{AppState, WebError, render};
use crate::store::StoreError;
use crate::store::browse::tsquery;
use crate::store::search::{self, COUNT_CAP, DocumentHit, RANKED};

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
    let total = search::count_units(&mut conn, &tsq).await?;
    let offset = i64::from(page - 1) * PAGE_SIZE;
    let units = search::units(&mut conn, &tsq, PAGE_SIZE, offset).await?;
    page_view.documents = search::documents(&mut conn, &tsq, DOCUMENTS).await?;
    page_view.more_than = total > COUNT_CAP;
    page_view.total = total.min(COUNT_CAP);
    let kind_label = |k: crate::extract::Kind| page_view.ui.t(&format!("kind.{k}")).to_owned();
    page_view.hits = units
        .into_iter()
        .map(|u| Hit {
            pieces: highlight(&u.text, &words),
            href: match u.block {
                Some(b) => format!("/documents/{}#p{b}", u.document_id),
                None => format!("/documents/{}#u{}", u.document_id, u.commitment_id),
            },
            document_title: u.document_title,
            date: u.date,
            kind: kind_label(u.kind),
            thread: u.thread,
        })
        .collect();
    let href = |p: u32| format!("/search?q={}&page={p}", url_encode(&page_view.q));
    let pages = ((page_view.total.min(RANKED) + PAGE_SIZE - 1) / PAGE_SIZE).max(1) as u32;
    page_view.ranked_among = (page_view.total > RANKED).then_some(RANKED);
    page_view.prev = (page > 1).then(|| href((page - 1).min(pages)));
    page_view.next = (page < pages).then(|| href(page + 1));
    render(&page_view)
}
