"""A batch works out each distinct content once and renders it once: recipients
with different rights never share, and every mail keeps its own name, links,
Message-ID and unsubscribe token. The batch is claimed in one statement and
keeps its lease alive."""

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from wagtail.models import PageViewRestriction

from digests import recipients, sending
from digests.mail import build_message, render_html
from digests.models import Delivery, DeliveryStatus
from digests.tokens import read_token
from workgroups.membership import Role, set_role
from workgroups.models import NewsPage

pytestmark = pytest.mark.django_db


def html_of(message):
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def by_recipient():
    return {m.to[0].rpartition("<")[2].rstrip(">"): m for m in mail.outbox}


def test_recipients_with_different_rights_never_share_content(world, make_user):
    """GIVEN two members of the open group subscribed to it alone, one of whom also
    belongs to the private group, and a news item of the open group restricted
    to the private group's members WHEN one batch sends to both (the entitled one
    first) THEN only the entitled member's mail mentions it."""
    entitled, plain = make_user("habilitee"), make_user("simple")
    set_role(world.open, entitled, Role.MEMBER)
    set_role(world.private, entitled, Role.MEMBER)
    entitled.digest_subscriptions.filter(group=world.private).update(frequency="aucun")
    set_role(world.open, plain, Role.MEMBER)
    world.open.add_child(instance=NewsPage(title="Note réservée H2", slug="reservee", summary="x", body="<p>x</p>"))
    restricted = NewsPage.objects.get(slug="reservee")
    restricted.save_revision().publish()
    restriction = PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([world.private.members_group])

    sending.plan(world.when)
    ids = sorted(
        sending.take_dispatchable(),
        key=lambda pk: Delivery.objects.get(pk=pk).recipient_key != f"user:{entitled.pk}",
    )
    sending.send_batch(ids)
    mails = by_recipient()
    for address, sees in (("habilitee@example.org", True), ("simple@example.org", False)):
        assert "Actualité eau" in mails[address].body
        assert ("Note réservée H2" in mails[address].body) is sees
        assert ("Note réservée H2" in html_of(mails[address])) is sees


# Signed tokens carry the second they were made: the comparison below renders the same
# digest again later, so the clock of the signatures stands still for that test.
_SIGNED_AT = signing.b62_encode(int(time.time()))
FROZEN_SIGNING_CLOCK = mock.patch.object(signing.TimestampSigner, "timestamp", lambda self: _SIGNED_AT)


@FROZEN_SIGNING_CLOCK
def test_shared_rendering_keeps_each_recipients_own_parts(world, make_user):
    """GIVEN two members with the same rights, one with markup in her name WHEN
    one batch sends to both THEN each mail carries its own name (escaped in HTML),
    unsubscribe token, manage link and Message-ID, and the HTML is what rendering
    that recipient's digest on its own gives."""
    ada, bea = make_user("ada", first_name="Ada <b>&", last_name="O'Brien"), make_user("bea", first_name="Béa")
    for user in (ada, bea):
        set_role(world.other, user, Role.MEMBER)
    sending.plan(world.when)
    sending.send_batch(sending.take_dispatchable())
    mails = by_recipient()
    ada_mail, bea_mail = mails["ada@example.org"], mails["bea@example.org"]
    assert "Bonjour Ada <b>& O'Brien," in ada_mail.body
    assert "Bonjour Ada &lt;b&gt;&amp; O&#x27;Brien," in html_of(ada_mail)
    assert "Bonjour Béa Test," in bea_mail.body and "Ada" not in bea_mail.body + html_of(bea_mail)
    for user, message in ((ada, ada_mail), (bea, bea_mail)):
        link = message.extra_headers["List-Unsubscribe"].strip("<>")
        token = link.rstrip("/").rpartition("/")[2]
        assert read_token(token) == (f"user:{user.pk}", [world.other.pk])
        assert f'href="{link}"' in html_of(message) and link in message.body
        delivery = Delivery.objects.get(recipient_key=f"user:{user.pk}")
        assert message.extra_headers["Message-ID"] == delivery.message_id
    assert ada_mail.extra_headers["Message-ID"] != bea_mail.extra_headers["Message-ID"]

    # Same bytes as a rendering of Béa's digest alone (template + CSS inlining per recipient).
    digest = sending.BatchContext(Delivery.objects.filter(recipient_key=f"user:{bea.pk}")).digest(
        Delivery.objects.get(recipient_key=f"user:{bea.pk}")
    )
    alone = build_message(digest, 1, "hebdomadaire:x")
    assert html_of(bea_mail) == html_of(alone) == render_html(digest)


def test_partner_and_member_links_differ_in_shared_rendering(world):
    """A partner's "Gérer mes abonnements" is its unsubscribe page; a member's is the account page."""
    sending.plan(world.when)
    sending.send_batch(sending.take_dispatchable())
    mails = by_recipient()
    partner_unsubscribe = mails["sylvie@anct.example.org"].extra_headers["List-Unsubscribe"].strip("<>")
    assert f"Gérer mes abonnements : {partner_unsubscribe}" in mails["sylvie@anct.example.org"].body
    assert "Gérer mes abonnements : http://testserver/mon-compte/abonnements/" in mails["membre@example.org"].body
    assert recipients.from_key(f"partner:{world.partner.pk}").email == "sylvie@anct.example.org"


def test_partners_in_one_batch_each_get_their_own_document_links(world):
    """GIVEN two partners with the same subscriptions WHEN one batch sends to both
    THEN each mail's document link is signed for its own partner."""
    from digests import partner_links
    from digests.services import subscribe_partner

    other, _ = subscribe_partner(world.open, email="paul@region.example.org", name="Paul", organisation="Région")
    sending.plan(world.when)
    sending.send_batch(sending.take_dispatchable())
    mails = by_recipient()
    for partner in (world.partner, other):
        body = mails[partner.email].body
        token = re.search(r"/lettre/document/([^/\s]+)/", body).group(1)
        assert partner_links._read_token(token)[0] == partner.pk
        assert token in html_of(mails[partner.email])


def test_batch_is_claimed_in_one_statement_and_a_second_claim_gets_nothing(world):
    sending.plan(world.when)
    ids = sending.take_dispatchable()
    claimed = sending.claim_batch(ids)
    assert [d.pk for d in claimed] == ids
    assert {d.status for d in claimed} == {DeliveryStatus.SENDING} and {d.attempts for d in claimed} == {1}
    assert len({d.lease_until for d in claimed}) == 1
    assert sending.claim_batch(ids) == []  # another worker, same ids: nothing


def test_lease_is_renewed_and_a_row_taken_meanwhile_is_not_sent(world, settings):
    """GIVEN a lease so short it must be renewed before every mail, and another
    worker taking one row once its lease ran out WHEN the batch runs THEN that
    row is left to the other worker and every other row is sent once."""
    settings.DIGEST_SENDING_LEASE = 0
    sending.plan(world.when)
    ids = sending.take_dispatchable()
    stolen = ids[-1]
    original_digest = sending.BatchContext.digest

    def digest_then_steal(context, delivery):
        # The other worker re-claims the last row, with its own lease.
        Delivery.objects.filter(pk=stolen).update(lease_until=world.when + timedelta(days=1))
        return original_digest(context, delivery)

    sending.BatchContext.digest = digest_then_steal
    try:
        result = sending.send_batch(ids)
    finally:
        sending.BatchContext.digest = original_digest
    assert stolen not in result.sent + result.empty
    assert sorted(result.sent + result.empty) == sorted(set(ids) - {stolen})
    assert len(mail.outbox) == len(result.sent)
    assert Delivery.objects.get(pk=stolen).status == DeliveryStatus.SENDING  # the other worker's now
