"""Working-group page space: groups, news, meetings, agenda, personal feed tokens."""

import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Collection, Orderable, Page
from wagtail.search import index

from .blocks import AgendaItemBlock, IntroBlock, LinkOutBlock


class Visibility(models.TextChoices):
    OPEN = "ouvert", "Ouvert (tous les membres de l'intranet)"
    PRIVATE = "prive", "Privé (membres du groupe seulement)"


class WorkingGroupIndexPage(Page):
    """``/groupes/``: the list of working groups."""

    intro = RichTextField("Introduction", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["workgroups.WorkingGroupPage"]
    max_count = 1
    template = "workgroups/working_group_index_page.html"

    class Meta:
        verbose_name = "Liste des groupes de travail"

    def get_context(self, request, *args, **kwargs):
        from .access import visible_pages
        from .membership import group_ids_of

        context = super().get_context(request, *args, **kwargs)
        groups = visible_pages(request.user, WorkingGroupPage.objects.child_of(self).live()).order_by("title")
        mine = group_ids_of(request.user)
        context["my_groups"] = [g for g in groups if g.pk in mine]
        context["other_groups"] = [g for g in groups if g.pk not in mine]
        return context


class WorkingGroupPage(Page):
    """A working group's space. Saving it keeps its auth groups, collection,
    permissions, view restrictions and review workflow in sync (``sync.py``)."""

    theme = models.CharField("Thème", max_length=255)
    intro = StreamField(IntroBlock(), verbose_name="Présentation", blank=True)
    visibility = models.CharField("Visibilité", max_length=10, choices=Visibility.choices, default=Visibility.OPEN)
    partner_links = StreamField(
        [("link", LinkOutBlock())], verbose_name="Partenaires et contacts (liens externes)", blank=True
    )
    members_group = models.ForeignKey(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    animateurs_group = models.ForeignKey(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    collection = models.ForeignKey(
        Collection, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    content_panels = Page.content_panels + [
        FieldPanel("theme"),
        FieldPanel("visibility"),
        FieldPanel("intro"),
        InlinePanel("referents", label="Élus référents"),
        InlinePanel("directory_partners", label="Partenaires et contacts (annuaire)"),
        FieldPanel("partner_links"),
        HelpPanel(
            "Les groupes d'utilisateurs (membres, animateurs), la collection de documents, "
            "les droits et le circuit de relecture sont créés et tenus à jour automatiquement."
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("theme"),
        index.SearchField("intro"),
        index.FilterField("visibility"),
    ]
    parent_page_types = ["workgroups.WorkingGroupIndexPage"]
    subpage_types = ["workgroups.NewsPage", "workgroups.MeetingPage", "home.ContentPage"]
    template = "workgroups/working_group_page.html"

    class Meta:
        verbose_name = "Groupe de travail"
        verbose_name_plural = "Groupes de travail"

    @property
    def is_private(self):
        return self.visibility == Visibility.PRIVATE

    def get_context(self, request, *args, **kwargs):
        from .membership import role_of

        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        context["news"] = (
            NewsPage.objects.live().descendant_of(self).order_by("-date", "-pk").select_related("owner")[:5]
        )
        context["upcoming_meetings"] = (
            MeetingPage.objects.live().descendant_of(self).filter(start__gte=now).order_by("start")[:5]
        )
        context["referents"] = self.referents.all()
        context["role"] = role_of(request.user, self)
        return context


class GroupReferent(Orderable):
    page = ParentalKey(WorkingGroupPage, on_delete=models.CASCADE, related_name="referents")
    name = models.CharField("Nom", max_length=200)
    mandate = models.CharField("Mandat", max_length=255, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="Compte",
    )

    panels = [FieldPanel("name"), FieldPanel("mandate"), FieldPanel("user")]

    class Meta(Orderable.Meta):
        verbose_name = "Élu référent"


class NewsIndexPage(Page):
    """``/actualites/``: every news item the reader may see, site-wide and from groups."""

    intro = RichTextField("Introduction", blank=True)
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["workgroups.NewsPage"]
    max_count = 1
    template = "workgroups/news_index_page.html"

    class Meta:
        verbose_name = "Actualités"

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        from .access import visible_pages
        from .listing import annotate_groups

        context = super().get_context(request, *args, **kwargs)
        items = visible_pages(request.user, NewsPage.objects.live()).order_by("-date", "-pk")
        page = Paginator(items, 15).get_page(request.GET.get("page"))
        annotate_groups(page.object_list)
        context["items"] = page
        return context


class NewsPage(Page):
    date = models.DateField("Date", default=timezone.localdate)
    summary = models.TextField("Chapô", max_length=500, blank=True)
    body = RichTextField("Texte", features=["h2", "h3", "bold", "italic", "link", "ol", "ul", "document-link"])

    content_panels = Page.content_panels + [FieldPanel("date"), FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["workgroups.WorkingGroupPage", "workgroups.NewsIndexPage"]
    subpage_types = []
    template = "workgroups/news_page.html"

    class Meta:
        verbose_name = "Actualité"


class MeetingKind(models.TextChoices):
    BUREAU = "bureau", "Bureau"
    AG = "ag", "Assemblée générale"
    SEMINAIRE = "seminaire", "Séminaire"
    COTECH = "cotech", "Comité technique"
    GROUPE = "groupe", "Groupe de travail"
    AUTRE = "autre", "Autre réunion"


class AgendaPage(Page):
    """``/agenda/``: upcoming and past meetings the reader may see; association-wide
    meetings (Bureau, AG) live below it, group meetings below their group."""

    intro = RichTextField("Introduction", blank=True)
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["workgroups.MeetingPage"]
    max_count = 1
    template = "workgroups/agenda_page.html"

    class Meta:
        verbose_name = "Agenda"

    def get_context(self, request, *args, **kwargs):
        from .access import visible_pages
        from .listing import annotate_groups

        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        meetings = visible_pages(request.user, MeetingPage.objects.live())
        upcoming = list(meetings.filter(start__gte=now).order_by("start")[:50])
        past = list(meetings.filter(start__lt=now).order_by("-start")[:50])
        annotate_groups(upcoming + past)
        context.update(upcoming=upcoming, past=past)
        return context


class MeetingPage(Page):
    kind = models.CharField("Instance", max_length=20, choices=MeetingKind.choices, default=MeetingKind.GROUPE)
    start = models.DateTimeField("Début")
    end = models.DateTimeField("Fin", null=True, blank=True)
    place = models.CharField("Lieu", max_length=255, blank=True)
    video_url = models.URLField("Lien de visioconférence", blank=True)
    contact = models.CharField("Contact", max_length=255, blank=True)
    agenda = StreamField([("item", AgendaItemBlock())], verbose_name="Ordre du jour", blank=True)
    description = RichTextField("Présentation", blank=True)
    minutes = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="Compte rendu",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("start"), FieldPanel("end"), FieldPanel("place"),
             FieldPanel("video_url"), FieldPanel("contact")],
            heading="Quand et où",
        ),
        FieldPanel("agenda"),
        FieldPanel("description"),
        FieldPanel("minutes"),
    ]  # fmt: skip
    search_fields = Page.search_fields + [
        index.SearchField("place"),
        index.SearchField("agenda"),
        index.SearchField("description"),
        index.FilterField("start"),
    ]
    parent_page_types = ["workgroups.WorkingGroupPage", "workgroups.AgendaPage"]
    subpage_types = []
    template = "workgroups/meeting_page.html"

    class Meta:
        verbose_name = "Réunion"

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": "La fin de la réunion doit suivre son début."})

    @property
    def is_past(self):
        return (self.end or self.start) < timezone.now()


def new_feed_token():
    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """A personal secret for calendar and feed readers, which cannot log in. It
    shows exactly what its owner may see; regenerating it revokes the old URLs."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Jeton de flux personnel"

    def __str__(self):
        return f"Jeton de flux de {self.user}"

    def regenerate(self):
        self.token = new_feed_token()
        self.save(update_fields=["token", "created_at"])
