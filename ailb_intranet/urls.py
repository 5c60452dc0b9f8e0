from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.images.views.serve import ServeView as ImageServeView

from . import views

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("connexion/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("security.urls")),
    path("", include("documents.admin_urls")),  # before Wagtail's admin: same paths, narrowed listing
    path("admin/", include(wagtailadmin_urls)),
    path("", include("documents.urls")),
    path("documents/", include(wagtaildocs_urls)),
    # Images (directory logos) go through Wagtail's signed serve view, never a
    # media or bucket URL: media is not served directly, in any mode.
    re_path(r"^images/([^/]*)/(\d*)/([^/]*)/[^/]*$", ImageServeView.as_view(), name="wagtailimages_serve"),
    # Admin thumbnails: image and rendition files at their media URL, checked against collection permissions.
    re_path(r"^media/(?P<name>(?:original_images|images)/[^/]+)$", views.image_file, name="image_file"),
    path("", include("workgroups.urls")),
    path("", include("search.urls")),
    path("", include("directory.urls")),
    path("", include("digests.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    # Media is never served directly, not even in development: downloads go
    # through the permission-checked document views.
    urlpatterns += staticfiles_urlpatterns()

urlpatterns += [path("", include(wagtail_urls))]

handler403 = "ailb_intranet.views.permission_denied"
