//! Link review and corrections: `/review` (machine links, least certain first, accepted or
//! rejected with one click or one key), and the corrections made on a thread's page
//! (detach, attach, merge, split, link by hand, undo). Each correction is stored as a
//! decision with its must-link / cannot-link pairs, and the threads it touches are clustered
//! again at once under every decision in force ([`crate::corpus::Corpus::relink_around`]).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::json;
use sqlx::PgConnection;

use super::auth::{Analyst, SignedIn};
use super::i18n::Ui;
use super::threads::evidence_words;
use super::{AppState, WebError, render, see_other, stamp};
use crate::analyst::decisions::{self, DecisionError, DecisionKind, Pair};
use crate::link::Evidence;
use crate::store::decisions::{DecisionWrite, UnitView};
use crate::store::{self, StoreError};

/// Links a page of the queue shows.
const QUEUE_PAGE: i64 = 20;
/// The queue is counted up to this many ("more than 10,000").
const COUNTED: i64 = 10_000;

/// A decision as a thread's page lists it.
pub struct DecisionView {
    pub id: i64,
    pub kind: DecisionKind,
    pub made_by: String,
    pub made_at: String,
    pub note: String,
    pub units: Vec<i64>,
    pub other_thread_id: Option<i64>,
    /// Who undid it, and when.
    pub revoked: Option<(String, String)>,
}

impl From<store::decisions::DecisionRow> for DecisionView {
    fn from(d: store::decisions::DecisionRow) -> Self {
        DecisionView {
            id: d.id,
            kind: d.kind,
            made_by: d.made_by,
            made_at: stamp(d.made_at),
            note: d.note,
            units: d.units,
            other_thread_id: d.other_thread_id,
            revoked: d
                .revoked_by
                .zip(d.revoked_at)
                .map(|(who, when)| (who, stamp(when))),
        }
    }
}

/// The decisions about a thread, newest first.
pub async fn decisions_of(
    conn: &mut PgConnection,
    thread: i64,
) -> Result<Vec<DecisionView>, WebError> {
    Ok(store::decisions::of_thread(conn, thread)
        .await?
        .into_iter()
        .map(DecisionView::from)
        .collect())
}

/// One machine link in the queue.
pub struct QueueEntry {
    pub thread_id: i64,
    pub thread_title: String,
    pub relation: crate::link::Relation,
    pub score: f64,
    pub evidence: Vec<String>,
    /// The earlier unit (the one the mention was attached through), then the mention.
    pub sides: Vec<UnitView>,
}

#[derive(Template)]
#[template(path = "review/index.html")]
struct QueuePage {
    ui: Ui,
    entries: Vec<QueueEntry>,
    waiting: i64,
    /// More links wait than were counted.
    more: bool,
    page: i64,
    pages: i64,
    /// The queue of one thread only.
    thread: Option<i64>,
    /// The decision just made here, to confirm (and undo).
    done: Option<DecisionView>,
}

impl QueuePage {
    /// The address of page `p` of this queue.
    pub fn page_href(&self, p: impl std::borrow::Borrow<i64>) -> String {
        let p = *p.borrow();
        match self.thread {
            Some(t) => format!("/review?thread={t}&page={p}"),
            None => format!("/review?page={p}"),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    page: Option<String>,
    thread: Option<String>,
    done: Option<String>,
}

/// `GET /review`: machine links no decision covers, least certain first.
pub async fn index(
    _analyst: Analyst,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, WebError> {
    let ui = Ui::new(&req, state.extractor.lexicon());
    let page = super::page_number(query.page.as_deref())?;
    let thread: Option<i64> = match query
        .thread
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => None,
        Some(t) => Some(
            t.parse()
                .map_err(|_| WebError::BadRequest(format!("“{t}” is not a thread number.")))?,
        ),
    };
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let waiting = store::decisions::queue_length(&mut conn, thread, COUNTED + 1).await?;
    let items =
        store::decisions::queue(&mut conn, thread, QUEUE_PAGE, (page - 1) * QUEUE_PAGE).await?;
    let mut ids: Vec<i64> = items
        .iter()
        .flat_map(|i| [i.mention, i.linked_from])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let units: std::collections::HashMap<i64, UnitView> = store::decisions::units(&mut conn, &ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let done = match query.done.as_deref().and_then(|d| d.parse::<i64>().ok()) {
        Some(id) => store::decisions::get(&mut conn, id)
            .await?
            .map(DecisionView::from),
        None => None,
    };
    drop(conn);
    let entries = items
        .into_iter()
        .filter_map(|i| {
            let evidence: Option<Evidence> =
                i.evidence.and_then(|e| serde_json::from_value(e).ok());
            Some(QueueEntry {
                thread_id: i.thread_id,
                thread_title: i.thread_title,
                relation: i.relation.parse().ok()?,
                score: i.score,
                evidence: evidence
                    .map(|e| evidence_words(&ui, &e, None))
                    .unwrap_or_default(),
                sides: vec![
                    units.get(&i.linked_from)?.clone(),
                    units.get(&i.mention)?.clone(),
                ],
            })
        })
        .collect();
    render(&QueuePage {
        ui,
        entries,
        waiting: waiting.min(COUNTED),
        more: waiting > COUNTED,
        page,
        pages: ((waiting.min(COUNTED) + QUEUE_PAGE - 1) / QUEUE_PAGE).max(1),
        thread,
        done,
    })
}

/// A correction's form: which units or threads, an optional note, and where to go back to.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    a: Option<String>,
    b: Option<String>,
    unit: Option<String>,
    other: Option<String>,
    note: Option<String>,
    back: Option<String>,
}

fn id_field(value: &Option<String>, what: &str) -> Result<i64, WebError> {
    let v = value.as_deref().map(str::trim).unwrap_or("");
    let v = v.trim_start_matches('#').trim_start_matches(['u', 't']);
    v.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| WebError::BadRequest(format!("Give the {what} as a number.")))
}

fn back_to(form: &DecisionForm, default: String) -> String {
    form.back
        .clone()
        .filter(|b| super::auth::safe_back(b))
        .unwrap_or(default)
}

fn refused(e: DecisionError) -> WebError {
    match e {
        DecisionError::Contradicts(id) => WebError::Conflict(format!(
            "This contradicts decision {id}, made earlier. Undo that decision first (it is listed on the thread's page), then try again."
        )),
        other => WebError::BadRequest(format!("{other}.")),
    }
}

/// Records a decision and clusters the threads it touches again, in one transaction holding
/// the link lock; the audit entry has the threads of the units before and after.
async fn decide(
    state: &AppState,
    user: &SignedIn,
    kind: DecisionKind,
    about: DecisionWrite<'_>,
    pairs: Vec<Pair>,
    tx: &mut PgConnection,
) -> Result<i64, WebError> {
    let active = store::decisions::active_pairs(tx).await?;
    if let Some(d) = decisions::contradiction(&active, &pairs) {
        return Err(refused(DecisionError::Contradicts(d)));
    }
    let mut units: Vec<i64> = pairs.iter().flat_map(|p| [p.a, p.b]).collect();
    units.sort_unstable();
    units.dedup();
    let before = store::threads::memberships(tx, &units).await?;
    let id = store::decisions::record(tx, kind, &about, user.user_id, &pairs).await?;
    state
        .corpus
        .relink_around(tx, &units)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let after = store::threads::memberships(tx, &units).await?;
    // Clustering applies every decision in force at once; if earlier ones keep this one from
    // holding (a mention held apart from another member of the thread it should join), the
    // whole change is rolled back and said so, rather than recorded and not applied.
    let now: std::collections::HashMap<i64, i64> = after.iter().copied().collect();
    let holds = pairs.iter().all(|p| {
        let (x, y) = (now.get(&p.a), now.get(&p.b));
        if p.must {
            x.is_some() && x == y
        } else {
            x.is_none() || y.is_none() || x != y
        }
    });
    if !holds {
        return Err(WebError::Conflict(
            "This correction cannot be applied: earlier decisions about these mentions hold them elsewhere (they are listed on the threads' pages). Nothing was changed."
                .into(),
        ));
    }
    store::audit::record(
        tx,
        &user.actor(),
        &format!("link.{kind}"),
        "decision",
        Some(&id.to_string()),
        Some(&json!({"threads": before})),
        Some(&json!({
            "kind": kind,
            "thread": about.thread,
            "other_thread": about.other_thread,
            "pairs": pairs.iter().map(|p| json!({"a": p.a, "b": p.b, "must_link": p.must})).collect::<Vec<_>>(),
            "note": about.note,
            "threads": after,
        })),
    )
    .await?;
    Ok(id)
}

async fn begin(state: &AppState) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, WebError> {
    let mut tx = state.pool.begin().await.map_err(StoreError::from)?;
    store::decisions::lock(&mut tx).await?;
    Ok(tx)
}

async fn commit(tx: sqlx::Transaction<'static, sqlx::Postgres>) -> Result<(), WebError> {
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// The thread a unit is in now (a 400 when it is in none).
async fn thread_of(conn: &mut PgConnection, unit: i64) -> Result<i64, WebError> {
    store::decisions::thread_of(conn, unit)
        .await?
        .ok_or_else(|| WebError::BadRequest(format!("Mention #u{unit} is in no thread.")))
}

/// `POST /review/accept` and `/review/reject`: `a` and `b` are the link's two units.
pub async fn judge(
    state: web::Data<AppState>,
    Analyst(user): Analyst,
    verdict: web::Path<String>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, WebError> {
    let (a, b) = (
        id_field(&form.a, "first mention")?,
        id_field(&form.b, "second mention")?,
    );
    let (kind, pairs) = match verdict.as_str() {
        "accept" => (DecisionKind::Accept, decisions::accept(a, b)),
        "reject" => (DecisionKind::Reject, decisions::reject(a, b)),
        _ => return Err(WebError::NotFound),
    };
    let pairs = pairs.map_err(refused)?;
    let mut tx = begin(&state).await?;
    let thread = store::decisions::thread_of(&mut tx, b).await?;
    let about = DecisionWrite {
        thread,
        a: Some(a.min(b)),
        b: Some(a.max(b)),
        note: form.note.as_deref().unwrap_or("").trim(),
        ..Default::default()
    };
    let id = decide(&state, &user, kind, about, pairs, &mut tx).await?;
    commit(tx).await?;
    // Back to the queue, saying what was done (with a way to undo it).
    let back = back_to(&form, "/review".into());
    let back = if back.starts_with("/review") {
        let sep = if back.contains('?') { '&' } else { '?' };
        format!("{back}{sep}done={id}")
    } else {
        back
    };
    Ok(see_other(back))
}

/// `POST /threads/{id}/{action}`: detach (`unit`), attach (`unit`), merge (`other`),
/// split (`unit`: the first mention of the second part).
pub async fn correct(
    state: web::Data<AppState>,
    Analyst(user): Analyst,
    path: web::Path<(i64, String)>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, WebError> {
    let (thread, action) = path.into_inner();
    let note = form.note.as_deref().unwrap_or("").trim().to_owned();
    let mut tx = begin(&state).await?;
    let members = store::decisions::ordered_members(&mut tx, thread).await?;
    if members.is_empty() {
        return Err(WebError::NotFound);
    }
    let (kind, about, pairs) = match action.as_str() {
        "detach" => {
            let unit = id_field(&form.unit, "mention")?;
            (
                DecisionKind::Detach,
                DecisionWrite {
                    thread: Some(thread),
                    a: Some(unit),
                    ..Default::default()
                },
                decisions::detach(unit, &members),
            )
        }
        "attach" => {
            let unit = id_field(&form.unit, "mention")?;
            if store::decisions::units(&mut tx, &[unit]).await?.is_empty() {
                return Err(WebError::BadRequest(format!(
                    "There is no mention #u{unit}."
                )));
            }
            let current = store::decisions::thread_of(&mut tx, unit).await?;
            let current_members = match current {
                Some(t) => Some(store::decisions::ordered_members(&mut tx, t).await?),
                None => None,
            };
            (
                DecisionKind::Attach,
                DecisionWrite {
                    thread: Some(thread),
                    other_thread: current,
                    a: Some(unit),
                    ..Default::default()
                },
                decisions::attach(unit, &members, current_members.as_deref()),
            )
        }
        "merge" => {
            let other = id_field(&form.other, "thread")?;
            let others = store::decisions::ordered_members(&mut tx, other).await?;
            if others.is_empty() {
                return Err(WebError::BadRequest(format!("There is no thread {other}.")));
            }
            (
                DecisionKind::Merge,
                DecisionWrite {
                    thread: Some(thread),
                    other_thread: Some(other),
                    ..Default::default()
                },
                if other == thread {
                    Err(DecisionError::SameThread)
                } else {
                    decisions::merge(&members, &others)
                },
            )
        }
        "split" => {
            let unit = id_field(&form.unit, "mention")?;
            let at = members
                .iter()
                .position(|&m| m == unit)
                .ok_or_else(|| refused(DecisionError::NotInThread))?;
            (
                DecisionKind::Split,
                DecisionWrite {
                    thread: Some(thread),
                    a: Some(unit),
                    ..Default::default()
                },
                decisions::split(&members, at),
            )
        }
        _ => return Err(WebError::NotFound),
    };
    let pairs = pairs.map_err(refused)?;
    let about = DecisionWrite {
        note: &note,
        ..about
    };
    let moved = about.a;
    decide(&state, &user, kind, about, pairs, &mut tx).await?;
    // Where to look now: the thread that holds the mention acted on, else this one.
    let now = match moved {
        Some(u) if kind == DecisionKind::Attach => Some(thread_of(&mut tx, u).await?),
        _ => None,
    };
    let still = !store::decisions::ordered_members(&mut tx, thread)
        .await?
        .is_empty();
    commit(tx).await?;
    let target = now.unwrap_or(thread);
    let default = if still || now.is_some() {
        format!("/threads/{target}#corrections")
    } else {
        format!("/threads/{thread}")
    };
    Ok(see_other(back_to(&form, default)))
}

/// `POST /links`: two mentions state the same commitment (`a`, `b`).
pub async fn link_by_hand(
    state: web::Data<AppState>,
    Analyst(user): Analyst,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, WebError> {
    let (a, b) = (
        id_field(&form.a, "first mention")?,
        id_field(&form.b, "second mention")?,
    );
    let pairs = decisions::link(a, b).map_err(refused)?;
    let mut tx = begin(&state).await?;
    if store::decisions::units(&mut tx, &[a, b]).await?.len() < 2 {
        return Err(WebError::BadRequest(
            "Both mentions must exist (give their #u numbers).".into(),
        ));
    }
    let about = DecisionWrite {
        thread: store::decisions::thread_of(&mut tx, a).await?,
        other_thread: store::decisions::thread_of(&mut tx, b).await?,
        a: Some(a.min(b)),
        b: Some(a.max(b)),
        note: form.note.as_deref().unwrap_or("").trim(),
    };
    decide(&state, &user, DecisionKind::Link, about, pairs, &mut tx).await?;
    let thread = thread_of(&mut tx, a).await?;
    commit(tx).await?;
    Ok(see_other(back_to(
        &form,
        format!("/threads/{thread}#corrections"),
    )))
}

/// `POST /decisions/{id}/undo`: the decision stops applying (it stays in the history), and
/// the threads of its units are clustered again.
pub async fn undo(
    state: web::Data<AppState>,
    Analyst(user): Analyst,
    id: web::Path<i64>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, WebError> {
    let id = id.into_inner();
    let mut tx = begin(&state).await?;
    let decision = store::decisions::get(&mut tx, id)
        .await?
        .ok_or(WebError::NotFound)?;
    if !store::decisions::revoke(&mut tx, id, user.user_id).await? {
        return Err(WebError::Conflict(format!(
            "Decision {id} was undone already."
        )));
    }
    let before = store::threads::memberships(&mut tx, &decision.units).await?;
    state
        .corpus
        .relink_around(&mut tx, &decision.units)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let after = store::threads::memberships(&mut tx, &decision.units).await?;
    store::audit::record(
        &mut tx,
        &user.actor(),
        "link.undo",
        "decision",
        Some(&id.to_string()),
        Some(&json!({"kind": decision.kind, "threads": before})),
        Some(&json!({"revoked": true, "threads": after})),
    )
    .await?;
    let thread = match decision.units.first() {
        Some(&u) => store::decisions::thread_of(&mut tx, u).await?,
        None => None,
    };
    commit(tx).await?;
    let default = thread.map_or_else(
        || "/review".to_owned(),
        |t| format!("/threads/{t}#corrections"),
    );
    Ok(see_other(back_to(&form, default)))
}
