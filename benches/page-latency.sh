#!/usr/bin/env bash
# Latency of the pages under concurrent load: serves a store with the release build and
# drives each kind of page with wrk (apt-get install wrk), many addresses of each kind picked
# from the store, after a warm-up. Prints p50, p99 and requests per second per kind.
#
#   benches/page-latency.sh DATA_DIR [CONNECTIONS] [SECONDS]
#
# DATA_DIR is an embedded cluster's data directory, e.g. one grown by benches/link-scale.sh
# (WORK=DIR KEEP=1 benches/link-scale.sh 1000000 keeps DIR/pg). Defaults: 32 connections,
# 20 seconds a kind.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:?usage: benches/page-latency.sh DATA_DIR [CONNECTIONS] [SECONDS]}
conns=${2:-32}
secs=${3:-20}
port=${PORT:-18098}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
bin=${CARGO_TARGET_DIR:-target}/release/pledgeline
cargo build --release --quiet
work=$(mktemp -d)
"$bin" serve --data-dir "$data" --bind "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 1
done
url=$("$bin" db url --data-dir "$data")
sql() { psql -qAt "$url" -c "$1"; }

# Addresses of each kind, drawn from the store.
sql "SELECT '/threads/' || id FROM threads WHERE retired_at IS NULL AND mention_count > 0
     ORDER BY random() LIMIT 2000" >"$work/thread"
sql "SELECT '/documents/' || id FROM documents ORDER BY random() LIMIT 1000" >"$work/document"
topics=$(sql "SELECT DISTINCT topic FROM threads WHERE retired_at IS NULL")
{
  echo "/threads"
  for p in 2 5 20; do echo "/threads?page=$p"; done
  for t in $topics; do
    echo "/threads?topic=$t"
    echo "/threads?topic=$t&status=overdue&sort=deadline"
    echo "/threads?topic=$t&deadline=1&sort=mentions"
  done
  for s in fulfilled in_progress overdue open; do echo "/threads?status=$s"; done
  for r in fulfils advances revises; do echo "/threads?relation=$r"; done
  for y in 2012 2015 2020 2030; do echo "/threads?from=$y&to=$((y + 2))"; done
  echo "/threads?party=KZ&sort=first"
  echo "/threads?as_of=2016-01-01&status=overdue"
  # 双边, 贸易额, 能源, 上海合作组织
  for q in %E5%8F%8C%E8%BE%B9 %E8%B4%B8%E6%98%93%E9%A2%9D %E8%83%BD%E6%BA%90 \
    %E4%B8%8A%E6%B5%B7%E5%90%88%E4%BD%9C%E7%BB%84%E7%BB%87; do
    echo "/threads?q=$q"
  done
} >"$work/list"
{
  # 合作 (in a third of the units), 双边, 贸易额 400亿美元, 上海合作组织, 塔吉克斯坦,
  # 能源 管道, nothing to search for, an absurd word.
  for q in %E5%90%88%E4%BD%9C %E5%8F%8C%E8%BE%B9 %E8%B4%B8%E6%98%93%E9%A2%9D%20400%E4%BA%BF%E7%BE%8E%E5%85%83 \
    %E4%B8%8A%E6%B5%B7%E5%90%88%E4%BD%9C%E7%BB%84%E7%BB%87 %E5%A1%94%E5%90%89%E5%85%8B%E6%96%AF%E5%9D%A6 \
    %E8%83%BD%E6%BA%90%20%E7%AE%A1%E9%81%93 %EF%BC%8C%E3%80%82 %E4%BC%81%E9%B9%85%E9%A4%90%E5%8E%85; do
    echo "/search?q=$q"
    echo "/search?q=$q&page=2"
  done
} >"$work/search"
printf '%s\n' / "/?as_of=2013-01-01" "/?as_of=2016-01-01" "/?as_of=2030-06-30" >"$work/dashboard"
{
  echo "/timeline"
  for p in 2 3 5 10 20; do echo "/timeline?page=$p"; done
  for t in $topics; do
    echo "/timeline?topic=$t"
    echo "/timeline?topic=$t&page=2"
  done
} >"$work/timeline"

echo "| page | addresses | p50 | p99 | requests/s | non-2xx |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for kind in dashboard thread list search timeline document; do
  # Warm-up: every address once (caches, plans), then a short run.
  while read -r path; do curl -s -o /dev/null "http://127.0.0.1:$port$path"; done <"$work/$kind"
  PATHS="$work/$kind" wrk -t2 -c"$conns" -d3s -s benches/paths.lua "http://127.0.0.1:$port" >/dev/null
  out=$(PATHS="$work/$kind" wrk -t2 -c"$conns" -d"${secs}s" --latency -s benches/paths.lua \
    "http://127.0.0.1:$port")
  p50=$(awk '/ 50%/ {print $2}' <<<"$out")
  p99=$(awk '/ 99%/ {print $2}' <<<"$out")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  echo "| $kind | $(wc -l <"$work/$kind") | $p50 | $p99 | $rps | ${bad:-0} |"
done
