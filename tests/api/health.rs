use crate::helpers::TestApp;

#[tokio::test]
async fn healthz_reports_the_database() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn healthz_is_unavailable_without_the_database() {
    let app = TestApp::spawn().await;
    app.db.pool.close().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status().as_u16(), 503);
}
