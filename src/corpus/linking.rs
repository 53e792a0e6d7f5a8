//! Linking stored units into threads, document by document in document order (see
//! [`crate::link::cluster`]).
//!
//! - A batch of new documents that all come after everything linked so far (the usual case:
//!   today's news) is linked one document at a time: the document's units are compared with
//!   their candidates (through the channel postings' index), and one merge step runs over the
//!   threads they link to. Nothing else is read or written, so the cost does not grow with
//!   the store.
//! - Anything else (a document dated before linked ones, re-extracted units, a retired
//!   document, new link rules) relinks everything from scratch, once for the batch.
//!
//! Both give the same threads as `pledgeline relink`, in whatever order documents arrived:
//! the candidates, links and threads of a document depend only on the documents before it.

use rustc_hash::{FxHashMap, FxHashSet};
use sqlx::PgConnection;

use super::{Corpus, CorpusError};
use crate::link::cluster::{self, Seed, ticks};
use crate::link::summary::ThreadPlan;
use crate::link::{
    Link, LinkUnit, Linker, Profile, StoredProfile, Vocabulary, continued_threads, relation,
};
use crate::store::links::{ProfileWrite, StoredLink};
use crate::store::threads::{MentionWrite, ThreadWrite};
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
        // after them and none has been linked before (with other units or other rules).
        let appends = last.as_ref().is_none_or(|l| orders[0].1 > *l)
            && !store::links::any_linked(&mut tx, &pending).await?;
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
        let linker = std::sync::Arc::clone(&self.linker);
        let (units, stored_profiles, links, plans) = tokio::task::spawn_blocking(move || {
            let stored_profiles: Vec<StoredProfile> = linker.analyse_all(&units);
            let mut vocab = Vocabulary::default();
            let profiles: Vec<Profile> = stored_profiles
                .iter()
                .map(|p| linker.profile_of(p, &mut vocab))
                .collect();
            let links = linker.links(&units, &profiles, &vocab);
            let plans = linker.threads(&units, &profiles, &links);
            (units, (stored_profiles, profiles), links, plans)
        })
        .await
        .map_err(|e| CorpusError::Task(e.to_string()))?;
        let (stored_profiles, profiles) = stored_profiles;
        store::links::clear_all(tx).await?;
        let documents: Vec<i64> = {
            let mut d: Vec<i64> = units.iter().map(|u| u.document).collect();
            d.sort_unstable();
            d.dedup();
            d
        };
        save_profiles(tx, &documents, &units, &profiles, &stored_profiles).await?;
        store::links::insert(tx, &stored(&units, &links)).await?;
        let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
        let replaced = store::threads::active_ids(tx).await?;
        let threads = write_plans(tx, &units, &ids, &replaced, plans).await?;
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
            links: links.len(),
            threads,
            relinked: true,
        })
    }
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
            unit: u.id,
            document: u.document,
            unit_order: order,
            channels: &p.channels,
            profile: s,
        })
        .collect();
    store::links::replace_profiles(conn, documents, &rows).await
}

/// Writes planned threads over the threads of `units` and `replaced`, continuing old thread
/// ids where the plan keeps most of a thread. Returns how many threads were written.
async fn write_plans(
    conn: &mut PgConnection,
    units: &[LinkUnit],
    unit_ids: &[i64],
    replaced: &[i64],
    plans: Vec<ThreadPlan>,
) -> Result<usize, StoreError> {
    let old: FxHashMap<i64, i64> = store::threads::memberships(conn, unit_ids)
        .await?
        .into_iter()
        .collect();
    let members: Vec<Vec<i64>> = plans
        .iter()
        .map(|p| p.mentions.iter().map(|m| units[m.unit].id).collect())
        .collect();
    let continued = continued_threads(&members, &old);
    let writes: Vec<ThreadWrite> = plans
        .into_iter()
        .zip(continued)
        .map(|(plan, id)| ThreadWrite {
            id,
            mentions: plan
                .mentions
                .iter()
                .map(|m| MentionWrite {
                    commitment_id: units[m.unit].id,
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
    store::threads::write(conn, unit_ids, &replaced, &writes).await?;
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
    let mut ids: Vec<i64> = found.iter().map(|(_, id)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    let candidates = store::links::units(conn, None, Some(&ids)).await?;
    let stored_profiles: FxHashMap<i64, StoredProfile> = store::links::profiles(conn, &ids)
        .await?
        .into_iter()
        .collect();
    let own_count = own.len();
    let mut all = own;
    let mut profiles = own_profiles;
    for u in candidates {
        if let Some(p) = stored_profiles.get(&u.id) {
            profiles.push(linker.profile_of(p, &mut vocab));
            all.push(u);
        }
    }
    let index = crate::link::index_of(&all);
    let mut windows: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for (channel, id) in found {
        if let Some(&i) = index.get(&id) {
            windows.entry(channel).or_default().push(i);
        }
    }
    let links: Vec<Link> = linker
        .candidate_pairs(0..own_count, &profiles, &windows)
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
/// are merged by average linkage, and every thread that changed is written again.
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
    // Clusters: the threads of the linked earlier units, and those units alone that have none.
    let membership: FxHashMap<i64, i64> = store::threads::memberships(conn, &others)
        .await?
        .into_iter()
        .collect();
    let mut threads: Vec<i64> = membership.values().copied().collect();
    threads.sort_unstable();
    threads.dedup();
    let mut cluster_of: FxHashMap<i64, usize> = FxHashMap::default();
    for (t, unit) in store::threads::members(conn, &threads).await? {
        let k = threads.binary_search(&t).expect("a listed thread");
        cluster_of.insert(unit, k);
    }
    let mut clusters = threads.len();
    for &o in &others {
        if let std::collections::hash_map::Entry::Vacant(e) = cluster_of.entry(o) {
            e.insert(clusters);
            clusters += 1;
        }
    }
    let mut member_ids: Vec<i64> = cluster_of.keys().copied().collect();
    member_ids.sort_unstable();
    let mut units = store::links::units(conn, None, Some(&member_ids)).await?;
    // Members of a thread that are no longer active units are left out, as a relink would.
    let earlier = units.len();
    units.extend(own.iter().cloned());
    let index = crate::link::index_of(&units);
    let rank = cluster::ranks(&units);

    // Seeds: the clusters, then the new units.
    let mut seeds: Vec<Seed<usize>> = (0..clusters)
        .map(|_| Seed {
            size: 0,
            documents: FxHashMap::default(),
            rank: usize::MAX,
        })
        .collect();
    for (i, u) in units[..earlier].iter().enumerate() {
        let s = &mut seeds[cluster_of[&u.id]];
        s.size += 1;
        *s.documents.entry(u.document).or_insert(0) += 1;
        s.rank = s.rank.min(rank[i]);
    }
    for (i, u) in units.iter().enumerate().skip(earlier) {
        seeds.push(Seed {
            size: 1,
            documents: std::iter::once((u.document, 1)).collect(),
            rank: rank[i],
        });
    }
    let seed_of = |i: usize| -> usize {
        if i < earlier {
            cluster_of[&units[i].id]
        } else {
            clusters + (i - earlier)
        }
    };
    // Links among the clusters' members, and the new ones.
    let mut all_links: Vec<Link> = store::links::touching(conn, &member_ids)
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
        .filter(|l| l.a < earlier && l.b < earlier)
        .collect();
    all_links.extend(links.iter().filter_map(|l| {
        Some(Link {
            a: *index.get(&l.a)?,
            b: *index.get(&l.b)?,
            score: l.score,
            evidence: l.evidence.clone(),
        })
    }));
    all_links.sort_by_key(|l| (l.a, l.b));
    all_links.dedup_by_key(|l| (l.a, l.b));
    let mut sums: FxHashMap<(usize, usize), i64> = FxHashMap::default();
    for l in &all_links {
        let (x, y) = (seed_of(l.a), seed_of(l.b));
        if x != y {
            *sums.entry((x.min(y), x.max(y))).or_insert(0) += ticks(l.score);
        }
    }
    let mut sums: Vec<(usize, usize, i64)> =
        sums.into_iter().map(|((x, y), s)| (x, y, s)).collect();
    sums.sort_unstable();
    let s = &linker.rules().similarity;
    let groups = cluster::merge(seeds, &sums, s.merge_threshold, s.repeat_merge_threshold);

    // Threads that changed: every group holding a new unit (the others are as they were).
    let mut members_of_seed: Vec<Vec<usize>> = vec![Vec::new(); clusters + own.len()];
    for i in 0..units.len() {
        members_of_seed[seed_of(i)].push(i);
    }
    let changed: Vec<Vec<usize>> = groups
        .into_iter()
        .filter(|g| g.len() > 1 || g[0] >= clusters)
        .map(|g| {
            let mut m: Vec<usize> = g.iter().flat_map(|&k| members_of_seed[k].clone()).collect();
            m.sort_by(|&x, &y| units[x].order(&units[y]));
            m
        })
        .collect();
    let touched: Vec<usize> = changed.iter().flatten().copied().collect();
    let touched_ids: Vec<i64> = touched.iter().map(|&i| units[i].id).collect();
    let stored_profiles: FxHashMap<i64, StoredProfile> = store::links::profiles(conn, &touched_ids)
        .await?
        .into_iter()
        .collect();
    let mut vocab = Vocabulary::default();
    let profiles: Vec<Profile> = units
        .iter()
        .map(|u| {
            stored_profiles
                .get(&u.id)
                .map_or_else(Profile::default, |p| linker.profile_of(p, &mut vocab))
        })
        .collect();
    let by_pair: FxHashMap<(usize, usize), &Link> =
        all_links.iter().map(|l| ((l.a, l.b), l)).collect();
    let mut plans: Vec<ThreadPlan> = changed
        .iter()
        .filter(|m| m.len() > 1 || units[m[0]].kind.is_pledge())
        .map(|m| relation::plan(linker, &units, &profiles, m, &by_pair))
        .collect();
    plans.sort_by(|x, y| units[x.mentions[0].unit].order(&units[y.mentions[0].unit]));
    attach_evidence(conn, &units, &mut plans).await?;
    write_plans(conn, &units, &touched_ids, &[], plans).await
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
