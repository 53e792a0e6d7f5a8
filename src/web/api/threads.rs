//! `/api/v1/threads` (the list, with the threads page's filters) and `/api/v1/threads/{id}`
//! (one thread: its facts, status, mentions, follow-ups and criteria).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::followups::{FollowupSummary, summaries};
use super::{DEFAULT_PER_PAGE, ErrorBody, Paging, json_page, list_envelope, page_href};
use crate::store::StoreError;
use crate::store::browse::{self, LIST_COUNT_CAP, ThreadListing};
use crate::web::i18n::Lang;
use crate::web::threads::{ListParams, ListQuery, as_of, target_words};
use crate::web::{AppState, WebError};

/// The list's query string: the threads page's filters, and paging.
#[derive(Debug, Deserialize)]
pub struct ThreadsQuery {
    topic: Option<String>,
    party: Option<String>,
    status: Option<String>,
    relation: Option<String>,
    from: Option<String>,
    to: Option<String>,
    deadline: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    as_of: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

/// A thread as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadItem {
    pub id: i64,
    /// Its origin's text, shortened.
    pub title: String,
    pub topic: String,
    /// Party codes.
    pub parties: Vec<String>,
    /// As of the list's date (`as_of`, else today).
    #[schema(pattern = "^(fulfilled|in_progress|overdue|open)$")]
    pub status: String,
    pub deadline: Option<NaiveDate>,
    /// The deadline as written.
    pub deadline_text: Option<String>,
    pub first_stated: Option<NaiveDate>,
    pub last_mentioned: Option<NaiveDate>,
    pub mentions: i32,
    /// This thread in the API.
    pub href: String,
}

impl ThreadItem {
    fn new(t: &ThreadListing, as_of: NaiveDate) -> ThreadItem {
        ThreadItem {
            id: t.id,
            title: t.title.clone(),
            topic: t.topic.clone(),
            parties: t.parties.clone(),
            status: t.status(as_of).to_string(),
            deadline: t.deadline,
            deadline_text: t.deadline_text.clone(),
            first_stated: t.first_stated,
            last_mentioned: t.last_mentioned,
            mentions: t.mention_count,
            href: format!("/api/v1/threads/{}", t.id),
        }
    }
}

list_envelope!(
    /// A page of threads.
    ThreadList of ThreadItem
);

/// Threads, with the threads page's filters and orders, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/threads",
    tag = "threads",
    params(
        ("topic" = Option<String>, Query, description = "A topic id of the lexicon"),
        ("party" = Option<String>, Query, description = "A party code"),
        ("status" = Option<String>, Query, description = "fulfilled, in_progress, overdue or open; several separated by commas"),
        ("relation" = Option<String>, Query, description = "Threads with a mention of this relation (origin, reaffirms, advances, fulfils, revises, refers)"),
        ("from" = Option<i32>, Query, description = "Mentioned in or after this year"),
        ("to" = Option<i32>, Query, description = "First stated in or before this year"),
        ("deadline" = Option<String>, Query, description = "1: only threads with a deadline"),
        ("q" = Option<String>, Query, description = "Words the thread's origin has"),
        ("sort" = Option<String>, Query, description = "last (default), first, deadline or mentions"),
        ("as_of" = Option<NaiveDate>, Query, description = "Statuses as of this date (default today)"),
        ("page" = Option<i64>, Query, description = "Page number, from 1", minimum = 1),
        ("per_page" = Option<i64>, Query, description = "Threads a page (at most 200; 50 when left out)", minimum = 1, maximum = 200),
    ),
    responses(
        (status = 200, description = "A page of threads", body = ThreadList),
        (status = 400, description = "A parameter is not understood", body = ErrorBody),
        (status = 401, description = "Reading needs an account here", body = ErrorBody),
    )
)]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ThreadsQuery>,
) -> Result<HttpResponse, WebError> {
    let q = query.into_inner();
    let paging = Paging::parse(q.page.as_deref(), q.per_page.as_deref(), DEFAULT_PER_PAGE)?;
    let mut params = ListParams::parse(
        &ListQuery {
            topic: q.topic,
            party: q.party,
            status: q.status,
            relation: q.relation,
            from: q.from,
            to: q.to,
            deadline: q.deadline,
            q: q.q,
            sort: q.sort,
            page: None,
            as_of: q.as_of,
        },
        &state,
    )?;
    params.page = paging.page as u32;
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let (threads, total, has_next) = params.fetch(&state, &mut conn, paging.per_page).await?;
    drop(conn);
    let next = has_next.then(|| page_href(&req, paging.page + 1));
    let body = ThreadList {
        data: threads
            .iter()
            .map(|t| ThreadItem::new(t, params.as_of))
            .collect(),
        page: paging.page,
        per_page: paging.per_page,
        total: total.min(LIST_COUNT_CAP),
        total_exact: total <= LIST_COUNT_CAP,
        next: next.clone(),
    };
    Ok(json_page(&body, next.as_deref()))
}

/// A quantified target.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetItem {
    /// What is measured, as written.
    pub metric: Option<String>,
    pub amount: f64,
    /// Upper bound of a range.
    pub high: Option<f64>,
    /// ISO currency code, `%`, or a unit of measure.
    pub unit: String,
    /// The target in English words.
    pub text: String,
}

/// A mention of a thread: where and how a document restates the commitment.
#[derive(Debug, Serialize, ToSchema)]
pub struct MentionItem {
    /// Its place in the thread, from 0 (the origin).
    pub position: i32,
    #[schema(pattern = "^(origin|reaffirms|advances|fulfils|revises|refers)$")]
    pub relation: String,
    pub commitment_id: i64,
    pub kind: String,
    pub document_id: i64,
    pub document_title: String,
    /// The document's signing date, else its publication date.
    pub date: Option<NaiveDate>,
    /// The unit's text.
    pub quote: String,
    /// How similar it is to what it was linked to (none for the origin).
    pub score: Option<f64>,
}

/// The newest version of a thread's fulfilment criteria.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriteriaItem {
    pub version: i32,
    /// Markdown.
    pub criteria: String,
    pub edited_by: String,
    pub edited_at: DateTime<Utc>,
}

/// One thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadDetail {
    pub id: i64,
    pub title: String,
    pub topic: String,
    pub parties: Vec<String>,
    /// As of `as_of`.
    #[schema(pattern = "^(fulfilled|in_progress|overdue|open)$")]
    pub status: String,
    pub as_of: NaiveDate,
    pub deadline: Option<NaiveDate>,
    pub deadline_text: Option<String>,
    pub target: Option<TargetItem>,
    pub first_stated: Option<NaiveDate>,
    pub last_mentioned: Option<NaiveDate>,
    /// The first mention reporting it done, and the first reporting a step towards it.
    pub fulfilled_on: Option<NaiveDate>,
    pub advanced_on: Option<NaiveDate>,
    pub mention_count: i32,
    /// The thread has no mentions any more (it is shown for the analysts' work on it).
    pub retired: bool,
    /// This page of its mentions, in order (`page`, `per_page`).
    pub mentions: Vec<MentionItem>,
    pub page: i64,
    pub per_page: i64,
    /// The next page of mentions, if any (also in the `Link` header).
    pub next: Option<String>,
    /// Its follow-ups (and those of threads merged into it), each with its newest version.
    pub followups: Vec<FollowupSummary>,
    /// Its fulfilment criteria, if written.
    pub criteria: Option<CriteriaItem>,
    /// The thread's page on the site.
    pub page_href: String,
}

#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    as_of: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

/// Mentions a page of a thread holds unless `per_page` says otherwise.
const MENTIONS_PER_PAGE: i64 = 100;

/// One thread: its facts and status, a page of its mentions, its follow-ups and criteria.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{id}",
    tag = "threads",
    params(
        ("id" = i64, Path, description = "The thread's id"),
        ("as_of" = Option<NaiveDate>, Query, description = "Status as of this date (default today)"),
        ("page" = Option<i64>, Query, description = "Page of mentions, from 1", minimum = 1),
        ("per_page" = Option<i64>, Query, description = "Mentions a page (at most 200; 100 when left out)", minimum = 1, maximum = 200),
    ),
    responses(
        (status = 200, description = "The thread", body = ThreadDetail),
        (status = 308, description = "Relinking merged the thread into another: `Location` names it"),
        (status = 400, description = "A parameter is not understood", body = ErrorBody),
        (status = 401, description = "Reading needs an account here", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
    )
)]
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse, WebError> {
    let (as_of, _) = as_of(&query.as_of)?;
    let paging = Paging::parse(
        query.page.as_deref(),
        query.per_page.as_deref(),
        MENTIONS_PER_PAGE,
    )?;
    let id = id.into_inner();
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let (thread, retired) = match browse::locate(&mut conn, id).await? {
        Some(browse::ThreadAt::Active(thread)) => (thread, false),
        Some(browse::ThreadAt::MergedInto(next)) => {
            return Ok(HttpResponse::PermanentRedirect()
                .insert_header((header::LOCATION, format!("/api/v1/threads/{next}")))
                .finish());
        }
        Some(browse::ThreadAt::Retired(thread)) => (thread, true),
        None => return Err(WebError::NotFound),
    };
    let (notes, _) = crate::store::followups::work_on(&mut conn, thread.id).await?;
    let (followups, criteria) = if notes {
        let versions = crate::store::followups::of_thread(&mut conn, thread.id).await?;
        let criteria = crate::store::followups::criteria_history(&mut conn, thread.id)
            .await?
            .into_iter()
            .find(|c| c.thread_id == thread.id)
            .map(|c| CriteriaItem {
                version: c.version,
                criteria: c.criteria,
                edited_by: c.edited_by,
                edited_at: c.edited_at,
            });
        (summaries(versions), criteria)
    } else {
        (Vec::new(), None)
    };
    // Positions run from 0 without gaps; a page past the end is empty.
    let first = i32::try_from(paging.offset()).unwrap_or(i32::MAX);
    let mentions = if retired {
        Vec::new()
    } else {
        browse::mentions(&mut conn, thread.id, first, paging.per_page).await?
    };
    drop(conn);
    let has_next = (paging.offset() + paging.per_page) < i64::from(thread.mention_count);
    let next = has_next.then(|| page_href(&req, paging.page + 1));
    let body = ThreadDetail {
        id: thread.id,
        title: thread.title.clone(),
        topic: thread.topic.clone(),
        parties: thread.parties.clone(),
        status: thread.status(as_of).to_string(),
        as_of,
        deadline: thread.deadline,
        deadline_text: thread.deadline_text.clone(),
        target: thread.target.as_ref().map(|t| TargetItem {
            metric: t.metric.clone(),
            amount: t.amount,
            high: t.high,
            unit: t.unit.clone(),
            text: target_words(Lang::En, t),
        }),
        first_stated: thread.first_stated,
        last_mentioned: thread.last_mentioned,
        fulfilled_on: thread.fulfilled_on,
        advanced_on: thread.advanced_on,
        mention_count: thread.mention_count,
        retired,
        mentions: mentions
            .into_iter()
            .map(|m| MentionItem {
                position: m.position,
                relation: m.relation.to_string(),
                commitment_id: m.commitment_id,
                kind: m.kind.to_string(),
                document_id: m.document_id,
                document_title: m.document_title,
                date: m.date,
                quote: m.text,
                score: m.score,
            })
            .collect(),
        page: paging.page,
        per_page: paging.per_page,
        next: next.clone(),
        followups,
        criteria,
        page_href: format!("/threads/{}", thread.id),
    };
    Ok(json_page(&body, next.as_deref()))
}
