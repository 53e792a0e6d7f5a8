//! Adding files to the corpus: walk the given paths, parse each file (pure, in `ingest`),
//! extract its units (pure, in `extract`), and store documents and units (in `store`), one
//! transaction per file so that a file lands whole or not at all. A bad file is reported with
//! its path and reason; the batch goes on. Stored documents can be re-extracted in place.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sqlx::PgPool;

pub mod evaluation;
mod linking;

pub use linking::Linked;

use crate::extract::{DocumentInput, Extraction, Extractor};
use crate::ingest::{self, Block, IngestError, ParsedFile};
use crate::link::{LinkRules, Linker};
use crate::store::commitments::Changes;
use crate::store::{self, DocumentId, StoreError, documents::Stored};

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

/// How many files a batch parses and stores at once: enough for commits to overlap.
pub const FILES_IN_FLIGHT: usize = 4;

/// The extraction of one parsed document.
fn extract_parsed(extractor: &Extractor, doc: &ingest::ParsedDocument) -> Extraction {
    extractor.extract(&DocumentInput::new(&doc.meta, &doc.body, &doc.blocks))
}

/// The corpus: adds files (parse, extract, store), re-extracts stored documents and links
/// their units into threads.
#[derive(Debug, Clone)]
pub struct Corpus {
    pool: PgPool,
    extractor: &'static Extractor,
    linker: Arc<Linker<'static>>,
    max_bytes: usize,
}

impl Corpus {
    /// A corpus with the built-in link rules.
    pub fn new(pool: PgPool, extractor: &'static Extractor) -> Self {
        let rules = LinkRules::load(&crate::extract::LexiconSource::Embedded)
            .expect("the embedded link rules are checked by tests");
        Self {
            pool,
            extractor,
            linker: Arc::new(Linker::new(extractor, rules)),
            max_bytes: ingest::DEFAULT_MAX_FILE_BYTES,
        }
    }

    /// The same corpus over another database (a scratch one for `pledgeline eval`).
    pub fn with_pool(&self, pool: PgPool) -> Self {
        Self {
            pool,
            ..self.clone()
        }
    }

    /// Link with these rules instead (loaded from a lexicon directory).
    pub fn with_link_rules(mut self, rules: LinkRules) -> Self {
        self.linker = Arc::new(Linker::new(self.extractor, rules));
        self
    }

    /// Refuse files larger than this.
    /// The size limit of one file.
    pub fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub fn extractor(&self) -> &'static Extractor {
        self.extractor
    }

    /// Parse, extract and store one file given as bytes (an upload, or a sample built into the
    /// binary).
    pub async fn ingest_bytes(
        &self,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<Vec<Stored>, CorpusError> {
        let file_name = name.to_string();
        let max_bytes = self.max_bytes;
        let parsed =
            tokio::task::spawn_blocking(move || ingest::parse_bytes(&file_name, &bytes, max_bytes))
                .await
                .map_err(|e| CorpusError::Task(e.to_string()))??;
        self.store(name, Arc::new(parsed)).await
    }

    /// Parse, extract and store one file from disk.
    pub async fn ingest_path(&self, path: impl AsRef<Path>) -> FileReport {
        let path = path.as_ref();
        let owned = path.to_path_buf();
        let max_bytes = self.max_bytes;
        let parsed =
            tokio::task::spawn_blocking(move || ingest::read_path(&owned, max_bytes)).await;
        let outcome = match parsed {
            Err(e) => Err(CorpusError::Task(e.to_string())),
            Ok(Err(e)) => Err(CorpusError::Parse(e)),
            Ok(Ok(parsed)) => self.store(&path.to_string_lossy(), Arc::new(parsed)).await,
        };
        FileReport {
            path: path.to_path_buf(),
            outcome,
        }
    }

    /// Store a file already parsed (read once by a caller that also needs its documents).
    pub async fn ingest_parsed(
        &self,
        source_path: &str,
        parsed: ParsedFile,
    ) -> Result<Vec<Stored>, CorpusError> {
        self.store(source_path, Arc::new(parsed)).await
    }

    /// Store every document of a file in one transaction, retrying deadlocks. Documents that
    /// are new, or were extracted by another extractor, are extracted first (on a blocking
    /// thread, before the transaction opens) and their units stored in the same transaction
    /// as the document; unchanged documents cost no extraction.
    async fn store(
        &self,
        source_path: &str,
        parsed: Arc<ParsedFile>,
    ) -> Result<Vec<Stored>, CorpusError> {
        let fingerprint = self.extractor.fingerprint();
        let hashes: Vec<Vec<u8>> = parsed
            .documents
            .iter()
            .map(|d| d.content_hash.to_vec())
            .collect();
        let known = {
            let mut conn = self.pool.acquire().await.map_err(StoreError::from)?;
            store::commitments::extractors_by_hash(&mut conn, &hashes).await?
        };
        let wanted: Vec<usize> = (0..hashes.len())
            .filter(|&i| {
                !known
                    .iter()
                    .any(|(h, e)| *h == hashes[i] && e.as_deref() == Some(fingerprint.as_str()))
            })
            .collect();
        let mut extractions = self.extract_documents(&parsed, wanted).await?;
        let mut attempt = 1;
        loop {
            match self
                .store_once(source_path, &parsed, &mut extractions)
                .await
            {
                Err(CorpusError::Store(e)) if attempt < ATTEMPTS && e.is_transient() => {
                    tracing::debug!(source_path, attempt, "retrying after {e}");
                    attempt += 1;
                }
                outcome => return outcome,
            }
        }
    }

    /// Extracts the given documents of a parsed file on a blocking thread.
    async fn extract_documents(
        &self,
        parsed: &Arc<ParsedFile>,
        which: Vec<usize>,
    ) -> Result<Vec<Option<Extraction>>, CorpusError> {
        let (extractor, file) = (self.extractor, Arc::clone(parsed));
        tokio::task::spawn_blocking(move || {
            let mut out: Vec<Option<Extraction>> = vec![None; file.documents.len()];
            for i in which {
                out[i] = Some(extract_parsed(extractor, &file.documents[i]));
            }
            out
        })
        .await
        .map_err(|e| CorpusError::Task(e.to_string()))
    }

    async fn store_once(
        &self,
        source_path: &str,
        parsed: &Arc<ParsedFile>,
        extractions: &mut [Option<Extraction>],
    ) -> Result<Vec<Stored>, CorpusError> {
        let fingerprint = self.extractor.fingerprint();
        let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
        let mut stored = Vec::with_capacity(parsed.documents.len());
        for (index, doc) in parsed.documents.iter().enumerate() {
            let outcome =
                store::documents::insert(&mut tx, doc, source_path, parsed.encoding).await?;
            // The check before the transaction decided which documents to extract; a document
            // stored by another process since then (so new to that check) is extracted now.
            if matches!(outcome, Stored::Inserted(_)) && extractions[index].is_none() {
                let mut one = self.extract_documents(parsed, vec![index]).await?;
                extractions[index] = one[index].take();
            }
            if let Some(extraction) = &extractions[index] {
                store::commitments::store_extraction(
                    &mut tx,
                    outcome.id(),
                    extraction,
                    &fingerprint,
                )
                .await?;
                // A document stored before is re-extracted here: link it again.
                if matches!(outcome, Stored::Unchanged(_)) {
                    store::links::mark_stale(&mut tx, outcome.id()).await?;
                }
            }
            stored.push(outcome);
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(stored)
    }

    /// Re-extracts one stored document from its stored body and layout, updating its units in
    /// place (same span, same id) and retiring units no longer found.
    pub async fn reextract(&self, id: DocumentId) -> Result<Changes, CorpusError> {
        let mut conn = self.pool.acquire().await.map_err(StoreError::from)?;
        let Some(doc) = store::documents::get(&mut conn, id).await? else {
            return Err(CorpusError::Missing);
        };
        let blocks: Vec<Block> = store::documents::blocks(&mut conn, id)
            .await?
            .into_iter()
            .map(|b| Block {
                kind: b.kind,
                start: b.start as usize,
                end: b.end as usize,
                segments: b.segments,
                text: b.text,
            })
            .collect();
        drop(conn);
        let extractor = self.extractor;
        let extraction = tokio::task::spawn_blocking(move || {
            extractor.extract(&DocumentInput::new(&doc.meta, &doc.body, &blocks))
        })
        .await
        .map_err(|e| CorpusError::Task(e.to_string()))?;
        let fingerprint = extractor.fingerprint();
        let mut attempt = 1;
        loop {
            let result: Result<Changes, StoreError> = async {
                let mut tx = self.pool.begin().await?;
                let changes =
                    store::commitments::store_extraction(&mut tx, id, &extraction, &fingerprint)
                        .await?;
                if changes.inserted + changes.updated + changes.retired > 0 {
                    store::links::mark_stale(&mut tx, id).await?;
                }
                tx.commit().await?;
                Ok(changes)
            }
            .await;
            match result {
                Err(e) if attempt < ATTEMPTS && e.is_transient() => attempt += 1,
                outcome => return Ok(outcome?),
            }
        }
    }
}
