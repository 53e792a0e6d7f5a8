//! `/api/v1/commitments/{id}`: one unit with its document and thread.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::ErrorBody;
use super::documents::UnitItem;
use crate::store::{self, CommitmentId, StoreError};
use crate::web::{AppState, WebError};

/// The document a unit is in.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentRef {
    pub id: i64,
    pub title: String,
    /// Its signing date, else its publication date.
    pub date: Option<NaiveDate>,
    pub href: String,
}

/// The thread a unit is a mention of.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadRef {
    pub id: i64,
    /// Its title (none while the thread list is being read again).
    pub title: Option<String>,
    /// The mention's place in the thread, from 0 (the origin).
    pub position: i32,
    #[schema(pattern = "^(origin|reaffirms|advances|fulfils|revises|refers)$")]
    pub relation: String,
    pub href: String,
}

/// One unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommitmentDetail {
    pub unit: UnitItem,
    pub document: DocumentRef,
    /// Its thread, if it is a mention of one.
    pub thread: Option<ThreadRef>,
}

/// One unit with its document and its thread.
#[utoipa::path(
    get,
    path = "/api/v1/commitments/{id}",
    tag = "documents",
    params(("id" = i64, Path, description = "The unit's id")),
    responses(
        (status = 200, description = "The unit with its document and thread", body = CommitmentDetail),
        (status = 401, description = "Reading needs an account here", body = ErrorBody),
        (status = 404, description = "No such current unit", body = ErrorBody),
    )
)]
pub async fn show(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let found = store::commitments::in_context(&mut conn, CommitmentId(id.into_inner()))
        .await?
        .ok_or(WebError::NotFound)?;
    let catalog = state.catalogs.get(&mut conn).await?;
    drop(conn);
    let document_id = found.unit.document_id.0;
    let thread = found.thread.map(|(id, position, relation)| ThreadRef {
        id,
        title: catalog.title(id).map(str::to_owned),
        position,
        relation,
        href: format!("/api/v1/threads/{id}"),
    });
    Ok(HttpResponse::Ok().json(CommitmentDetail {
        unit: UnitItem::new(found.unit, thread.as_ref().map(|t| t.id)),
        document: DocumentRef {
            id: document_id,
            title: found.document_title,
            date: found.document_date,
            href: format!("/api/v1/documents/{document_id}"),
        },
        thread,
    }))
}
