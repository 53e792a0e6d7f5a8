//! `/timeline`: every thread across the years, in topic swimlanes, each a row of marks joined
//! by a line; the same filters as the threads list, 100 threads a page.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::i18n::{Ui, url_encode};
use super::svg::{self, LaneInput, Overview, ThreadInput};
use super::threads::{ListParams, ListQuery, Pages};
use super::{AppState, WebError, render};
use crate::store::StoreError;
use chrono::NaiveDate;

use crate::link::Relation;
use crate::store::browse::{self, ThreadListing, ThreadOrder};

/// Threads drawn on one page: beyond this the page is paginated, so that rows stay readable.
pub const PAGE_SIZE: i64 = 100;
/// Threads of up to this many mentions are drawn a mark per month of mentions.
const MONTHS_UP_TO: i64 = 24;

/// A long thread's marks from its row: (date, relation, mentions), in date order.
fn milestones(t: &ThreadListing) -> Vec<(NaiveDate, Relation, i64)> {
    let mut marks: Vec<(NaiveDate, Relation, i64)> = [
        (t.first_stated, Relation::Origin),
        (t.advanced_on, Relation::Advances),
        (t.fulfilled_on, Relation::Fulfils),
        (t.last_mentioned, Relation::Reaffirms),
    ]
    .into_iter()
    .filter_map(|(d, r)| Some((d?, r, 1)))
    .collect();
    marks.sort_by_key(|m| m.0);
    marks.dedup_by_key(|m| m.0);
    marks
}

#[derive(Template)]
#[template(path = "timeline/index.html")]
struct TimelinePage {
    ui: Ui,
    params: ListParams,
    overview: Overview,
    total: i64,
    more_than: bool,
    pages: Pages,
}

pub async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, WebError> {
    let ui = Ui::new(&req, state.extractor.lexicon());
    let mut params = ListParams::parse(&query, &state)?;
    // Lanes read in order of first statement, whatever the list's order.
    params.order = ThreadOrder::FirstStated;
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let catalog = state.catalogs.get(&mut conn).await?;
    let (threads, total, has_next) = params.page_of(&catalog, PAGE_SIZE);
    // Threads of a few mentions draw every month they were mentioned in; longer ones (a
    // commitment restated in hundreds of articles) draw their milestones from the thread's
    // own row: first stated, first advanced, fulfilled, last mentioned. Their mentions are
    // not read, so a page costs the same whatever its threads' lengths.
    let ids: Vec<i64> = threads
        .iter()
        .filter(|t| i64::from(t.mention_count) <= MONTHS_UP_TO)
        .map(|t| t.id)
        .collect();
    let mut marks: HashMap<i64, Vec<_>> = catalog
        .month_marks(&mut conn, &ids)
        .await?
        .into_iter()
        // A thread without dated mentions draws its milestones (if it has dates at all).
        .filter(|(_, ms)| !ms.is_empty())
        .map(|(id, ms)| {
            (
                id,
                ms.iter()
                    .map(|m| (m.month, m.relation, m.mentions))
                    .collect(),
            )
        })
        .collect();
    drop(conn);
    // Lanes in the lexicon's order of topics; threads within by first statement.
    let lex = state.extractor.lexicon();
    let mut lanes: Vec<LaneInput> = Vec::new();
    for topic in &lex.topics {
        let mine: Vec<ThreadInput> = threads
            .iter()
            .filter(|t| t.topic == topic.id)
            .map(|t| ThreadInput {
                href: format!("/threads/{}", t.id),
                title: t.title.clone(),
                marks: marks.remove(&t.id).unwrap_or_else(|| milestones(t)),
            })
            .collect();
        if !mine.is_empty() {
            let as_of = if params.as_of_given {
                format!("&as_of={}", params.as_of)
            } else {
                String::new()
            };
            lanes.push(LaneInput {
                label: ui.topic(&topic.id),
                href: format!("/timeline?topic={}{as_of}", url_encode(&topic.id)),
                threads: mine,
            });
        }
    }
    let as_of_label = if params.as_of_given {
        format!("{} {}", ui.t("common.as_of"), params.as_of)
    } else {
        ui.t("common.today").to_owned()
    };
    let overview = svg::overview(&lanes, (params.as_of, as_of_label));
    let pages = Pages::at(&params, total, "/timeline", PAGE_SIZE, has_next);
    let more_than = total > browse::LIST_COUNT_CAP;
    let total = total.min(browse::LIST_COUNT_CAP);
    render(&TimelinePage {
        ui,
        params,
        overview,
        total,
        more_than,
        pages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_thread_is_drawn_by_its_milestones_in_date_order() {
        let d = |s: &str| s.parse::<NaiveDate>().ok();
        let t = ThreadListing {
            id: 1,
            title: "t".into(),
            topic: "trade".into(),
            parties: vec![],
            deadline_text: None,
            deadline: None,
            target: None,
            first_stated: d("2011-06-13"),
            last_mentioned: d("2020-01-01"),
            mention_count: 500,
            fulfilled_on: d("2020-01-01"),
            advanced_on: d("2014-03-01"),
        };
        let relations: Vec<Relation> = milestones(&t).into_iter().map(|m| m.1).collect();
        // The last mention fell on the fulfilment's day: one mark, the fulfilment.
        assert_eq!(
            relations,
            [Relation::Origin, Relation::Advances, Relation::Fulfils]
        );
    }
}
