"""The generated bad-input corpus: each file gets a clear outcome, never a server error,
and the rest of the library is untouched."""

import pytest
from django.urls import reverse

from documents.models import ExtractionStatus, IntranetDocument
from tests.documents import corpus

pytestmark = pytest.mark.django_db

REFUSED = [
    ("vide.pdf", b"", "est vide"),
    ("page.pdf", corpus.HTML, "son contenu est une page HTML"),
    ("programme.pdf", corpus.ELF, "programme exécutable"),
    ("setup.docx", corpus.PE, "programme exécutable"),
    ("polyglotte.pdf", corpus.POLYGLOT_HTML_PDF, "son contenu est une page HTML"),
    ("script.js", b"alert(1)", "n'est pas accepté"),
    ("dessin.svg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "n'est pas accepté"),
    ("faux.docx", b"pas un document Word du tout", "n'est pas un vrai fichier .docx"),
]


@pytest.fixture
def library(roles, add_document):
    """A library with one good document that must survive every bad upload."""
    keeper = add_document(roles.open, roles.users["membre"], "a-garder.pdf")
    return roles, keeper


@pytest.mark.parametrize(("name", "data", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_uploads_say_why_in_french_and_keep_the_library(library, post_upload, name, data, message):
    roles, keeper = library
    response, body = post_upload(roles.open, roles.users["membre"], (name, data))
    assert response.status_code == 400
    result = body["results"][0]
    assert result["ok"] is False
    assert message in result["error"]
    assert list(IntranetDocument.objects.values_list("pk", flat=True)) == [keeper.pk]
    keeper.refresh_from_db()
    assert keeper.file.storage.exists(keeper.file.name)


@pytest.mark.parametrize(
    ("name", "data", "status", "reason"),
    [
        ("tronque.pdf", corpus.truncated_pdf_bytes(), ExtractionStatus.FAILED, "PDF endommagé"),
        ("chiffre.pdf", corpus.encrypted_pdf_bytes(), ExtractionStatus.FAILED, "PDF chiffré"),
        ("bombe.docx", corpus.docx_bomb_bytes(), ExtractionStatus.FAILED, "archive suspecte"),
        ("ancien.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, None, None),
    ],
    ids=["tronque", "chiffre", "bombe-docx", "doc-ancien"],
)
def test_broken_files_are_kept_with_a_reason(library, post_upload, name, data, status, reason):
    """GIVEN a file that passes the content check but cannot be read
    WHEN it is uploaded THEN the upload is kept and the extraction records why it failed."""
    roles, keeper = library
    response, body = post_upload(roles.open, roles.users["membre"], (name, data))
    if status is None:  # OLE files sniff variously; either refused clearly or kept as "non pris en charge"
        assert response.status_code in (200, 400)
        if response.status_code == 400:
            assert body["results"][0]["error"]
            return
        status = ExtractionStatus.UNSUPPORTED
    assert response.status_code == 200, body
    document = IntranetDocument.objects.get(pk=body["results"][0]["id"])
    assert document.extraction_status == status
    if reason:
        assert reason in document.extraction_error
    assert document.file.storage.exists(document.file.name)
    assert IntranetDocument.objects.filter(pk=keeper.pk, extraction_status=ExtractionStatus.DONE).exists()


def test_five_thousand_pages_pdf_is_counted_and_extraction_is_capped(library, post_upload, settings):
    settings.DOCUMENT_EXTRACT_MAX_PAGES = 50
    roles, _ = library
    response, body = post_upload(roles.open, roles.users["membre"], ("gros.pdf", corpus.pdf_bytes(pages=5000)))
    assert response.status_code == 200
    document = IntranetDocument.objects.get(pk=body["results"][0]["id"])
    assert document.extraction_status == ExtractionStatus.DONE
    assert document.page_count == 5000
    assert document.extracted_text.count("Vilaine") == 50
    assert document.preview  # first page rendered


def test_character_cap(library, post_upload, settings):
    settings.DOCUMENT_EXTRACT_MAX_CHARS = 100
    roles, _ = library
    _, body = post_upload(roles.open, roles.users["membre"], ("long.txt", ("Loire " * 1000).encode()))
    assert len(IntranetDocument.objects.get(pk=body["results"][0]["id"]).extracted_text) <= 100


def test_polyglot_pdf_starting_as_pdf_is_stored_and_served_as_pdf_only(library, post_upload, client_for):
    roles, _ = library
    response, body = post_upload(roles.open, roles.users["membre"], ("poly.pdf", corpus.POLYGLOT_PDF_HTML))
    assert response.status_code == 200
    document = IntranetDocument.objects.get(pk=body["results"][0]["id"])
    served = client_for(roles.users["membre"]).get(document.url)
    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "default-src 'none'"


def test_long_and_unicode_names_are_sanitised_but_readable(library, post_upload):
    roles, _ = library
    long_name = "é" * 251 + ".pdf"
    unicode_name = "../../Compte-rendu réunion Eau\u202e – été 2021 ✓\x07.pdf"
    response, body = post_upload(
        roles.open,
        roles.users["membre"],
        (long_name, corpus.pdf_bytes(text="long")),
        (unicode_name, corpus.pdf_bytes(text="unicode")),
    )
    assert response.status_code == 200, body
    long_doc, unicode_doc = (IntranetDocument.objects.get(pk=r["id"]) for r in body["results"])
    assert long_doc.filename.endswith(".pdf")
    assert len(long_doc.filename.encode()) <= 120
    assert long_doc.filename.startswith("éééé")
    assert len(long_doc.title) <= 255
    assert ".." not in unicode_doc.file.name and "/" not in unicode_doc.filename
    assert "\x07" not in unicode_doc.filename and "\u202e" not in unicode_doc.filename
    # Django's storage turns spaces into "_" and drops symbols; accents stay, the title keeps everything.
    assert "réunion_Eau" in unicode_doc.filename and "été_2021" in unicode_doc.filename
    assert unicode_doc.title == "Compte-rendu réunion Eau – été 2021 ✓"
    assert long_doc.title == "é" * 251


def test_oversized_upload_is_refused_while_streaming(library, client_for, settings):
    """GIVEN a 1 Mo limit WHEN a 3 Mo file is posted THEN the upload handler stops it
    mid-stream (no temporary file, no document) with a French message."""
    settings.DOCUMENT_MAX_UPLOAD_SIZE = 1024 * 1024
    roles, keeper = library
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("gros.pdf", b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024))
    client = client_for(roles.users["membre"])
    response = client.post(
        reverse("documents:upload", args=[roles.open.slug]), {"files": [big]}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert "dépasse la taille maximale autorisée (1 Mo)" in response.json()["results"][0]["error"]
    assert list(IntranetDocument.objects.values_list("pk", flat=True)) == [keeper.pk]


def test_handler_stops_reading_chunks_past_the_limit(settings):
    from django.core.files.uploadhandler import StopUpload
    from django.test import RequestFactory

    from documents.upload_handlers import MaxSizeUploadHandler

    settings.DOCUMENT_MAX_UPLOAD_SIZE = 100
    handler = MaxSizeUploadHandler(RequestFactory().post("/"))
    handler.handle_raw_input(None, {}, 50, b"x")
    handler.new_file("files", "a.pdf", "application/pdf", 50)
    assert handler.receive_data_chunk(b"x" * 60, 0) == b"x" * 60
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 60, 60)
    assert handler.request.upload_too_large is True


def test_duplicate_is_flagged_with_a_link_to_the_existing_document(library, post_upload):
    roles, keeper = library
    keeper.file.open("rb")
    data = keeper.file.read()
    keeper.file.close()
    response, body = post_upload(roles.open, roles.users["animateur"], ("copie.pdf", data))
    assert response.status_code == 400
    result = body["results"][0]
    assert "déjà dans la bibliothèque" in result["error"]
    assert result["duplicate_url"].endswith(f"#document-{keeper.pk}")
    assert IntranetDocument.objects.count() == 1


def test_one_bad_file_among_several_does_not_block_the_others(library, post_upload):
    roles, _ = library
    response, body = post_upload(
        roles.open,
        roles.users["membre"],
        ("bon.docx", corpus.docx_bytes()),
        ("mauvais.pdf", corpus.HTML),
        ("image.png", corpus.png_bytes()),
    )
    assert response.status_code == 400
    assert [r["ok"] for r in body["results"]] == [True, False, True]
    image = IntranetDocument.objects.get(pk=body["results"][2]["id"])
    assert image.kind == "image" and image.preview
