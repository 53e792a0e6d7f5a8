//! A thread's timeline drawn on the server as SVG geometry: one mark per mention at its
//! document's date, shaped by relation; the deadline, the as-of line and the overdue span.
//! The template (`partials/thread_timeline.html`) draws what this computes.

use chrono::{Datelike, NaiveDate};

use crate::link::Relation;

pub const WIDTH: f64 = 800.0;
pub const HEIGHT: f64 = 132.0;
const LEFT: f64 = 28.0;
const RIGHT: f64 = 28.0;
/// Where the axis runs, and the first row of marks above it.
pub const AXIS_Y: f64 = 96.0;
const MARK_Y: f64 = 70.0;
/// Marks on the same date stack upwards by this much.
const STACK: f64 = 18.0;
const MAX_STACK: usize = 3;

/// One mention's mark.
pub struct Mark {
    pub x: f64,
    pub y: f64,
    pub relation: Relation,
    /// Target of the mark's link (the mention below the timeline).
    pub href: String,
    /// What a tooltip and a screen reader say.
    pub label: String,
    /// The SVG path of its shape, centred on (x, y).
    pub path: String,
}

pub struct Tick {
    pub x: f64,
    pub label: String,
}

/// A vertical line across the timeline at a date.
pub struct Line {
    pub x: f64,
    pub label: String,
}

pub struct Span {
    pub x: f64,
    pub width: f64,
}

pub struct Timeline {
    pub marks: Vec<Mark>,
    pub ticks: Vec<Tick>,
    pub deadline: Option<Line>,
    pub as_of: Option<Line>,
    pub overdue: Option<Span>,
}

/// A mention to draw.
pub struct Point {
    pub date: NaiveDate,
    pub relation: Relation,
    pub href: String,
    pub label: String,
}

/// The shape of a relation's mark, centred on (x, y): the origin a large circle, a
/// reaffirmation a circle, a step forward a triangle, a fulfilment a diamond, a revision a
/// square, a reference a small circle. Shapes differ as well as colours, so that the
/// timeline reads without colour.
pub fn shape(relation: Relation, x: f64, y: f64) -> String {
    let circle = |r: f64| {
        format!(
            "M{:.1} {y:.1}a{r} {r} 0 1 0 {d} 0a{r} {r} 0 1 0 -{d} 0Z",
            x - r,
            d = 2.0 * r
        )
    };
    match relation {
        Relation::Origin => circle(8.0),
        Relation::Reaffirms => circle(6.0),
        Relation::Refers => circle(4.0),
        Relation::Advances => format!(
            "M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z",
            x,
            y - 7.5,
            x + 7.5,
            y + 6.0,
            x - 7.5,
            y + 6.0
        ),
        Relation::Fulfils => format!(
            "M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z",
            x,
            y - 8.0,
            x + 8.0,
            y,
            x,
            y + 8.0,
            x - 8.0,
            y
        ),
        Relation::Revises => format!("M{:.1} {:.1}h12v12h-12Z", x - 6.0, y - 6.0),
    }
}

/// A relation's shape for a legend (an 18×18 box).
pub fn legend_shape(relation: &Relation) -> String {
    shape(*relation, 9.0, 9.0)
}

/// Lays out a thread's timeline from its mentions (in order), its deadline (last day of the
/// period) with its label, whether and when it was fulfilled, and the as-of date.
pub fn layout(
    points: &[Point],
    deadline: Option<(NaiveDate, String)>,
    fulfilled_on: Option<NaiveDate>,
    as_of: (NaiveDate, String),
) -> Timeline {
    let mut dates: Vec<NaiveDate> = points.iter().map(|p| p.date).collect();
    dates.extend(deadline.as_ref().map(|d| d.0));
    dates.push(as_of.0);
    let first = dates.iter().min().copied().unwrap_or(as_of.0);
    let last = dates.iter().max().copied().unwrap_or(as_of.0);
    // Whole years, with one to spare on each side when the span is short.
    let start = NaiveDate::from_ymd_opt(first.year(), 1, 1).unwrap_or(first);
    let mut end_year = last.year() + 1;
    if end_year - start.year() < 2 {
        end_year += 1;
    }
    let end = NaiveDate::from_ymd_opt(end_year, 1, 1).unwrap_or(last);
    let days = (end - start).num_days().max(1) as f64;
    let x = |d: NaiveDate| LEFT + (d - start).num_days() as f64 / days * (WIDTH - LEFT - RIGHT);

    let years = end_year - start.year();
    let step = match years {
        0..=12 => 1,
        13..=30 => 2,
        31..=60 => 5,
        _ => 10,
    };
    let ticks = (start.year()..=end_year)
        .filter(|y| (y - start.year()) % step == 0)
        .filter_map(|y| NaiveDate::from_ymd_opt(y, 1, 1))
        .map(|d| Tick {
            x: x(d),
            label: d.year().to_string(),
        })
        .collect();

    let mut marks: Vec<Mark> = Vec::with_capacity(points.len());
    for p in points {
        let px = x(p.date);
        // Stack marks that would overlap (within 10 units) above one another.
        let level = marks.iter().filter(|m| (m.x - px).abs() < 10.0).count() % (MAX_STACK + 1);
        let py = MARK_Y - level as f64 * STACK;
        marks.push(Mark {
            x: px,
            y: py,
            relation: p.relation,
            href: p.href.clone(),
            label: p.label.clone(),
            path: shape(p.relation, px, py),
        });
    }

    let overdue = deadline.as_ref().and_then(|(d, _)| {
        let until = match fulfilled_on {
            Some(f) if f <= as_of.0 => f,
            _ => as_of.0,
        };
        (until > *d).then(|| Span {
            x: x(*d),
            width: x(until) - x(*d),
        })
    });
    Timeline {
        marks,
        ticks,
        deadline: deadline.map(|(d, label)| Line { x: x(d), label }),
        as_of: Some(Line {
            x: x(as_of.0),
            label: as_of.1,
        }),
        overdue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn point(date: &str, relation: Relation) -> Point {
        Point {
            date: d(date),
            relation,
            href: "#m0".into(),
            label: date.into(),
        }
    }

    #[test]
    fn marks_sit_in_date_order_and_the_overdue_span_runs_from_deadline_to_today() {
        let points = [
            point("2011-06-13", Relation::Origin),
            point("2012-03-31", Relation::Reaffirms),
        ];
        let t = layout(
            &points,
            Some((d("2015-12-31"), "2015".into())),
            None,
            (d("2020-01-01"), "today".into()),
        );
        assert!(t.marks[0].x < t.marks[1].x);
        let deadline = t.deadline.as_ref().unwrap().x;
        let today = t.as_of.as_ref().unwrap().x;
        assert!(t.marks[1].x < deadline && deadline < today);
        let span = t.overdue.as_ref().unwrap();
        assert!((span.x - deadline).abs() < 1e-9 && (span.x + span.width - today).abs() < 1e-9);
        assert!(t.marks.iter().all(|m| m.x >= LEFT && m.x <= WIDTH - RIGHT));
        assert_eq!(t.ticks.first().unwrap().label, "2011");
    }

    #[test]
    fn a_fulfilled_thread_is_overdue_only_until_fulfilment_and_same_day_marks_stack() {
        let points = [
            point("2014-01-01", Relation::Origin),
            point("2014-01-01", Relation::Reaffirms),
            point("2017-01-01", Relation::Fulfils),
        ];
        let t = layout(
            &points,
            Some((d("2015-12-31"), "2015".into())),
            Some(d("2017-01-01")),
            (d("2020-01-01"), "today".into()),
        );
        assert_ne!(t.marks[0].y, t.marks[1].y, "same date, stacked");
        let span = t.overdue.unwrap();
        assert!((span.x + span.width - t.marks[2].x).abs() < 1e-9);
        // Not yet due as of a day before the deadline: no overdue span.
        let early = layout(
            &points[..1],
            Some((d("2015-12-31"), "2015".into())),
            None,
            (d("2015-06-01"), "as of".into()),
        );
        assert!(early.overdue.is_none());
    }

    #[test]
    fn every_relation_has_its_own_shape() {
        let shapes: std::collections::HashSet<String> = Relation::ALL
            .iter()
            .map(|&r| shape(r, 100.0, 50.0))
            .collect();
        assert_eq!(shapes.len(), Relation::ALL.len());
    }
}
