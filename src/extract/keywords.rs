//! Keywords and search terms.
//!
//! Keywords are a unit's content words (nouns, verbs, verbal nouns, proper nouns, idioms of two
//! or more characters that are neither stop words nor actor names), ranked by TF-IDF with the
//! unit as the document: occurrences in the unit times the word's inverse document frequency,
//! taken from jieba's dictionary (a word's frequency in jieba's reference corpus of news text;
//! words jieba does not know get the frequency of their parts, so new names rank high). The
//! weight is worked out once per distinct word ([`super::words::WordInfo::idf`]), so ranking
//! costs a sort of a unit's few content words and needs no second segmentation pass.
//!
//! Search terms are every non-punctuation token, followed by the dictionary words inside
//! tokens of three or more characters (贸易额 → 贸易额, 贸易), as jieba's search mode does, so
//! that a two-character query (双边, 贸易) finds longer words.

use super::units::{Clause, Tokenised};
use super::words::flag;

/// Keywords kept per unit.
pub const MAX_KEYWORDS: usize = 8;

/// A clause's keywords, highest TF-IDF first (ties in text order).
pub fn keywords(sentence: &Tokenised, clause: &Clause) -> Vec<String> {
    struct Candidate<'a> {
        id: u32,
        word: &'a str,
        count: u32,
        idf: u16,
    }
    // In order of first occurrence, so that a stable sort leaves ties in text order.
    let mut words: Vec<Candidate> = Vec::new();
    for t in sentence.tokens_in(clause.start, clause.end) {
        if !t.has(flag::KEYWORD) {
            continue;
        }
        match words.iter_mut().find(|w| w.id == t.id) {
            Some(w) => w.count += 1,
            None => words.push(Candidate {
                id: t.id,
                word: sentence.word(t),
                count: 1,
                idf: sentence.info(t).idf,
            }),
        }
    }
    words.sort_by_key(|w| std::cmp::Reverse(w.count * u32::from(w.idf)));
    words
        .iter()
        .take(MAX_KEYWORDS)
        .map(|w| w.word.to_owned())
        .collect()
}

/// Search terms, space-separated, in text order: tokens, then the dictionary words inside
/// long ones.
pub fn search_terms(sentence: &Tokenised, clause: &Clause) -> String {
    let mut terms = String::with_capacity((clause.end - clause.start) * 4);
    for t in sentence.tokens_in(clause.start, clause.end) {
        if !t.has(flag::SEARCHABLE) {
            continue;
        }
        if !terms.is_empty() {
            terms.push(' ');
        }
        let word = sentence.word(t);
        if t.has(flag::LOWERCASE) {
            terms.push_str(&word.to_lowercase());
        } else {
            terms.push_str(word);
        }
        if t.has(flag::SUB_WORDS) {
            terms.push_str(&sentence.sub_words[sentence.info(t).sub_words as usize]);
        }
    }
    terms
}
