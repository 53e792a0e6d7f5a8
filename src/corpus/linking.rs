//! Linking stored units into threads, document by document in document order (see
//! [`crate::link::cluster`]).
//!
//! - A batch of new documents that all come after everything linked so far (the usual case:
//!   today's news) is linked one document at a time: the document's units are compared with
//!   their candidates (through the channel postings' index), and one merge step runs over the
//!   threads they link to (see [`merge_step`]). What is read depends on those threads, never
//!   on the size of the store.
//! - Anything else (a document dated before linked ones, re-extracted units, a retired
//!   document, new link rules, or a batch of more documents than are linked so far) relinks
//!   everything from scratch, once for the batch.
//!
//! Both give the same threads as `pledgeline relink`, in whatever order documents arrived:
//! the candidates, links and threads of a document depend only on the documents before it.

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use sqlx::PgConnection;

use super::{Corpus, CorpusError};
use crate::analyst::decisions::Pair;
use crate::link::cluster::{self, Seed, ticks};
use crate::link::summary::ThreadPlan;
use crate::link::{
    Link, LinkUnit, Linker, Profile, StoredProfile, Vocabulary, continued_threads, relation,
};
use crate::store::links::{ProfileWrite, StoredLink};
use crate::store::threads::{MentionWrite, ThreadWrite, Upkeep};
use crate::store::{self, StoreError};

/// What a linking run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Linked {
    pub documents: usize,
    pub units: usize,
    pub links: usize,
    /// Threads written (created or updated).
    pub threads: usize,
    /// Whether everything was relinked (a document came before linked ones, or units of
    /// linked documents changed).
    pub relinked: bool,
}

impl std::fmt::Display for Linked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "linked {} documents ({} units): {} links, {} threads written{}",
            self.documents,
            self.units,
            self.links,
            self.threads,
            if self.relinked {
                " (everything relinked)"
            } else {
                ""
            }
        )
    }
}

impl Corpus {
    /// Links every extracted document that this linker has not linked yet, in one
    /// transaction holding the link lock: new documents after everything linked so far one
    /// by one in document order, anything else by relinking everything (see the module
    /// comment).
    pub async fn link_pending(&self) -> Result<Linked, CorpusError> {
        let fingerprint = self.linker.fingerprint();
        let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
        store::links::lock(&mut tx).await?;
        let pending: Vec<i64> = store::links::pending_documents(&mut tx, &fingerprint)
            .await?
            .into_iter()
            .map(|d| d.0)
            .collect();
        if pending.is_empty() {
            return Ok(Linked::default());
        }
        let mut orders = store::links::document_orders(&mut tx, &pending).await?;
        orders.sort_by(|x, y| x.1.cmp(&y.1).then(x.0.cmp(&y.0)));
        let last = store::links::last_linked_order(&mut tx, &fingerprint).await?;
        // Documents linked before keep their threads only when every pending document comes
        // after them and none has been linked before (with other units or other rules). A
        // batch larger than the store (loading an archive) is relinked as a whole even then:
        // the result is the same, and a relink costs about a tenth as much per document.
        let appends = last.as_ref().is_none_or(|l| orders[0].1 > *l)
            && !store::links::any_linked(&mut tx, &pending).await?
            && pending.len() as i64 <= store::links::linked_count(&mut tx, &fingerprint).await?;
        if !appends {
            let linked = self.relink_in(&mut tx).await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Ok(linked);
        }
        let mut total = Linked::default();
        for (document, order) in &orders {
            let (units, links, threads) =
                link_document(&self.linker, &mut tx, *document, order).await?;
            total.documents += 1;
            total.units += units;
            total.links += links;
            total.threads += threads;
        }
        store::links::mark_linked(&mut tx, &orders, &fingerprint).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(total)
    }

    /// Rebuilds every link and thread from scratch. Threads keep their ids where they keep
    /// most of their mentions; threads left without mentions are retired.
    pub async fn relink(&self) -> Result<Linked, CorpusError> {
        let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
        store::links::lock(&mut tx).await?;
        let linked = self.relink_in(&mut tx).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(linked)
    }

    async fn relink_in(&self, tx: &mut PgConnection) -> Result<Linked, CorpusError> {
        let fingerprint = self.linker.fingerprint();
        let units = store::links::units(tx, None, None).await?;
        let linker = Arc::clone(&self.linker);
        let (units, stored_profiles, profiles, vocab) = task(move || {
            let stored_profiles: Vec<StoredProfile> = linker.analyse_all(&units);
            let mut vocab = Vocabulary::default();
            let profiles: Vec<Profile> = stored_profiles
                .iter()
                .map(|p| linker.profile_of(p, &mut vocab))
                .collect();
            (units, stored_profiles, profiles, vocab)
        })
        .await?;
        // The threads' members before, so that threads keep their ids.
        let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
        let old: FxHashMap<i64, i64> = store::threads::memberships(tx, &ids)
            .await?
            .into_iter()
            .collect();
        store::links::clear_all(tx).await?;
        store::threads::clear_mentions(tx).await?;
        let documents: Vec<i64> = {
            let mut d: Vec<i64> = units.iter().map(|u| u.document).collect();
            d.sort_unstable();
            d.dedup();
            d
        };
        save_profiles(tx, &documents, &units, &profiles, &stored_profiles).await?;
        drop(stored_profiles);

        // Links are computed document by document and stored as they come, so that only
        // their scores (24 bytes each) stay in memory; the evidence of those that attach
        // mentions is read back at the end.
        let (units, profiles, vocab) = (Arc::new(units), Arc::new(profiles), Arc::new(vocab));
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<StoredLink>>(4);
        let linker = Arc::clone(&self.linker);
        let (u, p) = (Arc::clone(&units), Arc::clone(&profiles));
        let computing = tokio::task::spawn_blocking(move || {
            let mut scores: Vec<(usize, usize, f64)> = Vec::new();
            let mut batch: Vec<StoredLink> = Vec::new();
            let mut open = true;
            linker.links_by_document(&u, &p, &vocab, |links| {
                for l in links {
                    batch.push(StoredLink {
                        a: u[l.a].id,
                        b: u[l.b].id,
                        score: l.score,
                        evidence: l.evidence,
                    });
                    scores.push((l.a, l.b, l.score));
                }
                if batch.len() >= 50_000 {
                    open = sender.blocking_send(std::mem::take(&mut batch)).is_ok();
                }
                open
            });
            if open && !batch.is_empty() {
                let _ = sender.blocking_send(batch);
            }
            scores
        });
        while let Some(batch) = receiver.recv().await {
            store::links::copy_in(tx, &batch).await?;
        }
        let mut scores = computing
            .await
            .map_err(|e| CorpusError::Task(e.to_string()))?;
        scores.sort_unstable_by_key(|&(a, b, _)| (a, b));

        let pairs = store::decisions::active_pairs(tx).await?;
        let constraints = unit_constraints(&pairs, &units);
        let linker = Arc::clone(&self.linker);
        let (u, p) = (Arc::clone(&units), Arc::clone(&profiles));
        let (links, mut plans) = task(move || {
            let plans = linker.threads_of_scores(&u, &p, &scores, &constraints);
            (scores.len(), plans)
        })
        .await?;
        attach_evidence(tx, &units, &mut plans).await?;
        let replaced = store::threads::active_ids(tx).await?;
        let threads =
            write_plans(tx, &units, &ids, &old, &replaced, plans, Upkeep::Rebuild).await?;
        let extracted: Vec<i64> = store::links::pending_documents(tx, &fingerprint)
            .await?
            .iter()
            .map(|d| d.0)
            .collect();
        let orders = store::links::document_orders(tx, &extracted).await?;
        store::links::mark_linked(tx, &orders, &fingerprint).await?;
        Ok(Linked {
            documents: extracted.len(),
            units: units.len(),
            links,
            threads,
            relinked: true,
        })
    }
}

/// The analysts' constraints in force, as pairs of indexes into `units` (pairs naming a
/// unit that is not among them, retired or of a copy, are left out), sorted.
fn unit_constraints(pairs: &[(i64, Pair)], units: &[LinkUnit]) -> cluster::Constraints {
    let index = crate::link::index_of(units);
    let mut out = cluster::Constraints::default();
    for (_, p) in pairs {
        if let (Some(&a), Some(&b)) = (index.get(&p.a), index.get(&p.b)) {
            let pair = (a.min(b), a.max(b));
            if p.must {
                out.together.push(pair);
            } else {
                out.apart.push(pair);
            }
        }
    }
    out.together.sort_unstable();
    out.together.dedup();
    out.apart.sort_unstable();
    out.apart.dedup();
    out
}

impl Corpus {
    /// Clusters again the threads that hold `units` (and the units themselves, and every
    /// thread bound to them by a must-link), under every decision in force: what an
    /// analyst's decision changes at once, in the caller's transaction (which must hold the
    /// link lock). The stored links are reused; nothing is scored again. Returns the number
    /// of threads written.
    ///
    /// This is local: units split off a thread form threads of their own (or join another
    /// of the threads read) rather than being offered to every thread of the store, as
    /// `pledgeline relink` would. Both respect every decision.
    pub async fn relink_around(
        &self,
        conn: &mut PgConnection,
        units: &[i64],
    ) -> Result<usize, CorpusError> {
        let pairs = store::decisions::active_pairs(conn).await?;
        let mut ids: Vec<i64> = units.to_vec();
        // Close the set under must-links and thread membership.
        let threads = loop {
            ids.sort_unstable();
            ids.dedup();
            let found: Vec<i64> = {
                let mut t: Vec<i64> = store::threads::memberships(conn, &ids)
                    .await?
                    .into_iter()
                    .map(|(_, t)| t)
                    .collect();
                t.sort_unstable();
                t.dedup();
                t
            };
            let members: Vec<i64> = store::threads::members(conn, &found)
                .await?
                .into_iter()
                .map(|(_, u)| u)
                .collect();
            let before = ids.len();
            ids.extend(members);
            let known: FxHashSet<i64> = ids.iter().copied().collect();
            let bound: Vec<i64> = pairs
                .iter()
                .filter(|(_, p)| p.must)
                .filter_map(
                    |(_, p)| match (known.contains(&p.a), known.contains(&p.b)) {
                        (true, false) => Some(p.b),
                        (false, true) => Some(p.a),
                        _ => None,
                    },
                )
                .collect();
            ids.extend(bound);
            ids.sort_unstable();
            ids.dedup();
            if ids.len() == before {
                break found;
            }
        };
        let units = store::links::units(conn, None, Some(&ids)).await?;
        if units.is_empty() {
            return Ok(0);
        }
        let unit_ids: Vec<i64> = units.iter().map(|u| u.id).collect();
        let profiles = read_profiles(&self.linker, conn, &units, &unit_ids).await?;
        let index = crate::link::index_of(&units);
        let mut scores: Vec<(usize, usize, f64)> = store::links::touching(conn, &unit_ids)
            .await?
            .into_iter()
            .filter_map(|(a, b, s)| Some((*index.get(&a)?, *index.get(&b)?, s)))
            .collect();
        scores.sort_unstable_by_key(|&(a, b, _)| (a, b));
        let constraints = unit_constraints(&pairs, &units);
        let mut plans = self
            .linker
            .threads_of_scores(&units, &profiles, &scores, &constraints);
        attach_evidence(conn, &units, &mut plans).await?;
        let old: FxHashMap<i64, i64> = store::threads::memberships(conn, &ids)
            .await?
            .into_iter()
            .collect();
        Ok(write_plans(conn, &units, &ids, &old, &threads, plans, Upkeep::Delta).await?)
    }
}

/// Runs CPU-bound work off the async threads.
async fn task<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, CorpusError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| CorpusError::Task(e.to_string()))
}

/// Links as stored: by unit id.
fn stored(units: &[LinkUnit], links: &[Link]) -> Vec<StoredLink> {
    links
        .iter()
        .map(|l| StoredLink {
            a: units[l.a].id,
            b: units[l.b].id,
            score: l.score,
            evidence: l.evidence.clone(),
        })
        .collect()
}

/// Stores units' profiles and channel postings (replacing those of `documents`).
async fn save_profiles(
    conn: &mut PgConnection,
    documents: &[i64],
    units: &[LinkUnit],
    profiles: &[Profile],
    stored: &[StoredProfile],
) -> Result<(), StoreError> {
    let orders: Vec<String> = units.iter().map(LinkUnit::unit_order).collect();
    let rows: Vec<ProfileWrite> = units
        .iter()
        .zip(profiles.iter().zip(stored))
        .zip(&orders)
        .map(|((u, (p, s)), order)| ProfileWrite {
            unit: u,
            unit_order: order,
            channels: &p.channels,
            profile: s,
        })
        .collect();
    store::links::replace_profiles(conn, documents, &rows).await
}

/// Writes planned threads over the threads of `units` and `replaced`, continuing old thread
/// ids where the plan keeps most of a thread (`old`: the thread each unit had), keeping the
/// state kept for linking as `upkeep` says. Returns how many threads were written.
async fn write_plans(
    conn: &mut PgConnection,
    units: &[LinkUnit],
    unit_ids: &[i64],
    old: &FxHashMap<i64, i64>,
    replaced: &[i64],
    plans: Vec<ThreadPlan>,
    upkeep: Upkeep,
) -> Result<usize, StoreError> {
    let members: Vec<Vec<i64>> = plans
        .iter()
        .map(|p| p.mentions.iter().map(|m| units[m.unit].id).collect())
        .collect();
    let continued = continued_threads(&members, old);
    let writes: Vec<ThreadWrite> = plans
        .into_iter()
        .zip(continued)
        .map(|(plan, id)| ThreadWrite {
            id,
            first_position: 0,
            mentions: plan
                .mentions
                .iter()
                .map(|m| MentionWrite {
                    commitment_id: units[m.unit].id,
                    linked_from: m
                        .link
                        .as_ref()
                        .map(|l| units[if l.a == m.unit { l.b } else { l.a }].id),
                    relation: m.relation,
                    score: m.link.as_ref().map(|l| l.score),
                    evidence: m.link.as_ref().map(|l| l.evidence.clone()),
                })
                .collect(),
            summary: plan.summary,
        })
        .collect();
    let mut replaced: Vec<i64> = replaced
        .iter()
        .copied()
        .chain(old.values().copied())
        .collect();
    replaced.sort_unstable();
    replaced.dedup();
    let former: Vec<(i64, i64)> = old.iter().map(|(&u, &t)| (u, t)).collect();
    store::threads::write(conn, unit_ids, &replaced, &writes, upkeep, &former).await?;
    Ok(writes.len())
}

/// Links a document that comes after every linked one: its units are analysed and compared
/// with their candidates, the best links kept, and one merge step run over the threads they
/// link to. Returns the numbers of units, links and threads written.
async fn link_document(
    linker: &Linker<'static>,
    conn: &mut PgConnection,
    document: i64,
    order: &str,
) -> Result<(usize, usize, usize), StoreError> {
    // Empty when this document is a copy of an earlier one: it is then not linked.
    let own = store::links::units(conn, Some(&[document]), None).await?;
    if own.is_empty() {
        return Ok((0, 0, 0));
    }
    let own_stored: Vec<StoredProfile> = linker.analyse_all(&own);
    let mut vocab = Vocabulary::default();
    let own_profiles: Vec<Profile> = own_stored
        .iter()
        .map(|p| linker.profile_of(p, &mut vocab))
        .collect();
    save_profiles(conn, &[document], &own, &own_profiles, &own_stored).await?;

    // Candidates: per channel, the last units before this document.
    let mut channels: Vec<String> = own_profiles
        .iter()
        .flat_map(|p| p.channels.iter().cloned())
        .collect();
    channels.sort();
    channels.dedup();
    let window = linker.rules().similarity.max_candidates_per_channel as i64;
    let found = store::links::windows(conn, &channels, order, window).await?;
    let mut windows: FxHashMap<&str, Vec<i64>> = FxHashMap::default();
    let mut unit_order: FxHashMap<i64, &str> = FxHashMap::default();
    for (channel, id, place) in &found {
        windows.entry(channel.as_str()).or_default().push(*id);
        unit_order.insert(*id, place.as_str());
    }
    // Each unit's best candidates, chosen before any is read.
    let chosen: Vec<Vec<i64>> = own_profiles
        .iter()
        .map(|p| {
            let lists = p
                .channels
                .iter()
                .zip(&p.channel_weights)
                .filter_map(|(c, &w)| windows.get(c.as_str()).map(|list| (w, list.as_slice())));
            linker.best_candidates(lists, |id| unit_order.get(&id).copied())
        })
        .collect();
    let mut ids: Vec<i64> = chosen.iter().flatten().copied().collect();
    ids.sort_unstable();
    ids.dedup();
    let (mut candidates, without) = store::links::candidates(conn, &ids).await?;
    if !without.is_empty() {
        let ids: Vec<i64> = without.iter().map(|(id, _)| *id).collect();
        let mut stored: FxHashMap<i64, StoredProfile> = without.into_iter().collect();
        for u in store::links::units(conn, None, Some(&ids)).await? {
            if let Some(p) = stored.remove(&u.id) {
                candidates.push((u, p));
            }
        }
        candidates.sort_by_key(|(u, _)| u.id);
    }
    let own_count = own.len();
    let mut all = own;
    let mut profiles = own_profiles;
    for (u, p) in candidates {
        profiles.push(linker.profile_of(&p, &mut vocab));
        all.push(u);
    }
    let index = crate::link::index_of(&all);
    let mut pairs: Vec<(usize, usize)> = chosen
        .iter()
        .enumerate()
        .flat_map(|(i, ids)| {
            ids.iter()
                .filter_map(|id| index.get(id))
                .map(move |&j| (i, j))
        })
        .collect();
    pairs.sort_unstable();
    let links: Vec<Link> = pairs
        .into_iter()
        .filter_map(|(i, j)| linker.link(&all, &profiles, &vocab, i, j))
        .collect();
    let links = linker.keep_best(&all, links);
    let new_links: Vec<StoredLink> = stored(&all, &links);
    store::links::insert(conn, &new_links).await?;
    let threads = merge_step(linker, conn, &all[..own_count], &new_links).await?;
    Ok((own_count, links.len(), threads))
}

/// The merge step for a new document's units `own`, linked by `links` to earlier units:
/// the threads those belong to (or the units alone, when they have none) and the new units
/// are merged by average linkage. A thread that only gains new mentions gets them appended;
/// only threads merged with others are read whole and written again.
///
/// The merge needs each cluster's size and documents, and the link sums between clusters.
/// Sums between two earlier clusters are read lazily, only for the clusters that end up in
/// a group with a new unit: after the previous step no two earlier clusters reach the merge
/// threshold together, and their sum does not change, so every merge joins a cluster that
/// holds a new unit, and every sum it reads has a member of that group on one side. The
/// merge runs with the sums read so far; when a group with a new unit holds a cluster whose
/// sums were not read yet, they are read and the merge runs again. Once none is missing,
/// every sum the merge consulted was complete, so its groups are those of a merge over all
/// sums (a relink's).
///
/// Sums between threads are kept as threads are written (see [`store::threads::write`]):
/// reading a thread's sums costs the threads it has links with, not its size. A unit without
/// a thread has its own links summed. A thread's mentions per document are read from an
/// index of the mentions' documents, which still costs its size (one index entry a mention).
async fn merge_step(
    linker: &Linker<'static>,
    conn: &mut PgConnection,
    own: &[LinkUnit],
    links: &[StoredLink],
) -> Result<usize, StoreError> {
    let own_ids: FxHashSet<i64> = own.iter().map(|u| u.id).collect();
    let mut others: Vec<i64> = links
        .iter()
        .map(|l| if own_ids.contains(&l.a) { l.b } else { l.a })
        .collect();
    others.sort_unstable();
    others.dedup();
    // Clusters: the threads of the linked earlier units, then those units alone that have
    // none, then the new units one by one.
    let membership: FxHashMap<i64, i64> = store::threads::memberships(conn, &others)
        .await?
        .into_iter()
        .collect();
    let mut threads: Vec<i64> = membership.values().copied().collect();
    threads.sort_unstable();
    threads.dedup();
    let alone: Vec<i64> = others
        .iter()
        .copied()
        .filter(|o| !membership.contains_key(o))
        .collect();
    let clusters = threads.len() + alone.len();
    let cluster_key = |k: usize| -> i64 {
        if k < threads.len() {
            threads[k]
        } else {
            -alone[k - threads.len()]
        }
    };
    let slot: FxHashMap<i64, usize> = (0..clusters).map(|k| (cluster_key(k), k)).collect();
    let cluster_of_unit = |id: i64| -> Option<usize> {
        match membership.get(&id) {
            Some(t) => slot.get(t).copied(),
            None => slot.get(&-id).copied(),
        }
    };
    // The units read: the threads' origins (for ranks), the linked earlier units, and the new
    // ones.
    let origins = store::threads::origins(conn, &threads).await?;
    let mut read: Vec<i64> = origins
        .iter()
        .map(|&(_, u)| u)
        .chain(others.iter().copied())
        .collect();
    read.sort_unstable();
    read.dedup();
    let mut units = store::links::units(conn, None, Some(&read)).await?;
    let earlier = units.len();
    units.extend(own.iter().cloned());
    let index = crate::link::index_of(&units);
    let rank = cluster::ranks(&units);

    let mut seeds: Vec<Seed<usize>> = (0..clusters)
        .map(|_| Seed {
            size: 0,
            documents: FxHashMap::default(),
            rank: usize::MAX,
            fresh: 0,
        })
        .collect();
    for (thread, document, n) in store::threads::shapes(conn, &threads).await? {
        let s = &mut seeds[slot[&thread]];
        s.size += n as u64;
        *s.documents.entry(document).or_insert(0) += n as u32;
    }
    let origin: FxHashMap<i64, usize> = {
        // A thread's rank is its origin's (its earliest member).
        origins
            .iter()
            .filter_map(|&(t, u)| Some((t, *index.get(&u)?)))
            .collect()
    };
    for (k, &t) in threads.iter().enumerate() {
        if let Some(&i) = origin.get(&t) {
            seeds[k].rank = rank[i];
        }
    }
    for (k, &u) in alone.iter().enumerate() {
        if let Some(&i) = index.get(&u) {
            let s = &mut seeds[threads.len() + k];
            s.size = 1;
            s.documents.insert(units[i].document, 1);
            s.rank = rank[i];
        }
    }
    for (i, u) in units.iter().enumerate().skip(earlier) {
        seeds.push(Seed {
            size: 1,
            documents: std::iter::once((u.document, 1)).collect(),
            rank: rank[i],
            fresh: 1,
        });
    }
    let seed_of_new = |i: usize| clusters + (i - earlier);
    let new_links: Vec<Link> = links
        .iter()
        .filter_map(|l| {
            Some(Link {
                a: *index.get(&l.a)?,
                b: *index.get(&l.b)?,
                score: l.score,
                evidence: l.evidence.clone(),
            })
        })
        .collect();
    let mut new_sums: FxHashMap<(usize, usize), i64> = FxHashMap::default();
    for l in &new_links {
        let (new, old) = if l.a >= earlier {
            (l.a, l.b)
        } else {
            (l.b, l.a)
        };
        let Some(c) = cluster_of_unit(units[old].id) else {
            continue;
        };
        let x = seed_of_new(new);
        *new_sums.entry((c.min(x), c.max(x))).or_insert(0) += ticks(l.score);
    }
    // The link sums between earlier clusters: those of units without a thread at once, those
    // between threads only for the threads that end up with a new unit (see above).
    let mut old_sums: FxHashMap<(usize, usize), i64> = FxHashMap::default();
    for (unit, other, ticks) in store::links::unit_sums(conn, &alone).await? {
        if let (Some(&x), Some(&y)) = (slot.get(&-unit), slot.get(&other))
            && x != y
        {
            old_sums.insert((x.min(y), x.max(y)), ticks);
        }
    }
    // Analysts' cannot-links between the earlier clusters: a new document never merges two
    // clusters that hold the two ends of one. (Must-links of earlier units are in force
    // already; a new document's units have none.)
    let apart = {
        let pairs = store::decisions::active_pairs(conn).await?;
        let mut ends: Vec<i64> = pairs
            .iter()
            .filter(|(_, p)| !p.must)
            .flat_map(|(_, p)| [p.a, p.b])
            .collect();
        ends.sort_unstable();
        ends.dedup();
        let thread_of: FxHashMap<i64, i64> = store::threads::memberships(conn, &ends)
            .await?
            .into_iter()
            .collect();
        let seed_of = |u: i64| match thread_of.get(&u) {
            Some(t) => slot.get(t).copied(),
            None => slot.get(&-u).copied(),
        };
        let mut apart: Vec<(usize, usize)> = pairs
            .iter()
            .filter(|(_, p)| !p.must)
            .filter_map(|(_, p)| Some((seed_of(p.a)?, seed_of(p.b)?)))
            .filter(|(x, y)| x != y)
            .map(|(x, y)| (x.min(y), x.max(y)))
            .collect();
        apart.sort_unstable();
        apart.dedup();
        cluster::Constraints {
            together: Vec::new(),
            apart,
        }
    };
    let mut read_sums: Vec<bool> = (0..clusters).map(|k| k >= threads.len()).collect();
    let groups = loop {
        let mut sums: Vec<(usize, usize, i64)> = old_sums
            .iter()
            .chain(&new_sums)
            .map(|(&(x, y), &s)| (x, y, s))
            .collect();
        sums.sort_unstable();
        let groups = cluster::merge(seeds.clone(), &sums, linker.linkage(), &apart);
        let mut unread: Vec<usize> = groups
            .iter()
            .filter(|g| g.iter().any(|&k| k >= clusters))
            .flatten()
            .copied()
            .filter(|&k| k < clusters && !read_sums[k])
            .collect();
        if unread.is_empty() {
            break groups;
        }
        unread.sort_unstable();
        unread.dedup();
        let thread_ids: Vec<i64> = unread.iter().map(|&k| threads[k]).collect();
        for (a, b, ticks) in store::links::thread_sums(conn, &thread_ids, &threads).await? {
            if let (Some(&x), Some(&y)) = (slot.get(&a), slot.get(&b))
                && x != y
            {
                old_sums.insert((x.min(y), x.max(y)), ticks);
            }
        }
        for k in unread {
            read_sums[k] = true;
        }
    };

    let mut written = 0;
    let mut whole: Vec<Vec<usize>> = Vec::new();
    let mut appends: Vec<(i64, Vec<usize>)> = Vec::new();
    for g in groups {
        let old: Vec<usize> = g.iter().copied().filter(|&k| k < clusters).collect();
        let new: Vec<usize> = g
            .iter()
            .filter(|&&k| k >= clusters)
            .map(|&k| earlier + k - clusters)
            .collect();
        match (old.as_slice(), new.is_empty()) {
            (_, true) if old.len() <= 1 => {} // unchanged
            ([k], false) if *k < threads.len() => appends.push((threads[*k], new)),
            _ => whole.push(g),
        }
    }
    // An appended mention's relation reads its thread's origin and target-stating mentions.
    let appended: Vec<i64> = appends.iter().map(|(t, _)| *t).collect();
    let context = store::threads::origins_and_targets(conn, &appended).await?;
    let mut missing: Vec<i64> = context
        .iter()
        .map(|&(_, u)| u)
        .filter(|u| !index.contains_key(u))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    let own_range = earlier..earlier + own.len();
    units.extend(store::links::units(conn, None, Some(&missing)).await?);
    let index = crate::link::index_of(&units);
    // Per appended thread: its origin and target-stating mentions, and the new links to it.
    let mut known: FxHashMap<i64, Vec<usize>> = FxHashMap::default();
    for (t, u) in &context {
        if let Some(&i) = index.get(u) {
            known.entry(*t).or_default().push(i);
        }
    }
    let mut links_to: FxHashMap<i64, Vec<&Link>> = FxHashMap::default();
    for l in &new_links {
        let old = if l.a < earlier { l.a } else { l.b };
        if let Some(&t) = membership.get(&units[old].id) {
            links_to.entry(t).or_default().push(l);
        }
    }
    let ids: Vec<i64> = known
        .values()
        .flatten()
        .chain(appends.iter().flat_map(|(_, new)| new))
        .map(|&i| units[i].id)
        .collect();
    let profiles = read_profiles(linker, conn, &units, &ids).await?;
    let mut appended_units: Vec<i64> = Vec::new();
    let mut appended: Vec<ThreadWrite> = Vec::new();
    for (thread, new) in appends {
        let known = known.remove(&thread).unwrap_or_default();
        let links = links_to.remove(&thread).unwrap_or_default();
        appended_units.extend(new.iter().map(|&i| units[i].id));
        appended.push(
            append(
                linker,
                conn,
                (&units, &profiles),
                &links,
                thread,
                known,
                &new,
            )
            .await?,
        );
    }
    // Written together: each write of mentions costs a few statements, whatever its size.
    if !appended.is_empty() {
        store::threads::write(conn, &appended_units, &[], &appended, Upkeep::Delta, &[]).await?;
        written += appended.len();
    }
    if !whole.is_empty() {
        written += rewrite(
            linker,
            conn,
            &units[own_range],
            &new_links,
            &units,
            &threads,
            &alone,
            clusters,
            &whole,
        )
        .await?;
    }
    Ok(written)
}

/// The write that appends new mentions (`new`, indexes into `units`) to thread `thread`,
/// which keeps its other mentions as they are (`known`: its origin and the mentions that
/// state targets; `profiles` holds theirs and the new mentions'): each gets its relation and
/// the best link to an earlier mention, and the thread's summary is brought up to date, as a
/// plan of the whole thread would have them.
async fn append(
    linker: &Linker<'static>,
    conn: &mut PgConnection,
    (units, profiles): (&[LinkUnit], &[Profile]),
    links: &[&Link],
    thread: i64,
    mut known: Vec<usize>,
    new: &[usize],
) -> Result<ThreadWrite, StoreError> {
    let (summary, topics) = store::threads::summary(conn, thread).await?;
    let count: i64 = topics.iter().map(|(_, n, _)| n).sum();
    // The thread's origin and its mentions that state targets, in document order.
    known.sort_by(|&x, &y| units[x].order(&units[y]));
    let Some(&origin) = known.first() else {
        return Err(StoreError::Corrupt(format!(
            "thread {thread} has no origin"
        )));
    };
    let mut new: Vec<usize> = new.to_vec();
    new.sort_by(|&x, &y| units[x].order(&units[y]));
    let mut earlier = known.clone();
    let mut mentions = Vec::new();
    for &m in &new {
        let relation = relation::relation(linker, units, profiles, origin, &earlier, m);
        // The best link to an earlier mention; of equal ones, the latest mention's.
        let best = links
            .iter()
            .filter(|l| l.a == m || l.b == m)
            .filter(|l| {
                let other = if l.a == m { l.b } else { l.a };
                units[other].order(&units[m]) == std::cmp::Ordering::Less
            })
            .max_by(|x, y| {
                let other = |l: &&Link| if l.a == m { l.b } else { l.a };
                x.score
                    .total_cmp(&y.score)
                    .then_with(|| units[other(x)].order(&units[other(y)]))
            });
        mentions.push(MentionWrite {
            commitment_id: units[m].id,
            linked_from: best.map(|l| units[if l.a == m { l.b } else { l.a }].id),
            relation,
            score: best.map(|l| l.score),
            evidence: best.map(|l| l.evidence.clone()),
        });
        earlier.push(m);
    }
    let relations: Vec<_> = mentions.iter().map(|m| m.relation).collect();
    let summary = crate::link::summary::extend(summary, topics, units, (&new, &relations), count);
    Ok(ThreadWrite {
        id: Some(thread),
        first_position: count as usize,
        mentions,
        summary,
    })
}

/// Writes again, whole, the threads of groups that merged earlier clusters: their members
/// and the links among them are read, and each is planned like a relink would.
#[allow(clippy::too_many_arguments)]
async fn rewrite(
    linker: &Linker<'static>,
    conn: &mut PgConnection,
    own: &[LinkUnit],
    new_links: &[Link],
    read: &[LinkUnit],
    threads: &[i64],
    alone: &[i64],
    clusters: usize,
    groups: &[Vec<usize>],
) -> Result<usize, StoreError> {
    let merged: Vec<i64> = groups
        .iter()
        .flatten()
        .filter(|&&k| k < threads.len())
        .map(|&k| threads[k])
        .collect();
    let mut ids: Vec<i64> = store::threads::members(conn, &merged)
        .await?
        .into_iter()
        .map(|(_, u)| u)
        .chain(
            groups
                .iter()
                .flatten()
                .filter(|&&k| k >= threads.len() && k < clusters)
                .map(|&k| alone[k - threads.len()]),
        )
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut units = store::links::units(conn, None, Some(&ids)).await?;
    let earlier = units.len();
    units.extend(own.iter().cloned());
    let index = crate::link::index_of(&units);
    let membership: FxHashMap<i64, i64> = store::threads::memberships(conn, &ids)
        .await?
        .into_iter()
        .collect();
    // Which group each unit goes to.
    let mut group_of: FxHashMap<i64, usize> = FxHashMap::default();
    for (g, members) in groups.iter().enumerate() {
        for &k in members {
            if k < threads.len() {
                group_of.insert(threads[k], g);
            } else if k < clusters {
                group_of.insert(-alone[k - threads.len()], g);
            } else {
                group_of.insert(-own[k - clusters].id, g);
            }
        }
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
    for (i, u) in units.iter().enumerate() {
        let key = if i < earlier {
            membership.get(&u.id).copied().unwrap_or(-u.id)
        } else {
            -u.id
        };
        if let Some(&g) = group_of.get(&key) {
            members[g].push(i);
        }
    }
    let mut links: Vec<Link> = store::links::touching(conn, &ids)
        .await?
        .into_iter()
        .filter_map(|(a, b, score)| {
            Some(Link {
                a: *index.get(&a)?,
                b: *index.get(&b)?,
                score,
                evidence: Default::default(),
            })
        })
        .collect();
    links.extend(new_links.iter().filter_map(|l| {
        let (a, b) = (read[l.a].id, read[l.b].id);
        Some(Link {
            a: *index.get(&a)?,
            b: *index.get(&b)?,
            score: l.score,
            evidence: l.evidence.clone(),
        })
    }));
    links.sort_by_key(|l| (l.a, l.b));
    links.dedup_by_key(|l| (l.a, l.b));
    let touched: Vec<i64> = members.iter().flatten().map(|&i| units[i].id).collect();
    let profiles = read_profiles(linker, conn, &units, &touched).await?;
    let by_pair: FxHashMap<(usize, usize), &Link> = links.iter().map(|l| ((l.a, l.b), l)).collect();
    let mut plans: Vec<ThreadPlan> = members
        .into_iter()
        .filter(|m| !m.is_empty())
        .map(|mut m| {
            m.sort_by(|&x, &y| units[x].order(&units[y]));
            m
        })
        .filter(|m| m.len() > 1 || units[m[0]].kind.is_pledge())
        .map(|m| relation::plan(linker, &units, &profiles, &m, &by_pair))
        .collect();
    plans.sort_by(|x, y| units[x.mentions[0].unit].order(&units[y.mentions[0].unit]));
    attach_evidence(conn, &units, &mut plans).await?;
    let old: FxHashMap<i64, i64> = store::threads::memberships(conn, &touched)
        .await?
        .into_iter()
        .collect();
    write_plans(conn, &units, &touched, &old, &[], plans, Upkeep::Delta).await
}

/// The profiles of `units` (one each, in order) as stored for those in `ids`; the others get
/// an empty profile.
async fn read_profiles(
    linker: &Linker<'static>,
    conn: &mut PgConnection,
    units: &[LinkUnit],
    ids: &[i64],
) -> Result<Vec<Profile>, StoreError> {
    let stored: FxHashMap<i64, StoredProfile> = store::links::profiles(conn, ids)
        .await?
        .into_iter()
        .collect();
    let mut vocab = Vocabulary::default();
    Ok(units
        .iter()
        .map(|u| {
            stored
                .get(&u.id)
                .map_or_else(Profile::default, |p| linker.profile_of(p, &mut vocab))
        })
        .collect())
}

/// Fills in the evidence of the links that attach mentions (read from the store, for links
/// that were read without it).
async fn attach_evidence(
    conn: &mut PgConnection,
    units: &[LinkUnit],
    plans: &mut [ThreadPlan],
) -> Result<(), StoreError> {
    let attaching: Vec<(i64, i64)> = plans
        .iter()
        .flat_map(|p| p.mentions.iter().filter_map(|m| m.link.as_ref()))
        .map(|l| (units[l.a].id, units[l.b].id))
        .collect();
    let evidence: FxHashMap<(i64, i64), crate::link::Evidence> =
        store::links::evidence(conn, &attaching)
            .await?
            .into_iter()
            .collect();
    for link in plans
        .iter_mut()
        .flat_map(|p| p.mentions.iter_mut().filter_map(|m| m.link.as_mut()))
    {
        if let Some(e) = evidence.get(&(units[link.a].id, units[link.b].id)) {
            link.evidence = e.clone();
        }
    }
    Ok(())
}
