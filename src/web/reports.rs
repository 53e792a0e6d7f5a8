//! `/reports/progress`: the progress report with its filters, as a print-ready page, and the
//! same report as Markdown, CSV (threads, history), JSON or XLSX at `/reports/progress.EXT`.
//! The report is written as it is read and sent in chunks, so a report over every thread
//! starts arriving after the summary is counted, and never sits whole in memory (XLSX aside:
//! a workbook is a zip, finished at the end).

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::web::{Bytes, Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::i18n::Lang;
use super::{AppState, WebError};
use crate::report::{self, Choice, Format, Labels, RawParams, ReportError, ReportParams, WebLinks};

/// Chunks waiting between the report and a slow reader.
const QUEUE: usize = 8;

struct Channel(mpsc::Sender<Result<Bytes, std::io::Error>>);

impl report::Sink for Channel {
    async fn put(&mut self, bytes: Vec<u8>) -> Result<(), ReportError> {
        self.0
            .send(Ok(Bytes::from(bytes)))
            .await
            .map_err(|_| ReportError::Gone)
    }
}

pub async fn progress(
    req: HttpRequest,
    state: Data<AppState>,
    query: Query<RawParams>,
) -> Result<HttpResponse, WebError> {
    respond(req, state, query.into_inner(), Format::Html).await
}

pub async fn progress_as(
    req: HttpRequest,
    state: Data<AppState>,
    ext: Path<String>,
    query: Query<RawParams>,
) -> Result<HttpResponse, WebError> {
    let format = Format::parse(&ext).ok_or(WebError::NotFound)?;
    respond(req, state, query.into_inner(), format).await
}

async fn respond(
    req: HttpRequest,
    state: Data<AppState>,
    raw: RawParams,
    format: Format,
) -> Result<HttpResponse, WebError> {
    let lexicon = state.extractor.lexicon();
    let today = chrono::Local::now().date_naive();
    let params = ReportParams::parse(&raw, lexicon, today)
        .map_err(|e| WebError::BadRequest(format!("{}.", capitalised(&e.to_string()))))?;
    let labels = Labels {
        lang: Lang::of(&req),
        lexicon,
    };
    let web = (format == Format::Html).then(|| web_links(&params, &labels));
    let mut conn = state
        .pool
        .acquire()
        .await
        .map_err(|e| WebError::Store(e.into()))?;
    let (tx, mut rx) = mpsc::channel(QUEUE);
    let failure = tx.clone();
    actix_web::rt::spawn(async move {
        let mut sink = Channel(tx);
        match report::write(&mut conn, &params, format, labels, web, &mut sink).await {
            Ok(()) | Err(ReportError::Gone) => {}
            Err(e) => {
                tracing::error!("progress report failed: {e}");
                // The reader sees a broken download, never a report cut short that looks whole.
                let _ = failure
                    .send(Err(std::io::Error::other("the report failed")))
                    .await;
            }
        }
    });
    // The first chunk (the head, after the summary is counted) decides between the report
    // and an error page.
    let first = match rx.recv().await {
        Some(Ok(bytes)) => bytes,
        Some(Err(_)) | None => {
            return Err(WebError::Internal("the progress report failed".into()));
        }
    };
    let rest = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let body =
        futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) }).chain(rest);
    let mut response = HttpResponse::Ok();
    response.content_type(format.content_type());
    response.insert_header((header::CACHE_CONTROL, "private, no-cache"));
    if format != Format::Html {
        response.insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(file_name(
                format,
                &params_date(&raw, today),
            ))],
        });
    }
    Ok(response.streaming(body))
}

/// The as-of date a download's name carries.
fn params_date(raw: &RawParams, today: chrono::NaiveDate) -> String {
    raw.as_of
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map_or_else(|| today.to_string(), str::to_owned)
}

/// `pledgeline-progress-2026-11-01.xlsx`
pub fn file_name(format: Format, as_of: &str) -> String {
    format!("pledgeline-progress-{as_of}.{}", format.extension())
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn web_links(p: &ReportParams, l: &Labels) -> WebLinks {
    let choice = |value: &str, label: String, selected: bool| Choice {
        value: value.to_owned(),
        label,
        selected,
    };
    WebLinks {
        query: p.query(),
        topics: l
            .lexicon
            .topics
            .iter()
            .map(|t| {
                choice(
                    &t.id,
                    l.topic(&t.id),
                    p.scope.topic.as_deref() == Some(&t.id),
                )
            })
            .collect(),
        parties: l
            .lexicon
            .parties
            .iter()
            .map(|x| {
                choice(
                    &x.code,
                    l.parties(std::slice::from_ref(&x.code)),
                    p.scope.party.as_deref() == Some(&x.code),
                )
            })
            .collect(),
        statuses: report::status_codes()
            .into_iter()
            .map(|s| choice(s, l.status(s).to_owned(), p.statuses == [s]))
            .collect(),
    }
}
