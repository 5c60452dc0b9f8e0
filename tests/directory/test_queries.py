"""/partenaires/ costs a fixed number of SQL queries, whatever the size of the directory."""

import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from directory.models import EpciMember, EpciPopulation, FundingConvention, LeaderGroup, Organisation

# 10 for the request (session, user, site, page route, view restrictions, access rules in one query) +
# organisations, logo renditions, contacts, conventions, EPCI, populations, GAL, GAL territories, rate +
# 3 for the export-permission check (user and group permissions, animateur).
PINNED_QUERIES = 21


def _logo(n):
    buffer = io.BytesIO()
    PILImage.new("RGB", (320, 160), "navy").save(buffer, "PNG")
    return get_image_model().objects.create(title=f"Logo {n}", file=ImageFile(buffer, name=f"logo{n}.png"))


def _grow(org_factory, n):
    for i in range(n):
        org = org_factory(kind=["region", "etat", "prefecture", "association"][i % 4], contacts=2, logo=_logo(i))
        FundingConvention.objects.create(partner=org, amount=1000)
        epci_org = org_factory(kind="epci", contacts=1)
        epci = EpciMember.objects.create(organisation=epci_org, short_name=f"E{i}", department="35")
        EpciPopulation.objects.create(epci=epci, year=2020, population=1000 + i)
        EpciPopulation.objects.create(epci=epci, year=2019, population=1000)
        gal_org = org_factory(kind="gal", contacts=1)
        gal = LeaderGroup(name=f"GAL {i}", structure=gal_org, animateur=gal_org.contacts.first())
        gal.territories.set([epci])
        gal.save()


@pytest.mark.django_db
@pytest.mark.parametrize("with_territory", [False, True])
def test_query_count_is_pinned_and_does_not_grow(
    directory, client, make_user, org_factory, with_territory, django_assert_num_queries
):
    client.force_login(make_user())
    region = Organisation.objects.get(name="Région Bretagne")
    region.logo = _logo("region")
    region.save()
    query = {"epci": EpciMember.objects.get(short_name="Redon").pk} if with_territory else {}
    client.get("/partenaires/", query)  # first view renders the logo once and warms caches

    with django_assert_num_queries(PINNED_QUERIES):
        client.get("/partenaires/", query)

    _grow(org_factory, 10)
    client.get("/partenaires/", query)  # renditions of the new logos are made once
    assert Organisation.objects.count() > 60
    with django_assert_num_queries(PINNED_QUERIES):
        response = client.get("/partenaires/", query)
    html = response.content.decode()
    assert "GAL 9" in html
    assert "Nom28-1" in html  # the last partner created, with its second contact
    # 11 logos; the 5 State services with a convention are shown as financial partners too.
    assert html.count('class="org-logo"') == 11 + 5


@pytest.mark.django_db
def test_logos_are_served_through_the_signed_image_view(directory, client, make_user):
    """Media is never served directly: a logo's address is Wagtail's signed image view, which
    answers logged-in users, and never a /media/ (or bucket) URL."""
    import re

    region = Organisation.objects.get(name="Région Bretagne")
    region.logo = _logo("signe")
    region.save()
    client.force_login(make_user())
    html = client.get("/partenaires/").content.decode()
    assert "/media/" not in html
    src = re.search(r'<img src="(/images/[^"]+)"', html).group(1)
    response = client.get(src)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    client.logout()
    assert client.get(src).status_code == 302  # anonymous: the login page
