from django.db.models.signals import post_save


def sync_working_group(sender, instance, raw=False, **kwargs):
    if raw:  # fixtures load objects as they are
        return
    from .sync import sync_group_access

    # post_save runs after treebeard has given the page its path, so
    # permissions and restrictions can point at it straight away.
    sync_group_access(instance)


def register_signal_handlers():
    from .models import WorkingGroupPage

    post_save.connect(sync_working_group, sender=WorkingGroupPage, dispatch_uid="ailb_sync_working_group")
