//! Topic of a unit from the taxonomy of `topics.toml`: every token that is a topic word adds
//! its weight (3 for `strong` words, 1 for `keywords`), every organisation named adds 2 to its
//! topic. The highest score wins (ties go to the topic listed first); topics scoring at least
//! half of it are kept as secondary. A unit without topic words takes its context's topic,
//! else `political`.

use super::lexicon::{Hit, Lexicon};
use super::units::{Clause, Tokenised};
use super::words::flag;

/// Weight of an organisation for its topic.
const ORGANISATION_WEIGHT: u32 = 2;
/// Topic of a unit with neither topic words nor context.
pub const DEFAULT_TOPIC: &str = "political";

pub fn topic_of(
    lex: &Lexicon,
    sentence: &Tokenised,
    clause: &Clause,
    organisations: &[Hit<usize>],
    context: Option<&str>,
) -> (String, Vec<String>) {
    // On the stack for any taxonomy of a usual size.
    let mut small = [0u32; 32];
    let mut large = Vec::new();
    let scores: &mut [u32] = if lex.topics.len() <= small.len() {
        &mut small[..lex.topics.len()]
    } else {
        large.resize(lex.topics.len(), 0);
        &mut large
    };
    for t in sentence
        .tokens_in(clause.start, clause.end)
        .filter(|t| t.has(flag::TOPICS))
    {
        if let Some(list) = sentence.info(t).topics {
            for &(i, w) in &lex.topic_lists[list as usize] {
                scores[i] += w;
            }
        }
    }
    for o in organisations {
        if let Some(i) = lex.organisations[o.value]
            .topic
            .as_deref()
            .and_then(|t| lex.topic_index(t))
        {
            scores[i] += ORGANISATION_WEIGHT;
        }
    }
    let best = (0..scores.len()).max_by_key(|&i| (scores[i], std::cmp::Reverse(i)));
    match best {
        Some(b) if scores[b] > 0 => {
            let mut others: Vec<usize> = (0..scores.len())
                .filter(|&i| i != b && scores[i] * 2 >= scores[b] && scores[i] > 0)
                .collect();
            others.sort_by_key(|&i| (std::cmp::Reverse(scores[i]), i));
            (
                lex.topics[b].id.clone(),
                others
                    .into_iter()
                    .take(2)
                    .map(|i| lex.topics[i].id.clone())
                    .collect(),
            )
        }
        _ => (context.unwrap_or(DEFAULT_TOPIC).to_owned(), Vec::new()),
    }
}
