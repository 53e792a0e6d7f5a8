//! Measuring the linker against hand-labelled links, with the semantics of
//! `score-links`: every cross-document pair of sentences that share a thread is a predicted
//! link; precision counts a predicted pair as right when the gold lists it (`core` or
//! `related`); recall counts the `core` pairs found; relation accuracy is measured on the core
//! pairs found that carry a relation, taking the relation of the later document's mention.
//!
//! Sentences are those of the document body with all white space removed, split after
//! 。！？；. A quote or a mention is located in that text (white space ignored) and stands for
//! every sentence it overlaps.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::export::ThreadsExport;

/// A gold file (`commitment-links-gold/1`).
#[derive(Debug, Clone, Deserialize)]
pub struct Gold {
    pub documents: BTreeMap<String, GoldDocument>,
    pub links: Vec<GoldLink>,
    /// Folder of the documents' files, relative to the gold file.
    #[serde(default)]
    pub docs_dir: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldDocument {
    pub file: String,
    pub title: String,
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub signed: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
}

impl GoldDocument {
    /// The date that orders documents: signed, else date, else published.
    fn date(&self) -> &str {
        self.signed
            .as_deref()
            .or(self.date.as_deref())
            .or(self.published.as_deref())
            .unwrap_or("")
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldLink {
    pub a: End,
    pub b: End,
    pub grade: String,
    #[serde(default)]
    pub relation: Option<String>,
}

/// One end of a gold link: a quote in the first (`a`) or last (`b`) document, or a quote in
/// a named document.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum End {
    Quote(String),
    In { doc: String, quote: String },
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("gold document {0} has no body to score against")]
    MissingDocument(String),
    #[error("gold quote not found in {doc}: {quote}")]
    QuoteNotFound { doc: String, quote: String },
    #[error("gold quote spans {count} sentences in {doc}: {quote}")]
    QuoteSpans {
        doc: String,
        quote: String,
        count: usize,
    },
    #[error("gold link within one document ({0})")]
    SameDocument(String),
    #[error("the gold file has no documents")]
    NoDocuments,
}

/// The measures, and the pairs behind them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub predicted: usize,
    pub right: usize,
    pub core: usize,
    pub core_found: usize,
    pub unplaced: usize,
    pub typed: usize,
    pub typed_right: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Share of typed core pairs with the right relation (0 when none is typed).
    pub relation_accuracy: f64,
    /// Core pairs not found, as sentence texts.
    pub missed: Vec<(String, String)>,
    /// Predicted pairs the gold does not list.
    pub wrong: Vec<(String, String)>,
    /// Typed core pairs with another relation: (sentences, gold relation, predicted).
    pub mistyped: Vec<(String, String, String, String)>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "predicted {}  right {}  core {}  core found {}  unplaced mentions {}",
            self.predicted, self.right, self.core, self.core_found, self.unplaced
        )?;
        writeln!(
            f,
            "relations typed {}  right {}",
            self.typed, self.typed_right
        )?;
        write!(
            f,
            "precision {:.3}  recall {:.3}  F1 {:.3}  relation accuracy {:.3}",
            self.precision, self.recall, self.f1, self.relation_accuracy
        )
    }
}

struct Doc {
    date: String,
    body: Vec<char>,
    /// Sentence ranges in `body`.
    sentences: Vec<(usize, usize)>,
}

impl Doc {
    fn new(date: &str, body: &str) -> Self {
        let body: Vec<char> = squash(body);
        let mut sentences = Vec::new();
        let mut start = 0;
        for (i, &c) in body.iter().enumerate() {
            if matches!(c, '。' | '！' | '？' | '；') {
                sentences.push((start, i + 1));
                start = i + 1;
            }
        }
        if start < body.len() {
            sentences.push((start, body.len()));
        }
        Self {
            date: date.to_owned(),
            body,
            sentences,
        }
    }

    /// Sentences overlapped by `text` (found white space ignored), or `None` if not found.
    fn locate(&self, text: &str) -> Option<BTreeSet<usize>> {
        let t = squash(text);
        if t.is_empty() || t.len() > self.body.len() {
            return None;
        }
        let at = (0..=self.body.len() - t.len()).find(|&i| self.body[i..i + t.len()] == t[..])?;
        let end = at + t.len();
        Some(
            self.sentences
                .iter()
                .enumerate()
                .filter(|(_, (a, b))| *a < end && at < *b)
                .map(|(i, _)| i)
                .collect(),
        )
    }

    fn sentence(&self, i: usize) -> String {
        let (a, b) = self.sentences[i];
        self.body[a..b].iter().collect()
    }
}

fn squash(s: &str) -> Vec<char> {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

type SentenceRef = (String, usize);
type Pair = (SentenceRef, SentenceRef);

/// Scores an export against the gold. `bodies` maps each gold document key to its body text.
pub fn score(
    gold: &Gold,
    bodies: &BTreeMap<String, String>,
    export: &ThreadsExport,
) -> Result<Report, EvalError> {
    let keys: Vec<&String> = gold.documents.keys().collect();
    let (Some(first), Some(last)) = (keys.first(), keys.last()) else {
        return Err(EvalError::NoDocuments);
    };
    let mut docs: BTreeMap<&str, Doc> = BTreeMap::new();
    let mut by_title: BTreeMap<String, &str> = BTreeMap::new();
    for (key, d) in &gold.documents {
        let body = bodies
            .get(key)
            .ok_or_else(|| EvalError::MissingDocument(key.clone()))?;
        docs.insert(key, Doc::new(d.date(), body));
        by_title.insert(squash(&d.title).into_iter().collect(), key);
    }
    let sentence_of = |doc: &str, quote: &str| -> Result<usize, EvalError> {
        let ids = docs[doc]
            .locate(quote)
            .ok_or_else(|| EvalError::QuoteNotFound {
                doc: doc.to_owned(),
                quote: quote.to_owned(),
            })?;
        if ids.len() != 1 {
            return Err(EvalError::QuoteSpans {
                doc: doc.to_owned(),
                quote: quote.to_owned(),
                count: ids.len(),
            });
        }
        Ok(*ids.iter().next().unwrap_or(&0))
    };
    let mut allowed: BTreeSet<Pair> = BTreeSet::new();
    let mut core: BTreeMap<Pair, Option<String>> = BTreeMap::new();
    for l in &gold.links {
        let mut ends = Vec::with_capacity(2);
        for (end, default) in [(&l.a, first), (&l.b, last)] {
            let (doc, quote) = match end {
                End::Quote(q) => (default.as_str(), q.as_str()),
                End::In { doc, quote } => (doc.as_str(), quote.as_str()),
            };
            if !docs.contains_key(doc) {
                return Err(EvalError::MissingDocument(doc.to_owned()));
            }
            ends.push((doc.to_owned(), sentence_of(doc, quote)?));
        }
        if ends[0].0 == ends[1].0 {
            return Err(EvalError::SameDocument(ends[0].0.clone()));
        }
        ends.sort();
        let pair = (ends[0].clone(), ends[1].clone());
        allowed.insert(pair.clone());
        if l.grade == "core" {
            core.insert(pair, l.relation.clone());
        }
    }
    let mut predicted: BTreeSet<Pair> = BTreeSet::new();
    let mut relation_of: BTreeMap<Pair, String> = BTreeMap::new();
    let mut unplaced = 0;
    for thread in &export.threads {
        let mut placed: Vec<(String, usize, String)> = Vec::new();
        for m in &thread.mentions {
            let title: String = squash(&m.document.title).into_iter().collect();
            let Some(&key) = by_title.get(&title) else {
                continue;
            };
            match docs[key].locate(&m.text) {
                None => unplaced += 1,
                Some(ids) => placed.extend(
                    ids.into_iter()
                        .map(|s| (key.to_owned(), s, m.relation.as_str().to_owned())),
                ),
            }
        }
        for (i, x) in placed.iter().enumerate() {
            for y in &placed[i + 1..] {
                if x.0 == y.0 {
                    continue;
                }
                let (p, q) = if (&x.0, x.1) <= (&y.0, y.1) {
                    (x, y)
                } else {
                    (y, x)
                };
                let pair = ((p.0.clone(), p.1), (q.0.clone(), q.1));
                let rel = if docs[q.0.as_str()].date >= docs[p.0.as_str()].date {
                    &q.2
                } else {
                    &p.2
                };
                relation_of
                    .entry(pair.clone())
                    .or_insert_with(|| rel.clone());
                predicted.insert(pair);
            }
        }
    }
    let show = |p: &Pair| {
        (
            docs[p.0.0.as_str()].sentence(p.0.1),
            docs[p.1.0.as_str()].sentence(p.1.1),
        )
    };
    let right = predicted.intersection(&allowed).count();
    let found: Vec<&Pair> = core.keys().filter(|p| predicted.contains(*p)).collect();
    let mut typed = 0;
    let mut typed_right = 0;
    let mut mistyped = Vec::new();
    for p in &found {
        if let (Some(Some(want)), Some(got)) = (core.get(*p), relation_of.get(*p)) {
            typed += 1;
            if want == got {
                typed_right += 1;
            } else {
                let (a, b) = show(p);
                mistyped.push((a, b, want.clone(), got.clone()));
            }
        }
    }
    let ratio = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    let precision = ratio(right, predicted.len());
    let recall = ratio(found.len(), core.len());
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Ok(Report {
        predicted: predicted.len(),
        right,
        core: core.len(),
        core_found: found.len(),
        unplaced,
        typed,
        typed_right,
        precision,
        recall,
        f1,
        relation_accuracy: ratio(typed_right, typed),
        missed: core
            .keys()
            .filter(|p| !predicted.contains(*p))
            .map(show)
            .collect(),
        wrong: predicted.difference(&allowed).map(show).collect(),
        mistyped,
    })
}
