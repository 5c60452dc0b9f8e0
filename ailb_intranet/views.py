from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from documents.views.serve import file_response

# Any of these on the image's collection lets one see the image in Wagtail's admin.
IMAGE_VIEW_ACTIONS = ["add", "change", "choose", "delete"]


@login_not_required
@never_cache
def healthz(request):
    """Liveness for the container healthcheck: the process answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: an expired or foreign form gets the intranet's French page, not Django's."""
    return render(request, "403_csrf.html", status=403)


def image_file(request, name):
    """An image or rendition file at its storage URL (``/media/images/…``), as
    Wagtail's admin links thumbnails and choosers to it. Only files of Wagtail
    images are served, and only to readers whose collection permissions let them
    see that image in the admin; every other path under /media/ (documents,
    previews, versions) stays unserved here and goes through its own
    permission-checked view."""
    Image = get_image_model()
    image = Image.objects.filter(file=name).select_related("collection").first()
    field_file = image.file if image else None
    if image is None:
        rendition = Image.get_rendition_model().objects.filter(file=name).select_related("image").first()
        if rendition is None:
            raise Http404("Image introuvable")
        image, field_file = rendition.image, rendition.file
    policy = policy_registry.get_by_type(Image)
    if not policy.user_has_any_permission_for_instance(request.user, IMAGE_VIEW_ACTIONS, image):
        raise Http404("Image introuvable")
    return file_response(field_file, name.rsplit("/", 1)[-1])
