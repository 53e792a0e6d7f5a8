//! The relation of each later mention to its thread.
//!
//! In order of precedence, for a mention after the origin:
//! - its kind is one of `refer_kinds` (background): **refers**;
//! - it shares a target metric with an earlier mention: a different amount or deadline
//!   **revises**; a reported value (a fact or an assessment) **advances**, or **fulfils** when
//!   it reaches the target; the same target **reaffirms**;
//! - a reported fact or an assessment naming the thing done (`fulfil_words`: 签署, 建立,
//!   启动, 开通 …) **fulfils**;
//! - a step the origin did not name (`advance_words`: 商签, 制订, 落实, 加快 …) **advances**;
//! - otherwise it **reaffirms**.

use rustc_hash::FxHashMap;

use super::summary::{MentionPlan, ThreadPlan, summarise};
use super::{Link, LinkUnit, Linker, Profile, Relation};
use crate::extract::Kind;

/// Orders a cluster's mentions (already in document order), gives each its relation, the
/// link that attached it (the best link to an earlier mention) and the thread's summary.
pub fn plan(
    linker: &Linker<'_>,
    units: &[LinkUnit],
    profiles: &[Profile],
    members: &[usize],
    links: &FxHashMap<(usize, usize), &Link>,
) -> ThreadPlan {
    let origin = members[0];
    let mut mentions = vec![MentionPlan {
        unit: origin,
        relation: Relation::Origin,
        link: None,
    }];
    for (k, &m) in members.iter().enumerate().skip(1) {
        let earlier = &members[..k];
        let best = earlier
            .iter()
            .filter_map(|&e| links.get(&(e, m)).or_else(|| links.get(&(m, e))).copied())
            .max_by(|x, y| x.score.total_cmp(&y.score));
        mentions.push(MentionPlan {
            unit: m,
            relation: relation(linker, units, profiles, origin, earlier, m),
            link: best.cloned(),
        });
    }
    summarise(units, mentions)
}

/// The relation of mention `m` to a thread with this origin and these earlier mentions (in
/// document order; only their targets are read).
pub fn relation(
    linker: &Linker<'_>,
    units: &[LinkUnit],
    profiles: &[Profile],
    origin: usize,
    earlier: &[usize],
    m: usize,
) -> Relation {
    let rules = linker.rules();
    let unit = &units[m];
    if rules.refer_kinds.contains(&unit.kind) {
        return Relation::Refers;
    }
    let reports = matches!(unit.kind, Kind::ReportedFact | Kind::Assessment);
    for t in &unit.attributes.targets {
        let Some(metric) = &t.metric else { continue };
        let stated = earlier.iter().rev().find_map(|&e| {
            units[e]
                .attributes
                .targets
                .iter()
                .find(|x| x.metric.as_ref() == Some(metric) && x.deadline.is_some())
        });
        let Some(stated) = stated else { continue };
        if reports && t.deadline.is_none() {
            return if t.amount >= stated.amount && t.unit == stated.unit {
                Relation::Fulfils
            } else {
                Relation::Advances
            };
        }
        let same_amount = (t.amount - stated.amount).abs() < 1e-6 * stated.amount.abs().max(1.0)
            && t.unit == stated.unit;
        let same_deadline =
            t.deadline.map(|d| d.date) == stated.deadline.map(|d| d.date) || t.deadline.is_none();
        return if same_amount && same_deadline {
            Relation::Reaffirms
        } else {
            Relation::Revises
        };
    }
    if reports && profiles[m].fulfil {
        return Relation::Fulfils;
    }
    if profiles[m].advance && !profiles[origin].advance {
        return Relation::Advances;
    }
    Relation::Reaffirms
}
