//! Keywords and search terms.
//!
//! Keywords are a unit's content words (nouns, verbs, verbal nouns, proper nouns, idioms of two
//! or more characters that are neither stop words nor actor names), ranked by TextRank over the
//! whole document: a co-occurrence graph of content words within a window of
//! [`WINDOW`] tokens, iterated [`ITERATIONS`] times with damping 0.85 (enough for the small
//! graph of one document to settle). Ranking needs no
//! second segmentation pass: it reuses the sentence tokens.
//!
//! Search terms are every non-punctuation token, followed by the dictionary words inside
//! tokens of three or more characters (贸易额 → 贸易额, 贸易), as jieba's search mode does, so
//! that a two-character query (双边, 贸易) finds longer words.

use rustc_hash::FxHashMap;

use super::units::{Clause, Pos, Token, Tokenised};
use super::words;

/// Co-occurrence window (tokens).
pub const WINDOW: usize = 5;
/// PageRank iterations.
pub const ITERATIONS: usize = 12;
const DAMPING: f32 = 0.85;
/// Keywords kept per unit.
pub const MAX_KEYWORDS: usize = 8;

fn is_keyword(t: &Token) -> bool {
    t.pos.is_content() && t.info.keyword_candidate
}

/// TextRank weights of a document's content words.
#[derive(Debug, Default)]
pub struct TextRank {
    /// Word id ([`words::WordInfo::id`]) → node.
    index: FxHashMap<u32, u32>,
    weight: Vec<f32>,
}

impl TextRank {
    pub fn over(sentences: &[Tokenised]) -> Self {
        let mut index: FxHashMap<u32, u32> = FxHashMap::default();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut ids: Vec<u32> = Vec::new();
        for s in sentences {
            ids.clear();
            for t in &s.tokens {
                if is_keyword(t) {
                    let next = index.len() as u32;
                    ids.push(*index.entry(t.info.id).or_insert(next));
                }
            }
            for (i, &a) in ids.iter().enumerate() {
                for &b in ids.iter().skip(i + 1).take(WINDOW - 1) {
                    if a != b {
                        pairs.push((a.min(b), a.max(b)));
                    }
                }
            }
        }
        let n = index.len();
        if n == 0 {
            return Self::default();
        }
        // Undirected weighted graph in compressed rows: sort the pairs, count duplicates.
        pairs.sort_unstable();
        let mut edges: Vec<(u32, u32, f32)> = Vec::with_capacity(pairs.len());
        for &(a, b) in &pairs {
            match edges.last_mut() {
                Some(e) if (e.0, e.1) == (a, b) => e.2 += 1.0,
                _ => edges.push((a, b, 1.0)),
            }
        }
        let mut degree = vec![0usize; n + 1];
        for &(a, b, _) in &edges {
            degree[a as usize + 1] += 1;
            degree[b as usize + 1] += 1;
        }
        for i in 0..n {
            degree[i + 1] += degree[i];
        }
        let offsets = degree;
        let mut fill = offsets.clone();
        let mut neighbour = vec![(0u32, 0f32); offsets[n]];
        let mut out_weight = vec![0f32; n];
        for &(a, b, w) in &edges {
            neighbour[fill[a as usize]] = (b, w);
            fill[a as usize] += 1;
            neighbour[fill[b as usize]] = (a, w);
            fill[b as usize] += 1;
            out_weight[a as usize] += w;
            out_weight[b as usize] += w;
        }
        let mut rank = vec![1.0f32; n];
        let mut share = vec![0f32; n];
        let mut next = vec![0f32; n];
        for _ in 0..ITERATIONS {
            for j in 0..n {
                share[j] = if out_weight[j] > 0.0 {
                    rank[j] / out_weight[j]
                } else {
                    0.0
                };
            }
            for i in 0..n {
                let inflow: f32 = neighbour[offsets[i]..offsets[i + 1]]
                    .iter()
                    .map(|&(j, w)| w * share[j as usize])
                    .sum();
                next[i] = (1.0 - DAMPING) + DAMPING * inflow;
            }
            std::mem::swap(&mut rank, &mut next);
        }
        let max = rank
            .iter()
            .copied()
            .fold(f32::MIN, f32::max)
            .max(f32::EPSILON);
        for r in &mut rank {
            *r /= max;
        }
        Self {
            index,
            weight: rank,
        }
    }

    /// Weight of a word by its id.
    pub fn weight(&self, word_id: u32) -> f32 {
        self.index
            .get(&word_id)
            .map_or(0.0, |&i| self.weight[i as usize])
    }
}

/// A clause's keywords, highest TextRank weight first (ties in text order).
pub fn keywords(sentence: &Tokenised, clause: &Clause, ranks: &TextRank) -> Vec<String> {
    let mut words: Vec<(&str, usize, f32)> = Vec::new();
    for (pos, t) in sentence.tokens_in(clause.start, clause.end).enumerate() {
        let word = sentence.word(t);
        if is_keyword(t) && !words.iter().any(|(w, _, _)| *w == word) {
            words.push((word, pos, ranks.weight(t.info.id)));
        }
    }
    words.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.1.cmp(&b.1)));
    words
        .into_iter()
        .take(MAX_KEYWORDS)
        .map(|(w, _, _)| w.to_owned())
        .collect()
}

/// Search terms, space-separated, in text order: tokens, then the dictionary words inside
/// long ones.
pub fn search_terms(sentence: &Tokenised, clause: &Clause) -> String {
    let mut terms = String::with_capacity((clause.end - clause.start) * 4);
    words::with_sub_words(|sub_words| {
        for t in sentence.tokens_in(clause.start, clause.end) {
            if t.pos == Pos::Punctuation {
                continue;
            }
            let word = sentence.word(t);
            if word.trim().is_empty() || word.contains(' ') {
                continue;
            }
            if !terms.is_empty() {
                terms.push(' ');
            }
            if word.bytes().any(|b| b.is_ascii_uppercase()) {
                terms.push_str(&word.to_lowercase());
            } else {
                terms.push_str(word);
            }
            terms.push_str(&sub_words[t.info.sub_words as usize]);
        }
    });
    terms
}
