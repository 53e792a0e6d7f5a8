//! Actors: who makes a statement, normalised to canonical parties.
//!
//! `both` stands for all parties of the document (双方, 两国, 中哈 …); a single party is its
//! code (中方, 中国, 中华人民共和国 → `CN`). The subject is read from the clause up to its head
//! cue; a clause without one inherits the actors of its context (see [`super::Builder`]).
//! Sub-actors are the roles of `actors.toml` (heads of state, governments, enterprises,
//! banks …) named anywhere in the clause.

use super::lexicon::{ActorRef, Lexicon};
use super::units::{Clause, Pos, Tokenised};
use super::words::flag;

/// The canonical actor for "all parties of the document".
pub const BOTH: &str = "both";

/// The parties of a document, as indexes into [`Lexicon::parties`] in lexicon order: those
/// named in the title when it names two or more, else the title's party plus the parties the
/// body names at least twice (at most four).
pub fn document_parties(lex: &Lexicon, title: &str, sentences: &[Tokenised]) -> Vec<usize> {
    let mut in_title: Vec<usize> = Vec::new();
    let title: Vec<char> = title.chars().collect();
    for hit in lex.party_names.find(&title) {
        match hit.value {
            ActorRef::Party(i) => in_title.push(i),
            ActorRef::Pair(a, b) => in_title.extend([a, b]),
            _ => {}
        }
    }
    in_title.sort_unstable();
    in_title.dedup();
    if in_title.len() >= 2 {
        return in_title;
    }
    let mut counts = vec![0usize; lex.parties.len()];
    for s in sentences {
        for t in s.tokens.iter().filter(|t| t.has(flag::ACTOR)) {
            match s.info(t).actor {
                Some(ActorRef::Party(i)) => counts[i] += 1,
                Some(ActorRef::Pair(a, b)) => {
                    counts[a] += 1;
                    counts[b] += 1;
                }
                _ => {}
            }
        }
    }
    let mut ranked: Vec<usize> = (0..counts.len())
        .filter(|&i| counts[i] >= 2 && !in_title.contains(&i))
        .collect();
    ranked.sort_by_key(|&i| (std::cmp::Reverse(counts[i]), i));
    let mut parties = in_title;
    parties.extend(
        ranked
            .into_iter()
            .take(4usize.saturating_sub(parties.len())),
    );
    parties.sort_unstable();
    parties
}

/// The actors named as the clause's subject (before its head cue, else before its first
/// verb), or `None` when it names none.
pub fn clause_actors(
    lex: &Lexicon,
    sentence: &Tokenised,
    clause: &Clause,
    head_start: Option<usize>,
    doc_parties: &[usize],
) -> Option<Vec<String>> {
    let end = head_start.unwrap_or_else(|| {
        sentence
            .tokens_in(clause.start, clause.end)
            .find(|t| t.pos == Pos::Verb)
            .map_or(clause.end, |t| t.start)
    });
    let mut both = false;
    let mut parties: Vec<usize> = Vec::new();
    for t in sentence
        .tokens_in(clause.start, end.max(clause.start))
        .filter(|t| t.has(flag::PARTIES))
    {
        match sentence.info(t).parties {
            Some(ActorRef::Both) => both = true,
            Some(ActorRef::Party(i)) => parties.push(i),
            Some(ActorRef::Pair(a, b)) => {
                if doc_parties.contains(&a) && doc_parties.contains(&b) {
                    both = true;
                } else {
                    parties.extend([a, b]);
                }
            }
            _ => {}
        }
    }
    parties.sort_unstable();
    parties.dedup();
    if both || (parties.len() >= 2 && parties == doc_parties) {
        return Some(vec![BOTH.to_owned()]);
    }
    if parties.is_empty() {
        return None;
    }
    Some(
        parties
            .iter()
            .map(|&i| lex.parties[i].code.clone())
            .collect(),
    )
}

/// Role ids of the sub-actors named in the clause, in order of first mention.
pub fn sub_actors(lex: &Lexicon, sentence: &Tokenised, clause: &Clause) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in sentence
        .tokens_in(clause.start, clause.end)
        .filter(|t| t.has(flag::ROLE))
    {
        if let Some(i) = sentence.info(t).role {
            let id = &lex.roles[i as usize].id;
            if !out.contains(id) {
                out.push(id.clone());
            }
        }
    }
    out
}
