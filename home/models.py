from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from workgroups.blocks import IntroBlock


class HomePage(Page):
    """``/``: the logged-in user's dashboard."""

    welcome = RichTextField("Message d'accueil", blank=True)

    content_panels = Page.content_panels + [FieldPanel("welcome")]
    subpage_types = [
        "workgroups.WorkingGroupIndexPage",
        "workgroups.NewsIndexPage",
        "workgroups.AgendaPage",
        "home.ContentPage",
        "directory.DirectoryPage",
    ]
    max_count = 1
    template = "home/home_page.html"

    class Meta:
        verbose_name = "Page d'accueil"

    def get_context(self, request, *args, **kwargs):
        from home.dashboard import dashboard_for

        context = super().get_context(request, *args, **kwargs)
        context.update(dashboard_for(request.user, now=timezone.now()))
        return context


class ContentPage(Page):
    """A plain page for everything else (charte, comptes rendus, pages importées)."""

    summary = models.TextField("Résumé", blank=True)
    body = StreamField(IntroBlock(), verbose_name="Contenu", blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    subpage_types = ["home.ContentPage"]
    template = "home/content_page.html"

    class Meta:
        verbose_name = "Page de contenu"
