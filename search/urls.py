from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("recherche/", views.search, name="search"),
    path("recherche/suggestions/", views.suggestions, name="suggestions"),
]
