//! Linking stored units into threads: incrementally after ingestion or re-extraction (only
//! the threads a document touches are recomputed), or from scratch (`pledgeline relink`).
//! Both give the same threads, in whatever order documents arrived: links depend only on the
//! two units they join, and clustering only on the links of a connected component.

use rustc_hash::{FxHashMap, FxHashSet};
use sqlx::PgConnection;

use super::{Corpus, CorpusError};
use crate::link::summary::ThreadPlan;
use crate::link::{Link, LinkUnit, Linker, Profile, StoredProfile, Vocabulary, continued_threads};
use crate::store::links::ProfileWrite;
use crate::store::links::StoredLink;
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
}

impl std::fmt::Display for Linked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "linked {} documents ({} units): {} links, {} threads written",
            self.documents, self.units, self.links, self.threads
        )
    }
}

impl Corpus {
    /// Links every extracted document that this linker has not linked yet (new documents,
    /// re-extracted ones, or all of them after the link rules changed), in one transaction
    /// holding the link lock: each document's links are replaced, then the threads of
    /// everything connected to them are recomputed once.
    pub async fn link_pending(&self) -> Result<Linked, CorpusError> {
        let fingerprint = self.linker.fingerprint();
        let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
        store::links::lock(&mut tx).await?;
        let pending = store::links::pending_documents(&mut tx, &fingerprint).await?;
        let mut total = Linked::default();
        let mut seeds: FxHashSet<i64> = FxHashSet::default();
        for document in &pending {
            let (units, links) =
                link_document(&self.linker, &mut tx, document.0, &mut seeds).await?;
            total.documents += 1;
            total.units += units;
            total.links += links;
        }
        if !seeds.is_empty() {
            total.threads = recluster(&self.linker, &mut tx, seeds).await?;
        }
        let ids: Vec<i64> = pending.iter().map(|d| d.0).collect();
        store::links::mark_linked(&mut tx, &ids, &fingerprint).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(total)
    }

    /// Rebuilds every link and thread from scratch. Threads keep their ids where they keep
    /// most of their mentions; threads left without mentions are retired.
    pub async fn relink(&self) -> Result<Linked, CorpusError> {
        let fingerprint = self.linker.fingerprint();
        let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
        store::links::lock(&mut tx).await?;
        let units = store::links::units(&mut tx, None, None).await?;
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
        store::links::clear_all(&mut tx).await?;
        let documents: Vec<i64> = {
            let mut d: Vec<i64> = units.iter().map(|u| u.document).collect();
            d.sort_unstable();
            d.dedup();
            d
        };
        save_profiles(&mut tx, &documents, &units, &profiles, &stored_profiles).await?;
        store::links::insert(&mut tx, &stored(&units, &links)).await?;
        let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
        let replaced = store::threads::active_ids(&mut tx).await?;
        let threads = write_plans(&mut tx, &units, &ids, &replaced, plans).await?;
        let extracted = store::links::pending_documents(&mut tx, &fingerprint).await?;
        let extracted: Vec<i64> = extracted.iter().map(|d| d.0).collect();
        store::links::mark_linked(&mut tx, &extracted, &fingerprint).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Linked {
            documents: extracted.len(),
            units: units.len(),
            links: links.len(),
            threads,
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

async fn save_profiles(
    conn: &mut PgConnection,
    documents: &[i64],
    units: &[LinkUnit],
    profiles: &[Profile],
    stored: &[StoredProfile],
) -> Result<(), StoreError> {
    let rows: Vec<ProfileWrite> = units
        .iter()
        .zip(profiles.iter().zip(stored))
        .map(|(u, (p, s))| (u.id, u.document, p.channels.as_slice(), s))
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

/// Replaces one document's profiles and links: its units are analysed, compared with the
/// units of other documents that share a channel with them, and the best links kept. Adds to
/// `seeds` the units whose threads must be recomputed (the document's, and those that shared
/// a thread with them). Returns the numbers of units and links.
async fn link_document(
    linker: &Linker<'static>,
    conn: &mut PgConnection,
    document: i64,
    seeds: &mut FxHashSet<i64>,
) -> Result<(usize, usize), StoreError> {
    // Empty when this document is a copy of an earlier one: it is then only unlinked.
    let own = store::links::units(conn, Some(&[document]), None).await?;
    if own.is_empty() {
        unlink(conn, document, seeds).await?;
        return Ok((0, 0));
    }
    // A copy of this document that was linked before this one came is linked no more.
    for copy in store::links::linked_same_body(conn, document).await? {
        unlink(conn, copy, seeds).await?;
    }
    let own_stored: Vec<StoredProfile> = linker.analyse_all(&own);
    let mut vocab = Vocabulary::default();
    let own_profiles: Vec<Profile> = own_stored
        .iter()
        .map(|p| linker.profile_of(p, &mut vocab))
        .collect();
    save_profiles(conn, &[document], &own, &own_profiles, &own_stored).await?;
    seeds.extend(store::threads::thread_mates_of_document(conn, document).await?);
    seeds.extend(own.iter().map(|u| u.id));
    store::links::delete_for_document(conn, document).await?;

    let mut channels: Vec<String> = own_profiles
        .iter()
        .flat_map(|p| p.channels.iter().cloned())
        .collect();
    channels.sort();
    channels.dedup();
    let found = store::links::candidates(conn, &channels, document).await?;
    // Which candidates each unit shares a channel with.
    let mut by_channel: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (k, (_, chans)) in found.iter().enumerate() {
        for c in chans {
            by_channel.entry(c.as_str()).or_default().push(k);
        }
    }
    let ids: Vec<i64> = found.iter().map(|(id, _)| *id).collect();
    let candidates = store::links::units(conn, None, Some(&ids)).await?;
    let stored_profiles: FxHashMap<i64, StoredProfile> = store::links::profiles(conn, &ids)
        .await?
        .into_iter()
        .collect();
    let position: FxHashMap<i64, usize> = ids.iter().enumerate().map(|(k, &id)| (id, k)).collect();
    let own_count = own.len();
    let mut all = own;
    let mut profiles = own_profiles;
    // `found` index → index in `all` (retired candidates are not loaded).
    let mut slot: Vec<Option<usize>> = vec![None; found.len()];
    for u in candidates {
        let Some(p) = stored_profiles.get(&u.id) else {
            continue;
        };
        slot[position[&u.id]] = Some(all.len());
        profiles.push(linker.profile_of(p, &mut vocab));
        all.push(u);
    }
    let mut links = Vec::new();
    for i in 0..own_count {
        let mut mine: Vec<usize> = profiles[i]
            .channels
            .iter()
            .filter_map(|c| by_channel.get(c.as_str()))
            .flatten()
            .filter_map(|&k| slot[k])
            .collect();
        mine.sort_unstable();
        mine.dedup();
        for j in mine {
            if let Some(l) = linker.link(&all, &profiles, &vocab, i, j) {
                links.push(l);
            }
        }
    }
    let links = linker.keep_best(&all, links);
    store::links::insert(conn, &stored(&all, &links)).await?;
    Ok((own_count, links.len()))
}

/// Removes a document's profiles and links, adding its thread-mates to `seeds` so that their
/// threads are recomputed.
async fn unlink(
    conn: &mut PgConnection,
    document: i64,
    seeds: &mut FxHashSet<i64>,
) -> Result<(), StoreError> {
    seeds.extend(store::threads::thread_mates_of_document(conn, document).await?);
    store::links::replace_profiles(conn, &[document], &[]).await?;
    store::links::delete_for_document(conn, document).await
}

/// Recomputes the threads of everything connected (through links) to `seeds`.
async fn recluster(
    linker: &Linker<'static>,
    conn: &mut PgConnection,
    seeds: FxHashSet<i64>,
) -> Result<usize, StoreError> {
    let mut affected = seeds;
    let mut frontier: Vec<i64> = affected.iter().copied().collect();
    let mut edges: FxHashMap<(i64, i64), f64> = FxHashMap::default();
    while !frontier.is_empty() {
        frontier.sort_unstable();
        let found = store::links::touching(conn, &frontier).await?;
        frontier.clear();
        for (a, b, score) in found {
            for end in [a, b] {
                if affected.insert(end) {
                    frontier.push(end);
                }
            }
            edges.insert((a, b), score);
        }
    }
    let mut affected: Vec<i64> = affected.into_iter().collect();
    affected.sort_unstable();
    let units = store::links::units(conn, None, Some(&affected)).await?;
    let index = crate::link::index_of(&units);
    let stored_profiles: FxHashMap<i64, StoredProfile> = store::links::profiles(conn, &affected)
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
    let mut links: Vec<Link> = edges
        .into_iter()
        .filter_map(|((a, b), score)| {
            Some(Link {
                a: *index.get(&a)?,
                b: *index.get(&b)?,
                score,
                evidence: Default::default(),
            })
        })
        .collect();
    links.sort_by_key(|l| (l.a, l.b));
    let mut plans = linker.threads(&units, &profiles, &links);
    // Evidence only for the links that attach mentions.
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
    write_plans(conn, &units, &affected, &[], plans).await
}
