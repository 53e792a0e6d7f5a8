//! Link decisions: an analyst's corrections of the linker, each stored as the must-link and
//! cannot-link pairs of units it stands for. Every linking run (`pledgeline relink`,
//! incremental ingestion, `pledgeline extract`) clusters under them (see
//! [`crate::link::cluster::Constraints`]).
//!
//! A thread is named in a decision by its *anchor*, its first mention (its origin), so that a
//! decision keeps its meaning when the thread's other mentions change.

use rustc_hash::FxHashMap;

string_enum! {
    /// What an analyst did.
    pub enum DecisionKind ("decision") {
        /// A machine link is right: its two mentions belong together.
        Accept => "accept",
        /// A machine link is wrong: its two mentions never share a thread.
        Reject => "reject",
        /// A mention does not belong to its thread.
        Detach => "detach",
        /// A mention belongs to another thread.
        Attach => "attach",
        /// Two threads are one commitment.
        Merge => "merge",
        /// A thread is two commitments, from a given mention on.
        Split => "split",
        /// Two mentions state the same commitment (linked by hand).
        Link => "link",
    }
}

/// One constraint: units `a < b` must (or must never) share a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pair {
    pub a: i64,
    pub b: i64,
    pub must: bool,
}

impl Pair {
    /// The pair in order; none for a unit with itself.
    pub fn new(x: i64, y: i64, must: bool) -> Option<Pair> {
        (x != y).then(|| Pair {
            a: x.min(y),
            b: x.max(y),
            must,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("the mention is not in this thread")]
    NotInThread,
    #[error("a thread cannot be merged with itself")]
    SameThread,
    #[error("a thread is split after its first mention and before its end")]
    BadSplit,
    #[error("a mention cannot be linked to itself")]
    SameMention,
    #[error("the mention is the thread's only mention")]
    Alone,
    /// The new constraints contradict an earlier decision, which must be undone first.
    #[error("this contradicts decision {0}, which must be undone first")]
    Contradicts(i64),
}

/// The constraints a decision stands for, from the threads as they are now (`members` in
/// thread order, origin first).
pub fn accept(x: i64, y: i64) -> Result<Vec<Pair>, DecisionError> {
    Ok(vec![
        Pair::new(x, y, true).ok_or(DecisionError::SameMention)?,
    ])
}

pub fn reject(x: i64, y: i64) -> Result<Vec<Pair>, DecisionError> {
    Ok(vec![
        Pair::new(x, y, false).ok_or(DecisionError::SameMention)?,
    ])
}

pub fn link(x: i64, y: i64) -> Result<Vec<Pair>, DecisionError> {
    accept(x, y)
}

/// The first of `members` other than `unit`: what names the thread once `unit` leaves it.
fn anchor_without(members: &[i64], unit: i64) -> Option<i64> {
    members.iter().copied().find(|&m| m != unit)
}

/// `unit` leaves its thread: it never shares a thread with the thread's anchor again.
pub fn detach(unit: i64, members: &[i64]) -> Result<Vec<Pair>, DecisionError> {
    if !members.contains(&unit) {
        return Err(DecisionError::NotInThread);
    }
    let anchor = anchor_without(members, unit).ok_or(DecisionError::Alone)?;
    Ok(Pair::new(unit, anchor, false).into_iter().collect())
}

/// `unit` joins the thread of `target` (its members), leaving `current` (its thread now, if
/// any).
pub fn attach(
    unit: i64,
    target: &[i64],
    current: Option<&[i64]>,
) -> Result<Vec<Pair>, DecisionError> {
    if target.contains(&unit) {
        return Err(DecisionError::SameThread);
    }
    let anchor = *target.first().ok_or(DecisionError::NotInThread)?;
    let mut out: Vec<Pair> = Pair::new(unit, anchor, true).into_iter().collect();
    if let Some(members) = current
        && let Some(old) = anchor_without(members, unit)
    {
        out.extend(Pair::new(unit, old, false));
    }
    Ok(out)
}

/// Two threads are one: every mention of both belongs with the first thread's anchor (a
/// must-link of the anchors alone would let the mentions that link only to one side fall
/// away when the two are averaged together).
pub fn merge(first: &[i64], second: &[i64]) -> Result<Vec<Pair>, DecisionError> {
    let (Some(&x), Some(&y)) = (first.first(), second.first()) else {
        return Err(DecisionError::NotInThread);
    };
    if x == y {
        return Err(DecisionError::SameThread);
    }
    Ok(first
        .iter()
        .chain(second)
        .filter_map(|&m| Pair::new(x, m, true))
        .collect())
}

/// A thread is two from `members[at]` on: the second part's mentions belong together, and
/// never with the first part's anchor.
pub fn split(members: &[i64], at: usize) -> Result<Vec<Pair>, DecisionError> {
    if at == 0 || at >= members.len() {
        return Err(DecisionError::BadSplit);
    }
    let (first, second) = members.split_at(at);
    let mut out: Vec<Pair> = Pair::new(first[0], second[0], false).into_iter().collect();
    out.extend(
        second[1..]
            .iter()
            .filter_map(|&m| Pair::new(second[0], m, true)),
    );
    Ok(out)
}

/// Checks new constraints against the decisions in force (`active`: decision id and pair):
/// after adding them, no two units held apart may be bound together through must-links.
/// Returns the id of an earlier decision that the new pairs contradict.
pub fn contradiction(active: &[(i64, Pair)], new: &[Pair]) -> Option<i64> {
    let mut parent: FxHashMap<i64, i64> = FxHashMap::default();
    fn find(parent: &mut FxHashMap<i64, i64>, x: i64) -> i64 {
        let p = *parent.get(&x).unwrap_or(&x);
        if p == x {
            return x;
        }
        let root = find(parent, p);
        parent.insert(x, root);
        root
    }
    let musts = active
        .iter()
        .map(|(d, p)| (Some(*d), *p))
        .chain(new.iter().map(|p| (None, *p)))
        .filter(|(_, p)| p.must);
    for (_, p) in musts {
        let (x, y) = (find(&mut parent, p.a), find(&mut parent, p.b));
        if x != y {
            parent.insert(x, y);
        }
    }
    // A cannot-link inside one must-linked group: blame the earlier decision involved.
    for (decision, p) in active
        .iter()
        .map(|(d, p)| (Some(*d), *p))
        .chain(new.iter().map(|p| (None, *p)))
        .filter(|(_, p)| !p.must)
    {
        let root = find(&mut parent, p.a);
        if root != find(&mut parent, p.b) {
            continue;
        }
        if let Some(d) = decision {
            return Some(d);
        }
        // A new cannot-link: the earlier must-link decision that binds its ends.
        return active
            .iter()
            .filter(|(_, q)| q.must)
            .find(|(_, q)| find(&mut parent, q.a) == root)
            .map(|(d, _)| *d);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn must(a: i64, b: i64) -> Pair {
        Pair::new(a, b, true).unwrap()
    }
    fn apart(a: i64, b: i64) -> Pair {
        Pair::new(a, b, false).unwrap()
    }

    #[test]
    fn decisions_become_pairs() {
        assert_eq!(reject(9, 3).unwrap(), vec![apart(3, 9)]);
        assert_eq!(detach(5, &[1, 5, 7]).unwrap(), vec![apart(1, 5)]);
        // The origin leaves: the next mention names the thread.
        assert_eq!(detach(1, &[1, 5, 7]).unwrap(), vec![apart(1, 5)]);
        assert_eq!(detach(4, &[1, 5]), Err(DecisionError::NotInThread));
        assert_eq!(
            attach(5, &[10, 11], Some(&[1, 5])).unwrap(),
            vec![must(5, 10), apart(1, 5)]
        );
        assert_eq!(
            merge(&[1, 2], &[7, 8]).unwrap(),
            vec![must(1, 2), must(1, 7), must(1, 8)]
        );
        assert_eq!(
            split(&[1, 2, 3, 4], 2).unwrap(),
            vec![apart(1, 3), must(3, 4)]
        );
        assert_eq!(split(&[1, 2], 0), Err(DecisionError::BadSplit));
        assert_eq!(link(2, 2), Err(DecisionError::SameMention));
    }

    #[test]
    fn contradictions_name_the_earlier_decision() {
        let active = vec![(1, must(1, 2)), (2, must(2, 3))];
        // 1 and 3 are bound through 2: holding them apart contradicts a must-link decision.
        assert!(matches!(
            contradiction(&active, &[apart(1, 3)]),
            Some(1 | 2)
        ));
        assert_eq!(contradiction(&active, &[apart(1, 4)]), None);
        let active = vec![(7, apart(1, 3))];
        assert_eq!(contradiction(&active, &[must(1, 2), must(2, 3)]), Some(7));
        assert_eq!(contradiction(&active, &[must(1, 2)]), None);
    }
}
