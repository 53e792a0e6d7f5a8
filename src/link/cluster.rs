//! Average-linkage clustering of linked units, built document by document.
//!
//! Documents are taken in document order (date, then content hash). Each document's units
//! start as clusters of their own, beside the threads built so far from earlier documents;
//! among the threads they link to and themselves, the two clusters whose unit pairs that
//! could carry a link have the highest average link score (a pair without a link scores 0)
//! merge, as long as that average reaches the threshold. Pairs within one document never
//! carry a link, and a unit keeps only its best few links to earlier units, so a unit joining
//! a long thread is averaged over those few, not over the whole thread. A generic sentence
//! linked weakly to two unrelated threads still cannot join them into one: the average over
//! the pairs between the two threads stays low. A merge that would put two units of one
//! document into a cluster must reach the higher `repeat_threshold`: a document seldom
//! states one commitment twice.
//!
//! Threads are never split by a later document, only extended or merged, so the threads as
//! of any date depend only on the documents up to that date. That is what lets a new
//! document (one dated after everything linked so far) be linked by one [`merge`] over the
//! threads it touches, with exactly the result of building everything again.
//!
//! Scores are summed in integer ticks ([`ticks`]) and averages compared exactly, so a
//! decision never depends on the order in which scores were added up. Ties go to the
//! clusters whose earliest units come first in document order.
//!
//! An analyst's [`Constraints`] override the scores: a must-link pair joins (whatever its
//! links) when the later of its two units is linked, and a cannot-link pair never ends in
//! one cluster, however strongly the units around it link; a cannot-link wins over a
//! must-link. Constraints keep threads from being split too: a must-link joins what is
//! already there, and a cannot-link only stops merges.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rustc_hash::{FxHashMap, FxHashSet};

use super::{Link, LinkUnit};

/// A score in ten-thousandths (scores are rounded to four decimals, so this is exact).
pub fn ticks(score: f64) -> i64 {
    (score * 10_000.0).round() as i64
}

/// When two clusters merge: the average link score over the unit pairs that could carry a
/// link reaches `threshold` (`repeat_threshold` when the merge puts two units of one
/// document together); a unit keeps at most `links_per_unit` links to earlier units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Linkage {
    pub threshold: f32,
    pub repeat_threshold: f32,
    pub links_per_unit: usize,
}

/// Analyst decisions the clustering must respect, as pairs of indexes (into the units for
/// `in_document_order`, into the seeds for `merge`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// Pairs that must end in one cluster (must-link).
    pub together: Vec<(usize, usize)>,
    /// Pairs that must never end in one cluster (cannot-link). Wins over `together` when both apply.
    pub apart: Vec<(usize, usize)>,
}

/// A cluster as [`merge`] starts from: an existing thread, or a unit of the new document.
#[derive(Debug, Clone, PartialEq)]
pub struct Seed<R> {
    /// Units in it.
    pub size: u64,
    /// Units per document.
    pub documents: FxHashMap<i64, u32>,
    /// Where its earliest unit comes in document order (ties go to the earlier).
    pub rank: R,
    /// Units of the document being linked in it (1 for its units, 0 for earlier clusters).
    pub fresh: u64,
}

struct Cluster<R> {
    members: Vec<usize>,
    size: u64,
    fresh: u64,
    documents: FxHashMap<i64, u32>,
    rank: R,
    /// Sum of link ticks to each neighbouring cluster.
    neighbours: FxHashMap<usize, i64>,
    /// The clusters it must never merge with (kept symmetric).
    apart: FxHashSet<usize>,
    alive: bool,
}

/// A candidate merge in the queue.
struct Candidate<R> {
    sum: i64,
    pairs: u64,
    /// Ranks of the two clusters (smaller first).
    ranks: (R, R),
    pair: (usize, usize),
    /// Sizes when queued: a merge since makes the entry stale.
    sizes: (u64, u64),
}

impl<R: Ord> Candidate<R> {
    /// Compares averages exactly: sum / pairs against the other's.
    fn average_cmp(&self, o: &Self) -> Ordering {
        (i128::from(self.sum) * i128::from(o.pairs))
            .cmp(&(i128::from(o.sum) * i128::from(self.pairs)))
    }
}

impl<R: Ord> PartialEq for Candidate<R> {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}

impl<R: Ord> Eq for Candidate<R> {}

impl<R: Ord> Ord for Candidate<R> {
    fn cmp(&self, o: &Self) -> Ordering {
        self.average_cmp(o)
            .then_with(|| o.ranks.cmp(&self.ranks))
            .then_with(|| o.pair.cmp(&self.pair))
    }
}

impl<R: Ord> PartialOrd for Candidate<R> {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// The unit pairs between two clusters that could carry a link, and whether the clusters
/// share a document. A pair of one document never does; and a unit keeps at most
/// `per_unit` links to earlier units (see `max_links_per_unit`), so a unit of the document
/// being linked (all later than every other unit) brings at most `per_unit` links, and
/// earlier units at most `per_unit` each. Averaging over these pairs, not over every pair,
/// lets a commitment restated in more documents than `per_unit` keep joining its thread.
fn possible_pairs<R>(x: &Cluster<R>, y: &Cluster<R>, per_unit: u64) -> (u64, bool) {
    let (small, large) = if x.documents.len() <= y.documents.len() {
        (&x.documents, &y.documents)
    } else {
        (&y.documents, &x.documents)
    };
    let same: u64 = small
        .iter()
        .map(|(d, &n)| u64::from(n) * u64::from(large.get(d).copied().unwrap_or(0)))
        .sum();
    let (ox, oy) = (x.size - x.fresh, y.size - y.fresh);
    // Fresh units are all of one document: their pairs are the same-document ones.
    let same_earlier = same.saturating_sub(x.fresh * y.fresh);
    let pairs = (x.fresh * oy).min(per_unit.saturating_mul(x.fresh))
        + (y.fresh * ox).min(per_unit.saturating_mul(y.fresh))
        + (ox * oy)
            .saturating_sub(same_earlier)
            .min(per_unit.saturating_mul(ox + oy));
    (pairs, same > 0)
}

/// Merges seed clusters by average linkage. `sums` holds the link ticks between pairs of
/// seeds (each pair once, in either order). `constraints` index seeds: each `together` pair
/// is joined first, in the order given, whatever its links (unless the two clusters are
/// apart by then), and no merge ever puts an `apart` pair in one cluster. Returns the groups
/// of seed indexes that end up together, each sorted, in order of their first seed.
pub fn merge<R: Ord + Clone>(
    seeds: Vec<Seed<R>>,
    sums: &[(usize, usize, i64)],
    linkage: Linkage,
    constraints: &Constraints,
) -> Vec<Vec<usize>> {
    let Linkage {
        threshold,
        repeat_threshold,
        links_per_unit,
    } = linkage;
    let per_unit = links_per_unit as u64;
    let (threshold, repeat) = (
        ticks(f64::from(threshold)),
        ticks(f64::from(repeat_threshold)),
    );
    let mut clusters: Vec<Cluster<R>> = seeds
        .into_iter()
        .enumerate()
        .map(|(i, s)| Cluster {
            members: vec![i],
            size: s.size,
            fresh: s.fresh,
            documents: s.documents,
            rank: s.rank,
            neighbours: FxHashMap::default(),
            apart: FxHashSet::default(),
            alive: true,
        })
        .collect();
    for &(a, b, s) in sums {
        if a != b {
            *clusters[a].neighbours.entry(b).or_insert(0) += s;
            *clusters[b].neighbours.entry(a).or_insert(0) += s;
        }
    }
    for &(a, b) in &constraints.apart {
        if a != b {
            clusters[a].apart.insert(b);
            clusters[b].apart.insert(a);
        }
    }
    // Must-links first, unconditionally. A cluster is named by its smallest seed (the one
    // the others merged into); `root` finds it from any of its seeds.
    let mut root: Vec<usize> = (0..clusters.len()).collect();
    for &(a, b) in &constraints.together {
        let (a, b) = (find(&mut root, a), find(&mut root, b));
        if a == b || clusters[a].apart.contains(&b) {
            continue;
        }
        let (x, y) = (a.min(b), a.max(b));
        join(&mut clusters, x, y);
        root[y] = x;
    }
    let candidate = |clusters: &[Cluster<R>], x: usize, y: usize| -> Option<Candidate<R>> {
        let (cx, cy) = (&clusters[x], &clusters[y]);
        if cx.apart.contains(&y) {
            return None;
        }
        let (pairs, repeats) = possible_pairs(cx, cy, per_unit);
        let sum = cx.neighbours.get(&y).copied().unwrap_or(0);
        let needed = if repeats { repeat } else { threshold };
        (pairs > 0 && i128::from(sum) >= i128::from(needed) * i128::from(pairs)).then(|| {
            let ranks = if cx.rank <= cy.rank {
                (cx.rank.clone(), cy.rank.clone())
            } else {
                (cy.rank.clone(), cx.rank.clone())
            };
            Candidate {
                sum,
                pairs,
                ranks,
                pair: (x, y),
                sizes: (cx.size, cy.size),
            }
        })
    };
    let mut queue = BinaryHeap::new();
    for x in (0..clusters.len()).filter(|&x| clusters[x].alive) {
        let mut ys: Vec<usize> = clusters[x]
            .neighbours
            .keys()
            .copied()
            .filter(|&y| y > x)
            .collect();
        ys.sort_unstable();
        for y in ys {
            if let Some(c) = candidate(&clusters, x, y) {
                queue.push(c);
            }
        }
    }
    while let Some(c) = queue.pop() {
        let (x, y) = c.pair;
        if !clusters[x].alive
            || !clusters[y].alive
            || (clusters[x].size, clusters[y].size) != c.sizes
            || clusters[x].apart.contains(&y)
        {
            continue;
        }
        for z in join(&mut clusters, x, y) {
            let (p, q) = if x < z { (x, z) } else { (z, x) };
            if let Some(c) = candidate(&clusters, p, q) {
                queue.push(c);
            }
        }
    }
    let mut out: Vec<Vec<usize>> = clusters
        .into_iter()
        .filter(|c| c.alive)
        .map(|mut c| {
            c.members.sort_unstable();
            c.members
        })
        .collect();
    out.sort_by_key(|m| m[0]);
    out
}

/// The cluster seed `i` is in, from `root` (each seed's parent; a cluster's own seed is its
/// own parent), halving the paths it walks.
fn find(root: &mut [usize], mut i: usize) -> usize {
    while root[i] != i {
        root[i] = root[root[i]];
        i = root[i];
    }
    i
}

/// Merges cluster `y` into cluster `x` (two live clusters not apart), and returns the
/// neighbours of the merged cluster, sorted, each with its link sum to `x` brought up to
/// date. `x` inherits `y`'s cannot-links: every cluster apart from `y` is apart from `x`.
fn join<R: Ord + Clone>(clusters: &mut [Cluster<R>], x: usize, y: usize) -> Vec<usize> {
    debug_assert!(x != y && clusters[x].alive && clusters[y].alive);
    debug_assert!(!clusters[x].apart.contains(&y));
    let absorbed = std::mem::take(&mut clusters[y].members);
    let documents = std::mem::take(&mut clusters[y].documents);
    let neighbours = std::mem::take(&mut clusters[y].neighbours);
    let apart = std::mem::take(&mut clusters[y].apart);
    clusters[y].alive = false;
    let (size, fresh, rank) = (
        clusters[y].size,
        clusters[y].fresh,
        clusters[y].rank.clone(),
    );
    let target = &mut clusters[x];
    target.members.extend(absorbed);
    target.size += size;
    target.fresh += fresh;
    if rank < target.rank {
        target.rank = rank;
    }
    for (d, n) in documents {
        *target.documents.entry(d).or_insert(0) += n;
    }
    target.neighbours.remove(&y);
    for (&z, &s) in &neighbours {
        if z != x {
            *clusters[x].neighbours.entry(z).or_insert(0) += s;
        }
    }
    let mut zs: Vec<usize> = clusters[x].neighbours.keys().copied().collect();
    zs.sort_unstable();
    for &z in &zs {
        if let Some(s) = clusters[z].neighbours.remove(&y) {
            *clusters[z].neighbours.entry(x).or_insert(0) += s;
        }
    }
    for z in apart {
        let theirs = &mut clusters[z].apart;
        theirs.remove(&y);
        theirs.insert(x);
        clusters[x].apart.insert(z);
    }
    zs
}

/// Links as clustering reads them: (a, b, score).
pub fn scores(links: &[Link]) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
    links.iter().map(|l| (l.a, l.b, l.score))
}

/// Unit indexes in document order, and each unit's position in it.
pub fn document_order(units: &[LinkUnit]) -> (Vec<usize>, Vec<usize>) {
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by(|&x, &y| units[x].order(&units[y]));
    let mut rank = vec![0; units.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r;
    }
    (order, rank)
}

/// Each unit's position in document order.
pub fn ranks(units: &[LinkUnit]) -> Vec<usize> {
    document_order(units).1
}

/// The runs of `list` (unit indexes in document order) that belong to one document, as
/// (offset of the run in `list`, the run).
pub fn document_runs<'a>(
    units: &'a [LinkUnit],
    list: &'a [usize],
) -> impl Iterator<Item = (usize, &'a [usize])> + 'a {
    list.chunk_by(move |&x, &y| units[x].document == units[y].document)
        .scan(0, |offset, run| {
            let start = *offset;
            *offset += run.len();
            Some((start, run))
        })
}

/// A thread being built.
struct Thread {
    members: Vec<usize>,
    documents: FxHashMap<i64, u32>,
    rank: usize,
    /// Link ticks to each other thread.
    neighbours: FxHashMap<usize, i64>,
}

/// Threads built document by document in document order (see the module comment): the
/// clusters of unit indexes (each sorted), in order of their earliest unit. `constraints`
/// index units: a `together` pair ends in one thread (unless that would put an `apart` pair
/// in one), an `apart` pair never does.
pub fn in_document_order(
    units: &[LinkUnit],
    links: impl IntoIterator<Item = (usize, usize, f64)>,
    linkage: Linkage,
    constraints: &Constraints,
) -> Vec<Vec<usize>> {
    let (order, rank) = document_order(units);
    let mut adjacency: Vec<Vec<(usize, i64)>> = vec![Vec::new(); units.len()];
    for (a, b, score) in links {
        adjacency[a].push((b, ticks(score)));
        adjacency[b].push((a, ticks(score)));
    }
    // Each unit's must-link partners.
    let mut partners: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
    for &(a, b) in &constraints.together {
        partners[a].push(b);
        partners[b].push(a);
    }
    let mut thread_of: Vec<usize> = vec![usize::MAX; units.len()];
    let mut threads: Vec<Thread> = Vec::new();
    for (offset, own) in document_runs(units, &order) {
        let document = units[own[0]].document;
        // The threads this document's units link to or must join (earlier units all have
        // one; the document's own units and later ones have none yet).
        let mut involved: Vec<usize> = own
            .iter()
            .flat_map(|&u| {
                adjacency[u]
                    .iter()
                    .map(|&(v, _)| v)
                    .chain(partners[u].iter().copied())
            })
            .map(|v| thread_of[v])
            .filter(|&t| t != usize::MAX)
            .collect();
        involved.sort_unstable();
        involved.dedup();
        let slot: FxHashMap<usize, usize> =
            involved.iter().enumerate().map(|(k, &t)| (t, k)).collect();
        let mut seeds: Vec<Seed<usize>> = involved
            .iter()
            .map(|&t| Seed {
                size: threads[t].members.len() as u64,
                documents: threads[t].documents.clone(),
                rank: threads[t].rank,
                fresh: 0,
            })
            .collect();
        let mut sums: Vec<(usize, usize, i64)> = Vec::new();
        for (k, &t) in involved.iter().enumerate() {
            for (&o, &s) in &threads[t].neighbours {
                if let Some(&j) = slot.get(&o)
                    && j > k
                {
                    sums.push((k, j, s));
                }
            }
        }
        for (k, &u) in own.iter().enumerate() {
            seeds.push(Seed {
                size: 1,
                documents: std::iter::once((document, 1)).collect(),
                rank: rank[u],
                fresh: 1,
            });
            for &(v, s) in &adjacency[u] {
                if let Some(&j) = slot.get(&thread_of[v]) {
                    sums.push((j, involved.len() + k, s));
                }
            }
        }
        // The constraints among the seeds: a unit's seed is its own if it is of this
        // document (own[k] comes at offset + k in document order), else its thread's if that
        // thread is involved. A pair within one seed is settled already.
        let seed_of = |u: usize| -> Option<usize> {
            if (offset..offset + own.len()).contains(&rank[u]) {
                Some(involved.len() + rank[u] - offset)
            } else {
                slot.get(&thread_of[u]).copied()
            }
        };
        let seed_pair = |(a, b): (usize, usize)| -> Option<(usize, usize)> {
            let (x, y) = (seed_of(a)?, seed_of(b)?);
            (x != y).then_some((x.min(y), x.max(y)))
        };
        let mut local = Constraints {
            together: own
                .iter()
                .flat_map(|&u| partners[u].iter().map(move |&v| (u, v)))
                .filter_map(seed_pair)
                .collect(),
            apart: constraints
                .apart
                .iter()
                .copied()
                .filter_map(seed_pair)
                .collect(),
        };
        for pairs in [&mut local.together, &mut local.apart] {
            pairs.sort_unstable();
            pairs.dedup();
        }
        for group in merge(seeds, &sums, linkage, &local) {
            let old: Vec<usize> = group
                .iter()
                .filter(|&&k| k < involved.len())
                .map(|&k| involved[k])
                .collect();
            let target = match old.first() {
                Some(&t) => t,
                None => {
                    threads.push(Thread {
                        members: Vec::new(),
                        documents: FxHashMap::default(),
                        rank: usize::MAX,
                        neighbours: FxHashMap::default(),
                    });
                    threads.len() - 1
                }
            };
            for &gone in &old[old.len().min(1)..] {
                absorb(&mut threads, &mut thread_of, target, gone);
            }
            for &k in group.iter().filter(|&&k| k >= involved.len()) {
                let u = own[k - involved.len()];
                let t = &mut threads[target];
                t.members.push(u);
                *t.documents.entry(document).or_insert(0) += 1;
                t.rank = t.rank.min(rank[u]);
                thread_of[u] = target;
            }
        }
        // The document's links now join its threads to the earlier ones.
        for &u in own {
            for &(v, s) in &adjacency[u] {
                let (a, b) = (thread_of[u], thread_of[v]);
                if b != usize::MAX && a != b && rank[v] < rank[u] {
                    *threads[a].neighbours.entry(b).or_insert(0) += s;
                    *threads[b].neighbours.entry(a).or_insert(0) += s;
                }
            }
        }
    }
    let mut out: Vec<(usize, Vec<usize>)> = threads
        .into_iter()
        .filter(|t| !t.members.is_empty())
        .map(|mut t| {
            t.members.sort_unstable();
            (t.rank, t.members)
        })
        .collect();
    out.sort_by_key(|(r, _)| *r);
    out.into_iter().map(|(_, m)| m).collect()
}

/// Moves thread `gone` into thread `target`.
fn absorb(threads: &mut [Thread], thread_of: &mut [usize], target: usize, gone: usize) {
    let moved = std::mem::take(&mut threads[gone].members);
    for &m in &moved {
        thread_of[m] = target;
    }
    let documents = std::mem::take(&mut threads[gone].documents);
    let neighbours = std::mem::take(&mut threads[gone].neighbours);
    let rank = threads[gone].rank;
    let t = &mut threads[target];
    t.members.extend(moved);
    t.rank = t.rank.min(rank);
    for (d, n) in documents {
        *t.documents.entry(d).or_insert(0) += n;
    }
    t.neighbours.remove(&gone);
    for (z, s) in neighbours {
        if z == target {
            continue;
        }
        *threads[target].neighbours.entry(z).or_insert(0) += s;
        let n = &mut threads[z].neighbours;
        n.remove(&gone);
        *n.entry(target).or_insert(0) += s;
    }
}
