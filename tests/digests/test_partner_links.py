"""Partners have no account: the documents of their digest open through a signed,
expiring link, and the partners' rule is checked again at each download."""

from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from digests import partner_links, recipients
from digests.models import Frequency, Subscription

from .test_content_and_views import digest_for

pytestmark = pytest.mark.django_db


def _link_of(digest, title):
    for section in digest.sections:
        for doc in section.documents:
            if doc["title"] == title:
                return doc["url"]
    raise AssertionError(f"{title} absent from the digest")


def _path(url):
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


@pytest.fixture
def partner_link(world):
    digest = digest_for(recipients.from_partner(world.partner), world.when)
    return _path(_link_of(digest, "Note eau partagée"))


def test_partner_digest_links_open_the_shared_document_without_an_account(world, partner_link):
    response = Client().get(partner_link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"contenu"
    assert response["X-Content-Type-Options"] == "nosniff"
    entry = ModelLogEntry.objects.filter(action="ailb.document.download").latest("timestamp")
    assert entry.object_id == str(world.docs["eau_partage"].pk)
    assert entry.data["partner_email"] == "sylvie@anct.example.org"


def test_member_digests_keep_the_intranet_link(world):
    digest = digest_for(recipients.from_user(world.users["membre"]), world.when)
    link = _link_of(digest, "Note eau partagée")
    assert "/lettre/document/" not in link
    assert link.endswith(world.docs["eau_partage"].url)


def _revoke(world, how):
    doc = world.docs["eau_partage"]
    if how == "desabonne":
        Subscription.objects.filter(partner=world.partner, group=world.open).update(frequency=Frequency.NEVER)
    elif how == "partenaire_inactif":
        world.partner.is_active = False
        world.partner.save()
    elif how == "plus_partage":
        doc.shared_with_partners = False
        doc.save()
    elif how == "corbeille":
        doc.deleted_at = timezone.now()
        doc.save()
    elif how == "groupe_prive":
        world.open.visibility = "prive"
        world.open.save_revision().publish()
    elif how == "groupe_depublie":
        world.open.unpublish()
    elif how == "deplace_groupe_prive":  # the partner follows that private group, dormant
        doc.collection = world.private.collection
        doc.save()
    elif how == "deplace_groupe_non_suivi":  # open, but the partner does not follow it
        doc.collection = world.other.collection
        doc.save()


@pytest.mark.parametrize(
    "how",
    [
        "desabonne",
        "partenaire_inactif",
        "plus_partage",
        "corbeille",
        "groupe_prive",
        "groupe_depublie",
        "deplace_groupe_prive",
        "deplace_groupe_non_suivi",
    ],
)
def test_link_stops_working_when_the_partner_may_no_longer_see_it(world, partner_link, how, caplog):
    _revoke(world, how)
    with caplog.at_level("WARNING", logger="ailb.security"):
        response = Client().get(partner_link)
    assert response.status_code == 404
    assert "n'est plus disponible" in response.content.decode()
    assert "Note eau" not in response.content.decode()
    # The reason is for the administrators' log, with who and what, never for the visitor.
    (record,) = [r for r in caplog.records if r.name == "ailb.security"]
    doc = world.docs["eau_partage"]
    assert record.getMessage() == (
        "Lien de document partenaire refusé (plus autorisé (abonnement, groupe, partage ou corbeille)) : "
        f"partenaire {world.partner.pk}, document {doc.pk}"
    )
    assert "plus autorisé" not in response.content.decode()


def test_link_expires(world, partner_link, settings, caplog):
    later = timezone.now() + timedelta(days=settings.DIGEST_PARTNER_LINK_MAX_AGE_DAYS, minutes=1)
    with (
        mock.patch("django.core.signing.time.time", return_value=later.timestamp()),
        caplog.at_level("WARNING", logger="ailb.security"),
    ):
        assert Client().get(partner_link).status_code == 404
    assert "(lien expiré)" in caplog.text
    assert Client().get(partner_link).status_code == 200


def test_forged_tampered_or_foreign_tokens_are_refused(world, partner_link, caplog):
    doc = world.docs
    private_doc = doc["h2_secret"]  # marked shared, but in a private group
    internal_doc = doc["eau_interne"]  # open group, not shared
    shared = doc["eau_partage"]
    forged = [
        partner_links.make_token(world.partner, private_doc.pk),
        partner_links.make_token(world.partner, internal_doc.pk),
        partner_links.make_token(SimpleNamespace(pk=world.partner.pk + 999, email=world.partner.email), shared.pk),
        # Right partner and document, but not bound to the partner's address.
        signing.dumps({"p": world.partner.pk, "d": shared.pk}, salt=partner_links.SALT),
        signing.dumps({"p": world.partner.pk, "e": "0" * 16, "d": shared.pk}, salt=partner_links.SALT),
        signing.dumps({"p": world.partner.pk, "d": shared.pk}, salt="une-autre-clef"),
        partner_link.rstrip("/").rsplit("/", 1)[1][:-2] + "xx",
        "pas-un-jeton",
        "a" * 2000,
    ]
    reasons = [
        "plus autorisé (abonnement, groupe, partage ou corbeille)",
        "plus autorisé (abonnement, groupe, partage ou corbeille)",
        "partenaire inconnu",
        "contenu invalide",
        "adresse du partenaire changée depuis l'envoi",
        "signature invalide",
        "signature invalide",
        "signature invalide",
        "signature invalide",
    ]
    for token, reason in zip(forged, reasons, strict=True):
        caplog.clear()
        with caplog.at_level("WARNING", logger="ailb.security"):
            response = Client().get(f"/lettre/document/{token}/")
        assert response.status_code == 404, token
        assert private_doc.title not in response.content.decode()
        assert f"refusé ({reason})" in caplog.text, (token, caplog.text)


def test_only_get_is_allowed(partner_link):
    assert Client().post(partner_link).status_code == 405


def test_changing_the_partners_address_revokes_the_links_sent_to_the_old_one(world, partner_link):
    """GIVEN a link mailed to sylvie@… WHEN the partner's address is replaced (the
    person left, a colleague takes over) THEN the old mailbox's links stop working;
    the new address gets its own links with the next digest."""
    world.partner.email = "remplacant@anct.example.org"
    world.partner.save()
    assert Client().get(partner_link).status_code == 404
    fresh = _path(_link_of(digest_for(recipients.from_partner(world.partner), world.when), "Note eau partagée"))
    assert Client().get(fresh).status_code == 200


def test_unsubscribe_token_is_no_document_link(world):
    """The two signed tokens of a partner's email use separate salts: neither opens the other's view."""
    from digests.tokens import make_token as make_unsubscribe_token

    unsubscribe = make_unsubscribe_token(world.partner.recipient_key, [world.open.pk])
    assert Client().get(f"/lettre/document/{unsubscribe}/").status_code == 404


def test_document_and_refusal_are_never_stored_by_caches(world, partner_link):
    """A document opened from an email may be on a shared computer or behind a proxy:
    neither the file nor the refusal page may be kept."""
    response = Client().get(partner_link)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    refused = Client().get("/lettre/document/pas-un-jeton/")
    assert "no-store" in refused["Cache-Control"]


def test_admins_see_which_partner_downloaded(world, partner_link, client_for):
    """The download has no intranet user: the audit report names the partner instead."""
    b"".join(Client().get(partner_link).streaming_content)
    report = client_for(world.users["admin"]).get("/admin/reports/site-history/")
    assert report.status_code == 200
    assert "partenaire sylvie@anct.example.org" in report.content.decode()


def test_document_in_a_subcollection_of_the_group_opens_as_in_the_digest(world, make_group):
    """The digest lists a group's documents down its sub-collections; their links work the same."""
    from .conftest import make_document

    sub = world.open.collection.add_child(name="Comptes rendus")
    doc = make_document(world.open, "Compte rendu partagé", world.users["animateur"], shared=True)
    doc.collection = sub
    doc.save()
    digest = digest_for(recipients.from_partner(world.partner), world.when)
    link = _path(_link_of(digest, "Compte rendu partagé"))
    assert b"".join(Client().get(link).streaming_content) == b"contenu"
