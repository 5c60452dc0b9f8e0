from django.urls import path

from . import views

app_name = "digests"

urlpatterns = [
    path("mon-compte/abonnements/", views.my_subscriptions, name="my_subscriptions"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("lettre/document/<str:token>/", views.partner_document, name="partner_document"),
    path("groupes/<slug:slug>/partenaires-abonnes/", views.group_partners, name="group_partners"),
    path(
        "groupes/<slug:slug>/partenaires-abonnes/<int:pk>/retirer/",
        views.group_partner_remove,
        name="group_partner_remove",
    ),
]
