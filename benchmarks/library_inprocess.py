#!/usr/bin/env python3
"""The library page through Django's test client, in one process: wall time and the
process's own CPU time per request (less sensitive to a loaded machine than HTTP timings).

    .venv/bin/python benchmarks/library_inprocess.py \\
        --database-url postgres://postgres@127.0.0.1:5432/ailb_perf_library_bench5k [--tree /work/main]

Runs against a database already seeded by bench_library.py. ``--tree`` measures another
checkout's code (e.g. main) with the same database, for A/B runs alternated by the caller.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import quote


def percentile(values, fraction):
    ordered = sorted(values)
    k = (len(ordered) - 1) * fraction
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--tree", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--tag", default="qualité", help="mot-clé de la liste filtrée")
    args = parser.parse_args(argv)
    sys.path.insert(0, args.tree)
    os.chdir(args.tree)
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.bench_settings"
    os.environ["BENCH_DATABASE_URL"] = args.database_url
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    base = "/groupes/eau/documents/"
    paths = {"page_1": base, "last_page": base + "?page=last",
             "filtered": f"{base}?tag={quote(args.tag)}&type=texte&tri=titre"}  # fmt: skip
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-membre-0"))
    for name, path in paths.items():
        for _ in range(3):
            assert client.get(path).status_code == 200
        wall, cpu = [], []
        for _ in range(args.requests):
            started, cpu_started = time.perf_counter(), time.process_time()
            client.get(path)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        print(f"{Path(args.tree).name:18} {name:10} wall median {percentile(wall, 0.5):6.1f} "
              f"p95 {percentile(wall, 0.95):6.1f} ms  CPU median {percentile(cpu, 0.5):5.1f} ms")  # fmt: skip
    print("charge", " ".join(Path("/proc/loadavg").read_text().split()[:3]))


if __name__ == "__main__":
    main()
