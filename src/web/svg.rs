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

/// A follow-up's mark: a star on its own row, at an evidence date.
pub struct NoteMark {
    pub x: f64,
    pub y: f64,
    /// The analyst's status (its class).
    pub status: String,
    pub href: String,
    pub label: String,
    pub path: String,
}

/// A follow-up to draw.
pub struct Note {
    pub date: NaiveDate,
    pub status: String,
    pub href: String,
    pub label: String,
}

/// Where follow-up marks sit: between the mentions and the axis.
const NOTE_Y: f64 = 86.0;

/// A five-pointed star centred on (x, y): a follow-up, unlike any mention's shape.
pub fn star(x: f64, y: f64) -> String {
    let mut d = String::new();
    for k in 0..10 {
        let r = if k % 2 == 0 { 7.5 } else { 3.2 };
        let a = std::f64::consts::PI * (f64::from(k) / 5.0 - 0.5);
        let (px, py) = (x + r * a.cos(), y + r * a.sin());
        d.push_str(&format!(
            "{}{} {}",
            if k == 0 { 'M' } else { 'L' },
            Px(px),
            Px(py)
        ));
    }
    d.push('Z');
    d
}

pub struct Timeline {
    pub marks: Vec<Mark>,
    /// Analysts' follow-ups.
    pub notes: Vec<NoteMark>,
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
    scaled_shape(relation, x, y, 1.0)
}

/// A length written to a tenth with integer arithmetic: the global timeline writes thousands
/// of coordinates, and formatting floats was a quarter of its cost.
#[derive(Debug, Clone, Copy)]
pub struct Px(pub f64);

impl std::fmt::Display for Px {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tenths = (self.0 * 10.0).round() as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let tenths = tenths.unsigned_abs();
        write!(f, "{sign}{}.{}", tenths / 10, tenths % 10)
    }
}

/// [`shape`] at `scale` times its size.
pub fn scaled_shape(relation: Relation, x: f64, y: f64, scale: f64) -> String {
    let k = scale;
    let circle = |r: f64| {
        let r = r * k;
        format!(
            "M{} {}a{r} {r} 0 1 0 {d} 0a{r} {r} 0 1 0 -{d} 0Z",
            Px(x - r),
            Px(y),
            r = Px(r),
            d = Px(2.0 * r)
        )
    };
    match relation {
        Relation::Origin => circle(8.0),
        Relation::Reaffirms => circle(6.0),
        Relation::Refers => circle(4.0),
        Relation::Advances => format!(
            "M{} {}L{} {}L{} {}Z",
            Px(x),
            Px(y - 7.5 * k),
            Px(x + 7.5 * k),
            Px(y + 6.0 * k),
            Px(x - 7.5 * k),
            Px(y + 6.0 * k)
        ),
        Relation::Fulfils => format!(
            "M{} {}L{} {}L{} {}L{} {}Z",
            Px(x),
            Px(y - 8.0 * k),
            Px(x + 8.0 * k),
            Px(y),
            Px(x),
            Px(y + 8.0 * k),
            Px(x - 8.0 * k),
            Px(y)
        ),
        Relation::Revises => format!(
            "M{} {}h{s}v{s}h-{s}Z",
            Px(x - 6.0 * k),
            Px(y - 6.0 * k),
            s = Px(12.0 * k)
        ),
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
    notes: &[Note],
    deadline: Option<(NaiveDate, String)>,
    fulfilled_on: Option<NaiveDate>,
    as_of: (NaiveDate, String),
) -> Timeline {
    let mut dates: Vec<NaiveDate> = points.iter().map(|p| p.date).collect();
    dates.extend(notes.iter().map(|n| n.date));
    dates.extend(deadline.as_ref().map(|d| d.0));
    dates.push(as_of.0);
    let first = dates.iter().min().copied().unwrap_or(as_of.0);
    let last = dates.iter().max().copied().unwrap_or(as_of.0);
    let years = Years::new(first, last, LEFT, WIDTH - RIGHT);
    let x = |d: NaiveDate| years.x(d);
    let ticks = years.ticks();

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

    let mut note_marks: Vec<NoteMark> = Vec::with_capacity(notes.len());
    for n in notes {
        let nx = x(n.date);
        let level = note_marks
            .iter()
            .filter(|m| (m.x - nx).abs() < 10.0)
            .count()
            % 2;
        let ny = NOTE_Y - level as f64 * 10.0;
        note_marks.push(NoteMark {
            x: nx,
            y: ny,
            status: n.status.clone(),
            href: n.href.clone(),
            label: n.label.clone(),
            path: star(nx, ny),
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
        notes: note_marks,
        ticks,
        deadline: deadline.map(|(d, label)| Line { x: x(d), label }),
        as_of: Some(Line {
            x: x(as_of.0),
            label: as_of.1,
        }),
        overdue,
    }
}

/// The whole years from the year of `first` to the year after `last`, mapped onto
/// `left..right`: the x of a date, and a tick per year (or per 2, 5, 10 years when many).
struct Years {
    start: NaiveDate,
    days: f64,
    left: f64,
    right: f64,
    end_year: i32,
}

impl Years {
    fn new(first: NaiveDate, last: NaiveDate, left: f64, right: f64) -> Years {
        let start = NaiveDate::from_ymd_opt(first.year(), 1, 1).unwrap_or(first);
        let mut end_year = last.year() + 1;
        if end_year - start.year() < 2 {
            end_year += 1;
        }
        let end = NaiveDate::from_ymd_opt(end_year, 1, 1).unwrap_or(last);
        Years {
            start,
            days: (end - start).num_days().max(1) as f64,
            left,
            right,
            end_year,
        }
    }

    fn x(&self, d: NaiveDate) -> f64 {
        self.left + (d - self.start).num_days() as f64 / self.days * (self.right - self.left)
    }

    fn ticks(&self) -> Vec<Tick> {
        let step = match self.end_year - self.start.year() {
            0..=12 => 1,
            13..=30 => 2,
            31..=60 => 5,
            _ => 10,
        };
        (self.start.year()..=self.end_year)
            .filter(|y| (y - self.start.year()) % step == 0)
            .filter_map(|y| NaiveDate::from_ymd_opt(y, 1, 1))
            .map(|d| Tick {
                x: self.x(d),
                label: d.year().to_string(),
            })
            .collect()
    }
}

/// A thread on the global timeline: its marks (date, relation, mentions that month).
pub struct ThreadInput {
    pub href: String,
    pub title: String,
    pub marks: Vec<(NaiveDate, Relation, i64)>,
}

/// A topic's lane of threads.
pub struct LaneInput {
    pub label: String,
    pub href: String,
    pub threads: Vec<ThreadInput>,
}

pub struct Lane {
    pub y: f64,
    pub height: f64,
    pub label: String,
    pub href: String,
    /// Where its label is written.
    pub label_y: f64,
}

pub struct ThreadLine {
    pub href: String,
    pub title: String,
    /// `x,y x,y …` for a polyline joining its marks.
    pub points: String,
    pub marks: Vec<Dot>,
}

/// A mark on the global timeline: the row links to its thread, so a mark is only its shape.
pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub relation: Relation,
    pub path: String,
}

pub struct Overview {
    pub width: f64,
    pub height: f64,
    pub plot_left: f64,
    pub lanes: Vec<Lane>,
    pub threads: Vec<ThreadLine>,
    pub ticks: Vec<Tick>,
    pub as_of: Option<Line>,
    /// The y of the year axis at the top.
    pub axis_y: f64,
}

/// Width of the lane labels on the global timeline.
const LANE_LABEL: f64 = 170.0;
/// Height of one thread's row within its lane.
const ROW: f64 = 14.0;
const LANE_PAD: f64 = 8.0;
const TOP: f64 = 30.0;

/// Lays out the global timeline: a lane per topic, a row per thread within it, its marks
/// joined by a line, years across; the as-of line when it falls within the years shown.
pub fn overview(lanes: &[LaneInput], as_of: (NaiveDate, String)) -> Overview {
    let dates: Vec<NaiveDate> = lanes
        .iter()
        .flat_map(|l| &l.threads)
        .flat_map(|t| t.marks.iter().map(|m| m.0))
        .collect();
    let first = dates.iter().min().copied().unwrap_or(as_of.0);
    let last = dates.iter().max().copied().unwrap_or(as_of.0);
    let years = Years::new(first, last, LANE_LABEL + 12.0, WIDTH - 16.0);
    let mut y = TOP + 8.0;
    let mut out_lanes = Vec::new();
    let mut out_threads = Vec::new();
    for lane in lanes {
        let height = lane.threads.len().max(1) as f64 * ROW + 2.0 * LANE_PAD;
        out_lanes.push(Lane {
            y,
            height,
            label: lane.label.clone(),
            href: lane.href.clone(),
            label_y: y + LANE_PAD + 10.0,
        });
        for (k, t) in lane.threads.iter().enumerate() {
            let ty = y + LANE_PAD + ROW * (k as f64 + 0.5);
            let mut points = String::new();
            let marks: Vec<Dot> = t
                .marks
                .iter()
                .map(|&(date, relation, _)| {
                    let x = years.x(date);
                    if !points.is_empty() {
                        points.push(' ');
                    }
                    points.push_str(&format!("{},{}", Px(x), Px(ty)));
                    Dot {
                        x,
                        y: ty,
                        relation,
                        path: scaled_shape(relation, x, ty, 0.55),
                    }
                })
                .collect();
            out_threads.push(ThreadLine {
                href: t.href.clone(),
                title: t.title.clone(),
                points,
                marks,
            });
        }
        y += height;
    }
    let within = as_of.0 >= years.start
        && NaiveDate::from_ymd_opt(years.end_year, 1, 1).is_some_and(|end| as_of.0 < end);
    Overview {
        width: WIDTH,
        height: y + 8.0,
        plot_left: LANE_LABEL + 12.0,
        lanes: out_lanes,
        threads: out_threads,
        ticks: years.ticks(),
        as_of: within.then(|| Line {
            x: years.x(as_of.0),
            label: as_of.1,
        }),
        axis_y: TOP,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_written_to_a_tenth() {
        let px = |v: f64| Px(v).to_string();
        assert_eq!(
            [px(0.0), px(12.34), px(12.35), px(-0.26), px(7.0)],
            ["0.0", "12.3", "12.4", "-0.3", "7.0"]
        );
    }

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
    fn the_global_timeline_gives_each_thread_a_row_in_its_topic_lane() {
        let thread = |dates: &[&str]| ThreadInput {
            href: "/threads/1".into(),
            title: "t".into(),
            marks: dates
                .iter()
                .map(|x| (d(x), Relation::Reaffirms, 1))
                .collect(),
        };
        let lanes = [
            LaneInput {
                label: "Trade".into(),
                href: "/timeline?topic=trade".into(),
                threads: vec![
                    thread(&["2011-06-13", "2012-03-31"]),
                    thread(&["2013-01-01"]),
                ],
            },
            LaneInput {
                label: "Energy".into(),
                href: "/timeline?topic=energy".into(),
                threads: vec![thread(&["2014-05-01"])],
            },
        ];
        let o = overview(&lanes, (d("2013-06-01"), "today".into()));
        assert_eq!(o.lanes.len(), 2);
        assert!(o.lanes[1].y >= o.lanes[0].y + o.lanes[0].height);
        assert_eq!(o.threads.len(), 3);
        assert_eq!(
            o.threads[0].points.split(' ').count(),
            2,
            "a line joins its marks"
        );
        assert!(
            o.threads[0].marks[0].y < o.threads[1].marks[0].y,
            "a row per thread"
        );
        assert!(o.threads[2].marks[0].y > o.lanes[1].y, "in its own lane");
        assert!(o.as_of.is_some(), "2013 is within 2011–2015");
        let later = overview(&lanes, (d("2030-01-01"), "today".into()));
        assert!(later.as_of.is_none(), "beyond the years shown");
    }

    #[test]
    fn marks_sit_in_date_order_and_the_overdue_span_runs_from_deadline_to_today() {
        let points = [
            point("2011-06-13", Relation::Origin),
            point("2012-03-31", Relation::Reaffirms),
        ];
        let t = layout(
            &points,
            &[],
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
            &[],
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
            &[],
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
