"""Admin URLs that take the place of Wagtail's document listing (same paths, so
Wagtail's own links keep working); included before Wagtail's admin URLs."""

from django.urls import path
from wagtail.admin.auth import require_admin_access

from .views import admin

urlpatterns = [
    path("admin/documents/", require_admin_access(admin.IndexView.as_view()), name="admin_documents"),
    path(
        "admin/documents/results/",
        require_admin_access(admin.IndexView.as_view(results_only=True)),
        name="admin_documents_results",
    ),
    path("admin/tag-autocomplete/", require_admin_access(admin.tag_autocomplete), name="admin_tag_autocomplete"),
    path(
        "admin/tag-autocomplete/<slug:app_name>/<slug:model_name>/",
        require_admin_access(admin.tag_autocomplete),
        name="admin_tag_autocomplete_for_model",
    ),
]
