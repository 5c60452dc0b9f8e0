"""A digest recipient is a member (a user account) or an external partner. The
ledger and the unsubscribe tokens name them by a key: ``user:12``, ``partner:3``."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from .models import Partner


class PartnerViewer(AnonymousUser):
    """How access rules see a partner: signed in, in no group, never a superuser.
    Pages under a group restriction (private groups) are therefore out of reach."""

    @property
    def is_authenticated(self):
        return True


@dataclass
class Recipient:
    key: str
    email: str
    name: str
    user: object = None
    partner: Partner = None
    partner_viewer: PartnerViewer = None  # shared by the partners of a batch

    @property
    def is_partner(self):
        return self.partner is not None

    @property
    def viewer(self):
        if self.user is not None:
            return self.user
        if self.partner_viewer is None:
            self.partner_viewer = PartnerViewer()
        return self.partner_viewer


def from_user(user):
    return Recipient(
        key=f"user:{user.pk}", email=user.email, name=user.get_full_name() or user.get_username(), user=user
    )


def from_partner(partner):
    return Recipient(key=f"partner:{partner.pk}", email=partner.email, name=partner.name, partner=partner)


def from_key(key):
    """The active recipient named by ``key``, or None (unknown, inactive, no address)."""
    kind, _, pk = (key or "").partition(":")
    if not pk.isdigit():
        return None
    if kind == "user":
        user = get_user_model().objects.filter(pk=pk, is_active=True).first()
        return from_user(user) if user and user.email else None
    if kind == "partner":
        partner = Partner.objects.filter(pk=pk, is_active=True).first()
        return from_partner(partner) if partner else None
    return None


def subscriptions_filter(key):
    """Keyword arguments selecting the subscriptions of ``key``."""
    kind, _, pk = key.partition(":")
    return {"user_id": int(pk)} if kind == "user" else {"partner_id": int(pk)}
