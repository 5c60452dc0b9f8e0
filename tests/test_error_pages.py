"""Error answers a reader can meet are the intranet's French pages (found blank or in Django's
wording by a new-user review): an expired form (CSRF), an address that only takes a form (405), a
malformed request (400)."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_expired_form_gets_a_french_page_and_saves_nothing(roles):
    from digests.models import Frequency, Subscription

    member = roles.users["membre"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post("/mon-compte/abonnements/", {f"frequence-{roles.open.pk}": "quotidien"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Formulaire expiré" in body and "Rien n'a été enregistré" in body and 'lang="fr"' in body
    assert "DEBUG" not in body
    assert Subscription.objects.get(user=member, group=roles.open).frequency != Frequency.DAILY


def test_opening_a_form_only_address_gets_a_french_page(roles, client_for):
    response = client_for(roles.users["membre"]).get(reverse("documents:upload", args=[roles.open.slug]))
    assert response.status_code == 405
    assert "Action impossible à cette adresse" in response.content.decode()
    assert "POST" in response["Allow"]


def test_bad_host_gets_a_french_page(client, settings):
    settings.ALLOWED_HOSTS = ["intranet.example"]
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Requête incorrecte" in response.content.decode()
