use std::collections::BTreeMap;

use super::export::{ExportDocument, ExportMention, ExportThread, ThreadsExport};
use super::*;
use crate::extract::{DocumentInput, Extractor, LexiconSource};
use crate::ingest::{self, ParsedDocument};

const SEEDS: [(&str, &str); 2] = [
    (
        "001_e246b652d2346690.txt",
        include_str!("../../examples/corpus/001_e246b652d2346690.txt"),
    ),
    (
        "000_6fb1bf50eb2ac061.txt",
        include_str!("../../examples/corpus/000_6fb1bf50eb2ac061.txt"),
    ),
];

fn parsed() -> Vec<ParsedDocument> {
    SEEDS
        .iter()
        .flat_map(|(name, text)| {
            ingest::parse_bytes(name, text.as_bytes(), usize::MAX)
                .expect("seed parses")
                .documents
        })
        .collect()
}

/// The units of documents as the store would hand them over (ids made up).
fn link_units(docs: &[ParsedDocument]) -> Vec<LinkUnit> {
    let ex = Extractor::embedded();
    let mut out = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        let input = DocumentInput::new(&doc.meta, &doc.body, &doc.blocks);
        let extraction = ex.extract(&input);
        for u in extraction.units {
            out.push(LinkUnit {
                id: (d * 1000 + u.ordinal as usize) as i64,
                document: d as i64,
                document_key: hex::encode(doc.content_hash),
                date: input.date,
                span_start: u.span.start as i32,
                span_end: u.span.end as i32,
                kind: u.kind,
                modality: u.modality,
                actors: u.actors,
                document_parties: extraction.parties.clone(),
                topic: u.topic,
                text: u.text,
                analysis_text: u.analysis_text,
                attributes: u.attributes,
            });
        }
    }
    out
}

/// The embedded rules, or (to try changes without rebuilding) the `links.toml` of the
/// directory named by `PLEDGELINE_TRY_LINK_RULES`.
fn linker() -> Linker<'static> {
    let source = std::env::var_os("PLEDGELINE_TRY_LINK_RULES")
        .map_or(LexiconSource::Embedded, |d| LexiconSource::Dir(d.into()));
    Linker::new(
        Extractor::embedded(),
        LinkRules::load(&source).expect("rules"),
    )
}

/// The linker, and the units' profiles numbered in one vocabulary.
fn profiled(units: &[LinkUnit]) -> (Linker<'static>, Vocabulary, Vec<Profile>) {
    let linker = linker();
    let mut vocab = Vocabulary::default();
    let profiles = linker
        .analyse_all(units)
        .iter()
        .map(|p| linker.profile_of(p, &mut vocab))
        .collect();
    (linker, vocab, profiles)
}

fn plan(units: &[LinkUnit]) -> (Vec<summary::ThreadPlan>, Vec<Link>) {
    let (linker, vocab, profiles) = profiled(units);
    let links = linker.links(units, &profiles, &vocab);
    (
        linker.threads(units, &profiles, &links, &Default::default()),
        links,
    )
}

fn export(
    docs: &[ParsedDocument],
    units: &[LinkUnit],
    plans: &[summary::ThreadPlan],
) -> ThreadsExport {
    ThreadsExport {
        threads: plans
            .iter()
            .enumerate()
            .map(|(i, p)| ExportThread {
                id: i as i64,
                title: p.summary.title.clone(),
                topic: p.summary.topic.clone(),
                parties: p.summary.parties.clone(),
                deadline: p.summary.deadline.map(|d| d.to_string()),
                target: p.summary.target.clone(),
                first_stated: p.summary.first_stated,
                last_mentioned: p.summary.last_mentioned,
                mentions: p
                    .mentions
                    .iter()
                    .map(|m| {
                        let u = &units[m.unit];
                        let d = &docs[u.document as usize];
                        ExportMention {
                            document: ExportDocument {
                                id: u.document,
                                title: d.meta.title.clone(),
                                published: d.meta.published.map(|p| p.date),
                                signed: d.meta.signed_on,
                                source: String::new(),
                            },
                            text: u.text.clone(),
                            start: u.span_start,
                            end: u.span_end,
                            kind: u.kind,
                            relation: m.relation,
                            score: m.link.as_ref().map(|l| l.score),
                            evidence: m.link.as_ref().map(|l| l.evidence.clone()),
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn gold() -> eval::Gold {
    serde_json::from_str(include_str!("../../tests/fixtures/link/seed-links.json")).expect("gold")
}

fn bodies(docs: &[ParsedDocument]) -> BTreeMap<String, String> {
    let g = gold();
    g.documents
        .iter()
        .map(|(k, d)| {
            let doc = docs
                .iter()
                .find(|p| p.meta.title == d.title)
                .expect("gold document among the seeds");
            (k.clone(), doc.body.clone())
        })
        .collect()
}

#[test]
fn seed_links_are_found() {
    let docs = parsed();
    let units = link_units(&docs);
    let (plans, _) = plan(&units);
    let report =
        eval::score(&gold(), &bodies(&docs), &export(&docs, &units, &plans)).expect("scores");
    eprintln!("{report}");
    for (a, b) in &report.missed {
        eprintln!("missed: {a} <-> {b}");
    }
    for (a, b) in &report.wrong {
        eprintln!("wrong: {a} <-> {b}");
    }
    for (a, b, want, got) in &report.mistyped {
        eprintln!("mistyped {want} as {got}: {a} <-> {b}");
    }
    // The issue asks for 0.85.
    assert!(report.f1 >= 0.85, "{report}");
    assert!(report.relation_accuracy >= 0.8, "{report}");
}

#[test]
fn threads_do_not_depend_on_input_order() {
    let docs = parsed();
    let units = link_units(&docs);
    let (plans, links) = plan(&units);
    let mut reversed = units.clone();
    reversed.reverse();
    let (plans2, links2) = plan(&reversed);
    assert_eq!(links.len(), links2.len());
    let members =
        |units: &[LinkUnit], plans: &[summary::ThreadPlan]| -> Vec<Vec<(i64, Relation)>> {
            plans
                .iter()
                .map(|p| {
                    p.mentions
                        .iter()
                        .map(|m| (units[m.unit].id, m.relation))
                        .collect()
                })
                .collect()
        };
    assert_eq!(members(&units, &plans), members(&reversed, &plans2));
}

#[test]
fn the_trade_target_is_one_thread_reaffirmed() {
    let docs = parsed();
    let units = link_units(&docs);
    let (plans, _) = plan(&units);
    let thread = plans
        .iter()
        .find(|p| {
            p.mentions
                .iter()
                .any(|m| units[m.unit].analysis_text.contains("400亿美元"))
        })
        .expect("a thread with the trade target");
    let texts: Vec<(&str, Relation)> = thread
        .mentions
        .iter()
        .map(|m| (units[m.unit].analysis_text.as_str(), m.relation))
        .collect();
    assert_eq!(texts[0].1, Relation::Origin);
    assert!(texts[0].0.contains("400亿美元"));
    assert!(
        texts
            .iter()
            .any(|(t, r)| t.starts_with("确保实现") && *r == Relation::Reaffirms),
        "{texts:?}"
    );
    let target = thread.summary.target.as_ref().expect("target");
    assert_eq!(target.metric.as_deref(), Some("双边贸易额"));
    assert_eq!(
        thread.summary.deadline.map(|d| d.to_string()).as_deref(),
        Some("2015")
    );
    let later = thread
        .mentions
        .iter()
        .find(|m| units[m.unit].analysis_text.starts_with("确保实现"))
        .expect("the 2012 mention");
    let evidence = &later.link.as_ref().expect("link").evidence;
    assert!(
        evidence
            .target
            .as_ref()
            .is_some_and(|t| t.same_amount && t.same_deadline)
    );
}

#[test]
#[ignore = "a debugging aid: prints the seed threads and links"]
fn print_seed_threads() {
    let docs = parsed();
    let units = link_units(&docs);
    let (plans, links) = plan(&units);
    for p in plans.iter().filter(|p| p.mentions.len() > 1) {
        eprintln!("== {} [{}]", p.summary.title, p.summary.topic);
        for m in &p.mentions {
            let u = &units[m.unit];
            let t: String = u.analysis_text.chars().take(50).collect();
            eprintln!(
                "  {} {:?} {:.2} {}",
                u.document,
                m.relation,
                m.link.as_ref().map_or(0.0, |l| l.score),
                t
            );
        }
    }
    eprintln!("-- links");
    for l in &links {
        let (a, b) = (&units[l.a], &units[l.b]);
        let ta: String = a.analysis_text.chars().take(25).collect();
        let tb: String = b.analysis_text.chars().take(25).collect();
        eprintln!(
            "{:.2} {ta} | {tb} {:?} {:?}",
            l.score, l.evidence.keys, l.evidence.words
        );
    }
}

/// A one-article archive file dated `date` (YYYYMMDD) with these paragraphs.
fn article(title: &str, date: &str, paragraphs: &[&str]) -> ParsedDocument {
    let body: String = paragraphs.iter().map(|p| format!("    {p}\n")).collect();
    let text = format!(
        "〖RQ/日期〗{date}〖-RQ/日期〗\n〖BT/标题〗{title}〖-BT/标题〗\n〖ZW/正文〗\n{body}〖-ZW/正文〗\n"
    );
    ingest::parse_bytes("t.txt", text.as_bytes(), usize::MAX)
        .expect("parses")
        .documents
        .remove(0)
}

/// The relation of the later document's mention in the thread of the earlier one's first unit.
fn relation_between(earlier: &str, later: &str) -> Option<Relation> {
    let docs = vec![
        article("中哈联合声明", "20110614", &[earlier]),
        article("中哈联合公报", "20150614", &[later]),
    ];
    let units = link_units(&docs);
    let (plans, _) = plan(&units);
    plans
        .iter()
        .find(|p| units[p.mentions[0].unit].document == 0)
        .and_then(|p| p.mentions.iter().find(|m| units[m.unit].document == 1))
        .map(|m| m.relation)
}

#[test]
fn a_changed_target_revises_and_a_reached_one_fulfils() {
    let origin = "双方商定，到2015年将双边贸易额提高到400亿美元。";
    assert_eq!(
        relation_between(origin, "双方商定，到2020年将双边贸易额提高到400亿美元。"),
        Some(Relation::Revises)
    );
    assert_eq!(
        relation_between(origin, "双方商定，到2015年将双边贸易额提高到500亿美元。"),
        Some(Relation::Revises)
    );
    assert_eq!(
        relation_between(origin, "双方确认，到2015年将双边贸易额提高到400亿美元。"),
        Some(Relation::Reaffirms)
    );
    assert_eq!(
        relation_between(origin, "2012年双边贸易额达到257亿美元。"),
        Some(Relation::Advances)
    );
    assert_eq!(
        relation_between(origin, "2014年双边贸易额达到410亿美元。"),
        Some(Relation::Fulfils)
    );
}

#[test]
fn the_same_amount_of_another_metric_is_not_the_same_target() {
    let docs = vec![
        article(
            "中哈联合声明",
            "20110614",
            &["双方商定，到2015年将双边贸易额提高到400亿美元。"],
        ),
        article(
            "中哈联合公报",
            "20130614",
            &["双方商定，到2015年将相互投资额提高到400亿美元。"],
        ),
    ];
    let units = link_units(&docs);
    let (linker, vocab, profiles) = profiled(&units);
    let scored = linker.score(&units[0], &profiles[0], &units[1], &profiles[1], &vocab);
    if let Some((_, evidence)) = scored {
        assert_eq!(evidence.target, None, "{evidence:?}");
    }
}

#[test]
fn a_step_towards_a_commitment_advances_it_and_a_report_of_it_done_fulfils_it() {
    let origin = "双方商定尽快建立中哈边境口岸联合委员会。";
    assert_eq!(
        relation_between(
            origin,
            "双方将加快商签关于建立中哈边境口岸联合委员会的协定。"
        ),
        Some(Relation::Advances)
    );
    assert_eq!(
        relation_between(origin, "中哈边境口岸联合委员会已于2012年正式成立。"),
        Some(Relation::Fulfils)
    );
}

#[test]
fn threads_continue_the_old_thread_holding_most_of_their_units() {
    let old: FxHashMap<i64, i64> = [(1, 10), (2, 10), (3, 11), (4, 11), (5, 11)]
        .into_iter()
        .collect();
    // Plan 0 holds two units of thread 10 and one of 11; plan 1 holds two of 11; plan 2 is new.
    let members = vec![vec![1, 2, 3], vec![4, 5], vec![6]];
    assert_eq!(
        continued_threads(&members, &old),
        vec![Some(10), Some(11), None]
    );
    // Each old thread is continued once: the larger overlap wins it.
    let members = vec![vec![3], vec![4, 5]];
    assert_eq!(continued_threads(&members, &old), vec![None, Some(11)]);
}

/// Units 0..n of documents `docs[i]`, all on one date, in index order.
fn bare_units(docs: &[i64]) -> Vec<LinkUnit> {
    docs.iter()
        .enumerate()
        .map(|(i, &d)| LinkUnit {
            id: i as i64,
            document: d,
            document_key: format!("{d:04}"),
            date: None,
            span_start: i as i32,
            span_end: i as i32 + 1,
            kind: crate::extract::Kind::Commitment,
            modality: crate::extract::Modality::Strong,
            actors: vec![],
            document_parties: vec![],
            topic: "trade".into(),
            text: String::new(),
            analysis_text: String::new(),
            attributes: Default::default(),
        })
        .collect()
}

/// Merge thresholds, with no limit on links per unit.
fn linkage(threshold: f32, repeat_threshold: f32) -> cluster::Linkage {
    cluster::Linkage {
        threshold,
        repeat_threshold,
        links_per_unit: usize::MAX,
    }
}

fn link(a: usize, b: usize, score: f64) -> Link {
    Link {
        a,
        b,
        score,
        evidence: Evidence::default(),
    }
}

#[test]
fn one_generic_unit_does_not_chain_two_threads_together() {
    // Two strong pairs across documents 0 and 1, and a unit of document 2 weakly linked to
    // one member of each pair.
    let units = bare_units(&[0, 1, 0, 1, 2]);
    let links = vec![
        link(0, 1, 0.9),
        link(2, 3, 0.9),
        link(1, 4, 0.2),
        link(3, 4, 0.2),
    ];
    let clusters = cluster::in_document_order(
        &units,
        cluster::scores(&links),
        linkage(0.15, 0.15),
        &Default::default(),
    );
    assert!(clusters.contains(&vec![0, 1]), "{clusters:?}");
    assert!(clusters.contains(&vec![2, 3]), "{clusters:?}");
    assert!(
        !clusters.iter().any(|c| c.contains(&0) && c.contains(&2)),
        "{clusters:?}"
    );
}

#[test]
fn a_unit_close_to_every_member_joins_the_thread() {
    let units = bare_units(&[0, 1, 2]);
    let links = vec![link(0, 1, 0.8), link(0, 2, 0.5), link(1, 2, 0.4)];
    assert_eq!(
        cluster::in_document_order(
            &units,
            cluster::scores(&links),
            linkage(0.15, 0.15),
            &Default::default()
        ),
        vec![vec![0, 1, 2]]
    );
}

/// A seed for [`cluster::merge`]: one earlier unit of document `d` (ranked by `d`).
fn lone_seed(d: i64) -> cluster::Seed<usize> {
    cluster::Seed {
        size: 1,
        documents: std::iter::once((d, 1)).collect(),
        rank: d as usize,
        fresh: 0,
    }
}

/// [`cluster::merge`] of one seed per document `0..n`, linked by `links` (seed, seed, score).
fn merge_lone_seeds(
    n: i64,
    links: &[(usize, usize, f64)],
    constraints: &cluster::Constraints,
) -> Vec<Vec<usize>> {
    let sums: Vec<(usize, usize, i64)> = links
        .iter()
        .map(|&(a, b, s)| (a, b, cluster::ticks(s)))
        .collect();
    cluster::merge(
        (0..n).map(lone_seed).collect(),
        &sums,
        linkage(0.15, 0.15),
        constraints,
    )
}

fn apart(pairs: &[(usize, usize)]) -> cluster::Constraints {
    cluster::Constraints {
        apart: pairs.to_vec(),
        ..Default::default()
    }
}

fn together(pairs: &[(usize, usize)]) -> cluster::Constraints {
    cluster::Constraints {
        together: pairs.to_vec(),
        ..Default::default()
    }
}

#[test]
fn a_cannot_link_keeps_two_strongly_linked_seeds_apart() {
    let links = [(0, 1, 0.9)];
    assert_eq!(
        merge_lone_seeds(2, &links, &Default::default()),
        vec![vec![0, 1]]
    );
    assert_eq!(
        merge_lone_seeds(2, &links, &apart(&[(1, 0)])),
        vec![vec![0], vec![1]]
    );
}

#[test]
fn a_cannot_link_holds_through_a_chain_whichever_end_merges_first() {
    // 0 – 1 – 2, strongly linked; 0 and 2 may not end together.
    let first = [(0, 1, 0.9), (1, 2, 0.9)];
    assert_eq!(
        merge_lone_seeds(3, &first, &Default::default()),
        vec![vec![0, 1, 2]]
    );
    // 0 and 1 merge first: {0, 1} stays apart from 2.
    assert_eq!(
        merge_lone_seeds(3, &first, &apart(&[(0, 2)])),
        vec![vec![0, 1], vec![2]]
    );
    // 1 and 2 merge first: {1, 2} inherits 2's cannot-link and stays apart from 0.
    let second = [(0, 1, 0.9), (1, 2, 0.95), (0, 2, 0.9)];
    assert_eq!(
        merge_lone_seeds(3, &second, &Default::default()),
        vec![vec![0, 1, 2]]
    );
    assert_eq!(
        merge_lone_seeds(3, &second, &apart(&[(2, 0)])),
        vec![vec![0], vec![1, 2]]
    );
}

#[test]
fn a_must_link_joins_seeds_without_a_link() {
    assert_eq!(
        merge_lone_seeds(3, &[], &Default::default()),
        vec![vec![0], vec![1], vec![2]]
    );
    assert_eq!(
        merge_lone_seeds(3, &[], &together(&[(2, 0)])),
        vec![vec![0, 2], vec![1]]
    );
    // A joined cluster goes on merging by average linkage: 1 links to 2 alone, at an average
    // of 0.9 / 2 over the pairs with {0, 2}.
    assert_eq!(
        merge_lone_seeds(3, &[(1, 2, 0.9)], &together(&[(0, 2)])),
        vec![vec![0, 1, 2]]
    );
}

#[test]
fn a_cannot_link_wins_over_a_must_link() {
    let both = cluster::Constraints {
        together: vec![(0, 1)],
        apart: vec![(0, 1)],
    };
    assert_eq!(
        merge_lone_seeds(2, &[(0, 1, 0.9)], &both),
        vec![vec![0], vec![1]]
    );
    // Through a chain: the second must-link would put 0 and 2 together.
    let chain = cluster::Constraints {
        together: vec![(0, 1), (1, 2)],
        apart: vec![(0, 2)],
    };
    assert_eq!(merge_lone_seeds(3, &[], &chain), vec![vec![0, 1], vec![2]]);
}

#[test]
fn a_must_link_pulls_a_unit_into_an_earlier_documents_thread() {
    let units = bare_units(&[0, 1, 2]);
    let links = vec![link(0, 1, 0.9)];
    let threads = |constraints: &cluster::Constraints| {
        cluster::in_document_order(
            &units,
            cluster::scores(&links),
            linkage(0.15, 0.15),
            constraints,
        )
    };
    assert_eq!(threads(&Default::default()), vec![vec![0, 1], vec![2]]);
    // Unit 2 has no link at all; either order of the pair.
    assert_eq!(threads(&together(&[(2, 0)])), vec![vec![0, 1, 2]]);
    assert_eq!(threads(&together(&[(1, 2)])), vec![vec![0, 1, 2]]);
    // Two units of two documents, no links.
    let two = bare_units(&[0, 1]);
    assert_eq!(
        cluster::in_document_order(&two, [], linkage(0.15, 0.15), &together(&[(0, 1)])),
        vec![vec![0, 1]]
    );
}

#[test]
fn a_cannot_link_keeps_strongly_linked_units_in_two_threads() {
    let units = bare_units(&[0, 1, 2]);
    let links = vec![link(0, 1, 0.9), link(1, 2, 0.9), link(0, 2, 0.9)];
    let threads = |constraints: &cluster::Constraints| {
        cluster::in_document_order(
            &units,
            cluster::scores(&links),
            linkage(0.15, 0.15),
            constraints,
        )
    };
    assert_eq!(threads(&Default::default()), vec![vec![0, 1, 2]]);
    assert_eq!(threads(&apart(&[(0, 1)])), vec![vec![0, 2], vec![1]]);
    // A must-link on the same pair loses.
    let both = cluster::Constraints {
        together: vec![(0, 1)],
        apart: vec![(0, 1)],
    };
    assert_eq!(threads(&both), vec![vec![0, 2], vec![1]]);
}

#[test]
fn a_cannot_link_stops_a_later_document_merging_two_threads() {
    // Threads {0, 1} and {2, 3} of documents 0 and 1; unit 4 (document 2) links strongly to
    // one unit of each, enough to merge the two threads through it.
    let units = bare_units(&[0, 1, 0, 1, 2]);
    let links = vec![
        link(0, 1, 0.9),
        link(2, 3, 0.9),
        link(1, 4, 0.9),
        link(3, 4, 0.9),
    ];
    let threads = |constraints: &cluster::Constraints| {
        cluster::in_document_order(
            &units,
            cluster::scores(&links),
            linkage(0.15, 0.15),
            constraints,
        )
    };
    assert_eq!(threads(&Default::default()), vec![vec![0, 1, 2, 3, 4]]);
    // Units 0 and 2 (neither linked to unit 4) may not end together.
    assert_eq!(threads(&apart(&[(2, 0)])), vec![vec![0, 1, 4], vec![2, 3]]);
    // Nor may a must-link of unit 4 to both threads join them.
    let both = cluster::Constraints {
        together: vec![(4, 3), (0, 4)],
        apart: vec![(0, 2)],
    };
    let kept = threads(&both);
    assert!(
        !kept.iter().any(|c| c.contains(&0) && c.contains(&2)),
        "{kept:?}"
    );
}

#[test]
#[ignore = "a debugging aid: prints each seed link with its gold verdict"]
fn print_seed_link_verdicts() {
    let docs = parsed();
    let units = link_units(&docs);
    let (linker, vocab, profiles) = profiled(&units);
    let links = linker.links(&units, &profiles, &vocab);
    let by_pair: FxHashMap<(usize, usize), &Link> = links.iter().map(|l| ((l.a, l.b), l)).collect();
    for l in &links {
        let plans = vec![relation::plan(
            &linker,
            &units,
            &profiles,
            &[l.a, l.b],
            &by_pair,
        )];
        let r =
            eval::score(&gold(), &bodies(&docs), &export(&docs, &units, &plans)).expect("scores");
        let verdict = if r.wrong.is_empty() {
            if r.core_found > 0 { "CORE" } else { "rel " }
        } else {
            "WRONG"
        };
        let ta: String = units[l.a].analysis_text.chars().take(22).collect();
        let tb: String = units[l.b].analysis_text.chars().take(22).collect();
        eprintln!(
            "{verdict} {:.2} {:?}/{:?} {ta} | {tb} {:?} {:?} sim={:.2} topic={}",
            l.score,
            units[l.a].kind,
            units[l.b].kind,
            l.evidence.keys,
            l.evidence.words,
            l.evidence.similarity,
            l.evidence.same_topic
        );
    }
}

/// The link between the first unit of an earlier and of a later one-paragraph article.
fn link_between(earlier: &str, later: &str) -> Option<Link> {
    let docs = vec![
        article("中哈联合声明", "20110614", &[earlier]),
        article("中哈联合公报", "20150614", &[later]),
    ];
    let units = link_units(&docs);
    let (linker, vocab, profiles) = profiled(&units);
    let first = |d: i64| units.iter().position(|u| u.document == d).expect("a unit");
    linker.link(&units, &profiles, &vocab, first(0), first(1))
}

#[test]
fn commitments_of_one_field_worded_differently_link_through_the_field() {
    let link = link_between(
        "双方将进一步加强投资合作。",
        "双方将进一步促进相互投资，优化投资环境。",
    )
    .expect("investment commitments link");
    assert_eq!(link.evidence.fields, vec!["investment"]);
    // Another field, with the same wording around it, does not.
    assert!(link_between("双方将进一步加强投资合作。", "双方将进一步加强旅游合作。").is_none());
}

#[test]
fn a_compound_weighs_at_least_as_much_as_its_heaviest_part() {
    let docs = vec![article(
        "中哈联合声明",
        "20110614",
        &["双方决定发展全面战略伙伴关系。"],
    )];
    let units = link_units(&docs);
    let (linker, vocab, profiles) = profiled(&units);
    let weight = |w: &str| {
        profiles[0]
            .features
            .iter()
            .find(|(f, _)| vocab.name(*f) == format!("w:{w}"))
            .map(|&(_, weight)| weight)
    };
    // The lexicon adds 全面战略伙伴关系 to jieba as a common word (so that jieba keeps it
    // whole); it still weighs as much as 战略伙伴, the rarest word inside it.
    let whole = weight("全面战略伙伴关系").expect("the compound is a feature");
    let part = weight("战略伙伴").expect("its part is a feature");
    let s = &linker.rules().similarity;
    assert!(whole > s.weight_floor, "{whole}");
    assert!(whole + 1e-4 >= part / s.sub_word_share, "{whole} vs {part}");
}

#[test]
fn a_unit_referring_back_carries_the_organisation_named_before_it() {
    let docs = vec![
        article(
            "中哈联合声明",
            "20110614",
            &["双方将加强在上海合作组织框架内的合作。双方将认真落实各成员国领导人达成的共识。"],
        ),
        article(
            "中哈联合公报",
            "20150614",
            &["双方将深化上海合作组织框架内的务实合作。"],
        ),
    ];
    let units = link_units(&docs);
    let (linker, vocab, _) = profiled(&units);
    let profiles = linker.analyse_all(&units);
    let member_states = units
        .iter()
        .position(|u| u.text.contains("成员国"))
        .expect("the referring unit");
    let carried = profiles[member_states]
        .features
        .iter()
        .find(|(f, _)| f == "k:org:sco")
        .expect("carries the SCO");
    assert!(carried.1 < linker.rules().similarity.key_weight);
    let _ = vocab;
}

#[test]
fn a_second_unit_of_one_document_needs_a_closer_link_to_join() {
    let units = bare_units(&[0, 1, 0]);
    let links = vec![link(0, 1, 0.8), link(1, 2, 0.18)];
    // Unit 2 would join {0, 1} at an average of 0.18 over its one cross-document pair:
    // enough for a first unit of a document, not for a second one.
    assert_eq!(
        cluster::in_document_order(
            &units,
            cluster::scores(&links),
            linkage(0.15, 0.15),
            &Default::default()
        ),
        vec![vec![0, 1, 2]]
    );
    assert_eq!(
        cluster::in_document_order(
            &units,
            cluster::scores(&links),
            linkage(0.15, 0.2),
            &Default::default()
        ),
        vec![vec![0, 1], vec![2]]
    );
}

#[test]
fn a_later_document_extends_or_merges_earlier_threads_but_never_splits_them() {
    let mut docs = parsed();
    let later: String = SEEDS[0]
        .1
        .replace("2011", "2013")
        .replace("二○一一", "二○一三");
    docs.extend(
        ingest::parse_bytes("2013.txt", later.as_bytes(), usize::MAX)
            .expect("parses")
            .documents,
    );
    let units = link_units(&docs);
    let (linker, vocab, profiles) = profiled(&units);
    let links = linker.links(&units, &profiles, &vocab);
    let all = cluster::in_document_order(
        &units,
        cluster::scores(&links),
        linker.linkage(),
        &Default::default(),
    );
    // The threads of the first two documents alone: their units and the links among them.
    let early: Vec<usize> = (0..units.len())
        .filter(|&i| units[i].document < 2)
        .collect();
    let early_links: Vec<Link> = links
        .iter()
        .filter(|l| units[l.a].document < 2 && units[l.b].document < 2)
        .cloned()
        .collect();
    let before = cluster::in_document_order(
        &units,
        cluster::scores(&early_links),
        linker.linkage(),
        &Default::default(),
    );
    let thread_of = |clusters: &[Vec<usize>]| -> FxHashMap<usize, usize> {
        clusters
            .iter()
            .enumerate()
            .flat_map(|(t, m)| m.iter().map(move |&u| (u, t)))
            .collect()
    };
    let (now, then) = (thread_of(&all), thread_of(&before));
    for &x in &early {
        for &y in &early {
            // Together before: together still.
            if then[&x] == then[&y] {
                assert_eq!(now[&x], now[&y], "{} / {}", units[x].text, units[y].text);
            }
        }
    }
    assert!(
        all.iter()
            .any(|m| m.iter().any(|&u| units[u].document == 2) && m.len() > 2),
        "the restatement joins earlier threads"
    );
}

#[test]
fn a_commitment_restated_in_many_documents_stays_one_thread_with_bounded_links() {
    let cap = linker().rules().similarity.max_links_per_unit;
    let n = 3 * cap;
    let docs: Vec<ParsedDocument> = (0..n)
        .map(|i| {
            article(
                &format!("中哈联合公报{i}"),
                &format!("{}0614", 2000 + i),
                &["双方将共同努力，确保实现在2015年前将双边贸易额提高到400亿美元的目标。"],
            )
        })
        .collect();
    let units = link_units(&docs);
    let (plans, links) = plan(&units);
    // Each unit links to at most `cap` earlier ones: the last one has `n - 1` candidates.
    let last = units.len() - 1;
    let to_last = links.iter().filter(|l| l.b == last).count();
    assert_eq!(to_last, cap, "links of the last statement");
    assert!(links.len() < n * (n - 1) / 2, "{} links", links.len());
    let big: Vec<_> = plans.iter().filter(|p| p.mentions.len() > 1).collect();
    assert_eq!(big.len(), 1, "one thread");
    assert_eq!(big[0].mentions.len(), n);
}

#[test]
fn a_field_or_name_listed_among_many_counts_for_less() {
    let docs = vec![article(
        "中哈联合声明",
        "20110614",
        &[
            "双方将继续深化文化、教育、旅游、卫生和体育领域的交流与合作。",
            "双方将推动两国旅游合作有序开展。",
            "双方将继续加强在联合国、上海合作组织、亚信等多边框架内的协调与合作。",
            "双方认为，联合国应发挥重要作用。",
        ],
    )];
    let units = link_units(&docs);
    let linker = linker();
    let s = &linker.rules().similarity;
    let weight = |i: usize, feature: &str| {
        linker
            .analyse(&units[i])
            .features
            .iter()
            .find(|(f, _)| f == feature)
            .map(|(_, w)| *w)
    };
    // Five items: each field counts at 2/5 of a field named alone.
    let listed = weight(0, "f:tourism").expect("listed field");
    let alone = weight(1, "f:tourism").expect("field alone");
    assert_eq!(alone, s.field_weight);
    assert!(
        (listed - s.field_weight * 2.0 / 5.0).abs() < 1e-6,
        "{listed}"
    );
    // Three names and 等 (a class they stand for): four items and more.
    let un_listed = weight(2, "k:org:un").expect("listed name");
    assert!(un_listed < s.key_weight / 2.0, "{un_listed}");
    assert_eq!(weight(3, "k:org:un"), Some(s.key_weight));
}

#[test]
fn enumeration_items_are_counted_between_commas() {
    let items = |words: &[&str]| super::enumeration_items(words.iter().copied());
    assert_eq!(
        items(&["文化", "、", "教育", "和", "体育", "，", "合作"]),
        vec![3, 3, 3, 3, 3, 1, 1]
    );
    assert_eq!(items(&["联合国", "等", "国际组织"]), vec![2, 2, 2]);
    assert_eq!(items(&["加强", "合作"]), vec![1, 1]);
}

#[test]
fn a_long_thread_is_joined_through_a_units_kept_links() {
    // 60 documents restating one commitment; each statement keeps its 12 best links to
    // earlier ones (the most recent), each scoring 0.3.
    let n: usize = 60;
    let units = bare_units(&(0..n as i64).collect::<Vec<_>>());
    let links: Vec<Link> = (1..n)
        .flat_map(|b| (b.saturating_sub(12)..b).map(move |a| link(a, b, 0.3)))
        .collect();
    let capped = cluster::Linkage {
        links_per_unit: 12,
        ..linkage(0.15, 0.2)
    };
    assert_eq!(
        cluster::in_document_order(&units, cluster::scores(&links), capped, &Default::default()),
        vec![(0..n).collect::<Vec<_>>()]
    );
    // Averaged over every pair, the thread stops growing once 12 × 0.3 is less than 0.15 of
    // its size (at 24 statements).
    let every_pair = cluster::in_document_order(
        &units,
        cluster::scores(&links),
        linkage(0.15, 0.2),
        &Default::default(),
    );
    assert!(every_pair.len() > 1, "{every_pair:?}");
}

#[test]
fn two_statements_that_pledge_nothing_need_strong_evidence_when_one_looks_back() {
    // A view of the relationship and another document's look back over 20 years share a
    // heavy word, but neither commits to anything.
    let earlier = "双方强调，政治互信是中哈关系的基础。";
    let later = "双方满意地指出，中哈建交20年来，两国政治互信和务实合作不断深化。";
    assert!(link_between(earlier, later).is_none());
    // The same words as commitments link.
    let link = link_between(
        "双方将不断增进政治互信。",
        "双方将继续深化两国政治互信和务实合作。",
    );
    assert!(link.is_some());
}

#[test]
fn a_commitment_within_an_organisations_framework_is_not_the_bilateral_one() {
    let bilateral = "双方将扩大和深化人文合作。";
    let framed = "双方将扩大和深化上海合作组织框架内的人文合作。";
    let score = |a: &str, b: &str| link_between(a, b).map_or(0.0, |l| l.score);
    let factor = f64::from(linker().rules().similarity.other_frame_factor);
    let (both, one) = (score(bilateral, bilateral), score(framed, bilateral));
    assert!(one < both * factor + 1e-3, "{one} vs {both}");
    // Framed within the same organisation, it is the same commitment.
    assert!(score(framed, framed) > one);
}

#[test]
fn a_units_candidates_are_those_sharing_its_heaviest_channels_latest_first() {
    let l = linker();
    let (heavy, light): (&[i64], &[i64]) = (&[1, 2], &[2, 3, 4]);
    // 2 shares both channels (7), 1 the heavy one (6), 3 and 4 the light one: later first.
    assert_eq!(
        l.best_candidates([(6.0, heavy), (1.0, light)], |j| j),
        vec![2, 1, 4, 3]
    );
    let many: Vec<i64> = (0..1000).collect();
    let chosen = l.best_candidates([(1.0, many.as_slice())], |j| j);
    let cap = l.rules().similarity.max_candidates_per_unit;
    assert!(cap < many.len());
    assert_eq!(chosen, (1000 - cap as i64..1000).rev().collect::<Vec<_>>());
}
