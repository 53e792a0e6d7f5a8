//! `/threads` (the list, with filters in the query string) and `/threads/{id}` (one thread:
//! its timeline and its mentions with the evidence that linked them).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::i18n::{Lang, Ui, url_encode};
use super::svg::{self, Timeline};
use super::{AppState, WebError, render};
use crate::extract::TargetValue;
use crate::link::status::Status;
use crate::link::{Evidence, Relation};
use crate::store::StoreError;
use crate::store::browse::{self, MentionView, ThreadFilter, ThreadListing, ThreadOrder};
use crate::store::catalog::Catalog;

pub const PAGE_SIZE: i64 = 50;

/// The list's query string. Every field is text so that an empty form field means "any"; a
/// value that is not understood is a 400 page saying which.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub topic: Option<String>,
    pub party: Option<String>,
    pub status: Option<String>,
    pub relation: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub deadline: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
    pub as_of: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn bad(what: &str, value: &str) -> WebError {
    WebError::BadRequest(format!("“{value}” is not a valid {what}."))
}

/// `?as_of=YYYY-MM-DD`, else today.
pub fn as_of(value: &Option<String>) -> Result<(NaiveDate, bool), WebError> {
    match given(value) {
        Some(v) => v
            .parse::<NaiveDate>()
            .map(|d| (d, true))
            .map_err(|_| bad("date (YYYY-MM-DD)", v)),
        None => Ok((chrono::Local::now().date_naive(), false)),
    }
}

/// The list's filters and order, checked.
pub struct ListParams {
    pub filter: ThreadFilter,
    pub order: ThreadOrder,
    pub page: u32,
    pub as_of: NaiveDate,
    pub as_of_given: bool,
    /// The words as typed.
    pub q: String,
}

impl ListParams {
    pub fn parse(query: &ListQuery, state: &AppState) -> Result<ListParams, WebError> {
        let lex = state.extractor.lexicon();
        let topic = given(&query.topic)
            .map(|t| {
                lex.topics
                    .iter()
                    .any(|x| x.id == t)
                    .then(|| t.to_owned())
                    .ok_or_else(|| bad("topic", t))
            })
            .transpose()?;
        let party = given(&query.party)
            .map(|p| {
                lex.parties
                    .iter()
                    .any(|x| x.code == p)
                    .then(|| p.to_owned())
                    .ok_or_else(|| bad("party", p))
            })
            .transpose()?;
        // One status, or several separated by commas (`open,in_progress`).
        let mut statuses: Vec<Status> = Vec::new();
        for s in given(&query.status).into_iter().flat_map(|s| s.split(',')) {
            let s = s.trim();
            let status = s.parse::<Status>().map_err(|_| bad("status", s))?;
            if !statuses.contains(&status) {
                statuses.push(status);
            }
        }
        let relation = given(&query.relation)
            .map(|r| r.parse::<Relation>().map_err(|_| bad("relation", r)))
            .transpose()?;
        let year = |v: &Option<String>| {
            given(v)
                .map(|y| {
                    y.parse::<i32>()
                        .ok()
                        .filter(|y| (1800..=2200).contains(y))
                        .ok_or_else(|| bad("year", y))
                })
                .transpose()
        };
        let has_deadline = match given(&query.deadline) {
            None | Some("0") | Some("any") => false,
            Some("1") | Some("yes") | Some("on") => true,
            Some(v) => return Err(bad("deadline choice", v)),
        };
        let order = match given(&query.sort) {
            None => ThreadOrder::default(),
            Some(s) => ThreadOrder::parse(s).ok_or_else(|| bad("order", s))?,
        };
        let page = match given(&query.page) {
            None => 1,
            Some(p) => p
                .parse::<u32>()
                .ok()
                .filter(|&p| p >= 1)
                .ok_or_else(|| bad("page number", p))?,
        };
        let q = given(&query.q)
            .unwrap_or("")
            .chars()
            .take(200)
            .collect::<String>();
        let (as_of, as_of_given) = as_of(&query.as_of)?;
        Ok(ListParams {
            filter: ThreadFilter {
                topic,
                party,
                statuses,
                relation,
                from_year: year(&query.from)?,
                to_year: year(&query.to)?,
                has_deadline,
                words: state.extractor.query_terms(&q),
            },
            order,
            page,
            as_of,
            as_of_given,
            q,
        })
    }

    /// This list's address with another page number (every filter kept; defaults left out).
    pub fn href(&self, page: u32) -> String {
        self.href_at("/threads", page)
    }

    /// The same filters on another page of the site (`/timeline`).
    pub fn href_at(&self, base: &str, page: u32) -> String {
        let f = &self.filter;
        let mut parts: Vec<(&str, String)> = Vec::new();
        if let Some(t) = &f.topic {
            parts.push(("topic", t.clone()));
        }
        if let Some(p) = &f.party {
            parts.push(("party", p.clone()));
        }
        if !f.statuses.is_empty() {
            let names: Vec<&str> = f.statuses.iter().map(|s| s.as_str()).collect();
            parts.push(("status", names.join(",")));
        }
        if let Some(r) = f.relation {
            parts.push(("relation", r.as_str().into()));
        }
        if let Some(y) = f.from_year {
            parts.push(("from", y.to_string()));
        }
        if let Some(y) = f.to_year {
            parts.push(("to", y.to_string()));
        }
        if f.has_deadline {
            parts.push(("deadline", "1".into()));
        }
        if !self.q.is_empty() {
            parts.push(("q", self.q.clone()));
        }
        if self.order != ThreadOrder::default() {
            parts.push(("sort", self.order.as_str().into()));
        }
        if self.as_of_given {
            parts.push(("as_of", self.as_of.to_string()));
        }
        if page > 1 {
            parts.push(("page", page.to_string()));
        }
        let query: Vec<String> = parts
            .into_iter()
            .map(|(k, v)| format!("{k}={}", url_encode(&v)))
            .collect();
        if query.is_empty() {
            base.into()
        } else {
            format!("{base}?{}", query.join("&"))
        }
    }

    /// This page of the list, `size` threads, with how many pass in all (up to the count's
    /// cap) and whether a page follows.
    pub async fn fetch(
        &self,
        state: &AppState,
        conn: &mut sqlx::PgConnection,
        size: i64,
    ) -> Result<(Vec<ThreadListing>, i64, bool), WebError> {
        let catalog = state.catalogs.get(conn).await?;
        Ok(self.page_of(&catalog, size))
    }

    /// This page of the list from `catalog`, as [`ListParams::fetch`].
    pub fn page_of(&self, catalog: &Catalog, size: i64) -> (Vec<ThreadListing>, i64, bool) {
        // One more than a page: whether a next page exists, whatever the count.
        let (mut threads, total) = catalog.list(
            &self.filter,
            self.order,
            self.as_of,
            size as usize + 1,
            (self.page as usize - 1) * size as usize,
        );
        let has_next = threads.len() as i64 > size;
        threads.truncate(size as usize);
        (threads, total, has_next)
    }

    pub fn is_filtered(&self) -> bool {
        self.href(1) != "/threads"
    }
}

/// Page links of a list.
pub struct Pages {
    pub page: u32,
    pub pages: u32,
    /// Whether `pages` is all there are (lists count only so far).
    pub known: bool,
    /// The page before (past the end: the last page).
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pages {
    /// Page links of `base` (`/threads`, `/timeline`) showing `size` threads a page, of
    /// `total` threads counted (up to the list's cap), knowing whether a page follows this one.
    pub fn at(params: &ListParams, total: i64, base: &str, size: i64, has_next: bool) -> Pages {
        let counted = ((total.min(browse::LIST_COUNT_CAP) + size - 1) / size).max(1) as u32;
        let page = params.page;
        let pages = if has_next {
            counted.max(page + 1)
        } else {
            counted
        };
        Pages {
            page,
            pages,
            known: total <= browse::LIST_COUNT_CAP,
            prev: (page > 1).then(|| params.href_at(base, (page - 1).min(pages))),
            next: has_next.then(|| params.href_at(base, page + 1)),
        }
    }

    pub fn shown(&self) -> bool {
        self.pages > 1 || self.page > 1
    }
}

/// A thread as a row of a list (shared with the dashboard).
pub struct Row {
    pub id: i64,
    pub title: String,
    pub topic: String,
    pub parties: String,
    pub status: Status,
    pub deadline: Option<String>,
    pub first_stated: Option<NaiveDate>,
    pub last_mentioned: Option<NaiveDate>,
    pub mentions: i32,
    /// Days past the deadline (overdue ones) or left before it (others), as of the page's date.
    pub days: Option<i64>,
}

impl Row {
    pub fn new(ui: &Ui, t: &ThreadListing, as_of: NaiveDate) -> Row {
        let status = t.status(as_of);
        Row {
            id: t.id,
            title: t.title.clone(),
            topic: ui.topic(&t.topic),
            parties: ui.parties(&t.parties),
            status,
            deadline: t.deadline_text.clone(),
            first_stated: t.first_stated,
            last_mentioned: t.last_mentioned,
            mentions: t.mention_count,
            days: t.deadline.map(|d| (as_of - d).num_days()),
        }
    }

    pub fn days_overdue(&self) -> Option<i64> {
        self.days
            .filter(|&d| d > 0 && self.status == Status::Overdue)
    }

    pub fn days_left(&self) -> Option<i64> {
        self.days
            .map(|d| -d)
            .filter(|&d| d >= 0 && matches!(self.status, Status::Open | Status::InProgress))
    }
}

/// A choice of a select control.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "threads/index.html")]
struct IndexPage {
    ui: Ui,
    params: ListParams,
    rows: Vec<Row>,
    total: i64,
    /// More threads pass than were counted.
    more_than: bool,
    pages: Pages,
    topics: Vec<Choice>,
    parties: Vec<Choice>,
    statuses: Vec<Choice>,
    relations: Vec<Choice>,
    sorts: Vec<Choice>,
}

pub async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, WebError> {
    let ui = Ui::new(&req, state.extractor.lexicon());
    let params = ListParams::parse(&query, &state)?;
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let (threads, total, has_next) = params.fetch(&state, &mut conn, PAGE_SIZE).await?;
    drop(conn);
    let more_than = total > browse::LIST_COUNT_CAP;
    let total = total.min(browse::LIST_COUNT_CAP);
    let rows = threads
        .iter()
        .map(|t| Row::new(&ui, t, params.as_of))
        .collect();
    let lex = state.extractor.lexicon();
    let f = &params.filter;
    let topics = lex
        .topics
        .iter()
        .map(|t| Choice {
            value: t.id.clone(),
            label: ui.topic(&t.id),
            selected: f.topic.as_deref() == Some(t.id.as_str()),
        })
        .collect();
    let parties = lex
        .parties
        .iter()
        .map(|p| Choice {
            value: p.code.clone(),
            label: ui.party(&p.code),
            selected: f.party.as_deref() == Some(p.code.as_str()),
        })
        .collect();
    let statuses = Status::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str().into(),
            label: ui.t(&format!("status.{s}")).into(),
            selected: f.statuses.contains(s),
        })
        .collect();
    let relations = Relation::ALL
        .iter()
        .map(|r| Choice {
            value: r.as_str().into(),
            label: ui.t(&format!("relation.{r}")).into(),
            selected: f.relation == Some(*r),
        })
        .collect();
    let sorts = ThreadOrder::ALL
        .iter()
        .map(|o| Choice {
            value: o.as_str().into(),
            label: ui.t(&format!("threads.sort.{}", o.as_str())).into(),
            selected: params.order == *o,
        })
        .collect();
    let pages = Pages::at(&params, total, "/threads", PAGE_SIZE, has_next);
    render(&IndexPage {
        ui,
        params,
        rows,
        total,
        more_than,
        pages,
        topics,
        parties,
        statuses,
        relations,
        sorts,
    })
}

/// A piece of a mention's text: plain, or a word that made the link (highlighted).
pub enum Piece {
    Text(String),
    Hit(String),
}

/// Cuts `text` around every occurrence of `words` (longest first where they overlap).
pub fn highlight(text: &str, words: &[String]) -> Vec<Piece> {
    let mut words: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !w.is_empty())
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let mut pieces = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(w) = words.iter().find(|w| rest.starts_with(**w)) {
            if !plain.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut plain)));
            }
            pieces.push(Piece::Hit((*w).to_owned()));
            rest = &rest[w.len()..];
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            plain.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if !plain.is_empty() {
        pieces.push(Piece::Text(plain));
    }
    pieces
}

/// A mention as the thread page shows it.
pub struct MentionItem {
    pub position: i32,
    /// The unit (commitment) id, which link corrections name.
    pub unit: i64,
    pub relation: Relation,
    pub date: Option<NaiveDate>,
    pub document_id: i64,
    pub document_title: String,
    pub href: String,
    pub pieces: Vec<Piece>,
    pub score: Option<f64>,
    pub evidence: Vec<String>,
}

/// 40000000000 USD → "USD 40 billion" / "400亿美元".
pub fn amount_words(lang: Lang, amount: f64, unit: &str) -> String {
    let trim = |v: f64| {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    };
    match lang {
        Lang::En => {
            let scaled = if amount.abs() >= 1e9 {
                format!("{} billion", trim(amount / 1e9))
            } else if amount.abs() >= 1e6 {
                format!("{} million", trim(amount / 1e6))
            } else {
                trim(amount)
            };
            match unit {
                "%" => format!("{scaled}%"),
                "" => scaled,
                u if u.len() == 3 && u.chars().all(|c| c.is_ascii_uppercase()) => {
                    format!("{u} {scaled}")
                }
                u => format!("{scaled} {u}"),
            }
        }
        Lang::Zh => {
            let scaled = if amount.abs() >= 1e8 {
                format!("{}亿", trim(amount / 1e8))
            } else if amount.abs() >= 1e4 {
                format!("{}万", trim(amount / 1e4))
            } else {
                trim(amount)
            };
            let unit = match unit {
                "USD" => "美元",
                "CNY" => "元",
                "EUR" => "欧元",
                "RUB" => "卢布",
                u => u,
            };
            format!("{scaled}{unit}")
        }
    }
}

/// "USD 40 billion of 双边贸易额 by 2015" / "2015年前双边贸易额达到400亿美元".
pub fn target_words(lang: Lang, t: &TargetValue) -> String {
    let amount = match t.high {
        Some(high) => format!(
            "{}–{}",
            amount_words(lang, t.amount, &t.unit),
            amount_words(lang, high, &t.unit)
        ),
        None => amount_words(lang, t.amount, &t.unit),
    };
    match lang {
        Lang::En => {
            let mut s = match &t.metric {
                Some(m) => format!("{amount} of {m}"),
                None => amount,
            };
            if let Some(d) = t.deadline {
                s.push_str(&format!(" by {d}"));
            }
            s
        }
        Lang::Zh => {
            let mut s = String::new();
            if let Some(d) = t.deadline {
                s.push_str(&format!("{d}年前"));
            }
            if let Some(m) = &t.metric {
                s.push_str(m);
                s.push_str("达到");
            }
            s.push_str(&amount);
            s
        }
    }
}

/// The evidence of a link in words, one phrase per kind of evidence.
pub fn evidence_words(ui: &Ui, e: &Evidence, thread_target: Option<&TargetValue>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(t) = &e.target {
        if t.same_amount && t.same_deadline {
            let what = thread_target
                .filter(|x| x.metric.as_deref() == Some(t.metric.as_str()))
                .map(|x| target_words(ui.lang, x))
                .unwrap_or_else(|| t.metric.clone());
            out.push(format!("{}: {what}", ui.t("thread.same_target")));
        } else {
            out.push(format!("{}: {}", ui.t("thread.same_metric"), t.metric));
        }
    }
    let keys: Vec<String> = e.keys.iter().map(|k| key_words(ui, k)).collect();
    if !keys.is_empty() {
        out.push(format!(
            "{}: {}",
            ui.t("thread.shared_keys"),
            keys.join("、")
        ));
    }
    if !e.words.is_empty() {
        out.push(format!(
            "{}: {}",
            ui.t("thread.shared_words"),
            e.words.join("、")
        ));
    }
    if !e.fields.is_empty() {
        out.push(format!(
            "{}: {}",
            ui.t("thread.shared_fields"),
            e.fields.join("、")
        ));
    }
    if e.same_topic {
        out.push(ui.t("thread.same_topic").to_owned());
    }
    out.push(format!("{} {:.2}", ui.t("thread.similarity"), e.similarity));
    out
}

/// A key as people read it: `org:sco` → the organisation's name; other keys without their
/// prefix.
fn key_words(ui: &Ui, key: &str) -> String {
    let bare = key.strip_prefix("k:").unwrap_or(key);
    if let Some(code) = bare.strip_prefix("party:") {
        return ui.party(code);
    }
    match bare.split_once(':') {
        Some((_, value)) => value.to_owned(),
        None => bare.to_owned(),
    }
}

/// The words of a mention to highlight: what its link shared, and the target's metric.
fn link_words(e: &Evidence) -> Vec<String> {
    let mut words = e.words.clone();
    words.extend(e.fields.iter().cloned());
    if let Some(t) = &e.target {
        words.push(t.metric.clone());
    }
    words.extend(e.keys.iter().filter_map(|k| {
        let bare = k.strip_prefix("k:").unwrap_or(k);
        bare.split_once(':')
            .map(|(_, v)| v.to_owned())
            .filter(|v| !v.is_ascii())
    }));
    words
}

#[derive(Template)]
#[template(path = "threads/show.html")]
struct ShowPage {
    ui: Ui,
    thread: ThreadListing,
    topic: String,
    parties: String,
    status: Status,
    target: Option<String>,
    as_of: NaiveDate,
    as_of_given: bool,
    timeline: Timeline,
    mentions: Vec<MentionItem>,
    pages: Pages,
    /// Follow-ups, criteria and link decisions.
    analyst: super::followups::Section,
    decisions: Vec<super::review::DecisionView>,
    /// The thread has no mentions now (its work is still shown).
    retired: bool,
    blank: super::followups::Draft,
}

impl ShowPage {
    pub fn current_thread(&self) -> i64 {
        self.thread.id
    }

    /// The follow-up recorded or edited last (withdrawn ones aside): the analysts' status.
    pub fn latest_followup(&self) -> Option<&super::followups::FollowupView> {
        self.analyst
            .followups
            .iter()
            .filter(|f| !f.current.withdrawn)
            .max_by_key(|f| (f.current.edited_at, f.id))
    }

    pub fn width(&self) -> f64 {
        svg::WIDTH
    }
    pub fn height(&self) -> f64 {
        svg::HEIGHT
    }
    pub fn axis_y(&self) -> f64 {
        svg::AXIS_Y
    }
}

#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    as_of: Option<String>,
    page: Option<String>,
}

/// Mentions listed on one page of a thread; a thread with more draws its timeline a mark per
/// month.
pub const MENTIONS_PAGE: i64 = 100;

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse, WebError> {
    let ui = Ui::new(&req, state.extractor.lexicon());
    let (as_of, as_of_given) = as_of(&query.as_of)?;
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let id = id.into_inner();
    let (thread, retired) = match browse::locate(&mut conn, id).await? {
        Some(browse::ThreadAt::Active(thread)) => (thread, false),
        // A thread relinking merged into another: its address (and its work) lead there.
        Some(browse::ThreadAt::MergedInto(next)) => {
            return Ok(super::see_other(format!("/threads/{next}")));
        }
        // A thread left without mentions keeps its page while analysts' work is on it.
        Some(browse::ThreadAt::Retired(thread)) => (thread, true),
        None => return Err(WebError::NotFound),
    };
    let (notes, any_decisions) = crate::store::followups::work_on(&mut conn, thread.id).await?;
    let analyst = if notes {
        super::followups::section(&mut conn, &ui, thread.id).await?
    } else {
        super::followups::Section::default()
    };
    let decisions = if any_decisions {
        super::review::decisions_of(&mut conn, thread.id).await?
    } else {
        Vec::new()
    };
    let pages = ((i64::from(thread.mention_count) + MENTIONS_PAGE - 1) / MENTIONS_PAGE).max(1);
    let page = match query
        .page
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => 1,
        Some(p) => p
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=pages).contains(p))
            .ok_or_else(|| bad("page number", p))?,
    };
    let first = ((page - 1) * MENTIONS_PAGE) as i32;
    let mentions: Vec<MentionView> =
        browse::mentions(&mut conn, thread.id, first, MENTIONS_PAGE).await?;
    let date_param = if as_of_given {
        format!("&as_of={as_of}")
    } else {
        String::new()
    };
    let page_href = |p: i64| format!("/threads/{}?page={p}{date_param}", thread.id);
    // The origin has no link of its own: it shows every word that linked a later mention.
    let mut all_words: Vec<String> = mentions
        .iter()
        .filter_map(|m| m.evidence.as_ref())
        .flat_map(link_words)
        .collect();
    all_words.sort();
    all_words.dedup();
    let items: Vec<MentionItem> = mentions
        .iter()
        .map(|m| MentionItem {
            position: m.position,
            unit: m.commitment_id,
            relation: m.relation,
            date: m.date,
            document_id: m.document_id,
            document_title: m.document_title.clone(),
            href: match m.block {
                Some(b) => format!("/documents/{}#p{b}", m.document_id),
                None => format!("/documents/{}#u{}", m.document_id, m.commitment_id),
            },
            pieces: highlight(
                &m.text,
                &m.evidence
                    .as_ref()
                    .map_or_else(|| all_words.clone(), link_words),
            ),
            score: m.score,
            evidence: m
                .evidence
                .as_ref()
                .map(|e| evidence_words(&ui, e, thread.target.as_ref()))
                .unwrap_or_default(),
        })
        .collect();
    let points: Vec<svg::Point> = if pages == 1 {
        mentions
            .iter()
            .filter_map(|m| {
                Some(svg::Point {
                    date: m.date?,
                    relation: m.relation,
                    href: format!("#m{}", m.position),
                    label: format!(
                        "{} · {} · {}",
                        m.date?,
                        ui.relation(&m.relation),
                        m.document_title
                    ),
                })
            })
            .collect()
    } else {
        // A mark per month, leading to the page of its first mention.
        browse::mention_months(&mut conn, &[thread.id])
            .await?
            .into_iter()
            .map(|m| {
                let on = i64::from(m.first_position) / MENTIONS_PAGE + 1;
                svg::Point {
                    date: m.month,
                    relation: m.relation,
                    href: if on == page {
                        format!("#m{}", m.first_position)
                    } else {
                        format!("{}#m{}", page_href(on), m.first_position)
                    },
                    label: format!(
                        "{} · {} × {}",
                        m.month.format("%Y-%m"),
                        ui.relation(&m.relation),
                        m.mentions
                    ),
                }
            })
            .collect()
    };
    drop(conn);
    let mention_pages = Pages {
        page: page as u32,
        pages: pages as u32,
        known: true,
        prev: (page > 1).then(|| page_href(page - 1)),
        next: (page < pages).then(|| page_href(page + 1)),
    };
    let as_of_label = if as_of_given {
        format!("{} {as_of}", ui.t("common.as_of"))
    } else {
        ui.t("common.today").to_owned()
    };
    let notes = super::followups::notes(&ui, &analyst);
    let timeline = svg::layout(
        &points,
        &notes,
        thread
            .deadline
            .map(|d| (d, thread.deadline_text.clone().unwrap_or_default())),
        thread.fulfilled_on,
        (as_of, as_of_label),
    );
    render(&ShowPage {
        topic: ui.topic(&thread.topic),
        parties: ui.parties(&thread.parties),
        status: thread.status(as_of),
        target: thread.target.as_ref().map(|t| target_words(ui.lang, t)),
        ui,
        thread,
        as_of,
        as_of_given,
        timeline,
        mentions: items,
        pages: mention_pages,
        analyst,
        decisions,
        retired,
        blank: super::followups::Draft::blank(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_in_each_language() {
        assert_eq!(amount_words(Lang::En, 4e10, "USD"), "USD 40 billion");
        assert_eq!(amount_words(Lang::Zh, 4e10, "USD"), "400亿美元");
        assert_eq!(amount_words(Lang::En, 30.0, "%"), "30%");
        assert_eq!(amount_words(Lang::Zh, 1.5e5, "吨"), "15万吨");
    }

    #[test]
    fn highlighting_marks_every_shared_word_longest_first() {
        let pieces = highlight(
            "将双边贸易额提高到400亿美元",
            &["贸易".into(), "双边贸易额".into()],
        );
        let hits: Vec<&str> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Hit(w) => Some(w.as_str()),
                Piece::Text(_) => None,
            })
            .collect();
        assert_eq!(hits, ["双边贸易额"]);
        let text: String = pieces
            .iter()
            .map(|p| match p {
                Piece::Hit(w) | Piece::Text(w) => w.as_str(),
            })
            .collect();
        assert_eq!(text, "将双边贸易额提高到400亿美元");
    }
}
