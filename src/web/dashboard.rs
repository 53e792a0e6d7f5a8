//! `/`: the state of all commitments at a glance, as of today or `?as_of=YYYY-MM-DD`.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::i18n::Ui;
use super::threads::{Row, as_of};
use super::{AppState, WebError, render};
use crate::link::status::Status;
use crate::store::StoreError;
use crate::store::browse::{self, ThreadFilter, ThreadOrder};

/// Threads in each short list of the dashboard.
const LIST: i64 = 10;

#[derive(Debug, Deserialize)]
pub struct DashboardQuery {
    as_of: Option<String>,
}

/// A bar of a bar chart: a label, a count, its share of the largest (for the bar's width)
/// and where it leads.
pub struct Bar {
    pub label: String,
    pub count: i64,
    pub percent: f64,
    pub href: String,
    pub class: String,
}

fn bars(items: Vec<(String, i64, String, String)>) -> Vec<Bar> {
    let most = items.iter().map(|i| i.1).max().unwrap_or(0).max(1) as f64;
    items
        .into_iter()
        .map(|(label, count, href, class)| Bar {
            label,
            count,
            percent: (count as f64 / most * 100.0 * 10.0).round() / 10.0,
            href,
            class,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "dashboard/index.html")]
struct DashboardPage {
    ui: Ui,
    as_of: NaiveDate,
    as_of_given: bool,
    total: i64,
    by_topic: Vec<Bar>,
    by_status: Vec<Bar>,
    overdue: Vec<Row>,
    overdue_total: i64,
    upcoming: Vec<Row>,
    upcoming_total: i64,
    recent: Vec<Row>,
    coverage: Vec<Bar>,
}

impl DashboardPage {
    /// A list's address, keeping the dashboard's date.
    fn with_date(&self, base: &str) -> String {
        if !self.as_of_given {
            return base.to_owned();
        }
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}as_of={}", self.as_of)
    }
}

pub async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<DashboardQuery>,
) -> Result<HttpResponse, WebError> {
    let ui = Ui::new(&req, state.extractor.lexicon());
    let (as_of, as_of_given) = as_of(&query.as_of)?;
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let date_param = if as_of_given {
        format!("&as_of={as_of}")
    } else {
        String::new()
    };
    let topics = browse::count_by_topic(&mut conn, as_of).await?;
    let total = topics.iter().map(|t| t.1).sum();
    let by_topic = bars(
        topics
            .into_iter()
            .map(|(topic, n)| {
                (
                    ui.topic(&topic),
                    n,
                    format!("/threads?topic={topic}{date_param}"),
                    "topic".to_owned(),
                )
            })
            .collect(),
    );
    let by_status = bars(
        browse::count_by_status(&mut conn, as_of)
            .await?
            .into_iter()
            .map(|(s, n)| {
                (
                    ui.status(&s).to_owned(),
                    n,
                    format!("/threads?status={s}{date_param}"),
                    format!("status-{s}"),
                )
            })
            .collect(),
    );
    let list = |statuses: Vec<Status>, has_deadline: bool| ThreadFilter {
        statuses,
        has_deadline,
        ..ThreadFilter::default()
    };
    let (overdue, overdue_total) = browse::list_threads(
        &mut conn,
        &list(vec![Status::Overdue], true),
        ThreadOrder::Deadline,
        as_of,
        LIST,
        0,
    )
    .await?;
    let (upcoming, upcoming_total) = browse::list_threads(
        &mut conn,
        &list(vec![Status::Open, Status::InProgress], true),
        ThreadOrder::Deadline,
        as_of,
        LIST,
        0,
    )
    .await?;
    let (recent, _) = browse::list_threads(
        &mut conn,
        &ThreadFilter::default(),
        ThreadOrder::LastMentioned,
        as_of,
        LIST,
        0,
    )
    .await?;
    let coverage = bars(
        browse::documents_by_year(&mut conn)
            .await?
            .into_iter()
            .map(|(year, n)| {
                (
                    year.to_string(),
                    n,
                    format!("/threads?from={year}&to={year}{date_param}"),
                    "year".to_owned(),
                )
            })
            .collect(),
    );
    let rows = |ts: &[browse::ThreadListing]| -> Vec<Row> {
        ts.iter().map(|t| Row::new(&ui, t, as_of)).collect()
    };
    let (overdue, upcoming, recent) = (rows(&overdue), rows(&upcoming), rows(&recent));
    render(&DashboardPage {
        ui,
        as_of,
        as_of_given,
        total,
        by_topic,
        by_status,
        overdue,
        overdue_total,
        upcoming,
        upcoming_total,
        recent,
        coverage,
    })
}
