//! Adding files to the corpus: walk the given paths, parse each file (pure, in `ingest`), and
//! store its documents (in `store`), one transaction per file so that a file lands whole or
//! not at all. A bad file is reported with its path and reason; the batch goes on.

use std::path::{Path, PathBuf};

use sqlx::PgPool;

use crate::ingest::{self, IngestError, ParsedFile};
use crate::store::{self, StoreError, documents::Stored};

#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("{0}")]
    Parse(#[from] IngestError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("no such file or directory")]
    Missing,
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("parsing was interrupted: {0}")]
    Task(String),
}

/// What became of one file.
#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    pub outcome: Result<Vec<Stored>, CorpusError>,
}

/// Totals for a batch: documents ingested and unchanged, files failed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub ingested: usize,
    pub unchanged: usize,
    pub failed: usize,
}

impl Summary {
    pub fn add(&mut self, report: &FileReport) {
        match &report.outcome {
            Ok(stored) => self.add_stored(stored),
            Err(_) => self.failed += 1,
        }
    }

    /// Count the documents one file stored.
    pub fn add_stored(&mut self, stored: &[Stored]) {
        for s in stored {
            match s {
                Stored::Inserted(_) => self.ingested += 1,
                Stored::Unchanged(_) => self.unchanged += 1,
            }
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ingested {}, unchanged {}, failed {}",
            self.ingested, self.unchanged, self.failed
        )
    }
}

/// The files to ingest under `paths`: files as given, folders walked recursively in sorted
/// order (taking `.txt`, `.text`, `.md` and `.markdown` files, skipping hidden entries).
/// Paths that don't exist come back as failed reports.
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileReport>) {
    let mut files = Vec::new();
    let mut missing = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => walk(path, &mut files, &mut missing),
            Ok(_) => files.push(path.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => missing.push(FileReport {
                path: path.clone(),
                outcome: Err(CorpusError::Missing),
            }),
            Err(e) => missing.push(FileReport {
                path: path.clone(),
                outcome: Err(CorpusError::Io(e)),
            }),
        }
    }
    (files, missing)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, failed: &mut Vec<FileReport>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            failed.push(FileReport {
                path: dir.to_path_buf(),
                outcome: Err(CorpusError::Io(e)),
            });
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, files, failed),
            Ok(_) if ingest::is_ingestible_name(&path) => files.push(path),
            _ => {}
        }
    }
}

/// How often a file's transaction is tried when PostgreSQL picks it as a deadlock victim
/// (two files in flight holding the same articles in different orders).
const ATTEMPTS: usize = 3;

/// Store every document of a parsed file in one transaction.
pub async fn store_parsed(
    pool: &PgPool,
    source_path: &str,
    parsed: &ParsedFile,
) -> Result<Vec<Stored>, StoreError> {
    let mut attempt = 1;
    loop {
        match store_once(pool, source_path, parsed).await {
            Err(e) if attempt < ATTEMPTS && e.is_transient() => {
                tracing::debug!(source_path, attempt, "retrying after {e}");
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}

async fn store_once(
    pool: &PgPool,
    source_path: &str,
    parsed: &ParsedFile,
) -> Result<Vec<Stored>, StoreError> {
    let mut tx = pool.begin().await?;
    let mut stored = Vec::with_capacity(parsed.documents.len());
    for doc in &parsed.documents {
        stored.push(store::documents::insert(&mut tx, doc, source_path, parsed.encoding).await?);
    }
    tx.commit().await?;
    Ok(stored)
}

/// Parse and store one file given as bytes (an upload, or a sample built into the binary).
pub async fn ingest_bytes(
    pool: &PgPool,
    name: &str,
    bytes: Vec<u8>,
    max_bytes: usize,
) -> Result<Vec<Stored>, CorpusError> {
    let file_name = name.to_string();
    let parsed =
        tokio::task::spawn_blocking(move || ingest::parse_bytes(&file_name, &bytes, max_bytes))
            .await
            .map_err(|e| CorpusError::Task(e.to_string()))??;
    Ok(store_parsed(pool, name, &parsed).await?)
}

/// How many files a batch parses and stores at once: enough for commits to overlap.
pub const FILES_IN_FLIGHT: usize = 4;

/// Parse and store one file from disk.
pub async fn ingest_path(pool: &PgPool, path: impl AsRef<Path>, max_bytes: usize) -> FileReport {
    let path = path.as_ref();
    let owned = path.to_path_buf();
    let parsed = tokio::task::spawn_blocking(move || ingest::read_path(&owned, max_bytes)).await;
    let outcome = match parsed {
        Err(e) => Err(CorpusError::Task(e.to_string())),
        Ok(Err(e)) => Err(CorpusError::Parse(e)),
        Ok(Ok(parsed)) => store_parsed(pool, &path.to_string_lossy(), &parsed)
            .await
            .map_err(CorpusError::Store),
    };
    FileReport {
        path: path.to_path_buf(),
        outcome,
    }
}
