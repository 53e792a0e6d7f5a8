//! The JSON API under `/api/v1`: documents, threads, units, follow-ups and search, read by
//! anyone who may read the pages (the gate applies the same rule), and follow-ups written
//! with an account (a session and its CSRF token, or an API token). Errors are JSON
//! (`{"error": {"status": 404, "message": "…"}}`, made by the gate); the OpenAPI document,
//! generated from these handlers and types, is at [`OPENAPI_PATH`].
//!
//! Lists are paged with `page` and `per_page` (at most [`MAX_PER_PAGE`]) in an envelope
//! (`data`, `page`, `per_page`, `total`, `total_exact`, `next`), the next page also in a
//! `Link: <…>; rel="next"` header. Totals are counted only up to a cap, as the pages do.

pub mod commitments;
pub mod documents;
pub mod followups;
pub mod search;
pub mod threads;

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use super::WebError;
pub use super::auth::OPENAPI_PATH;

/// Items a list page holds unless `per_page` says otherwise.
pub const DEFAULT_PER_PAGE: i64 = 50;
/// Most items a list page holds.
pub const MAX_PER_PAGE: i64 = 200;

/// An error, as every failed API request answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// The HTTP status again.
    pub status: u16,
    /// What went wrong, for people (never the server's internals).
    pub message: String,
}

/// `page` and `per_page` of a list, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    /// `page` from 1 (default 1) and `per_page` from 1 to [`MAX_PER_PAGE`] (default `default`);
    /// anything else is a 400.
    pub fn parse(
        page: Option<&str>,
        per_page: Option<&str>,
        default: i64,
    ) -> Result<Paging, WebError> {
        let page = super::page_number(page)?;
        let per_page = match per_page.map(str::trim).filter(|p| !p.is_empty()) {
            None => default,
            Some(p) => p
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=MAX_PER_PAGE).contains(n))
                .ok_or_else(|| {
                    WebError::BadRequest(format!(
                        "“{p}” is not a page size: give a number from 1 to {MAX_PER_PAGE}."
                    ))
                })?,
        };
        Ok(Paging { page, per_page })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

/// This request's address with another page number (every other parameter kept).
pub fn page_href(req: &HttpRequest, page: i64) -> String {
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    pairs.retain(|(k, _)| k != "page");
    pairs.push(("page".into(), page.to_string()));
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("{}?{query}", req.path())
}

/// A JSON answer, with a `Link` header to the next page when there is one.
pub fn json_page(body: &impl Serialize, next: Option<&str>) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    if let Some(next) = next {
        response.insert_header((header::LINK, format!("<{next}>; rel=\"next\"")));
    }
    response.json(body)
}

/// Declares a list envelope of `$item`s.
macro_rules! list_envelope {
    ($(#[$meta:meta])* $name:ident of $item:ty) => {
        $(#[$meta])*
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub data: Vec<$item>,
            /// This page's number, from 1.
            pub page: i64,
            /// Items a page holds.
            pub per_page: i64,
            /// How many items there are, counted up to a cap (see `total_exact`).
            pub total: i64,
            /// False when more items exist than `total` says (counting stopped at the cap).
            pub total_exact: bool,
            /// The address of the next page (also in the `Link` header), if there is one.
            pub next: Option<String>,
        }
    };
}
pub(crate) use list_envelope;

/// The security schemes: an API token, or a session cookie (whose writes also need the
/// session's CSRF token in an `X-CSRF-Token` header).
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token from `pledgeline user token NAME`, acting with its account's role.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                super::auth::SESSION_COOKIE,
                "A logged-in session; writes also send its CSRF token as `X-CSRF-Token`.",
            ))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Pledgeline JSON API",
        version = "1",
        description = "Read documents, threads of commitments, units, follow-ups and search results; record follow-ups with an account. Lists are paged with `page` and `per_page` (at most 200); the next page is in `next` and in a `Link` header. Errors are `{\"error\": {\"status\": …, \"message\": …}}`."
    ),
    paths(
        documents::list,
        documents::show,
        threads::list,
        threads::show,
        followups::of_thread,
        followups::create,
        followups::show,
        commitments::show,
        search::search,
        openapi,
    ),
    components(schemas(ErrorBody)),
    modifiers(&Security),
    tags(
        (name = "documents", description = "Stored documents and their units"),
        (name = "threads", description = "Commitments followed across documents"),
        (name = "followups", description = "What analysts recorded after a commitment"),
        (name = "search", description = "Full-text search over units and titles"),
        (name = "meta", description = "This document"),
    )
)]
pub struct ApiDoc;

/// The OpenAPI document, as JSON (made once).
pub fn openapi_json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        ApiDoc::openapi()
            .to_json()
            .expect("the OpenAPI document serialises")
    })
}

/// This OpenAPI document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI document", body = serde_json::Value))
)]
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type(header::ContentType::json())
        .body(openapi_json())
}
