"""Real SMTP on loopback (aiosmtpd)."""

import re

import pytest

from digests import sending
from digests.models import Delivery, DeliveryStatus
from digests.tasks import dispatch_due_digests

pytestmark = [pytest.mark.django_db, pytest.mark.smtp]


def test_digest_reaches_a_real_smtp_server_with_headers_and_both_parts(
    world, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.DIGEST_REPLY_TO = "equipe@ailb.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_due_digests(world.when.isoformat())  # eager: plan, fan out, send
    assert sorted(smtp_sink.recipients()) == sorted(
        ["membre@example.org", "animateur@example.org", "autre@example.org", "sylvie@anct.example.org"]
    )
    partner_mail = next(m["message"] for m in smtp_sink.messages if m["to"] == ["sylvie@anct.example.org"])
    unsubscribe = re.sub(r"\s+", "", partner_mail["List-Unsubscribe"])  # long headers are folded
    assert unsubscribe.startswith("<http://testserver/desabonnement/") and unsubscribe.endswith("/>")
    assert partner_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    delivery = Delivery.objects.get(recipient_key=f"partner:{world.partner.pk}")
    assert partner_mail["Message-ID"] == delivery.message_id and delivery.message_id.startswith("<digest.")
    assert partner_mail["Reply-To"] == "equipe@ailb.example.org"
    parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in partner_mail.walk()
             if not p.is_multipart()}  # fmt: skip
    assert set(parts) == {"text/plain", "text/html"}
    for body in parts.values():
        assert "Note eau partagée" in body and "Actualité eau" in body and "Réunion eau" in body
        # links carry random signed tokens, which may hold « h2 » by chance: only the text is checked
        text = re.sub(r"https?://[^\s\"'<>)]+", "", body).lower()
        assert "Plan H2 confidentiel" not in body and "Note eau interne" not in body and "h2" not in text
        assert "Gérer mes abonnements" in body
    assert 'style="' in parts["text/html"] and "<style" not in parts["text/html"]  # CSS inlined
    from django.test import Client

    # The partner has no account: the document link of the mail opens the file as it is.
    link = re.search(r"http://testserver(/lettre/document/[^/\s]+/)", parts["text/plain"]).group(1)
    assert f'href="http://testserver{link}"' in parts["text/html"]
    assert b"".join(Client().get(link).streaming_content) == b"contenu"
    # The unsubscribe link of the received mail works in one POST, without cookies.
    path = unsubscribe.strip("<>").removeprefix("http://testserver")
    assert Client(enforce_csrf_checks=True).post(path).status_code == 200
    assert not world.partner.subscriptions.filter(group=world.open, frequency="hebdomadaire").exists()
    assert Client().get(link).status_code == 404  # unsubscribed: the document link is revoked too


def test_transient_smtp_errors_are_retried_then_delivered_once(
    world, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.DIGEST_RETRY_BACKOFF = 0  # no waiting in tests; the backoff formula is tested below
    smtp_sink.fail_codes = ["421 4.3.2 Service indisponible", "451 4.3.0 Réessayez plus tard"]
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_due_digests(world.when.isoformat())
    recipients = smtp_sink.recipients()
    assert len(recipients) == len(set(recipients)) == 4
    retried = Delivery.objects.filter(attempts__gt=1)
    assert retried.exists() and all(d.status == DeliveryStatus.SENT for d in retried)


def test_permanent_failure_is_visible_to_admins_and_can_be_retried(
    world, smtp_sink, settings, client_for, django_capture_on_commit_callbacks
):
    settings.DIGEST_RETRY_BACKOFF = 0
    settings.DIGEST_MAX_ATTEMPTS = 2
    smtp_sink.fail_codes = ["451 4.3.0 Réessayez"] * 20
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_due_digests(world.when.isoformat())
    failed = Delivery.objects.filter(status=DeliveryStatus.FAILED)
    assert failed.count() == 4 and smtp_sink.messages == []
    assert "451" in failed.first().last_error
    admin = client_for(world.users["admin"])
    listing = admin.get("/admin/digests/envois/?status=echec")
    assert listing.status_code == 200 and "Réessayer" in listing.content.decode()
    smtp_sink.fail_codes = []
    target = failed.first()
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(f"/admin/digests/envois/{target.pk}/reessayer/").status_code == 302
    target.refresh_from_db()
    assert target.status == DeliveryStatus.SENT and len(smtp_sink.messages) == 1


def test_connection_refused_is_transient():
    assert sending.is_transient(ConnectionRefusedError())
    import smtplib

    assert sending.is_transient(smtplib.SMTPResponseException(421, b"busy"))
    assert not sending.is_transient(smtplib.SMTPResponseException(550, b"no such user"))


def test_backoff_grows_exponentially_with_jitter(settings):
    settings.DIGEST_RETRY_BACKOFF = 60
    delays = [sending.backoff_delay(n) for n in (1, 2, 3)]
    assert 60 <= delays[0] <= 120 and 120 <= delays[1] <= 240 and 240 <= delays[2] <= 480
