"""Document links for partners, who have no account.

A digest tells a partner about documents marked « partagé avec les partenaires »;
the intranet's own document URL would ask them to sign in. Their link carries
instead a signed, expiring token naming the partner, the address it was sent
to and the document (``django.core.signing``). The sending-time rule is checked
again at every download, so a link stops working as soon as the partner is
removed from the group or unsubscribes, the partner's address is replaced, the
document leaves the partners' share or goes to the trash, or the group becomes
private."""

import logging

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from wagtail.models import Collection

from documents.models import IntranetDocument
from workgroups.access import can_view_document, can_view_page
from workgroups.models import Visibility, WorkingGroupPage

from .models import Frequency, Partner, Subscription
from .recipients import PartnerViewer

SALT = "ailb.digests.partner-document"
# Refused links are logged with their reason (the visitor only ever sees one page, which reveals
# nothing): an administrator can tell a partner why a link no longer opens, and notice probing.
logger = logging.getLogger("ailb.security")


def address_fingerprint(email):
    """A short keyed hash of the partner's address: the link is bound to the mailbox it
    was sent to (a replaced address revokes it) without the address showing in the URL."""
    return salted_hmac(f"{SALT}.address", (email or "").strip().lower()).hexdigest()[:16]


def make_token(partner, document_pk):
    return signing.dumps({"p": partner.pk, "e": address_fingerprint(partner.email), "d": document_pk}, salt=SALT)


def document_url(partner, document):
    """The absolute link a partner's digest gives for ``document``."""
    path = reverse("digests:partner_document", args=[make_token(partner, document.pk)])
    return f"{settings.SITE_URL}{path}"


def _read_token(token):
    """(partner id, address fingerprint, document id), or the reason the token is unusable."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.DIGEST_PARTNER_LINK_MAX_AGE_DAYS * 86400)
    except signing.SignatureExpired:
        return "lien expiré"
    except (signing.BadSignature, ValueError, TypeError):
        return "signature invalide"
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in ("p", "d")):
        return "contenu invalide"
    if not isinstance(data.get("e"), str):
        return "contenu invalide"
    return data["p"], data["e"], data["d"]


def document_is_shared(viewer, document):
    """The document half of the partners' rule, used by the digest and the download:
    shared with partners, out of the trash, visible to someone in no group."""
    return document.deleted_at is None and document.shared_with_partners and can_view_document(viewer, document)


def may_see(partner, document, group, viewer=None):
    """The partners' rule at download time: an open, live group the partner still
    follows (the digest checks the same through ``content.subscribed_groups``) and
    a document shared with them."""
    viewer = viewer or PartnerViewer()
    return (
        partner.is_active
        and group is not None
        and group.live
        and group.visibility == Visibility.OPEN
        and Subscription.objects.filter(partner=partner, group=group).exclude(frequency=Frequency.NEVER).exists()
        and can_view_page(viewer, group)
        and document_is_shared(viewer, document)
    )


def resolve(token):
    """(partner, document) a valid token still gives access to, or None — the same
    None for a forged, expired or revoked link, so that nothing is revealed. The
    reason of a refusal goes to the security log."""
    ids = _read_token(token)
    if isinstance(ids, str):
        return _refused(ids)
    partner_pk, fingerprint, document_pk = ids
    partner = Partner.objects.filter(pk=partner_pk).first()
    if partner is None:
        return _refused("partenaire inconnu", partner_pk, document_pk)
    if not constant_time_compare(fingerprint, address_fingerprint(partner.email)):
        return _refused("adresse du partenaire changée depuis l'envoi", partner_pk, document_pk)
    document = IntranetDocument.objects.filter(pk=document_pk).select_related("collection").first()
    if document is None:
        return _refused("document supprimé", partner_pk, document_pk)
    # The group whose collection holds the document, directly or in a sub-collection (as the digest finds it).
    group = WorkingGroupPage.objects.filter(
        collection__in=Collection.objects.ancestor_of(document.collection, inclusive=True)
    ).first()
    if not may_see(partner, document, group):
        return _refused("plus autorisé (abonnement, groupe, partage ou corbeille)", partner_pk, document_pk)
    return partner, document


def _refused(reason, partner_pk=None, document_pk=None):
    logger.warning(
        "Lien de document partenaire refusé (%s) : partenaire %s, document %s", reason, partner_pk, document_pk
    )
    return None
