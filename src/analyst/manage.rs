//! Account operations shared by the command line (`pledgeline user …`) and the admin pages:
//! each checks its input, writes in one transaction and records itself in the audit log.

use serde_json::json;
use sqlx::PgPool;

use super::accounts::{self, AccountError, Role, UserName};
use crate::store::{self, StoreError, audit::Actor, users::UserRow};

#[derive(Debug, thiserror::Error)]
pub enum ManageError {
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error("there is already an account named {0}")]
    Exists(String),
    #[error("there is no account named {0}")]
    NoSuchUser(String),
    #[error("{0} is the last administrator: make another account admin first")]
    LastAdmin(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ManageError {
    fn from(e: sqlx::Error) -> Self {
        ManageError::Store(e.into())
    }
}

fn shown(u: &UserRow) -> serde_json::Value {
    json!({"name": u.name, "role": u.role, "disabled": u.disabled_at.is_some()})
}

/// Hashes a password off the async threads (it takes a core for a moment).
async fn hash(password: String) -> Result<String, ManageError> {
    Ok(
        tokio::task::spawn_blocking(move || accounts::hash_password(&password))
            .await
            .map_err(|e| AccountError::Hash(e.to_string()))??,
    )
}

/// Creates an account.
pub async fn add_user(
    pool: &PgPool,
    actor: &Actor,
    name: &str,
    role: Role,
    password: String,
) -> Result<UserRow, ManageError> {
    let name = UserName::parse(name)?;
    let hash = hash(password).await?;
    let mut tx = pool.begin().await?;
    let user = store::users::insert(&mut tx, name.as_str(), role, &hash)
        .await?
        .ok_or_else(|| ManageError::Exists(name.to_string()))?;
    store::audit::record(
        &mut tx,
        actor,
        "user.add",
        "user",
        Some(&user.name),
        None,
        Some(&shown(&user)),
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

/// Sets a new password (every session of the account ends).
pub async fn set_password(
    pool: &PgPool,
    actor: &Actor,
    name: &str,
    password: String,
) -> Result<(), ManageError> {
    let hash = hash(password).await?;
    let mut tx = pool.begin().await?;
    store::users::set_password(&mut tx, name, &hash)
        .await?
        .ok_or_else(|| ManageError::NoSuchUser(name.to_owned()))?;
    store::audit::record(
        &mut tx,
        actor,
        "user.password",
        "user",
        Some(name),
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes an account's role. The last enabled admin keeps theirs.
pub async fn set_role(
    pool: &PgPool,
    actor: &Actor,
    name: &str,
    role: Role,
) -> Result<UserRow, ManageError> {
    let mut tx = pool.begin().await?;
    store::users::lock_admins(&mut tx).await?;
    let before = store::users::set_role(&mut tx, name, role)
        .await?
        .ok_or_else(|| ManageError::NoSuchUser(name.to_owned()))?;
    if before.role == Role::Admin
        && role != Role::Admin
        && before.disabled_at.is_none()
        && store::users::active_admins(&mut tx).await? == 0
    {
        return Err(ManageError::LastAdmin(name.to_owned()));
    }
    let after = UserRow {
        role,
        ..before.clone()
    };
    store::audit::record(
        &mut tx,
        actor,
        "user.role",
        "user",
        Some(name),
        Some(&shown(&before)),
        Some(&shown(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Disables an account (its sessions end at once), or enables it again. The last enabled
/// admin stays enabled.
pub async fn set_disabled(
    pool: &PgPool,
    actor: &Actor,
    name: &str,
    disabled: bool,
) -> Result<UserRow, ManageError> {
    let mut tx = pool.begin().await?;
    store::users::lock_admins(&mut tx).await?;
    let before = store::users::set_disabled(&mut tx, name, disabled)
        .await?
        .ok_or_else(|| ManageError::NoSuchUser(name.to_owned()))?;
    if disabled && before.role == Role::Admin && store::users::active_admins(&mut tx).await? == 0 {
        return Err(ManageError::LastAdmin(name.to_owned()));
    }
    let (after, _) = store::users::by_name(&mut tx, name)
        .await?
        .ok_or_else(|| ManageError::NoSuchUser(name.to_owned()))?;
    store::audit::record(
        &mut tx,
        actor,
        if disabled {
            "user.disable"
        } else {
            "user.enable"
        },
        "user",
        Some(name),
        Some(&shown(&before)),
        Some(&shown(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// A new API token for an account, returned to be shown once (only its SHA-256 is stored).
/// The token acts with the account's role, until revoked or the account is disabled.
pub async fn new_api_token(
    pool: &PgPool,
    actor: &Actor,
    name: &str,
) -> Result<String, ManageError> {
    let token = accounts::new_token()?;
    let mut tx = pool.begin().await?;
    let (user, _) = store::users::by_name(&mut tx, name)
        .await?
        .ok_or_else(|| ManageError::NoSuchUser(name.to_owned()))?;
    let id = store::tokens::create(&mut tx, &accounts::token_hash(&token), user.id).await?;
    store::audit::record(
        &mut tx,
        actor,
        "token.create",
        "user",
        Some(&user.name),
        None,
        Some(&json!({"token": id, "role": user.role})),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Revokes every API token of an account; returns how many were live.
pub async fn revoke_api_tokens(
    pool: &PgPool,
    actor: &Actor,
    name: &str,
) -> Result<u64, ManageError> {
    let mut tx = pool.begin().await?;
    let (user, _) = store::users::by_name(&mut tx, name)
        .await?
        .ok_or_else(|| ManageError::NoSuchUser(name.to_owned()))?;
    let revoked = store::tokens::revoke_all_of(&mut tx, user.id).await?;
    store::audit::record(
        &mut tx,
        actor,
        "token.revoke",
        "user",
        Some(&user.name),
        None,
        Some(&json!({"revoked": revoked})),
    )
    .await?;
    tx.commit().await?;
    Ok(revoked)
}

/// The demo's analyst account: created, or given a new password, and the password returned
/// (to be printed once; it is stored only as its hash).
pub async fn demo_analyst(pool: &PgPool, name: &str) -> Result<String, ManageError> {
    let password = accounts::new_password()?;
    let actor = Actor::command_line();
    let exists = {
        let mut conn = pool.acquire().await?;
        store::users::by_name(&mut conn, name).await?.is_some()
    };
    if exists {
        set_password(pool, &actor, name, password.clone()).await?;
    } else {
        add_user(pool, &actor, name, Role::Analyst, password.clone()).await?;
    }
    Ok(password)
}
