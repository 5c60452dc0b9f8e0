"""Images inserted in rich text reach every reader of the page through Wagtail's
signed serve view; their media URL is never used (it is not served to members)."""

import io
import re

import pytest
from django.core.cache import caches
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Collection

from home.models import HomePage


@pytest.fixture
def photo(db):
    for cache in caches.all():  # renditions are cached by image id, and rolled-back ids come back
        cache.clear()
    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 600), "teal").save(buffer, "PNG")
    # In a collection no member has any permission on: rich text still shows it.
    collection = Collection.get_first_root_node().add_child(name="Photos de l'équipe")
    return get_image_model().objects.create(
        title="Réunion plénière", collection=collection, file=ImageFile(buffer, name="pleniere.png")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("image_format", ["fullwidth", "left", "right"])
def test_rich_text_image_is_served_to_members(roles, client_for, photo, image_format):
    home = HomePage.objects.get()
    home.welcome = (
        f'<p>Bienvenue.</p><embed embedtype="image" id="{photo.pk}" format="{image_format}" alt="La plénière"/>'
    )
    home.save_revision().publish()

    client = client_for(roles.users["membre"])
    page = client.get("/").content.decode()
    tag = re.search(r'<img[^>]*alt="La plénière"[^>]*>', page).group(0)
    assert "/media/" not in tag
    src = re.search(r'src="([^"]+)"', tag).group(1)
    assert src.startswith("/images/")
    assert 'width="' in tag and 'height="' in tag and "richtext-image" in tag

    response = client.get(src)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert client_for(None).get(src).status_code == 302  # the intranet stays private
    assert client_for(roles.users["membre"]).get(src.replace(f"/{photo.pk}/", f"/{photo.pk + 1}/")).status_code == 403
