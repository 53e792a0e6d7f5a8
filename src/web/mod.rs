//! The web app: routes, handlers and their templates (`templates/` mirrors this module).

pub mod admin;
pub mod api;
pub mod assets;
pub mod auth;
pub mod cache;
pub mod dashboard;
mod documents;
pub mod error;
pub mod feeds;
pub(crate) mod followups;
mod health;
mod highlight;
pub mod i18n;
pub mod markdown;
mod reports;
mod review;
mod search;
pub mod svg;
pub mod threads;
mod timeline;

use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, guard, web};
use askama::Template;
use sqlx::PgPool;

use crate::corpus::Corpus;
use crate::extract::Extractor;

pub use error::WebError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    /// Ingests uploads and links again after analysts' decisions.
    pub corpus: Corpus,
    /// Who may read, and how long sessions last.
    pub auth: auth::AuthConfig,
    /// Failed logins, to slow down password guessing.
    pub login_failures: std::sync::Arc<auth::Throttle>,
    /// The extractor's lexicon gives the labels of topics and roles.
    pub extractor: &'static Extractor,
    /// The dashboard's data by as-of date.
    pub dashboards: std::sync::Arc<cache::PageCache<chrono::NaiveDate, dashboard::DashboardData>>,
    /// The active threads, for the threads list and the timeline.
    pub catalogs: std::sync::Arc<crate::store::catalog::Catalogs>,
    /// The units' words, for search.
    pub search_index: std::sync::Arc<crate::store::search_index::SearchIndexes>,
}

impl AppState {
    pub fn new(corpus: Corpus, auth: auth::AuthConfig) -> AppState {
        AppState {
            pool: corpus.pool().clone(),
            extractor: corpus.extractor(),
            corpus,
            auth,
            login_failures: Default::default(),
            dashboards: Default::default(),
            catalogs: Default::default(),
            search_index: Default::default(),
        }
    }
}

/// Register every route; `startup` builds the server around it.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PathConfig::default().error_handler(|_, _| WebError::NotFound.into()))
        // A follow-up of 20,000 Chinese characters and 20 evidence items is ~1 MB encoded.
        .app_data(
            web::FormConfig::default()
                .limit(FORM_LIMIT)
                .error_handler(|err, _| {
                    WebError::BadRequest(format!("The form could not be read: {err}.")).into()
                }),
        )
        .app_data(web::PayloadConfig::default().limit(FORM_LIMIT))
        .app_data(
            web::JsonConfig::default()
                .limit(FORM_LIMIT)
                .error_handler(|err, _| {
                    WebError::BadRequest(format!("The JSON body could not be read: {err}.")).into()
                }),
        )
        .app_data(web::QueryConfig::default().error_handler(|err, _| {
            tracing::debug!("bad query string: {err}");
            WebError::BadRequest(
                "The address has a parameter this page does not understand.".into(),
            )
            .into()
        }))
        .route("/login", read().to(auth::login_form))
        .route("/login", web::post().to(auth::login))
        .route("/logout", web::post().to(auth::logout))
        .route("/review", read().to(review::index))
        .route("/review/{verdict}", web::post().to(review::judge))
        .route("/links", web::post().to(review::link_by_hand))
        .route("/decisions/{id}/undo", web::post().to(review::undo))
        .route(
            "/threads/{id}/followups/new",
            read().to(followups::new_form),
        )
        .route("/threads/{id}/followups", web::post().to(followups::create))
        .route(
            "/threads/{id}/criteria",
            web::post().to(followups::save_criteria),
        )
        .route("/threads/{id}/{action}", web::post().to(review::correct))
        .route("/followups/{id}/edit", read().to(followups::edit_form))
        .route("/followups/{id}", web::post().to(followups::update))
        .route("/admin", read().to(admin::index))
        .route("/admin/users", web::post().to(admin::add_user))
        .route(
            "/admin/users/{name}/{change}",
            web::post().to(admin::change_user),
        )
        .route("/admin/upload", read().to(admin::upload_form))
        .route("/admin/upload", web::post().to(admin::upload))
        .route("/admin/audit", read().to(admin::audit))
        .route("/", read().to(dashboard::index))
        .route("/threads", read().to(threads::index))
        .route("/threads/{id}", read().to(threads::show))
        .route("/threads/{id}/feed.atom", read().to(feeds::thread))
        .route("/feeds/overdue.atom", read().to(feeds::overdue))
        .route("/feeds/mentions.atom", read().to(feeds::mentions))
        .route("/timeline", read().to(timeline::index))
        .route("/search", read().to(search::index))
        .route("/reports/progress", read().to(reports::progress))
        .route("/reports/progress.{ext}", read().to(reports::progress_as))
        .route("/lang/{code}", read().to(i18n::switch))
        .route("/documents", read().to(documents::index))
        .route("/documents/{id}", read().to(documents::show))
        .route("/healthz", read().to(health::healthz))
        .route("/static/{file}", read().to(assets::serve))
        // The JSON API (`api`): every route is in its OpenAPI document.
        .route("/api/v1/openapi.json", read().to(api::openapi))
        .route("/api/v1/documents", read().to(api::documents::list))
        .route("/api/v1/documents/{id}", read().to(api::documents::show))
        .route("/api/v1/threads", read().to(api::threads::list))
        .route("/api/v1/threads/{id}", read().to(api::threads::show))
        .route(
            "/api/v1/threads/{id}/followups",
            read().to(api::followups::of_thread),
        )
        .route(
            "/api/v1/threads/{id}/followups",
            web::post().to(api::followups::create),
        )
        .route("/api/v1/followups/{id}", read().to(api::followups::show))
        .route(
            "/api/v1/commitments/{id}",
            read().to(api::commitments::show),
        )
        .route("/api/v1/search", read().to(api::search::search));
}

/// `?page=N` of a paged list: 1 when absent or blank, a 400 page when not a number from 1 to
/// 100,000 (an offset computed from a larger one could overflow).
pub(crate) fn page_number(value: Option<&str>) -> Result<i64, WebError> {
    match value.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(1),
        Some(p) => p
            .parse()
            .ok()
            .filter(|n: &i64| (1..=100_000).contains(n))
            .ok_or_else(|| WebError::BadRequest(format!("“{p}” is not a page number."))),
    }
}

/// A 303 to `location` (after a form's write).
pub(crate) fn see_other(location: impl Into<String>) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location.into()))
        .finish()
}

/// A message with its first letter in upper case ("“x” is not a date" stays as it is).
pub(crate) fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A moment as pages show it to analysts.
pub(crate) fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The largest form a page posts (the gate reads CSRF tokens from bodies up to this too).
pub const FORM_LIMIT: usize = 2 * 1024 * 1024;

/// A route for reading: GET, and HEAD (answered without a body).
fn read() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// The fallback for unknown addresses.
pub async fn not_found() -> Result<HttpResponse, WebError> {
    Err(WebError::NotFound)
}

/// Render a page template into a response; failures become the error page.
pub(crate) fn render(template: &impl Template) -> Result<HttpResponse, WebError> {
    let body = template.render()?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType::html())
        .body(body))
}
