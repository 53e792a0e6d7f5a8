//! Classification of a unit from its cue words (`lexicon/cues.toml`).
//!
//! The rules, in order:
//! 1. **Head cue.** The earliest *head* cue of the clause decides the kind: a governing
//!    predicate such as 决定 / 将 (commitment), 重申 (reaffirmation), 支持 / 欢迎 (support),
//!    认为 / 指出 / 高度评价 (assessment). A phrase cue beats the words inside it (表示满意 is an
//!    assessment, not 表示 + 满意; 将是 is a prediction, not 将). Because the earliest head
//!    wins, a frame such as "双方指出，…对确保…意义重大" stays an assessment although 确保
//!    appears later.
//! 2. **Continuation.** A clause opening with a connective (并, 以及 …) and no head cue of its
//!    own takes the kind and modality of the clause before it.
//! 3. **Hedge only.** A clause whose only cues are hedges (探讨, 可行性 …) is a weak commitment.
//! 4. **Time signals.** With no head cue, a deadline, a future due date, a recurrence or an
//!    urgency word (尽快) makes a moderate commitment, unless the clause is explicitly past
//!    (了, 已).
//! 5. **Plain evidence.** Otherwise past markers (了, 已, 已经) or a past date make a reported
//!    fact; assessment predicates (…具有重要意义, 举措) an assessment; event verbs (举行, 签署)
//!    a reported fact; nothing at all, background.
//!
//! Modality: a pledge is `weak` when any hedge appears, otherwise the head cue's modality
//! (reaffirmations take the strongest pledge cue of the clause, `strong` by default).
//! Confidence starts from how the kind was decided and drops when head cues of other kinds
//! compete, when the kind was inherited, and when the sentence is truncated.

use chrono::{Datelike, NaiveDate};

use super::lexicon::{CueKind, Lexicon, Tier};
use super::time::{TimeExpr, TimeKind};
use super::units::{Clause, Pos, Tokenised};
use super::words::flag;
use super::{Kind, Modality, Recurrence, TimeMention, Timing, Unit};
use crate::ingest::{DatePrecision, PartialDate, Span};

/// A cue occurrence in a sentence (compact char offsets).
#[derive(Debug, Clone)]
pub struct CueHit<'s> {
    pub start: usize,
    pub end: usize,
    /// The cue as written in the sentence's analysis text.
    pub word: &'s str,
    pub cue_kind: CueKind,
    pub tier: Tier,
    pub modality: Option<Modality>,
}

/// Every cue in a sentence: whole-token words and phrases starting at a token boundary;
/// words inside a phrase hit are dropped in favour of the phrase.
pub fn cue_hits<'s>(lex: &Lexicon, sentence: &'s Tokenised) -> Vec<CueHit<'s>> {
    let hit = |start: usize, end: usize, word: &'s str, group: usize| {
        let g = &lex.cues[group];
        CueHit {
            start,
            end,
            word,
            cue_kind: g.kind,
            tier: g.tier,
            modality: g.modality,
        }
    };
    let chars = &sentence.sentence.chars;
    let text = sentence.sentence.text;
    let bytes =
        |from: usize, to: usize| chars[from..to].iter().map(|c| c.len_utf8()).sum::<usize>();
    let tokens = &sentence.tokens;
    // Phrases start at a token boundary: look only there.
    let phrases: Vec<CueHit> = tokens
        .iter()
        .filter(|t| t.has(flag::CUE_PHRASE_START))
        .filter_map(|t| {
            let (len, group) = lex.cue_phrases.longest_at(chars, t.start)?;
            let end = t.byte_start + bytes(t.start, t.start + len);
            Some(hit(t.start, t.start + len, &text[t.byte_start..end], group))
        })
        .collect();
    // Is start..end inside a longer phrase? Phrases are sorted by start, and none is longer
    // than the longest phrase, so only those starting shortly before need a look.
    let longest = phrases.iter().map(|p| p.end - p.start).max().unwrap_or(0);
    let covered = |start: usize, end: usize, len: usize| {
        let from = phrases.partition_point(|p| p.start + longest < start);
        phrases[from..]
            .iter()
            .take_while(|p| p.start <= start)
            .any(|p| end <= p.end && p.end - p.start > len)
    };
    let mut hits: Vec<CueHit<'s>> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if !t.has(flag::CUE) {
            continue;
        }
        let info = sentence.info(t);
        if !phrases.is_empty() && covered(t.start, t.end, t.end - t.start) {
            continue;
        }
        let word = sentence.word(t);
        if let Some(group) = info.cue {
            // 将 / 把 before a noun marks an object, not the future.
            let object_marker = info.object_marker
                && tokens.get(i + 1).is_some_and(|n| {
                    matches!(
                        n.pos,
                        Pos::Noun
                            | Pos::Place
                            | Pos::Organisation
                            | Pos::ProperNoun
                            | Pos::Person
                            | Pos::Idiom
                    ) && !n.has(flag::KEEPS_MARKER_A_CUE)
                });
            if !object_marker {
                hits.push(hit(t.start, t.end, word, group as usize));
            }
        } else if let Some((skip, group)) = info.glued_cue {
            // An adverb glued to a cue in one token (积极支持): the cue is the tail.
            let start = t.start + skip as usize;
            let from = t.byte_start + bytes(t.start, start);
            hits.push(hit(start, t.end, &text[from..t.byte_end], group as usize));
        } else if let Some((len, group)) = info.plain_tail {
            // A compound ending in plain evidence (法律基础 → 基础) still counts as evidence.
            let start = t.end - len as usize;
            let from = t.byte_end - bytes(start, t.end);
            hits.push(hit(start, t.end, &text[from..t.byte_end], group as usize));
        }
    }
    hits.extend(
        phrases
            .iter()
            .filter(|p| !covered(p.start, p.end, p.end - p.start))
            .cloned(),
    );
    hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
    hits.dedup_by_key(|h| h.start);
    // The last place each [[not_cue]]'s closing word occurs, found once per sentence that
    // has a hit on a not-cue word.
    if hits
        .iter()
        .any(|h| lex.not_cues.iter().any(|n| n.word == h.word))
    {
        let until_ends: Vec<Option<usize>> = lex
            .not_cues
            .iter()
            .map(|n| {
                text.rfind(n.until.as_str())
                    .map(|b| text[..b].chars().count())
            })
            .collect();
        hits.retain(|h| !neutralised(lex, chars, h, &until_ends));
    }
    hits
}

/// A hit on a `[[not_cue]]` word opening a clause whose `until` word follows in the sentence
/// (`until_ends`: where each one's closing word last starts, in chars).
fn neutralised(
    lex: &Lexicon,
    chars: &[char],
    hit: &CueHit<'_>,
    until_ends: &[Option<usize>],
) -> bool {
    let opens_clause = hit.start == 0 || matches!(chars[hit.start - 1], '，' | '：' | '；');
    opens_clause
        && lex
            .not_cues
            .iter()
            .zip(until_ends)
            .any(|(n, until)| n.word == hit.word && until.is_some_and(|u| u >= hit.end))
}

/// How the kind was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    Head,
    Inherited,
    Hedge,
    /// Plain evidence; `explicit_past` when 了 / 已 marked it.
    Plain {
        explicit_past: bool,
    },
    Nothing,
}

/// A cue as reported with the unit (clause-relative char offsets).
#[derive(Debug, Clone)]
pub struct ClassCue<'s> {
    pub word: &'s str,
    pub kind: Kind,
    pub role: &'static str,
    pub start: usize,
    pub end: usize,
}

/// The outcome of classification.
#[derive(Debug, Clone)]
pub struct Class<'s> {
    pub kind: Kind,
    pub modality: Modality,
    pub confidence: f32,
    pub basis: Basis,
    pub cues: Vec<ClassCue<'s>>,
    /// Sentence char offset of the deciding head cue.
    pub head_start: Option<usize>,
}

const PAST_MARKERS: &[&str] = &["了", "已", "已经", "举行了", "进行了", "签署了"];

fn strength(m: Option<Modality>) -> u8 {
    match m {
        Some(Modality::Strong) => 3,
        Some(Modality::Moderate) => 2,
        Some(Modality::Weak) => 1,
        _ => 0,
    }
}

/// Classifies one clause of a sentence.
pub fn classify<'s>(
    sentence: &Tokenised,
    hits: &[CueHit<'s>],
    clause: &Clause,
    previous_clause: Option<&Unit>,
) -> Class<'s> {
    let in_clause: Vec<&CueHit<'s>> = hits
        .iter()
        .filter(|h| h.start >= clause.start && h.end <= clause.end)
        .collect();
    let role = |t: Tier| match t {
        Tier::Head => "head",
        Tier::Plain => "plain",
        Tier::Hedge => "hedge",
    };
    let mut cues: Vec<ClassCue<'s>> = in_clause
        .iter()
        .map(|h| ClassCue {
            word: h.word,
            kind: h.cue_kind.kind(),
            role: role(h.tier),
            start: h.start - clause.start,
            end: h.end - clause.start,
        })
        .collect();
    let heads: Vec<&&CueHit<'s>> = in_clause.iter().filter(|h| h.tier == Tier::Head).collect();
    let hedged = in_clause.iter().any(|h| h.tier == Tier::Hedge);
    let truncation = if sentence.sentence.truncated {
        0.85
    } else {
        1.0
    };

    if let Some(&&first) = heads.first() {
        let head = framed_pledge(sentence, &heads, first).unwrap_or(first);
        let kind = head.cue_kind.kind();
        let modality = if !kind.is_pledge() {
            Modality::None
        } else if hedged {
            Modality::Weak
        } else if kind == Kind::Reaffirmation {
            heads
                .iter()
                .filter(|h| h.cue_kind != CueKind::Reaffirmation && h.cue_kind.kind().is_pledge())
                .map(|h| h.modality)
                .max_by_key(|m| strength(*m))
                .flatten()
                .unwrap_or(Modality::Strong)
        } else {
            head.modality.unwrap_or(Modality::Moderate)
        };
        let competing = heads.iter().any(|h| {
            let k = h.cue_kind.kind();
            k != kind && !(k.is_pledge() && kind.is_pledge())
        });
        let confidence = if competing { 0.75 } else { 0.9 };
        return Class {
            kind,
            modality,
            confidence: confidence * truncation,
            basis: Basis::Head,
            cues,
            head_start: Some(head.start),
        };
    }
    if clause.continuation
        && let Some(prev) = previous_clause
        && prev.kind != Kind::Background
    {
        cues.push(ClassCue {
            word: "",
            kind: prev.kind,
            role: "inherited",
            start: 0,
            end: 0,
        });
        return Class {
            kind: prev.kind,
            modality: if hedged && prev.kind.is_pledge() {
                Modality::Weak
            } else {
                prev.modality
            },
            confidence: prev.confidence * 0.9,
            basis: Basis::Inherited,
            cues,
            head_start: None,
        };
    }
    if hedged {
        return Class {
            kind: Kind::Commitment,
            modality: Modality::Weak,
            confidence: 0.6 * truncation,
            basis: Basis::Hedge,
            cues,
            head_start: None,
        };
    }
    let explicit_past = in_clause
        .iter()
        .any(|h| h.cue_kind == CueKind::Fact && PAST_MARKERS.contains(&h.word));
    // Chinese puts the predicate last: the last plain cue decides between fact and assessment.
    let last = in_clause
        .iter()
        .rev()
        .find(|h| matches!(h.cue_kind, CueKind::Fact | CueKind::Assessment));
    let (kind, confidence, basis) = match last.map(|h| h.cue_kind) {
        Some(CueKind::Assessment) => (Kind::Assessment, 0.6, Basis::Plain { explicit_past }),
        Some(_) if explicit_past => (Kind::ReportedFact, 0.7, Basis::Plain { explicit_past }),
        Some(_) => (Kind::ReportedFact, 0.55, Basis::Plain { explicit_past }),
        None => (Kind::Background, 0.5, Basis::Nothing),
    };
    Class {
        kind,
        modality: Modality::None,
        confidence: confidence * truncation,
        basis,
        cues,
        head_start: None,
    }
}

/// "双方强调，将…": an assessment frame whose complement opens with a strong commitment cue
/// states that commitment.
fn framed_pledge<'h, 's>(
    sentence: &Tokenised,
    heads: &[&&'h CueHit<'s>],
    frame: &'h CueHit<'s>,
) -> Option<&'h CueHit<'s>> {
    if frame.cue_kind != CueKind::Assessment
        || sentence.sentence.chars.get(frame.end) != Some(&'，')
    {
        return None;
    }
    heads
        .iter()
        .map(|h| **h)
        .find(|h| h.start > frame.end && h.start <= frame.end + 3)
        .filter(|h| h.cue_kind == CueKind::Commitment && h.modality == Some(Modality::Strong))
}

/// Applies rule 4 (time signals) and past dates once the unit's timing is known.
pub fn with_time_signals<'s>(mut class: Class<'s>, timing: &Timing) -> Class<'s> {
    let undecided = matches!(
        class.basis,
        Basis::Nothing
            | Basis::Plain {
                explicit_past: false
            }
    );
    let future = timing.deadline.is_some()
        || timing.due.is_some()
        || timing.recurrence.is_some()
        || timing.urgency.is_some();
    if undecided && future {
        class.kind = Kind::Commitment;
        class.modality = Modality::Moderate;
        class.confidence = class.confidence.max(0.6);
    } else if class.basis == Basis::Nothing && !timing.past.is_empty() {
        class.kind = Kind::ReportedFact;
        class.confidence = 0.6;
    }
    class
}

/// The last day of a partial date's period.
pub fn period_end(d: PartialDate) -> NaiveDate {
    let y = d.date.year();
    match d.precision {
        DatePrecision::Day => d.date,
        DatePrecision::Month => {
            let (ny, nm) = if d.date.month() == 12 {
                (y + 1, 1)
            } else {
                (y, d.date.month() + 1)
            };
            NaiveDate::from_ymd_opt(ny, nm, 1)
                .and_then(|n| n.pred_opt())
                .unwrap_or(d.date)
        }
        DatePrecision::Year => NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(d.date),
    }
}

/// Sorts a unit's time expressions into deadline, due date, recurrence, urgency and past dates,
/// relative to the document's date. `to_body` maps clause offsets to body offsets.
pub fn timing(
    times: &[TimeExpr],
    kind: Kind,
    reference: Option<NaiveDate>,
    to_body: &dyn Fn(usize, usize) -> Span,
) -> Timing {
    let mut timing = Timing::default();
    for t in times {
        let role = if t.in_name {
            "name"
        } else {
            match t.kind {
                TimeKind::Deadline => match t.date {
                    Some(d) if timing.deadline.is_none() => {
                        timing.deadline = Some(d);
                        "deadline"
                    }
                    _ => "deadline",
                },
                TimeKind::Recurrence => {
                    timing.recurrence.get_or_insert(Recurrence {
                        every: t.every.unwrap_or(1),
                        unit: t.unit.unwrap_or(super::time::PeriodUnit::Year),
                    });
                    "recurrence"
                }
                TimeKind::Urgency => {
                    timing.urgency.get_or_insert_with(|| t.text.clone());
                    "urgency"
                }
                TimeKind::Date | TimeKind::Period => {
                    let Some(d) = t.date else { continue };
                    let last = period_end(t.until.unwrap_or(d));
                    let is_period = t.kind == TimeKind::Period;
                    match reference {
                        Some(r) if last < r => {
                            timing.past.push(d);
                            "past"
                        }
                        Some(r) if d.date > r && !is_period => {
                            timing.due.get_or_insert(d);
                            "due"
                        }
                        _ if is_period => "period",
                        _ if kind.is_pledge() => {
                            timing.due.get_or_insert(d);
                            "due"
                        }
                        _ => {
                            timing.past.push(d);
                            "past"
                        }
                    }
                }
            }
        };
        let span = to_body(t.start, t.end);
        timing.mentions.push(TimeMention {
            text: t.text.clone(),
            role: role.to_owned(),
            start: span.start,
            end: span.end,
        });
    }
    timing
}
