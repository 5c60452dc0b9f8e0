"""Audit log entries (Wagtail's log) for what Wagtail does not log by itself:
document downloads and changes to group permissions. Logins with a TOTP device
also arm the two-factor step here."""

import logging

from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.documents.models import document_served
from wagtail.log_actions import log
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from . import twofactor

logger = logging.getLogger("ailb.security")


def arm_two_factor(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and twofactor.has_confirmed_device(user):
        request.session[twofactor.SESSION_FLAG] = True


def log_download(sender, instance, request=None, **kwargs):
    user = getattr(request, "user", None)
    log(
        instance=instance,
        action="ailb.document.download",
        user=user if getattr(user, "is_authenticated", False) else None,
        data={"file": instance.file.name},
    )


def _permission_data(instance, change):
    target = getattr(instance, "page", None) or getattr(instance, "collection", None)
    return {
        "change": change,
        "permission": instance.permission.codename if instance.permission_id else "",
        "target": str(target) if target is not None else "",
    }


def log_object_permission_saved(sender, instance, created, raw=False, **kwargs):
    if not raw:
        log(instance=instance.group, action="ailb.permission", data=_permission_data(instance, "ajout"))


def log_object_permission_deleted(sender, instance, **kwargs):
    group = Group.objects.filter(pk=instance.group_id).first()
    if group is not None:
        log(instance=group, action="ailb.permission", data=_permission_data(instance, "retrait"))


def log_group_permissions_changed(sender, instance, action, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Group):
        log(
            instance=instance,
            action="ailb.permission",
            data={"change": action.removeprefix("post_"), "permission_ids": sorted(pk_set or [])},
        )


def register_signal_handlers():
    user_logged_in.connect(arm_two_factor, dispatch_uid="ailb_arm_two_factor")
    # Any sender: Wagtail's serve view and our own download views send it.
    document_served.connect(log_download, dispatch_uid="ailb_log_download")
    for model in (GroupPagePermission, GroupCollectionPermission):
        post_save.connect(log_object_permission_saved, sender=model, dispatch_uid=f"ailb_perm_save_{model.__name__}")
        post_delete.connect(
            log_object_permission_deleted, sender=model, dispatch_uid=f"ailb_perm_delete_{model.__name__}"
        )
    m2m_changed.connect(
        log_group_permissions_changed, sender=Group.permissions.through, dispatch_uid="ailb_group_permissions"
    )
