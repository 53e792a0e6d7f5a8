//! The only module that speaks SQL. Each query is a small function taking a connection or a
//! transaction (`&mut PgConnection`), grouped by table.

pub mod audit;
pub mod browse;
pub mod catalog;
pub mod commitments;
pub mod decisions;
pub mod documents;
pub mod feeds;
pub mod followups;
pub mod links;
pub mod report;
pub mod search;
pub mod search_index;
pub mod threads;
pub mod tokens;
pub mod users;

pub use commitments::CommitmentId;
pub use documents::DocumentId;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}

/// A stored name that no enum variant has: the row is not what this version wrote.
impl From<crate::ingest::UnknownName> for StoreError {
    fn from(e: crate::ingest::UnknownName) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

impl StoreError {
    /// A deadlock or serialization failure: the transaction may succeed when tried again.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Sql(e) => e
                .as_database_error()
                .and_then(|d| d.code())
                .is_some_and(|code| code == "40P01" || code == "40001"),
            StoreError::Corrupt(_) => false,
        }
    }
}
