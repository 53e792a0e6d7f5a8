use std::time::Duration;

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::AppState;

/// How long a health check waits for the database before calling it unavailable.
const DATABASE_DEADLINE: Duration = Duration::from_secs(2);

/// `GET /healthz`: 200 when the database answers within two seconds, 503 otherwise.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let probe = sqlx::query_scalar!(r#"SELECT 1 AS "one!""#).fetch_one(&state.pool);
    match tokio::time::timeout(DATABASE_DEADLINE, probe)
        .await
        .map_err(|_| sqlx::Error::PoolTimedOut)
        .and_then(|r| r)
    {
        Ok(_) => HttpResponse::Ok().json(json!({"status": "ok", "database": "ok"})),
        Err(e) => {
            tracing::warn!("health check: database unavailable: {e}");
            HttpResponse::ServiceUnavailable()
                .json(json!({"status": "unavailable", "database": "unavailable"}))
        }
    }
}
