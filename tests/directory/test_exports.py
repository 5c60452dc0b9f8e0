"""vCard (vobject) and CSV export (csv module) contents."""

import csv
import io

import pytest
import vobject
from django.urls import reverse

from directory.models import Contact, Organisation
from directory.services import CSV_HEADER


@pytest.mark.django_db
def test_vcard_parses_and_carries_the_contact(directory, client, make_user):
    contact = Contact.objects.get(last_name="Cabassot")
    contact.phone = "+33 2 99 00 00 00"
    contact.save()
    client.force_login(make_user())

    response = client.get(reverse("directory:contact_vcard", args=[contact.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vcard")
    assert response["Content-Disposition"] == 'attachment; filename="sylvie-cabassot.vcf"'
    card = vobject.readOne(response.content.decode())
    assert card.fn.value == "Sylvie Cabassot"
    assert card.n.value.family == "Cabassot" and card.n.value.given == "Sylvie"
    assert card.org.value == ["Agence nationale de la cohésion des territoires (ANCT)"]
    assert card.title.value == "Correspondante de l'AILB"
    assert card.email.value == "sylvie.cabassot@example.org"
    assert card.tel.value == "+33 2 99 00 00 00"
    assert card.url.value == "https://agence-cohesion-territoires.gouv.fr"


@pytest.mark.django_db
def test_vcard_of_a_missing_contact_is_404(directory, client, make_user):
    client.force_login(make_user())
    assert client.get(reverse("directory:contact_vcard", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_csv_export_lists_every_contact_and_contactless_organisation(directory, client, make_user):
    awkward = Organisation.objects.create(name='Cluster "H2; Ouest"', kind="entreprise", address="1 rue X\n35600 Redon")
    Contact.objects.create(organisation=awkward, first_name="Zoé", last_name="D'Aubigné", role="Cheffe; « projet »")
    client.force_login(make_user("admin2", superuser=True))

    response = client.get(reverse("directory:export_csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="annuaire-ailb-')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == CSV_HEADER
    body = rows[1:]
    contactless = Organisation.objects.filter(contacts__isnull=True).count()
    assert len(body) == Contact.objects.count() + contactless
    # Quotes, semicolons and line breaks survive the round trip.
    assert ['Cluster "H2; Ouest"', "Entreprise ou cluster", "", "1 rue X\n35600 Redon",
            "Zoé", "D'Aubigné", "Cheffe; « projet »", "", ""] in body  # fmt: skip
    cabassot = next(r for r in body if r[5] == "Cabassot")
    assert cabassot[0].startswith("Agence nationale") and cabassot[1] == "État / ANCT"
    assert cabassot[7] == "sylvie.cabassot@example.org"
    morbihan = next(r for r in body if r[0] == "Département du Morbihan")
    assert morbihan[4:] == ["", "", "", "", ""]
