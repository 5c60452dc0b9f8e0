"""Small operations on subscriptions shared by views, admin and seed."""

from django.db import transaction

from workgroups.membership import groups_of

from .models import Frequency, Partner, Subscription


def member_subscriptions(user):
    """[(group, subscription)] for every group ``user`` belongs to; missing rows get the weekly default."""
    groups = list(groups_of(user))
    existing = {s.group_id: s for s in Subscription.objects.filter(user=user, group__in=groups)}
    missing = [Subscription(user=user, group=g, frequency=Frequency.WEEKLY) for g in groups if g.pk not in existing]
    if missing:
        Subscription.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {s.group_id: s for s in Subscription.objects.filter(user=user, group__in=groups)}
    return [(g, existing[g.pk]) for g in groups]


@transaction.atomic
def unsubscribe(recipient_key, group_ids):
    """Set every subscription of the token's groups to "aucun"; returns the groups concerned."""
    from .recipients import subscriptions_filter

    subs = Subscription.objects.filter(group_id__in=group_ids, **subscriptions_filter(recipient_key))
    titles = list(subs.values_list("group__title", flat=True).order_by("group__title"))
    subs.update(frequency=Frequency.NEVER)
    return titles


@transaction.atomic
def subscribe_partner(group, *, email, name, organisation, frequency=Frequency.WEEKLY, actor=None):
    partner, created = Partner.objects.get_or_create(
        email=email.strip().lower(), defaults={"name": name, "organisation": organisation, "created_by": actor}
    )
    if not created and not partner.is_active:
        partner.is_active = True
        partner.save(update_fields=["is_active"])
    sub, _ = Subscription.objects.update_or_create(partner=partner, group=group, defaults={"frequency": frequency})
    return partner, sub
