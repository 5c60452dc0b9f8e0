from django.conf import settings


def intranet(request):
    return {"SITE_NAME": settings.WAGTAIL_SITE_NAME}
