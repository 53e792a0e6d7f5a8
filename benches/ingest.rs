//! Parsing speed: `cargo bench --bench ingest`. Decoding, field scanning and layout of real
//! archive text, with no database involved.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pledgeline::ingest;

const SEED: &[u8] = include_bytes!("../examples/corpus/000_6fb1bf50eb2ac061.txt");
const SEED_GB: &[u8] = include_bytes!("../tests/fixtures/ingest/000_6fb1bf50eb2ac061.gb18030.txt");

/// `n` copies of the seed in one file, each with its own issue number (a multi-article file).
fn many_articles(n: usize) -> Vec<u8> {
    let seed = std::str::from_utf8(SEED).expect("seed is UTF-8");
    let mut out = String::with_capacity(seed.len() * n);
    for i in 0..n {
        out.push_str(&seed.replacen("19807", &format!("{}", 100_000 + i), 1));
        out.push('\n');
    }
    out.into_bytes()
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    let big = many_articles(200);
    for (name, bytes) in [
        ("seed-utf8", SEED.to_vec()),
        ("seed-gb18030", SEED_GB.to_vec()),
        ("200-articles-utf8", big),
    ] {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &bytes, |b, bytes| {
            b.iter(|| {
                ingest::parse_bytes("bench.txt", black_box(bytes), usize::MAX)
                    .expect("parses")
                    .documents
                    .len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
