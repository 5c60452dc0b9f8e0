import threading
import time
from datetime import datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from digests.schedule import PARIS


class SinkHandler:
    """A loopback SMTP server's handler: records messages, can answer transient
    errors a number of times and can be slow before accepting a recipient."""

    def __init__(self):
        self.messages = []
        self.fail_codes = []  # e.g. ["421 Service indisponible", "451 Réessayez"], consumed one per MAIL
        self.rcpt_delay = 0.0
        self.rcpt_waiting = 0  # recipients being held by rcpt_delay right now (a message in flight)
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self.lock:
            failure = self.fail_codes.pop(0) if self.fail_codes else None
        if failure:
            return failure
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_delay:
            import asyncio

            self.rcpt_waiting += 1
            try:
                await asyncio.sleep(self.rcpt_delay)
            finally:
                self.rcpt_waiting -= 1
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import email

        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append({"to": list(envelope.rcpt_tos), "message": message})
        return "250 Message accepted"

    def recipients(self):
        return [m["to"][0] for m in self.messages]


def free_port(start=8330, end=8339):
    import socket

    for port in range(start, end + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("Aucun port libre entre 8330 et 8339")


@pytest.fixture
def smtp_sink(settings):
    handler = SinkHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 10
    handler.port = port
    yield handler
    controller.stop()


def next_weekly_slot(after=None):
    """The next weekly slot strictly after ``after`` (Paris), plus 10 minutes: a due moment."""
    after = (after or timezone.now()).astimezone(PARIS)
    day = after.date()
    for offset in range(0, 8):
        candidate = day + timedelta(days=offset)
        if candidate.isoweekday() != settings.DIGEST_WEEKLY_DAY:
            continue
        slot = datetime.combine(candidate, datetime.min.time(), tzinfo=PARIS).replace(hour=settings.DIGEST_DAILY_HOUR)
        if slot > after:
            return slot + timedelta(minutes=10)
    raise AssertionError("unreachable")


def make_document(group, title, user, *, shared=False, tags=()):
    from documents.models import IntranetDocument

    doc = IntranetDocument.objects.create(
        title=title, file=SimpleUploadedFile(f"{title[:20]}.txt", b"contenu"), collection=group.collection,
        uploaded_by_user=user, shared_with_partners=shared,
    )  # fmt: skip
    if tags:
        doc.tags.add(*tags)
    return doc


@pytest.fixture
def world(roles):
    """GIVEN an open group (eau), a private one (hydrogène), another open one (tourisme),
    each with a new document, a news item and a meeting in the next days, and a
    partner subscribed to eau and hydrogène."""
    from digests.services import subscribe_partner
    from workgroups.models import MeetingPage, NewsPage

    when = next_weekly_slot()
    animateur = roles.users["animateur"]
    outsider = roles.users["autre_groupe"]
    w = roles
    w.when = when
    w.docs = {
        "eau_partage": make_document(roles.open, "Note eau partagée", animateur, shared=True, tags=["SDAGE"]),
        "eau_interne": make_document(roles.open, "Note eau interne", animateur),
        "h2_secret": make_document(roles.private, "Plan H2 confidentiel", animateur, shared=True),
        "tourisme": make_document(roles.other, "Étude tourisme", outsider),
    }
    for group, label in ((roles.open, "eau"), (roles.private, "h2"), (roles.other, "tourisme")):
        group.add_child(instance=NewsPage(title=f"Actualité {label}", slug=f"actu-{label}", summary=f"Chapô {label}",
                                          body="<p>x</p>"))  # fmt: skip
        NewsPage.objects.get(slug=f"actu-{label}").save_revision().publish()
        group.add_child(instance=MeetingPage(title=f"Réunion {label}", slug=f"reunion-{label}",
                                             start=when + timedelta(days=3), place=f"Salle {label}"))  # fmt: skip
        MeetingPage.objects.get(slug=f"reunion-{label}").save_revision().publish()
    w.partner, _ = subscribe_partner(roles.open, email="sylvie@anct.example.org", name="Sylvie Cabassot",
                                     organisation="ANCT")  # fmt: skip
    subscribe_partner(roles.private, email="sylvie@anct.example.org", name="Sylvie Cabassot", organisation="ANCT")
    return w


def wait_for(predicate, timeout=30.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
