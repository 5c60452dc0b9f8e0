import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from documents.models import DocumentVersion, ExtractionStatus, IntranetDocument
from tests.documents import corpus

pytestmark = pytest.mark.django_db


def _read(field_file):
    with field_file.storage.open(field_file.name, "rb") as handle:
        return handle.read()


def test_versions_keep_every_file_and_restore_adds_a_version(
    roles, client_for, add_document, django_capture_on_commit_callbacks
):
    member = roles.users["membre"]
    document = add_document(roles.open, member, "rapport.pdf", corpus.pdf_bytes(text="premiere"))
    first = _read(document.file)
    client = client_for(member)
    url = reverse("documents:versions", args=[roles.open.slug, document.pk])
    new_file = SimpleUploadedFile("rapport-v2.pdf", corpus.pdf_bytes(text="deuxieme"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": new_file, "comment": "Chiffres 2021"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert "deuxieme" in document.extracted_text
    assert [v.number for v in document.versions.all()] == [2, 1]
    assert _read(document.versions.get(number=1).file) == first
    v1 = client.get(reverse("documents:version_download", args=[document.pk, 1]))
    assert b"".join(v1.streaming_content) == first
    history = client.get(url).content.decode()
    assert "Chiffres 2021" in history and "Restaurer" in history

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"restore": "1"})
    document.refresh_from_db()
    assert [v.number for v in document.versions.all()] == [3, 2, 1]
    assert _read(document.file) == first
    assert "premiere" in document.extracted_text
    assert "Restauration de la version 1" in document.versions.get(number=3).comment
    # Nothing was overwritten: version 2 still downloads its own file.
    assert b"deuxieme" in _read(document.versions.get(number=2).file)


def test_bad_new_version_is_refused_and_keeps_the_current_file(roles, client_for, add_document):
    member = roles.users["membre"]
    document = add_document(roles.open, member, "rapport.pdf")
    response = client_for(member).post(
        reverse("documents:versions", args=[roles.open.slug, document.pk]),
        {"file": SimpleUploadedFile("v2.pdf", corpus.HTML)},
    )
    assert response.status_code == 200
    assert "son contenu est une page HTML" in response.content.decode()
    assert document.versions.count() == 1


def test_trash_restore_and_purge(roles, client_for, add_document, settings, django_capture_on_commit_callbacks):
    animateur = roles.users["animateur"]
    document = add_document(roles.open, animateur, "vieux.pdf")
    client = client_for(animateur)
    client.post(reverse("documents:delete", args=[roles.open.slug, document.pk]))
    page = client.get(reverse("documents:trash", args=[roles.open.slug])).content.decode()
    assert "vieux" in page
    client.post(reverse("documents:restore", args=[roles.open.slug, document.pk]))
    document.refresh_from_db()
    assert document.deleted_at is None

    from documents.tasks import purge_trash

    settings.DOCUMENT_TRASH_RETENTION_DAYS = 30
    recent = add_document(roles.open, animateur, "recent.pdf")
    recent.move_to_trash(animateur)
    document.move_to_trash(animateur)
    IntranetDocument.objects.filter(pk=document.pk).update(deleted_at=timezone.now() - datetime.timedelta(days=31))
    path = document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_trash.delay().get() == 1
    assert not IntranetDocument.objects.filter(pk=document.pk).exists()
    assert not DocumentVersion.objects.filter(document_id=document.pk).exists()
    assert not document.file.storage.exists(path)
    assert IntranetDocument.objects.filter(pk=recent.pk).exists()


def test_beat_schedules_purge_and_sweep_with_expiry():
    from django.conf import settings

    for name in ("documents-purge-trash", "documents-sweep-pending"):
        entry = settings.CELERY_BEAT_SCHEDULE[name]
        assert entry["options"]["expires"] < entry["schedule"]


def test_metadata_edit_and_move_between_groups(roles, client_for, add_document):
    animateur = roles.users["animateur"]
    document = add_document(roles.open, roles.users["membre"], "a-deplacer.pdf")
    client = client_for(animateur)
    url = reverse("documents:edit", args=[roles.open.slug, document.pk])
    client.post(url, {"meta-title": "Nouveau titre", "meta-description": "Résumé", "meta-tags": "eau, sdage"})
    document.refresh_from_db()
    assert document.title == "Nouveau titre" and set(document.tags.names()) == {"eau", "sdage"}
    response = client.post(url, {"move-target": roles.private.pk})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.collection_id == roles.private.collection_id
    # A member cannot move: no move form, and the group they are not animateur of is not offered.
    other = add_document(roles.open, roles.users["membre"], "a-moi.pdf")
    member_client = client_for(roles.users["membre"])
    page = member_client.get(reverse("documents:edit", args=[roles.open.slug, other.pk]))
    assert page.context["move_form"] is None


def test_broker_down_at_upload_keeps_the_upload_and_the_work_is_resent(roles, post_upload, monkeypatch):
    from ailb_intranet import tasks as background
    from ailb_intranet.celery import app
    from documents import tasks
    from ops import tasks as ops_tasks
    from ops.models import PendingTask
    from ops.tasks import resend_pending

    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis injoignable")

    def broker(send):
        for module in (background, ops_tasks):
            monkeypatch.setattr(module, "send_now", send)

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    broker(unreachable)
    response, body = post_upload(roles.open, roles.users["membre"], ("attente.pdf", corpus.pdf_bytes()))
    assert response.status_code == 200
    document = IntranetDocument.objects.get(pk=body["results"][0]["id"])
    assert document.extraction_status == ExtractionStatus.PENDING
    parked = PendingTask.objects.get()
    assert (parked.task_name, parked.args) == ("documents.extract_document_text", [document.pk])
    assert resend_pending() == 0  # still down: kept for later
    assert PendingTask.objects.get().attempts == 2  # the upload's try, then this one

    # Broker back: the parked task goes out (here: runs at once).
    sent = []
    broker(lambda name, args, kwargs: sent.append((name, args)))
    assert resend_pending() == 1
    assert sent == [("documents.extract_document_text", [document.pk])] and not PendingTask.objects.exists()

    # Last net, when a queued task was lost (Redis restarted): the sweep of pending documents.
    monkeypatch.undo()
    IntranetDocument.objects.filter(pk=document.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=1))
    assert tasks.sweep_pending_documents.delay().get() == 1
    document.refresh_from_db()
    assert document.extraction_status == ExtractionStatus.DONE


def test_extract_text_command(roles, add_document, capsys):
    document = add_document(roles.open, roles.users["membre"], "cmd.pdf")
    IntranetDocument.objects.filter(pk=document.pk).update(extraction_status="echec", extracted_text="")
    call_command("extract_text", "--failed")
    out = capsys.readouterr().out
    assert "1/1" in out and "1 document(s) traité(s)" in out
    document.refresh_from_db()
    assert document.extraction_status == ExtractionStatus.DONE and "cmd.pdf" in document.extracted_text
    with pytest.raises(CommandError, match="--all ou --failed"):
        call_command("extract_text", "--all", "--failed")
    with pytest.raises(CommandError, match="Identifiant invalide"):
        call_command("extract_text", "abc")
    with pytest.raises(CommandError, match="introuvable"):
        call_command("extract_text", "999999")


def test_other_formats_are_extracted(roles, add_document):
    member = roles.users["membre"]
    cases = {
        "note.docx": (corpus.docx_bytes("Comité technique Eau"), "Comité technique Eau"),
        "budget.xlsx": (corpus.xlsx_bytes(), "Redon 9000"),
        "h2.pptx": (corpus.pptx_bytes(), "MHOOVE"),
        "charte.odt": (corpus.odt_bytes(), "Charte de l'Habiter"),
        "latin1.csv": ("Commune;Année\nSaint-Nazaire;été\n".encode("cp1252"), "Année"),
        "notes.md": ("# Réunion\n\nÉtang de la Vilaine".encode(), "Étang"),
        "page.html": (corpus.HTML.replace(b"Bonjour", b"Bonjour Redon"), "Bonjour Redon"),
    }
    for name, (data, expected) in cases.items():
        document = add_document(roles.open, member, name, data)
        assert document.extraction_status == ExtractionStatus.DONE, (name, document.extraction_error)
        assert expected in document.extracted_text, name
        if name == "page.html":
            assert "alert" not in document.extracted_text


def test_admin_upload_is_versioned_and_trash_hidden_from_chooser(roles, client_for, add_document):
    from wagtail import hooks

    admin = roles.users["admin"]
    document = add_document(roles.open, admin, "visible.pdf")
    hidden = add_document(roles.open, admin, "cache.pdf")
    hidden.move_to_trash(admin)
    queryset = IntranetDocument.objects.all()
    for fn in hooks.get_hooks("construct_document_chooser_queryset"):
        queryset = fn(queryset, None)
    assert list(queryset) == [document]
    # A document created outside our services (Wagtail admin) still gets its first version.
    from django.core.files.base import ContentFile

    created = IntranetDocument.objects.create(
        title="Admin", collection=roles.open.collection, file=ContentFile(corpus.pdf_bytes(), name="admin.pdf")
    )
    assert created.versions.count() == 1
    client = client_for(admin)
    assert client.get("/admin/documents/").status_code == 200


def test_admin_upload_is_checked_and_replacing_a_file_keeps_the_old_one(roles, client_for, add_document):
    admin = roles.users["admin"]
    client = client_for(admin)
    refused = client.post(
        "/admin/documents/add/",
        {"title": "Faux", "file": SimpleUploadedFile("faux.pdf", corpus.HTML), "collection": roles.open.collection_id},
    )
    assert refused.status_code == 200
    assert "son contenu est une page HTML" in refused.content.decode()
    assert not IntranetDocument.objects.filter(title="Faux").exists()

    document = add_document(roles.open, admin, "original.pdf")
    first_name = document.file.name
    response = client.post(
        f"/admin/documents/edit/{document.pk}/",
        {"title": "Remplacé", "file": SimpleUploadedFile("nouveau.pdf", corpus.pdf_bytes(text="nouveau")),
         "collection": roles.open.collection_id},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    document.refresh_from_db()
    assert document.file.name != first_name
    assert document.file.storage.exists(first_name)
    assert [v.number for v in document.versions.all()] == [2, 1]
