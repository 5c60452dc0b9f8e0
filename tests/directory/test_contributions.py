"""Member dues: rate of the year × population of the previous year, totals as in the report (p. 29)."""

from decimal import Decimal

import pytest
from django.utils.formats import number_format

from directory.models import ContributionRate, EpciMember, EpciPopulation
from directory.services import contribution, contribution_table, current_rate, epcis_with_populations
from home import demo_data

# The report's table "Participations 2021", EPCI by short name (report p. 29).
REPORT_2021 = {
    "Redon": Decimal("10274.55"),
    "Ancenis": Decimal("10255.65"),
    "Châteaubriant-Derval": Decimal("6889.05"),
    "Guichen / Guipry-Messac": Decimal("6686.10"),
    "Ploërmel": Decimal("6543.60"),
    "Guer": Decimal("5998.35"),
    "Pontchâteau": Decimal("5380.95"),
    "Bain-de-Bretagne": Decimal("4897.35"),
    "Muzillac": Decimal("4085.85"),
    "Questembert": Decimal("3598.50"),
    "Plélan-le-Grand": Decimal("2796.75"),
    "Blain": Decimal("2478.90"),
    "Nozay": Decimal("2412.00"),
}


@pytest.mark.django_db
def test_totals_match_the_report(directory):
    table = contribution_table(epcis_with_populations(), current_rate())

    assert table.year == 2021 and table.population_year == 2020
    assert len(table.rows) == 13
    assert table.total_population == 481984 == demo_data.REPORTED_TOTAL_POPULATION_2020
    assert table.total_population_before == 481212
    assert table.total_amount == Decimal("72297.60") == demo_data.REPORTED_TOTAL_CONTRIBUTION_2021
    # Recomputed independently from the raw 2020 populations × 0,15 €.
    assert sum(pop_2020 for *_, pop_2020 in demo_data.EPCI) * Decimal("0.15") == Decimal("72297.60")


@pytest.mark.django_db
def test_each_epci_matches_the_report_table(directory):
    table = contribution_table(epcis_with_populations(), current_rate())
    figures = {row.epci.short_name: row.amount for row in table.rows}
    assert figures == REPORT_2021
    assert all(isinstance(amount, Decimal) for amount in figures.values())


@pytest.mark.django_db
def test_the_rate_applies_to_the_previous_years_population(directory):
    """GIVEN a 2022 rate and 2021 populations WHEN the table is computed THEN 2022 dues use 2021 figures."""
    redon = EpciMember.objects.get(short_name="Redon")
    EpciPopulation.objects.create(epci=redon, year=2021, population=70000)
    ContributionRate.objects.create(year=2022, rate=Decimal("0.20"))

    table = contribution_table(epcis_with_populations(), current_rate())

    assert table.year == 2022
    row = next(r for r in table.rows if r.epci.pk == redon.pk)
    assert (row.population_before, row.population, row.amount) == (68497, 70000, Decimal("14000.00"))
    # EPCI without a 2021 population have no amount rather than a wrong one.
    assert sum(1 for r in table.rows if r.amount is None) == 12
    assert table.total_amount == Decimal("14000.00")


def test_contribution_rounds_to_the_cent():
    assert contribution(Decimal("0.15"), 68497) == Decimal("10274.55")
    assert contribution(Decimal("0.333"), 1) == Decimal("0.33")
    assert contribution(Decimal("0.15"), None) is None


@pytest.mark.django_db
def test_the_page_shows_the_totals(directory, client, make_user):
    client.force_login(make_user())
    html = client.get("/partenaires/").content.decode()
    assert number_format(481984, force_grouping=True) in html
    assert f"{number_format(Decimal('72297.60'), 2, force_grouping=True)} €" in html
    assert f"{number_format(Decimal('10274.55'), 2, force_grouping=True)} €" in html
