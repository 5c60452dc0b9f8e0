"""Real Chromium against the live server: journey 4 (access denied), axe-core
on every main page, keyboard use, and the CSP seen by a real browser."""

import pytest

from .conftest import axe_violations, login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journey_4_outsider_gets_french_access_denied(live_server, new_page, roles, content):
    page = new_page()
    login(page, live_server.url, "autre")
    for name, url in (("groupe-prive", roles.private.url), ("document-prive", content["private_doc"].url)):
        response = page.goto(live_server.url + url)
        assert response.status == 403, (url, response.status)
        assert page.get_by_role("heading", name="Accès refusé").is_visible()
        assert "confidentiel" not in page.content()
        shot(page, f"parcours4-{name}-acces-refuse")


PAGES = {
    "accueil": "/",
    "groupes": "/groupes/",
    "groupe": "/groupes/eau/",
    "membres": "/groupes/eau/membres/",
    "bibliotheque": "/groupes/eau/documents/",
    "actualites": "/actualites/",
    "actualite": None,
    "agenda": "/agenda/",
    "recherche": "/recherche/?q=SDAGE",
}


def test_main_pages_have_no_axe_violations(live_server, new_page, roles, content):
    page = new_page(bypass_csp=True)  # axe is injected as an inline script
    response = page.goto(live_server.url + "/connexion/")
    assert response.status == 200
    found = {"connexion": axe_violations(page)}
    shot(page, "connexion")
    login(page, live_server.url, "membre")
    for name, path in PAGES.items():
        path = path or content["news"].url
        response = page.goto(live_server.url + path)
        assert response.status == 200, (path, response.status)
        found[name] = axe_violations(page)
        shot(page, name)
    assert {name: v for name, v in found.items() if v} == {}


def test_login_errors_are_announced_and_tied_to_the_fields(live_server, new_page, roles):
    page = new_page(bypass_csp=True)
    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Identifiant").fill("membre")
    page.get_by_label("Mot de passe").fill("faux")
    page.get_by_role("button", name="Se connecter").click()
    error = page.get_by_role("alert")
    assert error.is_visible()
    for field in ("Identifiant", "Mot de passe"):
        locator = page.get_by_label(field)
        assert locator.get_attribute("aria-invalid") == "true"
        assert locator.get_attribute("aria-describedby") == error.get_attribute("id")
    assert axe_violations(page) == []
    shot(page, "connexion-erreur")


def _focused(page, expression):
    return page.evaluate(f"() => document.activeElement.{expression}")


def test_keyboard_only_login_skip_link_and_visible_focus(live_server, new_page, roles):
    page = new_page()
    page.goto(live_server.url + "/connexion/")
    assert _focused(page, "id") == "id_username"  # the form is ready to type into
    page.keyboard.type("membre")
    page.keyboard.press("Tab")
    assert _focused(page, "id") == "id_password"
    page.keyboard.type("motdepasse-test")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/connexion/" not in url)

    page.keyboard.press("Tab")
    assert _focused(page, "className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    assert _focused(page, "matches(':focus-visible')")
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") not in ("none", "")
    shot(page, "clavier-lien-evitement")
    for _ in range(4):  # the next stops (brand, search, menu) show where the focus is too
        page.keyboard.press("Tab")
        style = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }"
        )
        assert style[0] != "none" and style[1] != "0px", (_focused(page, "outerHTML"), style)
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
    assert _focused(page, "className") == "skip-link"
    page.keyboard.press("Enter")
    assert _focused(page, "id") == "contenu"


def test_content_security_policy_holds_in_a_real_browser(live_server, new_page, roles, content):
    page = new_page()
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    login(page, live_server.url, "membre")
    for path in ("/", "/groupes/eau/", "/recherche/?q=eau", "/agenda/"):
        page.goto(live_server.url + path)
    assert violations == []
    # An injected inline script is refused by the policy.
    blocked = page.evaluate(
        """() => new Promise(resolve => {
            document.addEventListener('securitypolicyviolation', e => resolve(e.violatedDirective));
            const s = document.createElement('script'); s.textContent = 'window.injected = 1'; document.body.append(s);
            setTimeout(() => resolve(window.injected ? 'exécuté' : 'aucun'), 1000);
        })"""
    )
    assert blocked.startswith("script-src")


def test_two_factor_pages_have_no_axe_violations(live_server, new_page, roles):
    page = new_page(bypass_csp=True)
    login(page, live_server.url, "animateur")
    page.goto(live_server.url + "/mon-compte/double-authentification/")
    assert page.get_by_role("img", name="QR code de configuration de la double authentification").is_visible()
    page.get_by_label("Code à 6 chiffres").fill("000000")
    page.get_by_role("button", name="Activer la double authentification").click()
    assert page.get_by_text("Code incorrect").is_visible()
    assert axe_violations(page) == []
    shot(page, "double-authentification")
