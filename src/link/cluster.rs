//! Average-linkage clustering of linked units.
//!
//! Every unit starts as its own cluster. The two clusters whose cross-document unit pairs
//! have the highest average link score (a pair without a link scores 0) merge, as long as that
//! average reaches the threshold. A generic sentence linked weakly to two unrelated threads
//! therefore cannot join them into one: the average over all pairs stays low.
//!
//! Deterministic: ties go to the pair of clusters whose earliest units come first in document
//! order, so the result depends only on the units and their links, never on input order.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;

use super::{Link, LinkUnit};

struct Cluster {
    members: Vec<usize>,
    /// Units per document.
    documents: FxHashMap<i64, u32>,
    /// Rank (in document order) of the earliest member.
    first: usize,
    /// Sum of link scores to each neighbouring cluster.
    neighbours: FxHashMap<usize, f64>,
    alive: bool,
}

/// A candidate merge in the queue.
#[derive(PartialEq)]
struct Candidate {
    average: f64,
    /// Ranks of the two clusters' earliest units (smaller first).
    ranks: (usize, usize),
    pair: (usize, usize),
    /// Sizes when queued: a merge since makes the entry stale.
    sizes: (usize, usize),
}

impl Eq for Candidate {}

impl Ord for Candidate {
    fn cmp(&self, o: &Self) -> Ordering {
        self.average
            .total_cmp(&o.average)
            .then_with(|| o.ranks.cmp(&self.ranks))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Cross-document unit pairs between two clusters.
fn cross_pairs(a: &Cluster, b: &Cluster) -> u64 {
    let (na, nb) = (a.members.len() as u64, b.members.len() as u64);
    let same: u64 = a
        .documents
        .iter()
        .map(|(d, &n)| u64::from(n) * u64::from(b.documents.get(d).copied().unwrap_or(0)))
        .sum();
    na * nb - same
}

/// Clusters of unit indexes (each sorted), in order of their earliest unit.
///
/// A merge that would put two units of one document into a cluster must reach
/// `repeat_threshold` instead: a document seldom states one commitment twice, so a second
/// unit of it must be closer to the thread than the first.
pub fn average_linkage(
    units: &[LinkUnit],
    links: &[Link],
    threshold: f32,
    repeat_threshold: f32,
) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by(|&x, &y| units[x].order(&units[y]));
    let mut rank = vec![0; units.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r;
    }
    let mut clusters: Vec<Cluster> = (0..units.len())
        .map(|i| Cluster {
            members: vec![i],
            documents: std::iter::once((units[i].document, 1)).collect(),
            first: rank[i],
            neighbours: FxHashMap::default(),
            alive: true,
        })
        .collect();
    for l in links {
        *clusters[l.a].neighbours.entry(l.b).or_insert(0.0) += l.score;
        *clusters[l.b].neighbours.entry(l.a).or_insert(0.0) += l.score;
    }
    let (threshold, repeat_threshold) = (f64::from(threshold), f64::from(repeat_threshold));
    let candidate = |clusters: &[Cluster], x: usize, y: usize| -> Option<Candidate> {
        let (cx, cy) = (&clusters[x], &clusters[y]);
        let pairs = cross_pairs(cx, cy);
        let sum = cx.neighbours.get(&y).copied().unwrap_or(0.0);
        if pairs == 0 {
            return None;
        }
        let average = sum / pairs as f64;
        let repeats = cx.documents.keys().any(|d| cy.documents.contains_key(d));
        let needed = if repeats { repeat_threshold } else { threshold };
        (average >= needed).then(|| Candidate {
            average,
            ranks: (cx.first.min(cy.first), cx.first.max(cy.first)),
            pair: (x, y),
            sizes: (cx.members.len(), cy.members.len()),
        })
    };
    let mut queue = BinaryHeap::new();
    for x in 0..clusters.len() {
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
            || (clusters[x].members.len(), clusters[y].members.len()) != c.sizes
        {
            continue;
        }
        // Merge y into x.
        let absorbed = std::mem::take(&mut clusters[y].members);
        let documents = std::mem::take(&mut clusters[y].documents);
        let neighbours = std::mem::take(&mut clusters[y].neighbours);
        clusters[y].alive = false;
        let first = clusters[y].first;
        let target = &mut clusters[x];
        target.members.extend(absorbed);
        target.first = target.first.min(first);
        for (d, n) in documents {
            *target.documents.entry(d).or_insert(0) += n;
        }
        target.neighbours.remove(&y);
        for (&z, &s) in &neighbours {
            if z != x {
                *clusters[x].neighbours.entry(z).or_insert(0.0) += s;
            }
        }
        let mut zs: Vec<usize> = clusters[x].neighbours.keys().copied().collect();
        zs.sort_unstable();
        for z in zs {
            if let Some(s) = clusters[z].neighbours.remove(&y) {
                *clusters[z].neighbours.entry(x).or_insert(0.0) += s;
            }
            let (p, q) = if x < z { (x, z) } else { (z, x) };
            if let Some(c) = candidate(&clusters, p, q) {
                queue.push(c);
            }
        }
    }
    let mut out: Vec<(usize, Vec<usize>)> = clusters
        .into_iter()
        .filter(|c| c.alive)
        .map(|mut c| {
            c.members.sort_unstable();
            (c.first, c.members)
        })
        .collect();
    out.sort_by_key(|(first, _)| *first);
    out.into_iter().map(|(_, m)| m).collect()
}
