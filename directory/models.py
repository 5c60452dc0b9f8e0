"""Directory of partners: organisations, contacts, member EPCI and their dues,
LEADER groups (GAL) and funding conventions. All are Wagtail snippets; the
``/partenaires/`` page and the working-group pages read them."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page
from wagtail.search import index


class OrganisationKind(models.TextChoices):
    EPCI = "epci", "EPCI membre"
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    ETAT = "etat", "État / ANCT"
    PREFECTURE = "prefecture", "Préfecture"
    GAL = "gal", "GAL LEADER"
    ENTREPRISE = "entreprise", "Entreprise ou cluster"
    FORMATION = "formation", "Établissement de formation"
    ASSOCIATION = "association", "Association"
    AUTRE = "autre", "Autre"


FINANCIAL_KINDS = (OrganisationKind.REGION, OrganisationKind.DEPARTEMENT)
STATE_KINDS = (OrganisationKind.ETAT, OrganisationKind.PREFECTURE)


class Department(models.TextChoices):
    ILLE_ET_VILAINE = "35", "Ille-et-Vilaine (35)"
    LOIRE_ATLANTIQUE = "44", "Loire-Atlantique (44)"
    MORBIHAN = "56", "Morbihan (56)"


class Organisation(index.Indexed, models.Model):
    name = models.CharField("Nom", max_length=255, unique=True)
    kind = models.CharField("Type", max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.AUTRE)
    website = models.URLField("Site web", blank=True)
    address = models.TextField("Adresse", blank=True)
    description = models.TextField("Présentation courte", max_length=600, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="Logo",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("website"),
        FieldPanel("address"),
        FieldPanel("description"),
        FieldPanel("logo"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.FilterField("kind")]

    class Meta:
        ordering = ["name"]
        verbose_name = "Organisation"
        verbose_name_plural = "Organisations"
        permissions = [("export_directory", "Peut exporter l'annuaire (CSV)")]

    def __str__(self):
        return self.name


class WithOrganisationManager(models.Manager):
    """Labels (``__str__``) name the organisation: join it so admin choosers do not query per row."""

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")


class Contact(index.Indexed, models.Model):
    """A person at a partner organisation. Shown only to logged-in users."""

    first_name = models.CharField("Prénom", max_length=100)
    last_name = models.CharField("Nom", max_length=100)
    role = models.CharField("Fonction", max_length=255, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", verbose_name="Organisation"
    )
    email = models.EmailField("Courriel", blank=True)
    phone = models.CharField("Téléphone", max_length=40, blank=True)

    objects = WithOrganisationManager()

    panels = [
        FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
        FieldPanel("role"),
        FieldPanel("organisation"),
        FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
    ]
    search_fields = [
        index.SearchField("first_name"),
        index.SearchField("last_name"),
        index.AutocompleteField("last_name"),
        index.SearchField("role"),
    ]

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "Contact"
        verbose_name_plural = "Contacts"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "last_name", "first_name"], name="directory_contact_unique_per_org"
            )
        ]

    def __str__(self):
        return f"{self.full_name} ({self.organisation})" if self.organisation_id else self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


class EpciMember(ClusterableModel):
    """A member intercommunality, with its population year by year."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="epci",
        verbose_name="Organisation",
        limit_choices_to={"kind": OrganisationKind.EPCI},
    )
    short_name = models.CharField("Nom court", max_length=100)
    department = models.CharField("Département", max_length=3, choices=Department.choices)

    objects = WithOrganisationManager()

    panels = [
        FieldPanel("organisation"),
        FieldRowPanel([FieldPanel("short_name"), FieldPanel("department")]),
        InlinePanel("populations", label="Population par année", min_num=0),
    ]

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = "EPCI membre"
        verbose_name_plural = "EPCI membres"

    def __str__(self):
        return self.organisation.name

    def population_in(self, year):
        """Population of ``year`` from the (prefetched) populations, or None."""
        for row in self.populations.all():
            if row.year == year:
                return row.population
        return None


class EpciPopulation(Orderable):
    epci = ParentalKey(EpciMember, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveIntegerField("Année")
    population = models.PositiveIntegerField("Population totale")

    panels = [FieldRowPanel([FieldPanel("year"), FieldPanel("population")])]

    class Meta(Orderable.Meta):
        verbose_name = "Population"
        constraints = [models.UniqueConstraint(fields=["epci", "year"], name="directory_population_one_per_year")]


class ContributionRate(models.Model):
    """The dues per inhabitant voted for a year, applied to the previous year's population."""

    year = models.PositiveIntegerField("Année de la participation", unique=True)
    rate = models.DecimalField(
        "Montant par habitant (€)", max_digits=6, decimal_places=4, validators=[MinValueValidator(Decimal("0"))]
    )

    panels = [FieldPanel("year"), FieldPanel("rate")]

    class Meta:
        ordering = ["-year"]
        verbose_name = "Taux de participation des EPCI"
        verbose_name_plural = "Taux de participation des EPCI"

    def __str__(self):
        return f"{self.year} : {self.rate} € par habitant (population {self.year - 1})"


class LeaderGroup(ClusterableModel):
    """A LEADER local action group (GAL): who carries it, who animates it, which EPCI it covers."""

    name = models.CharField("Nom du GAL", max_length=255, unique=True)
    structure = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="leader_groups", verbose_name="Structure porteuse"
    )
    animateur = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leader_groups",
        verbose_name="Animateur·rice",
    )
    territories = ParentalManyToManyField(
        EpciMember, blank=True, related_name="leader_groups", verbose_name="EPCI membres couverts"
    )
    other_territories = models.CharField(
        "Autres territoires couverts", max_length=255, blank=True, help_text="Hors AILB, pour information."
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("structure"),
        FieldPanel("animateur"),
        FieldPanel("territories", widget=forms.CheckboxSelectMultiple),
        FieldPanel("other_territories"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = "GAL LEADER"
        verbose_name_plural = "GAL LEADER"

    def __str__(self):
        return self.name


class FundingConvention(models.Model):
    partner = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="conventions", verbose_name="Partenaire"
    )
    title = models.CharField("Intitulé", max_length=255, default="Convention d'étude expérimentale")
    signed_on = models.DateField("Date de signature", null=True, blank=True, help_text="Vide : signature en cours.")
    starts_on = models.DateField("Début de la période", null=True, blank=True)
    ends_on = models.DateField("Fin de la période", null=True, blank=True)
    amount = models.DecimalField("Montant (€)", max_digits=12, decimal_places=2, null=True, blank=True)
    notes = models.CharField("Remarques", max_length=255, blank=True)

    panels = [
        FieldPanel("partner"),
        FieldPanel("title"),
        MultiFieldPanel(
            [FieldPanel("signed_on"), FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")])],
            heading="Dates",
        ),
        FieldPanel("amount"),
        FieldPanel("notes"),
    ]

    class Meta:
        ordering = ["partner__name", "starts_on"]
        verbose_name = "Convention de financement"
        verbose_name_plural = "Conventions de financement"

    def __str__(self):
        return f"{self.title} – {self.partner}"

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "La fin de la période doit suivre son début."})


class GroupPartner(Orderable):
    """Links a working group to an organisation (and optionally one of its contacts).
    Edited from the group page editor; shown in its "Partenaires et contacts" block."""

    page = ParentalKey("workgroups.WorkingGroupPage", on_delete=models.CASCADE, related_name="directory_partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="group_links", verbose_name="Organisation"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="group_links", verbose_name="Contact"
    )
    note = models.CharField("Rôle dans le groupe", max_length=255, blank=True)

    panels = [FieldPanel("organisation"), FieldPanel("contact"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = "Partenaire du groupe"
        verbose_name_plural = "Partenaires du groupe (annuaire)"

    def clean(self):
        super().clean()
        if self.contact_id and self.organisation_id and self.contact.organisation_id != self.organisation_id:
            raise ValidationError({"contact": "Ce contact n'appartient pas à l'organisation choisie."})


class DirectoryPage(Page):
    """``/partenaires/``: financial partners, State services, LEADER contacts by
    territory and the member EPCI with their dues."""

    intro = models.TextField("Introduction", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1
    template = "directory/directory_page.html"

    class Meta:
        verbose_name = "Annuaire des partenaires"

    def get_context(self, request, *args, **kwargs):
        from .services import directory_context

        context = super().get_context(request, *args, **kwargs)
        context.update(directory_context(request))
        return context
