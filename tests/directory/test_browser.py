"""In a real headless Chromium with JavaScript disabled, a member picks an EPCI and sees its LEADER contact."""

import pytest

from tests import services

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_territory_picker_without_javascript(live_server, make_user):
    from playwright.sync_api import sync_playwright

    from directory.demo import seed_directory
    from home.structure import ensure_site_structure

    ensure_site_structure()
    seed_directory(log=lambda *_: None)
    make_user("lectrice")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=services.chromium_path(), args=ARGS)
        try:
            page = browser.new_context(java_script_enabled=False).new_page()
            page.goto(f"{live_server.url}/partenaires/")
            assert "/connexion/" in page.url  # anonymous: login first
            page.fill("input[name=username]", "lectrice")
            page.fill("input[name=password]", "motdepasse-test")
            page.click("form button[type=submit], form input[type=submit]")
            page.wait_for_url("**/partenaires/")

            page.select_option("select[name=epci]", label="Bretagne Porte de Loire Communauté")
            page.click(".territory-form button[type=submit]")
            result = page.locator(".territory-result").inner_text()
            assert "Pays des Vallons de Vilaine" in result and "Nolwenn Colson" in result

            page.select_option("select[name=epci]", label="Ploërmel Communauté")
            page.click(".territory-form button[type=submit]")
            assert (
                "Aucun GAL LEADER ne couvre le territoire de Ploërmel Communauté"
                in page.locator(".territory-result").inner_text()
            )
            link = page.locator("a[href='https://www.bretagne.bzh']").first
            assert set(link.get_attribute("rel").split()) >= {"noopener", "noreferrer"}
        finally:
            browser.close()
