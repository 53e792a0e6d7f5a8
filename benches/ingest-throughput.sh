#!/usr/bin/env bash
# End-to-end ingestion speed: parse + store into a fresh embedded cluster.
#   benches/ingest-throughput.sh [FILES] [ARTICLES_PER_FILE]
# Generates FILES archive files (default 2000) of ARTICLES_PER_FILE distinct articles each
# (default 1), made from the seed communiqué with unique issue numbers, in the archive's own
# year/month/day layout, then times `pledgeline ingest` on them twice (new, then unchanged).
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-2000}
per=${2:-1}
work=$(mktemp -d "${TMPDIR:-/tmp}/pledgeline-bench.XXXXXX")
chmod 755 "$work"
trap 'target/release/pledgeline db stop --data-dir "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cargo build --release --quiet
seed=examples/corpus/000_6fb1bf50eb2ac061.txt
python3 - "$seed" "$work/corpus" "$files" "$per" <<'PY'
import os, sys
seed, out, files, per = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
text = open(seed, encoding='utf-8').read()
n = 0
for f in range(files):
    d = os.path.join(out, '2012', '%02d' % (f % 12 + 1), '%02d' % (f % 28 + 1))
    os.makedirs(d, exist_ok=True)
    arts = []
    for _ in range(per):
        arts.append(text.replace('19807', str(1_000_000 + n), 1))
        n += 1
    open(os.path.join(d, 'a%06d.txt' % f), 'w', encoding='utf-8').write('\n'.join(arts))
PY
bytes=$(du -sb "$work/corpus" | cut -f1)
echo "corpus: $files files, $((files * per)) articles, $((bytes / 1024)) KiB"
target/release/pledgeline db start --data-dir "$work/pg" >/dev/null 2>&1
for pass in new unchanged; do
  start=$(date +%s.%N)
  target/release/pledgeline ingest --data-dir "$work/pg" "$work/corpus" 2>/dev/null | tail -1
  end=$(date +%s.%N)
  python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'$pass: {s:.2f} s, {$files*$per/s:.0f} articles/s')" "$start" "$end"
done
