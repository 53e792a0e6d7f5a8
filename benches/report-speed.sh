#!/usr/bin/env bash
# Progress reports at scale: for every format, the time and peak memory of
# `pledgeline report` over a store, and the same report downloaded from a running server
# (time to its first byte, time to its last, the server's peak memory).
#
#   benches/report-speed.sh DATA_DIR [FOLLOWUPS]
#
# DATA_DIR is an embedded cluster's data directory, e.g. one grown by benches/link-scale.sh
# (WORK=DIR KEEP=1 benches/link-scale.sh 850000 1 keeps DIR/pg). When the store has fewer
# than FOLLOWUPS (default 2000) follow-ups, more are recorded first on random threads by an
# analyst `bench`, two versions each with evidence, so the report reads analyst work too.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:?usage: benches/report-speed.sh DATA_DIR [FOLLOWUPS]}
followups=${2:-2000}
port=${PORT:-18097}
bin=${CARGO_TARGET_DIR:-target}/release/pledgeline
cargo build --release --quiet
work=$(mktemp -d)
"$bin" db start --data-dir "$data" >/dev/null
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
server=
url=$("$bin" db url --data-dir "$data")
sql() { psql -qAtX "$url" -c "$1"; }

have=$(sql 'SELECT count(*) FROM followups')
if [ "$have" -lt "$followups" ]; then
  echo "a long bench password" | "$bin" user add bench --role analyst --password-stdin \
    --data-dir "$data" >/dev/null 2>&1 || true
  sql "
    WITH picked AS (
      SELECT id FROM threads WHERE mention_count > 0 ORDER BY random() LIMIT $((followups - have))
    ), made AS (
      INSERT INTO followups (thread_id, created_by, created_at)
      SELECT id, (SELECT id FROM users WHERE name = 'bench'), now() - interval '400 days'
      FROM picked RETURNING id, created_at
    )
    INSERT INTO followup_versions (followup_id, version, status, note, evidence, edited_by,
                                   edited_at)
    SELECT m.id, v, (ARRAY['in_progress','partially_fulfilled','fulfilled','not_fulfilled'])[1 + (m.id + v) % 4],
           '进展说明 ' || m.id,
           jsonb_build_array(jsonb_build_object('url', 'https://example.org/' || m.id,
               'title', '统计公报 ' || m.id, 'date', (date '2013-01-01' + (m.id % 900)::int),
               'excerpt', '双边贸易额增长。')),
           (SELECT id FROM users WHERE name = 'bench'), m.created_at + v * interval '100 days'
    FROM made m, generate_series(1, 2) AS v"
fi
echo "store: $(sql 'SELECT count(*) FROM threads WHERE mention_count > 0') threads," \
  "$(sql 'SELECT count(*) FROM thread_mentions') mentions," \
  "$(sql 'SELECT count(*) FROM followup_versions') follow-up versions"

echo
echo "command line: pledgeline report --format F --out FILE"
printf '%-6s %10s %12s %12s\n' format seconds output peak_RSS
for f in html md csv json xlsx; do
  /usr/bin/time -f '%e %M' -o "$work/time" "$bin" report --data-dir "$data" --format "$f" \
    --out "$work/r.$f" 2>/dev/null
  read -r secs kib <"$work/time"
  size=$(du -b "$work/r.$f" | cut -f1)
  [ "$f" = csv ] && size="$size+$(du -b "$work/r.history.csv" | cut -f1)"
  printf '%-6s %10s %12s %9s MiB\n' "$f" "$secs" "$size" "$((kib / 1024))"
done

echo
echo "web: GET /reports/progress.EXT (curl), one at a time"
"$bin" serve --data-dir "$data" --bind "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 1
done
sleep 5
echo "server peak RSS before the reports (pages' in-memory catalogs): $(($(awk '/VmHWM/ {print $2}' /proc/$server/status) / 1024)) MiB"
printf '%-12s %12s %10s %12s\n' format first_byte_s total_s bytes
for ext in html md csv history.csv json xlsx; do
  curl -s -o /dev/null -w '%{time_starttransfer} %{time_total} %{size_download}\n' \
    "http://127.0.0.1:$port/reports/progress.$ext" >"$work/curl"
  read -r first total bytes <"$work/curl"
  printf '%-12s %12s %10s %12s\n' "$ext" "$first" "$total" "$bytes"
done
echo "server peak RSS after them: $(($(awk '/VmHWM/ {print $2}' /proc/$server/status) / 1024)) MiB"
