//! Keywords and search terms.
//!
//! Keywords are a unit's content words (nouns, verbs, verbal nouns, proper nouns, idioms of two
//! or more characters that are neither stop words nor actor names), ranked by TextRank over the
//! whole document: a co-occurrence graph of content words within a window of
//! [`WINDOW`] tokens, iterated [`ITERATIONS`] times with damping 0.85. Ranking needs no
//! second segmentation pass: it reuses the sentence tokens.
//!
//! Search terms are every non-punctuation token, followed by the dictionary words inside
//! tokens of three or more characters (贸易额 → 贸易额, 贸易), as jieba's search mode does, so
//! that a two-character query (双边, 贸易) finds longer words.

use std::collections::HashMap;

use jieba_rs::Jieba;

use super::lexicon::Lexicon;
use super::units::{Clause, Pos, Token, Tokenised};

/// Co-occurrence window (tokens).
pub const WINDOW: usize = 5;
/// PageRank iterations.
pub const ITERATIONS: usize = 20;
const DAMPING: f64 = 0.85;
/// Keywords kept per unit.
pub const MAX_KEYWORDS: usize = 8;

fn is_keyword(lex: &Lexicon, sentence: &Tokenised, t: &Token) -> bool {
    let word = sentence.word(t);
    t.pos.is_content()
        && word.chars().nth(1).is_some()
        && !lex.stopwords.contains(word)
        && !lex.actor_words.contains_key(word)
}

/// TextRank weights of a document's content words.
#[derive(Debug, Default)]
pub struct TextRank {
    weights: HashMap<String, f64>,
}

impl TextRank {
    pub fn over(lex: &Lexicon, sentences: &[Tokenised]) -> Self {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut edges: HashMap<(usize, usize), f64> = HashMap::new();
        for s in sentences {
            let ids: Vec<usize> = s
                .tokens
                .iter()
                .filter(|t| is_keyword(lex, s, t))
                .map(|t| {
                    let next = index.len();
                    *index.entry(s.word(t)).or_insert(next)
                })
                .collect();
            for (i, &a) in ids.iter().enumerate() {
                for &b in ids.iter().skip(i + 1).take(WINDOW - 1) {
                    if a != b {
                        *edges.entry((a.min(b), a.max(b))).or_default() += 1.0;
                    }
                }
            }
        }
        let n = index.len();
        if n == 0 {
            return Self::default();
        }
        let mut neighbours: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        // Sorted so that summation order, hence the result, is deterministic.
        let mut edge_list: Vec<((usize, usize), f64)> = edges.into_iter().collect();
        edge_list.sort_by_key(|(k, _)| *k);
        for ((a, b), w) in edge_list {
            neighbours[a].push((b, w));
            neighbours[b].push((a, w));
        }
        let out_weight: Vec<f64> = neighbours
            .iter()
            .map(|ns| ns.iter().map(|(_, w)| w).sum())
            .collect();
        let mut rank = vec![1.0f64; n];
        for _ in 0..ITERATIONS {
            let next: Vec<f64> = (0..n)
                .map(|i| {
                    let inflow: f64 = neighbours[i]
                        .iter()
                        .map(|&(j, w)| w / out_weight[j] * rank[j])
                        .sum();
                    (1.0 - DAMPING) + DAMPING * inflow
                })
                .collect();
            rank = next;
        }
        let max = rank
            .iter()
            .copied()
            .fold(f64::MIN, f64::max)
            .max(f64::EPSILON);
        Self {
            weights: index
                .into_iter()
                .map(|(w, i)| (w.to_owned(), rank[i] / max))
                .collect(),
        }
    }

    pub fn weight(&self, word: &str) -> f64 {
        self.weights.get(word).copied().unwrap_or(0.0)
    }
}

/// A clause's keywords, highest TextRank weight first (ties in text order).
pub fn keywords(
    lex: &Lexicon,
    sentence: &Tokenised,
    clause: &Clause,
    ranks: &TextRank,
) -> Vec<String> {
    let mut words: Vec<(&str, usize)> = Vec::new();
    for (pos, t) in sentence.tokens_in(clause.start, clause.end).enumerate() {
        let word = sentence.word(t);
        if is_keyword(lex, sentence, t) && !words.iter().any(|(w, _)| *w == word) {
            words.push((word, pos));
        }
    }
    words.sort_by(|a, b| {
        ranks
            .weight(b.0)
            .total_cmp(&ranks.weight(a.0))
            .then(a.1.cmp(&b.1))
    });
    words
        .into_iter()
        .take(MAX_KEYWORDS)
        .map(|(w, _)| w.to_owned())
        .collect()
}

/// A clause's search terms in text order: tokens, then the dictionary words inside long ones.
pub fn search_terms(jieba: &Jieba, sentence: &Tokenised, clause: &Clause) -> Vec<String> {
    let mut terms = Vec::new();
    for t in sentence.tokens_in(clause.start, clause.end) {
        if t.pos == Pos::Punctuation {
            continue;
        }
        let word = sentence.word(t);
        if word.trim().is_empty() {
            continue;
        }
        terms.push(word.to_lowercase());
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        if chars.len() >= 3 {
            for len in 2..chars.len() {
                for start in 0..=chars.len() - len {
                    let a = chars[start].0;
                    let b = chars.get(start + len).map_or(word.len(), |c| c.0);
                    let sub = &word[a..b];
                    if jieba.has_word(sub) {
                        terms.push(sub.to_owned());
                    }
                }
            }
        }
    }
    terms
}
