//! One error type for the web layer, rendered as an error page that never shows internals.

use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::i18n::Ui;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request needs an account: the answer sends the browser to the login page.
    #[error("login required")]
    LoginRequired,
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The write clashes with one made before it (the message says which, and what to do).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Something failed that the user cannot mend (logged, never shown).
    #[error("internal: {0}")]
    Internal(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("template: {0}")]
    Render(#[from] askama::Error),
}

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage<'a> {
    ui: Ui,
    status: u16,
    heading: &'a str,
    message: &'a str,
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::LoginRequired => StatusCode::SEE_OTHER,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::Store(_) | WebError::Render(_) | WebError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    fn error_response(&self) -> HttpResponse {
        // The details go to the log, never to the page.
        if matches!(
            self,
            WebError::Store(_) | WebError::Render(_) | WebError::Internal(_)
        ) {
            tracing::error!(error = %self, "request failed");
        }
        // Without the request: English, no account. The gate ([`super::auth::gate`]) renders
        // it again with the request's language and account.
        self.page(Ui::plain())
    }
}

impl WebError {
    /// The error as the JSON API answers it: `{"error": {"status": …, "message": …}}`, with
    /// 401 (not a redirect to the login page) when an account is needed. Internals are
    /// logged, never sent.
    pub fn json(&self) -> HttpResponse {
        let (status, message) = match self {
            WebError::LoginRequired => (
                StatusCode::UNAUTHORIZED,
                "This needs an account: send an API token (Authorization: Bearer …) or log in.",
            ),
            WebError::NotFound => (StatusCode::NOT_FOUND, "Nothing is at this address."),
            WebError::BadRequest(reason)
            | WebError::Forbidden(reason)
            | WebError::Conflict(reason) => (self.status_code(), reason.as_str()),
            WebError::Store(_) | WebError::Render(_) | WebError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on the server; it has been logged.",
            ),
        };
        json_error(status, message)
    }

    /// The error page in `ui`'s language, with its account in the header.
    pub fn page(&self, ui: Ui) -> HttpResponse {
        let status = self.status_code();
        if let WebError::LoginRequired = self {
            return HttpResponse::SeeOther()
                .insert_header((actix_web::http::header::LOCATION, "/login"))
                .finish();
        }
        let (heading, message) = match self {
            WebError::LoginRequired => (ui.t("login.title"), ui.t("error.login")),
            WebError::Forbidden(reason) => (ui.t("error.forbidden"), reason.as_str()),
            WebError::Conflict(reason) => (ui.t("error.conflict"), reason.as_str()),
            WebError::NotFound => (ui.t("error.not_found"), ui.t("error.not_found.help")),
            WebError::BadRequest(reason) => (ui.t("error.bad_request"), reason.as_str()),
            WebError::Store(_) | WebError::Render(_) | WebError::Internal(_) => {
                (ui.t("error.internal"), ui.t("error.internal.help"))
            }
        };
        let page = ErrorPage {
            ui,
            status: status.as_u16(),
            heading,
            message,
        };
        let body = page.render().unwrap_or_else(|_| heading.to_string());
        HttpResponse::build(status)
            .content_type(ContentType::html())
            .body(body)
    }
}

/// A JSON error body: `{"error": {"status": 404, "message": "…"}}`.
pub fn json_error(status: StatusCode, message: &str) -> HttpResponse {
    let mut response = HttpResponse::build(status).json(serde_json::json!({
        "error": {"status": status.as_u16(), "message": message}
    }));
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            actix_web::http::header::WWW_AUTHENTICATE,
            actix_web::http::header::HeaderValue::from_static("Bearer"),
        );
    }
    response
}
