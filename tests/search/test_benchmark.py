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
    loopback THEN it measures the 20 words and 30 more queries with and without facets, and the
    suggestions, all answered 200; every relevance case finds its document in the top 3."""
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
    assert len(figures["search_page_50"]["samples"]) == 50 == len(figures["search_page_no_facets_50"]["samples"])
    assert figures["search_page"]["p95_ms"] > 0 and figures["server_rss_mib"] > 0
    assert len(figures["relevance"]) == 6
    assert all(case["rank"] is not None and case["rank"] <= 3 for case in figures["relevance"]), figures["relevance"]


@pytest.mark.postgres
def test_bulk_index_writes_the_rows_wagtail_writes(roles, make_document):
    """The benchmark's one-INSERT indexer (fast seeding) writes exactly the index entries that
    Wagtail's own ``add_bulk`` writes, vectors, weights and plain text included."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from wagtail.search.backends import get_search_backend

    from benchmarks.bench_search import bulk_index
    from documents.models import IntranetDocument

    make_document(roles.open, "Collecte des Déchets", "Rapport <b>TGAP</b> 2024.", tags=["TGAP", "eau"])
    make_document(roles.open, "Sans texte", "", description="Une description")
    documents = list(IntranetDocument.objects.prefetch_related("tags"))
    query = (
        "SELECT object_id, title::text, autocomplete::text, body::text, title_text, body_text, search_vector::text"
        " FROM wagtailsearch_indexentry WHERE content_type_id = %s ORDER BY object_id"
    )
    content_type = ContentType.objects.get_for_model(IntranetDocument).pk

    def rows():
        with connection.cursor() as cursor:
            cursor.execute(query, [content_type])
            return cursor.fetchall()

    get_search_backend().add_bulk(IntranetDocument, documents)
    wagtails = rows()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM wagtailsearch_indexentry WHERE content_type_id = %s", [content_type])
    bulk_index(IntranetDocument, documents)
    assert rows() == wagtails and len(wagtails) == 2


@pytest.mark.parametrize("script", ["side_by_side.py", "measure_search.py"])
def test_peer_benchmark_scripts_load(script):
    """The side-by-side comparison with the peer Plone needs Plone installed (benchmarks/peer_plone/
    README.md: minutes of PyPI downloads), so the suite does not run it; it checks that its scripts
    still load and describe themselves, so they do not rot unnoticed."""
    result = subprocess.run(
        [sys.executable, f"benchmarks/peer_plone/{script}", "--help"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert "--rounds" in result.stdout if script == "side_by_side.py" else "--scenario" in result.stdout
