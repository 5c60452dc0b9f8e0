"""A web worker builds, before its first request, what that request used to build (``ops.warmup``).

Each check runs in a new interpreter, as a gunicorn worker starts: in this test process everything
is long built already."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.template import engines
from django.urls import get_resolver

from ops.warmup import project_template_names, warm_up

loader = engines["django"].engine.template_loaders[0]
before = {"templates": len(loader.get_template_cache), "urls": get_resolver()._populated}
compiled = warm_up()
search = get_resolver().namespace_dict["search"][1]
print(json.dumps({
    "before": before,
    "compiled": compiled,
    "names": project_template_names(),
    "cached": sorted(name for name, value in loader.get_template_cache.items() if not isinstance(value, type)),
    "urls": get_resolver()._populated and search._populated,
}))
"""


def run_probe():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ailb_intranet.settings.test",
        # Nothing listens there: the warm-up must not need the database (a worker starts while it is down).
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
        "REDIS_URL": "redis://127.0.0.1:9/0",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_warm_up_builds_templates_and_url_tables_without_the_database():
    """GIVEN a new process whose database and Redis are unreachable
    WHEN the worker's warm-up runs
    THEN every project template is compiled and cached and the URL tables of the namespaces are built,
    neither of which was there before, and it needed no database."""
    probe = run_probe()
    assert probe["before"] == {"templates": 0, "urls": False}
    assert {"base.html", "search/search.html", "documents/library.html"} <= set(probe["names"])
    assert probe["compiled"] == len(probe["names"])
    assert set(probe["names"]) <= set(probe["cached"])
    assert probe["urls"] is True


def test_gunicorn_worker_init_warms_up_before_freezing(monkeypatch):
    """The gunicorn hook calls the warm-up before freezing, so the objects it builds are frozen too."""
    import gc
    import runpy

    import ops.warmup

    freeze_counts = []
    monkeypatch.setattr(ops.warmup, "warm_up", lambda: freeze_counts.append(gc.get_freeze_count()))
    config = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    before = gc.get_freeze_count()
    try:
        config["post_worker_init"](worker=None)
        assert freeze_counts == [before]  # called once, while nothing new was frozen yet
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
