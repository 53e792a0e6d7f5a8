//! The active threads held in memory, for the pages that filter and order many of them (the
//! threads list, the global timeline).
//!
//! A list with selective filters (a topic, a status as of a date, a relation, a deadline)
//! ordered by another column made PostgreSQL either walk an order's index past most threads
//! or read every match and sort it: 20–300 ms a page at 100k threads, too much for a page
//! asked for by dozens of analysts at once. Held here, each thread is a few dozen bytes read
//! in order; a page costs well under a millisecond whatever its filters.
//!
//! The free-text filter is answered here too, from the words of each thread's `search`
//! vector: a common word (双边, in 5% of threads) made the `search` index visit thousands of
//! threads' rows, 7 ms of a page.
//!
//! A catalog is read in one snapshot and labelled with the store's generation
//! ([`super::browse::generation`]); [`Catalogs::get`] reads it again when the generation moves.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use sqlx::PgConnection;

use super::StoreError;
use super::browse::{
    self, LIST_COUNT_CAP, ListingRow, MonthMarks, ThreadFilter, ThreadListing, ThreadOrder,
};
use crate::extract::QueryTerm;
use crate::link::Relation;
use crate::link::status::Status;

fn relation_bit(r: Relation) -> u8 {
    1 << match r {
        Relation::Origin => 0,
        Relation::Reaffirms => 1,
        Relation::Advances => 2,
        Relation::Fulfils => 3,
        Relation::Revises => 4,
        Relation::Refers => 5,
    }
}

struct Entry {
    listing: ThreadListing,
    /// The relations its mentions have, a bit each ([`relation_bit`]).
    relations: u8,
}

/// How old a catalog may be to serve while a newer one is read.
const STALE_FOR: std::time::Duration = std::time::Duration::from_secs(30);

/// What the filters test of a thread, packed: a list tests every thread when few pass.
struct Facts {
    /// Index into [`Catalog::topics`].
    topic: u16,
    relations: u8,
    first_stated: Option<NaiveDate>,
    last_mentioned: Option<NaiveDate>,
    deadline: Option<NaiveDate>,
    fulfilled_on: Option<NaiveDate>,
    advanced_on: Option<NaiveDate>,
}

impl Facts {
    /// The list's filter rule (the SQL function `thread_matches` had it before the catalog),
    /// but for the topic (`topic`, its index) and the sets tested before ([`Catalog::list`]).
    /// A relation passes when any mention has it.
    fn passes(&self, f: &ThreadFilter, topic: Option<u16>, as_of: NaiveDate) -> bool {
        self.first_stated.is_none_or(|d| d <= as_of)
            && topic.is_none_or(|t| self.topic == t)
            && (f.statuses.is_empty()
                || f.statuses.contains(&Status::of(
                    self.fulfilled_on,
                    self.advanced_on,
                    self.deadline,
                    as_of,
                )))
            && f.relation
                .is_none_or(|r| self.relations & relation_bit(r) != 0)
            && f.from_year
                .is_none_or(|y| self.last_mentioned.is_some_and(|d| d.year() >= y))
            && f.to_year
                .is_none_or(|y| self.first_stated.is_some_and(|d| d.year() <= y))
            && (!f.has_deadline || self.deadline.is_some())
    }
}

/// The active threads that have mentions, in each of the list's orders.
pub struct Catalog {
    label: browse::Label,
    listings: Vec<ThreadListing>,
    /// By entry, as `listings`.
    facts: Vec<Facts>,
    topics: Vec<String>,
    /// Indexes into `listings`, one vector per [`ThreadOrder::ALL`].
    orders: [Vec<u32>; 4],
    /// The same orders of each topic's threads alone, by topic index: a topic's list reads
    /// only its threads.
    topic_orders: Vec<[Vec<u32>; 4]>,
    /// For each word of the threads' `search` vectors, the entries that have it, ascending.
    words: HashMap<Box<str>, Vec<u32>>,
    /// For each party, the entries that name it.
    parties: HashMap<String, Bits>,
    /// The month marks of threads drawn so far ([`Catalog::month_marks`]).
    months: Mutex<HashMap<i64, Arc<[MonthMarks]>>>,
    /// Every document's title and date (signed, else published), for pages that name many.
    documents: HashMap<i64, (String, Option<NaiveDate>)>,
}

/// A set of entries, a bit each.
#[derive(Clone)]
struct Bits(Vec<u64>);

impl Bits {
    fn of(len: usize, ix: &[u32]) -> Bits {
        let mut bits = Bits(vec![0; len.div_ceil(64)]);
        for &i in ix {
            bits.0[i as usize / 64] |= 1 << (i % 64);
        }
        bits
    }

    fn has(&self, i: u32) -> bool {
        self.0[i as usize / 64] & (1 << (i % 64)) != 0
    }

    fn and(mut self, other: &Bits) -> Bits {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a &= b);
        self
    }

    fn or(mut self, other: &Bits) -> Bits {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a |= b);
        self
    }
}

impl Catalog {
    /// Reads every active thread in one snapshot, labelled with the generation read just
    /// before it.
    pub async fn load(conn: &mut PgConnection) -> Result<Catalog, StoreError> {
        let browse::Snapshot {
            generation,
            sure,
            mut tx,
        } = browse::snapshot(conn).await?;
        let rows = sqlx::query_as!(
            ListingRow,
            r#"
            SELECT t.id, t.title, t.topic, t.parties, t.deadline_text, t.deadline,
                   t.target AS "target: sqlx::types::Json<crate::extract::TargetValue>",
                   t.first_stated, t.last_mentioned, t.mention_count, t.fulfilled_on,
                   t.advanced_on
            FROM threads t
            WHERE t.retired_at IS NULL AND t.mention_count > 0
            ORDER BY t.id
            "#
        )
        .fetch_all(&mut *tx)
        .await?;
        let documents = sqlx::query!(
            r#"
            SELECT id, title, coalesce(signed_on, published_on) AS date FROM documents
            "#
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|d| (d.id, (d.title, d.date)))
        .collect();
        let words = sqlx::query!(
            r#"
            SELECT id, tsvector_to_array(search) AS "words!"
            FROM threads
            WHERE retired_at IS NULL AND mention_count > 0
            ORDER BY id
            "#
        )
        .fetch_all(&mut *tx)
        .await?;
        let relations = sqlx::query!(
            r#"
            SELECT thread_id, array_agg(DISTINCT relation) AS "relations!"
            FROM thread_mentions GROUP BY thread_id ORDER BY thread_id
            "#
        )
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut relations = relations.into_iter().peekable();
        let mut words = words.into_iter().peekable();
        let mut entries = Vec::with_capacity(rows.len());
        let mut postings: HashMap<Box<str>, Vec<u32>> = HashMap::new();
        for row in rows {
            let listing = ThreadListing::from(row);
            while words.next_if(|w| w.id < listing.id).is_some() {}
            if let Some(w) = words.next_if(|w| w.id == listing.id) {
                for word in w.words {
                    postings
                        .entry(word.into_boxed_str())
                        .or_default()
                        .push(entries.len() as u32);
                }
            }
            while relations.next_if(|r| r.thread_id < listing.id).is_some() {}
            let mut bits = 0;
            if let Some(r) = relations.next_if(|r| r.thread_id == listing.id) {
                for name in r.relations {
                    bits |= relation_bit(name.parse()?);
                }
            }
            entries.push(Entry {
                listing,
                relations: bits,
            });
        }
        let mut catalog = Catalog::new(generation, sure, entries, postings);
        catalog.documents = documents;
        Ok(catalog)
    }

    fn new(
        generation: i64,
        sure: bool,
        entries: Vec<Entry>,
        words: HashMap<Box<str>, Vec<u32>>,
    ) -> Catalog {
        let order = |key: &dyn Fn(&ThreadListing, &ThreadListing) -> std::cmp::Ordering| {
            let mut ix: Vec<u32> = (0..entries.len() as u32).collect();
            ix.sort_by(|&a, &b| key(&entries[a as usize].listing, &entries[b as usize].listing));
            ix
        };
        // Undated last in every order, as the SQL orders had it (NULLS LAST).
        let mut orders = ThreadOrder::ALL.map(|o| match o {
            ThreadOrder::LastMentioned => order(&|a, b| {
                (b.last_mentioned.is_some(), b.last_mentioned, b.id).cmp(&(
                    a.last_mentioned.is_some(),
                    a.last_mentioned,
                    a.id,
                ))
            }),
            ThreadOrder::FirstStated => order(&|a, b| {
                (a.first_stated.is_none(), a.first_stated, a.id).cmp(&(
                    b.first_stated.is_none(),
                    b.first_stated,
                    b.id,
                ))
            }),
            ThreadOrder::Deadline => order(&|a, b| {
                (a.deadline.is_none(), a.deadline, a.id).cmp(&(
                    b.deadline.is_none(),
                    b.deadline,
                    b.id,
                ))
            }),
            ThreadOrder::Mentions => {
                order(&|a, b| (b.mention_count, b.id).cmp(&(a.mention_count, a.id)))
            }
        });
        let mut topics: Vec<String> = Vec::new();
        let mut parties: HashMap<String, Vec<u32>> = HashMap::new();
        let mut facts = Vec::with_capacity(entries.len());
        let mut listings = Vec::with_capacity(entries.len());
        for (i, Entry { listing, relations }) in entries.into_iter().enumerate() {
            let topic = match topics.iter().position(|t| *t == listing.topic) {
                Some(t) => t,
                None => {
                    topics.push(listing.topic.clone());
                    topics.len() - 1
                }
            };
            for p in &listing.parties {
                parties.entry(p.clone()).or_default().push(i as u32);
            }
            facts.push(Facts {
                topic: topic as u16,
                relations,
                first_stated: listing.first_stated,
                last_mentioned: listing.last_mentioned,
                deadline: listing.deadline,
                fulfilled_on: listing.fulfilled_on,
                advanced_on: listing.advanced_on,
            });
            listings.push(listing);
        }
        let len = listings.len();
        orders.iter_mut().for_each(|o| o.shrink_to_fit());
        let topic_orders = (0..topics.len())
            .map(|t| {
                orders.each_ref().map(|o| {
                    o.iter()
                        .copied()
                        .filter(|&i| facts[i as usize].topic as usize == t)
                        .collect()
                })
            })
            .collect();
        Catalog {
            label: browse::Label::new(generation, sure),
            listings,
            facts,
            topics,
            orders,
            topic_orders,
            words,
            parties: parties
                .into_iter()
                .map(|(p, ix)| (p, Bits::of(len, &ix)))
                .collect(),
            months: Mutex::default(),
            documents: HashMap::new(),
        }
    }

    /// The month marks of `threads` ([`browse::mention_months`]), by thread. A thread's marks
    /// are read the first time a page draws it and kept with the catalog: the global
    /// timeline draws a hundred threads a page, and reading their mentions again for every
    /// view cost twice what the rest of the page did.
    pub async fn month_marks(
        &self,
        conn: &mut PgConnection,
        threads: &[i64],
    ) -> Result<HashMap<i64, Arc<[MonthMarks]>>, StoreError> {
        let mut found = HashMap::new();
        let mut missing = Vec::new();
        {
            let months = self.months.lock().unwrap_or_else(|e| e.into_inner());
            for &id in threads {
                match months.get(&id) {
                    Some(m) => {
                        found.insert(id, m.clone());
                    }
                    None => missing.push(id),
                }
            }
        }
        if missing.is_empty() {
            return Ok(found);
        }
        let mut read: HashMap<i64, Vec<MonthMarks>> =
            missing.iter().map(|&id| (id, Vec::new())).collect();
        for m in browse::mention_months(conn, &missing).await? {
            read.entry(m.thread).or_default().push(m);
        }
        let mut months = self.months.lock().unwrap_or_else(|e| e.into_inner());
        for (id, marks) in read {
            let marks: Arc<[MonthMarks]> = marks.into();
            months.insert(id, marks.clone());
            found.insert(id, marks);
        }
        Ok(found)
    }

    /// The entries whose words have every term, as the `search` index would find them: a term
    /// matches as itself or as all the words that cover it (see [`super::browse::tsquery`]).
    /// `None` when there are no terms.
    fn with_words(&self, terms: &[QueryTerm]) -> Option<Bits> {
        let len = self.listings.len();
        let word = |w: &str| Bits::of(len, self.words.get(w).map_or(&[][..], Vec::as_slice));
        terms
            .iter()
            .map(|t| {
                let whole = word(&t.word);
                if t.parts.len() > 1 {
                    let parts = t.parts.iter().map(|p| word(p)).reduce(|a, b| a.and(&b));
                    match parts {
                        Some(parts) => parts.or(&whole),
                        None => whole,
                    }
                } else {
                    whole
                }
            })
            .reduce(|a, b| a.and(&b))
    }

    /// Whether this catalog stands for the store at `generation`.
    fn serves(&self, generation: i64) -> bool {
        self.label.serves(generation)
    }

    /// A document's title and date, by id.
    pub fn document(&self, id: i64) -> Option<(&str, Option<NaiveDate>)> {
        self.documents.get(&id).map(|(t, d)| (t.as_str(), *d))
    }

    /// The title of an active thread (one with mentions), by id.
    pub fn title(&self, id: i64) -> Option<&str> {
        // Listings are in id order.
        let at = self.listings.partition_point(|t| t.id < id);
        let t = self.listings.get(at).filter(|t| t.id == id)?;
        Some(&t.title)
    }

    /// One page of the threads that pass `filter` as of a date (threads first stated after
    /// it are left out; statuses are as of it), in `order`, and how many pass in all, counted
    /// up to [`LIST_COUNT_CAP`] + 1.
    pub fn list(
        &self,
        filter: &ThreadFilter,
        order: ThreadOrder,
        as_of: NaiveDate,
        limit: usize,
        offset: usize,
    ) -> (Vec<ThreadListing>, i64) {
        let ix = ThreadOrder::ALL
            .iter()
            .position(|o| *o == order)
            .unwrap_or(0);
        let cap = LIST_COUNT_CAP as usize + 1;
        let mut page = Vec::with_capacity(limit.min(128));
        let mut passed = 0usize;
        // A topic or party no thread has: nothing passes.
        let topic = match &filter.topic {
            Some(t) => match self.topics.iter().position(|x| x == t) {
                Some(t) => Some(t as u16),
                None => return (page, 0),
            },
            None => None,
        };
        let mut set = self.with_words(&filter.words);
        if let Some(p) = &filter.party {
            let Some(bits) = self.parties.get(p) else {
                return (page, 0);
            };
            set = Some(match set {
                Some(set) => set.and(bits),
                None => bits.clone(),
            });
        }
        let order = match topic {
            Some(t) => &self.topic_orders[t as usize][ix],
            None => &self.orders[ix],
        };
        for &i in order {
            if set.as_ref().is_some_and(|s| !s.has(i))
                || !self.facts[i as usize].passes(filter, topic, as_of)
            {
                continue;
            }
            if passed >= offset && page.len() < limit {
                page.push(self.listings[i as usize].clone());
            }
            passed += 1;
            if passed >= cap && page.len() == limit {
                break;
            }
        }
        (page, passed.min(cap) as i64)
    }
}

/// The newest catalog, shared by the requests of a server.
#[derive(Default)]
pub struct Catalogs {
    current: Mutex<Option<Arc<Catalog>>>,
    /// Held while a catalog is read: requests that find theirs outdated wait for one reading
    /// instead of all reading at once.
    loading: tokio::sync::Mutex<()>,
}

impl Catalogs {
    /// The catalog held, whatever its generation, if it was read less than [`STALE_FOR`] ago.
    fn recent(&self) -> Option<Arc<Catalog>> {
        let current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        current
            .as_ref()
            .filter(|c| c.label.made.elapsed() < STALE_FOR)
            .cloned()
    }

    fn serving(&self, generation: i64) -> Option<Arc<Catalog>> {
        let current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        current.as_ref().filter(|c| c.serves(generation)).cloned()
    }

    /// Reads a catalog in the background, so that the first list after a start does not wait
    /// for it.
    pub fn load_in_background(self: &Arc<Self>, pool: sqlx::PgPool) {
        let this = self.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let loaded = async {
                let mut conn = pool.acquire().await?;
                this.get(&mut conn).await
            }
            .await;
            match loaded {
                Ok(c) => tracing::info!(
                    threads = c.listings.len(),
                    seconds = started.elapsed().as_secs_f64(),
                    "thread catalog read"
                ),
                Err(e) => tracing::warn!("reading the thread catalog failed: {e}"),
            }
        });
    }

    /// The catalog of the store as it is now: the one held, if the store has not been written
    /// since it was read, else a new one. While another request reads the new one, a catalog
    /// read less than [`STALE_FOR`] ago serves instead of waiting (during a long ingest the
    /// store moves every second, and a read takes 2 s at 100k threads); the request that
    /// first finds the store moved always waits, so a page asked for after a write shows it.
    pub async fn get(&self, conn: &mut PgConnection) -> Result<Arc<Catalog>, StoreError> {
        let generation = super::browse::generation(&mut *conn).await?;
        self.get_at(conn, generation).await
    }

    /// [`Catalogs::get`] for the store at `generation`, read by the caller.
    pub async fn get_at(
        &self,
        conn: &mut PgConnection,
        generation: i64,
    ) -> Result<Arc<Catalog>, StoreError> {
        if let Some(c) = self.serving(generation) {
            return Ok(c);
        }
        let _loading = match self.loading.try_lock() {
            Ok(loading) => loading,
            Err(_) => {
                if let Some(c) = self.recent() {
                    return Ok(c);
                }
                self.loading.lock().await
            }
        };
        if let Some(c) = self.serving(generation) {
            return Ok(c);
        }
        let catalog = Arc::new(Catalog::load(conn).await?);
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = Some(catalog.clone());
        Ok(catalog)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        s.parse().ok()
    }

    fn entry(id: i64, topic: &str, first: &str, last: &str, deadline: &str, n: i32) -> Entry {
        Entry {
            listing: ThreadListing {
                id,
                title: format!("t{id}"),
                topic: topic.into(),
                parties: vec!["CN".into(), "KZ".into()],
                deadline_text: None,
                deadline: d(deadline),
                target: None,
                first_stated: d(first),
                last_mentioned: d(last),
                mention_count: n,
                fulfilled_on: None,
                advanced_on: None,
            },
            relations: relation_bit(Relation::Origin),
        }
    }

    fn ids(c: &Catalog, f: &ThreadFilter, order: ThreadOrder, as_of: &str) -> Vec<i64> {
        let (page, _) = c.list(f, order, d(as_of).unwrap(), 100, 0);
        page.iter().map(|t| t.id).collect()
    }

    fn sample() -> Catalog {
        let mut e = vec![
            entry(1, "trade", "2011-06-13", "2012-06-07", "2015-12-31", 2),
            entry(2, "energy", "2010-01-01", "2013-01-01", "", 5),
            entry(3, "trade", "", "", "", 1),
            entry(4, "trade", "2014-01-01", "2014-01-01", "2012-12-31", 5),
        ];
        e[1].relations |= relation_bit(Relation::Revises);
        e[3].listing.fulfilled_on = d("2014-01-01");
        e[2].listing.parties = vec!["CN".into(), "RU".into()];
        let words = [
            ("双边", vec![0, 2]),
            ("贸易额", vec![0]),
            ("贸易", vec![1, 2]),
            ("额", vec![2]),
        ];
        let words = words.map(|(w, ix)| (w.into(), ix)).into_iter().collect();
        Catalog::new(1, true, e, words)
    }

    #[test]
    fn each_order_puts_undated_threads_last_and_breaks_ties_by_id() {
        let c = sample();
        let all = ThreadFilter::default();
        assert_eq!(
            ids(&c, &all, ThreadOrder::LastMentioned, "2020-01-01"),
            [4, 2, 1, 3]
        );
        assert_eq!(
            ids(&c, &all, ThreadOrder::FirstStated, "2020-01-01"),
            [2, 1, 4, 3]
        );
        assert_eq!(
            ids(&c, &all, ThreadOrder::Deadline, "2020-01-01"),
            [4, 1, 2, 3]
        );
        assert_eq!(
            ids(&c, &all, ThreadOrder::Mentions, "2020-01-01"),
            [4, 2, 1, 3]
        );
    }

    #[test]
    fn filters_apply_as_of_the_lists_date() {
        let c = sample();
        // Stated after the date: left out.
        let all = ThreadFilter::default();
        assert_eq!(
            ids(&c, &all, ThreadOrder::FirstStated, "2012-01-01"),
            [2, 1, 3]
        );
        let overdue = ThreadFilter {
            statuses: vec![Status::Overdue],
            ..Default::default()
        };
        assert_eq!(ids(&c, &overdue, ThreadOrder::Deadline, "2016-01-01"), [1]);
        assert!(ids(&c, &overdue, ThreadOrder::Deadline, "2013-01-01").is_empty());
        let trade_with_deadline = ThreadFilter {
            topic: Some("trade".into()),
            has_deadline: true,
            ..Default::default()
        };
        assert_eq!(
            ids(
                &c,
                &trade_with_deadline,
                ThreadOrder::Mentions,
                "2020-01-01"
            ),
            [4, 1]
        );
        let party = |p: &str| ThreadFilter {
            party: Some(p.into()),
            ..Default::default()
        };
        assert_eq!(
            ids(&c, &party("RU"), ThreadOrder::Mentions, "2020-01-01"),
            [3]
        );
        assert_eq!(
            ids(&c, &party("CN"), ThreadOrder::Mentions, "2020-01-01").len(),
            4
        );
        assert!(ids(&c, &party("US"), ThreadOrder::Mentions, "2020-01-01").is_empty());
        let unknown_topic = ThreadFilter {
            topic: Some("space".into()),
            ..Default::default()
        };
        assert!(ids(&c, &unknown_topic, ThreadOrder::Mentions, "2020-01-01").is_empty());
        let revised = ThreadFilter {
            relation: Some(Relation::Revises),
            ..Default::default()
        };
        assert_eq!(ids(&c, &revised, ThreadOrder::Mentions, "2020-01-01"), [2]);
        let years = ThreadFilter {
            from_year: Some(2015),
            to_year: Some(2015),
            ..Default::default()
        };
        assert!(ids(&c, &years, ThreadOrder::Mentions, "2020-01-01").is_empty());
        let years = ThreadFilter {
            from_year: Some(2012),
            to_year: Some(2012),
            ..Default::default()
        };
        assert_eq!(ids(&c, &years, ThreadOrder::Mentions, "2020-01-01"), [2, 1]);
    }

    #[test]
    fn a_threads_title_is_found_by_its_id() {
        let c = sample();
        assert_eq!(c.title(2), Some("t2"));
        assert_eq!(c.title(4), Some("t4"));
        assert_eq!(c.title(5), None);
        assert_eq!(c.title(0), None);
    }

    #[test]
    fn words_match_whole_or_as_the_words_that_cover_them() {
        let c = sample();
        let term = |word: &str, parts: &[&str]| QueryTerm {
            word: word.into(),
            parts: parts.iter().map(|p| p.to_string()).collect(),
        };
        let with = |terms: Vec<QueryTerm>| {
            let f = ThreadFilter {
                words: terms,
                ..Default::default()
            };
            ids(&c, &f, ThreadOrder::LastMentioned, "2020-01-01")
        };
        assert_eq!(with(vec![term("双边", &[])]), [1, 3]);
        // 贸易额 whole in thread 1, as 贸易 + 额 in thread 3; thread 2 has only 贸易.
        assert_eq!(with(vec![term("贸易额", &["贸易", "额"])]), [1, 3]);
        assert_eq!(with(vec![term("双边", &[]), term("贸易", &[])]), [3]);
        assert!(with(vec![term("企鹅", &[])]).is_empty());
    }

    #[test]
    fn a_page_past_the_first_skips_and_the_count_stops_at_the_cap() {
        let many: Vec<Entry> = (1..=1500)
            .map(|i| entry(i, "trade", "2011-01-01", "2012-01-01", "", 1))
            .collect();
        let c = Catalog::new(1, true, many, HashMap::new());
        let as_of = d("2020-01-01").unwrap();
        let f = ThreadFilter::default();
        let (page, n) = c.list(&f, ThreadOrder::FirstStated, as_of, 3, 20);
        assert_eq!(page.iter().map(|t| t.id).collect::<Vec<_>>(), [21, 22, 23]);
        assert_eq!(n, LIST_COUNT_CAP + 1);
        // A page beyond the cap is still found.
        let (page, _) = c.list(&f, ThreadOrder::FirstStated, as_of, 2, 1400);
        assert_eq!(page.iter().map(|t| t.id).collect::<Vec<_>>(), [1401, 1402]);
    }

    #[test]
    fn a_catalog_read_lately_serves_while_a_newer_one_is_read() {
        let catalogs = Catalogs::default();
        assert!(catalogs.recent().is_none());
        let held = |c: Catalog| {
            *catalogs.current.lock().unwrap() = Some(Arc::new(c));
        };
        held(Catalog::new(1, true, vec![], HashMap::new()));
        assert!(catalogs.recent().is_some());
        assert!(
            catalogs.serving(2).is_none(),
            "not for the store as it is now"
        );
        let mut old = Catalog::new(1, true, vec![], HashMap::new());
        old.label.made -= STALE_FOR;
        held(old);
        assert!(catalogs.recent().is_none());
    }

    #[test]
    fn an_unsure_catalog_serves_only_for_a_while() {
        let mut c = Catalog::new(7, false, vec![], HashMap::new());
        assert!(c.serves(7));
        assert!(!c.serves(8));
        c.label.made -= browse::UNSURE_FOR;
        assert!(!c.serves(7));
        c.label.sure = true;
        assert!(c.serves(7));
    }
}
