//! The document page's highlighting: a paragraph's text cut into plain pieces and extracted
//! units, and each unit's attributes put into words for its note.

use super::i18n::{Lang, Ui};
use crate::extract::{Kind, TargetValue, Timing};
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

/// A unit's attributes in words, in the page's language.
pub struct UnitNote {
    pub id: i64,
    pub number: usize,
    pub kind: Kind,
    pub kind_label: &'static str,
    /// How binding, for pledges.
    pub modality: Option<&'static str>,
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

/// A target as the note states it: the exact amount (English), or as written (Chinese).
fn target_words(lang: Lang, t: &TargetValue) -> String {
    match lang {
        Lang::En => {
            let amount = match t.high {
                Some(high) => format!("{}–{}", grouped(t.amount), grouped(high)),
                None => grouped(t.amount),
            };
            let mut s = match &t.metric {
                Some(m) => format!("{m}: {amount} {}", t.unit),
                None => format!("{amount} {}", t.unit),
            };
            if let Some(d) = t.deadline {
                s.push_str(&format!(" by {d}"));
            }
            s
        }
        Lang::Zh => {
            let mut s = match &t.metric {
                Some(m) => format!("{m}：{}", t.text),
                None => t.text.clone(),
            };
            if let Some(d) = t.deadline {
                s.push_str(&format!("（{d}年前）"));
            }
            s
        }
    }
}

fn timing_words(lang: Lang, t: &Timing) -> Vec<String> {
    let zh = lang == Lang::Zh;
    let mut out = Vec::new();
    if let Some(d) = t.deadline {
        out.push(if zh {
            format!("期限：{d}年底前")
        } else {
            format!("deadline: by the end of {d}")
        });
    }
    if let Some(d) = t.due {
        out.push(if zh {
            format!("日期：{d}")
        } else {
            format!("due: {d}")
        });
    }
    if let Some(r) = t.recurrence {
        let unit = format!("{:?}", r.unit).to_lowercase();
        out.push(match (zh, r.every) {
            (true, n) => {
                let unit = match unit.as_str() {
                    "year" => "年",
                    "month" => "个月",
                    "week" => "周",
                    _ => "天",
                };
                format!("每{n}{unit}一次")
            }
            (false, 1) => format!("recurs every {unit}"),
            (false, n) => format!("recurs every {n} {unit}s"),
        });
    }
    if let Some(u) = &t.urgency {
        out.push(if zh {
            format!("紧迫：{u}")
        } else {
            format!("urgency: {u}")
        });
    }
    for d in &t.past {
        out.push(if zh {
            format!("过去日期：{d}")
        } else {
            format!("past date: {d}")
        });
    }
    out
}

impl UnitNote {
    pub fn new(ui: &Ui, c: &StoredCommitment, number: usize) -> Self {
        let a = &c.attributes;
        let sep = match ui.lang {
            Lang::En => ", ",
            Lang::Zh => "、",
        };
        let join = |v: Vec<String>| v.join(sep);
        Self {
            id: c.id.0,
            number,
            kind: c.kind,
            kind_label: ui.t(&format!("kind.{}", c.kind)),
            modality: c
                .kind
                .is_pledge()
                .then(|| ui.t(&format!("modality.{}", c.modality))),
            confidence: (c.confidence * 100.0).round() as u32,
            actors: ui.parties(&c.actors),
            sub_actors: join(a.sub_actors.iter().map(|r| ui.role(r)).collect()),
            topic: ui.topic(&c.topic),
            secondary_topics: join(a.secondary_topics.iter().map(|t| ui.topic(t)).collect()),
            cues: a
                .cues
                .iter()
                .filter(|q| !q.word.is_empty())
                .map(|q| q.word.clone())
                .collect::<Vec<_>>()
                .join("、"),
            targets: a.targets.iter().map(|t| target_words(ui.lang, t)).collect(),
            timing: timing_words(ui.lang, &a.timing),
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

    /// One line for the hover summary.
    pub fn summary(&self) -> String {
        let mut s = format!("{} · {}", self.kind_label, self.topic);
        if let Some(m) = self.modality {
            s.push_str(&format!(" · {m}"));
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
