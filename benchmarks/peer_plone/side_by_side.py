#!/usr/bin/env python3
"""The peer's and this intranet's search pages measured side by side, request by request.

This machine's speed drifts (up to 2× from one minute to the next), so figures taken minutes apart
do not compare. Here both servers run at once, each freshly started for every round (so each word is
searched for the first time since start, as the protocol asks), both logged in as a member; after the
protocol's 3 warm-up requests on each, every search word is requested from both, one right after the
other, alternating which goes first. Each round prints both medians and p95s and the ratio of p95s
(peer / ours); the last line gives the median ratio over the rounds.

    bash benchmarks/peer_plone/install.sh && bash benchmarks/peer_plone/build.sh   # the peer, once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ailb_perf_search REDIS_URL=redis://127.0.0.1:6379/4 \\
        .venv/bin/python benchmarks/peer_plone/side_by_side.py --rounds 5
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import bench_search  # noqa: E402


def _peer_module():
    spec = importlib.util.spec_from_file_location("measure_search", HERE / "measure_search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _round(number, words, args, peer, cookie):
    """{"peer": [ms], "ours": [ms]}: the warm-up words on both servers, then each word from both, in turn."""
    login = peer.login("127.0.0.1", args.peer_port, "Plone", "membre", "membre-bench-42")
    peer_headers = {"Accept": "text/html", "Cookie": f"__ac={login}"}

    def peer_page(word):
        path = "/Plone/@@search?" + urllib.parse.urlencode({"SearchableText": word})
        status, _h, body, ms = peer.request("127.0.0.1", args.peer_port, "GET", path, headers=peer_headers)
        if status != 200 or b"personaltools-logout" not in body:
            raise SystemExit(f"peer {path}: HTTP {status}, or not logged in")
        return ms

    def our_page(word):
        return bench_search.get(args.port, "/recherche/?" + urllib.parse.urlencode({"q": word}), cookie)[0]

    for word in bench_search.WARMUP_WORDS:
        peer_page(word)
        our_page(word)
    times = {"peer": [], "ours": []}
    for position, word in enumerate(words):
        order = (("peer", peer_page), ("ours", our_page))
        for name, page in order if (position + number) % 2 else reversed(order):
            times[name].append(page(word))
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--port", type=int, default=8321, help="port of this intranet's server")
    parser.add_argument("--peer-port", type=int, default=8380)
    parser.add_argument("--peer", default=os.environ.get("PEER", "/work/plone-peer"))
    parser.add_argument("--out", default="", help="JSON of every round (default: $PEER/results/side-by-side-*.json)")
    args = parser.parse_args(argv)
    peer = _peer_module()

    records, words_info = bench_search.generate_corpus(args.n, 42)
    words = [w["word"] for w in words_info]
    bench_search.setup_django()
    from django.db import connection

    member, _added, _seconds = bench_search.seed(records)
    cookie = bench_search.session_cookie(member)
    connection.close()

    serve = ["bash", str(HERE / "serve.sh")]
    env = {**os.environ, "PEER": args.peer}
    rounds = []
    try:
        for number in range(1, args.rounds + 1):
            subprocess.run([*serve, "restart"], check=True, env=env, stdout=subprocess.DEVNULL)
            server = bench_search.start_server(args.port, 1)
            try:
                times = _round(number, words, args, peer, cookie)
            finally:
                server.terminate()
                server.wait(timeout=10)
            figures = {
                name: {
                    "median_ms": round(statistics.median(values), 1),
                    "p95_ms": round(bench_search.percentile(values, 0.95), 1),
                    "per_word_ms": [round(v, 2) for v in values],
                }
                for name, values in times.items()
            }
            figures["p95_ratio"] = round(figures["peer"]["p95_ms"] / figures["ours"]["p95_ms"], 2)
            rounds.append(figures)
            print(
                f"round {number}: peer member {figures['peer']['median_ms']:6.1f} / {figures['peer']['p95_ms']:6.1f} ms"
                f"   ours {figures['ours']['median_ms']:5.1f} / {figures['ours']['p95_ms']:5.1f} ms"
                f"   p95 ratio {figures['p95_ratio']:.2f}",
                flush=True,
            )
    finally:
        subprocess.run([*serve, "stop"], env=env, stdout=subprocess.DEVNULL, check=False)
    ratios = [r["p95_ratio"] for r in rounds]
    print(f"p95 ratio (peer / ours), {len(rounds)} rounds: median {statistics.median(ratios):.2f}, "
          f"min {min(ratios):.2f}, max {max(ratios):.2f}")  # fmt: skip
    out = Path(args.out or Path(args.peer) / "results" / f"side-by-side-{time.strftime('%Y%m%d-%H%M%S')}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"n": args.n, "words": words, "rounds": rounds}, indent=1), encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    main()
