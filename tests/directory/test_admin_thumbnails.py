"""Wagtail's admin shows image thumbnails at their media URL (/media/images/…).
Those files are served by ``ailb_intranet.views.image_file`` to readers whose
collection permissions let them see the image in the admin; nothing else under
/media/ is served."""

import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupCollectionPermission


def _png():
    buffer = io.BytesIO()
    PILImage.new("RGB", (320, 160), "navy").save(buffer, "PNG")
    return buffer


@pytest.fixture
def logo(db):
    # Wagtail caches renditions by image id, and rolled-back ids come back: start each test without them.
    for cache in caches.all():
        cache.clear()
    return get_image_model().objects.create(title="Logo Région", file=ImageFile(_png(), name="logo-region.png"))


@pytest.fixture
def logos_collection(db):
    return Collection.get_first_root_node().add_child(name="Logos des partenaires")


@pytest.fixture
def image_chooser(make_user, logos_collection):
    """An editor who may choose the images of one collection (the permission Wagtail's choosers need)."""
    user = make_user("editrice")
    group = Group.objects.create(name="Éditeurs d'images")
    GroupCollectionPermission.objects.create(
        group=group,
        collection=logos_collection,
        permission=Permission.objects.get(content_type__app_label="wagtailimages", codename="choose_image"),
    )
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    user.groups.add(group)
    return user


def _media_path(url):
    assert url.startswith("/media/"), url
    return url


@pytest.mark.django_db
def test_admin_listing_thumbnails_are_served_to_the_administrator(roles, client_for, logo):
    client = client_for(roles.users["admin"])
    listing = client.get("/admin/images/")
    assert listing.status_code == 200
    sources = re.findall(r'<img[^>]+src="(/media/images/[^"]+)"', listing.content.decode())
    assert sources, "the admin listing shows a thumbnail"
    response = client.get(sources[0])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonyme", 302), ("membre", 404), ("autre_groupe", 404), ("animateur", 404), ("admin", 200)],
)
def test_original_and_rendition_files_by_role(roles, client_for, logo, role, expected):
    rendition = logo.get_rendition("max-165x165")
    for url in (_media_path(logo.file.url), _media_path(rendition.url)):
        response = client_for(roles.users[role]).get(url)
        assert response.status_code == expected, (role, url)
        if expected == 302:
            assert response["Location"].startswith("/connexion/")


@pytest.mark.django_db
def test_collection_permission_opens_the_thumbnail(client_for, image_chooser, logos_collection, logo):
    logo.collection = logos_collection
    logo.save()
    response = client_for(image_chooser).get(logo.get_rendition("max-165x165").url)
    assert response.status_code == 200


@pytest.mark.django_db
def test_image_in_a_collection_the_editor_cannot_see(client_for, image_chooser, logo):
    """``logo`` lies in the root collection, above the one the editor may choose from."""
    client = client_for(image_chooser)
    assert client.get(logo.file.url).status_code == 404
    assert client.get(logo.get_rendition("max-165x165").url).status_code == 404


@pytest.mark.django_db
def test_nothing_else_under_media_is_served(roles, client_for, logo, settings):
    """A document or a file that is no image record is never served from /media/, even to an administrator."""
    from django.core.files.storage import default_storage

    stray = default_storage.save("images/pas-une-image.png", ContentFile(_png().getvalue()))
    document = default_storage.save("documents/confidentiel.pdf", ContentFile(b"%PDF-1.4 secret"))
    client = client_for(roles.users["admin"])
    for path in (stray, document, "images/../documents/confidentiel.pdf", "original_images/"):
        assert client.get(f"/media/{path}").status_code == 404, path
