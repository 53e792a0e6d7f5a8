//! The units' search words held in memory: which units have each word, newest last.
//!
//! A search lists the newest 1,000 units that have every word of the query. PostgreSQL's GIN
//! index finds the units but not in order, so for a word in a few percent of a million units
//! it walked the units backwards testing each one (30,000 rows and 40–180 ms for 双边): too
//! slow for a page asked for by dozens at once. Here each word's units are a sorted list, and
//! the newest that have all the words are found by walking the shortest list from its end.
//!
//! The index is read whole once (in the background: until then, searches ask PostgreSQL), and
//! then kept current document by document: a document's units change only when it is
//! extracted, which stamps its `document_extractions` row. When the store's generation moves,
//! the stamps are compared and only the changed documents' units are read again.
//!
//! Document titles are held the same way (the words of `document_extractions.title_search`):
//! finding the newest titles with a word walked every document's row when no title had it.
//!
//! Ranking is by how often a unit says the query's words (`ln(1 + count)` summed over the
//! words), then newest first.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sqlx::{PgConnection, PgPool};

use super::StoreError;
use super::browse::{Label, Snapshot, snapshot};
use super::search::Match;
use crate::extract::QueryTerm;

/// A posting is a unit id shifted left by this, with how often the unit says the word (at most
/// 15) below.
const TF_BITS: u32 = 4;
const TF_MAX: u32 = (1 << TF_BITS) - 1;
/// Unit ids at or above this do not fit a posting; a store that large searches in PostgreSQL.
const MAX_UNIT: i64 = 1 << (32 - TF_BITS);

/// The words of a stored `tsvector` (its text form, `'双边':1,4 '贸易额':2`), each with how
/// many positions it has.
pub fn tsvector_words(text: &str) -> Vec<(String, u32)> {
    let mut words = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut word = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    word.push('\'');
                }
                '\'' => break,
                '\\' => word.extend(chars.next()),
                c => word.push(c),
            }
        }
        let mut count = 1;
        if chars.peek() == Some(&':') {
            chars.next();
            count = 0;
            while let Some(&c) = chars.peek() {
                if c == ' ' {
                    break;
                }
                if c.is_ascii_digit()
                    && !matches!(chars.clone().nth(1), Some(d) if d.is_ascii_digit())
                {
                    count += 1;
                }
                chars.next();
            }
            count = count.max(1);
        }
        words.push((word, count));
    }
    words
}

pub struct SearchIndex {
    /// Counts the whole readings of the index: changes found against one reading are applied
    /// to that one only.
    epoch: u64,
    label: Label,
    /// Each extracted document: its extraction's stamp and its current units.
    documents: HashMap<i64, (DateTime<Utc>, Vec<u32>)>,
    /// Each current unit's document, by unit id ascending.
    units: Vec<(u32, i64)>,
    /// Each word's postings, ascending.
    postings: HashMap<Box<str>, Vec<u32>>,
    /// Each title word's documents, as postings.
    titles: HashMap<Box<str>, Vec<u32>>,
}

/// What a search finds.
pub struct Found {
    /// The newest units with every word.
    pub units: Vec<Match>,
    /// The newest documents whose titles have every word.
    pub titles: Vec<i64>,
}

/// A document's units as read for the index.
struct UnitRow {
    id: i64,
    document_id: i64,
    search: String,
}

impl SearchIndex {
    fn empty(generation: i64, sure: bool) -> SearchIndex {
        SearchIndex {
            epoch: 0,
            label: Label::new(generation, sure),
            documents: HashMap::new(),
            units: Vec::new(),
            postings: HashMap::new(),
            titles: HashMap::new(),
        }
    }

    /// Reads every current unit in one snapshot; `None` when the units' ids are too large to
    /// index.
    pub async fn load(conn: &mut PgConnection) -> Result<Option<SearchIndex>, StoreError> {
        let Snapshot {
            generation,
            sure,
            mut tx,
        } = snapshot(conn).await?;
        let mut index = SearchIndex::empty(generation, sure);
        for (document, stamp) in stamps(&mut tx).await? {
            index.documents.insert(document, (stamp, Vec::new()));
        }
        for (document, title) in titles(&mut tx, None).await? {
            if !index.add_title(document, &title) {
                return Ok(None);
            }
        }
        let mut rows = sqlx::query_as!(
            UnitRow,
            r#"
            SELECT id, document_id, coalesce(search::text, '') AS "search!"
            FROM commitments WHERE retired_at IS NULL ORDER BY id
            "#
        )
        .fetch(&mut *tx);
        while let Some(row) = rows.try_next().await? {
            if !index.add(&row) {
                return Ok(None);
            }
        }
        drop(rows);
        tx.commit().await?;
        Ok(Some(index))
    }

    /// Adds a unit (in id order, or anywhere: postings stay sorted); false when its id does not
    /// fit.
    fn add(&mut self, row: &UnitRow) -> bool {
        if !(0..MAX_UNIT).contains(&row.id) {
            return false;
        }
        let id = row.id as u32;
        match self.units.last() {
            Some(&(last, _)) if last >= id => {
                let at = self.units.partition_point(|u| u.0 < id);
                self.units.insert(at, (id, row.document_id));
            }
            _ => self.units.push((id, row.document_id)),
        }
        if let Some(doc) = self.documents.get_mut(&row.document_id) {
            doc.1.push(id);
        }
        post(&mut self.postings, id, &row.search);
        true
    }

    /// Adds a document's title words; false when its id does not fit.
    fn add_title(&mut self, document: i64, title_search: &str) -> bool {
        if !(0..MAX_UNIT).contains(&document) {
            return false;
        }
        post(&mut self.titles, document as u32, title_search);
        true
    }

    /// Drops these units and these documents' titles (both ascending) from every list.
    fn remove(&mut self, ids: &[u32], documents: &[u32]) {
        if !ids.is_empty() {
            let gone = |id: u32| ids.binary_search(&id).is_ok();
            self.units.retain(|u| !gone(u.0));
            unpost(&mut self.postings, ids);
        }
        unpost(&mut self.titles, documents);
    }

    fn serves(&self, generation: i64) -> bool {
        self.label.serves(generation)
    }

    /// The newest `limit` units that have every term, with their documents and ranks; and
    /// the newest `titles` documents whose titles have every term.
    pub fn search(&self, terms: &[QueryTerm], limit: usize, titles: usize) -> Found {
        let units = newest(&self.postings, terms, limit)
            .into_iter()
            .filter_map(|(id, rank)| {
                let at = self.units.partition_point(|u| u.0 < id);
                let &(_, document_id) = self.units.get(at).filter(|u| u.0 == id)?;
                Some(Match {
                    id: i64::from(id),
                    document_id,
                    rank,
                })
            })
            .collect();
        let titles = newest(&self.titles, terms, titles)
            .into_iter()
            .map(|(d, _)| i64::from(d))
            .collect();
        Found { units, titles }
    }
}

/// Adds an id's postings for the words of a `tsvector`'s text.
fn post(postings: &mut HashMap<Box<str>, Vec<u32>>, id: u32, search: &str) {
    for (word, count) in tsvector_words(search) {
        let posting = (id << TF_BITS) | count.min(TF_MAX);
        let list = postings.entry(word.into_boxed_str()).or_default();
        match list.last() {
            Some(&last) if last >= posting => {
                let at = list.partition_point(|&p| p < posting);
                list.insert(at, posting);
            }
            _ => list.push(posting),
        }
    }
}

/// Drops these ids (ascending) from every list.
fn unpost(postings: &mut HashMap<Box<str>, Vec<u32>>, ids: &[u32]) {
    if ids.is_empty() {
        return;
    }
    postings.retain(|_, list| {
        list.retain(|&p| ids.binary_search(&(p >> TF_BITS)).is_err());
        !list.is_empty()
    });
}

/// A term's postings, ascending: the word's own, or merged with those of the units that have
/// all the words that cover it (as [`super::browse::tsquery`] matches), each counted by its
/// rarest part. A plain word's list is borrowed: a common word (合作, in a third of the units)
/// would otherwise be copied whole for every search.
fn term_postings<'a>(
    postings: &'a HashMap<Box<str>, Vec<u32>>,
    term: &QueryTerm,
) -> Cow<'a, [u32]> {
    let list = |w: &str| postings.get(w).map_or(&[][..], Vec::as_slice);
    let whole = list(&term.word);
    if term.parts.len() < 2 {
        return Cow::Borrowed(whole);
    }
    let mut parts: Vec<&[u32]> = term.parts.iter().map(|p| list(p)).collect();
    parts.sort_by_key(|l| l.len());
    let mut covered: Vec<u32> = Vec::new();
    'unit: for &p in parts[0] {
        let mut tf = p & TF_MAX;
        for other in &parts[1..] {
            match find(other, p >> TF_BITS) {
                Some(q) => tf = tf.min(q & TF_MAX),
                None => continue 'unit,
            }
        }
        covered.push((p >> TF_BITS << TF_BITS) | tf);
    }
    // The union of both, by id.
    let mut merged = Vec::with_capacity(whole.len() + covered.len());
    let (mut a, mut b) = (
        whole.iter().copied().peekable(),
        covered.into_iter().peekable(),
    );
    loop {
        match (a.peek(), b.peek()) {
            (Some(&x), Some(&y)) if x >> TF_BITS == y >> TF_BITS => {
                merged.push(x.max(y));
                a.next();
                b.next();
            }
            (Some(&x), Some(&y)) if x < y => merged.extend(a.next()),
            (Some(_), Some(_)) | (None, Some(_)) => merged.extend(b.next()),
            (Some(_), None) => merged.extend(a.next()),
            (None, None) => break,
        }
    }
    Cow::Owned(merged)
}

/// The posting of `id` in a list, if it is there.
fn find(list: &[u32], id: u32) -> Option<u32> {
    let at = list.partition_point(|&p| p >> TF_BITS < id);
    list.get(at).copied().filter(|&p| p >> TF_BITS == id)
}

/// The newest `limit` ids that have every term, with their ranks: the shortest list walked
/// from its end, each id looked up in the others.
fn newest(
    postings: &HashMap<Box<str>, Vec<u32>>,
    terms: &[QueryTerm],
    limit: usize,
) -> Vec<(u32, f32)> {
    let mut lists: Vec<Cow<[u32]>> = terms.iter().map(|t| term_postings(postings, t)).collect();
    lists.sort_by_key(|l| l.len());
    let Some((first, others)) = lists.split_first() else {
        return Vec::new();
    };
    let rank = |p: u32| (1.0 + (p & TF_MAX) as f32).ln();
    let mut found = Vec::new();
    'unit: for &p in first.iter().rev() {
        let id = p >> TF_BITS;
        let mut score = rank(p);
        for other in others {
            match find(other, id) {
                Some(q) => score += rank(q),
                None => continue 'unit,
            }
        }
        found.push((id, score));
        if found.len() == limit {
            break;
        }
    }
    found
}

async fn stamps(conn: &mut PgConnection) -> Result<Vec<(i64, DateTime<Utc>)>, StoreError> {
    Ok(
        sqlx::query!("SELECT document_id, extracted_at FROM document_extractions")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|r| (r.document_id, r.extracted_at))
            .collect(),
    )
}

/// The title words of some documents (of all, for `None`).
async fn titles(
    conn: &mut PgConnection,
    documents: Option<&[i64]>,
) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(sqlx::query!(
        r#"
        SELECT document_id, coalesce(title_search::text, '') AS "title!"
        FROM document_extractions
        WHERE $1::bigint[] IS NULL OR document_id = ANY($1)
        "#,
        documents
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.document_id, r.title))
    .collect())
}

/// What changed since an index was read: documents to read again, units to drop.
struct Changes {
    generation: i64,
    sure: bool,
    stamps: Vec<(i64, DateTime<Utc>)>,
    rows: Vec<UnitRow>,
    titles: Vec<(i64, String)>,
    /// Units to drop, ascending.
    dropped: Vec<u32>,
    /// Documents extracted no more.
    gone: Vec<i64>,
}

/// The server's search index, kept current.
#[derive(Default)]
pub struct SearchIndexes {
    index: RwLock<Option<SearchIndex>>,
    /// Held while the index is brought up to date.
    syncing: tokio::sync::Mutex<()>,
    /// A whole index is being read in the background.
    loading: AtomicBool,
    /// The store's units do not fit the index.
    unusable: AtomicBool,
    epochs: std::sync::atomic::AtomicU64,
}

impl SearchIndexes {
    /// Reads the whole index in the background (searches ask PostgreSQL meanwhile).
    pub fn load_in_background(self: &Arc<Self>, pool: PgPool) {
        if self.loading.swap(true, Ordering::SeqCst) {
            return;
        }
        let this = self.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let loaded = async {
                let mut conn = pool.acquire().await?;
                SearchIndex::load(&mut conn).await
            }
            .await;
            match loaded {
                Ok(Some(mut index)) => {
                    index.epoch = this.epochs.fetch_add(1, Ordering::SeqCst) + 1;
                    tracing::info!(
                        units = index.units.len(),
                        words = index.postings.len(),
                        seconds = started.elapsed().as_secs_f64(),
                        "search index read"
                    );
                    *this.index.write().unwrap_or_else(|e| e.into_inner()) = Some(index);
                }
                Ok(None) => {
                    tracing::warn!("unit ids too large for the search index; searching in SQL");
                    this.unusable.store(true, Ordering::SeqCst);
                }
                Err(e) => tracing::warn!("reading the search index failed: {e}"),
            }
            this.loading.store(false, Ordering::SeqCst);
        });
    }

    /// [`SearchIndex::search`] on the index brought up to the store at `generation` (read by
    /// the caller, [`super::browse::generation`]); `None` when there is no index yet (it is
    /// being read) and the caller should ask PostgreSQL.
    #[allow(clippy::too_many_arguments)]
    pub async fn search(
        self: &Arc<Self>,
        pool: &PgPool,
        conn: &mut PgConnection,
        generation: i64,
        terms: &[QueryTerm],
        limit: usize,
        titles: usize,
    ) -> Result<Option<Found>, StoreError> {
        if self.unusable.load(Ordering::SeqCst) {
            return Ok(None);
        }
        if let Some(found) = self.answer(generation, terms, limit, titles) {
            return Ok(Some(found));
        }
        let _syncing = self.syncing.lock().await;
        if let Some(found) = self.answer(generation, terms, limit, titles) {
            return Ok(Some(found));
        }
        let known: Option<(u64, HashMap<i64, DateTime<Utc>>)> = {
            let index = self.index.read().unwrap_or_else(|e| e.into_inner());
            index.as_ref().map(|i| {
                let stamps = i.documents.iter().map(|(d, (s, _))| (*d, *s)).collect();
                (i.epoch, stamps)
            })
        };
        let Some((epoch, known)) = known else {
            self.load_in_background(pool.clone());
            return Ok(None);
        };
        let Some(changes) = self.changes(conn, &known).await? else {
            self.load_in_background(pool.clone());
            return Ok(None);
        };
        if self.unusable.load(Ordering::SeqCst) {
            return Ok(None);
        }
        let mut guard = self.index.write().unwrap_or_else(|e| e.into_inner());
        // Read again whole meanwhile: that reading is at least as new.
        let Some(index) = guard.as_mut().filter(|i| i.epoch == epoch) else {
            return Ok(None);
        };
        index.apply(changes);
        Ok(Some(index.search(terms, limit, titles)))
    }

    fn answer(
        &self,
        generation: i64,
        terms: &[QueryTerm],
        limit: usize,
        titles: usize,
    ) -> Option<Found> {
        let index = self.index.read().unwrap_or_else(|e| e.into_inner());
        let index = index.as_ref().filter(|i| i.serves(generation))?;
        Some(index.search(terms, limit, titles))
    }

    /// The documents extracted, changed or dropped since `known`, and their units; `None`
    /// when so many changed that reading the whole index again is cheaper.
    async fn changes(
        &self,
        conn: &mut PgConnection,
        known: &HashMap<i64, DateTime<Utc>>,
    ) -> Result<Option<Changes>, StoreError> {
        let Snapshot {
            generation,
            sure,
            mut tx,
        } = snapshot(conn).await?;
        let stamps = stamps(&mut tx).await?;
        let now: HashSet<i64> = stamps.iter().map(|s| s.0).collect();
        let changed: Vec<i64> = stamps
            .iter()
            .filter(|(d, s)| known.get(d) != Some(s))
            .map(|s| s.0)
            .collect();
        let gone: Vec<i64> = known.keys().filter(|d| !now.contains(d)).copied().collect();
        if changed.len() + gone.len() > (known.len() / 4).max(256) {
            return Ok(None);
        }
        let rows = sqlx::query_as!(
            UnitRow,
            r#"
            SELECT id, document_id, coalesce(search::text, '') AS "search!"
            FROM commitments WHERE document_id = ANY($1) AND retired_at IS NULL ORDER BY id
            "#,
            &changed
        )
        .fetch_all(&mut *tx)
        .await?;
        let titles = titles(&mut tx, Some(&changed)).await?;
        tx.commit().await?;
        if rows.iter().any(|r| !(0..MAX_UNIT).contains(&r.id))
            || titles.iter().any(|t| !(0..MAX_UNIT).contains(&t.0))
        {
            self.unusable.store(true, Ordering::SeqCst);
        }
        let mut dropped: Vec<u32> = {
            let index = self.index.read().unwrap_or_else(|e| e.into_inner());
            let Some(index) = index.as_ref() else {
                return Ok(None);
            };
            changed
                .iter()
                .chain(&gone)
                .filter_map(|d| index.documents.get(d))
                .flat_map(|doc| doc.1.iter().copied())
                .collect()
        };
        dropped.sort_unstable();
        Ok(Some(Changes {
            generation,
            sure,
            stamps: stamps
                .into_iter()
                .filter(|(d, s)| known.get(d) != Some(s))
                .collect(),
            rows,
            titles,
            dropped,
            gone,
        }))
    }
}

impl SearchIndex {
    fn apply(&mut self, changes: Changes) {
        let mut documents: Vec<u32> = (changes.stamps.iter().map(|s| s.0))
            .chain(changes.gone.iter().copied())
            .filter(|d| (0..MAX_UNIT).contains(d))
            .map(|d| d as u32)
            .collect();
        documents.sort_unstable();
        self.remove(&changes.dropped, &documents);
        for d in &changes.gone {
            self.documents.remove(d);
        }
        for (d, stamp) in changes.stamps {
            self.documents.insert(d, (stamp, Vec::new()));
        }
        for row in &changes.rows {
            self.add(row);
        }
        for (d, title) in &changes.titles {
            self.add_title(*d, title);
        }
        self.label = Label::new(changes.generation, changes.sure);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(word: &str, parts: &[&str]) -> QueryTerm {
        QueryTerm {
            word: word.into(),
            parts: parts.iter().map(|p| p.to_string()).collect(),
        }
    }

    fn row(id: i64, document_id: i64, search: &str) -> UnitRow {
        UnitRow {
            id,
            document_id,
            search: search.into(),
        }
    }

    fn ids(index: &SearchIndex, terms: &[QueryTerm], limit: usize) -> Vec<i64> {
        index
            .search(terms, limit, 0)
            .units
            .iter()
            .map(|m| m.id)
            .collect()
    }

    #[test]
    fn a_tsvector_reads_as_words_and_how_often_each_is_said() {
        assert_eq!(
            tsvector_words("'400':3 'it''s':1,12,15 '双边':2A,40 'a\\\\b' '贸易额':7"),
            [
                ("400".to_string(), 1),
                ("it's".to_string(), 3),
                ("双边".to_string(), 2),
                ("a\\b".to_string(), 1),
                ("贸易额".to_string(), 1),
            ]
        );
        assert!(tsvector_words("").is_empty());
    }

    fn sample() -> SearchIndex {
        let mut index = SearchIndex::empty(1, true);
        index
            .documents
            .insert(10, (DateTime::<Utc>::MIN_UTC, Vec::new()));
        index
            .documents
            .insert(20, (DateTime::<Utc>::MIN_UTC, Vec::new()));
        assert!(index.add_title(10, "'公报':1"));
        assert!(index.add_title(20, "'公报':2 '会谈':1"));
        for r in [
            row(1, 10, "'双边':1 '贸易额':2"),
            row(2, 10, "'双边':1,5,9 '贸易':2 '额':3"),
            row(5, 20, "'贸易':1 '合作':2"),
            row(7, 20, "'双边':4 '合作':1"),
        ] {
            assert!(index.add(&r));
        }
        index
    }

    #[test]
    fn the_newest_units_with_every_term_are_found_ranked_by_how_often_they_say_them() {
        let index = sample();
        assert_eq!(ids(&index, &[term("双边", &[])], 10), [7, 2, 1]);
        assert_eq!(ids(&index, &[term("双边", &[])], 2), [7, 2]);
        // 贸易额 as itself (unit 1) or as 贸易 + 额 (unit 2); unit 5 has only 贸易.
        assert_eq!(ids(&index, &[term("贸易额", &["贸易", "额"])], 10), [2, 1]);
        assert_eq!(
            ids(&index, &[term("双边", &[]), term("合作", &[])], 10),
            [7]
        );
        assert!(ids(&index, &[term("企鹅", &[])], 10).is_empty());
        assert!(ids(&index, &[], 10).is_empty());
        let found = index.search(&[term("双边", &[])], 10, 0).units;
        let titles = index.search(&[term("公报", &[])], 10, 1).titles;
        assert_eq!(titles, [20], "the newest title first, as many as asked");
        assert_eq!(found[1].document_id, 10);
        assert!(
            found[1].rank > found[0].rank,
            "said three times against once"
        );
    }

    #[test]
    fn a_changed_document_replaces_its_units() {
        let mut index = sample();
        index.documents.get_mut(&10).unwrap().1 = vec![1, 2];
        let stamp = DateTime::<Utc>::MAX_UTC;
        index.apply(Changes {
            generation: 2,
            sure: true,
            stamps: vec![(10, stamp)],
            rows: vec![row(2, 10, "'合作':1"), row(9, 10, "'双边':3")],
            titles: vec![(10, "'联合声明':1".into())],
            dropped: vec![1, 2],
            gone: vec![],
        });
        assert_eq!(ids(&index, &[term("双边", &[])], 10), [9, 7]);
        assert_eq!(ids(&index, &[term("合作", &[])], 10), [7, 5, 2]);
        assert!(ids(&index, &[term("贸易额", &[])], 10).is_empty());
        assert_eq!(index.documents[&10], (stamp, vec![2, 9]));
        let titled = |index: &SearchIndex, w: &str| index.search(&[term(w, &[])], 10, 10).titles;
        assert_eq!(titled(&index, "联合声明"), [10]);
        assert_eq!(
            titled(&index, "公报"),
            [20],
            "document 10's title before is gone"
        );
        assert!(index.serves(2) && !index.serves(1));
        index.apply(Changes {
            generation: 3,
            sure: true,
            stamps: vec![],
            rows: vec![],
            titles: vec![],
            dropped: vec![2, 9],
            gone: vec![10],
        });
        assert_eq!(ids(&index, &[term("合作", &[])], 10), [7, 5]);
        assert!(!index.documents.contains_key(&10));
        assert!(titled(&index, "联合声明").is_empty());
    }
}
