//! The report as JSON: the filters, the summary, one object per thread, and each thread's
//! full history. Codes, not labels, so that other tools can read it; the schema is in the
//! README ("Progress reports").

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::{Event, LatestEvidence, ReportError, ReportParams, Row, Summary, ThreadRef, Writer};
use crate::analyst::followups::EvidenceItem;
use crate::extract::TargetValue;

/// The version of the document's shape; it changes when a field changes meaning or goes.
pub const SCHEMA: &str = "pledgeline-progress-report/1";

#[derive(Serialize)]
struct Head<'a> {
    schema: &'static str,
    as_of: NaiveDate,
    filters: Filters<'a>,
    summary: Option<&'a Summary>,
}

#[derive(Serialize)]
struct Filters<'a> {
    topic: Option<&'a str>,
    party: Option<&'a str>,
    status: &'a [String],
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

#[derive(Serialize)]
struct ThreadJson<'a> {
    id: i64,
    url: String,
    title: &'a str,
    topic: &'a str,
    parties: &'a [String],
    first_stated: Option<NaiveDate>,
    last_mentioned: Option<NaiveDate>,
    mentions: i64,
    mentions_in_period: i64,
    target: Option<&'a TargetValue>,
    deadline: Option<NaiveDate>,
    deadline_text: Option<String>,
    status: &'a str,
    status_source: &'static str,
    score: Option<i8>,
    days_overdue: Option<i64>,
    latest_evidence: Option<LatestEvidence>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum EventJson<'a> {
    Mention {
        date: Option<NaiveDate>,
        relation: &'a str,
        position: i32,
        document_id: i64,
        document_title: &'a str,
        quote: &'a str,
    },
    Followup {
        date: NaiveDate,
        saved_at: DateTime<Utc>,
        followup_id: i64,
        version: i32,
        analyst: &'a str,
        status: &'a str,
        withdrawn: bool,
        note: &'a str,
        evidence: &'a [EvidenceItem],
    },
}

#[derive(Serialize)]
struct HistoryJson<'a> {
    thread: i64,
    title: &'a str,
    events: Vec<EventJson<'a>>,
}

pub(super) struct JsonWriter {
    out: Vec<u8>,
    first: bool,
}

impl JsonWriter {
    pub(super) fn new() -> JsonWriter {
        JsonWriter {
            out: Vec::new(),
            first: true,
        }
    }

    fn item(&mut self, value: &impl Serialize) -> Result<(), ReportError> {
        self.out
            .extend_from_slice(if self.first { b"\n" } else { b",\n" });
        self.first = false;
        serde_json::to_writer(&mut self.out, value)?;
        Ok(())
    }
}

impl Writer for JsonWriter {
    fn head(&mut self, p: &ReportParams, summary: Option<&Summary>) -> Result<(), ReportError> {
        let head = Head {
            schema: SCHEMA,
            as_of: p.scope.as_of,
            filters: Filters {
                topic: p.scope.topic.as_deref(),
                party: p.scope.party.as_deref(),
                status: &p.statuses,
                from: p.scope.from,
                to: p.scope.to,
            },
            summary,
        };
        let mut text = serde_json::to_vec(&head)?;
        // Keep the object open for the threads.
        text.pop();
        self.out.extend_from_slice(&text);
        self.out.extend_from_slice(b",\"threads\":[");
        Ok(())
    }

    fn row(&mut self, row: &Row) -> Result<(), ReportError> {
        let f = &row.facts;
        let deadline_text = f.deadline_text().map(str::to_owned);
        self.item(&ThreadJson {
            id: f.id,
            url: format!("/threads/{}", f.id),
            title: &f.title,
            topic: &f.topic,
            parties: &f.parties,
            first_stated: f.first_stated,
            last_mentioned: f.last_mentioned,
            mentions: f.mentions,
            mentions_in_period: f.mentions_in_period,
            target: f.target.as_ref(),
            deadline: f.deadline,
            deadline_text,
            status: &row.standing.status,
            status_source: row.standing.source,
            score: row.standing.score,
            days_overdue: row.standing.days_overdue,
            latest_evidence: row.latest_evidence(),
        })
    }

    fn history_head(&mut self) -> Result<(), ReportError> {
        self.out.extend_from_slice(b"\n],\"history\":[");
        self.first = true;
        Ok(())
    }

    fn history(&mut self, thread: &ThreadRef, events: &[Event]) -> Result<(), ReportError> {
        let events = events
            .iter()
            .map(|e| match e {
                Event::Mention(m) => EventJson::Mention {
                    date: m.date,
                    relation: &m.relation,
                    position: m.position,
                    document_id: m.document_id,
                    document_title: &m.document_title,
                    quote: &m.quote,
                },
                Event::Followup(f) => EventJson::Followup {
                    date: f.saved_at.date_naive(),
                    saved_at: f.saved_at,
                    followup_id: f.followup_id,
                    version: f.version,
                    analyst: &f.analyst,
                    status: &f.status,
                    withdrawn: f.withdrawn,
                    note: &f.note,
                    evidence: &f.evidence,
                },
            })
            .collect();
        self.item(&HistoryJson {
            thread: thread.id,
            title: &thread.title,
            events,
        })
    }

    fn finish(&mut self) -> Result<(), ReportError> {
        self.out.extend_from_slice(b"\n]}\n");
        Ok(())
    }

    fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    fn pending(&self) -> usize {
        self.out.len()
    }
}
