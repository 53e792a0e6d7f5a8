#!/usr/bin/env bash
# Cross-document linking at scale: the time to ingest and link one new document when the store
# already holds SIZES units, and the throughput of `pledgeline relink` over the whole store.
#   benches/link-scale.sh [SIZES] [PROBES]
# SIZES: units in the store at which to measure, comma-separated (default 10000,100000,1000000).
# PROBES: new documents ingested one at a time at each size (default 5; the median is reported).
# Environment: MAX_STEP_SECONDS (default 900): no larger size is attempted once growing the
# store or relinking took longer than this. KEEP=1 keeps the work folder (cluster and corpus).
# WORK=DIR uses (and keeps) that work folder: a store kept by an earlier run is taken up
# where it was left (sizes it already holds are measured again without growing), so a long
# run can be continued or extended to larger sizes.
# RELINK=0 skips the relink at each size (at 1M units it needs much memory and time).
# LOG=FILE writes the full output of every command there (default: inside the work folder).
#
# The corpus comes from benches/gen_corpus.py (deterministic): the seed statements' sentences
# with their channel words (rare content words, names, titles, organisations) redrawn from
# jieba's dictionary by frequency, a partner state per document, ~70 units per document,
# dated one a day in the order they are added (growth batches, then each probe), so that every
# new document comes after the store, as news does: linking it is one step over the threads
# it touches. (A document dated before linked ones relinks everything: see the relink column.)
# The store is grown with `pledgeline ingest` (which links what it adds) in batches of up to
# 20,000 documents: a batch larger than the store is relinked whole, so growing costs about a
# relink of the new size. Each probe is one fresh document (never part of the store before), ingested on
# its own, so its time is a whole command: process start, lexicon, connection, parse,
# extract, store, link (one transaction), close. Times are split at the lines the command
# prints: the ingest summary (stdout), then `linked 1 documents (...)` (stderr) when linking
# has committed. Each probe stays in the store (a handful of units).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${1:-10000,100000,1000000}
probes=${2:-5}
max_step=${MAX_STEP_SECONDS:-900}
bin=${CARGO_TARGET_DIR:-target}/release/pledgeline
if [ -n "${WORK:-}" ]; then
  work=$WORK
  KEEP=1
  mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/pledgeline-linkbench.XXXXXX")
fi
chmod 755 "$work"   # the server runs as postgres and must reach the cluster inside
cleanup() {
  "$bin" db stop --force --data-dir "$work/pg" >/dev/null 2>&1 || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
cargo build --release --quiet
"$bin" db start --data-dir "$work/pg" >/dev/null 2>&1
log=${LOG:-$work/log.txt}
: >"$log"
psql_url=$("$bin" db url --data-dir "$work/pg" 2>/dev/null || true)
have_psql() { command -v psql >/dev/null && [ -n "$psql_url" ]; }
sql() { psql "$psql_url" -XAtq -c "$1"; }

# run LABEL CMD...: runs a pledgeline command and prints "total ingest link units links maxrss
# documents threads" (seconds; ingest = until the summary line on stdout, link = from there to
# the `linked ...` line, which for relink is the whole run; units, links, documents and
# threads as that line reports them; maxrss in KiB); appends its output, timestamped, to the
# log, and copies its WARN and ERROR lines to stderr.
run() {
  local label=$1; shift
  python3 - "$label" "$log" "$@" <<'PY'
import re, subprocess, sys, threading, time
label, log, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
start = time.monotonic()
p = subprocess.Popen(["/usr/bin/time", "-f", "maxrss_kib=%M"] + cmd,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
lines = []
def read(stream, name):
    for line in stream:
        lines.append((time.monotonic() - start, name, line.rstrip("\n")))
ts = [threading.Thread(target=read, args=(p.stdout, "out")),
      threading.Thread(target=read, args=(p.stderr, "err"))]
for t in ts: t.start()
for t in ts: t.join()
code = p.wait()
total = time.monotonic() - start
lines.sort()
summary = next((t for t, s, l in lines if s == "out" and not l.startswith("linked")), None)
linked = next(((t, l) for t, s, l in lines if re.match(r"linked \d+ documents", l)), None)
rss = next((l.split("=")[1] for _, _, l in lines if l.startswith("maxrss_kib=")), "?")
with open(log, "a") as f:
    f.write(f"== {label}: {' '.join(cmd)} (exit {code}, {total:.3f} s)\n")
    for t, s, l in lines:
        f.write(f"{t:9.3f} {s} {l}\n")
for _, _, l in lines:
    if "WARN" in l or "ERROR" in l or l.startswith("error"):
        print(f"[{label}] {l[:400]}", file=sys.stderr)
if code != 0 or linked is None:
    sys.exit(f"[{label}] failed (exit {code}); see {log}")
m = re.match(r"linked (\d+) documents \((\d+) units\): (\d+) links, (\d+) threads", linked[1])
ingest = summary if summary is not None else 0.0
link = linked[0] - ingest
print(f"{total:.3f} {ingest:.3f} {link:.3f} {m.group(2)} {m.group(3)} {rss} {m.group(1)} {m.group(4)}")
PY
}

median() { python3 -c 'import statistics,sys; print(f"{statistics.median(map(float, sys.argv[1:])):.3f}")' "$@"; }

units=0
docs=0
per_doc=70          # first guess of units per document, corrected after the first batch
next_doc=0          # the generator's index of the next document to grow the store with
probed=0            # probe documents ingested so far (their indexes start at 90,000,001)
dated=0             # documents dated so far (each new one is dated the day after)
# What the store holds, kept in the work folder for WORK=DIR runs.
[ -f "$work/state" ] && read -r units docs next_doc per_doc probed dated <"$work/state"
dated=${dated:-$((next_doc + probed))}
save_state() { echo "$units $docs $next_doc $per_doc $probed $dated" >"$work/state"; }
stopped=""
table="| units in store | documents | links | growth step (ingest+link) | one new document: total (median) | of which linking | candidate units | threads rewritten | relink | relink units/s | relink max RSS |"
table+=$'\n'"| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
step=0
IFS=, read -ra targets <<<"$sizes"
for target in "${targets[@]}"; do
  step=$((step + 1))
  if [ -n "$stopped" ]; then
    echo "skipping $target units: $stopped"
    continue
  fi
  # Grow the store to the target (new batches of at most 500 documents until within 3% of
  # it), giving up once growing took MAX_STEP_SECONDS: the probes then run at the size reached.
  grow_start=$(date +%s)
  while [ "$units" -lt $((target * 97 / 100)) ]; do
    if [ $(( $(date +%s) - grow_start )) -gt "$max_step" ]; then
      stopped="growing towards $target units took over $max_step s (reached $units)"
      echo "$stopped"
      break
    fi
    n=$(( (target - units + per_doc - 1) / per_doc ))
    [ "$n" -gt 20000 ] && n=20000
    batch=$work/batch-$next_doc
    python3 benches/gen_corpus.py "$batch" --first "$next_doc" --count "$n" --date-index "$dated"
    next_doc=$((next_doc + n))
    dated=$((dated + n))
    out=$(run "grow to $target" "$bin" ingest --data-dir "$work/pg" "$batch")
    read -r total ingest link u l _ d th <<<"$out"
    units=$((units + u))
    docs=$((docs + d))
    per_doc=$(( (units + docs - 1) / docs ))
    save_state
    echo "grew by $d documents, $u units, $l links in ${total} s (${ingest} s ingest, ${link} s linking, $th threads written): store $docs documents, $units units"
    rm -rf "$batch"
  done
  grow=$(( $(date +%s) - grow_start ))
  # Growing is a bulk load (a relink): vacuum and analyse its tables, as autovacuum does soon
  # after in a running server, so that the probes see a store in its steady state.
  # (A batch that was relinked reports every unit of the store, so count them here.)
  if have_psql; then
    sql "VACUUM (ANALYZE)"
    units=$(sql "SELECT count(*) FROM commitments WHERE retired_at IS NULL")
    docs=$(sql "SELECT count(*) FROM documents")
    per_doc=$(( (units + docs - 1) / docs ))
    save_state
  fi
  # Probes: one new document at a time.
  totals=(); links=(); threads=(); cands=()
  for j in $(seq 1 "$probes"); do
    probe=$work/probe-$step-$j
    probed=$((probed + 1))
    python3 benches/gen_corpus.py "$probe" --first $((90000000 + probed)) --count 1 --date-index "$dated"
    dated=$((dated + 1))
    out=$(run "probe $step.$j at $units units" "$bin" ingest --data-dir "$work/pg" "$probe")
    read -r total ingest link u l _ d th <<<"$out"
    cand=-
    if have_psql; then
      window=$(sed -n 's/^max_candidates_per_channel = //p' lexicon/links.toml)
      cand=$(sql "WITH d AS (SELECT document_id AS id, document_order AS o FROM document_links
                             ORDER BY document_id DESC LIMIT 1),
                       ch AS (SELECT DISTINCT channel AS c FROM channel_postings
                              WHERE document_id = (SELECT id FROM d))
                  SELECT count(DISTINCT p.commitment_id) FROM ch CROSS JOIN LATERAL (
                      SELECT commitment_id FROM channel_postings
                      WHERE channel = ch.c AND unit_order < (SELECT o FROM d)
                      ORDER BY unit_order DESC LIMIT $window) p")
    fi
    echo "  probe $j: ${total} s total, ${ingest} s to the ingest summary, ${link} s linking ($u units, $l links, $th threads rewritten, $cand candidate units)"
    totals+=("$total"); links+=("$link"); threads+=("$th"); [ "$cand" != - ] && cands+=("$cand")
    units=$((units + u)); docs=$((docs + d))
    save_state
    rm -rf "$probe"
  done
  mt=$(median "${totals[@]}"); ml=$(median "${links[@]}"); mth=$(median "${threads[@]}" | cut -d. -f1)
  mc=-; [ ${#cands[@]} -gt 0 ] && mc=$(median "${cands[@]}" | cut -d. -f1)
  # Relink everything.
  rtotal=-; rate=-; rss=0; rl=$(sql "SELECT count(*) FROM links" 2>/dev/null || echo -)
  if [ "${RELINK:-1}" != 0 ]; then
    out=$(run "relink at $units units" "$bin" relink --data-dir "$work/pg")
    read -r rtotal _ _ ru rl rss _ <<<"$out"
    rate=$(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):,.0f}')" "$ru" "$rtotal")
    echo "relink: $ru units, $rl links in ${rtotal} s ($rate units/s, max RSS $((rss / 1024)) MiB)"
  fi
  if have_psql; then
    echo "  store: $(sql "SELECT count(*) || ' units with profiles, ' ||
                               round((SELECT count(*) FROM channel_postings)::numeric / greatest(count(*), 1), 1)
                               || ' channels per unit' FROM link_profiles"),
           $(sql "SELECT count(*) FROM links") links,
           $(sql "SELECT count(*) FROM threads WHERE retired_at IS NULL") threads,
           database $(sql "SELECT pg_size_pretty(pg_database_size(current_database()))")"
  fi
  relink_cells="${rtotal} s | ${rate} | $((rss / 1024)) MiB"
  [ "$rtotal" = - ] && relink_cells="not run | - | -"
  table+=$'\n'"| $(printf "%'d" "$units") | $(printf "%'d" "$docs") | $(printf "%'d" "$rl") | ${grow} s | ${mt} s | ${ml} s | ${mc} | ${mth} | ${relink_cells} |"
  over=$(python3 -c "import sys; print(int(max(float(sys.argv[1]), float(sys.argv[2].replace('-', '0'))) > float(sys.argv[3])))" "$grow" "$rtotal" "$max_step")
  [ "$over" = 1 ] && [ -z "$stopped" ] && stopped="the $target step took over $max_step s"
done
echo
echo "$table"
echo
if [ -n "${LOG:-}" ] || [ "${KEEP:-0}" = 1 ]; then
  echo "full output of every command: $log"
fi
