//! Administration (admins only, see [`super::auth::needs`]): accounts, document upload and
//! the audit log.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use futures_util::StreamExt;
use serde::Deserialize;

use super::auth::Admin;
use super::i18n::Ui;
use super::{AppState, WebError, render};
use crate::analyst::accounts::Role;
use crate::analyst::manage::{self, ManageError};
use crate::corpus::{CorpusError, Summary};
use crate::store::audit::{AuditFilter, AuditRow};
use crate::store::documents::Stored;
use crate::store::users::UserRow;
use crate::store::{self, StoreError};

#[derive(Template)]
#[template(path = "admin/index.html")]
struct IndexPage {
    ui: Ui,
    users: Vec<UserRow>,
    roles: &'static [Role],
    message: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct IndexQuery {
    done: Option<String>,
}

async fn index_page(
    req: &HttpRequest,
    state: &AppState,
    message: Option<String>,
    error: Option<String>,
) -> Result<HttpResponse, WebError> {
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let users = store::users::list(&mut conn).await?;
    drop(conn);
    let failed = error.is_some();
    let mut response = render(&IndexPage {
        ui: Ui::new(req, state.extractor.lexicon()),
        users,
        roles: Role::ALL,
        message,
        error,
    })?;
    if failed {
        *response.status_mut() = actix_web::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// `GET /admin`: the accounts, and links to upload and the audit log.
pub async fn index(
    _admin: Admin,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<IndexQuery>,
) -> Result<HttpResponse, WebError> {
    index_page(&req, &state, query.done.clone(), None).await
}

fn manage_error(e: ManageError) -> Result<String, WebError> {
    match e {
        ManageError::Store(s) => Err(WebError::Store(s)),
        other => Ok(other.to_string()),
    }
}

fn done(message: &str) -> HttpResponse {
    super::see_other(format!("/admin?done={}", super::i18n::url_encode(message)))
}

#[derive(Debug, Deserialize)]
pub struct AddUserForm {
    name: String,
    role: String,
    password: String,
}

/// `POST /admin/users`: a new account.
pub async fn add_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    Admin(user): Admin,
    form: web::Form<AddUserForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    let role: Role = form
        .role
        .parse()
        .map_err(|_| WebError::BadRequest(format!("“{}” is not a role.", form.role)))?;
    match manage::add_user(&state.pool, &user.actor(), &form.name, role, form.password).await {
        Ok(u) => Ok(done(&format!("Added {} ({}).", u.name, u.role))),
        Err(e) => {
            let reason = manage_error(e)?;
            index_page(&req, &state, None, Some(reason)).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct UserChangeForm {
    role: Option<String>,
}

/// `POST /admin/users/{name}/{change}`: `role` (with a `role` field), `disable`, `enable`.
pub async fn change_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    Admin(user): Admin,
    path: web::Path<(String, String)>,
    form: web::Form<UserChangeForm>,
) -> Result<HttpResponse, WebError> {
    let (name, change) = path.into_inner();
    let actor = user.actor();
    let outcome = match change.as_str() {
        "role" => {
            let role: Role = form
                .role
                .as_deref()
                .unwrap_or("")
                .parse()
                .map_err(|_| WebError::BadRequest("Choose a role.".into()))?;
            manage::set_role(&state.pool, &actor, &name, role)
                .await
                .map(|u| format!("{} is now {}.", u.name, u.role))
        }
        "disable" => manage::set_disabled(&state.pool, &actor, &name, true)
            .await
            .map(|u| format!("{} is disabled.", u.name)),
        "enable" => manage::set_disabled(&state.pool, &actor, &name, false)
            .await
            .map(|u| format!("{} is enabled.", u.name)),
        _ => return Err(WebError::NotFound),
    };
    match outcome {
        Ok(message) => Ok(done(&message)),
        Err(e) => {
            let reason = manage_error(e)?;
            index_page(&req, &state, None, Some(reason)).await
        }
    }
}

/// What became of one uploaded file.
pub struct UploadResult {
    pub name: String,
    pub ok: bool,
    pub message: String,
    pub documents: Vec<i64>,
}

#[derive(Template)]
#[template(path = "admin/upload.html")]
struct UploadPage {
    ui: Ui,
    max_mib: usize,
    results: Vec<UploadResult>,
    summary: Option<String>,
}

/// `GET /admin/upload`.
pub async fn upload_form(
    _admin: Admin,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    render(&UploadPage {
        ui: Ui::new(&req, state.extractor.lexicon()),
        max_mib: state.corpus.max_bytes() / (1024 * 1024),
        results: Vec::new(),
        summary: None,
    })
}

/// At most this many files in one upload.
const MAX_FILES: usize = 500;

/// `POST /admin/upload` (multipart, any number of `files`): each file is parsed and stored
/// as `pledgeline ingest` does (same parser, size limit and per-file errors; a file lands
/// whole or not at all), then the new documents are linked. The page lists every file's
/// outcome.
pub async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    Admin(user): Admin,
    mut payload: Multipart,
) -> Result<HttpResponse, WebError> {
    let limit = state.corpus.max_bytes();
    let mut results: Vec<UploadResult> = Vec::new();
    let mut summary = Summary::default();
    while let Some(field) = payload.next().await {
        let mut field =
            field.map_err(|e| WebError::BadRequest(format!("The upload is malformed: {e}")))?;
        let Some(name) = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_owned)
            .filter(|n| !n.is_empty())
        else {
            // Not a file (or an empty file input): skipped.
            while field.next().await.is_some() {}
            continue;
        };
        if results.len() >= MAX_FILES {
            return Err(WebError::BadRequest(format!(
                "At most {MAX_FILES} files in one upload."
            )));
        }
        let mut bytes: Vec<u8> = Vec::new();
        let mut too_big = false;
        while let Some(chunk) = field.next().await {
            let chunk =
                chunk.map_err(|e| WebError::BadRequest(format!("The upload broke off: {e}")))?;
            if bytes.len() + chunk.len() > limit {
                too_big = true;
            } else {
                bytes.extend_from_slice(&chunk);
            }
        }
        let result = if too_big {
            summary.failed += 1;
            UploadResult {
                name,
                ok: false,
                message: format!("larger than the size limit ({} MiB)", limit / (1024 * 1024)),
                documents: Vec::new(),
            }
        } else {
            match state.corpus.ingest_bytes(&name, bytes).await {
                Ok(stored) => {
                    summary.add_stored(&stored);
                    let new = stored
                        .iter()
                        .filter(|s| matches!(s, Stored::Inserted(_)))
                        .count();
                    UploadResult {
                        message: format!(
                            "{} document(s): {new} new, {} already stored",
                            stored.len(),
                            stored.len() - new
                        ),
                        ok: true,
                        documents: stored.iter().map(|s| s.id().0).collect(),
                        name,
                    }
                }
                Err(e) => {
                    summary.failed += 1;
                    let message = match &e {
                        CorpusError::Store(_) | CorpusError::Task(_) => {
                            tracing::error!(file = %name, error = %e, "upload failed");
                            "could not be stored (the error is logged); nothing of it was kept"
                                .to_owned()
                        }
                        other => other.to_string(),
                    };
                    UploadResult {
                        name,
                        ok: false,
                        message,
                        documents: Vec::new(),
                    }
                }
            }
        };
        // Each file's entry is written as soon as the file is done, so that whatever stops
        // the upload later (a broken part, a lost connection) leaves no stored file unlogged.
        let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
        store::audit::record(
            &mut conn,
            &user.actor(),
            "documents.upload",
            "document",
            result.documents.first().map(|d| d.to_string()).as_deref(),
            None,
            Some(&serde_json::json!({
                "file": result.name,
                "ok": result.ok,
                "message": result.message,
                "documents": result.documents,
            })),
        )
        .await?;
        drop(conn);
        results.push(result);
    }
    let linked = state
        .corpus
        .link_pending()
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let mut response = render(&UploadPage {
        ui: Ui::new(&req, state.extractor.lexicon()),
        max_mib: limit / (1024 * 1024),
        summary: Some(format!("{summary}; {linked}")),
        results,
    })?;
    if summary.failed > 0 {
        *response.status_mut() = actix_web::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    ui: Ui,
    rows: Vec<AuditRow>,
    filter: AuditForm,
    actors: Vec<String>,
    actions: Vec<String>,
    page: i64,
    prev: Option<String>,
    next: Option<String>,
}

/// The audit filter as typed (empty fields mean any).
#[derive(Debug, Default, Deserialize)]
pub struct AuditForm {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<String>,
}

impl AuditForm {
    fn value(v: &Option<String>) -> Option<String> {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    pub fn shown(v: &Option<String>) -> String {
        Self::value(v).unwrap_or_default()
    }

    fn filter(&self) -> Result<AuditFilter, WebError> {
        let date = |v: &Option<String>| -> Result<Option<chrono::NaiveDate>, WebError> {
            Self::value(v)
                .map(|d| {
                    d.parse().map_err(|_| {
                        WebError::BadRequest(format!("“{d}” is not a date (YYYY-MM-DD)."))
                    })
                })
                .transpose()
        };
        Ok(AuditFilter {
            actor: Self::value(&self.actor),
            action: Self::value(&self.action),
            entity: Self::value(&self.entity),
            entity_id: Self::value(&self.entity_id),
            from: date(&self.from)?,
            to: date(&self.to)?,
        })
    }

    fn query(&self, page: i64) -> String {
        let mut parts: Vec<String> = [
            ("actor", &self.actor),
            ("action", &self.action),
            ("entity", &self.entity),
            ("entity_id", &self.entity_id),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .iter()
        .filter_map(|(k, v)| Self::value(v).map(|v| format!("{k}={}", super::i18n::url_encode(&v))))
        .collect();
        parts.push(format!("page={page}"));
        format!("/admin/audit?{}", parts.join("&"))
    }
}

const AUDIT_PAGE: i64 = 50;

/// `GET /admin/audit`: every write, newest first, filtered by who, what, which and when.
pub async fn audit(
    _admin: Admin,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<AuditForm>,
) -> Result<HttpResponse, WebError> {
    let form = query.into_inner();
    let filter = form.filter()?;
    let page = super::page_number(form.page.as_deref())?;
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let mut rows =
        store::audit::list(&mut conn, &filter, AUDIT_PAGE + 1, (page - 1) * AUDIT_PAGE).await?;
    let (actors, actions) = store::audit::choices(&mut conn).await?;
    drop(conn);
    let more = rows.len() as i64 > AUDIT_PAGE;
    rows.truncate(AUDIT_PAGE as usize);
    render(&AuditPage {
        ui: Ui::new(&req, state.extractor.lexicon()),
        rows,
        prev: (page > 1).then(|| form.query(page - 1)),
        next: more.then(|| form.query(page + 1)),
        filter: form,
        actors,
        actions,
        page,
    })
}

/// A JSON value as a short line for the audit table.
pub fn compact(v: &Option<serde_json::Value>) -> String {
    v.as_ref().map_or_else(String::new, |v| v.to_string())
}
