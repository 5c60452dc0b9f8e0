"""The library listing: filters, sort and facets in a fixed number of queries."""

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
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


# Years a document may carry (Plone imports keep their original dates); others are ignored.
MIN_YEAR, MAX_YEAR = 1900, 2200


@dataclass
class LibraryFilters:
    tags: list = field(default_factory=list)
    kind: str = ""
    year: int | None = None
    uploader: int | None = None
    sort: str = "date"

    @classmethod
    def from_query(cls, params):
        def as_int(value, low, high):
            """An integer within [low, high], or None: a hand-edited URL (« annee=99999999999 »,
            an id beyond the database's integers) must not reach the query."""
            value = (value or "").strip()
            if not value.isascii() or not value.isdigit() or len(value) > 10:
                return None
            number = int(value)
            return number if low <= number <= high else None

        kind = params.get("type", "")
        sort = params.get("tri", "date")
        return cls(
            tags=[t for t in params.getlist("tag") if t][:10],
            kind=kind if kind in FileKind.values else "",
            year=as_int(params.get("annee"), MIN_YEAR, MAX_YEAR),
            uploader=as_int(params.get("auteur"), 1, 2**31 - 1),
            sort=sort if sort in SORTS else "date",
        )

    @property
    def active(self):
        return bool(self.tags or self.kind or self.year or self.uploader)

    def criteria(self):
        """What decides which documents match (the sort does not)."""
        return (tuple(sorted(set(self.tags))), self.kind, self.year, self.uploader)

    def cache_key(self):
        """A short, canonical digest of the filters and the sort, for cache keys."""
        return hashlib.sha256(repr((self.criteria(), self.sort)).encode()).hexdigest()[:32]

    def querystring(self):
        """The filters as a query string (links of the pagination), rebuilt from what was
        understood rather than copied from the request: cached pages never carry stray parameters."""
        params = [("tag", tag) for tag in self.tags]
        params += [("type", self.kind), ("annee", self.year or ""), ("auteur", self.uploader or "")]
        if self.sort != "date":
            params.append(("tri", self.sort))
        return urlencode([(name, value) for name, value in params if value])


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
        .defer("extracted_text", "description")
        .order_by(*SORTS[filters.sort])
    )


def attach_tag_names(documents):
    """Give each document of a page its sorted tag names in one query.

    ``prefetch_related("tags")`` would cost the same query but build a taggit
    queryset per row (~0.5 ms each, a third of the page's time)."""
    names = {document.pk: [] for document in documents}
    if names:
        rows = (
            TaggedItem.objects.filter(content_type=_content_type(), object_id__in=list(names))
            .order_by("tag__name")
            .values_list("object_id", "tag__name")
        )
        for object_id, name in rows:
            names[object_id].append(name)
    for document in documents:
        document.tag_names = names[document.pk]
    return documents


FACETS_TIMEOUT = 3600
# Rendered parts of the page (filters, list) live as long as the facets: the
# collection's version in their key retires them as soon as anything changes.
FRAGMENT_TIMEOUT = FACETS_TIMEOUT
_EPOCH_KEY = "documents:library-epoch"


def _stamp_key(collection_id):
    return f"documents:library-stamp:{collection_id}"


def _incr(key):
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def bump_library(collection_id):
    """Invalidate everything cached for a collection's library (facets, counts, fragments).

    Bumped at once and again after the transaction commits: a reader who rebuilt
    the cache between the two, from data not yet committed, is retired too."""
    key = _stamp_key(collection_id)
    _incr(key)
    transaction.on_commit(lambda: _incr(key))


def bump_all_libraries():
    """For changes shown in every library (an uploader's name, a tag renamed, bulk admin actions)."""
    _incr(_EPOCH_KEY)
    transaction.on_commit(lambda: _incr(_EPOCH_KEY))


def library_stamp(collection_id):
    """The collection's version: every cached figure of its library is keyed by it."""
    key = _stamp_key(collection_id)
    values = cache.get_many([_EPOCH_KEY, key])
    return f"{values.get(_EPOCH_KEY, 0)}.{values.get(key, 0)}"


def facets_key(collection_id, stamp):
    return f"documents:facets:{collection_id}:{stamp}"


def count_key(collection_id, stamp, filters):
    digest = hashlib.sha256(repr(filters.criteria()).encode()).hexdigest()[:32]
    return f"documents:library-count:{collection_id}:{stamp}:{digest}"


def facets(group, stamp=None, prefetched=None):
    """Facets of the group's library, cached until a document of the collection changes.

    Computing them reads every document of the group, so it is done once per change
    rather than once per page view: the page's cost stays flat as the library grows.
    ``prefetched``: cache entries already read with ``get_many`` (one round trip for all)."""
    if stamp is None:
        stamp = library_stamp(group.collection_id)
    key = facets_key(group.collection_id, stamp)
    value = prefetched[key] if prefetched and key in prefetched else cache.get(key)
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


def filtered_count(group, filters, documents, stamp, prefetched=None):
    """Number of documents matching ``filters``, cached per (collection version, filters).

    Counting every match of a common tag reads a large part of the collection
    (~100 ms at 100,000 documents); the figure only changes with the collection,
    whose version is in the key. It does not depend on the reader: whoever may
    open the library sees every active document of the collection."""
    key = count_key(group.collection_id, stamp, filters)
    count = prefetched[key] if prefetched and key in prefetched else cache.get(key)
    if count is None:
        count = documents.order_by().count()
        cache.set(key, count, FACETS_TIMEOUT)
    return count


class LibraryRows:
    """The documents of one page, read with their tag names on first use.

    The view hands this to the template: when the list comes from the fragment
    cache nothing iterates it and the page of documents is never queried."""

    def __init__(self, queryset):
        self._queryset = queryset
        self._rows = None

    def _load(self):
        if self._rows is None:
            self._rows = attach_tag_names(list(self._queryset))
        return self._rows

    def __iter__(self):
        return iter(self._load())

    def __len__(self):
        return len(self._load())

    def __bool__(self):
        return bool(self._load())

    def __getitem__(self, index):
        return self._load()[index]
