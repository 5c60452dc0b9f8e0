import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from documents.models import IntranetDocument
from home import demo_data
from workgroups.models import MeetingPage, NewsPage, WorkingGroupPage

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_report_population_and_contribution_totals():
    """The report's table: 481,984 inhabitants (2020) and 72,297.60 € of 2021 dues."""
    population_2020 = sum(row[4] for row in demo_data.EPCI)
    contributions = sum(Decimal(row[4]) * demo_data.CONTRIBUTION_RATE_2021 for row in demo_data.EPCI)
    assert len(demo_data.EPCI) == 13
    assert population_2020 == demo_data.REPORTED_TOTAL_POPULATION_2020 == 481984
    assert contributions == demo_data.REPORTED_TOTAL_CONTRIBUTION_2021 == Decimal("72297.60")
    assert sum(row[3] for row in demo_data.EPCI) == 481212  # the 2019 column


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_builds_the_six_groups(django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # extraction runs after commit
        call_command("seed_demo", stdout=out)

    def counts():
        return (get_user_model().objects.count(), NewsPage.objects.count(), MeetingPage.objects.count(),
                IntranetDocument.objects.count())  # fmt: skip

    before = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == before
    assert before[3] == 6

    groups = {g.slug: g for g in WorkingGroupPage.objects.all()}
    assert set(groups) == {"habiter", "dechets", "eau", "tourisme", "hydrogene", "campus"}
    assert groups["hydrogene"].visibility == "prive"
    assert all(g.visibility == "ouvert" for slug, g in groups.items() if slug != "hydrogene")
    assert MeetingPage.objects.filter(start__year=2021, kind="ag").count() == 3
    assert [r.name for r in groups["hydrogene"].referents.all()] == ["Bernard Ethoré", "Dominique David"]
    assert "ailb-demo-2021" in out.getvalue()
    secret = IntranetDocument.objects.get(title__startswith="Note confidentielle")
    assert secret.collection == groups["hydrogene"].collection
    assert "MHOOVE" in secret.extracted_text


def _run(settings_module, **env):
    environ = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")}
    environ.update(env, DJANGO_SETTINGS_MODULE=settings_module)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
         "print(repr(settings.ALLOWED_HOSTS), settings.DEBUG, settings.LANGUAGE_CODE, settings.TIME_ZONE)"],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_essentials(missing):
    """DATABASE_URL too: production never falls back to the embedded SQLite file."""
    env = {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "intranet.example.org", "DATABASE_URL": "postgres://ailb@db/ailb"}
    env.pop(missing)
    result = _run("ailb_intranet.settings.production", **env)
    assert result.returncode != 0
    assert f"La variable d'environnement {missing} est obligatoire" in result.stderr


def test_production_reads_typed_values_from_the_environment():
    result = _run(
        "ailb_intranet.settings.production",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="a.example.org,b.example.org",
        DATABASE_URL="postgres://ailb@db/ailb",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["['a.example.org',", "'b.example.org']", "False", "fr", "Europe/Paris"]


def test_dev_settings_default_to_sqlite_under_var():
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default'])"
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ["DJANGO_SETTINGS_MODULE"] = "ailb_intranet.settings.dev"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True)
    assert "sqlite3" in result.stdout and "var/db.sqlite3" in result.stdout
