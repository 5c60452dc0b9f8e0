"""Journey 3 (issue 8): a member changes a digest frequency; a partner
unsubscribes from the link of a digest they received. Real headless Chromium."""

import re
from pathlib import Path

import pytest
from django.core import mail

from digests import sending
from digests.models import Frequency, Subscription
from tests import services

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the ORM calls of
    # the test itself are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=services.chromium_path(), args=ARGS)
        context = browser.new_context(locale="fr-FR")
        yield context
        browser.close()


def test_member_changes_frequency_and_partner_unsubscribes(world, live_server, browser_page):
    member = world.users["membre"]
    page = browser_page.new_page()
    page.goto(f"{live_server.url}/connexion/?next=/mon-compte/abonnements/")
    page.fill("#id_username", member.username)
    page.fill("#id_password", "motdepasse-test")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/mon-compte/abonnements/$"))
    page.select_option(f"#frequence-{world.open.pk}", "quotidien")
    page.click("text=Enregistrer mes abonnements")
    page.wait_for_selector("text=Vos abonnements ont été enregistrés.")
    page.screenshot(path=str(SCREENSHOTS / "digests-mes-abonnements.png"), full_page=True)
    assert Subscription.objects.get(user=member, group=world.open).frequency == Frequency.DAILY
    assert page.locator(f"#frequence-{world.open.pk}").input_value() == "quotidien"

    # The partner receives a digest and follows its unsubscribe link (no account, no cookie).
    mail.outbox = []
    sending.plan(world.when)
    sending.send_batch(sending.take_dispatchable())
    received = next(m for m in mail.outbox if "sylvie@anct.example.org" in m.to[0])
    link = re.sub(r"\s+", "", received.extra_headers["List-Unsubscribe"]).strip("<>")
    link = link.replace("http://testserver", live_server.url)
    partner_page = browser_page.browser.new_context(locale="fr-FR").new_page()
    partner_page.goto(link)
    assert partner_page.locator("h1").inner_text() == "Se désabonner des lettres d'information"
    partner_page.screenshot(path=str(SCREENSHOTS / "digests-desabonnement-confirmation.png"), full_page=True)
    assert Subscription.objects.get(partner=world.partner, group=world.open).frequency == Frequency.WEEKLY
    partner_page.click("text=Confirmer le désabonnement")
    partner_page.wait_for_selector("text=Vous êtes désabonné·e")
    partner_page.screenshot(path=str(SCREENSHOTS / "digests-desabonnement-fait.png"), full_page=True)
    assert Subscription.objects.get(partner=world.partner, group=world.open).frequency == Frequency.NEVER
