//! Progress reports: every thread in scope as it stood on a date, a summary, and each
//! thread's history, written as HTML, Markdown, CSV, JSON or XLSX.
//!
//! The report reads the store in one read-only snapshot, in passes: the summary, the rows,
//! then the history. Each pass is a stream; a writer turns rows into bytes as they come and
//! hands them on in chunks (to a file, or to a web response), so no format but XLSX holds
//! the whole report.

mod csv;
mod html;
mod json;
mod markdown;
mod params;
mod xlsx;

use std::collections::HashMap;

use chrono::NaiveDate;
use futures_util::TryStreamExt;
use serde::Serialize;
use sqlx::{Connection, PgConnection};

use crate::analyst::followups::{EvidenceItem, FollowupStatus};
use crate::extract::lexicon::Lexicon;
use crate::link::status::Status;
use crate::store::StoreError;
use crate::store::report::{FollowupEvent, MentionEvent, Scope, ThreadFacts};
use crate::web::i18n::Lang;

pub use html::{Choice, WebLinks};
pub use params::{ParamError, RawParams, ReportParams};

/// What can go wrong while writing a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the report: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot build the spreadsheet: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("cannot render the report: {0}")]
    Render(#[from] askama::Error),
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write CSV: {0}")]
    Csv(#[from] ::csv::Error),
    /// The reader went away (the web response was dropped).
    #[error("the reader stopped reading")]
    Gone,
}

impl From<sqlx::Error> for ReportError {
    fn from(e: sqlx::Error) -> Self {
        ReportError::Store(e.into())
    }
}

/// The formats a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A print-ready document.
    Html,
    Markdown,
    /// The thread rows (UTF-8 with a byte-order mark).
    Csv,
    /// The history rows (UTF-8 with a byte-order mark).
    HistoryCsv,
    Json,
    Xlsx,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "html" => Some(Format::Html),
            "md" | "markdown" => Some(Format::Markdown),
            "csv" => Some(Format::Csv),
            "history.csv" => Some(Format::HistoryCsv),
            "json" => Some(Format::Json),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Markdown => "md",
            Format::Csv => "csv",
            Format::HistoryCsv => "history.csv",
            Format::Json => "json",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Csv | Format::HistoryCsv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// Which parts of the report this format holds.
    fn parts(self) -> Parts {
        match self {
            Format::Csv => Parts {
                summary: false,
                rows: true,
                history: false,
            },
            Format::HistoryCsv => Parts {
                summary: false,
                rows: false,
                history: true,
            },
            _ => Parts {
                summary: true,
                rows: true,
                history: true,
            },
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Parts {
    summary: bool,
    rows: bool,
    history: bool,
}

/// Where a thread stands on the report's date: the analysts' judgement when there is one,
/// else what the documents say.
#[derive(Debug, Clone, Serialize)]
pub struct Standing {
    /// A follow-up status (`partially_fulfilled` …) or a documents' status (`open` …).
    pub status: String,
    /// `analyst` or `documents`.
    pub source: &'static str,
    /// The compliance score: +1, 0, −1, or none.
    pub score: Option<i8>,
    /// Days past the deadline, when it has passed unfulfilled.
    pub days_overdue: Option<i64>,
}

impl Standing {
    pub fn of(t: &ThreadFacts, as_of: NaiveDate) -> Standing {
        let documents = Status::of(t.fulfilled_on, t.advanced_on, t.deadline, as_of);
        let assessed = t
            .assessed
            .as_deref()
            .and_then(|s| s.parse::<FollowupStatus>().ok());
        let done = match assessed {
            Some(s) => matches!(s, FollowupStatus::Fulfilled | FollowupStatus::Superseded),
            None => documents == Status::Fulfilled,
        };
        let days_overdue = t
            .deadline
            .filter(|d| *d < as_of && !done)
            .map(|d| (as_of - d).num_days());
        match assessed {
            Some(s) => Standing {
                status: s.to_string(),
                source: "analyst",
                score: s.compliance(),
                days_overdue,
            },
            None => Standing {
                status: documents.to_string(),
                source: "documents",
                score: match documents {
                    Status::Fulfilled => Some(1),
                    Status::InProgress => Some(0),
                    Status::Overdue => Some(-1),
                    Status::Open => None,
                },
                days_overdue,
            },
        }
    }

    /// Whether a `--status` filter value takes this thread: its status, or `overdue` for any
    /// thread past its deadline unfulfilled.
    fn matches(&self, wanted: &[String]) -> bool {
        wanted.is_empty()
            || wanted
                .iter()
                .any(|w| *w == self.status || (w == "overdue" && self.days_overdue.is_some()))
    }
}

/// Every status a report filters by: the analysts' scale, then the documents' own.
pub fn status_codes() -> Vec<&'static str> {
    let mut all: Vec<&str> = FollowupStatus::ALL.iter().map(|s| s.as_str()).collect();
    for s in Status::ALL {
        if !all.contains(&s.as_str()) {
            all.push(s.as_str());
        }
    }
    all
}

/// One row of the report: a thread's facts and its standing.
#[derive(Debug, Clone)]
pub struct Row {
    pub facts: ThreadFacts,
    pub standing: Standing,
}

/// The latest evidence of a row, in words: the newest follow-up evidence, else the newest
/// mention reporting progress.
#[derive(Debug, Clone, Serialize)]
pub struct LatestEvidence {
    pub title: String,
    pub date: Option<NaiveDate>,
    pub url: Option<String>,
    /// `followup`, or the relation of the mention (`advances`, `fulfils`).
    pub kind: String,
}

impl Row {
    pub fn latest_evidence(&self) -> Option<LatestEvidence> {
        if let Some(e) = &self.facts.evidence {
            return Some(LatestEvidence {
                title: e.title.clone(),
                date: e.date,
                url: Some(e.url.clone()).filter(|u| !u.is_empty()),
                kind: "followup".into(),
            });
        }
        Some(LatestEvidence {
            title: self.facts.progress_document.clone()?,
            date: self.facts.progress_date,
            url: None,
            kind: self.facts.progress_relation.clone()?,
        })
    }
}

/// The report's totals over the threads in scope.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub threads: u64,
    /// Threads by status (analysts' status where there is one), most first.
    pub by_status: Vec<Count>,
    /// Threads by topic, most first.
    pub by_topic: Vec<TopicCount>,
    pub fulfilled: u64,
    pub overdue: u64,
    /// Threads with an analyst's status.
    pub assessed: u64,
    /// Threads with a compliance score, and their mean score.
    pub scored: u64,
    pub mean_score: Option<f64>,
    /// Threads first stated, and mentions made, within the period.
    pub new_threads: u64,
    pub new_mentions: u64,
    #[serde(skip)]
    score_sum: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub key: String,
    pub threads: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicCount {
    pub topic: String,
    pub threads: u64,
    pub fulfilled: u64,
    pub overdue: u64,
}

impl Summary {
    /// The share of threads fulfilled, from 0 to 1.
    pub fn fulfilled_share(&self) -> Option<f64> {
        (self.threads > 0).then(|| self.fulfilled as f64 / self.threads as f64)
    }
}

#[derive(Default)]
struct Tally {
    summary: Summary,
    statuses: HashMap<String, u64>,
    topics: HashMap<String, (u64, u64, u64)>,
}

impl Tally {
    fn add(&mut self, row: &Row, scope: &Scope) {
        let s = &mut self.summary;
        s.threads += 1;
        let fulfilled = row.standing.status == "fulfilled";
        let overdue = row.standing.days_overdue.is_some();
        s.fulfilled += u64::from(fulfilled);
        s.overdue += u64::from(overdue);
        s.assessed += u64::from(row.standing.source == "analyst");
        if let Some(score) = row.standing.score {
            s.scored += 1;
            s.score_sum += i64::from(score);
        }
        let from = scope.from.unwrap_or(NaiveDate::MIN);
        let to = scope.to.unwrap_or(scope.as_of);
        s.new_threads += u64::from(row.facts.first_stated.is_some_and(|d| from <= d && d <= to));
        s.new_mentions += row.facts.mentions_in_period as u64;
        *self
            .statuses
            .entry(row.standing.status.clone())
            .or_default() += 1;
        let topic = self.topics.entry(row.facts.topic.clone()).or_default();
        topic.0 += 1;
        topic.1 += u64::from(fulfilled);
        topic.2 += u64::from(overdue);
    }

    fn finish(self) -> Summary {
        let mut s = self.summary;
        s.mean_score = (s.scored > 0).then(|| s.score_sum as f64 / s.scored as f64);
        let mut statuses: Vec<Count> = self
            .statuses
            .into_iter()
            .map(|(key, threads)| Count { key, threads })
            .collect();
        statuses.sort_by(|a, b| b.threads.cmp(&a.threads).then(a.key.cmp(&b.key)));
        s.by_status = statuses;
        let mut topics: Vec<TopicCount> = self
            .topics
            .into_iter()
            .map(|(topic, (threads, fulfilled, overdue))| TopicCount {
                topic,
                threads,
                fulfilled,
                overdue,
            })
            .collect();
        topics.sort_by(|a, b| b.threads.cmp(&a.threads).then(a.topic.cmp(&b.topic)));
        s.by_topic = topics;
        s
    }
}

/// One event of a thread's history.
#[derive(Debug, Clone)]
pub enum Event {
    Mention(MentionEvent),
    Followup(FollowupEvent),
}

impl Event {
    fn day(&self) -> Option<NaiveDate> {
        match self {
            Event::Mention(m) => m.date,
            Event::Followup(f) => Some(f.saved_at.date_naive()),
        }
    }
}

/// A thread as its history section names it.
#[derive(Debug, Clone)]
pub struct ThreadRef {
    pub id: i64,
    pub title: String,
}

/// One cell of a table row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(i64),
    Date(NaiveDate),
    Empty,
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    fn date(d: Option<NaiveDate>) -> Cell {
        d.map_or(Cell::Empty, Cell::Date)
    }

    /// The cell as plain text (dates as YYYY-MM-DD).
    pub fn plain(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// The columns of the threads table (label keys `report.col.*`).
pub const THREAD_COLUMNS: [&str; 16] = [
    "id",
    "title",
    "topic",
    "parties",
    "first_stated",
    "last_mentioned",
    "mentions",
    "target",
    "deadline",
    "status",
    "source",
    "score",
    "evidence",
    "evidence_url",
    "days_overdue",
    "mentions_in_period",
];

/// The columns of the history table.
pub const HISTORY_COLUMNS: [&str; 10] = [
    "thread",
    "thread_title",
    "date",
    "event",
    "what",
    "who",
    "text",
    "sources",
    "document",
    "version",
];

/// The thread columns the printed formats (HTML, Markdown) show; the CSV, JSON and XLSX
/// have all of them.
pub const SHOWN_COLUMNS: [&str; 12] = [
    "id",
    "title",
    "topic",
    "first_stated",
    "last_mentioned",
    "mentions",
    "target",
    "deadline",
    "status",
    "score",
    "evidence",
    "days_overdue",
];

/// The history columns a printed thread's section shows (the thread is its heading).
pub const SHOWN_HISTORY_COLUMNS: [&str; 6] = ["date", "event", "what", "who", "text", "sources"];

/// The `shown` columns of a row whose cells are in `all` order, as text with their column.
fn shown(all: &[&str], shown: &[&'static str], cells: &[Cell]) -> Vec<(&'static str, String)> {
    shown
        .iter()
        .filter_map(|c| {
            let i = all.iter().position(|x| x == c)?;
            Some((*c, cells[i].plain()))
        })
        .collect()
}

/// A thread row's cells, in [`THREAD_COLUMNS`] order.
pub fn thread_cells(l: &Labels, row: &Row) -> Vec<Cell> {
    let f = &row.facts;
    let s = &row.standing;
    let evidence = row.latest_evidence();
    vec![
        Cell::Number(f.id),
        Cell::text(f.title.clone()),
        Cell::text(l.topic(&f.topic)),
        Cell::text(l.parties(&f.parties)),
        Cell::date(f.first_stated),
        Cell::date(f.last_mentioned),
        Cell::Number(f.mentions),
        Cell::text(f.target.as_ref().map(|t| l.target(t)).unwrap_or_default()),
        match (l.deadline(f), f.deadline) {
            (Some(text), Some(d)) if text == d.to_string() => Cell::Date(d),
            (Some(text), _) => Cell::Text(text),
            _ => Cell::Empty,
        },
        Cell::text(l.status(&s.status)),
        Cell::text(l.source(s.source)),
        s.score.map_or(Cell::Empty, |n| Cell::Number(n.into())),
        Cell::text(evidence.as_ref().map(|e| l.evidence(e)).unwrap_or_default()),
        Cell::text(evidence.and_then(|e| e.url).unwrap_or_default()),
        s.days_overdue.map_or(Cell::Empty, Cell::Number),
        Cell::Number(f.mentions_in_period),
    ]
}

/// A history event's cells, in [`HISTORY_COLUMNS`] order.
pub fn history_cells(l: &Labels, thread: &ThreadRef, event: &Event) -> Vec<Cell> {
    let mut cells = vec![Cell::Number(thread.id), Cell::text(thread.title.clone())];
    match event {
        Event::Mention(m) => cells.extend([
            Cell::date(m.date),
            Cell::text(l.t("report.event.mention")),
            Cell::text(l.relation(&m.relation)),
            Cell::text(m.document_title.clone()),
            Cell::text(m.quote.clone()),
            Cell::Empty,
            Cell::Number(m.document_id),
            Cell::Empty,
        ]),
        Event::Followup(f) => cells.extend([
            Cell::Date(f.saved_at.date_naive()),
            Cell::text(if f.withdrawn {
                l.t("report.event.withdrawn")
            } else {
                l.t("report.event.followup")
            }),
            Cell::text(l.status(&f.status)),
            Cell::text(f.analyst.clone()),
            Cell::text(f.note.clone()),
            Cell::text(l.evidence_items(&f.evidence)),
            Cell::Empty,
            Cell::Text(format!("{}.{}", f.followup_id, f.version)),
        ]),
    }
    cells
}

/// Words for labels: the report's language and the lexicon's names.
#[derive(Clone, Copy)]
pub struct Labels {
    pub lang: Lang,
    pub lexicon: &'static Lexicon,
}

impl Labels {
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// The pages' labels in this language (topic and party names come from there).
    fn ui(&self) -> crate::web::i18n::Ui {
        crate::web::i18n::Ui::in_lang(self.lang, self.lexicon)
    }

    pub fn topic(&self, id: &str) -> String {
        self.ui().topic(id)
    }

    pub fn parties(&self, codes: &[String]) -> String {
        self.ui().parties(codes)
    }

    /// A status's name: an analyst's status or a documents' status.
    pub fn status(&self, code: &str) -> &'static str {
        if code.parse::<FollowupStatus>().is_ok() {
            self.t(&format!("fstatus.{code}"))
        } else {
            self.t(&format!("status.{code}"))
        }
    }

    pub fn relation(&self, code: &str) -> &'static str {
        self.t(&format!("relation.{code}"))
    }

    pub fn source(&self, source: &str) -> &'static str {
        self.t(&format!("report.source.{source}"))
    }

    pub fn target(&self, t: &crate::extract::TargetValue) -> String {
        crate::web::threads::target_words(self.lang, t)
    }

    /// The deadline as the thread words it, when the report's deadline is the thread's
    /// current one; else the date.
    pub fn deadline(&self, f: &ThreadFacts) -> Option<String> {
        let d = f.deadline?;
        Some(
            f.deadline_text()
                .map_or_else(|| d.to_string(), str::to_owned),
        )
    }

    pub fn evidence(&self, e: &LatestEvidence) -> String {
        let mut s = e.title.clone();
        if e.kind != "followup" {
            s = format!("{}: {s}", self.relation(&e.kind));
        }
        if let Some(d) = e.date {
            s.push_str(&format!(" ({d})"));
        }
        s
    }

    pub fn evidence_items(&self, items: &[EvidenceItem]) -> String {
        items
            .iter()
            .map(EvidenceItem::cite)
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// "57 commitments tracked: 12 fulfilled, 3 overdue."
    pub fn headline(&self, s: &Summary) -> String {
        self.t("report.headline")
            .replace("{n}", &s.threads.to_string())
            .replace("{f}", &s.fulfilled.to_string())
            .replace("{o}", &s.overdue.to_string())
    }

    /// The summary's figures as label and value.
    pub fn summary_lines(&self, s: &Summary) -> Vec<(&'static str, String)> {
        let share = s
            .fulfilled_share()
            .map_or(String::new(), |x| format!(" ({:.0}%)", x * 100.0));
        let mean = match s.mean_score {
            Some(m) => format!("{m:+.2} ({} {})", s.scored, self.t("report.scored")),
            None => "–".into(),
        };
        vec![
            (self.t("report.threads"), s.threads.to_string()),
            (
                self.t("report.fulfilled"),
                format!("{}{share}", s.fulfilled),
            ),
            (self.t("report.overdue"), s.overdue.to_string()),
            (self.t("report.mean_score"), mean),
            (self.t("report.assessed"), s.assessed.to_string()),
            (self.t("report.new_threads"), s.new_threads.to_string()),
            (self.t("report.new_mentions"), s.new_mentions.to_string()),
        ]
    }

    /// What the report covers, as label and value.
    pub fn scope_lines(&self, p: &ReportParams) -> Vec<(&'static str, String)> {
        let s = &p.scope;
        let mut lines = vec![(self.t("report.as_of"), s.as_of.to_string())];
        let period = match (s.from, s.to) {
            (None, None) => self.t("report.period_open").to_owned(),
            (from, to) => format!(
                "{} – {}",
                from.map_or(String::new(), |d| d.to_string()),
                to.map_or(String::new(), |d| d.to_string())
            ),
        };
        lines.push((self.t("report.period"), period));
        if let Some(t) = &s.topic {
            lines.push((self.t("common.topic"), self.topic(t)));
        }
        if let Some(party) = &s.party {
            lines.push((
                self.t("common.party"),
                self.parties(std::slice::from_ref(party)),
            ));
        }
        if !p.statuses.is_empty() {
            let names: Vec<&str> = p.statuses.iter().map(|c| self.status(c)).collect();
            lines.push((self.t("common.status"), names.join(", ")));
        }
        lines
    }
}

/// What a format does with the report's parts. Writers buffer bytes; the driver takes them
/// off in chunks.
trait Writer {
    fn head(&mut self, report: &ReportParams, summary: Option<&Summary>)
    -> Result<(), ReportError>;
    fn row(&mut self, row: &Row) -> Result<(), ReportError>;
    fn history_head(&mut self) -> Result<(), ReportError>;
    fn history(&mut self, thread: &ThreadRef, events: &[Event]) -> Result<(), ReportError>;
    fn finish(&mut self) -> Result<(), ReportError>;
    /// The bytes written so far and not yet taken.
    fn take(&mut self) -> Vec<u8>;
    /// How many bytes wait to be taken.
    fn pending(&self) -> usize;
}

/// Where a report's bytes go.
pub(crate) trait Sink {
    async fn put(&mut self, bytes: Vec<u8>) -> Result<(), ReportError>;
}

/// Bytes are handed on once this many wait.
const CHUNK: usize = 64 * 1024;

async fn flush(
    w: &mut dyn Writer,
    sink: &mut impl Sink,
    at_least: usize,
) -> Result<(), ReportError> {
    if w.pending() >= at_least.max(1) {
        sink.put(w.take()).await?;
    }
    Ok(())
}

/// The read-only snapshot a report reads (several reports may share one: the command line's
/// threads and history CSV files). Commit it (nothing to write) or drop it when done.
pub async fn snapshot(
    conn: &mut PgConnection,
) -> Result<sqlx::Transaction<'_, sqlx::Postgres>, ReportError> {
    Ok(conn
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await?)
}

/// Writes the report in `format` to `sink`, reading through `conn`: a [`snapshot`].
pub(crate) async fn write(
    conn: &mut PgConnection,
    params: &ReportParams,
    format: Format,
    labels: Labels,
    web: Option<WebLinks>,
    sink: &mut impl Sink,
) -> Result<(), ReportError> {
    let mut writer: Box<dyn Writer> = match format {
        Format::Html => Box::new(html::HtmlWriter::new(labels, web)),
        Format::Markdown => Box::new(markdown::MarkdownWriter::new(labels)),
        Format::Csv => Box::new(csv::CsvWriter::threads(labels)?),
        Format::HistoryCsv => Box::new(csv::CsvWriter::history(labels)?),
        Format::Json => Box::new(json::JsonWriter::new()),
        Format::Xlsx => Box::new(xlsx::XlsxWriter::new(labels)?),
    };
    let parts = format.parts();
    let summary = if parts.summary {
        let mut tally = Tally::default();
        let mut rows = crate::store::report::threads(&mut *conn, &params.scope);
        while let Some(facts) = rows.try_next().await? {
            let standing = Standing::of(&facts, params.scope.as_of);
            if standing.matches(&params.statuses) {
                tally.add(&Row { facts, standing }, &params.scope);
            }
        }
        Some(tally.finish())
    } else {
        None
    };
    writer.head(params, summary.as_ref())?;
    flush(writer.as_mut(), sink, 1).await?;

    let mut included: Vec<ThreadRef> = Vec::new();
    {
        let mut rows = crate::store::report::threads(&mut *conn, &params.scope);
        while let Some(facts) = rows.try_next().await? {
            let standing = Standing::of(&facts, params.scope.as_of);
            if !standing.matches(&params.statuses) {
                continue;
            }
            if parts.history {
                included.push(ThreadRef {
                    id: facts.id,
                    title: facts.title.clone(),
                });
            }
            if parts.rows {
                writer.row(&Row { facts, standing })?;
                flush(writer.as_mut(), sink, CHUNK).await?;
            }
        }
    }

    if parts.history {
        writer.history_head()?;
        let mut followups: HashMap<i64, Vec<FollowupEvent>> = HashMap::new();
        for f in crate::store::report::followups(&mut *conn, params.scope.as_of).await? {
            followups.entry(f.thread_id).or_default().push(f);
        }
        let ids: Vec<i64> = included.iter().map(|t| t.id).collect();
        let mut at = 0;
        let mut events: Vec<Event> = Vec::new();
        let mut mentions = crate::store::report::mentions(&mut *conn, &ids, params.scope.as_of);
        while let Some(m) = mentions.try_next().await? {
            while included[at].id != m.thread_id {
                emit_history(writer.as_mut(), &included[at], &mut events, &mut followups)?;
                at += 1;
            }
            events.push(Event::Mention(m));
            flush(writer.as_mut(), sink, CHUNK).await?;
        }
        drop(mentions);
        while at < included.len() {
            emit_history(writer.as_mut(), &included[at], &mut events, &mut followups)?;
            at += 1;
            flush(writer.as_mut(), sink, CHUNK).await?;
        }
    }
    writer.finish()?;
    flush(writer.as_mut(), sink, 1).await
}

/// Writes one thread's history: its mentions and follow-up versions by date (mentions first
/// on the same day, as the documents came before the judgement).
fn emit_history(
    w: &mut dyn Writer,
    thread: &ThreadRef,
    events: &mut Vec<Event>,
    followups: &mut HashMap<i64, Vec<FollowupEvent>>,
) -> Result<(), ReportError> {
    events.extend(
        followups
            .remove(&thread.id)
            .unwrap_or_default()
            .into_iter()
            .map(Event::Followup),
    );
    // Stable: mentions keep their thread order, follow-ups their saving order.
    events.sort_by_key(|e| (e.day(), matches!(e, Event::Followup(_))));
    w.history(thread, events)?;
    events.clear();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(
        deadline: Option<&str>,
        fulfilled: Option<&str>,
        assessed: Option<&str>,
    ) -> ThreadFacts {
        let d = |s: Option<&str>| s.map(|s| s.parse::<NaiveDate>().unwrap());
        ThreadFacts {
            id: 1,
            title: "t".into(),
            topic: "trade".into(),
            parties: vec![],
            deadline: d(deadline),
            current_deadline: d(deadline),
            current_deadline_text: None,
            target: None,
            first_stated: d(Some("2011-06-13")),
            last_mentioned: d(Some("2012-03-31")),
            mentions: 2,
            mentions_in_period: 2,
            fulfilled_on: d(fulfilled),
            advanced_on: None,
            assessed: assessed.map(str::to_owned),
            evidence: None,
            progress_relation: None,
            progress_date: None,
            progress_document: None,
        }
    }

    #[test]
    fn the_analysts_judgement_comes_first_and_overdue_is_past_the_deadline_undone() {
        let day: NaiveDate = "2016-01-31".parse().unwrap();
        let s = Standing::of(&facts(Some("2015-12-31"), None, None), day);
        assert_eq!(
            (s.status.as_str(), s.source, s.score),
            ("overdue", "documents", Some(-1))
        );
        assert_eq!(s.days_overdue, Some(31));
        let s = Standing::of(
            &facts(Some("2015-12-31"), None, Some("partially_fulfilled")),
            day,
        );
        assert_eq!(
            (s.status.as_str(), s.source, s.score),
            ("partially_fulfilled", "analyst", Some(0))
        );
        assert_eq!(
            s.days_overdue,
            Some(31),
            "partly done past the deadline is overdue"
        );
        for done in ["fulfilled", "superseded"] {
            let s = Standing::of(&facts(Some("2015-12-31"), None, Some(done)), day);
            assert_eq!(s.days_overdue, None, "{done}");
        }
        // The documents say fulfilled, the analyst says not: the analyst's word counts.
        let s = Standing::of(
            &facts(
                Some("2015-12-31"),
                Some("2015-06-01"),
                Some("not_fulfilled"),
            ),
            day,
        );
        assert_eq!(
            (s.status.as_str(), s.score, s.days_overdue),
            ("not_fulfilled", Some(-1), Some(31))
        );
        let s = Standing::of(&facts(Some("2015-12-31"), Some("2015-06-01"), None), day);
        assert_eq!(
            (s.status.as_str(), s.score, s.days_overdue),
            ("fulfilled", Some(1), None)
        );
        // Not due yet, and no deadline at all: open, not scored.
        let s = Standing::of(&facts(Some("2016-12-31"), None, None), day);
        assert_eq!(
            (s.status.as_str(), s.score, s.days_overdue),
            ("open", None, None)
        );
        let s = Standing::of(&facts(None, None, Some("unclear")), day);
        assert_eq!((s.status.as_str(), s.score), ("unclear", None));
        // A status filter of `overdue` takes overdue threads whatever their status.
        let s = Standing::of(&facts(Some("2015-12-31"), None, Some("in_progress")), day);
        assert!(s.matches(&["overdue".into()]) && s.matches(&["in_progress".into()]));
        assert!(!s.matches(&["open".into()]) && s.matches(&[]));
    }
}
