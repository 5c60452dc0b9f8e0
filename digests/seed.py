"""Demo subscriptions: every demo member follows their groups weekly (the
default), and two external partners from the 2021 report follow open groups."""

from django.contrib.auth import get_user_model

from workgroups.models import Visibility, WorkingGroupPage

from .models import Frequency
from .services import member_subscriptions, subscribe_partner

DEMO_PARTNERS = [
    # (email, name, organisation, group slugs, frequency)
    ("sylvie.cabassot@anct.example.org", "Sylvie Cabassot", "Agence nationale de la cohésion des territoires (ANCT)",
     ["habiter", "hydrogene", "campus", "tourisme"], Frequency.WEEKLY),
    ("contact.territoires@bretagne.example.org", "Anne Patault", "Région Bretagne",
     ["tourisme", "eau", "dechets"], Frequency.WEEKLY),
]  # fmt: skip


def seed_subscriptions(log=print):
    members = 0
    for user in get_user_model().objects.filter(is_active=True):
        members += len(member_subscriptions(user))
    partners = 0
    for email, name, organisation, slugs, frequency in DEMO_PARTNERS:
        # Private groups (hydrogène) are skipped: partners never receive private-group content.
        for group in WorkingGroupPage.objects.filter(slug__in=slugs, visibility=Visibility.OPEN):
            subscribe_partner(group, email=email, name=name, organisation=organisation, frequency=frequency)
        partners += 1
    log(f"  {members} abonnements de membres, {partners} partenaires abonnés")
