"""Contact details never reach anonymous visitors; the CSV export is for staff and animateurs."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.template.loader import render_to_string

from directory.models import Contact, Organisation


def _urls():
    from django.urls import reverse

    contact = Contact.objects.get(last_name="Cabassot")
    return {
        "page": "/partenaires/",
        "page_with_territory": "/partenaires/?epci=1",
        "vcard": reverse("directory:contact_vcard", args=[contact.pk]),
        "csv": reverse("directory:export_csv"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("way", ["page", "page_with_territory", "vcard", "csv"])
def test_anonymous_visitors_get_the_login_redirect(directory, client, way):
    url = _urls()[way]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")
    assert b"cabassot" not in response.content.lower()


@pytest.mark.django_db
def test_anonymous_never_sees_contact_details_even_in_a_template(directory):
    """Defence in depth: the templates themselves hide contacts from anonymous users."""
    org = Organisation.objects.get(name__startswith="Agence nationale")
    html = render_to_string("directory/includes/organisation.html", {"org": org, "user": AnonymousUser()})
    assert "Agence nationale" in html
    assert "Cabassot" not in html and "@example.org" not in html and "vcard" not in html


@pytest.mark.django_db
def test_group_page_hides_partner_contacts_from_anonymous(directory, make_group, client):
    from directory.models import GroupPartner

    group = make_group("eau")
    anct = Organisation.objects.get(name__startswith="Agence nationale")
    GroupPartner.objects.create(page=group, organisation=anct, contact=anct.contacts.get())
    response = client.get("/groupes/eau/")
    assert response.status_code == 302
    assert b"Cabassot" not in response.content


EXPECTED = {
    # role: (page, vcard, csv)
    "autre_groupe": (200, 200, 403),
    "membre": (200, 200, 403),
    "animateur": (200, 200, 200),
    "admin": (200, 200, 200),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_logged_in_matrix(directory, roles, client_for, role):
    client = client_for(roles.users[role])
    urls = _urls()
    page, vcard, csv = EXPECTED[role]

    response = client.get(urls["page"])
    assert response.status_code == page
    assert "sylvie.cabassot@example.org" in response.content.decode()
    assert (urls["csv"] in response.content.decode()) == (csv == 200)
    assert client.get(urls["vcard"]).status_code == vcard
    assert client.get(urls["csv"]).status_code == csv


@pytest.mark.django_db
def test_staff_and_export_permission_may_export(directory, make_user, client_for):
    staff = make_user("staff")
    staff.is_staff = True
    staff.save()
    assert client_for(staff).get("/partenaires/export.csv").status_code == 200

    assistant = make_user("assistante")
    assert client_for(assistant).get("/partenaires/export.csv").status_code == 403
    assistant.user_permissions.add(Permission.objects.get(codename="export_directory"))
    from django.contrib.auth import get_user_model

    assistant = get_user_model().objects.get(pk=assistant.pk)
    assert client_for(assistant).get("/partenaires/export.csv").status_code == 200


@pytest.mark.django_db
def test_refused_export_says_why_in_french(directory, make_user, client_for):
    response = client_for(make_user()).get("/partenaires/export.csv")
    assert response.status_code == 403
    assert "text/csv" not in response["Content-Type"]
