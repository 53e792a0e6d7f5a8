//! Follow-ups and fulfilment criteria on a thread: the section of the thread page that shows
//! them (with their histories), and the forms that write them. A save names the version it
//! was made from; a save made from an older version than the stored one gets a conflict
//! page showing the newer version beside what was typed, never an overwrite.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde_json::json;
use sqlx::PgConnection;

use super::auth::{Analyst, SignedIn};
use super::i18n::Ui;
use super::{AppState, WebError, markdown, render, see_other, stamp, svg};
use crate::analyst::followups::{
    EvidenceItem, FollowupContent, FollowupError, FollowupStatus, check_criteria,
};
use crate::store::followups::{CriteriaVersion, FollowupVersion};
use crate::store::{self, StoreError};

/// A follow-up as the thread page shows it: its newest version, and what each version
/// changed.
pub struct FollowupView {
    pub id: i64,
    pub thread_id: i64,
    pub current: FollowupVersion,
    pub note_html: String,
    pub history: Vec<Change>,
    /// When it was first recorded.
    pub recorded_at: String,
}

/// One version in a history: who, when, and what changed from the version before.
pub struct Change {
    pub version: i32,
    pub who: String,
    pub when: String,
    pub what: Vec<String>,
}

/// The key of a status's compliance label (`compliance.plus` …).
pub fn score_key(status: FollowupStatus) -> &'static str {
    match status.compliance() {
        Some(1) => "plus",
        Some(0) => "zero",
        Some(_) => "minus",
        None => "none",
    }
}

/// The thread page's analyst section.
#[derive(Default)]
pub struct Section {
    pub followups: Vec<FollowupView>,
    /// This thread's criteria, newest first (`thread_id` tells those of merged threads).
    pub criteria: Vec<CriteriaVersion>,
    pub criteria_html: String,
    /// The version a criteria edit starts from (0: none yet).
    pub criteria_version: i32,
}

/// What changed between two versions, in words.
fn changes(ui: &Ui, old: Option<&FollowupVersion>, new: &FollowupVersion) -> Vec<String> {
    let Some(old) = old else {
        return vec![ui.t("followup.created").to_owned()];
    };
    let (a, b) = (&old.content, &new.content);
    let mut out = Vec::new();
    if a.status != b.status {
        out.push(format!(
            "{}: {} → {}",
            ui.t("followup.status"),
            ui.t(&format!("fstatus.{}", a.status)),
            ui.t(&format!("fstatus.{}", b.status))
        ));
    }
    if a.note != b.note {
        out.push(ui.t("followup.note_changed").to_owned());
    }
    if a.evidence != b.evidence {
        out.push(format!(
            "{}: {} → {}",
            ui.t("followup.evidence"),
            a.evidence.len(),
            b.evidence.len()
        ));
    }
    if a.next_follow_up != b.next_follow_up {
        let d = |x: Option<NaiveDate>| x.map_or_else(|| "–".to_owned(), |d| d.to_string());
        out.push(format!(
            "{}: {} → {}",
            ui.t("followup.next"),
            d(a.next_follow_up),
            d(b.next_follow_up)
        ));
    }
    if old.withdrawn != new.withdrawn {
        out.push(
            ui.t(if new.withdrawn {
                "followup.withdrawn"
            } else {
                "followup.restored"
            })
            .to_owned(),
        );
    }
    if out.is_empty() {
        out.push(ui.t("followup.saved_unchanged").to_owned());
    }
    out
}

/// Builds a follow-up's view from its versions (newest first).
fn view(ui: &Ui, versions: Vec<FollowupVersion>) -> Option<FollowupView> {
    let current = versions.first()?.clone();
    let history = versions
        .iter()
        .enumerate()
        .map(|(k, v)| Change {
            version: v.version,
            who: v.edited_by.clone(),
            when: stamp(v.edited_at),
            what: changes(ui, versions.get(k + 1), v),
        })
        .collect();
    Some(FollowupView {
        id: current.followup_id,
        thread_id: current.thread_id,
        note_html: markdown::render(&current.content.note),
        recorded_at: stamp(current.created_at),
        current,
        history,
    })
}

/// The analyst section of a thread's page.
pub async fn section(conn: &mut PgConnection, ui: &Ui, thread: i64) -> Result<Section, WebError> {
    let mut by_followup: Vec<Vec<FollowupVersion>> = Vec::new();
    for v in store::followups::of_thread(conn, thread).await? {
        match by_followup.last_mut() {
            Some(list) if list[0].followup_id == v.followup_id => list.push(v),
            _ => by_followup.push(vec![v]),
        }
    }
    let followups = by_followup
        .into_iter()
        .filter_map(|versions| view(ui, versions))
        .collect();
    let criteria = store::followups::criteria_history(conn, thread).await?;
    let own = criteria.iter().find(|c| c.thread_id == thread);
    Ok(Section {
        criteria_html: own.map_or_else(String::new, |c| markdown::render(&c.criteria)),
        criteria_version: own.map_or(0, |c| c.version),
        followups,
        criteria,
    })
}

/// The follow-ups' marks on the thread's timeline: a star at each evidence date (or at the
/// day it was recorded), withdrawn ones left out.
pub fn notes(ui: &Ui, section: &Section) -> Vec<svg::Note> {
    section
        .followups
        .iter()
        .filter(|f| !f.current.withdrawn)
        .flat_map(|f| {
            let c = &f.current.content;
            c.timeline_dates(f.current.created_at.date_naive())
                .into_iter()
                .map(move |date| svg::Note {
                    date,
                    status: c.status.to_string(),
                    href: format!("#f{}", f.id),
                    label: format!(
                        "{date} · {}: {}",
                        ui.t("followup.one"),
                        ui.t(&format!("fstatus.{}", c.status))
                    ),
                })
        })
        .collect()
}

/// Evidence rows shown in a form: the given ones and two blank ones.
pub fn form_rows(evidence: &[EvidenceItem]) -> Vec<EvidenceItem> {
    let mut rows = evidence.to_vec();
    for _ in 0..2 {
        rows.push(EvidenceItem {
            url: String::new(),
            title: String::new(),
            date: None,
            excerpt: String::new(),
        });
    }
    rows
}

/// A follow-up form as posted (`ev{N}_url`, `ev{N}_title`, `ev{N}_date`, `ev{N}_excerpt`
/// for each evidence row).
struct Posted {
    status: Option<FollowupStatus>,
    note: String,
    evidence: Vec<EvidenceItem>,
    next: Option<NaiveDate>,
    based_on: i32,
    withdrawn: bool,
    errors: Vec<String>,
}

fn parse_form(fields: &[(String, String)]) -> Posted {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut errors = Vec::new();
    let date = |v: &str, errors: &mut Vec<String>| -> Option<NaiveDate> {
        if v.is_empty() {
            return None;
        }
        let d = v.parse::<NaiveDate>().ok();
        if d.is_none() {
            errors.push(format!("“{v}” is not a date (YYYY-MM-DD)."));
        }
        d
    };
    let status = get("status").parse::<FollowupStatus>().ok();
    if status.is_none() {
        errors.push("Choose a status.".into());
    }
    let mut rows: Vec<usize> = fields
        .iter()
        .filter_map(|(k, _)| {
            k.strip_prefix("ev")?
                .split_once('_')?
                .0
                .parse::<usize>()
                .ok()
        })
        .filter(|&n| n < 100)
        .collect();
    rows.sort_unstable();
    rows.dedup();
    let evidence = rows
        .into_iter()
        .map(|n| EvidenceItem {
            url: get(&format!("ev{n}_url")),
            title: get(&format!("ev{n}_title")),
            date: date(&get(&format!("ev{n}_date")), &mut errors),
            excerpt: get(&format!("ev{n}_excerpt")),
        })
        .collect();
    let next = date(&get("next_follow_up"), &mut errors);
    Posted {
        status,
        note: fields
            .iter()
            .find(|(n, _)| n == "note")
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
        evidence,
        next,
        based_on: get("based_on").parse().unwrap_or(0),
        withdrawn: get("withdrawn") == "on",
        errors,
    }
}

impl Posted {
    fn content(&self) -> Result<FollowupContent, Vec<String>> {
        if !self.errors.is_empty() {
            return Err(self.errors.clone());
        }
        let status = self
            .status
            .ok_or_else(|| vec!["Choose a status.".to_owned()])?;
        FollowupContent::new(status, &self.note, self.evidence.clone(), self.next)
            .map_err(|e: FollowupError| vec![e.to_string()])
    }

    /// What was typed, for showing the form again.
    fn draft(&self) -> Draft {
        Draft {
            status: self.status.map_or_else(String::new, |s| s.to_string()),
            note: self.note.clone(),
            evidence: form_rows(
                &self
                    .evidence
                    .iter()
                    .filter(|e| {
                        !(e.url.is_empty()
                            && e.title.is_empty()
                            && e.excerpt.is_empty()
                            && e.date.is_none())
                    })
                    .cloned()
                    .collect::<Vec<_>>(),
            ),
            next: self.next.map_or_else(String::new, |d| d.to_string()),
            withdrawn: self.withdrawn,
        }
    }
}

/// A form's content as shown.
pub struct Draft {
    pub status: String,
    pub note: String,
    pub evidence: Vec<EvidenceItem>,
    pub next: String,
    pub withdrawn: bool,
}

impl Draft {
    fn of(c: &FollowupContent, withdrawn: bool) -> Draft {
        Draft {
            status: c.status.to_string(),
            note: c.note.clone(),
            evidence: form_rows(&c.evidence),
            next: c.next_follow_up.map_or_else(String::new, |d| d.to_string()),
            withdrawn,
        }
    }

    pub fn blank() -> Draft {
        Draft {
            status: FollowupStatus::InProgress.to_string(),
            note: String::new(),
            evidence: form_rows(&[]),
            next: String::new(),
            withdrawn: false,
        }
    }
}

impl EditPage {
    pub fn current_thread(&self) -> i64 {
        self.thread_id
    }
}

#[derive(Template)]
#[template(path = "followups/edit.html")]
struct EditPage {
    ui: Ui,
    thread_id: i64,
    thread_title: String,
    /// None: a new follow-up.
    followup: Option<i64>,
    based_on: i32,
    draft: Draft,
    errors: Vec<String>,
    /// On a conflict: the version saved meanwhile, by someone else.
    newer: Option<FollowupView>,
}

async fn thread_title(conn: &mut PgConnection, thread: i64) -> Result<String, WebError> {
    Ok(store::browse::thread(conn, thread)
        .await?
        .ok_or(WebError::NotFound)?
        .title)
}

/// `GET /threads/{id}/followups/new`.
pub async fn new_form(
    _analyst: Analyst,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    let thread = id.into_inner();
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let title = thread_title(&mut conn, thread).await?;
    render(&EditPage {
        ui: Ui::new(&req, state.extractor.lexicon()),
        thread_id: thread,
        thread_title: title,
        followup: None,
        based_on: 0,
        draft: Draft::blank(),
        errors: Vec::new(),
        newer: None,
    })
}

fn with_status(mut response: HttpResponse, status: StatusCode) -> HttpResponse {
    *response.status_mut() = status;
    response
}

/// `POST /threads/{id}/followups`: records a new follow-up.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    Analyst(user): Analyst,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let thread = id.into_inner();
    let posted = parse_form(&form);
    let mut tx = state.pool.begin().await.map_err(StoreError::from)?;
    let title = thread_title(&mut tx, thread).await?;
    let content = match posted.content() {
        Ok(c) => c,
        Err(errors) => {
            let page = EditPage {
                ui: Ui::new(&req, state.extractor.lexicon()),
                thread_id: thread,
                thread_title: title,
                followup: None,
                based_on: 0,
                draft: posted.draft(),
                errors,
                newer: None,
            };
            return Ok(with_status(
                render(&page)?,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let followup = record_new(&mut tx, &user, thread, &content).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(see_other(format!("/threads/{thread}#f{followup}")))
}

/// Records a new follow-up on a thread with its audit entry (from the form or the API);
/// returns its id.
pub(crate) async fn record_new(
    tx: &mut PgConnection,
    user: &SignedIn,
    thread: i64,
    content: &FollowupContent,
) -> Result<i64, StoreError> {
    let followup = store::followups::create(tx, thread, user.user_id, content).await?;
    store::audit::record(
        tx,
        &user.actor(),
        "followup.create",
        "followup",
        Some(&followup.to_string()),
        None,
        Some(&json!({"thread": thread, "version": 1, "content": content})),
    )
    .await?;
    Ok(followup)
}

/// `GET /followups/{id}/edit`.
pub async fn edit_form(
    _analyst: Analyst,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let versions = store::followups::versions(&mut conn, id.into_inner()).await?;
    let current = versions.first().ok_or(WebError::NotFound)?.clone();
    let title = thread_title(&mut conn, current.thread_id)
        .await
        .unwrap_or_default();
    render(&EditPage {
        ui: Ui::new(&req, state.extractor.lexicon()),
        thread_id: current.thread_id,
        thread_title: title,
        followup: Some(current.followup_id),
        based_on: current.version,
        draft: Draft::of(&current.content, current.withdrawn),
        errors: Vec::new(),
        newer: None,
    })
}

/// `POST /followups/{id}`: saves a new version, made from version `based_on`.
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    Analyst(user): Analyst,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let followup = id.into_inner();
    let posted = parse_form(&form);
    let ui = Ui::new(&req, state.extractor.lexicon());
    let mut tx = state.pool.begin().await.map_err(StoreError::from)?;
    let versions = store::followups::versions(&mut tx, followup).await?;
    let current = versions.first().ok_or(WebError::NotFound)?.clone();
    let title = thread_title(&mut tx, current.thread_id)
        .await
        .unwrap_or_default();
    let content = match posted.content() {
        Ok(c) => c,
        Err(errors) => {
            let page = EditPage {
                ui,
                thread_id: current.thread_id,
                thread_title: title,
                followup: Some(followup),
                based_on: posted.based_on,
                draft: posted.draft(),
                errors,
                newer: None,
            };
            return Ok(with_status(
                render(&page)?,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let saved = posted.based_on == current.version
        && store::followups::save_version(
            &mut tx,
            followup,
            posted.based_on,
            &content,
            posted.withdrawn,
            user.user_id,
        )
        .await?;
    if !saved {
        // Someone saved since this form was loaded: show their version and keep what was
        // typed; saving again (from the newer version) is a deliberate choice.
        drop(tx);
        let page = EditPage {
            thread_id: current.thread_id,
            thread_title: title,
            followup: Some(followup),
            based_on: current.version,
            draft: posted.draft(),
            errors: vec![ui.t("followup.conflict").to_owned()],
            newer: view(&ui, versions),
            ui,
        };
        return Ok(with_status(render(&page)?, StatusCode::CONFLICT));
    }
    store::audit::record(
        &mut tx,
        &user.actor(),
        "followup.edit",
        "followup",
        Some(&followup.to_string()),
        Some(&json!({"version": current.version, "content": current.content, "withdrawn": current.withdrawn})),
        Some(&json!({"version": current.version + 1, "content": content, "withdrawn": posted.withdrawn})),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(see_other(format!(
        "/threads/{}#f{followup}",
        current.thread_id
    )))
}

#[derive(Template)]
#[template(path = "followups/criteria_conflict.html")]
struct CriteriaConflictPage {
    ui: Ui,
    thread_id: i64,
    thread_title: String,
    newer: CriteriaVersion,
    newer_html: String,
    typed: String,
    based_on: i32,
}

/// `POST /threads/{id}/criteria`: saves the fulfilment criteria as a new version.
pub async fn save_criteria(
    req: HttpRequest,
    state: web::Data<AppState>,
    Analyst(user): Analyst,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let thread = id.into_inner();
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let text = check_criteria(&get("criteria")).map_err(|e| WebError::BadRequest(e.to_string()))?;
    let based_on: i32 = get("based_on").trim().parse().unwrap_or(0);
    let mut tx = state.pool.begin().await.map_err(StoreError::from)?;
    let title = thread_title(&mut tx, thread).await?;
    let history = store::followups::criteria_history(&mut tx, thread).await?;
    let own = history.iter().find(|c| c.thread_id == thread).cloned();
    let current = own.as_ref().map_or(0, |c| c.version);
    let saved = based_on == current
        && store::followups::save_criteria(&mut tx, thread, based_on, &text, user.user_id).await?;
    if !saved {
        drop(tx);
        let Some(newer) = own else {
            return Err(WebError::BadRequest(
                "The form is out of date; reload the page.".into(),
            ));
        };
        let page = CriteriaConflictPage {
            ui: Ui::new(&req, state.extractor.lexicon()),
            thread_id: thread,
            thread_title: title,
            newer_html: markdown::render(&newer.criteria),
            based_on: newer.version,
            newer,
            typed: text,
        };
        return Ok(with_status(render(&page)?, StatusCode::CONFLICT));
    }
    store::audit::record(
        &mut tx,
        &user.actor(),
        "criteria.edit",
        "thread",
        Some(&thread.to_string()),
        own.as_ref()
            .map(|c| json!({"version": c.version, "criteria": c.criteria}))
            .as_ref(),
        Some(&json!({"version": current + 1, "criteria": text})),
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(see_other(format!("/threads/{thread}#criteria")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_parse_evidence_rows_and_report_bad_dates() {
        let f = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let posted = parse_form(&[
            f("status", "fulfilled"),
            f("note", "done"),
            f("ev0_url", "https://a.example"),
            f("ev0_date", "2015-06-01"),
            f("ev1_url", ""),
            f("ev1_date", "June"),
            f("based_on", "3"),
        ]);
        assert_eq!(posted.based_on, 3);
        assert_eq!(posted.evidence.len(), 2);
        assert_eq!(posted.errors.len(), 1, "{:?}", posted.errors);
        assert!(posted.content().is_err());
        let ok = parse_form(&[f("status", "fulfilled"), f("ev0_url", "https://a.example")]);
        assert_eq!(ok.content().unwrap().evidence.len(), 1);
        let bad = parse_form(&[f("status", "done"), f("note", "x")]);
        assert!(bad.content().is_err());
    }
}
