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
use super::{AppState, WebError, capitalised};
use crate::report::{self, Choice, Format, Labels, RawParams, ReportError, ReportParams, WebLinks};

/// Chunks waiting between the report and a slow reader.
const QUEUE: usize = 8;

/// Reports made at once: each holds a connection and a snapshot of the store while it is
/// read, so more wait their turn rather than take the pages' connections.
static REPORTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// A reader that takes no chunk for this long is dropped, and its connection freed.
const STALLED: std::time::Duration = std::time::Duration::from_secs(60);

struct Channel(mpsc::Sender<Result<Bytes, std::io::Error>>);

impl report::Sink for Channel {
    async fn put(&mut self, bytes: Vec<u8>) -> Result<(), ReportError> {
        match tokio::time::timeout(STALLED, self.0.send(Ok(Bytes::from(bytes)))).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) | Err(_) => Err(ReportError::Gone),
        }
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
    let as_of = params.scope.as_of;
    let turn = REPORTS
        .acquire()
        .await
        .map_err(|_| WebError::Internal("the report queue is closed".into()))?;
    let mut conn = state
        .pool
        .acquire()
        .await
        .map_err(|e| WebError::Store(e.into()))?;
    let (tx, mut rx) = mpsc::channel(QUEUE);
    let failure = tx.clone();
    actix_web::rt::spawn(async move {
        let mut sink = Channel(tx);
        let written = async {
            let mut snapshot = report::snapshot(&mut conn).await?;
            report::write(&mut snapshot, &params, format, labels, web, &mut sink).await?;
            Ok(snapshot.commit().await?)
        }
        .await;
        drop(conn);
        drop(turn);
        if let Err(e) = written
            && !matches!(e, ReportError::Gone)
        {
            tracing::error!("progress report failed: {e}");
            // The reader sees a broken download, never a report cut short that looks whole.
            let failed = failure.send(Err(std::io::Error::other("the report failed")));
            let _ = tokio::time::timeout(STALLED, failed).await;
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
            parameters: vec![DispositionParam::Filename(file_name(format, as_of))],
        });
    }
    Ok(response.streaming(body))
}

/// `pledgeline-progress-2026-11-01.xlsx`
pub fn file_name(format: Format, as_of: chrono::NaiveDate) -> String {
    format!("pledgeline-progress-{as_of}.{}", format.extension())
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
