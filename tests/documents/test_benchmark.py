"""A small run of benchmarks/bench_library.py (N=200) against PostgreSQL and a real gunicorn."""

import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = [pytest.mark.benchmark, pytest.mark.postgres]


def test_small_benchmark_run(tmp_path):
    db = settings.DATABASES["default"]
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    # A database of its own beside the test database (the script migrates it and empties its library).
    url = f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{host}/{db['NAME']}_bench"
    import psycopg

    admin = f"postgresql://{db['USER']}:{db.get('PASSWORD') or ''}@{host}/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}_bench"')
        connection.execute(f'CREATE DATABASE "{db["NAME"]}_bench"')
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, "benchmarks/bench_library.py", "--n", "200", "--ingest", "10", "--big-mb", "90",
         "--requests", "10", "--port", "8313", "--database-url", url, "--json", str(out)],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=600,
        env={"PATH": "/usr/bin:/bin", "BENCH_MEDIA_ROOT": str(tmp_path / "media")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    import json

    figures = json.loads(out.read_text())
    queries = figures["queries"]
    # Repeated views: rendered list and filtered total come from the cache, same count everywhere.
    assert queries["page_1"] == queries["last_page"] == queries["filtered"]
    # First view after a change: facets, list and its tags (+ COUNT when filtering).
    assert queries["page_1_after_change"] == queries["page_1"] + 5
    assert queries["filtered_after_change"] == queries["page_1_after_change"] + 1
    assert figures["library"]["page_1"]["p95_ms"] > 0
    assert figures["ingest"]["failures"] == 0 and figures["ingest"]["extracted"] == 10
    assert figures["big_upload"]["ok"] is True
    # Streaming: a 90 MB upload must not grow the worker by anything like 90 MB. What it does grow by
    # (~35 MiB, measured the same for 30 and 90 MB) is the extracted text, capped at 2 million
    # characters, extracted and then indexed inside the request (the benchmark runs tasks eagerly).
    assert figures["big_upload"]["worker_peak_growth_mib"] < 60
