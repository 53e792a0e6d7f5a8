#!/usr/bin/env python3
"""What analysts wait for, on a store of any size.

    benches/analyst-latency.py DATA_DIR [REPEATS]
    SERVER_LOG=FILE RUST_LOG=sqlx=debug benches/analyst-latency.py DATA_DIR 1   # statement times

Serves DATA_DIR (a pledgeline data directory, e.g. one kept by `WORK=DIR
benches/link-scale.sh`) with the release build on a free port, creates an analyst account
(`bench-analyst`, through `pledgeline user add`), logs in through the login form, and times
(median and worst of REPEATS, default 5, after one unmeasured request each):

- the review queue, its first page and a page deep into it;
- a thread page read anonymously and signed in (the follow-up and decision queries added);
- a follow-up saved on a thread;
- a link rejected and the rejection undone, on threads of about 2, 50 and 500 mentions and on
  the largest thread: each decision clusters the threads it touches again in its request.

Every decision is undone again, so the store ends as it began apart from the account, the
follow-ups and the (undone) decisions, which stay in its history as analyst work does.
"""

import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "pledgeline")
NAME, PASSWORD = "bench-analyst", "bench analyst password"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main():
    data = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    subprocess.run([BIN, "db", "start", "--data-dir", data], check=True, capture_output=True)
    add = subprocess.run(
        [BIN, "user", "add", NAME, "--role", "analyst", "--password-stdin", "--data-dir", data],
        input=PASSWORD + "\n", text=True, capture_output=True,
    )
    if add.returncode != 0 and "already an account" not in add.stderr:
        sys.exit(add.stderr)
    url = subprocess.run([BIN, "db", "url", "--data-dir", data], check=True, capture_output=True, text=True).stdout.strip()
    port = free_port()
    # SERVER_LOG=FILE keeps the server's log (with RUST_LOG=sqlx=debug: every statement's time).
    log = open(os.environ["SERVER_LOG"], "w") if os.environ.get("SERVER_LOG") else subprocess.DEVNULL
    server = subprocess.Popen([BIN, "serve", "--bind", f"127.0.0.1:{port}", "--data-dir", data],
                              stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        for line in server.stdout:
            if "serving at" in line:
                break
        # The server reads the thread catalog and the search index in the background at
        # start; let that finish so that it does not share the cores with what is timed.
        time.sleep(15)
        run(f"http://127.0.0.1:{port}", url, repeats)
    finally:
        server.terminate()
        server.wait()
        subprocess.run([BIN, "db", "stop", "--data-dir", data], capture_output=True)


def psql(url, sql):
    return subprocess.run(["psql", url, "-XAtq", "-c", sql], check=True, capture_output=True, text=True).stdout.split("\n")


def run(base, db, repeats):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    anonymous = urllib.request.build_opener(NoRedirect)

    def request(path, fields=None, who=opener):
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        start = time.perf_counter()
        try:
            with who.open(base + path, data=data, timeout=600) as r:
                body = r.read().decode()
                status = r.status
        except urllib.error.HTTPError as e:
            body, status = e.read().decode(), e.code
        return (time.perf_counter() - start) * 1000, status, body

    _, _, form = request("/login")
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', form).group(1)
    _, status, _ = request("/login", {"name": NAME, "password": PASSWORD, "csrf": token, "next": "/"})
    assert status == 303, status
    _, _, home = request("/")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', home).group(1)

    def timed(label, path, fields=None, who=opener, expect=(200,)):
        request(path, fields if fields is None else dict(fields, csrf=csrf), who)
        times = []
        for _ in range(repeats):
            ms, status, body = request(path, fields if fields is None else dict(fields, csrf=csrf), who)
            assert status in expect, (label, status, body[:300])
            times.append(ms)
        print(f"| {label} | {statistics.median(times):.1f} ms | {max(times):.1f} ms |")

    mentions = int(psql(db, "SELECT count(*) FROM thread_mentions WHERE linked_from IS NOT NULL")[0])
    threads = int(psql(db, "SELECT count(*) FROM threads WHERE retired_at IS NULL")[0])
    units = int(psql(db, "SELECT count(*) FROM commitments WHERE retired_at IS NULL")[0])
    print(f"store: {units} units, {threads} active threads, {mentions} machine links\n")
    print("| what | median | worst |")
    print("| --- | ---: | ---: |")
    timed("review queue, page 1", "/review")
    timed("review queue, page 100", "/review?page=100")
    sizes = [2, 50, 500, 10**9]
    picked = []
    for size in sizes:
        row = psql(db, f"""
            SELECT t.id, t.mention_count, m.linked_from, m.commitment_id
            FROM threads t JOIN thread_mentions m ON m.thread_id = t.id AND m.position = 1
            WHERE t.retired_at IS NULL AND t.mention_count >= 2 AND m.linked_from IS NOT NULL
            ORDER BY abs(t.mention_count - least({size}, 1000000000)), t.id LIMIT 1""")[0].split("|")
        picked.append(tuple(int(x) for x in row))
    thread = picked[1][0]
    timed(f"thread page ({picked[1][1]} mentions), anonymous", f"/threads/{thread}", who=anonymous)
    timed(f"thread page ({picked[1][1]} mentions), signed in", f"/threads/{thread}")
    timed("save a follow-up", f"/threads/{thread}/followups",
          {"status": "in_progress", "note": "bench", "ev0_url": "https://example.org/x", "ev0_date": "2015-01-01"},
          expect=(303,))
    for thread, count, a, b in picked:
        times = {"reject": [], "undo": []}
        for _ in range(repeats):
            ms, status, body = request("/review/reject", {"a": a, "b": b, "csrf": csrf})
            assert status == 303, (status, body[:300])
            times["reject"].append(ms)
            decision = psql(db, "SELECT max(id) FROM link_decisions")[0]
            ms, status, body = request(f"/decisions/{decision}/undo", {"csrf": csrf})
            assert status == 303, (status, body[:300])
            times["undo"].append(ms)
        for what, ts in times.items():
            print(f"| {what} a link of a thread of {count} mentions | {statistics.median(ts):.1f} ms | {max(ts):.1f} ms |")


if __name__ == "__main__":
    main()
