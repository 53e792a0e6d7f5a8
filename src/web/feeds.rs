//! Alerts as Atom 1.0 feeds (RFC 4287), for feed readers:
//!
//! - `/feeds/overdue.atom`: commitments overdue today, the most recently overdue first;
//! - `/feeds/mentions.atom`: the newest mentions of commitments (origins aside) by when their
//!   documents were stored;
//! - `/threads/{id}/feed.atom`: one commitment's mentions and analysts' follow-ups.
//!
//! The XML is written by [`Xml`], which escapes every text and attribute. Feeds carry an
//! `ETag` (a digest of the body) and `Last-Modified` (the feed's `updated`), and answer a
//! conditional GET that matches with 304.

use std::fmt::Write as _;

use actix_web::http::header::{self, EntityTag, HttpDate, IfModifiedSince, IfNoneMatch};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

use super::i18n::Ui;
use super::{AppState, WebError};
use crate::store::feeds::{self as store, FeedMention};
use crate::store::followups::FollowupVersion;
use crate::store::{StoreError, browse};

pub const CONTENT_TYPE: &str = "application/atom+xml; charset=utf-8";

/// Entries of the overdue and mentions feeds (a document may hold dozens of mentions).
pub const FEED_ENTRIES: i64 = 100;

/// Entries of a thread's feed (its newest mentions and follow-up versions together).
pub const THREAD_FEED_ENTRIES: usize = 100;

/// A feed, ready to be written.
pub struct Feed {
    /// Its path on this site (`/feeds/overdue.atom`), for its id and its `self` link.
    pub path: String,
    pub title: String,
    pub subtitle: String,
    /// The page it stands for.
    pub alternate: String,
    /// The feed changed at this time even if no entry says so (its days overdue, a mention
    /// taken away): its `updated` and `Last-Modified` are never earlier.
    pub changed: DateTime<Utc>,
    /// Entries can leave the feed with no date saying so (a thread fulfilled drops out of the
    /// overdue feed): then only the `ETag` can tell that a reader has the feed as it is, and
    /// `If-Modified-Since` alone never answers 304.
    pub entries_can_vanish: bool,
    pub entries: Vec<Entry>,
}

/// A feed entry.
pub struct Entry {
    /// Unique in this site, for ever: the entry's id is made of it (`mention/12/3`).
    pub key: String,
    pub title: String,
    pub updated: DateTime<Utc>,
    pub published: Option<DateTime<Utc>>,
    /// A path on this site.
    pub link: String,
    /// Another page of this site the entry is about (a document).
    pub related: Option<String>,
    pub author: Option<String>,
    /// Plain text.
    pub content: String,
}

/// Where the request was addressed: `scheme://host` as the client (or the proxy before it,
/// by `Forwarded` / `X-Forwarded-Proto` / `X-Forwarded-Host`) sees this site.
pub struct Site {
    pub base: String,
    /// The host name, for `tag:` ids.
    authority: String,
}

impl Site {
    pub fn of(req: &HttpRequest) -> Site {
        let info = req.connection_info();
        let host = info.host().to_owned();
        let base = format!("{}://{host}", info.scheme());
        // RFC 4151: a domain name. The port, and any character a name cannot have, go.
        let name = host.rsplit_once(':').map_or(host.as_str(), |(name, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                name
            } else {
                host.as_str()
            }
        });
        let authority: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        let authority = authority.trim_matches(|c| c == '.' || c == '-').to_owned();
        Site {
            base,
            authority: if authority.is_empty() {
                "pledgeline".into()
            } else {
                authority
            },
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A `tag:` URI (RFC 4151): stable whatever the scheme or port the site is reached by.
    pub fn tag(&self, key: &str) -> String {
        format!("tag:{},2026:pledgeline/{key}", self.authority)
    }
}

/// An XML writer that escapes every text and attribute value it is given. Element and
/// attribute names are the writer's own constants.
pub struct Xml {
    out: String,
}

impl Xml {
    pub fn new() -> Xml {
        Xml {
            out: String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"),
        }
    }

    fn start(&mut self, name: &'static str, attrs: &[(&'static str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            escape_into(&mut self.out, value);
            self.out.push('"');
        }
    }

    pub fn open(&mut self, name: &'static str, attrs: &[(&'static str, &str)]) {
        self.start(name, attrs);
        self.out.push_str(">\n");
    }

    pub fn close(&mut self, name: &'static str) {
        let _ = writeln!(self.out, "</{name}>");
    }

    pub fn empty(&mut self, name: &'static str, attrs: &[(&'static str, &str)]) {
        self.start(name, attrs);
        self.out.push_str("/>\n");
    }

    pub fn text(&mut self, name: &'static str, attrs: &[(&'static str, &str)], text: &str) {
        self.start(name, attrs);
        self.out.push('>');
        escape_into(&mut self.out, text);
        let _ = writeln!(self.out, "</{name}>");
    }

    pub fn finish(self) -> String {
        self.out
    }
}

impl Default for Xml {
    fn default() -> Self {
        Xml::new()
    }
}

/// Appends `s` escaped for XML text and attribute values. Characters XML 1.0 does not allow
/// (control characters other than tab and line breaks, U+FFFE, U+FFFF) are left out: a
/// document's text may hold them, and one would make the whole feed unreadable.
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' => out.push(c),
            // A bare CR would be read back as a line feed.
            '\r' => out.push_str("&#xD;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Midnight UTC starting a day.
fn day_start(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

impl Feed {
    /// The feed's `updated`: its newest entry's, or when it changed otherwise if later.
    pub fn updated(&self) -> DateTime<Utc> {
        self.entries
            .iter()
            .map(|e| e.updated)
            .fold(self.changed, DateTime::max)
    }

    /// The feed as Atom XML.
    pub fn write(&self, site: &Site, ui: &Ui) -> String {
        let mut x = Xml::new();
        x.open(
            "feed",
            &[
                ("xmlns", "http://www.w3.org/2005/Atom"),
                ("xml:lang", ui.lang.html()),
            ],
        );
        x.text("id", &[], &site.tag(self.path.trim_start_matches('/')));
        x.text("title", &[("type", "text")], &self.title);
        x.text("subtitle", &[("type", "text")], &self.subtitle);
        x.text("updated", &[], &rfc3339(self.updated()));
        x.open("author", &[]);
        x.text("name", &[], "Pledgeline");
        x.close("author");
        x.empty(
            "link",
            &[
                ("rel", "self"),
                ("type", "application/atom+xml"),
                ("href", &site.url(&self.path)),
            ],
        );
        x.empty(
            "link",
            &[
                ("rel", "alternate"),
                ("type", "text/html"),
                ("href", &site.url(&self.alternate)),
            ],
        );
        x.text("generator", &[], "Pledgeline");
        for e in &self.entries {
            x.open("entry", &[]);
            x.text("id", &[], &site.tag(&e.key));
            x.text("title", &[("type", "text")], &e.title);
            x.text("updated", &[], &rfc3339(e.updated));
            if let Some(p) = e.published {
                x.text("published", &[], &rfc3339(p));
            }
            if let Some(a) = &e.author {
                x.open("author", &[]);
                x.text("name", &[], a);
                x.close("author");
            }
            x.empty(
                "link",
                &[
                    ("rel", "alternate"),
                    ("type", "text/html"),
                    ("href", &site.url(&e.link)),
                ],
            );
            if let Some(r) = &e.related {
                x.empty(
                    "link",
                    &[
                        ("rel", "related"),
                        ("type", "text/html"),
                        ("href", &site.url(r)),
                    ],
                );
            }
            x.text("content", &[("type", "text")], &e.content);
            x.close("entry");
        }
        x.close("feed");
        x.finish()
    }
}

/// The feed as a response: 200 with `ETag` and `Last-Modified`, or 304 when the request's
/// `If-None-Match` (else `If-Modified-Since`) says the reader has it already.
pub fn respond(req: &HttpRequest, feed: &Feed, ui: &Ui) -> HttpResponse {
    let body = feed.write(&Site::of(req), ui);
    let digest = Sha256::digest(body.as_bytes());
    let etag = EntityTag::new_strong(hex::encode(&digest[..16]));
    // Whole seconds: what the header can say.
    let updated = feed.updated();
    let last_modified = HttpDate::from(std::time::SystemTime::from(
        DateTime::<Utc>::from_timestamp(updated.timestamp(), 0).unwrap_or(updated),
    ));
    let fresh = match req.get_header::<IfNoneMatch>() {
        Some(IfNoneMatch::Any) => true,
        Some(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&etag)),
        None if feed.entries_can_vanish => false,
        None => req
            .get_header::<IfModifiedSince>()
            .is_some_and(|IfModifiedSince(since)| {
                std::time::SystemTime::from(last_modified) <= std::time::SystemTime::from(since)
            }),
    };
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header(header::ETag(etag))
        .insert_header(header::LastModified(last_modified))
        // The labels follow the reader's language (cookie, else Accept-Language).
        .insert_header((header::VARY, "Accept-Language, Cookie"))
        .insert_header((header::CACHE_CONTROL, "no-cache"));
    if fresh {
        response.finish()
    } else {
        response.content_type(CONTENT_TYPE).body(body)
    }
}

/// A mention's place on its thread's page (the page of 100 mentions that lists it).
fn mention_href(m: &FeedMention) -> String {
    let page = i64::from(m.position) / super::threads::MENTIONS_PAGE + 1;
    if page == 1 {
        format!("/threads/{}#m{}", m.thread_id, m.position)
    } else {
        format!("/threads/{}?page={page}#m{}", m.thread_id, m.position)
    }
}

/// A mention as an entry; the same id in the mentions feed and its thread's feed.
fn mention_entry(ui: &Ui, m: &FeedMention, with_thread: bool) -> Entry {
    let relation = ui.relation(&m.relation);
    let date = m.date.map(|d| format!(" ({d})")).unwrap_or_default();
    let mut content = String::new();
    if with_thread {
        let _ = writeln!(content, "{}: {}", ui.t("common.title"), m.thread_title);
    }
    let _ = writeln!(content, "{}: {relation}", ui.t("common.relation"));
    let _ = writeln!(
        content,
        "{}: {}{date}",
        ui.t("common.document"),
        m.document_title
    );
    content.push('\n');
    content.push_str(&m.text);
    Entry {
        key: format!("mention/{}/{}", m.commitment_id, m.thread_id),
        title: if with_thread {
            format!("{relation}: {}", m.thread_title)
        } else {
            format!("{relation}: {}{date}", m.document_title)
        },
        updated: m.ingested_at,
        published: Some(m.ingested_at),
        link: mention_href(m),
        related: Some(format!("/documents/{}", m.document_id)),
        author: None,
        content,
    }
}

/// A version of a follow-up as an entry, on the page of `thread` (where merged threads'
/// follow-ups are shown too).
fn followup_entry(ui: &Ui, thread: i64, v: &FollowupVersion) -> Entry {
    let c = &v.content;
    let status = ui.t(&format!("fstatus.{}", c.status));
    let mut title = format!("{}: {status}", ui.t("followup.one"));
    if v.version > 1 {
        let _ = write!(title, " ({} {})", ui.t("followup.version"), v.version);
    }
    if v.withdrawn {
        let _ = write!(title, " ({})", ui.t("followup.withdrawn"));
    }
    let mut content = String::new();
    let _ = writeln!(content, "{}: {status}", ui.t("followup.status"));
    let _ = writeln!(content, "{}: {}", ui.t("feeds.analyst"), v.edited_by);
    if let Some(d) = c.next_follow_up {
        let _ = writeln!(content, "{}: {d}", ui.t("followup.next"));
    }
    if !c.note.trim().is_empty() {
        let _ = write!(
            content,
            "\n{}:\n{}\n",
            ui.t("followup.note"),
            c.note.trim_end()
        );
    }
    if !c.evidence.is_empty() {
        let _ = write!(content, "\n{}:\n", ui.t("followup.evidence"));
        for e in &c.evidence {
            let _ = writeln!(content, "- {}", e.cite());
            if !e.excerpt.trim().is_empty() {
                let _ = writeln!(content, "  {}", e.excerpt.trim());
            }
        }
    }
    Entry {
        key: format!("followup/{}/{}", v.followup_id, v.version),
        title,
        updated: v.edited_at,
        published: Some(v.edited_at),
        link: format!("/threads/{thread}#f{}", v.followup_id),
        related: None,
        author: Some(v.edited_by.clone()),
        content: content.trim_end().to_owned(),
    }
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// `/feeds/overdue.atom`.
pub async fn overdue(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let ui = Ui::new(&req, state.extractor.lexicon());
    let today = today();
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let threads = store::overdue(&mut conn, today, FEED_ENTRIES).await?;
    drop(conn);
    let entries = threads
        .iter()
        .map(|t| {
            let since = t.deadline.succ_opt().unwrap_or(t.deadline);
            let days = (today - t.deadline).num_days();
            let mut content = String::new();
            let deadline = match &t.deadline_text {
                Some(text) if text != &t.deadline.to_string() => {
                    format!("{text} ({})", t.deadline)
                }
                _ => t.deadline.to_string(),
            };
            let _ = writeln!(content, "{}: {deadline}", ui.t("common.deadline"));
            let _ = writeln!(
                content,
                "{days} {} ({} {today})",
                ui.t("common.days_overdue"),
                ui.t("common.as_of")
            );
            let _ = writeln!(content, "{}: {}", ui.t("common.topic"), ui.topic(&t.topic));
            if let Some(d) = t.last_mentioned {
                let _ = writeln!(content, "{}: {d}", ui.t("common.last_mentioned"));
            }
            Entry {
                // A new deadline makes a new entry.
                key: format!("overdue/{}/{}", t.id, t.deadline),
                title: t.title.clone(),
                // Overdue from the day after the deadline; a later mention updates it.
                updated: day_start(t.last_mentioned.map_or(since, |d| d.max(since))),
                published: Some(day_start(since)),
                link: format!("/threads/{}", t.id),
                related: None,
                author: None,
                content: content.trim_end().to_owned(),
            }
        })
        .collect();
    let feed = Feed {
        path: "/feeds/overdue.atom".into(),
        title: format!("{} · Pledgeline", ui.t("dashboard.overdue")),
        subtitle: ui.t("feeds.overdue.subtitle").into(),
        alternate: "/threads?status=overdue&sort=deadline".into(),
        // The days overdue change every day.
        changed: day_start(today),
        entries_can_vanish: true,
        entries,
    };
    Ok(respond(&req, &feed, &ui))
}

/// `/feeds/mentions.atom`.
pub async fn mentions(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let ui = Ui::new(&req, state.extractor.lexicon());
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let mentions = store::newest_mentions(&mut conn, FEED_ENTRIES).await?;
    drop(conn);
    let feed = Feed {
        path: "/feeds/mentions.atom".into(),
        title: format!("{} · Pledgeline", ui.t("feeds.mentions")),
        subtitle: ui.t("feeds.mentions.subtitle").into(),
        alternate: "/threads".into(),
        changed: DateTime::UNIX_EPOCH,
        // A correction can take a mention off its thread.
        entries_can_vanish: true,
        entries: mentions
            .iter()
            .map(|m| mention_entry(&ui, m, true))
            .collect(),
    };
    Ok(respond(&req, &feed, &ui))
}

/// `/threads/{id}/feed.atom`: a merged thread's feed leads to its successor's, as its page
/// does; a retired thread keeps its feed while its page stays (analysts' work on it).
pub async fn thread(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    let ui = Ui::new(&req, state.extractor.lexicon());
    let id = id.into_inner();
    let mut conn = state.pool.acquire().await.map_err(StoreError::from)?;
    let (thread, retired) = match browse::locate(&mut conn, id).await? {
        Some(browse::ThreadAt::Active(thread)) => (thread, false),
        Some(browse::ThreadAt::MergedInto(next)) => {
            return Ok(super::see_other(format!("/threads/{next}/feed.atom")));
        }
        Some(browse::ThreadAt::Retired(thread)) => (thread, true),
        None => return Err(WebError::NotFound),
    };
    let versions = crate::store::followups::of_thread(&mut conn, thread.id).await?;
    let changed = store::thread_changed_at(&mut conn, thread.id)
        .await?
        .unwrap_or(DateTime::UNIX_EPOCH);
    let mentions = if retired {
        Vec::new()
    } else {
        store::newest_mentions_of(&mut conn, thread.id, THREAD_FEED_ENTRIES as i64).await?
    };
    drop(conn);
    let mut entries: Vec<Entry> = mentions
        .iter()
        .map(|m| mention_entry(&ui, m, false))
        .chain(versions.iter().map(|v| followup_entry(&ui, thread.id, v)))
        .collect();
    // Newest first; the same order for the same events.
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| b.key.cmp(&a.key)));
    entries.truncate(THREAD_FEED_ENTRIES);
    let feed = Feed {
        path: format!("/threads/{}/feed.atom", thread.id),
        title: format!("{} · Pledgeline", thread.title),
        subtitle: ui.t("feeds.thread.subtitle").into(),
        alternate: format!("/threads/{}", thread.id),
        // Relinking rewrites the thread when its mentions change (one may be taken away, or
        // a mention of a document stored long ago added).
        changed,
        entries_can_vanish: false,
        entries,
    };
    Ok(respond(&req, &feed, &ui))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every label the feeds look up is in the table (a missing one shows as "?").
    #[test]
    fn every_label_the_feeds_use_exists() {
        let source = include_str!("feeds.rs");
        for (i, m) in source.match_indices("ui.t(\"") {
            let rest = &source[i + m.len()..];
            let key = &rest[..rest.find('"').unwrap()];
            assert_ne!(super::super::i18n::Lang::En.t(key), "?", "{key}");
        }
    }

    #[test]
    fn text_and_attributes_are_escaped_and_characters_xml_forbids_left_out() {
        let mut x = Xml::new();
        x.text("title", &[("href", "a\"b'<c>&")], "<script>&\u{1}双边\r\n");
        let out = x.finish();
        assert!(out.contains(
            "<title href=\"a&quot;b&apos;&lt;c&gt;&amp;\">&lt;script&gt;&amp;双边&#xD;\n</title>"
        ));
    }
}
