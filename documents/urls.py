from django.urls import path

from .views import edit, library, serve, trash, upload, versions

app_name = "documents"

urlpatterns = [
    path("groupes/<slug:slug>/documents/", library.library, name="library"),
    path("groupes/<slug:slug>/documents/deposer/", upload.upload, name="upload"),
    path("groupes/<slug:slug>/documents/corbeille/", trash.trash, name="trash"),
    path("groupes/<slug:slug>/documents/<int:pk>/modifier/", edit.edit, name="edit"),
    path("groupes/<slug:slug>/documents/<int:pk>/versions/", versions.versions, name="versions"),
    path("groupes/<slug:slug>/documents/<int:pk>/supprimer/", trash.delete, name="delete"),
    path("groupes/<slug:slug>/documents/<int:pk>/restaurer/", trash.restore, name="restore"),
    path("documents/apercu/<int:pk>/", serve.preview, name="preview"),
    path("documents/version/<int:pk>/<int:number>/", serve.version_download, name="version_download"),
]
