import os

import pytest
from django.contrib.auth import get_user_model

from tests import services

_not_run = services.NOT_RUN

# Celery lets this variable override any configured broker, even an explicit
# one: tests that start a worker publish to the broker they choose (REDIS_URL).
os.environ.pop("CELERY_BROKER_URL", None)


def pytest_addoption(parser):
    parser.addoption(
        "--require-services",
        action="store_true",
        default=os.environ.get("AILB_REQUIRE_SERVICES") == "1",
        help="Échouer (au lieu d'ignorer) quand un test a besoin d'un service absent (CI).",
    )


def pytest_configure(config):
    services.REQUIRE = config.getoption("--require-services")


def pytest_collection_modifyitems(items):
    """Every transactional test restores the database from its serialized copy.

    A plain transactional test flushes every table, Wagtail's root page with
    them, and re-creates content types; a serialized one after it would then
    load duplicates. Treating them all alike keeps any order working."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = (
            "transactional_db" in item.fixturenames
            or "live_server" in item.fixturenames
            or (marker is not None and marker.kwargs.get("transaction"))
        )
        if transactional and "django_db_serialized_rollback" not in item.fixturenames:
            item.fixturenames.append("django_db_serialized_rollback")


def pytest_runtest_setup(item):
    for marker in services.SERVICE_MARKERS:
        if item.get_closest_marker(marker) is None:
            continue
        reason = services.missing(marker)
        if reason is None:
            continue
        if item.config.getoption("--require-services"):
            pytest.fail(f"{reason} — requis avec --require-services", pytrace=False)
        _not_run.append((item.nodeid, reason))
        pytest.skip(reason)


def pytest_terminal_summary(terminalreporter):
    if not _not_run:
        return
    terminalreporter.section("Tests non exécutés faute de service")
    for nodeid, reason in _not_run:
        terminalreporter.write_line(f"{nodeid}: {reason}")
    terminalreporter.write_line(
        "Pour tout exécuter : DATABASE_URL=postgres://… REDIS_URL=redis://… et le paquet chromium (voir .ci/run)."
    )


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def site_tree(db):
    from home.structure import ensure_site_structure

    return ensure_site_structure()


@pytest.fixture
def make_user(db):
    counter = {"n": 0}

    def make(username=None, *, superuser=False, **extra):
        counter["n"] += 1
        username = username or f"user{counter['n']}"
        User = get_user_model()
        user = User.objects.create_user(
            username=username, password="motdepasse-test", email=f"{username}@example.org",
            first_name=extra.pop("first_name", username.title()), last_name=extra.pop("last_name", "Test"),
            is_superuser=superuser, is_staff=superuser, **extra,
        )  # fmt: skip
        return user

    return make


@pytest.fixture
def make_group(site_tree):
    from workgroups.models import WorkingGroupPage

    def make(slug="eau", title=None, visibility="ouvert", theme="Thème de test"):
        page = WorkingGroupPage(slug=slug, title=title or slug.title(), theme=theme, visibility=visibility)
        site_tree["groups"].add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    return make


@pytest.fixture
def roles(make_user, make_group):
    """Two groups (one open, one private) and a user for each role.

    ``roles.users`` maps role name → user (None for anonymous): "anonyme",
    "autre_groupe" (member of a third group only), "membre", "animateur",
    "admin". The member and animateur belong to both ``open`` and ``private``.
    """
    from workgroups.membership import Role, set_role

    class Roles:
        pass

    r = Roles()
    r.open = make_group("eau", "Eau", "ouvert")
    r.private = make_group("hydrogene", "Mobilités décarbonées – hydrogène", "prive")
    r.other = make_group("tourisme", "Tourisme", "ouvert")
    member, animateur, outsider = make_user("membre"), make_user("animateur"), make_user("autre")
    for group in (r.open, r.private):
        set_role(group, member, Role.MEMBER)
        set_role(group, animateur, Role.ANIMATEUR)
    set_role(r.other, outsider, Role.MEMBER)
    r.users = {
        "anonyme": None,
        "autre_groupe": get_user_model().objects.get(pk=outsider.pk),
        "membre": get_user_model().objects.get(pk=member.pk),
        "animateur": get_user_model().objects.get(pk=animateur.pk),
        "admin": make_user("admin", superuser=True),
    }
    return r


@pytest.fixture
def client_for(client):
    """A test client logged in as ``user`` (or anonymous for None)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _wagtail_base_rows(request):
    """A transactional test (live_server, a worker, a restore) ends with a flush that
    removes the locale, root page and root collection Wagtail's migrations create;
    put them back so that the next transactional test starts from the same base."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("live_server", "transactional_db")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from wagtail.models import Collection, Locale, Page

    Locale.objects.get_or_create(language_code="fr")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", live=True))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
