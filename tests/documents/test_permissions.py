"""Permission matrix: roles × ways in, for an open and a private group."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.documents import corpus

pytestmark = pytest.mark.django_db

ROLES = ["anonyme", "autre_groupe", "membre", "animateur", "admin"]
ACTIONS = ["bibliotheque", "telechargement", "apercu", "version", "depot", "suppression", "restauration"]

# ok = allowed, login = sent to the login page, refus = 403 "accès refusé"
OPEN = {
    "anonyme": dict.fromkeys(ACTIONS, "login"),
    "autre_groupe": {"bibliotheque": "ok", "telechargement": "ok", "apercu": "ok", "version": "ok",
                     "depot": "refus", "suppression": "refus", "restauration": "refus"},
    "membre": {"bibliotheque": "ok", "telechargement": "ok", "apercu": "ok", "version": "ok",
               "depot": "ok", "suppression": "refus", "restauration": "refus"},
    "animateur": dict.fromkeys(ACTIONS, "ok"),
    "admin": dict.fromkeys(ACTIONS, "ok"),
}  # fmt: skip
PRIVATE = {**OPEN, "autre_groupe": dict.fromkeys(ACTIONS, "refus")}


def _outcome(response):
    if response.status_code == 403:
        return "refus"
    if response.status_code == 302 and response["Location"].startswith("/connexion/"):
        return "login"
    if response.status_code in (200, 302):
        return "ok"
    return f"HTTP {response.status_code}"


def _matrix(roles, group, client_for, add_document, django_capture_on_commit_callbacks):
    animateur = roles.users["animateur"]
    document = add_document(group, animateur, f"{group.slug}-rapport.pdf")
    assert document.preview, "the PDF preview is needed for the matrix"
    table = {}
    for role in ROLES:
        user = roles.users[role]
        client = client_for(user)
        doomed = add_document(group, animateur, f"{group.slug}-{role}-a-supprimer.pdf")
        trashed = add_document(group, animateur, f"{group.slug}-{role}-corbeille.pdf")
        trashed.move_to_trash(animateur)
        upload = SimpleUploadedFile(f"{role}.pdf", corpus.pdf_bytes(text=f"{group.slug} {role}"))
        with django_capture_on_commit_callbacks(execute=True):
            upload_response = client.post(reverse("documents:upload", args=[group.slug]), {"files": [upload]})
        responses = {
            "bibliotheque": client.get(reverse("documents:library", args=[group.slug])),
            "telechargement": client.get(document.url),
            "apercu": client.get(reverse("documents:preview", args=[document.pk])),
            "version": client.get(reverse("documents:version_download", args=[document.pk, 1])),
            "depot": upload_response,
            "suppression": client.post(reverse("documents:delete", args=[group.slug, doomed.pk])),
            "restauration": client.post(reverse("documents:restore", args=[group.slug, trashed.pk])),
        }
        table[role] = {action: _outcome(response) for action, response in responses.items()}
        doomed.refresh_from_db()
        trashed.refresh_from_db()
        # The outcome is real, not only a status code.
        assert (doomed.deleted_at is not None) == (table[role]["suppression"] == "ok")
        assert (trashed.deleted_at is None) == (table[role]["restauration"] == "ok")
    return table


def test_open_group_matrix(roles, client_for, add_document, django_capture_on_commit_callbacks):
    assert _matrix(roles, roles.open, client_for, add_document, django_capture_on_commit_callbacks) == OPEN


def test_private_group_matrix(roles, client_for, add_document, django_capture_on_commit_callbacks):
    assert _matrix(roles, roles.private, client_for, add_document, django_capture_on_commit_callbacks) == PRIVATE


def test_trashed_documents_are_not_served_to_anyone(roles, client_for, add_document):
    document = add_document(roles.open, roles.users["animateur"], "jete.pdf")
    document.move_to_trash(roles.users["animateur"])
    for role in ("membre", "animateur", "admin"):
        client = client_for(roles.users[role])
        assert client.get(document.url).status_code == 404
        assert client.get(reverse("documents:preview", args=[document.pk])).status_code == 404
        assert client.get(reverse("documents:version_download", args=[document.pk, 1])).status_code == 404


def test_a_document_is_only_reachable_through_its_own_group(roles, client_for, add_document):
    document = add_document(roles.private, roles.users["animateur"], "prive.pdf")
    client = client_for(roles.users["animateur"])
    assert client.get(reverse("documents:versions", args=[roles.open.slug, document.pk])).status_code == 404
    assert client.get(reverse("documents:versions", args=[roles.private.slug, document.pk])).status_code == 200


def test_download_headers(roles, client_for, add_document):
    """PDF, text and raster images inline; HTML and office files always as attachments; never sniffed."""
    client = client_for(roles.users["membre"])
    expectations = {
        "a.pdf": (corpus.pdf_bytes(text="a"), "inline", "application/pdf"),
        "b.txt": (b"Bonjour la Vilaine", "inline", "text/plain"),
        "c.png": (corpus.png_bytes(), "inline", "image/png"),
        "d.html": (corpus.HTML, "attachment", "text/html"),
        "e.docx": (corpus.docx_bytes(), "attachment", None),
    }
    for name, (data, disposition, content_type) in expectations.items():
        document = add_document(roles.open, roles.users["membre"], name, data)
        for url in (document.url, reverse("documents:version_download", args=[document.pk, 1])):
            response = client.get(url)
            assert response.status_code == 200, (name, url)
            assert response["Content-Disposition"].startswith(disposition), (name, url)
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Security-Policy"] == "default-src 'none'"
            if content_type:
                assert response["Content-Type"].startswith(content_type)
