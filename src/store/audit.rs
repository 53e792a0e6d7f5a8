//! The audit log: every write by a person, with what it changed.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::PgConnection;

use super::StoreError;

/// Who made a write: an account, or the command line (`cli:<os user>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
}

impl Actor {
    pub fn user(id: i64, name: &str) -> Actor {
        Actor {
            user_id: Some(id),
            name: name.to_owned(),
        }
    }

    /// The command line, named after the operating-system account running it.
    pub fn command_line() -> Actor {
        let who = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| {
                nix::unistd::User::from_uid(nix::unistd::geteuid())
                    .ok()
                    .flatten()
                    .map_or_else(|| "unknown".to_owned(), |u| u.name)
            });
        Actor {
            user_id: None,
            name: format!("cli:{who}"),
        }
    }
}

/// Records one write. Call it in the write's own transaction, so that the entry and the
/// change land together or not at all.
pub async fn record(
    conn: &mut PgConnection,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<&str>,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Result<(), StoreError> {
    sqlx::query!(
        r#"
        INSERT INTO audit_log (user_id, actor, action, entity, entity_id, before, after)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        "#,
        actor.user_id,
        actor.name,
        action,
        entity,
        entity_id,
        before,
        after
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Which entries to list (every field optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Entries matching `filter`, newest first; one more than `limit` tells there are more.
pub async fn list(
    conn: &mut PgConnection,
    filter: &AuditFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    Ok(sqlx::query_as!(
        AuditRow,
        r#"
        SELECT id, at, actor, action, entity, entity_id, before, after
        FROM audit_log
        WHERE ($1::text IS NULL OR actor = $1)
          AND ($2::text IS NULL OR action = $2)
          AND ($3::text IS NULL OR entity = $3)
          AND ($4::text IS NULL OR entity_id = $4)
          AND ($5::date IS NULL OR at >= $5::date)
          AND ($6::date IS NULL OR at < $6::date + 1)
        ORDER BY at DESC, id DESC
        LIMIT $7 OFFSET $8
        "#,
        filter.actor,
        filter.action,
        filter.entity,
        filter.entity_id,
        filter.from,
        filter.to,
        limit,
        offset
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// The actors and actions that occur, for the filter's choices.
pub async fn choices(conn: &mut PgConnection) -> Result<(Vec<String>, Vec<String>), StoreError> {
    let actors = sqlx::query_scalar!(r#"SELECT DISTINCT actor AS "a!" FROM audit_log ORDER BY 1"#)
        .fetch_all(&mut *conn)
        .await?;
    let actions =
        sqlx::query_scalar!(r#"SELECT DISTINCT action AS "a!" FROM audit_log ORDER BY 1"#)
            .fetch_all(&mut *conn)
            .await?;
    Ok((actors, actions))
}
