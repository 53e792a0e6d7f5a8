//! Accounts on the web: sessions, the login and logout pages, CSRF tokens, and the one gate
//! ([`gate`]) every request passes, which decides from the method and the path what the
//! request needs ([`needs`]) and refuses it before any handler runs.
//!
//! - A session is a random token in an HttpOnly, SameSite=Lax cookie (Secure over HTTPS);
//!   the store keeps only its SHA-256. It ends after [`AuthConfig::idle`] without use and
//!   after [`AuthConfig::lifetime`] whatever happens; logging in always starts a new one.
//! - Every request that is not GET or HEAD must carry the session's CSRF token (a form field
//!   `csrf`, a `csrf` query parameter for multipart forms, or an `X-CSRF-Token` header). The
//!   login form, before any session, carries a token that must match its own cookie.
//! - Under `/api/` a request may instead carry an API token (`Authorization: Bearer …`,
//!   stored as its SHA-256 like sessions): it acts with its account's role and needs no CSRF
//!   token, as browsers never send it by themselves. There, refusals and errors are JSON
//!   (401, not a redirect to the login page, when an account is needed).

use std::time::Duration;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::i18n::Ui;
use super::{AppState, WebError, render};
use crate::analyst::accounts::{self, Role};
use crate::store::{self, audit::Actor};

pub const SESSION_COOKIE: &str = "pl_session";
/// Password checks running at once (each holds 19 MiB): a flood of logins waits its turn
/// instead of exhausting memory.
static PASSWORD_CHECKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);
const LOGIN_COOKIE: &str = "pl_login";
/// A session's last use is written at most this often.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// Failed logins, remembered for [`Throttle::WINDOW`] per client address and per client
/// address and account name: after [`Throttle::PER_NAME`] failures for one account from one
/// address, or [`Throttle::PER_ADDRESS`] from one address, further attempts from it are
/// refused (429) without checking the password until the oldest failure is older than the
/// window. Kept in memory, per server process. The address is the connection's (behind a
/// proxy, the proxy's: every client then shares the per-address limit).
#[derive(Default)]
pub struct Throttle {
    failures: std::sync::Mutex<std::collections::HashMap<String, Vec<std::time::Instant>>>,
}

impl Throttle {
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);
    pub const PER_NAME: usize = 5;
    pub const PER_ADDRESS: usize = 50;

    fn keys(address: &str, name: &str) -> [(String, usize); 2] {
        [
            (
                format!("{address}\u{0}{}", name.trim().to_lowercase()),
                Self::PER_NAME,
            ),
            (address.to_owned(), Self::PER_ADDRESS),
        ]
    }

    /// How long until an attempt is allowed again (none: allowed now).
    pub fn wait(&self, address: &str, name: &str) -> Option<Duration> {
        let now = std::time::Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        Self::keys(address, name)
            .iter()
            .filter_map(|(key, limit)| {
                let list = map.get_mut(key)?;
                list.retain(|t| now.duration_since(*t) < Self::WINDOW);
                (list.len() >= *limit).then(|| Self::WINDOW - now.duration_since(list[0]))
            })
            .max()
    }

    pub fn failed(&self, address: &str, name: &str) {
        let now = std::time::Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, list| list.iter().any(|t| now.duration_since(*t) < Self::WINDOW));
        }
        for (key, _) in Self::keys(address, name) {
            map.entry(key).or_default().push(now);
        }
    }

    /// A successful login forgets that account's failures from that address.
    pub fn succeeded(&self, address: &str, name: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let [(pair, _), _] = Self::keys(address, name);
        map.remove(&pair);
    }
}

/// Who may read, and how long sessions last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthConfig {
    /// Pages may be read without logging in (writing always needs an account).
    pub read_without_login: bool,
    /// A session ends after this long without a request.
    pub idle: Duration,
    /// A session ends this long after login, used or not.
    pub lifetime: Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            read_without_login: true,
            idle: Duration::from_secs(8 * 3600),
            lifetime: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

/// The account behind a request, as the gate found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub csrf: String,
    /// Signed in with an API token (no session, no CSRF token).
    pub via_token: bool,
    token_hash: Vec<u8>,
}

impl SignedIn {
    pub fn actor(&self) -> Actor {
        Actor::user(self.user_id, &self.name)
    }

    pub fn may(&self, role: Role) -> bool {
        self.role.allows(role)
    }
}

/// The signed-in account of a request, if any.
pub fn signed_in(req: &HttpRequest) -> Option<SignedIn> {
    req.extensions().get::<SignedIn>().cloned()
}

/// A handler argument: the account of a request the gate let through as a write (or any
/// request from an account). Refuses anonymous requests.
impl FromRequest for SignedIn {
    type Error = WebError;
    type Future = std::future::Ready<Result<SignedIn, WebError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(signed_in(req).ok_or(WebError::LoginRequired))
    }
}

/// A handler argument: an account that may do what an analyst may. The gate has checked it
/// already; handlers check again, so that no route depends on the path table alone.
pub struct Analyst(pub SignedIn);

/// A handler argument: an administrator's account.
pub struct Admin(pub SignedIn);

fn with_role(req: &HttpRequest, role: Role) -> Result<SignedIn, WebError> {
    let user = signed_in(req).ok_or(WebError::LoginRequired)?;
    if user.may(role) {
        Ok(user)
    } else {
        Err(WebError::Forbidden(forbidden_reason(role)))
    }
}

impl FromRequest for Analyst {
    type Error = WebError;
    type Future = std::future::Ready<Result<Analyst, WebError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(with_role(req, Role::Analyst).map(Analyst))
    }
}

impl FromRequest for Admin {
    type Error = WebError;
    type Future = std::future::Ready<Result<Admin, WebError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(with_role(req, Role::Admin).map(Admin))
    }
}

/// What a request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anyone: the login page, static files, health checks, the language switch.
    Nothing,
    /// Reading: anyone when reading without login is allowed, else an account.
    Read,
    /// An account of at least this role.
    Role(Role),
}

/// What a request needs, from its method and path alone: the one table of permissions.
pub fn needs(method: &Method, path: &str) -> Need {
    let reading = method == Method::GET || method == Method::HEAD;
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    if reading {
        if path == "/login"
            || path == "/healthz"
            || path == OPENAPI_PATH
            || under("/static")
            || under("/lang")
        {
            Need::Nothing
        } else if under("/admin") {
            Need::Role(Role::Admin)
        } else if analyst_page(path) {
            Need::Role(Role::Analyst)
        } else {
            Need::Read
        }
    } else if path == "/login" {
        // Checked by the login handler against its own cookie.
        Need::Nothing
    } else if path == "/logout" {
        Need::Role(Role::Viewer)
    } else if under("/admin") {
        Need::Role(Role::Admin)
    } else {
        Need::Role(Role::Analyst)
    }
}

/// The JSON API's OpenAPI document: anyone may read how the API works.
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

/// Paths of the JSON API: API tokens count there, and refusals and errors are JSON.
pub fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Pages that exist only to write from: the review queue and the follow-up forms.
fn analyst_page(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    matches!(
        parts.as_slice(),
        ["review", ..] | ["followups", _, "edit"] | ["threads", _, "followups", "new"]
    )
}

/// The gate (middleware): finds the session, applies [`needs`], checks the CSRF token of
/// every write, and hands the account to the handlers. Error pages, its own and the
/// handlers', are rendered here in the request's language with its account in the header.
pub async fn gate(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<BoxBody>>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next
            .call(req)
            .await?
            .map_into_boxed_body()
            .map_into_left_body());
    };
    let config = state.auth;
    // The path as the router reads it (percent-decoded: `/%61dmin` is `/admin`).
    let path = req.match_info().as_str().to_owned();
    let api = is_api(&path);
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("").to_owned());
    let user = match authorization {
        // An API token counts under `/api/` only; a bad one is refused, never ignored.
        Some(value) if api => match find_token(&state, &value).await? {
            Some(u) => Some(u),
            None => {
                let response = super::error::json_error(
                    actix_web::http::StatusCode::UNAUTHORIZED,
                    "The API token is not valid (unknown or revoked, or its account is disabled); send it as Authorization: Bearer TOKEN.",
                );
                return Ok(req.into_response(response).map_into_right_body());
            }
        },
        _ => match req.cookie(SESSION_COOKIE) {
            Some(c) => find_session(&state, c.value()).await?,
            None => None,
        },
    };
    if let Some(u) = &user {
        req.extensions_mut().insert(u.clone());
    }
    let page = |req: &HttpRequest, e: &WebError| {
        if api {
            e.json()
        } else {
            e.page(Ui::new(req, state.extractor.lexicon()))
        }
    };
    let need = needs(req.method(), &path);
    let refusal = match (need, &user) {
        (Need::Nothing, _) => None,
        (Need::Read, None) if config.read_without_login => None,
        (Need::Read, Some(_)) => None,
        (Need::Read, None) | (Need::Role(_), None) if api => Some(WebError::LoginRequired.json()),
        (Need::Read, None) | (Need::Role(_), None) => Some(login_redirect(&req)),
        (Need::Role(role), Some(u)) if !u.may(role) => Some(page(
            req.request(),
            &WebError::Forbidden(forbidden_reason(role)),
        )),
        (Need::Role(_), Some(_)) => None,
    };
    if let Some(response) = refusal {
        return Ok(req.into_response(response).map_into_right_body());
    }
    let writing = !(req.method() == Method::GET || req.method() == Method::HEAD);
    if writing
        && let (Need::Role(_), Some(u)) = (need, &user)
        && !u.via_token
    {
        let token = csrf_token_of(&mut req).await;
        if !token.is_some_and(|t| accounts::same_token(&t, &u.csrf)) {
            let response = page(
                req.request(),
                &WebError::Forbidden(
                    "This form has expired or did not come from this site. Go back, reload the page and try again."
                        .into(),
                ),
            );
            return Ok(req.into_response(response).map_into_right_body());
        }
    }
    let response = next.call(req).await?.map_into_boxed_body();
    let error = response.response().error();
    let mut response = match error.map(|e| e.as_error::<WebError>()) {
        Some(Some(e)) if api || !matches!(e, WebError::LoginRequired) => {
            let again = page(response.request(), e);
            response.into_response(again)
        }
        // Another error (actix's own) under /api/: JSON as well, in its status's words.
        Some(None) if api => {
            let status = response.status();
            let again = super::error::json_error(
                status,
                status.canonical_reason().unwrap_or("The request failed."),
            );
            response.into_response(again)
        }
        _ => response,
    };
    // A signed-in page holds the session's CSRF token and the account's name: never stored.
    if user.is_some() && !response.headers().contains_key(header::CACHE_CONTROL) {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("private, no-store"),
        );
    }
    Ok(response.map_into_left_body())
}

fn forbidden_reason(role: Role) -> String {
    match role {
        Role::Admin => "This needs an administrator's account.".into(),
        _ => "Your account may read but not change anything. Ask an administrator for the analyst role.".into(),
    }
}

/// To the login page, coming back here afterwards (to the page a form was on, for a write).
fn login_redirect(req: &ServiceRequest) -> HttpResponse {
    let back = if req.method() == Method::GET || req.method() == Method::HEAD {
        match req.query_string() {
            "" => req.path().to_owned(),
            q => format!("{}?{q}", req.path()),
        }
    } else {
        req.headers()
            .get(header::REFERER)
            .and_then(|r| r.to_str().ok())
            .and_then(|r| {
                let host = req.connection_info().host().to_owned();
                r.split_once(&host).map(|(_, path)| path.to_owned())
            })
            .filter(|p| safe_back(p))
            .unwrap_or_else(|| "/".into())
    };
    HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("/login?next={}", super::i18n::url_encode(&back)),
        ))
        .finish()
}

/// A path on this site to go back to (never another site).
pub(crate) fn safe_back(p: &str) -> bool {
    // Browsers drop tabs and newlines from addresses ("/\t/evil" becomes "//evil"), so no
    // control or space character may appear at all.
    p.starts_with('/')
        && !p.starts_with("//")
        && !p.contains('\\')
        && !p.chars().any(|c| c.is_control() || c.is_whitespace())
}

async fn find_session(state: &AppState, token: &str) -> Result<Option<SignedIn>, actix_web::Error> {
    if token.len() != 64 {
        return Ok(None);
    }
    let hash = accounts::token_hash(token);
    let mut conn = state.pool.acquire().await.map_err(store_error)?;
    let Some(row) = store::users::session(&mut conn, &hash)
        .await
        .map_err(store_error)?
    else {
        return Ok(None);
    };
    let stale = chrono::Utc::now() - row.last_seen
        > chrono::Duration::from_std(TOUCH_EVERY).unwrap_or_default();
    if stale {
        store::users::touch_session(
            &mut conn,
            &hash,
            state.auth.idle.as_secs_f64(),
            state.auth.lifetime.as_secs_f64(),
        )
        .await
        .map_err(store_error)?;
    }
    Ok(Some(SignedIn {
        user_id: row.user_id,
        name: row.name,
        role: row.role,
        csrf: row.csrf_token,
        via_token: false,
        token_hash: hash,
    }))
}

/// The account of an `Authorization` header's API token (`Bearer TOKEN`), if it is live.
async fn find_token(state: &AppState, value: &str) -> Result<Option<SignedIn>, actix_web::Error> {
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => return Ok(None),
    };
    if token.len() != 64 {
        return Ok(None);
    }
    let hash = accounts::token_hash(token);
    let mut conn = state.pool.acquire().await.map_err(store_error)?;
    let Some(row) = store::tokens::by_hash(&mut conn, &hash)
        .await
        .map_err(store_error)?
    else {
        return Ok(None);
    };
    let stale = row.last_used_at.is_none_or(|t| {
        chrono::Utc::now() - t > chrono::Duration::from_std(TOUCH_EVERY).unwrap_or_default()
    });
    if stale {
        store::tokens::touch(&mut conn, row.id)
            .await
            .map_err(store_error)?;
    }
    Ok(Some(SignedIn {
        user_id: row.user_id,
        name: row.name,
        role: row.role,
        csrf: String::new(),
        via_token: true,
        token_hash: hash,
    }))
}

fn store_error(e: impl Into<store::StoreError>) -> actix_web::Error {
    WebError::Store(e.into()).into()
}

/// The CSRF token a write carries: header, query parameter, or a field of a URL-encoded
/// form (read here and put back for the handler).
async fn csrf_token_of(req: &mut ServiceRequest) -> Option<String> {
    if let Some(t) = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        return Some(t.to_owned());
    }
    if let Some(t) = query_value(req.query_string(), "csrf") {
        return Some(t);
    }
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return None;
    }
    let body = req.extract::<web::Bytes>().await.ok()?;
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v);
    req.set_payload(Payload::from(body));
    token
}

fn query_value(query: &str, key: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

fn cookie<'c>(req: &HttpRequest, name: &'c str, value: String, path: &'c str) -> Cookie<'c> {
    let https = req.connection_info().scheme() == "https";
    Cookie::build(name, value)
        .path(path)
        .http_only(true)
        .secure(https)
        .same_site(SameSite::Lax)
        .finish()
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    ui: Ui,
    csrf: String,
    next: String,
    name: String,
    error: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// `GET /login`.
pub async fn login_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, WebError> {
    let next = query
        .next
        .clone()
        .filter(|n| safe_back(n))
        .unwrap_or_else(|| "/".into());
    login_page(
        &req,
        &state,
        next,
        String::new(),
        None,
        actix_web::http::StatusCode::OK,
    )
}

fn login_page(
    req: &HttpRequest,
    state: &AppState,
    next: String,
    name: String,
    error: Option<&'static str>,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, WebError> {
    let csrf = accounts::new_token().map_err(|e| WebError::Internal(e.to_string()))?;
    let page = LoginPage {
        ui: Ui::new(req, state.extractor.lexicon()),
        csrf: csrf.clone(),
        next,
        name,
        error,
    };
    let mut response = render(&page)?;
    *response.status_mut() = status;
    response
        .add_cookie(&cookie(req, LOGIN_COOKIE, csrf, "/login"))
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

/// `POST /login`: checks the form's token against its cookie, then the password; on
/// success ends any session the browser had and starts a new one.
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    let next = form
        .next
        .clone()
        .filter(|n| safe_back(n))
        .unwrap_or_else(|| "/".into());
    let cookie_token = req.cookie(LOGIN_COOKIE).map(|c| c.value().to_owned());
    if !cookie_token.is_some_and(|c| accounts::same_token(&c, &form.csrf)) {
        return login_page(
            &req,
            &state,
            next,
            form.name,
            Some("login.expired"),
            actix_web::http::StatusCode::FORBIDDEN,
        );
    }
    let address = req
        .peer_addr()
        .map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string());
    if let Some(wait) = state.login_failures.wait(&address, &form.name) {
        tracing::warn!(name = %form.name, %address, "login refused: too many failures");
        let mut page = login_page(
            &req,
            &state,
            next,
            form.name,
            Some("login.throttled"),
            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
        )?;
        page.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from(wait.as_secs().max(1)),
        );
        return Ok(page);
    }
    let mut conn = state
        .pool
        .acquire()
        .await
        .map_err(store::StoreError::from)?;
    let found = store::users::by_name(&mut conn, form.name.trim()).await?;
    let (hash, user) = match found {
        Some((user, hash)) => (hash, Some(user)),
        None => (accounts::decoy_hash().to_owned(), None),
    };
    let password = form.password.clone();
    // Each check takes 19 MiB and a core for a moment: a few at a time, the rest wait.
    let _turn = PASSWORD_CHECKS
        .acquire()
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let matches = web::block(move || accounts::verify_password(&password, &hash))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let user = match user {
        Some(u) if matches && u.disabled_at.is_none() => u,
        _ => {
            tracing::warn!(name = %form.name, %address, "failed login");
            state.login_failures.failed(&address, &form.name);
            return login_page(
                &req,
                &state,
                next,
                form.name,
                Some("login.failed"),
                actix_web::http::StatusCode::UNAUTHORIZED,
            );
        }
    };
    state.login_failures.succeeded(&address, &form.name);
    let token = accounts::new_token().map_err(|e| WebError::Internal(e.to_string()))?;
    let csrf = accounts::new_token().map_err(|e| WebError::Internal(e.to_string()))?;
    let mut tx = state.pool.begin().await.map_err(store::StoreError::from)?;
    store::users::end_expired(&mut tx).await?;
    if let Some(old) = req.cookie(SESSION_COOKIE) {
        store::users::end_session(&mut tx, &accounts::token_hash(old.value())).await?;
    }
    store::users::create_session(
        &mut tx,
        &accounts::token_hash(&token),
        user.id,
        &csrf,
        state.auth.idle.as_secs_f64(),
        state.auth.lifetime.as_secs_f64(),
    )
    .await?;
    store::audit::record(
        &mut tx,
        &Actor::user(user.id, &user.name),
        "login",
        "user",
        Some(&user.name),
        None,
        None,
    )
    .await?;
    tx.commit().await.map_err(store::StoreError::from)?;
    let mut session = cookie(&req, SESSION_COOKIE, token, "/");
    session.set_max_age(actix_web::cookie::time::Duration::seconds(
        state.auth.lifetime.as_secs() as i64,
    ));
    let mut spent = cookie(&req, LOGIN_COOKIE, String::new(), "/login");
    spent.make_removal();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, next))
        .cookie(session)
        .cookie(spent)
        .finish())
}

/// `POST /logout`: ends the session here and in the store.
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedIn,
) -> Result<HttpResponse, WebError> {
    let mut tx = state.pool.begin().await.map_err(store::StoreError::from)?;
    store::users::end_session(&mut tx, &user.token_hash).await?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        "logout",
        "user",
        Some(&user.name),
        None,
        None,
    )
    .await?;
    tx.commit().await.map_err(store::StoreError::from)?;
    let mut gone = cookie(&req, SESSION_COOKIE, String::new(), "/");
    gone.make_removal();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/"))
        .cookie(gone)
        .finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_write_needs_an_analyst_and_admin_pages_an_admin() {
        let post = Method::POST;
        assert_eq!(
            needs(&post, "/threads/1/followups"),
            Need::Role(Role::Analyst)
        );
        assert_eq!(needs(&post, "/review/decide"), Need::Role(Role::Analyst));
        assert_eq!(needs(&Method::PUT, "/anything"), Need::Role(Role::Analyst));
        assert_eq!(
            needs(&Method::DELETE, "/threads/1"),
            Need::Role(Role::Analyst)
        );
        assert_eq!(needs(&post, "/admin/users"), Need::Role(Role::Admin));
        assert_eq!(needs(&Method::GET, "/admin/audit"), Need::Role(Role::Admin));
        assert_eq!(needs(&Method::GET, "/administer"), Need::Read);
        assert_eq!(needs(&Method::GET, "/threads/1"), Need::Read);
        assert_eq!(needs(&Method::GET, "/review"), Need::Role(Role::Analyst));
        assert_eq!(
            needs(&Method::GET, "/followups/3/edit"),
            Need::Role(Role::Analyst)
        );
        assert_eq!(
            needs(&Method::GET, "/threads/3/followups/new"),
            Need::Role(Role::Analyst)
        );
        assert_eq!(needs(&Method::GET, "/reviewers"), Need::Read);
        assert_eq!(needs(&Method::GET, "/static/app.css"), Need::Nothing);
        assert_eq!(needs(&post, "/static/app.css"), Need::Role(Role::Analyst));
        assert_eq!(needs(&post, "/login"), Need::Nothing);
        assert_eq!(needs(&post, "/logout"), Need::Role(Role::Viewer));
        assert_eq!(
            needs(&post, "/api/v1/threads/1/followups"),
            Need::Role(Role::Analyst)
        );
        assert_eq!(needs(&Method::GET, "/api/v1/threads"), Need::Read);
        assert_eq!(needs(&Method::GET, OPENAPI_PATH), Need::Nothing);
        assert!(is_api("/api/v1/threads") && !is_api("/apis"));
    }

    #[test]
    fn only_paths_on_this_site_are_followed_back() {
        assert!(safe_back("/threads/1?x=1"));
        assert!(!safe_back("//evil.example"));
        assert!(!safe_back("https://evil.example"));
        assert!(!safe_back("/\\evil"));
        assert!(!safe_back("/\t/evil.example"));
        assert!(!safe_back("/\n/evil.example"));
        assert!(!safe_back("/ /evil.example"));
    }
}
