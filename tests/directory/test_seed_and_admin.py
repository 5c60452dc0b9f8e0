"""seed_demo fills the directory from the report, idempotently; the snippets are editable in the admin."""

from decimal import Decimal

import pytest

from directory.demo import seed_directory
from directory.models import (
    Contact,
    ContributionRate,
    DirectoryPage,
    EpciMember,
    FundingConvention,
    LeaderGroup,
    Organisation,
)


def _snapshot():
    return [m.objects.count() for m in (Organisation, Contact, EpciMember, LeaderGroup, FundingConvention,
                                        ContributionRate, DirectoryPage)]  # fmt: skip


@pytest.mark.django_db
def test_seed_contains_the_reports_partners(directory):
    kinds = lambda kind: set(Organisation.objects.filter(kind=kind).values_list("name", flat=True))  # noqa: E731
    assert kinds("region") == {"Région Bretagne", "Région Pays de la Loire"}
    assert len(kinds("departement")) == 3
    assert len(kinds("prefecture")) == 3
    assert "Agence nationale de la cohésion des territoires (ANCT)" in kinds("etat")
    assert EpciMember.objects.count() == 13
    assert Contact.objects.get(last_name="Cabassot").organisation.kind == "etat"
    assert ContributionRate.objects.get(year=2021).rate == Decimal("0.15")
    assert FundingConvention.objects.get(partner__name="Région Pays de la Loire").amount == Decimal("36766.76")

    # The LEADER table: EPCI → GAL (report p. 23); three members have no GAL.
    covered = {e.short_name: [g.animateur.last_name for g in e.leader_groups.all()] for e in EpciMember.objects.all()}
    assert covered["Muzillac"] == covered["Questembert"] == ["Trallero"]
    assert covered["Blain"] == covered["Nozay"] == ["Plateau"]
    assert covered["Redon"] == ["Le Roy"]
    assert {s for s, gals in covered.items() if not gals} == {"Ancenis", "Ploërmel", "Guer"}


@pytest.mark.django_db
def test_seed_is_idempotent_and_keeps_edits(directory, make_group):
    make_group("campus")
    seed_directory(log=lambda *_: None)
    before = _snapshot()
    anct = Organisation.objects.get(name__startswith="Agence nationale")
    anct.description = "Texte revu par l'assistante"
    anct.save()

    lines = []
    seed_directory(log=lines.append)

    assert _snapshot() == before
    assert Organisation.objects.get(pk=anct.pk).description == "Texte revu par l'assistante"
    assert all(line.strip().startswith("0 ") for line in lines)


@pytest.mark.django_db
def test_seed_demo_command_fills_the_directory(site_tree):
    from django.core.management import call_command

    call_command("seed_demo", stdout=__import__("io").StringIO())
    assert EpciMember.objects.count() == 13
    assert DirectoryPage.objects.live().get().url == "/partenaires/"
    from workgroups.models import WorkingGroupPage

    campus = WorkingGroupPage.objects.get(slug="campus")
    assert {p.organisation.name for p in campus.directory_partners.all()} == {
        "CAMPUS ESPRIT Industries",
        "Région Pays de la Loire",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["organisation", "contact", "epcimember", "contributionrate", "leadergroup",
                                   "fundingconvention"])  # fmt: skip
def test_snippets_are_listed_in_the_admin(directory, client, make_user, model):
    client.force_login(make_user("root", superuser=True))
    response = client.get(f"/admin/snippets/directory/{model}/")
    assert response.status_code == 200
    response = client.get(f"/admin/snippets/directory/{model}/add/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_an_organisation_is_created_in_the_admin_with_french_errors(directory, client, make_user):
    client.force_login(make_user("root", superuser=True))
    url = "/admin/snippets/directory/organisation/add/"
    response = client.post(url, {"name": "", "kind": "association", "website": "pas une adresse"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Champ requis." in html and "Saisissez une URL valide." in html

    response = client.post(url, {"name": "Conseil de développement", "kind": "association",
                                 "website": "https://cdd.example.org", "address": "", "description": ""})  # fmt: skip
    assert response.status_code == 302
    assert Organisation.objects.get(name="Conseil de développement").kind == "association"


@pytest.mark.django_db
def test_convention_period_must_be_ordered(directory):
    from django.core.exceptions import ValidationError

    convention = FundingConvention.objects.get(partner__name="Région Bretagne")
    convention.ends_on = convention.starts_on.replace(year=2018)
    with pytest.raises(ValidationError, match="La fin de la période doit suivre son début."):
        convention.full_clean()
