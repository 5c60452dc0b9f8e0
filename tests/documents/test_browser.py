"""Journey 1 in a real headless Chromium: a member drops a PDF and a DOCX on the Eau library."""

from pathlib import Path

import pytest

from tests import services
from tests.documents import corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


def test_member_drops_two_files_and_finds_the_pdf(roles, live_server):
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=services.chromium_path(), args=ARGS)
        page = browser.new_page()
        errors = []
        page.on(
            "response",
            lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None,
        )
        page.goto(f"{live_server.url}/connexion/")
        page.fill("#id_username", "membre")
        page.fill("#id_password", "motdepasse-test")
        page.click("main button[type=submit], main input[type=submit]")
        page.click("nav.main-nav >> text=Groupes de travail")
        page.click("main >> a:has-text('Eau')")
        page.click("text=Bibliothèque de documents")
        expect(page.locator("h1")).to_contain_text("Bibliothèque de documents – Eau")
        page.screenshot(path=SCREENSHOTS / "documents-1-bibliotheque-vide.png", full_page=True)
        # The file chooser speaks French whatever the browser's language: the native input is out
        # of sight (but reachable from the keyboard) and its French label is the button.
        button = page.locator("label.file-button")
        expect(button).to_be_visible()
        expect(button).to_have_text("choisissez un ou plusieurs fichiers")
        native = page.locator("#fichiers")
        assert native.evaluate("input => getComputedStyle(input).opacity") == "0"
        native.focus()
        assert page.evaluate("document.activeElement.id") == "fichiers"

        page.set_input_files(
            "#drop-zone input[type=file]",
            [
                {"name": "SDAGE Vilaine 2022.pdf", "mimeType": "application/pdf",
                 "buffer": corpus.pdf_bytes(text="SDAGE Vilaine")},
                {"name": "Compte rendu comité Eau.docx",
                 "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "buffer": corpus.docx_bytes("Comité Eau")},
            ],
        )  # fmt: skip
        items = page.locator("#upload-list li")
        expect(items).to_have_count(2)
        expect(page.locator("#upload-list li[data-state=ok]")).to_have_count(2, timeout=20_000)
        for index in range(2):
            assert items.nth(index).locator("progress").evaluate("bar => bar.value") == 100
        page.screenshot(path=SCREENSHOTS / "documents-2-depot-termine.png", full_page=True)

        page.click("#upload-done a")
        row = page.locator("table.documents-table tr", has_text="SDAGE Vilaine 2022")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("PDF")
        expect(page.locator("table.documents-table")).to_contain_text("Compte rendu comité Eau")
        page.screenshot(path=SCREENSHOTS / "documents-3-bibliotheque.png", full_page=True)
        browser.close()
    assert not errors, errors
