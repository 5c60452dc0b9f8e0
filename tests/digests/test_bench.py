"""A small run of benchmarks/digests_bench.py the way production sends: a real
Celery worker (2 processes, Redis broker) consuming the fanned-out batches."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests import services
from tests.digests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.benchmark,
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.smtp,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_small_celery_run_delivers_each_digest_once_with_flat_queries(tmp_path):
    """GIVEN 60 subscribers on top of the demo data WHEN a 2-process worker sends
    them in batches of 20 THEN the bench reports every recipient served exactly
    once, and a batch twice as big costs one query more per mail, nothing else."""
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "ailb_intranet.settings.dev",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db.get('PORT') or 5432}/{db['NAME']}",
        "REDIS_URL": services.redis_url(),
        "CELERY_BROKER_URL": services.redis_url(),
        "EMAIL_PORT": str(free_port()),
        "DIGEST_BATCH_SIZE": "20",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DEBUG": "0",
    })  # fmt: skip
    result = subprocess.run(
        [sys.executable, "benchmarks/digests_bench.py", "60", "--celery", "--timeout", "240",
         "--log", str(tmp_path / "worker.log")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=400,
    )  # fmt: skip
    report = result.stdout + result.stderr[-3000:]
    assert result.returncode == 0, report
    assert "worker Celery --concurrency 2" in result.stdout
    assert "a reçu exactement un courriel" in result.stdout, report
    line = next(line for line in result.stdout.splitlines() if line.startswith("requêtes SQL par lot"))
    (small, small_queries), (big, big_queries) = [
        [int(n) for n in part.split("lettres →")] for part in line.split(":", 1)[1].split("(")[0].split(";")
    ]
    assert (small, big) == (10, 20)
    assert big_queries - small_queries == big - small
