"""Logic shared by the directory page, the exports and the seed: dues, LEADER
look-up by territory, CSV rows, vCards, and who may export."""

import csv
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.db.models import Prefetch

from .models import (
    FINANCIAL_KINDS,
    STATE_KINDS,
    Contact,
    ContributionRate,
    EpciMember,
    LeaderGroup,
    Organisation,
    OrganisationKind,
)

CENT = Decimal("0.01")


def contribution(rate, previous_population):
    """Dues of one EPCI: rate per inhabitant × population of the previous year, to the cent."""
    if rate is None or previous_population is None:
        return None
    return (Decimal(rate) * previous_population).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class ContributionRow:
    epci: EpciMember
    population_before: int | None
    population: int | None
    amount: Decimal | None


@dataclass
class ContributionTable:
    year: int | None
    rate: Decimal | None
    rows: list = field(default_factory=list)
    total_population_before: int = 0
    total_population: int = 0
    total_amount: Decimal = Decimal("0.00")

    @property
    def population_year(self):
        return self.year - 1 if self.year else None


def contribution_table(epcis, rate: ContributionRate | None):
    """Dues of each EPCI for ``rate.year`` (population of year-1) with totals.
    ``epcis`` must have their populations prefetched."""
    if rate is None:
        return ContributionTable(year=None, rate=None)
    table = ContributionTable(year=rate.year, rate=rate.rate)
    for epci in epcis:
        before = epci.population_in(rate.year - 2)
        population = epci.population_in(rate.year - 1)
        amount = contribution(rate.rate, population)
        table.rows.append(ContributionRow(epci, before, population, amount))
        table.total_population_before += before or 0
        table.total_population += population or 0
        table.total_amount += amount or Decimal("0.00")
    return table


def epcis_with_populations():
    return list(EpciMember.objects.select_related("organisation").prefetch_related("populations"))


def current_rate():
    return ContributionRate.objects.order_by("-year").first()


class TerritoryForm(forms.Form):
    """Pick a member EPCI to see its LEADER group and animateur (plain GET form)."""

    epci = forms.TypedChoiceField(label="Votre intercommunalité", coerce=int, empty_value=None)

    def __init__(self, *args, epcis, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["epci"].choices = [("", "— choisir un EPCI —")] + [(e.pk, e.organisation.name) for e in epcis]
        self.fields["epci"].error_messages["invalid_choice"] = "Choisissez une intercommunalité dans la liste."
        self.fields["epci"].error_messages["required"] = "Choisissez une intercommunalité dans la liste."


def leader_groups():
    return list(
        LeaderGroup.objects.select_related("structure", "animateur__organisation").prefetch_related(
            Prefetch("territories", queryset=EpciMember.objects.select_related("organisation"))
        )
    )


def groups_covering(epci_id, groups):
    return [g for g in groups if any(t.pk == epci_id for t in g.territories.all())]


def organisations_with_details():
    return list(
        Organisation.objects.select_related("logo").prefetch_related(
            "logo__renditions",
            Prefetch("contacts", queryset=Contact.objects.order_by("last_name", "first_name")),
            "conventions",
        )
    )


def directory_context(request):
    """Everything /partenaires/ shows, in a fixed number of queries."""
    organisations = organisations_with_details()
    epcis = epcis_with_populations()
    gals = leader_groups()
    table = contribution_table(epcis, current_rate())

    financial = [o for o in organisations if o.kind in FINANCIAL_KINDS or o.conventions.all()]
    state = [o for o in organisations if o.kind in STATE_KINDS]
    others = [
        o
        for o in organisations
        if o not in financial and o not in state and o.kind not in (OrganisationKind.EPCI, OrganisationKind.GAL)
    ]
    known_amounts = [c.amount for o in financial for c in o.conventions.all() if c.amount is not None]

    territory = {"form": TerritoryForm(epcis=epcis), "selected": None, "groups": []}
    if "epci" in request.GET:
        form = TerritoryForm(request.GET, epcis=epcis)
        territory["form"] = form
        if form.is_valid():
            selected = next(e for e in epcis if e.pk == form.cleaned_data["epci"])
            territory.update(selected=selected, groups=groups_covering(selected.pk, gals))

    return {
        "financial_partners": financial,
        "conventions_total": sum(known_amounts, Decimal("0.00")),
        "state_services": state,
        "other_organisations": others,
        "leader_groups": gals,
        "territory": territory,
        "contributions": table,
        "can_export": can_export_directory(request.user),
    }


# ------------------------------------------------------------------ exports


def can_export_directory(user):
    """The CSV export is for the staff: superusers, Django staff, holders of
    ``directory.export_directory`` and animateurs of any working group."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff or user.has_perm("directory.export_directory"):
        return True
    from workgroups.models import WorkingGroupPage

    return WorkingGroupPage.objects.filter(animateurs_group__in=user.groups.all()).exists()


CSV_HEADER = [
    "Organisation",
    "Type",
    "Site web",
    "Adresse",
    "Prénom",
    "Nom",
    "Fonction",
    "Courriel",
    "Téléphone",
]


def directory_rows():
    """One row per contact; organisations without a contact get one row of their own."""
    for org in Organisation.objects.prefetch_related("contacts").order_by("name"):
        base = [org.name, org.get_kind_display(), org.website, org.address]
        contacts = list(org.contacts.all())
        if not contacts:
            yield base + ["", "", "", "", ""]
        for c in contacts:
            yield base + [c.first_name, c.last_name, c.role, c.email, c.phone]


def write_directory_csv(stream):
    # Semicolons: what a French spreadsheet opens without an import dialog.
    writer = csv.writer(stream, delimiter=";")
    writer.writerow(CSV_HEADER)
    writer.writerows(directory_rows())


def contact_vcard(contact: Contact) -> str:
    import vobject

    card = vobject.vCard()
    card.add("n").value = vobject.vcard.Name(family=contact.last_name, given=contact.first_name)
    card.add("fn").value = contact.full_name
    card.add("org").value = [contact.organisation.name]
    if contact.role:
        card.add("title").value = contact.role
    if contact.email:
        email = card.add("email")
        email.value = contact.email
        email.type_param = "WORK"
    if contact.phone:
        tel = card.add("tel")
        tel.value = contact.phone
        tel.type_param = "WORK"
    if contact.organisation.website:
        card.add("url").value = contact.organisation.website
    if contact.organisation.address:
        card.add("adr").value = vobject.vcard.Address(street=contact.organisation.address)
    return card.serialize()
