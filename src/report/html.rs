//! The report as one print-ready HTML document: its own stylesheet (A4 landscape pages, table
//! headers repeated on every page, the appendix on a new page), so the browser's "Save as
//! PDF" gives a clean report. Written piece by piece: the head with the summary, a row per
//! thread, a section per thread's history.

use askama::Template;

use super::{Event, Labels, ReportError, ReportParams, Row, Summary, ThreadRef, Writer};
use super::{HISTORY_COLUMNS, SHOWN_COLUMNS, SHOWN_HISTORY_COLUMNS, THREAD_COLUMNS};
use super::{history_cells, shown, thread_cells};

const CSS: &str = include_str!("../../static/report.css");

/// Links on the web page: the filter form, the other formats and each thread's page.
#[derive(Debug, Clone)]
pub struct WebLinks {
    /// The filters as a query (`as_of=…&topic=…`).
    pub query: String,
    pub topics: Vec<Choice>,
    pub parties: Vec<Choice>,
    pub statuses: Vec<Choice>,
}

/// An option of a filter's menu.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "reports/head.html")]
struct Head<'a> {
    ui: &'a Labels,
    css: &'a str,
    p: &'a ReportParams,
    scope: Vec<(&'static str, String)>,
    summary: Option<&'a Summary>,
    web: Option<&'a WebLinks>,
    columns: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "reports/row.html")]
struct RowPart<'a> {
    link: bool,
    id: i64,
    status: &'a str,
    overdue: bool,
    /// (column, text)
    cells: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "reports/history.html")]
struct HistoryPart<'a> {
    ui: &'a Labels,
    link: bool,
    thread: &'a ThreadRef,
    columns: Vec<&'static str>,
    /// (a follow-up?, its cells as (column, text))
    rows: Vec<(bool, Vec<(&'static str, String)>)>,
}

#[derive(Template)]
#[template(path = "reports/appendix.html")]
struct AppendixPart<'a> {
    ui: &'a Labels,
    empty: bool,
}

pub(super) struct HtmlWriter {
    labels: Labels,
    web: Option<WebLinks>,
    out: String,
    rows: usize,
}

impl HtmlWriter {
    pub(super) fn new(labels: Labels, web: Option<WebLinks>) -> HtmlWriter {
        HtmlWriter {
            labels,
            web,
            out: String::new(),
            rows: 0,
        }
    }
}

impl Writer for HtmlWriter {
    fn head(&mut self, p: &ReportParams, summary: Option<&Summary>) -> Result<(), ReportError> {
        Head {
            ui: &self.labels,
            css: CSS,
            p,
            scope: self.labels.scope_lines(p),
            summary,
            web: self.web.as_ref(),
            columns: SHOWN_COLUMNS.to_vec(),
        }
        .render_into(&mut self.out)?;
        Ok(())
    }

    fn row(&mut self, row: &Row) -> Result<(), ReportError> {
        self.rows += 1;
        let cells = shown(
            &THREAD_COLUMNS,
            &SHOWN_COLUMNS,
            &thread_cells(&self.labels, row),
        );
        RowPart {
            link: self.web.is_some(),
            id: row.facts.id,
            status: &row.standing.status,
            overdue: row.standing.days_overdue.is_some(),
            cells,
        }
        .render_into(&mut self.out)?;
        Ok(())
    }

    fn history_head(&mut self) -> Result<(), ReportError> {
        AppendixPart {
            ui: &self.labels,
            empty: self.rows == 0,
        }
        .render_into(&mut self.out)?;
        Ok(())
    }

    fn history(&mut self, thread: &ThreadRef, events: &[Event]) -> Result<(), ReportError> {
        let rows = events
            .iter()
            .map(|e| {
                let cells = history_cells(&self.labels, thread, e);
                (
                    matches!(e, Event::Followup(_)),
                    shown(&HISTORY_COLUMNS, &SHOWN_HISTORY_COLUMNS, &cells),
                )
            })
            .collect();
        HistoryPart {
            ui: &self.labels,
            link: self.web.is_some(),
            thread,
            columns: SHOWN_HISTORY_COLUMNS.to_vec(),
            rows,
        }
        .render_into(&mut self.out)?;
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ReportError> {
        self.out.push_str("</section>\n</main>\n</body>\n</html>\n");
        Ok(())
    }

    fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out).into_bytes()
    }

    fn pending(&self) -> usize {
        self.out.len()
    }
}
