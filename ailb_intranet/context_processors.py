from django.conf import settings
from django.contrib.auth.models import Permission
from django.db.models import Q

from workgroups.access import user_group_ids


def _can_access_admin(user):
    """Whether to show the admin link: one query on the groups already known,
    instead of loading every permission of the user on every page."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return (
        Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
        .filter(Q(group__in=user_group_ids(user)) | Q(user=user))
        .exists()
    )


def intranet(request):
    user = getattr(request, "user", None)
    # A callable: templates evaluate it only where the link is drawn.
    return {"SITE_NAME": settings.WAGTAIL_SITE_NAME, "can_access_admin": lambda: _can_access_admin(user)}
