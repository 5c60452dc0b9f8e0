def subscribe_new_member(sender, group_page, user, previous, role, **kwargs):
    """A user who gains a role in a group gets its weekly digest by default; an
    existing choice (even "aucun") is kept when the role changes."""
    if role is None or previous is not None:
        return
    from .models import Frequency, Subscription

    Subscription.objects.get_or_create(user=user, group=group_page, defaults={"frequency": Frequency.WEEKLY})


def register_signal_handlers():
    from workgroups.membership import role_changed

    role_changed.connect(subscribe_new_member, dispatch_uid="ailb_digests_subscribe_new_member")
