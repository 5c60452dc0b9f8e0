"""Membership of working groups. The Django auth groups created for each group
are the single source of truth; these functions read and change them and write
Wagtail's audit log."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from wagtail.log_actions import log

from .access import clear_access_cache, user_group_ids

# Sent after a user's role in a group changed: sender=WorkingGroupPage,
# group_page, user, previous, role (None when removed). Digests subscribe here.
role_changed = Signal()


class Role:
    MEMBER = "membre"
    ANIMATEUR = "animateur"
    CHOICES = [(MEMBER, "Membre"), (ANIMATEUR, "Animateur·rice")]
    LABELS = dict(CHOICES)


def role_of(user, group_page):
    ids = user_group_ids(user)
    if group_page.animateurs_group_id in ids:
        return Role.ANIMATEUR
    if group_page.members_group_id in ids:
        return Role.MEMBER
    return None


def group_ids_of(user):
    """Ids of the working-group pages ``user`` belongs to, in any role."""
    from .models import WorkingGroupPage

    ids = user_group_ids(user)
    if not ids:
        return set()
    return set(
        WorkingGroupPage.objects.filter(Q(members_group_id__in=ids) | Q(animateurs_group_id__in=ids)).values_list(
            "pk", flat=True
        )
    )


def groups_of(user):
    from .models import WorkingGroupPage

    return WorkingGroupPage.objects.live().filter(pk__in=group_ids_of(user)).order_by("title")


def can_manage_members(user, group_page):
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or role_of(user, group_page) == Role.ANIMATEUR


def members_of(group_page):
    """[(user, role)] sorted by name, animateurs first."""
    User = get_user_model()
    users = (
        User.objects.filter(
            Q(groups=group_page.members_group_id) | Q(groups=group_page.animateurs_group_id), is_active=True
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
        .prefetch_related("groups")
    )
    result = []
    for user in users:
        ids = {g.pk for g in user.groups.all()}
        role = Role.ANIMATEUR if group_page.animateurs_group_id in ids else Role.MEMBER
        result.append((user, role))
    result.sort(key=lambda pair: pair[1] != Role.ANIMATEUR)
    return result


@transaction.atomic
def set_role(group_page, user, role, actor=None):
    """Make ``user`` a member or animateur of ``group_page``; ``role=None`` removes them."""
    previous = role_of(user, group_page)
    user.groups.remove(group_page.members_group, group_page.animateurs_group)
    if role == Role.ANIMATEUR:
        user.groups.add(group_page.animateurs_group)
    elif role == Role.MEMBER:
        user.groups.add(group_page.members_group)
    elif role is not None:
        raise ValueError(f"Rôle inconnu : {role}")
    clear_access_cache(user)
    if previous != role:
        log(
            instance=group_page,
            action="ailb.membership",
            user=actor,
            data={"user": user.get_username(), "user_id": user.pk, "from": previous, "to": role},
        )
        role_changed.send(sender=type(group_page), group_page=group_page, user=user, previous=previous, role=role)
    return previous
