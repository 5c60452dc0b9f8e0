"""Fills the directory from the 2021 activity report (pp. 22-23, 29). Idempotent:
organisations are found by name, contacts by organisation and name, EPCI by
organisation, GAL by name; existing rows are left as an editor may have changed them."""

from datetime import date

from django.db import transaction
from django.utils.text import slugify

from home import demo_data as data

from .models import (
    Contact,
    ContributionRate,
    DirectoryPage,
    EpciMember,
    EpciPopulation,
    FundingConvention,
    GroupPartner,
    LeaderGroup,
    Organisation,
    OrganisationKind,
)

K = OrganisationKind

# Partner technicians met in 2021 and invited elected members (report pp. 18, 22).
PARTNER_CONTACTS = [
    ("Région Bretagne", "Sébastien", "Hamard", "Directeur de l'aménagement et de l'égalité"),
    ("Région Bretagne", "Fabrice", "Gourmelon", "Directeur de l'espace territorial Rennes / Saint-Malo / Redon"),
    ("Région Bretagne", "Olivier", "Quéro", "Directeur territorial du Centre Bretagne"),
    ("Région Bretagne", "Anne", "Patault", "Vice-présidente, invitée du bureau de l'AILB"),
    ("Région Pays de la Loire", "Dorothée", "Clément",
     "Directrice adjointe, cheffe du service coordination des politiques contractuelles et santé"),
    ("Région Pays de la Loire", "Fanny", "Racineux",
     "Service coordination des politiques territoriales et santé, direction des territoires et de la ruralité"),
    ("Région Pays de la Loire", "Jean-Michel", "Buf", "Conseiller régional, coopérations territoriales et réseaux"),
    ("Département d'Ille-et-Vilaine", "Laurent", "Courtet", "Directeur général adjoint"),
    ("Département de Loire-Atlantique", "Clément", "Thomas-Le Bras", "Directeur du développement territorial"),
    ("Département de Loire-Atlantique", "Ronan", "Pageot", "Coordinateur stratégique"),
    ("Agence nationale de la cohésion des territoires (ANCT)", "Sylvie", "Cabassot", "Correspondante de l'AILB"),
    ("Cabinet du Premier ministre", "Laurent", "Carrié", "Collaborateur Territoires du Premier ministre"),
    ("CAMPUS ESPRIT Industries", "Anne", "Patault", "Présidente"),
    ("CAMPUS ESPRIT Industries", "Thierry", "Sauvage", "Directeur"),
]  # fmt: skip

# name, kind, website, description (report pp. 5, 7, 22-23)
OTHER_ORGANISATIONS = [
    ("Agence nationale de la cohésion des territoires (ANCT)", K.ETAT, "https://agence-cohesion-territoires.gouv.fr",
     "L'AILB lui présente régulièrement l'avancement de ses travaux."),
    ("Cabinet du Premier ministre", K.ETAT, "https://www.gouvernement.fr",
     "Entretien du 24 février 2021 sur la structuration des travaux."),
    ("Préfecture d'Ille-et-Vilaine", K.PREFECTURE, "https://www.ille-et-vilaine.gouv.fr",
     "Destinataire de la note d'information de janvier 2021 ; invitée à l'AG du 28 mai 2021."),
    ("Préfecture de la Loire-Atlantique", K.PREFECTURE, "https://www.loire-atlantique.gouv.fr",
     "Destinataire de la note d'information de janvier 2021 ; invitée à l'AG du 28 mai 2021."),
    ("Préfecture du Morbihan", K.PREFECTURE, "https://www.morbihan.gouv.fr",
     "Destinataire de la note d'information de janvier 2021 ; invitée à l'AG du 28 mai 2021."),
    ("CAMPUS ESPRIT Industries", K.FORMATION, "",
     "Campus de formation supérieure en alternance à Redon, modèle du chantier Campus de proximité."),
    ("SAS MHOOVE", K.ENTREPRISE, "", "Production et distribution d'hydrogène vert pour les mobilités."),
    ("EPTB Vilaine", K.AUTRE, "https://www.eptb-vilaine.fr",
     "Établissement public territorial du bassin de la Vilaine."),
]  # fmt: skip

# The Pays de Brocéliande GAL also covers two EPCI outside the AILB (report p. 23).
OTHER_TERRITORIES = {"Pays de Brocéliande": "Montfort Communauté, Communauté de communes Saint-Méen Montauban"}

# group slug → [(organisation, contact last name or None, role in the group)]
GROUP_PARTNERS = {
    "dechets": [("Région Bretagne", None, "Co-construit le temps fort TGAP"),
                ("Région Pays de la Loire", None, "Co-construit le temps fort TGAP")],
    "eau": [("EPTB Vilaine", None, "Révision du SDAGE")],
    "campus": [("CAMPUS ESPRIT Industries", "Sauvage", "Modèle du campus de proximité"),
               ("Région Pays de la Loire", "Racineux", "Visite du 12 mars 2021")],
    "hydrogene": [("SAS MHOOVE", None, "Porteur du projet hydrogène")],
    "habiter": [("Agence nationale de la cohésion des territoires (ANCT)", "Cabassot", "Suivi de l'expérimentation")],
}  # fmt: skip


def _email(first, last):
    return f"{slugify(first)}.{slugify(last)}@example.org"


def _org(name, kind, website="", description=""):
    org, created = Organisation.objects.get_or_create(
        name=name, defaults={"kind": kind, "website": website, "description": description}
    )
    return org, created


def _contact(org, first, last, role):
    return Contact.objects.get_or_create(
        organisation=org,
        last_name=last,
        first_name=first,
        defaults={"role": role, "email": _email(first, last)},
    )


def ensure_directory_page():
    from home.models import HomePage

    home = HomePage.objects.first()
    if home is None:
        return None
    page = DirectoryPage.objects.child_of(home).first()
    if page is None:
        page = DirectoryPage(
            title="Partenaires",
            slug="partenaires",
            intro="Partenaires financiers, services de l'État, contacts LEADER et EPCI membres de l'AILB.",
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    return page


@transaction.atomic
def seed_directory(log=print, groups=None):
    counts = {"organisations": 0, "contacts": 0, "EPCI": 0, "GAL": 0, "conventions": 0}
    ensure_directory_page()

    epcis = {}
    for name, short, department, pop_2019, pop_2020 in data.EPCI:
        org, created = _org(name, K.EPCI)
        counts["organisations"] += created
        epci, created = EpciMember.objects.get_or_create(
            organisation=org, defaults={"short_name": short, "department": department}
        )
        counts["EPCI"] += created
        for year, population in ((2019, pop_2019), (2020, pop_2020)):
            EpciPopulation.objects.get_or_create(epci=epci, year=year, defaults={"population": population})
        epcis[short] = epci
    ContributionRate.objects.get_or_create(year=2021, defaults={"rate": data.CONTRIBUTION_RATE_2021})

    for name, kind, website, start, end, amount in data.FINANCIAL_PARTNERS:
        org, created = _org(name, kind, website)
        counts["organisations"] += created
        if amount is None and start is None:
            continue  # no convention signed (Morbihan)
        _, created = FundingConvention.objects.get_or_create(
            partner=org,
            defaults={
                "signed_on": date.fromisoformat(start) if start else None,
                "starts_on": date.fromisoformat(start) if start else None,
                "ends_on": date.fromisoformat(end) if end else None,
                "amount": amount,
                "notes": "" if start else "Signature en cours",
            },
        )
        counts["conventions"] += created

    for name, kind, website, description in OTHER_ORGANISATIONS:
        counts["organisations"] += _org(name, kind, website, description)[1]
    for org_name, first, last, role in PARTNER_CONTACTS:
        counts["contacts"] += _contact(Organisation.objects.get(name=org_name), first, last, role)[1]

    for shorts, structure_name, first, last in data.LEADER_CONTACTS:
        structure, created = _org(structure_name, K.GAL)
        counts["organisations"] += created
        animateur, created = _contact(structure, first, last, "Animateur·rice LEADER")
        counts["contacts"] += created
        gal_name = structure_name if structure_name.startswith("GAL") else f"GAL LEADER – {structure_name}"
        gal = LeaderGroup.objects.filter(name=gal_name).first()
        if gal is None:
            gal = LeaderGroup(name=gal_name, structure=structure, animateur=animateur,
                              other_territories=OTHER_TERRITORIES.get(structure_name, ""))  # fmt: skip
            gal.territories.set([epcis[short] for short in shorts])
            gal.save()
            counts["GAL"] += 1

    _link_groups(groups)
    for label, count in counts.items():
        log(f"  {count} {label} créé(e)s dans l'annuaire")
    return counts


def _link_groups(groups):
    from workgroups.models import WorkingGroupPage

    if groups is None:
        groups = {g.slug: g for g in WorkingGroupPage.objects.filter(slug__in=GROUP_PARTNERS)}
    for slug, links in GROUP_PARTNERS.items():
        group = groups.get(slug)
        if group is None:
            continue
        page = WorkingGroupPage.objects.get(pk=group.pk)
        if page.directory_partners.exists():
            continue  # already linked (or curated by an editor): leave it
        for org_name, contact_last_name, note in links:
            org = Organisation.objects.get(name=org_name)
            contact = org.contacts.filter(last_name=contact_last_name).first() if contact_last_name else None
            page.directory_partners.add(GroupPartner(organisation=org, contact=contact, note=note))
        page.save_revision().publish()
