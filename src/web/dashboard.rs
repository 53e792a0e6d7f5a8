//! `/`: the state of all commitments at a glance, as of today or `?as_of=YYYY-MM-DD`.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::cache::Found;
use super::i18n::Ui;
use super::threads::{Row, as_of};
use super::{AppState, WebError, render};
use crate::link::status::Status;
use crate::store::StoreError;
use crate::store::browse::{self, ShortList, ThreadListing};

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

/// What the dashboard shows as of a date, whatever the language: kept in the app's cache.
pub struct DashboardData {
    /// (topic, status, has a deadline, threads).
    counts: Vec<(String, Status, bool, i64)>,
    overdue: Vec<ThreadListing>,
    upcoming: Vec<ThreadListing>,
    recent: Vec<ThreadListing>,
    years: Vec<(i32, i64)>,
}

async fn compute(state: &AppState, as_of: NaiveDate) -> Result<DashboardData, WebError> {
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    Ok(DashboardData {
        counts: browse::dashboard_counts(&mut conn, as_of).await?,
        overdue: browse::short_list(&mut conn, ShortList::Overdue, as_of, LIST).await?,
        upcoming: browse::short_list(&mut conn, ShortList::Upcoming, as_of, LIST).await?,
        recent: browse::short_list(&mut conn, ShortList::Recent, as_of, LIST).await?,
        years: browse::documents_by_year(&mut conn).await?,
    })
}

pub async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<DashboardQuery>,
) -> Result<HttpResponse, WebError> {
    let ui = Ui::new(&req, state.extractor.lexicon());
    let (as_of, as_of_given) = as_of(&query.as_of)?;
    let generation = {
        let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
        browse::generation(&mut conn).await?
    };
    let cache = &state.dashboards;
    let data = match cache.find(&as_of, generation) {
        Found::Fresh(data) => data,
        Found::Old(data) => {
            // Serve it, and compute it again for those who come next.
            if cache.start_refresh(&as_of) {
                let state = state.clone();
                tokio::spawn(async move {
                    match compute(&state, as_of).await {
                        Ok(fresh) => {
                            state.dashboards.put(as_of, generation, fresh);
                        }
                        Err(e) => tracing::warn!(error = %e, "refreshing the dashboard failed"),
                    }
                    state.dashboards.end_refresh(&as_of);
                });
            }
            data
        }
        Found::Missing => {
            let _one_at_a_time = cache.computing.lock().await;
            match cache.get(&as_of, generation) {
                Some(data) => data,
                None => cache.put(as_of, generation, compute(&state, as_of).await?),
            }
        }
    };
    let date_param = if as_of_given {
        format!("&as_of={as_of}")
    } else {
        String::new()
    };
    let total = data.counts.iter().map(|c| c.3).sum();
    let mut topics: Vec<(String, i64)> = Vec::new();
    for (topic, _, _, n) in &data.counts {
        match topics.iter_mut().find(|(t, _)| t == topic) {
            Some(t) => t.1 += n,
            None => topics.push((topic.clone(), *n)),
        }
    }
    topics.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
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
    let count = |wanted: &dyn Fn(Status, bool) -> bool| -> i64 {
        data.counts
            .iter()
            .filter(|(_, s, d, _)| wanted(*s, *d))
            .map(|c| c.3)
            .sum()
    };
    let by_status = bars(
        Status::ALL
            .iter()
            .map(|&s| {
                (
                    ui.status(&s).to_owned(),
                    count(&|x, _| x == s),
                    format!("/threads?status={s}{date_param}"),
                    format!("status-{s}"),
                )
            })
            .collect(),
    );
    let overdue_total = count(&|s, _| s == Status::Overdue);
    let upcoming_total = count(&|s, d| d && matches!(s, Status::Open | Status::InProgress));
    let coverage = bars(
        data.years
            .iter()
            .map(|&(year, n)| {
                (
                    year.to_string(),
                    n,
                    format!("/threads?from={year}&to={year}{date_param}"),
                    "year".to_owned(),
                )
            })
            .collect(),
    );
    let rows =
        |ts: &[ThreadListing]| -> Vec<Row> { ts.iter().map(|t| Row::new(&ui, t, as_of)).collect() };
    let (overdue, upcoming, recent) = (
        rows(&data.overdue),
        rows(&data.upcoming),
        rows(&data.recent),
    );
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
