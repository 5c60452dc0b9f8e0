import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.services import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.benchmark
@pytest.mark.postgres
def test_small_search_benchmark_run(transactional_db, tmp_path):
    """GIVEN 300 corpus documents in the test database WHEN the benchmark runs against gunicorn on
    loopback THEN it measures 20 words for the page and the suggestions, all answered 200."""
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    out = tmp_path / "bench.json"
    env = {**os.environ, "DATABASE_URL": url, "BENCH_RESEED": "1"}
    subprocess.run(
        [sys.executable, "benchmarks/bench_search.py", "--n", "300", "--port", str(free_port()), "--out", str(out)],
        cwd=ROOT, env=env, check=True, timeout=300,
    )  # fmt: skip
    figures = json.loads(out.read_text())
    assert len(figures["search_page"]["samples"]) == 20 == len(figures["suggestions"]["samples"])
    assert figures["search_page"]["p95_ms"] > 0 and figures["server_rss_mib"] > 0
