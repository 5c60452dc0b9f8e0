import json
import subprocess
import sys

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from workgroups.membership import Role, set_role

from . import servers

PASSWORD = "mot-de-passe-charge"


@pytest.mark.benchmark
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_short_load_run_has_no_errors(make_user, make_group, tmp_path):
    """GIVEN gunicorn on PostgreSQL and three members WHEN 10 users browse for 10 s
    THEN every request succeeds and the report gives p50/p95 and requests per second."""
    groups = [make_group(slug, slug.title()) for slug in ("eau", "tourisme")]
    usernames = []
    for index in range(3):
        user = make_user(f"charge{index}")
        user.password = PBKDF2PasswordHasher().encode(PASSWORD, f"selcharge{index}", iterations=1000)
        user.save()
        for group in groups:
            set_role(group, user, Role.MEMBER)
        usernames.append(user.username)
    web = servers.start_gunicorn(servers.web_env())
    try:
        report_path = tmp_path / "charge.json"
        result = subprocess.run(
            [sys.executable, "benchmarks/load_test.py", "--host", f"http://127.0.0.1:{servers.WEB_PORT}",
             "--users", "10", "--duration", "10", "--usernames", ",".join(usernames), "--password", PASSWORD,
             "--json", str(report_path)],
            cwd=servers.ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    finally:
        servers.stop(web)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(report_path.read_text())
    assert report["errors"] == 0
    assert report["requests"] >= 30
    assert report["p95_ms"] >= report["p50_ms"] > 0
    assert {"/", "/groupes/[groupe]/", "/recherche/?q=…"} <= set(report["per_page"])


def test_load_script_refuses_anything_but_loopback():
    result = subprocess.run(
        [sys.executable, "benchmarks/load_test.py", "--host", "http://example.org", "--users", "1",
         "--duration", "1", "--usernames", "x", "--password", "y"],
        cwd=servers.ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "boucle locale" in result.stderr
