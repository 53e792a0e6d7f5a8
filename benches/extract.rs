//! Extraction speed: `cargo bench --bench extract`. Over the same ~1 MiB of archive text,
//! bare jieba segmentation of every sentence (`bare_jieba_cut`) against full extraction
//! (`extract`), both reported against the UTF-8 bytes of the document bodies; and the
//! per-process cost of loading the embedded lexicon and dictionary (`load_lexicon`).
//! No database involved.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pledgeline::extract::{DocumentInput, Extractor, LexiconSource, normalize, units};
use pledgeline::ingest::{self, ParsedDocument};

const SEEDS: [&str; 2] = [
    include_str!("../examples/corpus/000_6fb1bf50eb2ac061.txt"),
    include_str!("../examples/corpus/001_e246b652d2346690.txt"),
];

/// How much body text the synthetic corpus holds (at least).
const TARGET_BODY_BYTES: usize = 1 << 20;

const HEADINGS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// A deterministic linear congruential generator (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The parts of a seed article that a synthetic article is made from.
struct Seed<'a> {
    /// Header lines before the body tag, with the issue-number line left out.
    header: Vec<&'a str>,
    /// Body lines from the first line after the last prose paragraph (signature, dateline).
    tail: Vec<&'a str>,
}

/// Splits a seed into its header, prose paragraphs (added to `prose`) and closing lines.
fn split_seed<'a>(text: &'a str, prose: &mut Vec<&'a str>) -> Seed<'a> {
    let (head, rest) = text.split_once("〖ZW/正文〗").expect("seed has a body");
    let (body, _) = rest
        .split_once("〖-ZW/正文〗")
        .expect("seed body is closed");
    let header = head
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("〖ZQ/"))
        .collect();
    let lines: Vec<&str> = body.lines().filter(|l| !l.trim().is_empty()).collect();
    let is_prose = |l: &str| l.contains('。') && l.trim().chars().count() > 20;
    let last = lines
        .iter()
        .rposition(|l| is_prose(l))
        .expect("seed has prose");
    prose.extend(lines[..=last].iter().filter(|l| is_prose(l)));
    Seed {
        header,
        tail: lines[last + 1..].to_vec(),
    }
}

/// One archive file: the two seeds verbatim, then articles made of the seeds' paragraphs
/// shuffled (fixed seed), with section headings and a seed's closing lines, until the bodies
/// hold [`TARGET_BODY_BYTES`].
fn corpus_text() -> String {
    let mut prose = Vec::new();
    let seeds: Vec<Seed> = SEEDS.iter().map(|s| split_seed(s, &mut prose)).collect();
    let mut out = String::new();
    for seed in SEEDS {
        out.push_str(seed.trim_end());
        out.push('\n');
    }
    let mut rng = Lcg(0x5eed_1234_abcd_ef01);
    let mut body_bytes = SEEDS.iter().map(|s| s.len()).sum::<usize>();
    let mut issue = 100_000;
    while body_bytes < TARGET_BODY_BYTES {
        let seed = &seeds[rng.below(seeds.len())];
        issue += 1;
        out.push_str(&format!("〖ZQ/总期〗{issue}〖-ZQ/总期〗\n"));
        for line in &seed.header {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("〖ZW/正文〗\n");
        let mut order: Vec<usize> = (0..prose.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let count = 12 + rng.below(prose.len() / 2);
        let mut heading = 0;
        let mut body = String::new();
        for (n, &p) in order[..count.min(order.len())].iter().enumerate() {
            if n > 0 && n % 5 == 0 && heading < HEADINGS.len() {
                body.push_str(&format!("    {}\n", HEADINGS[heading]));
                heading += 1;
            }
            body.push_str(prose[p]);
            body.push('\n');
        }
        for line in &seed.tail {
            body.push_str(line);
            body.push('\n');
        }
        body_bytes += body.len();
        out.push_str(&body);
        out.push_str("〖-ZW/正文〗\n");
    }
    out
}

fn documents() -> Vec<ParsedDocument> {
    let text = corpus_text();
    ingest::parse_bytes("bench.txt", text.as_bytes(), usize::MAX)
        .expect("the synthetic corpus parses")
        .documents
}

fn input(doc: &ParsedDocument) -> DocumentInput<'_> {
    DocumentInput::new(&doc.meta, &doc.body, &doc.blocks)
}

/// The sentence strings extraction hands to jieba: the compact analysis text of every
/// paragraph sentence, clutter lines left out.
fn sentences(extractor: &Extractor, docs: &[ParsedDocument]) -> Vec<String> {
    docs.iter()
        .flat_map(|doc| {
            let analysis = normalize::AnalysisText::new(&doc.body, extractor.simplifier());
            units::sentences(&analysis, &doc.blocks, &extractor.lexicon().clutter)
                .iter()
                .map(|s| s.text.to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn throughput(c: &mut Criterion) {
    let extractor = Extractor::embedded();
    let docs = documents();
    let sentences = sentences(extractor, &docs);
    let body_bytes: usize = docs.iter().map(|d| d.body.len()).sum();
    let sentence_bytes: usize = sentences.iter().map(String::len).sum();
    eprintln!(
        "extract bench corpus: {} documents, {} body bytes, {} sentences ({} bytes)",
        docs.len(),
        body_bytes,
        sentences.len(),
        sentence_bytes
    );

    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(body_bytes as u64));
    group.bench_function("bare_jieba_cut", |b| {
        let jieba = extractor.jieba();
        b.iter(|| {
            sentences
                .iter()
                .map(|s| jieba.cut(black_box(s), true).len())
                .sum::<usize>()
        })
    });
    group.bench_function("extract", |b| {
        b.iter(|| {
            docs.iter()
                .map(|doc| extractor.extract(black_box(&input(doc))).units.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("lexicon");
    group.bench_function("load_lexicon", |b| {
        b.iter_with_large_drop(|| {
            Extractor::load(black_box(&LexiconSource::Embedded)).expect("embedded lexicon loads")
        })
    });
    group.finish();
}

/// One pass of `extract` takes a few hundred milliseconds, so few samples; set here rather
/// than per group so that `-- --warm-up-time N --measurement-time N --sample-size N` still
/// override them.
fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(15))
}

criterion_group! {
    name = benches;
    config = config();
    targets = throughput, load
}
criterion_main!(benches);
