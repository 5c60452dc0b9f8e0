from django.urls import path
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from . import admin_views
from .models import Delivery, Partner, Subscription


class RetryColumn(Column):
    cell_template_name = "digests/admin/retry_cell.html"

    def get_value(self, instance):
        return instance


class PreviewColumn(Column):
    cell_template_name = "digests/admin/preview_cell.html"

    def get_value(self, instance):
        return instance


class DeliveryViewSet(ModelViewSet):
    model = Delivery
    icon = "mail"
    menu_label = "Envois"
    url_prefix = "digests/envois"
    name = "digests_delivery"
    list_display = [
        "__str__",
        "status",
        "attempts",
        "sent_at",
        "summary",
        "last_error",
        RetryColumn("retry", label="Action"),
    ]
    list_filter = ["status", "frequency"]
    search_fields = ["recipient_key", "email", "period"]
    form_fields = ["status"]
    inspect_view_enabled = True
    list_per_page = 50


class PartnerViewSet(ModelViewSet):
    model = Partner
    icon = "group"
    menu_label = "Partenaires abonnés"
    url_prefix = "digests/partenaires"
    name = "digests_partner"
    list_display = ["name", "organisation", "email", "is_active"]
    search_fields = ["name", "organisation", "email"]
    form_fields = ["name", "organisation", "email", "is_active"]


class SubscriptionViewSet(ModelViewSet):
    model = Subscription
    icon = "list-ul"
    menu_label = "Abonnements"
    url_prefix = "digests/abonnements"
    name = "digests_subscription"
    list_display = ["__str__", "group", "frequency", PreviewColumn("preview", label="Prochaine lettre")]
    list_filter = ["frequency", "group"]
    form_fields = ["user", "partner", "group", "frequency"]


class DigestsGroup(ViewSetGroup):
    menu_label = "Lettres d'information"
    menu_icon = "mail"
    menu_order = 300
    items = (DeliveryViewSet, SubscriptionViewSet, PartnerViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return DigestsGroup()


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("digests/apercu/<str:recipient_key>/<str:frequency>/", admin_views.preview, name="digests_preview"),
        path("digests/envois/<int:pk>/reessayer/", admin_views.retry_delivery, name="digests_retry"),
    ]
