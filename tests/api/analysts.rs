//! Analysts over HTTP: logins and sessions, roles on every write route, CSRF, follow-ups and
//! their conflicts, XSS, link corrections that survive re-extraction and relinking, uploads
//! and the audit log.

use pledgeline::analyst::accounts::Role;
use pledgeline::analyst::manage;
use pledgeline::store::audit::Actor;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::{TestApp, corpus_of};

pub const PASSWORD: &str = "a long test password";

/// A logged-in browser: its session cookie and the session's CSRF token.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// The value of cookie `name` set by a response.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let first = v.split(';').next()?;
            let (k, value) = first.split_once('=')?;
            (k.trim() == name).then(|| value.trim().to_owned())
        })
}

/// The first `name="csrf" value="…"` of a page.
pub fn csrf_of(html: &str) -> Option<String> {
    let at = html.find(r#"name="csrf" value=""#)? + r#"name="csrf" value=""#.len();
    let end = html[at..].find('"')?;
    Some(html[at..at + end].to_owned())
}

pub async fn add_user(pool: &PgPool, name: &str, role: Role) {
    manage::add_user(pool, &Actor::command_line(), name, role, PASSWORD.into())
        .await
        .expect("add user");
}

impl TestApp {
    /// POSTs a form (with the cookie, when given); no redirects are followed.
    pub async fn post_form(
        &self,
        path: &str,
        cookie: Option<&str>,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let mut request = self
            .client
            .post(format!("{}{}", self.address, path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(c) = cookie {
            request = request.header("Cookie", c);
        }
        request.send().await.expect("request")
    }

    /// GETs a page with a cookie: (status, body).
    pub async fn page_as(&self, path: &str, cookie: &str) -> (u16, String) {
        let r = self
            .client
            .get(format!("{}{}", self.address, path))
            .header("Cookie", cookie)
            .send()
            .await
            .expect("request");
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// Logs in through the login form.
    pub async fn login(&self, name: &str, password: &str) -> Session {
        let form = self.get("/login").await;
        let login_cookie = set_cookie(&form, "pl_login").expect("login cookie");
        let token = csrf_of(&form.text().await.unwrap()).expect("login form token");
        let response = self
            .post_form(
                "/login",
                Some(&format!("pl_login={login_cookie}")),
                &[
                    ("name", name),
                    ("password", password),
                    ("csrf", &token),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "login of {name}");
        let session = set_cookie(&response, "pl_session").expect("session cookie");
        let cookie = format!("pl_session={session}");
        let (_, home) = self.page_as("/", &cookie).await;
        let csrf = csrf_of(&home).expect("the logout form carries the session's token");
        Session { cookie, csrf }
    }

    /// Undoes a link decision as `who` (no redirect followed).
    pub async fn undo(&self, who: &Session, decision: i64) -> reqwest::Response {
        self.post_form(
            &format!("/decisions/{decision}/undo"),
            Some(&who.cookie),
            &[("csrf", &who.csrf)],
        )
        .await
    }
}

/// The analyst `ana`, logged in, has rejected the link between the trade thread's first two
/// mentions: her session, and the thread's mentions before the rejection.
async fn ana_rejects_the_trade_link(app: &TestApp) -> (Session, Vec<i64>) {
    let pool = &app.db.pool;
    add_user(pool, "ana", Role::Analyst).await;
    let ana = app.login("ana", PASSWORD).await;
    let thread = trade_thread(pool).await;
    let trade = mentions_of(pool, thread).await;
    let r = app
        .post_form(
            "/review/reject",
            Some(&ana.cookie),
            &[
                ("csrf", &ana.csrf),
                ("a", &trade[0].to_string()),
                ("b", &trade[1].to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    (ana, trade)
}

/// The thread of the 2011 trade target (双边贸易额 … 400亿美元).
pub async fn trade_thread(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT m.thread_id FROM thread_mentions m JOIN commitments c ON c.id = m.commitment_id
         WHERE c.text LIKE '%400亿美元%' ORDER BY m.position LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .expect("the trade thread")
}

/// A thread's mentions, in order.
async fn mentions_of(pool: &PgPool, thread: i64) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT commitment_id FROM thread_mentions WHERE thread_id = $1 ORDER BY position",
    )
    .bind(thread)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// The thread a unit is a mention of.
async fn thread_of(pool: &PgPool, unit: i64) -> Option<i64> {
    sqlx::query_scalar("SELECT thread_id FROM thread_mentions WHERE commitment_id = $1")
        .bind(unit)
        .fetch_optional(pool)
        .await
        .unwrap()
}

async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Rows of every table analysts write.
async fn written(pool: &PgPool) -> Vec<i64> {
    let mut out = Vec::new();
    for t in [
        "users",
        "followups",
        "followup_versions",
        "thread_criteria",
        "link_decisions",
        "link_constraints",
        "documents",
    ] {
        out.push(count(pool, t).await);
    }
    out.push(
        sqlx::query_scalar(
            "SELECT count(*) FROM audit_log WHERE action NOT IN ('login', 'user.add')",
        )
        .fetch_one(pool)
        .await
        .unwrap(),
    );
    out
}

/// Every POST route of the app (read from `src/web/mod.rs`, so a new one is covered at
/// once), with its parameters filled in.
fn write_routes(thread: i64, followup: i64, decision: i64) -> Vec<String> {
    let source = include_str!("../../src/web/mod.rs");
    let mut out = Vec::new();
    for route in source.split(".route(").skip(1) {
        let Some(head) = route.split(".to(").next() else {
            continue;
        };
        if !head.contains("web::post()") {
            continue;
        }
        let Some(path) = head.split('"').nth(1) else {
            continue;
        };
        let filled = path
            .replace(
                "/threads/{id}/{action}",
                &format!("/threads/{thread}/detach"),
            )
            .replace("/threads/{id}", &format!("/threads/{thread}"))
            .replace("/followups/{id}", &format!("/followups/{followup}"))
            .replace("/decisions/{id}", &format!("/decisions/{decision}"))
            .replace("{verdict}", "reject")
            .replace("{name}", "someone")
            .replace("{change}", "disable");
        assert!(!filled.contains('{'), "fill in the parameters of {path}");
        out.push(filled);
    }
    assert!(out.len() >= 12, "found {} write routes", out.len());
    out
}

#[tokio::test]
async fn anonymous_and_viewer_requests_never_write_and_every_write_needs_a_valid_csrf_token() {
    let app = TestApp::spawn_demo().await;
    let pool = &app.db.pool;
    add_user(pool, "vera", Role::Viewer).await;
    add_user(pool, "ana", Role::Analyst).await;
    add_user(pool, "someone", Role::Analyst).await;
    let thread = trade_thread(pool).await;
    let analyst = app.login("ana", PASSWORD).await;
    // Something for the routes that name a follow-up or a decision.
    let r = app
        .post_form(
            &format!("/threads/{thread}/followups"),
            Some(&analyst.cookie),
            &[
                ("csrf", &analyst.csrf),
                ("status", "in_progress"),
                ("note", "first"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let followup: i64 = sqlx::query_scalar("SELECT max(id) FROM followups")
        .fetch_one(pool)
        .await
        .unwrap();
    let members = mentions_of(pool, thread).await;
    let r = app
        .post_form(
            "/review/accept",
            Some(&analyst.cookie),
            &[
                ("csrf", &analyst.csrf),
                ("a", &members[0].to_string()),
                ("b", &members[1].to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let decision: i64 = sqlx::query_scalar("SELECT max(id) FROM link_decisions")
        .fetch_one(pool)
        .await
        .unwrap();
    let viewer = app.login("vera", PASSWORD).await;
    let before = written(pool).await;
    let unit = members[1].to_string();
    let fields = |csrf: &str| -> Vec<(String, String)> {
        [
            ("csrf", csrf),
            ("status", "fulfilled"),
            ("note", "x"),
            ("criteria", "x"),
            ("a", &members[0].to_string()),
            ("b", &unit),
            ("unit", &unit),
            ("other", &thread.to_string()),
            ("name", "mallory"),
            ("role", "admin"),
            ("password", PASSWORD),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    for route in write_routes(thread, followup, decision) {
        if route == "/login" {
            continue;
        }
        // Anonymous: sent to the login page.
        let owned = fields("");
        let pairs: Vec<(&str, &str)> = owned
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = app.post_form(&route, None, &pairs).await;
        if route.starts_with("/api/") {
            // The JSON API answers 401 instead of sending a program to the login page.
            assert_eq!(
                r.status(),
                StatusCode::UNAUTHORIZED,
                "anonymous POST {route}"
            );
        } else {
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "anonymous POST {route}");
            let location = r.headers()[reqwest::header::LOCATION]
                .to_str()
                .unwrap()
                .to_owned();
            assert!(location.starts_with("/login"), "{route} → {location}");
        }
        // A viewer, with a valid token: forbidden (logout is every account's own).
        if route != "/logout" {
            let owned = fields(&viewer.csrf);
            let pairs: Vec<(&str, &str)> = owned
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let r = app.post_form(&route, Some(&viewer.cookie), &pairs).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "viewer POST {route}");
        }
        // An analyst without a token, or with a wrong one (or another session's): refused.
        for token in ["", "0000", viewer.csrf.as_str()] {
            let owned = fields(token);
            let pairs: Vec<(&str, &str)> = owned
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let r = app.post_form(&route, Some(&analyst.cookie), &pairs).await;
            assert_eq!(
                r.status(),
                StatusCode::FORBIDDEN,
                "analyst POST {route} with {token:?}"
            );
        }
    }
    // A viewer may not even open the admin pages; an analyst neither.
    for cookie in [&viewer.cookie, &analyst.cookie] {
        for page in ["/admin", "/admin/audit", "/admin/upload"] {
            assert_eq!(app.page_as(page, cookie).await.0, 403, "{page}");
        }
    }
    // The forms to write from are an analyst's: a viewer gets 403, anonymous the login page.
    for page in [
        "/review".to_owned(),
        format!("/followups/{followup}/edit"),
        format!("/threads/{thread}/followups/new"),
    ] {
        assert_eq!(app.page_as(&page, &viewer.cookie).await.0, 403, "{page}");
        assert_eq!(
            app.get(&page).await.status(),
            StatusCode::SEE_OTHER,
            "{page}"
        );
        assert_eq!(app.page_as(&page, &analyst.cookie).await.0, 200, "{page}");
    }
    // Signed-in pages are never stored by caches.
    let r = app
        .client
        .get(format!("{}/threads/{thread}", app.address))
        .header("Cookie", &analyst.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()[reqwest::header::CACHE_CONTROL],
        "private, no-store"
    );
    // Percent-encoded paths are the same paths: no way round the table.
    let r = app
        .post_form(
            "/%61dmin/users/ana/role",
            Some(&analyst.cookie),
            &[("csrf", &analyst.csrf), ("role", "admin")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    for page in ["/%61dmin/audit", "/%61dmin", "/%72eview"] {
        assert_eq!(
            app.get(page).await.status(),
            StatusCode::SEE_OTHER,
            "{page}"
        );
        assert_eq!(app.page_as(page, &viewer.cookie).await.0, 403, "{page}");
    }
    // The login page never sends anyone to another site afterwards.
    let form = app.get("/login?next=/%09/evil.example").await;
    let html = form.text().await.unwrap();
    assert!(
        html.contains(r#"name="next" value="/""#),
        "the address is refused"
    );
    assert_eq!(
        written(pool).await,
        before,
        "no refused request wrote anything"
    );
    // The sessions still work: the refusals did not end them.
    let (status, html) = app
        .page_as(&format!("/threads/{thread}"), &analyst.cookie)
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("ana"), "the header names the account");
}

#[tokio::test]
async fn login_rotates_the_session_logout_ends_it_and_expired_sessions_cannot_write() {
    let app = TestApp::spawn_demo().await;
    let pool = &app.db.pool;
    add_user(pool, "ana", Role::Analyst).await;
    // A wrong password, and an unknown account: the same refusal.
    for (name, password) in [("ana", "not the password"), ("nobody", PASSWORD)] {
        let form = app.get("/login").await;
        let c = set_cookie(&form, "pl_login").unwrap();
        let t = csrf_of(&form.text().await.unwrap()).unwrap();
        let r = app
            .post_form(
                "/login",
                Some(&format!("pl_login={c}")),
                &[("name", name), ("password", password), ("csrf", &t)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(set_cookie(&r, "pl_session").is_none());
    }
    // The login form's own token is required.
    let r = app
        .post_form(
            "/login",
            None,
            &[("name", "ana"), ("password", PASSWORD), ("csrf", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let first = app.login("ana", PASSWORD).await;
    let second = app.login("ana", PASSWORD).await;
    assert_ne!(
        first.cookie, second.cookie,
        "every login starts a new session"
    );
    // The session cookie is HttpOnly and SameSite.
    let form = app.get("/login").await;
    let c = set_cookie(&form, "pl_login").unwrap();
    let t = csrf_of(&form.text().await.unwrap()).unwrap();
    let r = app
        .post_form(
            "/login",
            Some(&format!("pl_login={c}; {}", first.cookie)),
            &[("name", "ana"), ("password", PASSWORD), ("csrf", &t)],
        )
        .await;
    let raw = r
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("pl_session="))
        .unwrap();
    assert!(
        raw.contains("HttpOnly") && raw.contains("SameSite=Lax"),
        "{raw}"
    );
    assert!(
        !raw.contains("Secure"),
        "plain HTTP: no Secure flag ({raw})"
    );
    // Served over HTTPS (behind a proxy that says so): the session cookie is Secure.
    let form = app
        .client
        .get(format!("{}/login", app.address))
        .header("X-Forwarded-Proto", "https")
        .send()
        .await
        .unwrap();
    let c = set_cookie(&form, "pl_login").unwrap();
    let t = csrf_of(&form.text().await.unwrap()).unwrap();
    let body = serde_urlencoded::to_string([("name", "ana"), ("password", PASSWORD), ("csrf", &t)])
        .unwrap();
    let r = app
        .client
        .post(format!("{}/login", app.address))
        .header("X-Forwarded-Proto", "https")
        .header("Cookie", format!("pl_login={c}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let secure = r
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("pl_session="))
        .unwrap();
    assert!(
        secure.contains("Secure") && secure.contains("HttpOnly"),
        "{secure}"
    );
    // Logging in again with the first session's cookie ended that session.
    let (_, html) = app.page_as("/", &first.cookie).await;
    assert!(html.contains("/login?next="), "the old session is gone");

    // Logout ends the session.
    let r = app
        .post_form("/logout", Some(&second.cookie), &[("csrf", &second.csrf)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page_as("/", &second.cookie).await;
    assert!(html.contains("/login?next="));

    // Expiry: a session past its end reads as anonymous and cannot write.
    let third = app.login("ana", PASSWORD).await;
    sqlx::query("UPDATE sessions SET expires_at = now() - interval '1 second'")
        .execute(pool)
        .await
        .unwrap();
    let thread = trade_thread(pool).await;
    let r = app
        .post_form(
            &format!("/threads/{thread}/followups"),
            Some(&third.cookie),
            &[
                ("csrf", &third.csrf),
                ("status", "fulfilled"),
                ("note", "late"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        r.headers()[reqwest::header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
    assert_eq!(count(pool, "followups").await, 0);

    // A disabled account's sessions end at once.
    let fourth = app.login("ana", PASSWORD).await;
    manage::set_disabled(pool, &Actor::command_line(), "ana", true)
        .await
        .unwrap();
    let (_, html) = app.page_as("/", &fourth.cookie).await;
    assert!(html.contains("/login?next="));
}

#[tokio::test]
async fn reading_can_require_a_login() {
    let app = TestApp::spawn_with(pledgeline::web::auth::AuthConfig {
        read_without_login: false,
        ..Default::default()
    })
    .await;
    add_user(&app.db.pool, "vera", Role::Viewer).await;
    let r = app.get("/threads").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()[reqwest::header::LOCATION],
        "/login?next=%2Fthreads"
    );
    assert_eq!(app.get("/login").await.status(), StatusCode::OK);
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    let viewer = app.login("vera", PASSWORD).await;
    assert_eq!(app.page_as("/threads", &viewer.cookie).await.0, 200);
}

#[tokio::test]
async fn follow_ups_are_versioned_and_the_second_of_two_concurrent_saves_gets_a_conflict() {
    let app = TestApp::spawn_demo().await;
    let pool = &app.db.pool;
    add_user(pool, "ana", Role::Analyst).await;
    add_user(pool, "bo", Role::Analyst).await;
    let thread = trade_thread(pool).await;
    let ana = app.login("ana", PASSWORD).await;
    let bo = app.login("bo", PASSWORD).await;
    let r = app
        .post_form(
            &format!("/threads/{thread}/followups"),
            Some(&ana.cookie),
            &[
                ("csrf", &ana.csrf),
                ("status", "in_progress"),
                ("note", "Trade rose to **$25.7bn** in 2012."),
                ("ev0_url", "https://example.org/customs-2012"),
                ("ev0_title", "Customs statistics 2012"),
                ("ev0_date", "2013-01-10"),
                ("ev0_excerpt", "中哈贸易额257亿美元"),
                ("next_follow_up", "2016-01-31"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let followup: i64 = sqlx::query_scalar("SELECT id FROM followups")
        .fetch_one(pool)
        .await
        .unwrap();
    // Both open the edit form at version 1.
    let (_, form_a) = app
        .page_as(&format!("/followups/{followup}/edit"), &ana.cookie)
        .await;
    let (_, form_b) = app
        .page_as(&format!("/followups/{followup}/edit"), &bo.cookie)
        .await;
    assert!(form_a.contains(r#"name="based_on" value="1""#));
    assert!(form_b.contains(r#"name="based_on" value="1""#));
    let edit = |session: &Session, note: &'static str, status: &'static str| {
        let csrf = session.csrf.clone();
        let cookie = session.cookie.clone();
        let app = &app;
        async move {
            app.post_form(
                &format!("/followups/{followup}"),
                Some(&cookie),
                &[
                    ("csrf", &csrf),
                    ("based_on", "1"),
                    ("status", status),
                    ("note", note),
                    ("ev0_url", "https://example.org/customs-2012"),
                    ("ev0_title", "Customs statistics 2012"),
                    ("ev0_date", "2013-01-10"),
                ],
            )
            .await
        }
    };
    let first = edit(&ana, "Ana's reading: partly met.", "partially_fulfilled").await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let second = edit(&bo, "Bo's reading: not met.", "not_fulfilled").await;
    assert_eq!(second.status(), StatusCode::CONFLICT);
    let page = second.text().await.unwrap();
    assert!(
        page.contains("Ana&#39;s reading: partly met.")
            || page.contains("Ana's reading: partly met."),
        "the newer version is shown"
    );
    assert!(
        page.contains("Bo&#39;s reading: not met.") || page.contains("Bo's reading: not met."),
        "what Bo typed is kept in the form"
    );
    assert!(
        page.contains(r#"name="based_on" value="2""#),
        "saving again starts from the newer version"
    );
    let versions: Vec<(i32, String)> =
        sqlx::query_as("SELECT v.version, v.note FROM followup_versions v ORDER BY version")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(versions.len(), 2, "nothing overwritten: {versions:?}");
    assert_eq!(versions[0].1, "Trade rose to **$25.7bn** in 2012.");
    assert_eq!(versions[1].1, "Ana's reading: partly met.");

    // The thread page: the newest version, its compliance score, its history, its mark.
    let (_, html) = app.page(&format!("/threads/{thread}")).await;
    assert!(html.contains("Partially fulfilled"));
    assert!(html.contains("0: partial compliance or work in progress"));
    assert!(html.contains("followup-mark"), "a star on the timeline");
    assert!(html.contains(&format!(r##"href="#f{followup}""##)));
    assert!(html.contains("version 2, ana"));

    // Criteria: the same version check.
    let save = |session: &Session, text: &'static str| {
        let (csrf, cookie, app) = (session.csrf.clone(), session.cookie.clone(), &app);
        async move {
            app.post_form(
                &format!("/threads/{thread}/criteria"),
                Some(&cookie),
                &[("csrf", &csrf), ("based_on", "0"), ("criteria", text)],
            )
            .await
        }
    };
    assert_eq!(
        save(&ana, "Trade of USD 40 bn in 2015.").await.status(),
        StatusCode::SEE_OTHER
    );
    let late = save(&bo, "Trade reported at 40 bn.").await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    let page = late.text().await.unwrap();
    assert!(
        page.contains("Trade of USD 40 bn in 2015.") && page.contains("Trade reported at 40 bn.")
    );
    assert_eq!(count(pool, "thread_criteria").await, 1);

    // The audit log has every write with before and after.
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE before IS NOT NULL OR after IS NOT NULL ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for a in ["followup.create", "followup.edit", "criteria.edit"] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
    let (before, after): (serde_json::Value, serde_json::Value) =
        sqlx::query_as("SELECT before, after FROM audit_log WHERE action = 'followup.edit'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(before["content"]["status"], "in_progress");
    assert_eq!(after["content"]["status"], "partially_fulfilled");
}

#[tokio::test]
async fn script_in_notes_evidence_and_addresses_is_neutralised() {
    let app = TestApp::spawn_demo().await;
    let pool = &app.db.pool;
    add_user(pool, "ana", Role::Analyst).await;
    let thread = trade_thread(pool).await;
    let ana = app.login("ana", PASSWORD).await;
    // A javascript: address is refused, with the reason, and nothing is stored.
    for url in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
    ] {
        let r = app
            .post_form(
                &format!("/threads/{thread}/followups"),
                Some(&ana.cookie),
                &[
                    ("csrf", &ana.csrf),
                    ("status", "unclear"),
                    ("note", "n"),
                    ("ev0_url", url),
                    ("ev0_title", "t"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        assert!(r.text().await.unwrap().contains("http:// or https://"));
    }
    assert_eq!(count(pool, "followups").await, 0);
    let r = app
        .post_form(
            &format!("/threads/{thread}/followups"),
            Some(&ana.cookie),
            &[
                ("csrf", &ana.csrf),
                ("status", "unclear"),
                ("note", "<script>alert('note')</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)>"),
                ("ev0_url", "https://example.org/?q=\"><script>alert(4)</script>"),
                ("ev0_title", "<script>alert('title')</script>"),
                ("ev0_excerpt", "<b onmouseover=alert(5)>x</b>"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&format!("/threads/{thread}")).await;
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script>alert"), "no script element");
    assert!(!lower.contains("<img src=x"), "no image element");
    assert!(
        !lower.contains("<b onmouseover"),
        "no raw element from the excerpt"
    );
    assert!(!lower.contains("href=\"javascript"), "no script link");
    assert!(
        lower.contains("&lt;script&gt;alert("),
        "the title shows as text"
    );
}

#[tokio::test]
async fn corrections_and_annotations_survive_re_extraction_and_relinking() {
    let app = TestApp::spawn_demo().await;
    let pool = &app.db.pool;
    add_user(pool, "ana", Role::Analyst).await;
    let ana = app.login("ana", PASSWORD).await;
    let thread = trade_thread(pool).await;
    let members = |t: i64| mentions_of(pool, t);
    let thread_of = |u: i64| thread_of(pool, u);
    // Annotations.
    let r = app
        .post_form(
            &format!("/threads/{thread}/followups"),
            Some(&ana.cookie),
            &[
                ("csrf", &ana.csrf),
                ("status", "in_progress"),
                ("note", "kept"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.post_form(
        &format!("/threads/{thread}/criteria"),
        Some(&ana.cookie),
        &[
            ("csrf", &ana.csrf),
            ("based_on", "0"),
            ("criteria", "USD 40 bn of trade in 2015"),
        ],
    )
    .await;
    let trade = members(thread).await;
    assert!(trade.len() >= 2, "{trade:?}");

    // Corrections, each checked as it is made.
    // 1. A multi-mention thread other than the trade one: reject its first machine link.
    let (other, a, b): (i64, i64, i64) = sqlx::query_as(
        "SELECT thread_id, linked_from, commitment_id FROM thread_mentions
         WHERE linked_from IS NOT NULL AND thread_id <> $1 ORDER BY score, commitment_id LIMIT 1",
    )
    .bind(thread)
    .fetch_one(pool)
    .await
    .expect("another machine link");
    let r = app
        .post_form(
            "/review/reject",
            Some(&ana.cookie),
            &[
                ("csrf", &ana.csrf),
                ("a", &a.to_string()),
                ("b", &b.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let apart = |x: Option<i64>, y: Option<i64>| x.is_none() || y.is_none() || x != y;
    assert!(
        apart(thread_of(a).await, thread_of(b).await),
        "the rejected link's ends are apart"
    );
    // 2. Accept the trade thread's link.
    let r = app
        .post_form(
            "/review/accept",
            Some(&ana.cookie),
            &[
                ("csrf", &ana.csrf),
                ("a", &trade[0].to_string()),
                ("b", &trade[1].to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // 3. Link two unrelated units by hand (two pledges of different threads or none).
    let (x, y): (i64, i64) = sqlx::query_as(
        "SELECT c1.id, c2.id FROM commitments c1 JOIN commitments c2 ON c2.document_id <> c1.document_id
         WHERE c1.kind = 'commitment' AND c2.kind = 'commitment' AND c1.id < c2.id
           AND NOT EXISTS (SELECT 1 FROM thread_mentions m1 JOIN thread_mentions m2 ON m1.thread_id = m2.thread_id
                           WHERE m1.commitment_id = c1.id AND m2.commitment_id = c2.id)
           AND c1.id <> ALL($1) AND c2.id <> ALL($1) AND c1.id NOT IN ($2, $3) AND c2.id NOT IN ($2, $3)
         ORDER BY c1.id, c2.id LIMIT 1",
    )
    .bind(&trade)
    .bind(a)
    .bind(b)
    .fetch_one(pool)
    .await
    .expect("two unlinked pledges");
    let r = app
        .post_form(
            "/links",
            Some(&ana.cookie),
            &[
                ("csrf", &ana.csrf),
                ("a", &x.to_string()),
                ("b", &y.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(thread_of(x).await, thread_of(y).await);
    assert!(thread_of(x).await.is_some());
    // A contradicting decision is refused, naming the earlier one.
    let r = app
        .post_form(
            "/review/reject",
            Some(&ana.cookie),
            &[
                ("csrf", &ana.csrf),
                ("a", &x.to_string()),
                ("b", &y.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("Undo that decision first"));

    let snapshot = || async {
        (
            thread_of(a).await,
            thread_of(b).await,
            thread_of(x).await,
            thread_of(y).await,
            thread_of(trade[0]).await,
            thread_of(trade[1]).await,
        )
    };
    let before = snapshot().await;
    let followups_before: Vec<(i64, i64)> = sqlx::query_as("SELECT id, thread_id FROM followups")
        .fetch_all(pool)
        .await
        .unwrap();

    // Re-extract every document (units keep their ids), then relink everything from scratch.
    let corpus = corpus_of(pool);
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM documents ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap();
    for id in ids {
        corpus
            .reextract(pledgeline::store::DocumentId(id))
            .await
            .expect("re-extracts");
    }
    corpus.link_pending().await.expect("links");
    corpus.relink().await.expect("relinks");
    let after = snapshot().await;

    assert!(
        apart(after.0, after.1),
        "the rejected link stays rejected: {after:?}"
    );
    assert!(
        after.2.is_some() && after.2 == after.3,
        "the hand-made link holds: {after:?}"
    );
    assert!(
        after.4.is_some() && after.4 == after.5,
        "the accepted link holds: {after:?}"
    );
    assert_eq!(before, after, "relinking gives the corrected threads again");
    let followups_after: Vec<(i64, i64)> = sqlx::query_as("SELECT id, thread_id FROM followups")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(followups_before, followups_after);
    assert_eq!(after.4, Some(thread), "the trade thread keeps its id");
    let (_, html) = app.page(&format!("/threads/{thread}")).await;
    assert!(html.contains("kept") && html.contains("USD 40 bn of trade in 2015"));
    assert_eq!(count(pool, "link_decisions").await, 3);
    let _ = other;
}

#[tokio::test]
async fn detach_split_merge_and_undo_change_the_threads_at_once() {
    let app = TestApp::spawn_demo().await;
    let pool = &app.db.pool;
    add_user(pool, "ana", Role::Analyst).await;
    let ana = app.login("ana", PASSWORD).await;
    let thread = trade_thread(pool).await;
    let members = |t: i64| mentions_of(pool, t);
    let trade = members(thread).await;
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let (csrf, cookie, app) = (ana.csrf.clone(), ana.cookie.clone(), &app);
        async move {
            let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
            all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            app.post_form(&path, Some(&cookie), &all).await
        }
    };
    // Detach the second mention: the thread loses it.
    let r = post(
        format!("/threads/{thread}/detach"),
        vec![("unit", trade[1].to_string())],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(!members(thread).await.contains(&trade[1]));
    // Undo: it comes back.
    let detach: i64 = sqlx::query_scalar("SELECT max(id) FROM link_decisions")
        .fetch_one(pool)
        .await
        .unwrap();
    let r = post(format!("/decisions/{detach}/undo"), vec![]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(members(thread).await, trade);
    // Split at the second mention: two threads.
    let r = post(
        format!("/threads/{thread}/split"),
        vec![("unit", trade[1].to_string())],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let first = members(thread).await;
    assert!(first.contains(&trade[0]) && !first.contains(&trade[1]));
    let second: i64 =
        sqlx::query_scalar("SELECT thread_id FROM thread_mentions WHERE commitment_id = $1")
            .bind(trade[1])
            .fetch_one(pool)
            .await
            .expect("the split-off part is a thread");
    // A follow-up on the split-off thread.
    let r = post(
        format!("/threads/{second}/followups"),
        vec![
            ("status", "unclear".into()),
            ("note", "on the split-off part".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Merging the two parts contradicts the split: refused, naming it.
    let split: i64 = sqlx::query_scalar("SELECT id FROM link_decisions WHERE kind = 'split'")
        .fetch_one(pool)
        .await
        .unwrap();
    let r = post(
        format!("/threads/{thread}/merge"),
        vec![("other", second.to_string())],
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains(&format!("decision {split}"))
    );
    // Undo the split: one thread again, under the older id.
    assert_eq!(
        post(format!("/decisions/{split}/undo"), vec![])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(members(thread).await, trade);
    // The split-off thread is retired; its address and its follow-up lead to the merged one.
    let retired: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT retired_at FROM threads WHERE id = $1")
            .bind(second)
            .fetch_one(pool)
            .await
            .unwrap();
    assert!(retired.is_some());
    let r = app.get(&format!("/threads/{second}")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()[reqwest::header::LOCATION],
        format!("/threads/{thread}").as_str()
    );
    let (_, html) = app
        .page_as(&format!("/threads/{thread}"), &ana.cookie)
        .await;
    assert!(
        html.contains("on the split-off part"),
        "the follow-up is not lost"
    );
    for listed in ["Thread split", "Mention detached", "undone by"] {
        assert!(
            html.contains(listed),
            "{listed} is in the thread's decisions"
        );
    }
    // Merge two other threads by hand: the mentions of both end in one.
    let pair: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM threads WHERE retired_at IS NULL AND id <> $1 ORDER BY id LIMIT 2",
    )
    .bind(thread)
    .fetch_all(pool)
    .await
    .unwrap();
    let both: Vec<i64> = [members(pair[0]).await, members(pair[1]).await].concat();
    let r = post(
        format!("/threads/{}/merge", pair[0]),
        vec![("other", pair[1].to_string())],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let holder: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT thread_id FROM thread_mentions WHERE commitment_id = ANY($1)",
    )
    .bind(&both)
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(holder.len(), 1, "one thread holds both threads' mentions");
    let (_, html) = app.page(&format!("/threads/{}", holder[0])).await;
    assert!(html.contains("Threads merged"));
    // A mistyped thread number: a 400 page in the reader's language, still signed in.
    let r = app
        .post_form(
            &format!("/threads/{thread}/merge"),
            Some(&format!("{}; lang=zh", ana.cookie)),
            &[("csrf", &ana.csrf), ("other", "abc")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("请求有误") && page.contains("ana") && page.contains("退出"),
        "{page}"
    );
}

/// A multipart body of files: (content type, body).
fn multipart(files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "pledgeline-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn admins_upload_documents_manage_accounts_and_read_the_audit_log() {
    let app = TestApp::spawn().await;
    let pool = &app.db.pool;
    add_user(pool, "root", Role::Admin).await;
    add_user(pool, "ana", Role::Analyst).await;
    let admin = app.login("root", PASSWORD).await;
    let seed = std::fs::read(crate::helpers::sample(crate::helpers::SEED_2011)).unwrap();
    let (content_type, body) = multipart(&[
        ("statement-2011.txt", &seed),
        ("broken.txt", "〖BT/标题〗没有结束".as_bytes()),
        ("empty.txt", b""),
    ]);
    let upload = |token: String| {
        let (content_type, body, cookie, app) = (
            content_type.clone(),
            body.clone(),
            admin.cookie.clone(),
            &app,
        );
        async move {
            app.client
                .post(format!("{}/admin/upload?csrf={token}", app.address))
                .header("Cookie", cookie)
                .header("Content-Type", content_type)
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    // Without the token in the address, a multipart post is refused like any other.
    assert_eq!(upload(String::new()).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(pool, "documents").await, 0);
    let r = upload(admin.csrf.clone()).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "some files failed"
    );
    let html = r.text().await.unwrap();
    assert!(
        html.contains("statement-2011.txt") && html.contains("1 new"),
        "{html}"
    );
    assert!(html.contains("broken.txt") && html.contains("empty.txt"));
    assert!(
        html.matches("class=\"failed\"").count() == 2,
        "each bad file is listed with its reason"
    );
    assert!(html.contains("ingested 1, unchanged 0, failed 2"), "{html}");
    assert_eq!(
        count(pool, "documents").await,
        1,
        "the good file landed, the bad ones did not"
    );
    assert!(count(pool, "threads").await > 0, "and it was linked");

    // Accounts through the page.
    let r = app
        .post_form(
            "/admin/users",
            Some(&admin.cookie),
            &[
                ("csrf", &admin.csrf),
                ("name", "vera"),
                ("role", "viewer"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            "/admin/users/vera/role",
            Some(&admin.cookie),
            &[("csrf", &admin.csrf), ("role", "analyst")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            "/admin/users/ana/disable",
            Some(&admin.cookie),
            &[("csrf", &admin.csrf)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            "/admin/users/root/disable",
            Some(&admin.cookie),
            &[("csrf", &admin.csrf)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("last administrator"));
    let (_, page) = app.page_as("/admin", &admin.cookie).await;
    assert!(page.contains("vera") && page.contains("disabled"));

    // The audit log: every write, filtered.
    let (status, log) = app.page_as("/admin/audit", &admin.cookie).await;
    assert_eq!(status, 200);
    for action in [
        "documents.upload",
        "user.add",
        "user.role",
        "user.disable",
        "login",
    ] {
        assert!(
            log.contains(&format!("data-action=\"{action}\"")),
            "{action} is logged"
        );
    }
    let (_, filtered) = app
        .page_as("/admin/audit?action=user.role&actor=root", &admin.cookie)
        .await;
    // (The filter's choices list every action; the rows are the table cells.)
    assert!(
        filtered.contains(r#"data-action="user.role""#)
            && !filtered.contains(r#"data-action="documents.upload""#)
    );
    let cells: Vec<&str> = filtered.split("<code class=\"json\">").skip(1).collect();
    assert!(
        cells.len() == 2,
        "before and after of one change: {filtered}"
    );
    assert!(
        cells[0].contains("viewer") && cells[1].contains("analyst"),
        "{cells:?}"
    );
    let (status, _) = app
        .page_as("/admin/audit?from=yesterday", &admin.cookie)
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_new_document_never_merges_what_an_analyst_held_apart() {
    let app = TestApp::spawn_demo().await;
    let pool = &app.db.pool;
    let (ana, trade) = ana_rejects_the_trade_link(&app).await;
    let thread_of = |u: i64| thread_of(pool, u);
    assert_ne!(thread_of(trade[0]).await, thread_of(trade[1]).await);
    // A later communiqué restating the 2012 text (a year on): its trade sentence links to both
    // the 2011 and the 2012 statements, which would join them again.
    let later = std::fs::read_to_string(crate::helpers::sample(crate::helpers::SEED_2012))
        .unwrap()
        .replace("20120403", "20130403")
        .replace("二○一二年三月三十一日", "二○一三年三月三十一日")
        .replace(
            "中哈总理第一次定期会晤联合公报",
            "中哈总理第二次定期会晤联合公报",
        );
    let corpus = corpus_of(pool);
    corpus
        .ingest_bytes("later.txt", later.into_bytes())
        .await
        .expect("ingests");
    let linked = corpus.link_pending().await.expect("links");
    assert!(!linked.relinked, "linked incrementally: {linked}");
    let (a, b) = (thread_of(trade[0]).await, thread_of(trade[1]).await);
    assert!(a.is_some() && b.is_some());
    assert_ne!(
        a, b,
        "the rejected link stays rejected after a new document"
    );
    // And without the decision, the same document would have joined them: undo it and relink.
    let decision: i64 = sqlx::query_scalar("SELECT id FROM link_decisions")
        .fetch_one(pool)
        .await
        .unwrap();
    let r = app.undo(&ana, decision).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    corpus.relink().await.expect("relinks");
    assert_eq!(
        thread_of(trade[0]).await,
        thread_of(trade[1]).await,
        "the decision was what kept them apart"
    );
}

#[tokio::test]
async fn a_decision_follows_its_mention_when_re_extraction_changes_the_mentions_span() {
    let app = TestApp::spawn_demo().await;
    let pool = &app.db.pool;
    let (ana, trade) = ana_rejects_the_trade_link(&app).await;
    // An extractor that cuts the mention one character shorter: the old unit is retired and a
    // new one (a new id) stands in its place, as `pledgeline extract` does with changed spans.
    let successor: i64 = sqlx::query_scalar(
        "INSERT INTO commitments (document_id, span_start, span_end, sentence_start, sentence_end,
             ordinal, block_seq, text, analysis_text, kind, modality, confidence, actors, topic,
             deadline, keys, keywords, terms, search, attributes, extractor)
         SELECT document_id, span_start, span_end - 1, sentence_start, sentence_end, ordinal,
             block_seq, text, analysis_text, kind, modality, confidence, actors, topic, deadline,
             keys, keywords, terms, search, attributes, extractor
         FROM commitments WHERE id = $1
         RETURNING id",
    )
    .bind(trade[1])
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("UPDATE commitments SET retired_at = now() WHERE id = $1")
        .bind(trade[1])
        .execute(pool)
        .await
        .unwrap();
    let thread_of = |u: i64| thread_of(pool, u);
    let corpus = corpus_of(pool);
    corpus.relink().await.expect("relinks");
    let (first, second) = (thread_of(trade[0]).await, thread_of(successor).await);
    assert!(first.is_some() && second.is_some(), "{first:?} {second:?}");
    assert_ne!(
        first, second,
        "the rejection holds for the mention's new unit"
    );
    // Undone, the same relink joins them: the decision is what kept them apart.
    let decision: i64 = sqlx::query_scalar("SELECT id FROM link_decisions")
        .fetch_one(pool)
        .await
        .unwrap();
    let r = app.undo(&ana, decision).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    corpus.relink().await.expect("relinks");
    assert_eq!(thread_of(trade[0]).await, thread_of(successor).await);
}

#[tokio::test]
async fn repeated_failed_logins_are_refused_for_a_while_without_checking_the_password() {
    let app = TestApp::spawn().await;
    add_user(&app.db.pool, "ana", Role::Analyst).await;
    add_user(&app.db.pool, "bo", Role::Analyst).await;
    let attempt = |name: &'static str, password: &'static str| {
        let app = &app;
        async move {
            let form = app.get("/login").await;
            let c = set_cookie(&form, "pl_login").unwrap();
            let t = csrf_of(&form.text().await.unwrap()).unwrap();
            app.post_form(
                "/login",
                Some(&format!("pl_login={c}")),
                &[("name", name), ("password", password), ("csrf", &t)],
            )
            .await
        }
    };
    for _ in 0..pledgeline::web::auth::Throttle::PER_NAME {
        assert_eq!(
            attempt("ana", "a wrong guess!").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Now even the right password is refused, with how long to wait.
    let r = attempt("ana", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers()[reqwest::header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= 15 * 60, "{wait}");
    assert!(r.text().await.unwrap().contains("Too many failed logins"));
    assert!(set_cookie(&attempt("ana", PASSWORD).await, "pl_session").is_none());
    // Another account from the same address is not held up.
    assert_eq!(
        attempt("bo", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}
