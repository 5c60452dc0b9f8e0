from django.urls import path

from . import views

app_name = "directory"

# Under /partenaires/, beside the Wagtail DirectoryPage served at that address.
urlpatterns = [
    path("partenaires/contacts/<int:pk>/vcard/", views.contact_vcard_view, name="contact_vcard"),
    path("partenaires/export.csv", views.directory_csv_view, name="export_csv"),
]
