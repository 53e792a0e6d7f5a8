//! A thread's description, from its mentions: title (a short phrase from the origin), topic,
//! parties, deadline and target (from the latest mention that states them), first stated and
//! last mentioned dates.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Link, LinkUnit, Relation};
use crate::extract::TargetValue;
use crate::ingest::PartialDate;

/// One mention of a thread: the unit (index into the caller's units), its relation, and the
/// link that attached it to an earlier mention (none for the origin).
#[derive(Debug, Clone, PartialEq)]
pub struct MentionPlan {
    pub unit: usize,
    pub relation: Relation,
    pub link: Option<Link>,
}

/// What a thread is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadSummary {
    pub title: String,
    pub topic: String,
    /// Party codes.
    pub parties: Vec<String>,
    pub deadline: Option<PartialDate>,
    pub target: Option<TargetValue>,
    pub first_stated: Option<NaiveDate>,
    pub last_mentioned: Option<NaiveDate>,
    /// The date of the first mention that fulfils it, and of the first that advances it: what
    /// the documents say of its progress, as of any date.
    #[serde(default)]
    pub fulfilled_on: Option<NaiveDate>,
    #[serde(default)]
    pub advanced_on: Option<NaiveDate>,
}

/// The earliest date of the mentions whose relation is `wanted`.
fn first_dated(
    mentions: impl Iterator<Item = (Relation, Option<NaiveDate>)>,
    wanted: Relation,
) -> Option<NaiveDate> {
    mentions
        .filter(|(r, _)| *r == wanted)
        .filter_map(|(_, d)| d)
        .min()
}

/// A thread as the linker plans it: mentions in document order, and its summary.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadPlan {
    pub mentions: Vec<MentionPlan>,
    pub summary: ThreadSummary,
}

/// Longest title, in characters (a longer phrase is cut at a word and gets "…").
pub const MAX_TITLE_CHARS: usize = 40;

pub fn summarise(units: &[LinkUnit], mentions: Vec<MentionPlan>) -> ThreadPlan {
    let origin = &units[mentions[0].unit];
    let mut topics: Vec<(&str, usize)> = Vec::new();
    for m in &mentions {
        let t = units[m.unit].topic.as_str();
        match topics.iter_mut().find(|(x, _)| *x == t) {
            Some(e) => e.1 += 1,
            None => topics.push((t, 1)),
        }
    }
    // Most frequent; ties go to the topic seen first (the origin's).
    let topic = topics
        .iter()
        .fold(None::<(&str, usize)>, |best, &(t, n)| match best {
            Some((_, b)) if b >= n => best,
            _ => Some((t, n)),
        })
        .map_or_else(|| origin.topic.clone(), |(t, _)| t.to_owned());
    let mut parties: Vec<String> = mentions
        .iter()
        .flat_map(|m| units[m.unit].parties())
        .collect();
    parties.sort();
    parties.dedup();
    let latest = |f: &dyn Fn(&LinkUnit) -> bool| {
        mentions.iter().rev().map(|m| &units[m.unit]).find(|u| f(u))
    };
    let target =
        latest(&|u| u.attributes.targets.iter().any(|t| t.deadline.is_some())).and_then(|u| {
            u.attributes
                .targets
                .iter()
                .find(|t| t.deadline.is_some())
                .cloned()
        });
    let deadline = latest(&|u| u.attributes.timing.deadline.is_some())
        .and_then(|u| u.attributes.timing.deadline);
    let dates: Vec<NaiveDate> = mentions.iter().filter_map(|m| units[m.unit].date).collect();
    let dated = || mentions.iter().map(|m| (m.relation, units[m.unit].date));
    ThreadPlan {
        summary: ThreadSummary {
            title: title(origin),
            topic,
            parties,
            deadline,
            target,
            first_stated: dates.iter().min().copied(),
            last_mentioned: dates.iter().max().copied(),
            fulfilled_on: first_dated(dated(), Relation::Fulfils),
            advanced_on: first_dated(dated(), Relation::Advances),
        },
        mentions,
    }
}

/// A thread's summary after mentions (`new`, indexes into `units`, in document order, with
/// their `relations`) are appended after its `count` mentions so far, as [`summarise`] would
/// give it for the whole thread: `topics` holds (topic, mentions, position of the first) of
/// the mentions so far.
pub fn extend(
    mut summary: ThreadSummary,
    mut topics: Vec<(String, i64, i32)>,
    units: &[LinkUnit],
    (new, relations): (&[usize], &[Relation]),
    count: i64,
) -> ThreadSummary {
    let dated = || relations.iter().zip(new).map(|(&r, &i)| (r, units[i].date));
    for (field, wanted) in [
        (&mut summary.fulfilled_on, Relation::Fulfils),
        (&mut summary.advanced_on, Relation::Advances),
    ] {
        if let Some(d) = first_dated(dated(), wanted) {
            *field = Some(field.map_or(d, |f| f.min(d)));
        }
    }
    for (k, &i) in new.iter().enumerate() {
        let t = &units[i].topic;
        match topics.iter_mut().find(|(x, _, _)| x == t) {
            Some(e) => e.1 += 1,
            None => topics.push((t.clone(), 1, (count + k as i64) as i32)),
        }
    }
    // Most frequent; ties go to the topic seen first.
    topics.sort_by(|x, y| y.1.cmp(&x.1).then(x.2.cmp(&y.2)));
    if let Some((t, _, _)) = topics.into_iter().next() {
        summary.topic = t;
    }
    summary
        .parties
        .extend(new.iter().flat_map(|&i| units[i].parties()));
    summary.parties.sort();
    summary.parties.dedup();
    let latest =
        |f: &dyn Fn(&LinkUnit) -> bool| new.iter().rev().map(|&i| &units[i]).find(|u| f(u));
    if let Some(u) = latest(&|u| u.attributes.targets.iter().any(|t| t.deadline.is_some())) {
        summary.target = u
            .attributes
            .targets
            .iter()
            .find(|t| t.deadline.is_some())
            .cloned();
    }
    if let Some(u) = latest(&|u| u.attributes.timing.deadline.is_some()) {
        summary.deadline = u.attributes.timing.deadline;
    }
    for d in new.iter().filter_map(|&i| units[i].date) {
        summary.first_stated = Some(summary.first_stated.map_or(d, |f| f.min(d)));
        summary.last_mentioned = Some(summary.last_mentioned.map_or(d, |l| l.max(d)));
    }
    summary
}

/// A short phrase from a unit: what follows its governing cue (双方商定尽快建立… →
/// 尽快建立…), up to the first comma when that leaves enough, without final punctuation.
pub fn title(unit: &LinkUnit) -> String {
    let text = unit.analysis_text.as_str();
    let chars: Vec<char> = text.chars().collect();
    // The unit's head cue, as an offset into the analysis text (cues are stored with body
    // offsets; the analysis text is the unit's text with line breaks removed, so search).
    let mut start = 0;
    if let Some(cue) = unit
        .attributes
        .cues
        .iter()
        .find(|c| c.role == "head" && !c.word.is_empty())
        && let Some(at) = text.find(cue.word.as_str())
    {
        let after = text[..at].chars().count() + cue.word.chars().count();
        // Keep the cue's object only when the cue opens the unit's first third.
        if after * 3 <= chars.len() * 2 && chars.len() - after >= 6 {
            start = after;
        }
    }
    let is_punct = |c: char| "，。；：、！？,.;:!? ".contains(c);
    while start < chars.len() && is_punct(chars[start]) {
        start += 1;
    }
    let rest = &chars[start..];
    let mut end = rest.len();
    if let Some(comma) = rest.iter().position(|&c| c == '，')
        && comma >= 8
    {
        end = comma;
    }
    while end > 0 && is_punct(rest[end - 1]) {
        end -= 1;
    }
    let phrase: String = rest[..end].iter().collect();
    if phrase.chars().count() > MAX_TITLE_CHARS {
        let cut: String = phrase.chars().take(MAX_TITLE_CHARS - 1).collect();
        format!("{cut}…")
    } else if phrase.is_empty() {
        text.trim().to_owned()
    } else {
        phrase
    }
}
