//! Follow-ups: what happened after a commitment, as an analyst recorded it: a status on a
//! fixed scale, a note (Markdown), evidence items and the date of the next check.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

string_enum! {
    /// Where a commitment stands, as an analyst judged it.
    pub enum FollowupStatus ("follow-up status") {
        NotStarted => "not_started",
        InProgress => "in_progress",
        PartiallyFulfilled => "partially_fulfilled",
        Fulfilled => "fulfilled",
        NotFulfilled => "not_fulfilled",
        /// Replaced by a later commitment.
        Superseded => "superseded",
        /// The evidence does not allow a judgement.
        Unclear => "unclear",
    }
}

impl FollowupStatus {
    /// The compliance score in the style of the G7/G20 Research Group: +1 full (or nearly
    /// full) compliance, 0 partial compliance or work in progress, −1 no compliance or action
    /// against the commitment. Superseded and unclear commitments are not scored.
    pub fn compliance(self) -> Option<i8> {
        match self {
            FollowupStatus::Fulfilled => Some(1),
            FollowupStatus::InProgress | FollowupStatus::PartiallyFulfilled => Some(0),
            FollowupStatus::NotStarted | FollowupStatus::NotFulfilled => Some(-1),
            FollowupStatus::Superseded | FollowupStatus::Unclear => None,
        }
    }
}

/// One piece of evidence: where it is, what it is called, its date and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceItem {
    pub url: String,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub excerpt: String,
}

impl EvidenceItem {
    /// The item in one line: "title (date) <url>", the parts it has.
    pub fn cite(&self) -> String {
        let mut s = self.title.trim().to_owned();
        if let Some(d) = self.date {
            s.push_str(&format!(" ({d})"));
        }
        if !self.url.is_empty() {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&format!("<{}>", self.url));
        }
        s
    }
}

/// What an analyst writes in a follow-up, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowupContent {
    pub status: FollowupStatus,
    pub note: String,
    pub evidence: Vec<EvidenceItem>,
    pub next_follow_up: Option<NaiveDate>,
}

pub const MAX_NOTE: usize = 20_000;
pub const MAX_EVIDENCE: usize = 20;
const MAX_FIELD: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FollowupError {
    #[error("the note is longer than {MAX_NOTE} characters")]
    LongNote,
    #[error("at most {MAX_EVIDENCE} evidence items")]
    TooMuchEvidence,
    #[error("evidence {0}: a source address must start with http:// or https://")]
    BadUrl(usize),
    #[error("evidence {0}: give a source address or a title")]
    EmptyEvidence(usize),
    #[error("evidence {0}: a field is longer than {MAX_FIELD} characters")]
    LongField(usize),
    #[error("a follow-up needs a note or evidence")]
    Empty,
}

/// Checks a source address: absolute http(s) only, so no `javascript:` or `data:` link ever
/// reaches a page. Returns it trimmed.
pub fn check_url(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let host_ok = rest
        .split(['/', '?', '#'])
        .next()
        .is_some_and(|h| !h.is_empty());
    let clean = !url.chars().any(|c| c.is_control() || c.is_whitespace());
    (host_ok && clean).then(|| url.to_owned())
}

impl FollowupContent {
    /// Checks and tidies what a form gave: blank evidence rows are dropped.
    pub fn new(
        status: FollowupStatus,
        note: &str,
        evidence: Vec<EvidenceItem>,
        next_follow_up: Option<NaiveDate>,
    ) -> Result<FollowupContent, FollowupError> {
        let note = note.trim().replace("\r\n", "\n");
        if note.chars().count() > MAX_NOTE {
            return Err(FollowupError::LongNote);
        }
        let mut items = Vec::new();
        for (k, e) in evidence.into_iter().enumerate() {
            let n = k + 1;
            let (url, title, excerpt) = (e.url.trim(), e.title.trim(), e.excerpt.trim());
            if url.is_empty() && title.is_empty() && excerpt.is_empty() && e.date.is_none() {
                continue;
            }
            if [url, title, excerpt]
                .iter()
                .any(|f| f.chars().count() > MAX_FIELD)
            {
                return Err(FollowupError::LongField(n));
            }
            let url = if url.is_empty() {
                String::new()
            } else {
                check_url(url).ok_or(FollowupError::BadUrl(n))?
            };
            if url.is_empty() && title.is_empty() {
                return Err(FollowupError::EmptyEvidence(n));
            }
            items.push(EvidenceItem {
                url,
                title: title.to_owned(),
                date: e.date,
                excerpt: excerpt.to_owned(),
            });
        }
        if items.len() > MAX_EVIDENCE {
            return Err(FollowupError::TooMuchEvidence);
        }
        if note.is_empty() && items.is_empty() {
            return Err(FollowupError::Empty);
        }
        Ok(FollowupContent {
            status,
            note,
            evidence: items,
            next_follow_up,
        })
    }

    /// Where the follow-up stands on a timeline: the dates of its evidence, else `recorded`.
    pub fn timeline_dates(&self, recorded: NaiveDate) -> Vec<NaiveDate> {
        let mut dates: Vec<NaiveDate> = self.evidence.iter().filter_map(|e| e.date).collect();
        dates.sort_unstable();
        dates.dedup();
        if dates.is_empty() {
            dates.push(recorded);
        }
        dates
    }
}

/// A fulfilment criteria text, checked.
pub fn check_criteria(text: &str) -> Result<String, FollowupError> {
    let text = text.trim().replace("\r\n", "\n");
    if text.chars().count() > MAX_NOTE {
        return Err(FollowupError::LongNote);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_is_cited_with_the_parts_it_has() {
        let mut e = EvidenceItem {
            url: "https://example.org/a".into(),
            title: "统计公报".into(),
            date: Some("2015-12-31".parse().unwrap()),
            excerpt: String::new(),
        };
        assert_eq!(e.cite(), "统计公报 (2015-12-31) <https://example.org/a>");
        e.url.clear();
        e.date = None;
        assert_eq!(e.cite(), "统计公报");
    }

    fn item(url: &str, title: &str) -> EvidenceItem {
        EvidenceItem {
            url: url.into(),
            title: title.into(),
            date: None,
            excerpt: String::new(),
        }
    }

    #[test]
    fn compliance_follows_the_research_group_scale() {
        use FollowupStatus::*;
        assert_eq!(Fulfilled.compliance(), Some(1));
        assert_eq!(PartiallyFulfilled.compliance(), Some(0));
        assert_eq!(InProgress.compliance(), Some(0));
        assert_eq!(NotStarted.compliance(), Some(-1));
        assert_eq!(NotFulfilled.compliance(), Some(-1));
        assert_eq!(Superseded.compliance(), None);
        assert_eq!(Unclear.compliance(), None);
    }

    #[test]
    fn only_http_addresses_are_accepted() {
        assert_eq!(
            check_url(" https://example.org/a?b#c ").as_deref(),
            Some("https://example.org/a?b#c")
        );
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<script>",
            "https://",
            "//example.org",
            "http://exa mple.org",
            "http://example.org/\u{0}",
            "vbscript:x",
        ] {
            assert_eq!(check_url(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn content_is_checked_and_blank_rows_dropped() {
        let ok = FollowupContent::new(
            FollowupStatus::InProgress,
            "  note\r\n",
            vec![item("", ""), item("https://a.example/x", "")],
            None,
        )
        .unwrap();
        assert_eq!(ok.note, "note");
        assert_eq!(ok.evidence.len(), 1);
        assert_eq!(
            FollowupContent::new(
                FollowupStatus::Unclear,
                "n",
                vec![item("javascript:alert(1)", "t")],
                None
            ),
            Err(FollowupError::BadUrl(1))
        );
        assert_eq!(
            FollowupContent::new(FollowupStatus::Unclear, " ", vec![], None),
            Err(FollowupError::Empty)
        );
    }

    #[test]
    fn timeline_dates_are_the_evidence_dates() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut c = FollowupContent::new(
            FollowupStatus::Fulfilled,
            "x",
            vec![item("https://a.example", "")],
            None,
        )
        .unwrap();
        assert_eq!(c.timeline_dates(d("2020-01-01")), vec![d("2020-01-01")]);
        c.evidence[0].date = Some(d("2016-03-01"));
        assert_eq!(c.timeline_dates(d("2020-01-01")), vec![d("2016-03-01")]);
    }
}
