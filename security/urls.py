from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path("connexion/verification/", views.verify, name="verify"),
    path("mon-compte/double-authentification/", views.manage, name="manage"),
]
