//! Extract layer: finds the statements of a document and describes each one as a structured
//! unit (a possible commitment). Pure and synchronous: text and values in, values out.
//!
//! Per document, [`Extractor::extract`]
//! 1. builds an *analysis text* aligned character for character with the stored body
//!    ([`normalize`]): traditional characters converted to simplified (OpenCC / MediaWiki
//!    tables via `zhconv`), ASCII punctuation used as Chinese punctuation made full-width;
//! 2. splits paragraphs into sentences and clauses ([`units`]), skipping web-page clutter
//!    lines, keeping quotes and brackets intact, and flagging a truncated last sentence;
//! 3. segments each sentence once with jieba (part-of-speech tags, domain dictionary);
//! 4. classifies each clause from its cue words ([`classify`]) and reads its attributes:
//!    actors ([`actors`]), topic ([`topics`]), quantitative targets ([`quantity`]), time
//!    ([`time`]), named instruments and organisations ([`instruments`]), keywords and search
//!    terms ([`keywords`]).
//!
//! Every offset in a [`Unit`] is a character offset into the stored body, end exclusive.
//! The rules are general and driven by the data files of `lexicon/` ([`lexicon`]).

pub mod actors;
pub mod classify;
pub mod instruments;
pub mod keywords;
pub mod lexicon;
pub mod normalize;
pub mod quantity;
mod scan;
pub mod time;
pub mod topics;
pub mod units;
pub mod words;

#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use chrono::NaiveDate;
use jieba_rs::Jieba;
use serde::{Deserialize, Serialize};

use crate::ingest::{Block, Metadata, PartialDate, Span};
pub use lexicon::{Lexicon, LexiconError, LexiconSource};

/// Bumped whenever the extraction rules change in a way that changes results.
pub const EXTRACTOR_VERSION: i32 = 4;

string_enum! {
    /// What kind of statement a unit is.
    pub enum Kind ("unit kind") {
        /// A party states a future action, obligation, target or a position it will hold.
        Commitment => "commitment",
        /// An explicit restatement of a commitment or position (重申 …).
        Reaffirmation => "reaffirmation",
        /// A party declares support for or welcomes something (支持, 欢迎 …).
        Support => "support",
        /// An evaluation, view or finding (认为, 指出, 高度评价, …具有重要意义).
        Assessment => "assessment",
        /// A report of something that happened or exists (举行了, 签署了 …).
        ReportedFact => "reported_fact",
        /// Framing or other text.
        Background => "background",
    }
}

impl Kind {
    /// Commitments, reaffirmations and support: statements about what a party will do or hold.
    pub const fn is_pledge(self) -> bool {
        matches!(self, Self::Commitment | Self::Reaffirmation | Self::Support)
    }
}

string_enum! {
    /// How binding a pledge is worded.
    pub enum Modality ("modality") {
        /// 决定, 商定, 将, 确保, 承诺 …
        Strong => "strong",
        /// 愿, 支持, 鼓励, 希望 …
        Moderate => "moderate",
        /// 探讨, …的可能性, 可行性 …
        Weak => "weak",
        /// Not a pledge (assessments, facts, background).
        None => "none",
    }
}

/// A cue word that took part in classifying a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cue {
    pub word: String,
    /// The kind the cue votes for.
    pub kind: Kind,
    /// `head`, `plain`, `hedge`, or `inherited` for a clause that took its kind from the
    /// clause before it.
    pub role: String,
    pub start: usize,
    pub end: usize,
}

/// A quantitative target or value found in a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetValue {
    /// What is measured, as written ("双边贸易额").
    pub metric: Option<String>,
    pub kind: quantity::QuantityKind,
    /// Normalised value: 400亿美元 → 40 000 000 000; 30% → 30.
    pub amount: f64,
    /// Upper bound of a range.
    pub high: Option<f64>,
    /// ISO currency code, `%`, or a unit of measure.
    pub unit: String,
    /// The currency when `kind` is money.
    pub currency: Option<String>,
    pub comparator: quantity::Comparator,
    pub direction: Option<quantity::Direction>,
    /// The unit's deadline, when it has one.
    pub deadline: Option<PartialDate>,
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// A recurrence such as 每两年举行一次 (every 2 years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recurrence {
    pub every: u32,
    pub unit: time::PeriodUnit,
}

/// A time expression as found, with its role for this unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeMention {
    pub text: String,
    /// `deadline`, `due`, `past`, `period`, `recurrence`, `urgency` or `name`.
    pub role: String,
    pub start: usize,
    pub end: usize,
}

/// What a unit says about time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// "By" date: 到2015年 / 2015年前 → 2015 (by the end of the period).
    pub deadline: Option<PartialDate>,
    /// When something is due to happen: 将于2014年举行 → 2014.
    pub due: Option<PartialDate>,
    pub recurrence: Option<Recurrence>,
    /// Open-ended urgency (尽快, 尽早 …), as written.
    pub urgency: Option<String>,
    /// Dates before the document's date: when reported facts happened.
    pub past: Vec<PartialDate>,
    pub mentions: Vec<TimeMention>,
}

/// A named instrument, project or organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instrument {
    /// `document` (a title in 《》), `name` (a name in “”) or `organisation`.
    pub kind: String,
    /// As written (inside the brackets).
    pub text: String,
    /// Matching key: party prefixes stripped, hyphenated place pairs ordered, aliases
    /// resolved (`org:sco`).
    pub key: String,
    pub start: usize,
    pub end: usize,
}

/// One statement of a document: a sentence, or a clause of a sentence that carries several.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// Position among the document's units, from 0.
    pub ordinal: u32,
    /// Index of the paragraph block.
    pub block: u32,
    /// The unit's range in the body.
    pub span: Span,
    /// The enclosing sentence's range (equal to `span` unless the unit is a clause).
    pub sentence: Span,
    /// Verbatim body text.
    pub text: String,
    /// The text that was analysed: simplified, full-width punctuation, line breaks removed.
    pub analysis_text: String,
    pub kind: Kind,
    pub modality: Modality,
    /// 0–1: how sure the rules are about `kind`.
    pub confidence: f32,
    /// Canonical parties: `both` or party codes (`CN`, `KZ` …).
    pub actors: Vec<String>,
    /// Topic id from `topics.toml`.
    pub topic: String,
    /// Content words ranked by importance, for linking.
    pub keywords: Vec<String>,
    /// jieba tokens and the sub-words of long ones, in order, separated by spaces: the
    /// full-text search terms.
    pub terms: String,
    pub attributes: Attributes,
}

/// The rest of what is known about a unit (stored as one JSON document).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Attributes {
    /// The sentence is the document's last and is cut off.
    pub truncated: bool,
    pub cues: Vec<Cue>,
    /// The actors were not named in the unit but taken from its context.
    pub actors_inherited: bool,
    /// Role ids from `actors.toml` (head_of_state, enterprises, banks …).
    pub sub_actors: Vec<String>,
    /// Other topics the unit touches, strongest first.
    pub secondary_topics: Vec<String>,
    pub targets: Vec<TargetValue>,
    pub timing: Timing,
    pub instruments: Vec<Instrument>,
}

impl Attributes {
    /// Matching keys for candidate lookup: instrument keys and `metric:` keys of targets,
    /// sorted, without repeats.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .instruments
            .iter()
            .map(|i| i.key.clone())
            .chain(
                self.targets
                    .iter()
                    .filter_map(|t| t.metric.as_ref().map(|m| format!("metric:{m}"))),
            )
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

/// What the extractor needs of a document.
#[derive(Debug, Clone, Copy)]
pub struct DocumentInput<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub blocks: &'a [Block],
    /// Signing date, else publication date: separates due dates from past ones and
    /// resolves 明年 and the like.
    pub date: Option<NaiveDate>,
}

impl<'a> DocumentInput<'a> {
    /// A document's input, dated by its signing date, else its publication date.
    pub fn new(meta: &'a Metadata, body: &'a str, blocks: &'a [Block]) -> Self {
        Self {
            title: &meta.title,
            body,
            blocks,
            date: meta.signed_on.or(meta.published.map(|p| p.date)),
        }
    }
}

/// The units of one document and what was learnt about the document as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    /// Parties of the document (codes), e.g. `["CN", "KZ"]`: what `both` stands for.
    pub parties: Vec<String>,
    /// The body was (partly) in traditional characters.
    pub traditional: bool,
    /// The title's search terms ([`Extractor::title_terms`]).
    pub title_terms: String,
    pub units: Vec<Unit>,
}

/// The loaded lexicon and segmenter. Loading takes a while; make one per process and share it.
pub struct Extractor {
    lexicon: Lexicon,
    jieba: Jieba,
    simplifier: normalize::Simplifier,
}

impl std::fmt::Debug for Extractor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extractor")
            .field("fingerprint", &self.lexicon.fingerprint)
            .finish_non_exhaustive()
    }
}

/// Default frequency for domain words added to jieba without one: high enough to keep
/// names whole.
const DOMAIN_WORD_FREQ: usize = 20_000;

impl Extractor {
    /// Loads the lexicon and jieba's dictionary with the domain words added.
    pub fn load(source: &LexiconSource) -> Result<Self, LexiconError> {
        let lexicon = Lexicon::load(source)?;
        let mut jieba = Jieba::new();
        jieba
            .load_dict(&mut lexicon.dict.as_bytes())
            .map_err(|e| LexiconError::Invalid {
                file: "dict.txt".into(),
                reason: e.to_string(),
            })?;
        for word in lexicon.extra_words() {
            if !jieba.has_word(word) {
                jieba.add_word(word, Some(DOMAIN_WORD_FREQ), Some("nz"));
            }
        }
        Ok(Self {
            lexicon,
            jieba,
            simplifier: normalize::Simplifier::new(),
        })
    }

    /// The extractor over the embedded lexicon, loaded on first use.
    pub fn embedded() -> &'static Self {
        static EMBEDDED: OnceLock<Extractor> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            Self::load(&LexiconSource::Embedded).expect("the embedded lexicon is checked by tests")
        })
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    pub fn jieba(&self) -> &Jieba {
        &self.jieba
    }

    pub fn simplifier(&self) -> &normalize::Simplifier {
        &self.simplifier
    }

    /// Hex fingerprint of extractor version and lexicon: equal fingerprints give equal results.
    pub fn fingerprint(&self) -> String {
        format!("v{EXTRACTOR_VERSION}-{}", &self.lexicon.fingerprint[..16])
    }

    /// Extracts every unit of a document. Deterministic: the same input gives the same output.
    pub fn extract(&self, doc: &DocumentInput<'_>) -> Extraction {
        // Before the word table is borrowed for the body.
        let title_terms = self.title_terms(doc.title);
        words::prepare(&self.lexicon);
        let segmented = self.segment(doc);
        let mut extraction =
            words::with_infos(|infos, sub_words| self.analyse(doc, &segmented, infos, sub_words));
        extraction.title_terms = title_terms;
        extraction
    }

    /// The searchable words of a short text (a query, a title) as units' search vectors hold
    /// them ([`keywords::search_terms`]): the text simplified and cut like a document's, each
    /// word lowercased where the lexicon says, with the dictionary words inside it. In text
    /// order, without repeats.
    fn words_with_insides(&self, text: &str) -> Vec<(String, Vec<String>)> {
        words::prepare(&self.lexicon);
        let analysis = normalize::AnalysisText::new(text, &self.simplifier);
        let text: String = analysis.chars.iter().collect();
        let cut = self.jieba.cut(&text, true);
        let tokens = units::tokens(cut, &self.lexicon, &self.jieba);
        words::with_infos(|infos, sub_words| {
            let mut out: Vec<(String, Vec<String>)> = Vec::new();
            for t in &tokens {
                if !t.has(words::flag::SEARCHABLE) {
                    continue;
                }
                let raw = &text[t.byte_start..t.byte_end];
                let word = if t.has(words::flag::LOWERCASE) {
                    raw.to_lowercase()
                } else {
                    raw.to_owned()
                };
                if word.trim().is_empty() || out.iter().any(|(w, _)| *w == word) {
                    continue;
                }
                let inside = if t.has(words::flag::SUB_WORDS) {
                    sub_words[infos[t.id as usize].sub_words as usize]
                        .split_whitespace()
                        .map(str::to_owned)
                        .collect()
                } else {
                    Vec::new()
                };
                out.push((word, inside));
            }
            out
        })
    }

    /// The search terms of a title, space-separated, as a unit's are: each word, then the
    /// dictionary words inside it.
    pub fn title_terms(&self, title: &str) -> String {
        let mut terms: Vec<String> = Vec::new();
        for (word, inside) in self.words_with_insides(title) {
            terms.push(word);
            terms.extend(inside);
        }
        terms.join(" ")
    }

    /// The words of a search query, as [`Self::title_terms`] cuts a text, each with the
    /// fewest dictionary words that make it up (so that 双边贸易额 can find a text cut as
    /// 双边 / 贸易额 too). Single Chinese characters are left out when there are other words.
    pub fn query_terms(&self, query: &str) -> Vec<QueryTerm> {
        let mut terms: Vec<QueryTerm> = self
            .words_with_insides(query)
            .into_iter()
            .map(|(word, inside)| {
                let inside: Vec<&str> = inside.iter().map(String::as_str).collect();
                QueryTerm {
                    parts: cover(&word, &inside),
                    word,
                }
            })
            .collect();
        // A single Chinese character beside other words is mostly a piece the query was cut
        // into differently from the text (400亿 → 400 / 亿, where the text has 400 / 亿美元):
        // requiring it would miss what the rest finds.
        let single = |t: &QueryTerm| {
            let mut chars = t.word.chars();
            matches!((chars.next(), chars.next()), (Some(c), None) if !c.is_ascii())
        };
        if terms.iter().any(|t| !single(t)) {
            terms.retain(|t| !single(t));
        }
        terms
    }

    /// Normalisation, sentences and tokens of one document.
    fn segment<'b>(&self, doc: &DocumentInput<'b>) -> Segmented<'b> {
        let analysis = normalize::AnalysisText::new(doc.body, &self.simplifier);
        let sentences = units::sentences(&analysis, doc.blocks, &self.lexicon.clutter);
        let tokens = sentences
            .iter()
            .map(|s| units::tokens(self.jieba.cut(s.text, true), &self.lexicon, &self.jieba))
            .collect();
        Segmented {
            analysis,
            sentences,
            tokens,
        }
    }

    /// Everything after segmentation, for one document.
    fn analyse(
        &self,
        doc: &DocumentInput<'_>,
        seg: &Segmented<'_>,
        infos: &[words::WordInfo],
        sub_words: &[Box<str>],
    ) -> Extraction {
        let tokenised: Vec<units::Tokenised> = seg
            .sentences
            .iter()
            .zip(&seg.tokens)
            .map(|(sentence, tokens)| units::Tokenised {
                sentence,
                tokens,
                infos,
                sub_words,
            })
            .collect();
        let parties = actors::document_parties(&self.lexicon, doc.title, &tokenised);
        let mut builder = Builder {
            extractor: self,
            doc,
            analysis: &seg.analysis,
            parties: &parties,
            units: Vec::new(),
        };
        for sentence in &tokenised {
            builder.sentence(sentence);
        }
        Extraction {
            parties: parties
                .iter()
                .map(|&i| self.lexicon.parties[i].code.clone())
                .collect(),
            traditional: seg.analysis.converted,
            title_terms: String::new(),
            units: builder.units,
        }
    }
}

/// The fewest of `inside` (words within `word`) that cover `word` exactly, end to end
/// (ties go to the longer first word): 双边贸易额 with 双边, 双边贸易, 贸易, 贸易额 → 双边,
/// 贸易额. Empty when they cannot cover it.
fn cover(word: &str, inside: &[&str]) -> Vec<String> {
    // best[i]: the fewest words covering word[..i] and the start of the last (byte offsets).
    let mut best: Vec<Option<(usize, usize)>> = vec![None; word.len() + 1];
    best[0] = Some((0, 0));
    for start in (0..word.len()).filter(|&i| word.is_char_boundary(i)) {
        let Some((n, _)) = best[start] else { continue };
        for w in inside.iter().filter(|w| word[start..].starts_with(**w)) {
            let end = start + w.len();
            if best[end].is_none_or(|(m, _)| n + 1 < m) {
                best[end] = Some((n + 1, start));
            }
        }
    }
    let mut parts = Vec::new();
    let mut end = word.len();
    while end > 0 {
        let Some((_, start)) = best[end] else {
            return Vec::new();
        };
        parts.push(word[start..end].to_owned());
        end = start;
    }
    parts.reverse();
    parts
}

/// One word of a search query, and the dictionary words that cover it (when it has some).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTerm {
    pub word: String,
    /// The fewest dictionary words inside `word` that make it up; a text cut into these
    /// words matches the query word too. Empty when no such words make it up.
    pub parts: Vec<String>,
}

/// A document segmented, awaiting analysis.
struct Segmented<'b> {
    analysis: normalize::AnalysisText<'b>,
    sentences: units::Sentences,
    tokens: Vec<Vec<units::Token>>,
}

/// State carried from unit to unit while a document is extracted.
struct Builder<'a> {
    extractor: &'a Extractor,
    doc: &'a DocumentInput<'a>,
    analysis: &'a normalize::AnalysisText<'a>,
    parties: &'a [usize],
    units: Vec<Unit>,
}

impl Builder<'_> {
    fn sentence(&mut self, sentence: &units::Tokenised) {
        let lex = &self.extractor.lexicon;
        let hits = classify::cue_hits(lex, sentence);
        let organisations = instruments::organisations(lex, sentence);
        let clauses = units::clauses(sentence, &hits, &organisations);
        let mut previous: Option<usize> = None;
        for clause in clauses {
            let context = previous.map(|i| &self.units[i]).or_else(|| {
                self.units
                    .last()
                    .filter(|u| u.block as usize == sentence.sentence.block)
            });
            // A clause continuing a statement (并…, or a sentence after ；) inherits from the
            // clause before it, in this sentence or the one before.
            let inherit_from = previous.map(|i| &self.units[i]).or(if clause.continuation {
                context
            } else {
                None
            });
            let unit = self.unit(
                sentence,
                &hits,
                &organisations,
                clause,
                inherit_from,
                context,
            );
            self.units.push(unit);
            previous = Some(self.units.len() - 1);
        }
    }

    fn unit(
        &self,
        sentence: &units::Tokenised,
        hits: &[classify::CueHit<'_>],
        organisations: &[lexicon::Hit<usize>],
        clause: units::Clause,
        previous_clause: Option<&Unit>,
        context: Option<&Unit>,
    ) -> Unit {
        let lex = &self.extractor.lexicon;
        let s = &sentence.sentence;
        let text_chars = &s.chars[clause.start..clause.end];
        let clause_text = sentence.text_of(clause.start, clause.end).to_owned();
        debug_assert_eq!(clause_text.chars().count(), text_chars.len());
        let body_span = s.body_span(clause.start, clause.end);
        let to_body = |a: usize, b: usize| s.body_span(clause.start + a, clause.start + b);

        let class = classify::classify(sentence, hits, &clause, previous_clause);
        let times = time::find_times_in(&clause_text, text_chars, self.doc.date);
        let timing = classify::timing(&times, class.kind, self.doc.date, &to_body);
        let class = classify::with_time_signals(class, &timing);
        let actor_set =
            actors::clause_actors(lex, sentence, &clause, class.head_start, self.parties);
        let (actor_list, inherited) = match actor_set {
            Some(a) => (a, false),
            None => (
                context
                    .map(|u| u.actors.clone())
                    .unwrap_or_else(|| vec![actors::BOTH.to_owned()]),
                true,
            ),
        };
        let sub_actors = actors::sub_actors(lex, sentence, &clause);
        // The sentence's organisations inside this clause, clause-relative.
        let orgs: Vec<lexicon::Hit<usize>> = organisations
            .iter()
            .filter(|h| h.start >= clause.start && h.end <= clause.end)
            .map(|h| lexicon::Hit {
                start: h.start - clause.start,
                end: h.end - clause.start,
                value: h.value,
            })
            .collect();
        let (topic, secondary_topics) = topics::topic_of(
            lex,
            sentence,
            &clause,
            &orgs,
            context.map(|u| u.topic.as_str()),
        );
        let mut found = instruments::titles_and_names(lex, text_chars);
        found.extend(
            orgs.iter()
                .map(|o| instruments::organisation_instrument(lex, text_chars, o)),
        );
        found.sort_by_key(|i| (i.start, i.end));
        let instruments = found
            .into_iter()
            .map(|mut i| {
                let span = to_body(i.start, i.end);
                i.start = span.start;
                i.end = span.end;
                i
            })
            .collect();
        let targets = quantity::find_targets_in(&clause_text, text_chars)
            .into_iter()
            .map(|t| {
                let q = t.quantity;
                let span = to_body(q.start, q.end);
                TargetValue {
                    metric: t.metric,
                    kind: q.kind,
                    amount: q.value,
                    high: q.high,
                    currency: (q.kind == quantity::QuantityKind::Money).then(|| q.unit.clone()),
                    unit: q.unit,
                    comparator: q.comparator,
                    direction: t.direction,
                    deadline: timing.deadline,
                    text: q.text,
                    start: span.start,
                    end: span.end,
                }
            })
            .collect();
        let cues = class
            .cues
            .iter()
            .map(|c| {
                let span = to_body(c.start, c.end);
                Cue {
                    word: c.word.to_owned(),
                    kind: c.kind,
                    role: c.role.to_owned(),
                    start: span.start,
                    end: span.end,
                }
            })
            .collect();
        Unit {
            ordinal: self.units.len() as u32,
            block: s.block as u32,
            span: body_span,
            sentence: s.body_span(0, s.chars.len()),
            text: self.analysis.body_slice(body_span).to_owned(),
            analysis_text: clause_text,
            kind: class.kind,
            modality: class.modality,
            confidence: class.confidence,
            actors: actor_list,
            topic,
            keywords: keywords::keywords(sentence, &clause),
            terms: keywords::search_terms(sentence, &clause),
            attributes: Attributes {
                truncated: s.truncated,
                cues,
                actors_inherited: inherited,
                sub_actors,
                secondary_topics,
                targets,
                timing,
                instruments,
            },
        }
    }
}
