//! `pledgeline eval`: ingest a gold file's documents, link them, and score the threads against
//! the gold links ([`crate::link::eval`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Corpus, CorpusError};
use crate::link::eval::{self, EvalError, Gold, Report};
use crate::{ingest, store};

#[derive(Debug, thiserror::Error)]
pub enum EvaluationError {
    #[error("cannot read the gold file {path}: {source}")]
    ReadGold {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the gold file {path} is not a gold links file: {source}")]
    BadGold {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("gold document {key} ({path}): {source}")]
    Document {
        key: String,
        path: PathBuf,
        source: Box<CorpusError>,
    },
    #[error("gold document {key}: {path} holds no article titled {title}")]
    Untitled {
        key: String,
        path: PathBuf,
        title: String,
    },
    #[error(transparent)]
    Score(#[from] EvalError),
    #[error(transparent)]
    Corpus(#[from] CorpusError),
}

/// Where the gold's documents are: `--docs`, else the gold's `docs_dir` (relative to the gold
/// file), else `seeds/` beside the gold file's folder (as `score-links` looks).
pub fn documents_dir(gold_path: &Path, gold: &Gold, docs: Option<&Path>) -> PathBuf {
    let base = gold_path.parent().unwrap_or(Path::new("."));
    match (docs, &gold.docs_dir) {
        (Some(d), _) => d.to_path_buf(),
        (None, Some(d)) => base.join(d),
        (None, None) => base.join("..").join("seeds"),
    }
}

pub fn read_gold(path: &Path) -> Result<Gold, EvaluationError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvaluationError::ReadGold {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| EvaluationError::BadGold {
        path: path.to_path_buf(),
        source,
    })
}

/// Ingests the gold documents into `corpus` (unchanged when already there), links, and scores
/// the store's threads against the gold.
pub async fn evaluate(
    corpus: &Corpus,
    gold: &Gold,
    docs_dir: &Path,
) -> Result<Report, EvaluationError> {
    let mut bodies = BTreeMap::new();
    for (key, doc) in &gold.documents {
        let path = docs_dir.join(&doc.file);
        let wrap = |source: CorpusError| EvaluationError::Document {
            key: key.clone(),
            path: path.clone(),
            source: Box::new(source),
        };
        let parsed =
            ingest::read_path(&path, corpus.max_bytes).map_err(|e| wrap(CorpusError::Parse(e)))?;
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        let article = parsed
            .documents
            .iter()
            .find(|d| squash(&d.meta.title) == squash(&doc.title))
            .ok_or_else(|| EvaluationError::Untitled {
                key: key.clone(),
                path: path.clone(),
                title: doc.title.clone(),
            })?;
        bodies.insert(key.clone(), article.body.clone());
        corpus
            .ingest_parsed(&path.to_string_lossy(), parsed)
            .await
            .map_err(wrap)?;
    }
    corpus.link_pending().await?;
    let export = {
        let mut conn = corpus
            .pool()
            .acquire()
            .await
            .map_err(|e| CorpusError::Store(e.into()))?;
        store::threads::export(&mut conn)
            .await
            .map_err(CorpusError::from)?
    };
    Ok(eval::score(gold, &bodies, &export)?)
}
