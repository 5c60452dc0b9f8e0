#!/usr/bin/env python3
"""Measure the peer Plone's search page (protocol: ../shared/bench/README.md), against a running server.

Standard library only. One sequential client, a NEW HTTP connection per request (http.client), 3 warm-up
requests with words that are not measured (projet, dossier, contrat), then the search page HTML
`/<site>/@@search?SearchableText=<word>` once for each of the 20 search words of the corpus (each word
once per run), median and p95 with linear interpolation (numpy's default), server RSS from
/proc/<pid>/status at the end.

Scenarios:
  member     logged in as a Plone member through the real login form (POST /<site>/login, as a browser
             does): the server answers with plone.session's `__ac` ticket cookie, sent on every request;
  anonymous  no cookie.

    python3 benchmarks/peer_plone/measure_search.py --scenario member \\
        --words /work/plone-peer/corpus-5000-42.jsonl.searchwords.json --out /work/plone-peer/results/x.json

Prints a small table and writes JSON. For "first time per word" figures, restart the server before a run
(serve.sh restart); a second run on the same server measures words it has already seen.
"""

import argparse
import http.client
import json
import os
import re
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
# the same percentile and warm-up words as our own benchmark (its module imports only the standard library)
from benchmarks.bench_search import WARMUP_WORDS, percentile  # noqa: E402


def request(host, port, method, path, headers=None, body=None):
    """One request on a new connection: (status, headers, body bytes, elapsed ms incl. connect)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        elapsed = (time.perf_counter() - started) * 1000.0
        return resp.status, resp.getheaders(), data, elapsed
    finally:
        conn.close()


def login(host, port, site, user, password):
    """Log in through Plone's login form; returns the `__ac` cookie value."""
    status, _h, page, _ = request(host, port, "GET", f"/{site}/login")
    if status != 200:
        raise SystemExit(f"GET /{site}/login: HTTP {status}")
    html = page.decode("utf-8", "replace")
    form = next((f for f in re.findall(r"<form\b.*?</form>", html, re.S) if "__ac_password" in f), None)
    if not form:
        raise SystemExit("login form not found")
    fields = {}
    for tag in re.findall(r"<(?:input|button)\b[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if tag.startswith("<button") and "login" not in name.group(1):
            continue
        fields[name.group(1)] = value.group(1) if value else ""
    fields["__ac_name"] = user
    fields["__ac_password"] = password
    action = re.search(r'action="([^"]+)"', form)
    action_path = urllib.parse.urlsplit(action.group(1)).path if action else f"/{site}/login"
    body = urllib.parse.urlencode(fields).encode()
    status, headers, _page, _ = request(
        host,
        port,
        "POST",
        action_path,
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    for k, v in headers:
        if k.lower() == "set-cookie" and v.startswith("__ac="):
            return v.split(";", 1)[0][len("__ac=") :]
    raise SystemExit(f"login failed (HTTP {status}, no __ac cookie); fields sent: {sorted(fields)}")


def rss_mib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def cpu_probe_ms():
    """Best of 5 timings of a fixed pure-Python loop (single core): a rough gauge of how fast this (shared,
    virtual) machine runs right now, stored with each run so that runs taken at different times compare."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for i in range(300_000):
            total += i % 7
        best = min(best, (time.perf_counter() - started) * 1000.0)
    return round(best, 2)


def result_count(html):
    m = re.search(r'id="search-results-number"[^>]*>\s*([0-9]+)', html)
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8380)
    ap.add_argument("--site", default="Plone")
    ap.add_argument("--scenario", choices=["member", "anonymous"], default="member")
    ap.add_argument("--user", default="membre")
    ap.add_argument("--password", default="membre-bench-42")
    ap.add_argument("--words", default="/work/plone-peer/corpus-5000-42.jsonl.searchwords.json")
    ap.add_argument("--pidfile", default="/work/plone-peer/instance/var/server.pid")
    ap.add_argument("--label", default="", help="free text stored in the JSON (e.g. 'fresh server, run 1')")
    ap.add_argument("--out", default="", help="JSON output (default: print only)")
    a = ap.parse_args()

    words = [w["word"] for w in json.loads(Path(a.words).read_text(encoding="utf-8"))]
    pid = int(Path(a.pidfile).read_text().strip()) if Path(a.pidfile).exists() else None

    load_before = [round(x, 2) for x in os.getloadavg()]
    probe_before = cpu_probe_ms()
    headers = {"Accept": "text/html", "User-Agent": "ailb-peer-bench"}
    if a.scenario == "member":
        headers["Cookie"] = "__ac=" + login(a.host, a.port, a.site, a.user, a.password)

    def search(word):
        path = f"/{a.site}/@@search?" + urllib.parse.urlencode({"SearchableText": word})
        status, _h, body, ms = request(a.host, a.port, "GET", path, headers=headers)
        html = body.decode("utf-8", "replace")
        if status != 200:
            raise SystemExit(f"{path}: HTTP {status}")
        logged_in = "personaltools-logout" in html
        if logged_in != (a.scenario == "member"):
            raise SystemExit(f"{path}: logged in = {logged_in}, expected the scenario {a.scenario!r}")
        return ms, len(body), result_count(html)

    for w in WARMUP_WORDS:
        search(w)
    rows = []
    for w in words:
        ms, size, n = search(w)
        rows.append({"word": w, "ms": round(ms, 2), "bytes": size, "results": n})
    times = [r["ms"] for r in rows]
    summary = {
        "scenario": a.scenario,
        "label": a.label,
        "url": f"http://{a.host}:{a.port}/{a.site}/@@search?SearchableText=<word>",
        "auth": "plone.session __ac cookie from the login form" if a.scenario == "member" else "none",
        "requests": len(rows),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
        "server_pid": pid,
        "server_rss_mib": round(rss_mib(pid), 1) if pid and rss_mib(pid) else None,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "loadavg_before": load_before,
        "cpu_probe_ms_before_after": [probe_before, cpu_probe_ms()],
        "per_word": rows,
    }
    print(f"{'word':<16}{'ms':>9}{'results':>9}{'KiB':>7}")
    for r in rows:
        print(
            f"{r['word']:<16}{r['ms']:>9.1f}{r['results'] if r['results'] is not None else '?':>9}"
            f"{r['bytes'] / 1024:>7.0f}"
        )
    print(
        f"search page HTML, {a.scenario}, {len(rows)} words: median {summary['median_ms']} ms, "
        f"p95 {summary['p95_ms']} ms; server RSS {summary['server_rss_mib']} MiB; "
        f"cpu probe {summary['cpu_probe_ms_before_after']} ms"
    )
    if a.out:
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
        print("written", a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
