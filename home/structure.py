"""The fixed skeleton of the site: home, /groupes/, /actualites/, /agenda/.

Used by ``seed_demo``, the Plone import and the tests, so that every
environment has the same tree. Idempotent.
"""

from django.db import transaction
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction, Site

from home.models import HomePage
from workgroups.models import AgendaPage, NewsIndexPage, WorkingGroupIndexPage


def _child(parent, model, slug, title, **fields):
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing
    page = model(slug=slug, title=title, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def ensure_site_structure(hostname="localhost", port=80):
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's initial migration leaves a placeholder "Welcome" page.
        for placeholder in root.get_children().filter(
            content_type__model="page", content_type__app_label="wagtailcore"
        ):
            Site.objects.filter(root_page=placeholder).delete()
            placeholder.delete()
        root.refresh_from_db()
        home = HomePage(
            title="Accueil",
            slug="accueil",
            welcome="<p>Bienvenue sur l'intranet de l'Alliance Intermétropolitaine Loire Bretagne.</p>",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=True,
                            site_name="Intranet AILB")  # fmt: skip
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()

    # Private by default, even for code paths that bypass the login middleware.
    PageViewRestriction.objects.get_or_create(page=home, defaults={"restriction_type": PageViewRestriction.LOGIN})
    root_collection = Collection.get_first_root_node()
    CollectionViewRestriction.objects.get_or_create(
        collection=root_collection, defaults={"restriction_type": CollectionViewRestriction.LOGIN}
    )

    return {
        "home": home,
        "groups": _child(home, WorkingGroupIndexPage, "groupes", "Groupes de travail"),
        "news": _child(home, NewsIndexPage, "actualites", "Actualités"),
        "agenda": _child(home, AgendaPage, "agenda", "Agenda"),
    }
