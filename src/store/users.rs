//! Accounts and their sessions.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::StoreError;
use crate::analyst::accounts::Role;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
}

/// An account as read, before its role is checked.
struct Row {
    id: i64,
    name: String,
    role: String,
    created_at: DateTime<Utc>,
    disabled_at: Option<DateTime<Utc>>,
}

impl TryFrom<Row> for UserRow {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(UserRow {
            id: r.id,
            name: r.name,
            role: r.role.parse()?,
            created_at: r.created_at,
            disabled_at: r.disabled_at,
        })
    }
}

/// Creates an account; none when the name is taken.
pub async fn insert(
    conn: &mut PgConnection,
    name: &str,
    role: Role,
    password_hash: &str,
) -> Result<Option<UserRow>, StoreError> {
    sqlx::query_as!(
        Row,
        r#"
        INSERT INTO users (name, role, password_hash) VALUES ($1, $2, $3)
        ON CONFLICT (name) DO NOTHING
        RETURNING id, name, role, created_at, disabled_at
        "#,
        name,
        role.as_str(),
        password_hash
    )
    .fetch_optional(&mut *conn)
    .await?
    .map(UserRow::try_from)
    .transpose()
}

pub async fn list(conn: &mut PgConnection) -> Result<Vec<UserRow>, StoreError> {
    sqlx::query_as!(
        Row,
        "SELECT id, name, role, created_at, disabled_at FROM users ORDER BY name"
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(UserRow::try_from)
    .collect()
}

/// An account by name, with its password hash.
pub async fn by_name(
    conn: &mut PgConnection,
    name: &str,
) -> Result<Option<(UserRow, String)>, StoreError> {
    let row = sqlx::query!(
        "SELECT id, name, role, created_at, disabled_at, password_hash FROM users WHERE name = $1",
        name
    )
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        let user = UserRow::try_from(Row {
            id: r.id,
            name: r.name,
            role: r.role,
            created_at: r.created_at,
            disabled_at: r.disabled_at,
        })?;
        Ok((user, r.password_hash))
    })
    .transpose()
}

/// Sets an account's role; returns the account as it was (none when there is no such account).
pub async fn set_role(
    conn: &mut PgConnection,
    name: &str,
    role: Role,
) -> Result<Option<UserRow>, StoreError> {
    let Some((before, _)) = lock(conn, name).await? else {
        return Ok(None);
    };
    sqlx::query!(
        "UPDATE users SET role = $2 WHERE id = $1",
        before.id,
        role.as_str()
    )
    .execute(&mut *conn)
    .await?;
    Ok(Some(before))
}

/// Disables (or enables again) an account; a disabled account's sessions end at once.
/// Returns the account as it was.
pub async fn set_disabled(
    conn: &mut PgConnection,
    name: &str,
    disabled: bool,
) -> Result<Option<UserRow>, StoreError> {
    let Some((before, _)) = lock(conn, name).await? else {
        return Ok(None);
    };
    sqlx::query!(
        r#"
        UPDATE users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END
        WHERE id = $1
        "#,
        before.id,
        disabled
    )
    .execute(&mut *conn)
    .await?;
    if disabled {
        end_sessions_of(conn, before.id).await?;
    }
    Ok(Some(before))
}

/// Sets a new password; every session of the account ends.
pub async fn set_password(
    conn: &mut PgConnection,
    name: &str,
    password_hash: &str,
) -> Result<Option<UserRow>, StoreError> {
    let Some((before, _)) = lock(conn, name).await? else {
        return Ok(None);
    };
    sqlx::query!(
        "UPDATE users SET password_hash = $2 WHERE id = $1",
        before.id,
        password_hash
    )
    .execute(&mut *conn)
    .await?;
    end_sessions_of(conn, before.id).await?;
    Ok(Some(before))
}

async fn lock(
    conn: &mut PgConnection,
    name: &str,
) -> Result<Option<(UserRow, String)>, StoreError> {
    sqlx::query!("SELECT id FROM users WHERE name = $1 FOR UPDATE", name)
        .fetch_optional(&mut *conn)
        .await?;
    by_name(conn, name).await
}

/// Locks every admin's row, so that two changes of admins are checked one after the other
/// (two admins demoting each other at once must not both pass the last-admin check).
pub async fn lock_admins(conn: &mut PgConnection) -> Result<(), StoreError> {
    sqlx::query!("SELECT id FROM users WHERE role = 'admin' ORDER BY id FOR UPDATE")
        .fetch_all(&mut *conn)
        .await?;
    Ok(())
}

/// How many active admins there are (the last one may not be demoted or disabled).
pub async fn active_admins(conn: &mut PgConnection) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM users WHERE role = 'admin' AND disabled_at IS NULL"#
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// A live session and its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub csrf_token: String,
    pub last_seen: DateTime<Utc>,
}

/// Opens a session that expires after `idle_secs` without use, and after `absolute_secs`
/// whatever happens.
pub async fn create_session(
    conn: &mut PgConnection,
    token_hash: &[u8],
    user_id: i64,
    csrf_token: &str,
    idle_secs: f64,
    absolute_secs: f64,
) -> Result<(), StoreError> {
    sqlx::query!(
        r#"
        INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at)
        VALUES ($1, $2, $3, now() + make_interval(secs => least($4::float8, $5::float8)))
        "#,
        token_hash,
        user_id,
        csrf_token,
        idle_secs,
        absolute_secs
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The session of a token, if it is live and its account enabled.
pub async fn session(
    conn: &mut PgConnection,
    token_hash: &[u8],
) -> Result<Option<SessionRow>, StoreError> {
    let row = sqlx::query!(
        r#"
        SELECT s.user_id, u.name, u.role, s.csrf_token, s.last_seen
        FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.expires_at > now() AND u.disabled_at IS NULL
        "#,
        token_hash
    )
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(SessionRow {
            user_id: r.user_id,
            name: r.name,
            role: r.role.parse()?,
            csrf_token: r.csrf_token,
            last_seen: r.last_seen,
        })
    })
    .transpose()
}

/// Moves a session's idle expiry on (never past its absolute end).
pub async fn touch_session(
    conn: &mut PgConnection,
    token_hash: &[u8],
    idle_secs: f64,
    absolute_secs: f64,
) -> Result<(), StoreError> {
    sqlx::query!(
        r#"
        UPDATE sessions SET last_seen = now(),
            expires_at = least(now() + make_interval(secs => $2::float8),
                               created_at + make_interval(secs => $3::float8))
        WHERE token_hash = $1
        "#,
        token_hash,
        idle_secs,
        absolute_secs
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn end_session(conn: &mut PgConnection, token_hash: &[u8]) -> Result<(), StoreError> {
    sqlx::query!("DELETE FROM sessions WHERE token_hash = $1", token_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn end_sessions_of(conn: &mut PgConnection, user_id: i64) -> Result<(), StoreError> {
    sqlx::query!("DELETE FROM sessions WHERE user_id = $1", user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Removes sessions that have expired.
pub async fn end_expired(conn: &mut PgConnection) -> Result<u64, StoreError> {
    Ok(
        sqlx::query!("DELETE FROM sessions WHERE expires_at <= now()")
            .execute(&mut *conn)
            .await?
            .rows_affected(),
    )
}
