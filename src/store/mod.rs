//! The only module that speaks SQL. Each query is a small function taking a connection or a
//! transaction (`&mut PgConnection`), grouped by table.

pub mod documents;

pub use documents::DocumentId;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}
