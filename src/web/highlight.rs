//! The document page's highlighting: a paragraph's text cut into plain pieces and extracted
//! units, and each unit's attributes put into words for its note.

use crate::extract::lexicon::Lexicon;
use crate::extract::{Kind, Modality, TargetValue, Timing};
use crate::ingest::Span;
use crate::store::commitments::StoredCommitment;

/// A piece of a paragraph: plain text, or the text of one unit.
pub enum Piece {
    Text(String),
    Unit {
        id: i64,
        /// Position of the unit on the page, from 1.
        number: usize,
        kind: Kind,
        text: String,
        /// Short summary shown on hover and focus.
        summary: String,
        /// The thread it belongs to: id and title.
        thread: Option<(i64, String)>,
    },
}

/// A unit's attributes in words.
pub struct UnitNote {
    pub id: i64,
    pub number: usize,
    pub kind: Kind,
    pub modality: Modality,
    pub confidence: u32,
    pub actors: String,
    pub sub_actors: String,
    pub topic: String,
    pub secondary_topics: String,
    pub cues: String,
    pub targets: Vec<String>,
    pub timing: Vec<String>,
    pub instruments: Vec<String>,
    pub keywords: String,
    pub truncated: bool,
    pub inherited: bool,
    /// The thread the unit belongs to: its id and title.
    pub thread: Option<(i64, String)>,
}

/// English and Chinese labels of a kind.
pub fn kind_label(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Commitment => ("Commitment", "承诺"),
        Kind::Reaffirmation => ("Reaffirmation", "重申"),
        Kind::Support => ("Support", "支持"),
        Kind::Assessment => ("Assessment", "评价"),
        Kind::ReportedFact => ("Reported fact", "事实"),
        Kind::Background => ("Background", "背景"),
    }
}

fn topic_label(lex: &Lexicon, id: &str) -> String {
    lex.topics
        .iter()
        .find(|t| t.id == id)
        .map_or_else(|| id.to_owned(), |t| format!("{} {}", t.en, t.zh))
}

/// A party code (or `both`) in words: "Kazakhstan 哈萨克斯坦".
pub fn actor_label(lex: &Lexicon, code: &str) -> String {
    if code == crate::extract::actors::BOTH {
        return "both parties 双方".to_owned();
    }
    lex.parties
        .iter()
        .find(|p| p.code == code)
        .map_or_else(|| code.to_owned(), |p| format!("{} {}", p.en, p.zh))
}

/// 40000000000 → "40,000,000,000".
fn grouped(value: f64) -> String {
    if value.fract() != 0.0 || value.abs() >= 1e18 {
        return format!("{value}");
    }
    let digits = format!("{}", value.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 { format!("-{out}") } else { out }
}

fn target_words(t: &TargetValue) -> String {
    let amount = match t.high {
        Some(high) => format!("{}–{}", grouped(t.amount), grouped(high)),
        None => grouped(t.amount),
    };
    let mut s = match &t.metric {
        Some(m) => format!("{m}: {amount} {}", t.unit),
        None => format!("{amount} {}", t.unit),
    };
    if let Some(d) = t.deadline {
        s.push_str(&format!(" by {}", d));
    }
    s
}

fn timing_words(t: &Timing) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(d) = t.deadline {
        out.push(format!("deadline: by the end of {}", d));
    }
    if let Some(d) = t.due {
        out.push(format!("due: {}", d));
    }
    if let Some(r) = t.recurrence {
        let unit = format!("{:?}", r.unit).to_lowercase();
        out.push(if r.every == 1 {
            format!("recurs every {unit}")
        } else {
            format!("recurs every {} {unit}s", r.every)
        });
    }
    if let Some(u) = &t.urgency {
        out.push(format!("urgency: {u}"));
    }
    for d in &t.past {
        out.push(format!("past date: {}", d));
    }
    out
}

impl UnitNote {
    pub fn new(lex: &Lexicon, c: &StoredCommitment, number: usize) -> Self {
        let a = &c.attributes;
        let join = |v: Vec<String>| v.join(", ");
        Self {
            id: c.id.0,
            number,
            kind: c.kind,
            modality: c.modality,
            confidence: (c.confidence * 100.0).round() as u32,
            actors: join(c.actors.iter().map(|x| actor_label(lex, x)).collect()),
            sub_actors: join(
                a.sub_actors
                    .iter()
                    .map(|r| {
                        lex.roles
                            .iter()
                            .find(|x| &x.id == r)
                            .map_or_else(|| r.clone(), |x| format!("{} {}", x.en, x.zh))
                    })
                    .collect(),
            ),
            topic: topic_label(lex, &c.topic),
            secondary_topics: join(
                a.secondary_topics
                    .iter()
                    .map(|t| topic_label(lex, t))
                    .collect(),
            ),
            cues: join(
                a.cues
                    .iter()
                    .filter(|q| !q.word.is_empty())
                    .map(|q| q.word.clone())
                    .collect(),
            ),
            targets: a.targets.iter().map(target_words).collect(),
            timing: timing_words(&a.timing),
            instruments: a
                .instruments
                .iter()
                .map(|i| format!("{} ({})", i.text, i.kind))
                .collect(),
            keywords: c.keywords.join("、"),
            truncated: a.truncated,
            inherited: a.actors_inherited,
            thread: None,
        }
    }

    pub fn kind_class(&self) -> &'static str {
        self.kind.as_str()
    }

    pub fn kind_en(&self) -> &'static str {
        kind_label(self.kind).0
    }

    pub fn kind_zh(&self) -> &'static str {
        kind_label(self.kind).1
    }

    /// One line for the hover summary.
    pub fn summary(&self) -> String {
        let mut s = format!("{} · {}", self.kind_en(), self.topic);
        if self.kind.is_pledge() {
            s.push_str(&format!(" · {}", self.modality));
        }
        if !self.actors.is_empty() {
            s.push_str(&format!(" · {}", self.actors));
        }
        if let Some(t) = self.timing.first() {
            s.push_str(&format!(" · {t}"));
        }
        if let Some((_, title)) = &self.thread {
            s.push_str(&format!(" · → {title}"));
        }
        s
    }
}

/// Cuts a paragraph block (its segments' text joined, as the page shows it) into pieces. Units
/// are given by body spans; a unit crossing a line break between segments stays one piece.
pub fn pieces(
    body: &[char],
    segments: &[Span],
    units: &[(&StoredCommitment, &UnitNote)],
) -> Vec<Piece> {
    // Body offset of every character of the block's text.
    let offsets: Vec<usize> = segments
        .iter()
        .flat_map(|s| s.start.min(body.len())..s.end.min(body.len()))
        .collect();
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut i = 0;
    while i < offsets.len() {
        let at = offsets[i];
        let unit = units
            .iter()
            .find(|(c, _)| c.span_start as usize <= at && at < c.span_end as usize);
        match unit {
            Some((c, note)) => {
                if !plain.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut plain)));
                }
                let mut text = String::new();
                while i < offsets.len() && offsets[i] < c.span_end as usize {
                    text.push(body[offsets[i]]);
                    i += 1;
                }
                out.push(Piece::Unit {
                    id: c.id.0,
                    number: note.number,
                    kind: c.kind,
                    text,
                    summary: note.summary(),
                    thread: note.thread.clone(),
                });
            }
            None => {
                plain.push(body[at]);
                i += 1;
            }
        }
    }
    if !plain.is_empty() {
        out.push(Piece::Text(plain));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped() {
        assert_eq!(grouped(40_000_000_000.0), "40,000,000,000");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(1.5), "1.5");
    }
}
