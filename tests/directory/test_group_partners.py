"""A working group's "Partenaires et contacts" block comes from the directory,
with the group's free links out kept below; the relation is edited in the group page editor."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from directory.models import GroupPartner, Organisation
from workgroups.models import WorkingGroupPage


def _block(html):
    return html.split('id="partenaires"')[1].split("</section>")[0]


@pytest.mark.django_db
def test_group_block_shows_directory_partners_and_links_out(directory, roles, client_for):
    group = roles.open
    region = Organisation.objects.get(name="Région Bretagne")
    hamard = region.contacts.get(last_name="Hamard")
    page = WorkingGroupPage.objects.get(pk=group.pk)
    page.directory_partners.add(GroupPartner(organisation=region, contact=hamard, note="Financeur du temps fort"))
    page.partner_links = [("link", {"title": "SDAGE Loire-Bretagne", "url": "https://sdage.example.org",
                                    "description": ""})]  # fmt: skip
    page.save_revision().publish()

    block = _block(client_for(roles.users["membre"]).get(group.url).content.decode())

    assert 'href="https://www.bretagne.bzh" rel="noopener noreferrer"' in block
    assert "Financeur du temps fort" in block
    assert "Sébastien Hamard" in block and "sebastien.hamard@example.org" in block
    assert f"/partenaires/contacts/{hamard.pk}/vcard/" in block
    assert 'href="https://sdage.example.org" rel="noopener noreferrer"' in block
    assert "Aucun partenaire renseigné" not in block


@pytest.mark.django_db
def test_group_without_partners_says_so(directory, roles, client_for):
    block = _block(client_for(roles.users["membre"]).get(roles.open.url).content.decode())
    assert "Aucun partenaire renseigné pour ce groupe." in block


@pytest.mark.django_db
def test_contact_must_belong_to_the_organisation(directory, roles):
    region = Organisation.objects.get(name="Région Bretagne")
    other = Organisation.objects.get(name__startswith="Agence nationale").contacts.get()
    link = GroupPartner(page=roles.open, organisation=region, contact=other)
    with pytest.raises(ValidationError) as error:
        link.clean()
    assert "n'appartient pas à l'organisation" in str(error.value)


@pytest.mark.django_db
def test_partners_are_edited_from_the_group_page_editor(directory, roles, client_for):
    """GIVEN the group editor WHEN an admin adds a directory partner inline and publishes
    THEN the live group page shows it."""
    client = client_for(roles.users["admin"])
    group = roles.open
    edit_url = f"/admin/pages/{group.pk}/edit/"
    assert "Partenaires et contacts (annuaire)" in client.get(edit_url).content.decode()
    anct = Organisation.objects.get(name__startswith="Agence nationale")

    data = nested_form_data({
        "title": group.title, "slug": group.slug, "theme": group.theme, "visibility": group.visibility,
        "intro": streamfield([]), "partner_links": streamfield([]),
        "referents": inline_formset([]),
        "directory_partners": inline_formset([
            {"organisation": anct.pk, "contact": anct.contacts.get().pk, "note": "Suivi de l'expérimentation"},
        ]),
        "action-publish": "publish",
    })  # fmt: skip
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    assert list(WorkingGroupPage.objects.get(pk=group.pk).directory_partners.values_list("note", flat=True)) == [
        "Suivi de l'expérimentation"
    ]
    block = _block(client_for(roles.users["membre"]).get(group.url).content.decode())
    assert "Sylvie Cabassot" in block
