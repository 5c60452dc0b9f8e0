"""The library listing: filters, sort and facets in a fixed number of queries."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import ExtractYear
from taggit.models import TaggedItem

from ..models import DocumentVersion, FileKind, IntranetDocument

SORTS = {
    "date": ("-created_at", "-pk"),
    "ancien": ("created_at", "pk"),
    "titre": ("title", "pk"),
    "taille": ("-file_size", "pk"),
}


@dataclass
class LibraryFilters:
    tags: list = field(default_factory=list)
    kind: str = ""
    year: int | None = None
    uploader: int | None = None
    sort: str = "date"

    @classmethod
    def from_query(cls, params):
        def as_int(value):
            try:
                return int(value)
            except (TypeError, ValueError):
                return None

        kind = params.get("type", "")
        sort = params.get("tri", "date")
        return cls(
            tags=[t for t in params.getlist("tag") if t][:10],
            kind=kind if kind in FileKind.values else "",
            year=as_int(params.get("annee")),
            uploader=as_int(params.get("auteur")),
            sort=sort if sort in SORTS else "date",
        )

    @property
    def active(self):
        return bool(self.tags or self.kind or self.year or self.uploader)


def group_documents(group):
    return IntranetDocument.objects.active().filter(collection_id=group.collection_id)


def _content_type():
    return ContentType.objects.get_for_model(IntranetDocument)  # cached by Django


def filtered_documents(group, filters):
    documents = group_documents(group)
    for tag in filters.tags:  # every chosen tag must be present
        documents = documents.filter(
            Exists(TaggedItem.objects.filter(content_type=_content_type(), object_id=OuterRef("pk"), tag__name=tag))
        )
    if filters.kind:
        documents = documents.filter(kind=filters.kind)
    if filters.year:
        documents = documents.filter(created_at__year=filters.year)
    if filters.uploader:
        documents = documents.filter(uploaded_by_user_id=filters.uploader)
    version_count = (
        DocumentVersion.objects.filter(document=OuterRef("pk"))
        .order_by()
        .values("document")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        documents.annotate(version_count=Subquery(version_count, output_field=IntegerField()))
        .select_related("uploaded_by_user")
        .prefetch_related("tags")
        .defer("extracted_text", "description")
        .order_by(*SORTS[filters.sort])
    )


FACETS_TIMEOUT = 3600


def _stamp_key(collection_id):
    return f"documents:library-stamp:{collection_id}"


def bump_library(collection_id):
    """Invalidate the cached facets of a collection (any document or tag change calls this)."""
    key = _stamp_key(collection_id)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def facets(group):
    """Facets of the group's library, cached until a document of the collection changes.

    Computing them reads every document of the group, so it is done once per change
    rather than once per page view: the page's cost stays flat as the library grows."""
    stamp = cache.get(_stamp_key(group.collection_id), 0)
    key = f"documents:facets:{group.collection_id}:{stamp}"
    value = cache.get(key)
    if value is None:
        value = compute_facets(group)
        cache.set(key, value, FACETS_TIMEOUT)
    return value


def compute_facets(group):
    """Tag counts, types and years, and uploaders: three queries."""
    base = group_documents(group)
    content_type = _content_type()
    tags = list(
        TaggedItem.objects.filter(content_type=content_type, object_id__in=base.values("pk"))
        .values("tag__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "tag__name")[:50]
    )
    kinds, years = {}, set()
    for kind, year, n in base.order_by().values_list("kind", ExtractYear("created_at")).annotate(n=Count("pk")):
        kinds[kind] = kinds.get(kind, 0) + n
        years.add(year)
    years = sorted(years, reverse=True)
    uploaders = [
        (user.pk, user.get_full_name() or user.get_username())
        for user in get_user_model()
        .objects.filter(pk__in=base.values("uploaded_by_user_id"))
        .order_by("last_name", "first_name", "username")
    ]
    return {
        "total": sum(kinds.values()),
        "tags": [(row["tag__name"], row["n"]) for row in tags],
        "kinds": [(value, label, kinds.get(value, 0)) for value, label in FileKind.choices],
        "years": years,
        "uploaders": uploaders,
    }
