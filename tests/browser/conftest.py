import datetime
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from tests import services

# Playwright's sync API keeps an event loop in the test thread; the ORM calls
# made by fixtures in that thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


@pytest.fixture
def chromium():
    # Per test: a running sync Playwright holds an event loop that other
    # modules' own sync_playwright() calls would trip over.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=services.chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium):
    contexts = []

    def make(bypass_csp=False):
        context = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}, bypass_csp=bypass_csp)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        for page in context.pages:
            page.goto("about:blank")  # stop admin pings before the database is flushed
        context.close()


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


PASSWORD = "motdepasse-test"  # the make_user fixture's


def login(page, base, username, password=PASSWORD):
    page.goto(f"{base}/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/connexion/" not in url)


def axe_violations(page):
    """Run axe-core (WCAG 2.1 A and AA rules, as RGAA asks) on the page."""
    if not AXE.exists():
        services.unavailable(
            os.environ.get("PYTEST_CURRENT_TEST", "axe").split(" ")[0],
            "axe-core absent (node_modules) : lancez « npm ci » à la racine du dépôt",
        )
    page.add_script_tag(path=str(AXE))
    rules = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}"
    result = page.evaluate(f"async () => await axe.run(document, {rules})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.fixture
def content(roles):
    """News, a meeting and documents in the open and the private group."""
    from documents.models import IntranetDocument
    from workgroups.models import MeetingPage, NewsPage

    news = NewsPage(
        title="Révision du SDAGE : réunion d'information",
        summary="L'EPTB Vilaine présente la révision du schéma directeur.",
        body="<p>Les EPCI sont invités à une présentation de la révision du SDAGE.</p>",
        date=timezone.localdate(),
    )
    roles.open.add_child(instance=news)
    news.save_revision().publish()
    meeting = MeetingPage(
        title="Réunion du groupe Eau",
        start=timezone.now() + datetime.timedelta(days=7),
        place="Odysseo, Redon",
        description="<p>Point d'étape.</p>",
    )
    roles.open.add_child(instance=meeting)
    meeting.save_revision().publish()
    public_doc = IntranetDocument.objects.create(
        title="Compte rendu Eau",
        file=ContentFile(b"compte rendu", name="cr-eau.txt"),
        collection=roles.open.collection,
        uploaded_by_user=roles.users["animateur"],
    )
    private_doc = IntranetDocument.objects.create(
        title="Note confidentielle hydrogène",
        file=ContentFile(b"confidentiel", name="note-h2.txt"),
        collection=roles.private.collection,
    )
    return {"news": news, "meeting": meeting, "public_doc": public_doc, "private_doc": private_doc}
