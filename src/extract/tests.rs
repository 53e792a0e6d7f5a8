//! Extraction over whole documents: the seeds against hand-made tables, and small texts for
//! each number, date, alias and text-quality case.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::*;
use crate::ingest::{self, ParsedDocument};

fn extractor() -> &'static Extractor {
    Extractor::embedded()
}

fn extract_doc(doc: &ParsedDocument) -> Extraction {
    extractor().extract(&DocumentInput::new(&doc.meta, &doc.body, &doc.blocks))
}

/// A text document with the given body.
fn text_doc(title: &str, body: &str) -> ParsedDocument {
    let text = format!("---\ntitle: {title}\ndate: 2012-04-03\n---\n{body}\n");
    ingest::parse_bytes("t.md", text.as_bytes(), 1 << 20)
        .expect("test text parses")
        .documents
        .remove(0)
}

fn extract_text(body: &str) -> Extraction {
    extract_doc(&text_doc("中华人民共和国和哈萨克斯坦共和国联合公报", body))
}

/// The seed with this gold key: A is the 2011 joint statement, B the 2012 communiqué.
fn seed(key: &str) -> ParsedDocument {
    let file = match key {
        "A" => "001_e246b652d2346690.txt",
        "B" => "000_6fb1bf50eb2ac061.txt",
        _ => panic!("unknown seed {key}"),
    };
    let (name, bytes) = crate::demo::SAMPLES
        .iter()
        .find(|(name, _)| name.ends_with(file))
        .expect("seed is a demo sample");
    ingest::parse_bytes(name, bytes, 1 << 24)
        .expect("seed parses")
        .documents
        .remove(0)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Units whose text overlaps the quote (located in the body with white space ignored).
fn units_at<'a>(doc: &ParsedDocument, ex: &'a Extraction, quote: &str) -> Vec<&'a Unit> {
    let (start, end) = locate(doc, quote).unwrap_or_else(|| panic!("quote not in body: {quote}"));
    ex.units
        .iter()
        .filter(|u| u.span.start < end && start < u.span.end)
        .collect()
}

/// Body char range of a quote, white space in the body ignored.
fn locate(doc: &ParsedDocument, quote: &str) -> Option<(usize, usize)> {
    let chars: Vec<(usize, char)> = doc
        .body
        .chars()
        .enumerate()
        .filter(|(_, c)| !c.is_whitespace())
        .collect();
    let squashed: String = chars.iter().map(|(_, c)| c).collect();
    let q = squash(quote);
    let byte = squashed.find(&q)?;
    let first = squashed[..byte].chars().count();
    let last = first + q.chars().count() - 1;
    Some((chars[first].0, chars[last].0 + 1))
}

#[derive(Deserialize)]
struct Gold {
    targets: Vec<GoldTarget>,
}

#[derive(Deserialize)]
struct GoldTarget {
    doc: String,
    quote: String,
    metric: Option<String>,
    amount: Option<f64>,
    currency: Option<String>,
    deadline_year: Option<i32>,
    recurrence_years: Option<u32>,
    due_year: Option<i32>,
    due_month: Option<u32>,
}

#[test]
fn every_gold_target_is_extracted_with_its_values() {
    let gold: Gold =
        serde_json::from_str(include_str!("../../tests/fixtures/extract/seed-links.json"))
            .expect("gold parses");
    assert!(!gold.targets.is_empty());
    let docs = [("A", seed("A")), ("B", seed("B"))];
    let extractions: Vec<Extraction> = docs.iter().map(|(_, d)| extract_doc(d)).collect();
    for t in &gold.targets {
        let i = docs
            .iter()
            .position(|(k, _)| *k == t.doc)
            .expect("gold doc");
        let units = units_at(&docs[i].1, &extractions[i], &t.quote);
        assert!(!units.is_empty(), "no unit for {}", t.quote);
        let show = || {
            format!(
                "{}: {:#?}",
                t.quote,
                units.iter().map(|u| &u.attributes).collect::<Vec<_>>()
            )
        };
        if let Some(metric) = &t.metric {
            let found = units.iter().flat_map(|u| &u.attributes.targets).find(|x| {
                x.metric.as_deref() == Some(metric.as_str())
                    && Some(x.amount) == t.amount
                    && x.currency == t.currency
                    && x.deadline.map(|d| d.date.year()) == t.deadline_year
            });
            assert!(found.is_some(), "target not extracted: {}", show());
        }
        if let Some(years) = t.recurrence_years {
            let found = units.iter().any(|u| {
                u.attributes.timing.recurrence
                    == Some(Recurrence {
                        every: years,
                        unit: time::PeriodUnit::Year,
                    })
            });
            assert!(found, "recurrence not extracted: {}", show());
        }
        if let Some(year) = t.due_year {
            let found = units.iter().any(|u| {
                u.attributes.timing.due.is_some_and(|d| {
                    d.date.year() == year && t.due_month.is_none_or(|m| d.date.month() == m)
                })
            });
            assert!(found, "due date not extracted: {}", show());
        }
    }
}

#[test]
fn seed_units_have_the_hand_checked_kinds() {
    let table = include_str!("../../tests/fixtures/extract/seed-kinds.tsv");
    let docs = [("A", seed("A")), ("B", seed("B"))];
    let extractions: Vec<Extraction> = docs.iter().map(|(_, d)| extract_doc(d)).collect();
    let mut wrong = Vec::new();
    let mut rows = 0;
    for line in table.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (doc, quote, kind, also) = (
            cols[0],
            cols[1],
            cols[2],
            cols.get(3).copied().unwrap_or(""),
        );
        let i = docs.iter().position(|(k, _)| *k == doc).expect("doc key");
        let (start, _) =
            locate(&docs[i].1, quote).unwrap_or_else(|| panic!("quote not found: {quote}"));
        let unit = extractions[i]
            .units
            .iter()
            .find(|u| u.span.start <= start && start < u.span.end)
            .unwrap_or_else(|| panic!("no unit holds {quote}"));
        rows += 1;
        let got = unit.kind.as_str();
        if got != kind && (also.is_empty() || got != also) {
            wrong.push(format!(
                "{doc} {quote}: expected {kind}{}, got {got} ({})",
                if also.is_empty() {
                    String::new()
                } else {
                    format!("/{also}")
                },
                unit.analysis_text
            ));
        }
    }
    assert!(rows > 100, "the table has {rows} rows");
    assert!(
        wrong.is_empty(),
        "{} of {rows} rows differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The single unit of a one-sentence text.
fn only_unit(body: &str) -> Unit {
    let mut ex = extract_text(body);
    assert_eq!(ex.units.len(), 1, "{body}: {:#?}", ex.units);
    ex.units.remove(0)
}

fn unit_containing<'a>(ex: &'a Extraction, needle: &str) -> &'a Unit {
    ex.units
        .iter()
        .find(|u| u.analysis_text.contains(needle))
        .unwrap_or_else(|| panic!("no unit contains {needle}"))
}

#[test]
fn kinds_and_modalities_follow_the_cue_words() {
    let cases = [
        (
            "双方决定成立联合工作组。",
            Kind::Commitment,
            Modality::Strong,
        ),
        (
            "双方商定加快推进项目建设。",
            Kind::Commitment,
            Modality::Strong,
        ),
        ("双方将加强人文交流。", Kind::Commitment, Modality::Strong),
        (
            "中方愿同哈方加强农业合作。",
            Kind::Commitment,
            Modality::Moderate,
        ),
        (
            "双方将探讨建立自由贸易区的可能性。",
            Kind::Commitment,
            Modality::Weak,
        ),
        (
            "双方重申恪守联合国宪章宗旨。",
            Kind::Reaffirmation,
            Modality::Strong,
        ),
        (
            "哈方支持中方举办世界博览会。",
            Kind::Support,
            Modality::Moderate,
        ),
        (
            "双方欢迎两国企业扩大投资。",
            Kind::Support,
            Modality::Moderate,
        ),
        (
            "双方满意地指出，两国关系发展顺利。",
            Kind::Assessment,
            Modality::None,
        ),
        (
            "双方高度评价两国合作成果。",
            Kind::Assessment,
            Modality::None,
        ),
        (
            "能源合作对双边关系具有重要意义。",
            Kind::Assessment,
            Modality::None,
        ),
        (
            "访问期间，两国元首举行了会谈。",
            Kind::ReportedFact,
            Modality::None,
        ),
        ("双方声明如下：", Kind::Background, Modality::None),
    ];
    for (text, kind, modality) in cases {
        let u = only_unit(text);
        assert_eq!(
            (u.kind, u.modality),
            (kind, modality),
            "{text}: cues {:?}",
            u.attributes.cues
        );
        assert!(
            !u.attributes.cues.is_empty() || kind == Kind::Background,
            "{text}"
        );
    }
}

#[test]
fn a_frame_with_a_later_cue_stays_an_assessment() {
    let u = only_unit("双方指出，扩大农业合作对确保两国粮食安全意义重大。");
    assert_eq!(u.kind, Kind::Assessment);
}

#[test]
fn sentences_with_several_statements_split_into_clauses() {
    let ex = extract_text(
        "双方将推动双边贸易本币结算，欢迎两国银行建立合作伙伴关系，鼓励双方企业使用本币贷款和投资。中方重申支持哈方加入世界贸易组织，将推动哈萨克斯坦产品进入中国市场，并为吸引投资创造便利条件。",
    );
    let kinds: Vec<(Kind, &str)> = ex
        .units
        .iter()
        .map(|u| (u.kind, u.analysis_text.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (Kind::Commitment, "双方将推动双边贸易本币结算"),
            (Kind::Support, "欢迎两国银行建立合作伙伴关系"),
            (Kind::Support, "鼓励双方企业使用本币贷款和投资。"),
            (Kind::Reaffirmation, "中方重申支持哈方加入世界贸易组织"),
            (Kind::Commitment, "将推动哈萨克斯坦产品进入中国市场"),
            (Kind::Commitment, "并为吸引投资创造便利条件。"),
        ]
    );
    // Clauses keep exact offsets into the body and share their sentence's span.
    let doc = text_doc("t", "x");
    let _ = doc;
    for u in &ex.units {
        assert!(u.sentence.start <= u.span.start && u.span.end <= u.sentence.end);
    }
    // The clauses of the second sentence inherit its subject.
    assert_eq!(ex.units[4].actors, vec!["CN"]);
    assert!(ex.units[4].attributes.actors_inherited);
    assert_eq!(ex.units[5].actors, vec!["CN"]);
}

#[test]
fn two_organisations_joined_by_yiji_are_two_statements() {
    let ex = extract_text(
        "双方将继续共同努力，提高中哈合作委员会及其分委会以及利用和保护跨界河流联合委员会的工作效率。双方将加强在联合国以及上海合作组织框架内的合作。",
    );
    let units: Vec<(Kind, &str, Vec<String>)> = ex
        .units
        .iter()
        .map(|u| {
            (
                u.kind,
                u.analysis_text.as_str(),
                u.attributes
                    .instruments
                    .iter()
                    .map(|i| i.key.clone())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        units[..2],
        [
            (
                Kind::Commitment,
                "双方将继续共同努力，提高中哈合作委员会及其分委会",
                vec!["org:china_kazakhstan_cooperation_committee".to_owned()]
            ),
            (
                Kind::Commitment,
                "以及利用和保护跨界河流联合委员会的工作效率。",
                vec!["org:china_kazakhstan_rivers_commission".to_owned()]
            ),
        ]
    );
    // The part after 以及 continues the first: same actors.
    assert_eq!(ex.units[1].actors, ex.units[0].actors);
    // Two bodies as the frame of one activity are split the same way: each part is followed
    // in its body's thread (the document page shows the whole sentence).
    assert_eq!(units.len(), 4, "{units:?}");
    assert_eq!(units[2].2, vec!["org:un".to_owned()]);
    assert_eq!(units[3].2, vec!["org:sco".to_owned()]);
    // One body named twice, or a name and no second body, is not split.
    let ex = extract_text(
        "双方将加强在上海合作组织以及上合组织框架内的合作。双方将提高中哈合作委员会以及各分委会的工作效率。",
    );
    assert_eq!(ex.units.len(), 2);
}

#[test]
fn actors_are_normalised_and_inherited_from_context() {
    let ex = extract_text(
        "双方将继续开展非资源经济领域合作。为此，将认真落实两国政府签订的合作规划。中华人民共和国支持哈萨克斯坦共和国维护地区和平的努力。哈方愿扩大对华出口。中哈总理定期会晤每两年举行一次。",
    );
    assert_eq!(ex.parties, vec!["CN", "KZ"]);
    let expect = [
        ("双方将继续", vec!["both"], false),
        ("为此，将认真落实", vec!["both"], true),
        ("中华人民共和国支持", vec!["CN"], false),
        ("哈方愿扩大", vec!["KZ"], false),
        ("中哈总理定期会晤", vec!["both"], false),
    ];
    for (needle, actors, inherited) in expect {
        let u = unit_containing(&ex, needle);
        assert_eq!(u.actors, actors, "{needle}");
        assert_eq!(u.attributes.actors_inherited, inherited, "{needle}");
    }
    let heads = only_unit("两国元首提出到2015年将双边贸易额提高到400亿美元的目标。");
    assert_eq!(heads.actors, vec!["both"]);
    assert!(
        heads
            .attributes
            .sub_actors
            .contains(&"head_of_state".to_owned()),
        "{:?}",
        heads.attributes.sub_actors
    );
    let banks = only_unit("双方欢迎两国银行和企业开展合作。");
    for role in ["finance", "enterprises"] {
        assert!(
            banks.attributes.sub_actors.iter().any(|r| r.contains(role)),
            "{role}: {:?}",
            banks.attributes.sub_actors
        );
    }
}

#[test]
fn money_targets_in_every_written_form() {
    let cases = [
        ("双方商定到2015年将双边贸易额提高到400亿美元。", 4e10, "USD"),
        (
            "双方商定到2015年将双边贸易额提高到四百亿美元。",
            4e10,
            "USD",
        ),
        (
            "双方商定到2020年将双边贸易额提高到1000亿美元。",
            1e11,
            "USD",
        ),
        ("双方同意将相互投资额提高到1.5万亿元人民币。", 1.5e12, "CNY"),
        ("双方同意将贸易额提高到3000万美元。", 3e7, "USD"),
    ];
    for (text, amount, currency) in cases {
        let u = only_unit(text);
        let t = u
            .attributes
            .targets
            .first()
            .unwrap_or_else(|| panic!("no target in {text}"));
        assert_eq!(t.amount, amount, "{text}");
        assert_eq!(t.currency.as_deref(), Some(currency), "{text}");
        assert!(
            t.metric.as_deref().is_some_and(|m| m.contains("额")),
            "{text}: {:?}",
            t.metric
        );
    }
    let range = only_unit("双方力争使双边贸易额达到100亿至150亿美元。");
    let t = &range.attributes.targets[0];
    assert_eq!((t.amount, t.high), (1e10, Some(1.5e10)));
    let pct = only_unit("双方同意将本币结算比例提高到百分之三十。");
    assert_eq!(pct.attributes.targets[0].amount, 30.0);
    assert_eq!(pct.attributes.targets[0].unit, "%");
}

#[test]
fn deadlines_due_dates_recurrence_and_urgency() {
    let year = |d: Option<crate::ingest::PartialDate>| d.map(|d| d.date.year());
    for text in [
        "双方将于2015年前建成管道。",
        "双方将在2015年以前建成管道。",
        "双方商定到2015年建成管道。",
        "双方力争2015年建成管道。",
    ] {
        assert_eq!(
            year(only_unit(text).attributes.timing.deadline),
            Some(2015),
            "{text}"
        );
    }
    // The reference date of text_doc is 2012-04-03.
    let due = only_unit("中哈总理第二次定期会晤将于2014年在哈萨克斯坦举行。");
    assert_eq!(year(due.attributes.timing.due), Some(2014));
    assert_eq!(due.kind, Kind::Commitment);
    let month = only_unit("哈方愿配合中方办好2012年6月在北京举行的峰会。");
    let d = month.attributes.timing.due.expect("due month");
    assert_eq!((d.date.year(), d.date.month()), (2012, 6));
    let every = only_unit("中哈总理定期会晤每两年举行一次。");
    assert_eq!(
        every.attributes.timing.recurrence,
        Some(Recurrence {
            every: 2,
            unit: time::PeriodUnit::Year
        })
    );
    assert_eq!(every.kind, Kind::Commitment);
    let soon = only_unit("双方商定尽快建立和启动中哈总理定期会晤机制。");
    assert_eq!(soon.attributes.timing.urgency.as_deref(), Some("尽快"));
    let past = only_unit("两国于2011年6月13日签署了环境保护合作协定。");
    assert_eq!(past.kind, Kind::ReportedFact);
    assert_eq!(
        past.attributes.timing.past[0].date,
        NaiveDate::from_ymd_opt(2011, 6, 13).unwrap()
    );
}

#[test]
fn instruments_get_alias_and_order_insensitive_keys() {
    let a = only_unit(
        "双方将认真落实《中华人民共和国政府和哈萨克斯坦共和国政府关于加强两国非资源经济领域合作规划》。",
    );
    let b = only_unit("双方将落实《中哈关于加强两国非资源经济领域合作规划》。");
    assert_eq!(
        a.attributes.instruments[0].key,
        b.attributes.instruments[0].key
    );
    assert_eq!(
        a.attributes.instruments[0].key,
        "doc:加强两国非资源经济领域合作规划"
    );
    let c = only_unit("中方支持“欧洲西部-中国西部”国际运输走廊项目。");
    let d = only_unit("双方全力支持建设“中国西部-欧洲西部”公路。");
    assert_eq!(
        c.attributes.instruments[0].key,
        d.attributes.instruments[0].key
    );
    let orgs = |text: &str| -> Vec<String> {
        only_unit(text)
            .attributes
            .instruments
            .into_iter()
            .filter(|i| i.kind == "organisation")
            .map(|i| i.key)
            .collect()
    };
    let cica = orgs("双方将加强在亚信框架内的合作。");
    assert_eq!(cica.len(), 1);
    assert_eq!(orgs("双方将加强在亚信论坛框架内的合作。"), cica);
    assert_eq!(
        orgs("双方将加强在亚洲相互协作与信任措施会议框架内的合作。"),
        cica
    );
    assert_eq!(
        orgs("双方将加强在上合组织框架内的合作。"),
        orgs("双方将加强在上海合作组织框架内的合作。")
    );
    // Quoted party words are not names.
    assert!(
        only_unit("两国（以下简称“双方”）将加强合作。")
            .attributes
            .instruments
            .is_empty()
    );
}

#[test]
fn topics_come_from_the_taxonomy() {
    let cases = [
        ("双方将扩大双边贸易额。", "trade"),
        ("双方将确保天然气管道安全稳定运营。", "energy"),
        ("双方将共同打击“三股势力”。", "security"),
        ("双方将加强在上海合作组织框架内的协调。", "multilateral"),
        ("双方将推动教育和旅游领域的交流。", "people_to_people"),
    ];
    for (text, topic) in cases {
        assert_eq!(only_unit(text).topic, topic, "{text}");
    }
}

#[test]
fn traditional_text_is_analysed_as_simplified_and_kept_as_written() {
    let body = "雙方將繼續加強在聯合國、上海合作組織框架內的協調與合作。雙方商定到2015年將雙邊貿易額提高到400億美元。";
    let ex = extract_text(body);
    assert!(ex.traditional);
    assert_eq!(ex.units.len(), 2);
    assert_eq!(
        ex.units[0].text,
        "雙方將繼續加強在聯合國、上海合作組織框架內的協調與合作。"
    );
    assert_eq!(ex.units[0].kind, Kind::Commitment);
    assert_eq!(ex.units[0].topic, "multilateral");
    let t = &ex.units[1].attributes.targets[0];
    assert_eq!((t.metric.as_deref(), t.amount), (Some("双边贸易额"), 4e10));
}

#[test]
fn ascii_punctuation_clutter_and_truncation_do_not_break_units() {
    let body = "首页 > 新闻 > 国际\n\n2012-04-03 10:23:45  来源：新华网\n\n双方决定发展全面战略伙伴关系;双方将继续扩大投资(包括能源领域),并加强协调.\n\n责任编辑：张三\n\n双方将继续加强在联合国框架内的";
    let ex = extract_text(body);
    let texts: Vec<&str> = ex.units.iter().map(|u| u.analysis_text.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "双方决定发展全面战略伙伴关系；",
            "双方将继续扩大投资（包括能源领域）",
            "并加强协调。",
            "双方将继续加强在联合国框架内的",
        ]
    );
    assert!(
        ex.units.iter().all(|u| u.kind == Kind::Commitment),
        "{:#?}",
        ex.units
    );
    let last = ex.units.last().unwrap();
    assert!(last.attributes.truncated);
    assert!(last.confidence < 0.9);
    for u in &ex.units {
        let body: Vec<char> = body.chars().collect();
        let verbatim: String = body[u.span.start..u.span.end].iter().collect();
        assert_eq!(verbatim, u.text);
    }
}

#[test]
fn text_without_commitments_gives_no_pledges() {
    let ex = extract_text("今天北京天气晴朗。市民在公园里散步，孩子们放风筝。");
    assert!(!ex.units.is_empty());
    assert!(
        ex.units.iter().all(|u| !u.kind.is_pledge()),
        "{:#?}",
        ex.units
    );
    let empty = extractor().extract(&DocumentInput {
        title: "",
        body: "",
        blocks: &[],
        date: None,
    });
    assert!(empty.units.is_empty() && empty.parties.is_empty());
}

#[test]
fn extraction_is_deterministic_and_searchable() {
    let doc = seed("B");
    let a = extract_doc(&doc);
    let b = extract_doc(&doc);
    assert_eq!(a, b);
    let trade = unit_containing(&a, "400亿美元");
    for term in ["双边", "贸易额", "贸易", "400"] {
        assert!(
            trade.terms.split(' ').any(|t| t == term),
            "{term}: {:?}",
            trade.terms
        );
    }
    assert!(
        trade.keywords.iter().any(|k| k == "双边贸易额"),
        "{:?}",
        trade.keywords
    );
    assert!(!trade.keywords.iter().any(|k| k == "双方" || k == "合作"));
}

#[test]
fn keywords_put_rare_words_before_common_ones() {
    let ex = extract_text("双方同意扩大光伏组件贸易。");
    let keywords = &ex.units[0].keywords;
    let at = |w: &str| keywords.iter().position(|k| k == w);
    // 光伏 is rare in jieba's reference corpus, 贸易 an everyday word.
    let rare = at("光伏").expect("the rare word is a keyword");
    let common = at("贸易").expect("the common word is a keyword too");
    assert!(rare < common, "{keywords:?}");
}

#[test]
fn long_sentences_and_tokens_cost_about_linear_time() {
    // One sentence of many commas each opening a cue (the clause splitter's worst case), and
    // one token of many digits (sub-word enumeration's). Timing ratios within one run, not
    // absolute times: four times the text must cost well under sixteen times as much.
    // The best of three runs, to keep a busy machine's hiccups out.
    let time = |body: &str| {
        (0..3)
            .map(|_| {
                let started = std::time::Instant::now();
                let ex = extract_text(body);
                assert!(!ex.units.is_empty());
                started.elapsed().as_secs_f64()
            })
            .fold(f64::MAX, f64::min)
    };
    for piece in ["情况良好，应", "双方将加强合作，"] {
        let small = time(&piece.repeat(250));
        let large = time(&piece.repeat(1000));
        assert!(large < small * 16.0, "{piece}: {small:.4}s → {large:.4}s");
    }
    let digits = time(&format!("双方商定{}。", "1".repeat(20_000)));
    let words = time(&"双方将加强合作。".repeat(2_500));
    assert!(
        digits < words * 4.0,
        "a long digit run: {digits:.4}s vs {words:.4}s"
    );
}

#[test]
fn a_query_is_cut_into_the_words_units_are_searched_by() {
    let words = |q: &str| -> Vec<String> {
        extractor()
            .query_terms(q)
            .into_iter()
            .map(|t| t.word)
            .collect()
    };
    // Two-character words, several words, traditional characters, no punctuation or repeats.
    assert_eq!(words("双边"), ["双边"]);
    assert_eq!(words("双边 贸易额，双边"), ["双边", "贸易额"]);
    assert_eq!(words("雙邊貿易額"), words("双边贸易额"));
    assert!(words("，。！").is_empty());
    // A lone character beside other words is left out; alone, it is kept.
    assert_eq!(words("贸易额 400亿"), ["贸易额", "400"]);
    assert_eq!(words("亿"), ["亿"]);
    // A long word carries the dictionary words that cover it.
    let long = extractor().query_terms("双边贸易额");
    if let [one] = long.as_slice()
        && !one.parts.is_empty()
    {
        assert_eq!(one.parts.concat(), one.word, "{one:?}");
    }
}

#[test]
fn a_cover_is_the_fewest_words_that_make_up_the_word() {
    assert_eq!(
        cover(
            "双边贸易额",
            &["双边", "双边贸易", "贸易", "贸易额", "边贸"]
        ),
        ["双边", "贸易额"]
    );
    assert_eq!(
        cover("上海合作组织", &["上海", "合作", "组织"]),
        ["上海", "合作", "组织"]
    );
    // Words that leave a gap make no cover.
    assert!(cover("上海合作组织", &["上海", "组织"]).is_empty());
    assert!(cover("双边", &[]).is_empty());
}
