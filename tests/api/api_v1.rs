//! The JSON API under `/api/v1`: every endpoint against its OpenAPI document, paging, JSON
//! errors, reading with `--login-to-read`, and writing follow-ups with an API token or a
//! session and its CSRF token.

use std::collections::BTreeSet;

use pledgeline::analyst::accounts::Role;
use pledgeline::analyst::manage;
use pledgeline::store::audit::Actor;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::analysts::{PASSWORD, add_user, trade_thread};
use crate::helpers::{TestApp, pledgeline};

/// A new API token of an account, through the command line as an administrator makes one.
fn token_from_cli(app: &TestApp, name: &str) -> String {
    let out = pledgeline()
        .args(["user", "token", name, "--database-url", &app.db.url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_eq!(token.len(), 64, "{token}");
    token
}

async fn api_token(app: &TestApp, name: &str) -> String {
    manage::new_api_token(&app.db.pool, &Actor::command_line(), name)
        .await
        .expect("token")
}

impl TestApp {
    /// A JSON request: (status, headers, body as JSON; `null` when the body is not JSON).
    async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut request = self
            .client
            .request(method, format!("{}{}", self.address, path));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        if let Some(b) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(b.to_string());
        }
        let r = request.send().await.expect("request");
        let status = r.status();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap();
        (
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::Null),
        )
    }

    async fn api_get(&self, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        self.api(reqwest::Method::GET, path, &[], None).await
    }
}

/// The schema the document gives for a response, with the document's components beside it
/// so that its `#/components/schemas/…` references resolve.
fn response_schema(doc: &Value, template: &str, method: &str, status: u16) -> Value {
    let response = &doc["paths"][template][method]["responses"][status.to_string()];
    assert!(
        response.is_object(),
        "the document has no {status} response for {method} {template}"
    );
    let mut schema = response["content"]["application/json"]["schema"].clone();
    assert!(
        schema.is_object(),
        "no JSON schema for {status} of {method} {template}"
    );
    schema["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    schema["components"] = doc["components"].clone();
    schema
}

/// Checks a body against the document's schema for that path, method and status.
fn check(doc: &Value, template: &str, method: &str, status: u16, body: &Value) {
    let schema = response_schema(doc, template, method, status);
    let validator = jsonschema::validator_for(&schema)
        .unwrap_or_else(|e| panic!("schema of {status} {method} {template}: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{status} {method} {template} does not match its schema: {errors:#?}\n{body:#}"
    );
}

fn is_error_body(body: &Value, status: StatusCode) -> bool {
    body["error"]["status"] == json!(status.as_u16())
        && body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
}

/// The `/api/v1` routes registered in `src/web/mod.rs`: (method, path).
fn registered_routes() -> BTreeSet<(String, String)> {
    let source = include_str!("../../src/web/mod.rs");
    let mut out = BTreeSet::new();
    for route in source.split(".route(").skip(1) {
        let Some(head) = route.split(".to(").next() else {
            continue;
        };
        let Some(path) = head.split('"').nth(1) else {
            continue;
        };
        if !path.starts_with("/api/v1") {
            continue;
        }
        let method = if head.contains("web::post()") {
            "post"
        } else if head.contains("read()") {
            "get"
        } else {
            panic!("a route of {path} that is neither read() nor web::post()")
        };
        out.insert((method.to_owned(), path.to_owned()));
    }
    assert!(out.len() >= 10, "found {} API routes", out.len());
    out
}

#[tokio::test]
async fn api_v1_every_endpoint_answers_as_its_openapi_document_says() {
    let app = TestApp::spawn_demo().await;
    let pool = &app.db.pool;
    add_user(pool, "ana", Role::Analyst).await;
    let token = api_token(&app, "ana").await;
    let thread = trade_thread(pool).await;

    let (status, _, doc) = app.api_get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{doc}"
    );
    check(&doc, "/api/v1/openapi.json", "get", 200, &doc);

    // Every /api/v1 route of the app is in the document, with its method, and no other.
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
                .map(|m| (m.clone(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(documented, registered_routes());

    // A follow-up through the API, so that the follow-up endpoints have something to show.
    let (status, headers, created) = app
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/threads/{thread}/followups"),
            &[("Authorization", &format!("Bearer {token}"))],
            Some(&json!({
                "status": "in_progress",
                "note": "Trade grew to **USD 25.7 billion** in 2012.",
                "evidence": [{"url": "https://stats.example/trade", "title": "Customs", "date": "2013-01-10", "excerpt": "25.7"}],
                "next_follow_up": "2016-01-31"
            })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    check(
        &doc,
        "/api/v1/threads/{id}/followups",
        "post",
        201,
        &created,
    );
    let followup = created["id"].as_i64().unwrap();
    assert_eq!(
        headers[reqwest::header::LOCATION],
        format!("/api/v1/followups/{followup}").as_str()
    );

    // Ids from the lists themselves.
    let (_, _, documents) = app.api_get("/api/v1/documents").await;
    let document = documents["data"][0]["id"].as_i64().unwrap();
    let (_, _, shown) = app.api_get(&format!("/api/v1/threads/{thread}")).await;
    let unit = shown["mentions"][0]["commitment_id"].as_i64().unwrap();

    // Every GET of the document, answering as documented: (template, address, status).
    let calls: Vec<(&str, String, u16)> = vec![
        ("/api/v1/openapi.json", "/api/v1/openapi.json".into(), 200),
        ("/api/v1/documents", "/api/v1/documents".into(), 200),
        (
            "/api/v1/documents",
            "/api/v1/documents?page=1&per_page=1".into(),
            200,
        ),
        (
            "/api/v1/documents",
            "/api/v1/documents?per_page=201".into(),
            400,
        ),
        ("/api/v1/documents", "/api/v1/documents?page=0".into(), 400),
        (
            "/api/v1/documents/{id}",
            format!("/api/v1/documents/{document}"),
            200,
        ),
        (
            "/api/v1/documents/{id}",
            "/api/v1/documents/987654321".into(),
            404,
        ),
        ("/api/v1/threads", "/api/v1/threads".into(), 200),
        (
            "/api/v1/threads",
            "/api/v1/threads?per_page=1&sort=mentions&as_of=2013-01-01".into(),
            200,
        ),
        (
            "/api/v1/threads",
            "/api/v1/threads?status=finished".into(),
            400,
        ),
        ("/api/v1/threads", "/api/v1/threads?topic=nope".into(), 400),
        (
            "/api/v1/threads/{id}",
            format!("/api/v1/threads/{thread}"),
            200,
        ),
        (
            "/api/v1/threads/{id}",
            format!("/api/v1/threads/{thread}?per_page=1&as_of=2012-12-31"),
            200,
        ),
        (
            "/api/v1/threads/{id}",
            format!("/api/v1/threads/{thread}?as_of=soon"),
            400,
        ),
        (
            "/api/v1/threads/{id}",
            "/api/v1/threads/987654321".into(),
            404,
        ),
        (
            "/api/v1/threads/{id}/followups",
            format!("/api/v1/threads/{thread}/followups"),
            200,
        ),
        (
            "/api/v1/threads/{id}/followups",
            "/api/v1/threads/987654321/followups".into(),
            404,
        ),
        (
            "/api/v1/followups/{id}",
            format!("/api/v1/followups/{followup}"),
            200,
        ),
        (
            "/api/v1/followups/{id}",
            "/api/v1/followups/987654321".into(),
            404,
        ),
        (
            "/api/v1/commitments/{id}",
            format!("/api/v1/commitments/{unit}"),
            200,
        ),
        (
            "/api/v1/commitments/{id}",
            "/api/v1/commitments/x".into(),
            404,
        ),
        (
            "/api/v1/search",
            "/api/v1/search?q=%E8%B4%B8%E6%98%93".into(),
            200,
        ),
        (
            "/api/v1/search",
            "/api/v1/search?q=%E8%B4%B8%E6%98%93&per_page=2&page=2".into(),
            200,
        ),
        ("/api/v1/search", "/api/v1/search".into(), 400),
    ];
    let mut answered = BTreeSet::new();
    for (template, address, expected) in &calls {
        let (status, headers, body) = app.api_get(address).await;
        assert_eq!(status.as_u16(), *expected, "GET {address}: {body}");
        assert!(
            headers[reqwest::header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "GET {address}"
        );
        check(&doc, template, "get", *expected, &body);
        if status.is_client_error() {
            assert!(is_error_body(&body, status), "GET {address}: {body}");
        }
        answered.insert(template.to_string());
    }
    let paths: BTreeSet<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(answered, paths, "every path of the document was called");

    // The checks are not vacuous: a body without a required field fails them.
    let (_, _, mut body) = app.api_get(&format!("/api/v1/threads/{thread}")).await;
    body.as_object_mut().unwrap().remove("status");
    let schema = response_schema(&doc, "/api/v1/threads/{id}", "get", 200);
    assert!(!jsonschema::validator_for(&schema).unwrap().is_valid(&body));
    body["status"] = json!("forgotten");
    assert!(!jsonschema::validator_for(&schema).unwrap().is_valid(&body));

    // What the bodies say.
    let (_, _, t) = app.api_get(&format!("/api/v1/threads/{thread}")).await;
    assert_eq!(t["id"], json!(thread));
    assert!(t["mention_count"].as_i64().unwrap() >= 2);
    let m = &t["mentions"][0];
    assert_eq!(m["relation"], "origin");
    assert!(m["quote"].as_str().unwrap().contains("400亿美元"), "{m}");
    assert!(m["document_title"].as_str().is_some() && m["date"].as_str().is_some());
    assert_eq!(t["followups"][0]["id"], json!(followup));
    assert_eq!(t["followups"][0]["latest"]["status"], "in_progress");
    assert_eq!(t["followups"][0]["created_by"], "ana");
    let (_, _, f) = app.api_get(&format!("/api/v1/followups/{followup}")).await;
    assert_eq!(f["versions"].as_array().unwrap().len(), 1);
    assert_eq!(f["latest"]["evidence"][0]["date"], "2013-01-10");
    let (_, _, c) = app.api_get(&format!("/api/v1/commitments/{unit}")).await;
    assert_eq!(c["thread"]["id"], json!(thread));
    assert_eq!(c["thread"]["position"], json!(0));
    let (_, _, d) = app
        .api_get(&format!("/api/v1/documents/{}", c["document"]["id"]))
        .await;
    assert!(
        d["units"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["id"] == json!(unit) && u["thread_id"] == json!(thread)),
        "the document lists the unit and its thread"
    );
    let (_, _, s) = app.api_get("/api/v1/search?q=%E8%B4%B8%E6%98%93").await;
    assert!(s["total"].as_i64().unwrap() >= 1, "{s}");
    assert!(
        s["data"][0]["text"].as_str().unwrap().contains("贸易"),
        "{s}"
    );
}

#[tokio::test]
async fn api_v1_lists_are_paged_with_next_links_and_errors_are_json() {
    let app = TestApp::spawn_demo().await;
    // Two documents, one a page: a next page, in the body and in the Link header.
    let (status, headers, first) = app.api_get("/api/v1/documents?per_page=1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["total"], json!(2));
    assert_eq!(first["total_exact"], json!(true));
    assert_eq!(first["per_page"], json!(1));
    let next = first["next"].as_str().expect("a next page").to_owned();
    assert_eq!(next, "/api/v1/documents?per_page=1&page=2");
    assert_eq!(
        headers[reqwest::header::LINK],
        format!("<{next}>; rel=\"next\"").as_str()
    );
    let (_, headers, second) = app.api_get(&next).await;
    assert_eq!(second["page"], json!(2));
    assert_eq!(second["next"], Value::Null);
    assert!(!headers.contains_key(reqwest::header::LINK));
    assert_ne!(first["data"][0]["id"], second["data"][0]["id"]);
    // The threads list pages the same way, keeping its filters.
    let (_, _, all) = app.api_get("/api/v1/threads?per_page=200").await;
    let n = all["data"].as_array().unwrap().len();
    assert!(n >= 3, "{all}");
    assert_eq!(all["total"], json!(n));
    let (_, _, one) = app
        .api_get("/api/v1/threads?sort=mentions&per_page=1")
        .await;
    assert_eq!(one["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        one["next"],
        json!("/api/v1/threads?sort=mentions&per_page=1&page=2")
    );
    let (_, _, last) = app
        .api_get(&format!(
            "/api/v1/threads?sort=mentions&per_page=1&page={n}"
        ))
        .await;
    assert_eq!(last["data"].as_array().unwrap().len(), 1);
    assert_eq!(last["next"], Value::Null);
    // Filters filter: every open thread is open.
    let (_, _, open) = app
        .api_get("/api/v1/threads?status=open&per_page=200")
        .await;
    assert!(
        open["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["status"] == "open")
    );
    // Errors are JSON, never an HTML page, for every kind of failure.
    for (address, status) in [
        ("/api/v1/nothing-here", StatusCode::NOT_FOUND),
        ("/api/v1/threads/abc", StatusCode::NOT_FOUND),
        ("/api/v1/documents?per_page=0", StatusCode::BAD_REQUEST),
        ("/api/v1/documents?page=-1", StatusCode::BAD_REQUEST),
        ("/api/v1/threads?page=x", StatusCode::BAD_REQUEST),
        ("/api/v1/threads?from=99", StatusCode::BAD_REQUEST),
        ("/api/v1/search?q=", StatusCode::BAD_REQUEST),
    ] {
        let (got, headers, body) = app.api_get(address).await;
        assert_eq!(got, status, "{address}");
        assert!(
            headers[reqwest::header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{address}"
        );
        assert!(is_error_body(&body, status), "{address}: {body}");
    }
    // A write to a read-only route, by an analyst: 404 JSON, not the HTML page.
    add_user(&app.db.pool, "ana", Role::Analyst).await;
    let token = api_token(&app, "ana").await;
    let (status, _, body) = app
        .api(
            reqwest::Method::DELETE,
            "/api/v1/documents/1",
            &[("Authorization", &format!("Bearer {token}"))],
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(is_error_body(&body, status), "{body}");
}

#[tokio::test]
async fn api_v1_reading_follows_login_to_read() {
    let app = TestApp::spawn_with(pledgeline::web::auth::AuthConfig {
        read_without_login: false,
        ..Default::default()
    })
    .await;
    let (status, headers, body) = app.api_get("/api/v1/threads").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "not a redirect to /login");
    assert_eq!(headers[reqwest::header::WWW_AUTHENTICATE], "Bearer");
    assert!(is_error_body(&body, status), "{body}");
    assert_eq!(app.api_get("/api/v1/documents").await.0, 401);
    // How the API works is no secret.
    assert_eq!(app.api_get("/api/v1/openapi.json").await.0, StatusCode::OK);
    // A viewer reads, by token or by session.
    add_user(&app.db.pool, "vera", Role::Viewer).await;
    let token = api_token(&app, "vera").await;
    let bearer = format!("Bearer {token}");
    let (status, _, body) = app
        .api(
            reqwest::Method::GET,
            "/api/v1/threads",
            &[("Authorization", &bearer)],
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let session = app.login("vera", PASSWORD).await;
    let (status, _, _) = app
        .api(
            reqwest::Method::GET,
            "/api/v1/documents",
            &[("Cookie", &session.cookie)],
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn api_v1_writes_need_an_analyst_with_a_token_or_a_session_and_its_csrf_token() {
    let app = TestApp::spawn_demo().await;
    let pool = &app.db.pool;
    add_user(pool, "vera", Role::Viewer).await;
    add_user(pool, "ana", Role::Analyst).await;
    let thread = trade_thread(pool).await;
    let path = format!("/api/v1/threads/{thread}/followups");
    let good = json!({"status": "fulfilled", "note": "Done."});
    let followups = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM followups")
            .fetch_one(pool)
            .await
            .unwrap()
    };
    let post = |headers: Vec<(&'static str, String)>, body: Value| {
        let app = &app;
        let path = path.clone();
        async move {
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.api(reqwest::Method::POST, &path, &headers, Some(&body))
                .await
        }
    };

    // Anonymous: 401, asking for a token.
    let (status, headers, body) = post(vec![], good.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers[reqwest::header::WWW_AUTHENTICATE], "Bearer");
    assert!(is_error_body(&body, status), "{body}");
    // Tokens that are not valid: 401, on reads too (never read as anonymous).
    for bad in [
        "Bearer 0123".to_owned(),
        format!("Bearer {}", "ab".repeat(32)),
        "Basic YW5hOnB3".to_owned(),
    ] {
        let (status, _, body) = post(vec![("Authorization", bad.clone())], good.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{bad}");
        assert!(is_error_body(&body, status), "{body}");
        let (status, _, _) = app
            .api(
                reqwest::Method::GET,
                "/api/v1/threads",
                &[("Authorization", &bad)],
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{bad}");
    }
    // A viewer's token, or a viewer's session with its CSRF token: 403.
    let viewer_token = api_token(&app, "vera").await;
    let (status, _, body) = post(
        vec![("Authorization", format!("Bearer {viewer_token}"))],
        good.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(is_error_body(&body, status), "{body}");
    let viewer = app.login("vera", PASSWORD).await;
    let (status, _, _) = post(
        vec![
            ("Cookie", viewer.cookie.clone()),
            ("X-CSRF-Token", viewer.csrf.clone()),
        ],
        good.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // An analyst's session without its CSRF token, or with another's: 403.
    let analyst = app.login("ana", PASSWORD).await;
    for csrf in [None, Some(viewer.csrf.clone())] {
        let mut headers = vec![("Cookie", analyst.cookie.clone())];
        if let Some(c) = csrf {
            headers.push(("X-CSRF-Token", c));
        }
        let (status, _, body) = post(headers, good.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(is_error_body(&body, status), "{body}");
    }
    assert_eq!(followups().await, 0, "no refused request wrote");

    // An analyst's session with its CSRF token: recorded.
    let (status, _, body) = post(
        vec![
            ("Cookie", analyst.cookie.clone()),
            ("X-CSRF-Token", analyst.csrf.clone()),
        ],
        good.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["latest"]["edited_by"], "ana");

    // An analyst's token from the command line, without any CSRF token: recorded, audited.
    let token = token_from_cli(&app, "ana");
    let bearer = format!("Bearer {token}");
    let (status, _, body) = post(
        vec![("Authorization", bearer.clone())],
        json!({"status": "partially_fulfilled", "evidence": [{"url": "https://a.example/x", "title": "A"}]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_i64().unwrap();
    assert_eq!(body["thread_id"], json!(thread));
    assert_eq!(body["latest"]["version"], json!(1));
    assert_eq!(body["latest"]["status"], "partially_fulfilled");
    let (actor, target): (String, Option<String>) = sqlx::query_as(
        "SELECT actor, entity_id FROM audit_log WHERE action = 'followup.create' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert!(actor.contains("ana"), "{actor}");
    assert_eq!(target, Some(id.to_string()));
    // Only the token's SHA-256 is stored; its use is noted.
    let hash = Sha256::digest(token.as_bytes()).to_vec();
    let (n, used): (i64, bool) = sqlx::query_as(
        "SELECT count(*), bool_and(last_used_at IS NOT NULL) FROM api_tokens WHERE token_hash = $1",
    )
    .bind(&hash)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!((n, used), (1, true));
    // The thread shows both follow-ups.
    let (_, _, list) = app.api_get(&path).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 2);

    // The same checks as the form: each refused with 422 (or 400 for a body that is not
    // a follow-up in JSON, 404 for no thread), nothing written.
    let before = followups().await;
    for (body, expected) in [
        (json!({"status": "fulfilled", "note": "  "}), 422),
        (json!({"status": "done", "note": "x"}), 422),
        (
            json!({"status": "fulfilled", "evidence": [{"url": "javascript:alert(1)", "title": "x"}]}),
            422,
        ),
        (
            json!({"status": "fulfilled", "note": "x".repeat(20_001)}),
            422,
        ),
        (json!({"status": "fulfilled", "note": "x", "extra": 1}), 400),
        (json!({"note": "x"}), 400),
        (json!("fulfilled"), 400),
    ] {
        let (status, _, answer) = post(vec![("Authorization", bearer.clone())], body.clone()).await;
        assert_eq!(status.as_u16(), expected, "{body}: {answer}");
        assert!(is_error_body(&answer, status), "{answer}");
    }
    let (status, _, _) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/threads/987654321/followups",
            &[("Authorization", &bearer)],
            Some(&good),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(followups().await, before);

    // A token counts under /api/ only: the form's route wants a session.
    let r = app
        .client
        .post(format!("{}/threads/{thread}/followups", app.address))
        .header("Authorization", &bearer)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("status=fulfilled&note=x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(followups().await, before);

    // Revoked tokens, and tokens of disabled accounts, stop working.
    let second = api_token(&app, "ana").await;
    let revoked = manage::revoke_api_tokens(pool, &Actor::command_line(), "ana")
        .await
        .unwrap();
    assert_eq!(revoked, 2);
    let (status, _, _) = post(vec![("Authorization", bearer.clone())], good.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let third = api_token(&app, "ana").await;
    manage::set_disabled(pool, &Actor::command_line(), "ana", true)
        .await
        .unwrap();
    for t in [second, third] {
        let (status, _, _) =
            post(vec![("Authorization", format!("Bearer {t}"))], good.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(followups().await, before);
}
