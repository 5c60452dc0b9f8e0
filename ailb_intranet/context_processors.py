from django.conf import settings

from workgroups.access import may_access_admin


def intranet(request):
    user = getattr(request, "user", None)
    # A callable: templates evaluate it only where the link is drawn (read with the access rules).
    return {"SITE_NAME": settings.WAGTAIL_SITE_NAME, "can_access_admin": lambda: may_access_admin(user)}
