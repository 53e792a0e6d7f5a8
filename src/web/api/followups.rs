//! Follow-ups in the API: `/api/v1/threads/{id}/followups` (a thread's, with their histories;
//! POST records a new one) and `/api/v1/followups/{id}` (one, with its history).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ErrorBody;
use crate::analyst::followups::{EvidenceItem, FollowupContent, FollowupStatus};
use crate::store::followups::FollowupVersion;
use crate::store::{self, StoreError};
use crate::web::auth::Analyst;
use crate::web::capitalised;
use crate::web::error::json_error;
use crate::web::{AppState, WebError};

const STATUS_PATTERN: &str =
    "^(not_started|in_progress|partially_fulfilled|fulfilled|not_fulfilled|superseded|unclear)$";

/// A piece of evidence of a follow-up.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Evidence {
    /// An http(s) address (or empty, when a title is given).
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub title: String,
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub excerpt: String,
}

/// One version of a follow-up.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowupVersionItem {
    pub version: i32,
    /// not_started, in_progress, partially_fulfilled, fulfilled, not_fulfilled, superseded or
    /// unclear.
    #[schema(
        pattern = "^(not_started|in_progress|partially_fulfilled|fulfilled|not_fulfilled|superseded|unclear)$"
    )]
    pub status: String,
    /// Markdown.
    pub note: String,
    pub evidence: Vec<Evidence>,
    pub next_follow_up: Option<NaiveDate>,
    pub withdrawn: bool,
    pub edited_by: String,
    pub edited_at: DateTime<Utc>,
}

impl From<FollowupVersion> for FollowupVersionItem {
    fn from(v: FollowupVersion) -> Self {
        FollowupVersionItem {
            version: v.version,
            status: v.content.status.to_string(),
            note: v.content.note,
            evidence: v
                .content
                .evidence
                .into_iter()
                .map(|e| Evidence {
                    url: e.url,
                    title: e.title,
                    date: e.date,
                    excerpt: e.excerpt,
                })
                .collect(),
            next_follow_up: v.content.next_follow_up,
            withdrawn: v.withdrawn,
            edited_by: v.edited_by,
            edited_at: v.edited_at,
        }
    }
}

/// A follow-up with its newest version.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowupSummary {
    pub id: i64,
    /// The thread it was recorded on (a thread merged into another keeps its own).
    pub thread_id: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub latest: FollowupVersionItem,
    /// This follow-up (with its history) in the API.
    pub href: String,
}

/// A follow-up with every version, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowupDetail {
    pub id: i64,
    pub thread_id: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub latest: FollowupVersionItem,
    /// Every version, newest first (the first is `latest`).
    pub versions: Vec<FollowupVersionItem>,
}

/// A thread's follow-ups.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowupList {
    pub data: Vec<FollowupDetail>,
}

/// Versions (by follow-up, newest first within each) grouped into follow-ups.
fn grouped(versions: Vec<FollowupVersion>) -> Vec<Vec<FollowupVersion>> {
    let mut out: Vec<Vec<FollowupVersion>> = Vec::new();
    for v in versions {
        match out.last_mut() {
            Some(list) if list[0].followup_id == v.followup_id => list.push(v),
            _ => out.push(vec![v]),
        }
    }
    out
}

fn detail(versions: Vec<FollowupVersion>) -> Option<FollowupDetail> {
    let first = versions.first()?.clone();
    let items: Vec<FollowupVersionItem> = versions.into_iter().map(Into::into).collect();
    Some(FollowupDetail {
        id: first.followup_id,
        thread_id: first.thread_id,
        created_by: first.created_by.clone(),
        created_at: first.created_at,
        latest: first.into(),
        versions: items,
    })
}

/// A thread's follow-ups with their newest versions, from [`store::followups::of_thread`].
pub fn summaries(versions: Vec<FollowupVersion>) -> Vec<FollowupSummary> {
    grouped(versions)
        .into_iter()
        .filter_map(|list| {
            let first = list.into_iter().next()?;
            Some(FollowupSummary {
                id: first.followup_id,
                thread_id: first.thread_id,
                created_by: first.created_by.clone(),
                created_at: first.created_at,
                href: format!("/api/v1/followups/{}", first.followup_id),
                latest: first.into(),
            })
        })
        .collect()
}

/// A thread's follow-ups, each with every version.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{id}/followups",
    tag = "followups",
    params(("id" = i64, Path, description = "The thread's id")),
    responses(
        (status = 200, description = "The thread's follow-ups (and those of threads merged into it), oldest first, each with its history", body = FollowupList),
        (status = 401, description = "Reading needs an account here", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
    )
)]
pub async fn of_thread(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    let id = id.into_inner();
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    store::browse::thread_even_retired(&mut conn, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let versions = store::followups::of_thread(&mut conn, id).await?;
    drop(conn);
    Ok(HttpResponse::Ok().json(FollowupList {
        data: grouped(versions).into_iter().filter_map(detail).collect(),
    }))
}

/// One follow-up with every version.
#[utoipa::path(
    get,
    path = "/api/v1/followups/{id}",
    tag = "followups",
    params(("id" = i64, Path, description = "The follow-up's id")),
    responses(
        (status = 200, description = "The follow-up with every version", body = FollowupDetail),
        (status = 401, description = "Reading needs an account here", body = ErrorBody),
        (status = 404, description = "No such follow-up", body = ErrorBody),
    )
)]
pub async fn show(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let versions = store::followups::versions(&mut conn, id.into_inner()).await?;
    drop(conn);
    Ok(HttpResponse::Ok().json(detail(versions).ok_or(WebError::NotFound)?))
}

/// A new follow-up, as posted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFollowup {
    /// not_started, in_progress, partially_fulfilled, fulfilled, not_fulfilled, superseded or
    /// unclear.
    #[schema(
        pattern = "^(not_started|in_progress|partially_fulfilled|fulfilled|not_fulfilled|superseded|unclear)$"
    )]
    pub status: String,
    /// Markdown, at most 20,000 characters. A follow-up needs a note or evidence.
    #[serde(default)]
    pub note: String,
    /// At most 20 items, each with an http(s) address or a title.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    pub next_follow_up: Option<NaiveDate>,
}

/// Records a follow-up on a thread.
///
/// Needs an analyst's account: an API token (`Authorization: Bearer …`), or a session cookie
/// with its CSRF token in an `X-CSRF-Token` header. Checked as the form is; audited.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{id}/followups",
    tag = "followups",
    params(("id" = i64, Path, description = "The thread's id")),
    request_body = NewFollowup,
    security(("token" = []), ("session" = [])),
    responses(
        (status = 201, description = "Recorded; `Location` is its address", body = FollowupDetail),
        (status = 400, description = "The body is not a follow-up in JSON", body = ErrorBody),
        (status = 401, description = "No account, or the API token is not valid", body = ErrorBody),
        (status = 403, description = "The account may not write, or the session's CSRF token is missing", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
        (status = 422, description = "The follow-up does not pass the checks", body = ErrorBody),
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    Analyst(user): Analyst,
    id: web::Path<i64>,
    body: web::Json<NewFollowup>,
) -> Result<HttpResponse, WebError> {
    let thread = id.into_inner();
    let posted = body.into_inner();
    let mut tx = state.pool.begin().await.map_err(StoreError::from)?;
    store::browse::thread(&mut tx, thread)
        .await?
        .ok_or(WebError::NotFound)?;
    let invalid = |message: String| Ok(json_error(StatusCode::UNPROCESSABLE_ENTITY, &message));
    let Ok(status) = posted.status.trim().parse::<FollowupStatus>() else {
        return invalid(format!(
            "“{}” is not a follow-up status: use one of {}.",
            posted.status,
            STATUS_PATTERN
                .trim_matches(['^', '$', '(', ')'])
                .replace('|', ", ")
        ));
    };
    let evidence = posted
        .evidence
        .into_iter()
        .map(|e| EvidenceItem {
            url: e.url,
            title: e.title,
            date: e.date,
            excerpt: e.excerpt,
        })
        .collect();
    let content = match FollowupContent::new(status, &posted.note, evidence, posted.next_follow_up)
    {
        Ok(c) => c,
        Err(e) => return invalid(format!("{}.", capitalised(&e.to_string()))),
    };
    let followup = crate::web::followups::record_new(&mut tx, &user, thread, &content).await?;
    let versions = store::followups::versions(&mut tx, followup).await?;
    tx.commit().await.map_err(StoreError::from)?;
    let detail = detail(versions)
        .ok_or_else(|| WebError::Internal(format!("follow-up {followup} has no version")))?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/followups/{followup}")))
        .json(detail))
}
