//! API tokens: what a program sends as `Authorization: Bearer …`. Only their SHA-256 is kept.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::StoreError;
use crate::analyst::accounts::Role;

/// A live token (not revoked) and its enabled account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Stores a new token of an account; returns its id.
pub async fn create(
    conn: &mut PgConnection,
    token_hash: &[u8],
    user_id: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar!(
        "INSERT INTO api_tokens (token_hash, user_id) VALUES ($1, $2) RETURNING id",
        token_hash,
        user_id
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// The token with this hash, if it is not revoked and its account is enabled.
pub async fn by_hash(
    conn: &mut PgConnection,
    token_hash: &[u8],
) -> Result<Option<TokenRow>, StoreError> {
    let row = sqlx::query!(
        r#"
        SELECT t.id, t.user_id, u.name, u.role, t.last_used_at
        FROM api_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL
        "#,
        token_hash
    )
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(TokenRow {
            id: r.id,
            user_id: r.user_id,
            name: r.name,
            role: r.role.parse()?,
            last_used_at: r.last_used_at,
        })
    })
    .transpose()
}

/// Notes that a token was used now.
pub async fn touch(conn: &mut PgConnection, id: i64) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE api_tokens SET last_used_at = now() WHERE id = $1",
        id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Revokes every live token of an account; returns how many.
pub async fn revoke_all_of(conn: &mut PgConnection, user_id: i64) -> Result<u64, StoreError> {
    Ok(sqlx::query!(
        "UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
        user_id
    )
    .execute(&mut *conn)
    .await?
    .rows_affected())
}
