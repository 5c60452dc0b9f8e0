"""The library listing: filters, sort and facets in a fixed number of queries."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Subquery
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


def filtered_documents(group, filters):
    documents = group_documents(group)
    for tag in filters.tags:  # every chosen tag must be present
        documents = documents.filter(tags__name=tag)
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


def facets(group):
    """Tag counts, types and years, and uploaders of the group's library: three queries."""
    base = group_documents(group)
    content_type = ContentType.objects.get_for_model(IntranetDocument)  # cached by Django
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
    uploaders = list(
        get_user_model()
        .objects.filter(pk__in=base.values("uploaded_by_user_id"))
        .order_by("last_name", "first_name", "username")
    )
    return {
        "tags": [(row["tag__name"], row["n"]) for row in tags],
        "kinds": [(value, label, kinds.get(value, 0)) for value, label in FileKind.choices],
        "years": years,
        "uploaders": uploaders,
    }
