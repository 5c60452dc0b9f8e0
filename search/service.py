"""Permission-aware search over pages and documents, with facets.

Everything goes through Wagtail's search API (``queryset.search()``), on
querysets that already carry the reader's permissions as filter fields: page
path prefixes (``workgroups.access.visible_pages``) and collection ids
(``visible_documents``). Counts, facets, snippets and pagination are therefore
computed only over what the reader may see. Facets are grouped counts on the
matching rows (one query each), so the number of queries does not depend on
the number of results.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import quote

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, DateTimeField, F, Subquery
from django.db.models.functions import Cast, Coalesce, ExtractYear, Substr
from django.template.defaultfilters import filesizeformat
from django.utils import dateformat, timezone
from taggit.models import TaggedItem
from wagtail.models import Page

from documents.models import FileKind, IntranetDocument
from home.models import ContentPage
from ops.db import fetchall_prepared
from workgroups.access import can_view_page, visible_documents, visible_pages
from workgroups.models import MeetingPage, NewsPage, WorkingGroupPage

from . import pg_search
from .snippets import snippets_for, snippets_from_texts

PER_PAGE = 20
MAX_PAGE = pg_search.MATCH_CAP // PER_PAGE  # 25: deeper than 500 results nobody reads; keeps the merge bounded
FACET_SIZE = 12

# Kind of result: URL key → (label, page model or None for documents)
KINDS = {
    "groupe": ("Groupe de travail", WorkingGroupPage),
    "actualite": ("Actualité", NewsPage),
    "reunion": ("Réunion", MeetingPage),
    "page": ("Page", ContentPage),
    "document": ("Document", None),
}
PAGE_MODELS = [model for _label, model in KINDS.values() if model is not None]
SORTS = {"pertinence": "Pertinence", "date": "Date"}


@dataclass
class Filters:
    groupe: str = ""
    type: str = ""
    fichier: str = ""
    tag: str = ""
    annee: int | None = None
    tri: str = "pertinence"
    page: int = 1
    facettes: bool = True  # « facettes=non » in the URL: results only, facets not computed

    @classmethod
    def from_querydict(cls, data):
        def text(name, limit=100):
            return (data.get(name) or "").strip()[:limit]

        year = text("annee", 4)
        page = text("page", 6)
        return cls(
            groupe=text("groupe"),
            type=text("type") if text("type") in KINDS else "",
            fichier=text("fichier") if text("fichier") in FileKind.values else "",
            tag=text("tag"),
            annee=int(year) if year.isdigit() and 1900 < int(year) < 2200 else None,
            tri=text("tri") if text("tri") in SORTS else "pertinence",
            page=min(max(int(page), 1), MAX_PAGE) if page.isdigit() else 1,
            facettes=text("facettes", 3) != "non",
        )

    def as_params(self):
        params = {
            "groupe": self.groupe, "type": self.type, "fichier": self.fichier, "tag": self.tag,
            "annee": self.annee or "", "tri": "" if self.tri == "pertinence" else self.tri,
            "facettes": "" if self.facettes else "non",
        }  # fmt: skip
        return {key: value for key, value in params.items() if value}


@dataclass
class Hit:
    kind: str
    kind_label: str
    title: str
    url: str
    group: object = None
    group_url: str = ""
    date: object = None
    snippet: str = ""
    file_type: str = ""
    file_size: int | None = None
    # « 3 mars 2021 », « 120,6 Ko »: formatted here by Django's own functions, as the template's
    # ``date`` and ``filesizeformat`` filters would, for ~50 µs less per result (their timezone and
    # localisation checks run again for every value).
    date_label: str = ""
    size_label: str = ""
    sort_key: object = None
    obj: object = None


@dataclass
class Outcome:
    hits: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    num_pages: int = 0
    facets: dict = field(default_factory=dict)
    groups: list = field(default_factory=list)
    # more matches than were read (pg_search.MATCH_CAP): total and facets are over the first ones
    capped: bool = False
    cap: int = 0

    @property
    def has_previous(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.num_pages


@dataclass(frozen=True)
class GroupRef:
    """A working group as search shows it (facets, a result's group): the few fields it needs."""

    pk: int
    title: str
    slug: str
    path: str
    url_path: str
    collection_id: int | None

    def get_url(self, request=None):
        """The group page's URL (``PageUrls`` asks only on a multi-site install)."""
        return Page.objects.get(pk=self.pk).get_url(request)


def _groups_statement():
    tables = {"page": Page, "group": WorkingGroupPage}
    names = {name: connection.ops.quote_name(model._meta.db_table) for name, model in tables.items()}
    group_pk = connection.ops.quote_name(WorkingGroupPage._meta.pk.column)
    collection = connection.ops.quote_name(WorkingGroupPage._meta.get_field("collection").column)
    return f"""SELECT p.id, p.title, p.slug, p.path, p.url_path, g.{collection}
                 FROM {names["page"]} p JOIN {names["group"]} g ON g.{group_pk} = p.id
                WHERE p.live ORDER BY p.title, p.id"""  # noqa: S608 — table and column names from the models only


def visible_groups(user):
    """Live working groups ``user`` may see, in title order.

    Every live group (a dozen) comes from one prepared statement, then the rule of ``visible_pages``
    (``can_view_page``) keeps the visible ones: a queryset cost ~1.5 ms of compiling and model
    instances on every search, for a handful of rows (docs/performance.md, session 7)."""
    groups = (GroupRef(*row) for row in fetchall_prepared(_groups_statement()))
    return [group for group in groups if can_view_page(user, group)]


def content_date():
    """The date a reader associates with a page: a meeting's start, a news item's
    date, otherwise its first publication. Years and date sorting use it."""
    return Coalesce(
        F("meetingpage__start"),
        Cast(F("newspage__date"), DateTimeField()),
        F("first_published_at"),
    )


def _date_range(year):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def _page_queryset(user, filters, group):
    if filters.fichier or filters.tag or filters.type == "document":
        return None
    models = [KINDS[filters.type][1]] if filters.type else PAGE_MODELS
    queryset = visible_pages(user, Page.objects.live().type(*models))
    if group is not None:
        queryset = queryset.filter(path__startswith=group.path)
    if filters.annee:
        start, end = _date_range(filters.annee)
        # A list of ids (pages are few) rather than an annotation, which search backends cannot filter on.
        in_year = Page.objects.annotate(_date=content_date()).filter(_date__gte=start, _date__lt=end)
        ids = list(in_year.values_list("pk", flat=True))
        if not ids:
            return None  # no page of that year: pages are left out, as for a document-only filter
        queryset = queryset.filter(pk__in=ids)
    return queryset


def _document_queryset(user, filters, group, doc_ct):
    if filters.type and filters.type != "document":
        return None
    queryset = visible_documents(user)  # not trashed, viewable collections only
    if group is not None:
        queryset = queryset.filter(collection_id=group.collection_id)
    if filters.fichier:
        queryset = queryset.filter(kind=filters.fichier)
    if filters.tag:
        tagged = TaggedItem.objects.filter(content_type_id=doc_ct.pk, tag__name=filters.tag).values("object_id")
        queryset = queryset.filter(id__in=Subquery(tagged))
    if filters.annee:
        start, end = _date_range(filters.annee)
        queryset = queryset.filter(created_at__gte=start, created_at__lt=end)
    return queryset


def _run(queryset, search_query, filters, limit, ascending_scores):
    """(hits of the first ``limit`` results with their sort keys, results object)."""
    if filters.tri == "date":
        date_field = "first_published_at" if issubclass(queryset.model, Page) else "created_at"
        results = queryset.order_by(f"-{date_field}").search(search_query, order_by_relevance=False)
        rows = list(results[:limit])
        return [(getattr(obj, date_field) or timezone.now(), obj) for obj in rows], results
    results = queryset.search(search_query).annotate_score("_score")
    rows = list(results[:limit])
    return [((-row._score if ascending_scores else row._score) or 0.0, row) for row in rows], results


def _matching(results):
    """The Django queryset behind database-backend results, unordered, for grouped counts."""
    return results.get_queryset().order_by()


def _grouped(queryset, **expressions):
    """Rows of (values..., n) grouped on several expressions at once: one pass over the matches."""
    names = list(expressions)
    rows = queryset.annotate(**{f"_{k}": v for k, v in expressions.items()})
    rows = rows.values(*[f"_{k}" for k in names]).annotate(n=Count("pk")).order_by()
    return [tuple(row[f"_{k}"] for k in names) + (row["n"],) for row in rows]


def _facets(page_results, doc_results, groups, doc_ct):
    """(facets, page total, document total): one grouped query per model, plus one for tags."""
    by_path = {g.path: g for g in groups}
    by_collection = {g.collection_id: g for g in groups}
    group_counts, type_counts, year_counts, kind_counts = {}, {}, {}, {}
    tag_counts = []
    page_total = doc_total = 0

    def add(counter, key, n):
        if key is not None:
            counter[key] = counter.get(key, 0) + n

    if page_results is not None:
        page_kinds = {ContentType.objects.get_for_model(model).pk: key for key, (_l, model) in KINDS.items() if model}
        prefix_length = len(groups[0].path) if groups else 1
        rows = _grouped(
            _matching(page_results),
            prefix=Substr("path", 1, prefix_length),
            ct=F("content_type_id"),
            year=ExtractYear(content_date()),
        )
        for prefix, ct, year, n in rows:
            page_total += n
            add(group_counts, by_path[prefix].slug if prefix in by_path else None, n)
            add(type_counts, page_kinds.get(ct), n)
            add(year_counts, year, n)
    if doc_results is not None:
        documents = _matching(doc_results)
        rows = _grouped(documents, collection=F("collection_id"), kind=F("kind"), year=ExtractYear("created_at"))
        for collection_id, kind, year, n in rows:
            doc_total += n
            add(group_counts, by_collection[collection_id].slug if collection_id in by_collection else None, n)
            add(kind_counts, kind, n)
            add(year_counts, year, n)
        if doc_total:
            type_counts["document"] = doc_total
            tag_rows = (
                TaggedItem.objects.filter(content_type_id=doc_ct.pk, object_id__in=Subquery(documents.values("pk")))
                .values("tag__name")
                .annotate(n=Count("id"))
                .order_by("-n", "tag__name")[:FACET_SIZE]
            )
            tag_counts = [(row["tag__name"], row["n"]) for row in tag_rows]
    facets = _facet_lists(group_counts, type_counts, kind_counts, tag_counts, year_counts, groups)
    return facets, page_total, doc_total


def _facet_lists(group_counts, type_counts, kind_counts, tag_counts, year_counts, groups):
    """Facets as {name: [(value, label, n)]}, biggest first (years newest first)."""
    group_titles = {g.slug: g.title for g in groups}
    kind_labels = dict(FileKind.choices)

    def ranked(counter):
        return sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))

    return {
        "groupe": [(slug, group_titles[slug], n) for slug, n in ranked(group_counts)],
        "type": [(key, KINDS[key][0], n) for key, n in ranked(type_counts)],
        "fichier": [(kind, kind_labels.get(kind, kind), n) for kind, n in ranked(kind_counts)],
        "tag": [(name, name, n) for name, n in tag_counts],
        "annee": [(year, str(year), n) for year, n in sorted(year_counts.items(), reverse=True)],
    }


def run_search(user, parsed, filters, request=None):
    """Search what ``user`` may see for ``parsed`` (a ``parsing.ParsedQuery``)."""
    groups = visible_groups(user)
    outcome = Outcome(page=filters.page, groups=groups)
    search_query = parsed.as_search_query()
    if search_query is None:
        return outcome
    group = None
    if filters.groupe:
        group = next((g for g in groups if g.slug == filters.groupe), None)
        if group is None:  # unknown or not visible: say nothing about it
            return outcome

    doc_ct = ContentType.objects.get_for_model(IntranetDocument)
    page_qs = _page_queryset(user, filters, group)
    doc_qs = _document_queryset(user, filters, group, doc_ct)
    if pg_search.available():
        return _run_postgres(outcome, parsed, filters, groups, page_qs, doc_qs, doc_ct, request)
    ascending = _backend_scores_ascending()
    limit = filters.page * PER_PAGE

    candidates, page_results, doc_results = [], None, None
    if page_qs is not None:
        rows, page_results = _run(page_qs, search_query, filters, limit, ascending)
        candidates += [(key, "page", obj) for key, obj in rows]
    if doc_qs is not None:
        rows, doc_results = _run(doc_qs, search_query, filters, limit, ascending)
        candidates += [(key, "document", obj) for key, obj in rows]

    outcome.facets, page_total, doc_total = _facets(page_results, doc_results, groups, doc_ct)
    if not filters.facettes:  # computed with the totals here; not shown, as on PostgreSQL
        outcome.facets = {}
    outcome.total = page_total + doc_total
    outcome.num_pages = min(MAX_PAGE, -(-outcome.total // PER_PAGE))

    candidates.sort(key=lambda item: (item[0], item[2].pk), reverse=True)
    chosen = candidates[(filters.page - 1) * PER_PAGE : filters.page * PER_PAGE]
    outcome.hits = _to_hits(chosen, groups, parsed, request)
    return outcome


def _run_postgres(outcome, parsed, filters, groups, page_qs, doc_qs, doc_ct, request):
    """Fast path: one statement finds the matches once and derives hits, totals, facets and tags."""
    page_kinds = {ContentType.objects.get_for_model(model).pk: key for key, (_l, model) in KINDS.items() if model}
    found = pg_search.search(
        parsed, page_qs, doc_qs,
        page_cts=list(page_kinds), doc_ct=doc_ct.pk,
        prefix_length=len(groups[0].path) if groups else 1,
        by_date=filters.tri == "date", limit=PER_PAGE, offset=(filters.page - 1) * PER_PAGE, facets=filters.facettes,
    )  # fmt: skip
    outcome.total = sum(found["totals"].values())
    outcome.capped, outcome.cap = found["capped"], pg_search.MATCH_CAP
    outcome.num_pages = min(MAX_PAGE, -(-outcome.total // PER_PAGE))
    by_path = {g.path: g.slug for g in groups}
    by_collection = {str(g.collection_id): g.slug for g in groups}
    group_counts, type_counts, year_counts = {}, {}, {}
    for counter, source, keys in (
        (group_counts, found["facets"]["grp"], by_path),
        (group_counts, found["facets"]["coll"], by_collection),
        (type_counts, found["facets"]["ct"], {str(ct): key for ct, key in page_kinds.items()}),
    ):
        for value, n in source.items():
            if value in keys:
                counter[keys[value]] = counter.get(keys[value], 0) + n
    if found["totals"].get("document"):
        type_counts["document"] = found["totals"]["document"]
    for year, n in found["facets"]["year"].items():
        year_counts[int(year)] = n
    if filters.facettes:
        outcome.facets = _facet_lists(
            group_counts, type_counts, found["facets"]["fkind"], found["tags"], year_counts, groups
        )

    chosen_ids = found["hits"]  # this page's hits only (LIMIT/OFFSET in the statement)
    page_ids = [pk for _r, kind, pk in chosen_ids if kind == "page"]
    doc_ids = [pk for _r, kind, pk in chosen_ids if kind == "document"]
    # specific pages straight away: ``_to_hits`` needs their dates and kinds, and reads only generic ones
    pages = {page.pk: page for page in Page.objects.filter(pk__in=page_ids).specific()} if page_ids else {}
    documents = _hit_documents(doc_ids) if doc_ids else {}
    chosen = []
    for rank, kind, pk in chosen_ids:
        obj = pages.get(pk) if kind == "page" else documents.get(pk)
        if obj is not None:
            chosen.append((rank, kind, obj))
    outcome.hits = _to_hits(chosen, groups, parsed, request, snippets=snippets_from_texts(found["texts"], parsed))
    return outcome


# What a result shows of a document (``_to_hits``); any other field loads if something asks for it.
HIT_DOCUMENT_FIELDS = {"id", "title", "file", "file_size", "kind", "collection_id", "created_at"}


def _hit_documents(ids):
    """{pk: document} for a page of results (PostgreSQL): one prepared statement and model instances
    from its rows, where a queryset spent ~1 ms compiling and reading every column. The ids come
    from the search statement, which only returns documents the reader may see."""
    fields = [f for f in IntranetDocument._meta.concrete_fields if f.attname in HIT_DOCUMENT_FIELDS]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    table, pk = quote(IntranetDocument._meta.db_table), quote(IntranetDocument._meta.pk.column)
    rows = fetchall_prepared(f"SELECT {columns} FROM {table} WHERE {pk} = ANY(%s)", [ids])  # noqa: S608 — names from the model
    # psycopg already gives these columns their Python types (aware datetimes): no converters to apply
    attnames = [f.attname for f in fields]
    return {doc.pk: doc for doc in (IntranetDocument.from_db(connection.alias, attnames, row) for row in rows)}


def _backend_scores_ascending():
    """SQLite's FTS5 bm25 scores are negative (lower is better); others are higher-is-better."""
    from wagtail.search.backends import get_search_backend

    return type(get_search_backend()).__module__.endswith("sqlite.sqlite")


class PageUrls:
    """Page URLs for one page of results, without ``Page.get_url`` per hit.

    With a single site (the intranet's case) a page's URL is the serve view's prefix followed by
    its ``url_path`` below the site root, which is what ``Page.get_url`` computes after looking
    up the site roots and the request's site each time. Otherwise ``get_url`` is used."""

    def __init__(self, request):
        from django.conf import settings
        from django.urls import reverse
        from wagtail.models import Site

        self.request = request
        roots = Site.get_site_root_paths()  # cached by Wagtail
        single = len(roots) == 1 and not getattr(settings, "WAGTAIL_I18N_ENABLED", False)
        self.root_path = roots[0].root_path if single else None
        self.prefix = reverse("wagtail_serve", args=("",)) if single else ""
        self.known = {}

    def __call__(self, page):
        if page.pk not in self.known:
            if self.root_path and page.url_path.startswith(self.root_path):
                # quoted as ``reverse`` does (slugs may hold accented letters)
                rest = quote(page.url_path[len(self.root_path) :], safe="/~:@!$&'()*+,;=")
                self.known[page.pk] = self.prefix + rest
            else:
                self.known[page.pk] = page.get_url(self.request) or ""
        return self.known[page.pk]


def _to_hits(chosen, groups, parsed, request, snippets=None):
    """Hits for ``chosen`` = [(sort key, kind, object)]; ``snippets`` when already made, else read here."""
    page_url = PageUrls(request)
    by_path = {g.path: g for g in groups}
    by_collection = {g.collection_id: g for g in groups}
    prefix_length = len(groups[0].path) if groups else 0
    # generic pages (Wagtail's search results) become specific ones here, in one query per type
    page_ids = [obj.pk for _key, kind, obj in chosen if kind == "page" and type(obj) is Page]
    specific = {page.pk: page for page in Page.objects.filter(pk__in=page_ids).specific()} if page_ids else {}
    if snippets is None:
        snippets = snippets_for([(kind, obj) for _key, kind, obj in chosen], parsed)
    hits = []
    for _key, kind, obj in chosen:
        if kind == "page":
            page = specific.get(obj.pk, obj)
            kind_key = next((key for key, (_l, model) in KINDS.items() if model and type(page) is model), "page")
            date = getattr(page, "date", None) or getattr(page, "start", None) or page.first_published_at
            group = by_path.get(page.path[:prefix_length])
            hits.append(
                Hit(
                    kind=kind_key, kind_label=KINDS[kind_key][0], title=page.title,
                    url=page_url(page), group=group, group_url=page_url(group) if group else "",
                    date=date, date_label=_date_label(date), snippet=snippets.get(("page", page.pk), ""), obj=page,
                )
            )  # fmt: skip
        else:
            extension = obj.file_extension.upper() if obj.file else ""
            group = by_collection.get(obj.collection_id)
            hits.append(
                Hit(
                    kind="document", kind_label="Document", title=obj.title, url=obj.url,
                    group=group, group_url=page_url(group) if group else "", date=obj.created_at,
                    date_label=_date_label(obj.created_at),
                    snippet=snippets.get(("document", obj.pk), ""),
                    file_type=_file_type(obj.get_kind_display(), extension),
                    file_size=obj.file_size, size_label=filesizeformat(obj.file_size) if obj.file_size else "", obj=obj,
                )
            )  # fmt: skip
    return hits


def _date_label(value):
    """« 3 mars 2021 » for a date or a datetime (its local date), in the active language."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return dateformat.format(value, "j F Y")


def _file_type(kind_label, extension):
    if not extension or extension.lower() == kind_label.lower():
        return kind_label
    return f"{kind_label} ({extension})"


def suggest_titles(user, text, limit=8):
    """Titles of pages and documents ``user`` may see that start like ``text``."""
    from .parsing import _words, clean_text

    words = _words(clean_text(text))[:6]
    if not words or len("".join(words)) < 2:
        return []
    page_qs = visible_pages(user, Page.objects.live().type(*PAGE_MODELS))
    documents_qs = visible_documents(user)
    if pg_search.available():
        return _suggest_postgres(words, page_qs, documents_qs, limit)
    query = " ".join(words)
    pages = page_qs.autocomplete(query)[:limit]
    documents = documents_qs.autocomplete(query)[:limit]
    items = [{"title": page.title, "url": page.url or "", "type": "Page"} for page in pages]
    items += [{"title": doc.title, "url": doc.url, "type": "Document"} for doc in documents]
    return items[:limit]


def _suggest_postgres(words, page_qs, documents_qs, limit):
    """Bounded suggestions (``pg_search.suggest``), then the few pages and documents for their URLs."""
    doc_ct = ContentType.objects.get_for_model(IntranetDocument)
    page_cts = [ContentType.objects.get_for_model(model).pk for model in PAGE_MODELS]
    found = pg_search.suggest(words, page_qs, documents_qs, page_cts=page_cts, doc_ct=doc_ct.pk, limit=limit)[:limit]
    page_ids = [pk for kind, pk, _title in found if kind == "page"]
    doc_ids = [pk for kind, pk, _title in found if kind == "document"]
    pages = {page.pk: page for page in Page.objects.filter(pk__in=page_ids).only("id", "url_path", "title")}
    documents = {doc.pk: doc for doc in IntranetDocument.objects.filter(pk__in=doc_ids).only("id", "title", "file")}
    page_url = PageUrls(None)
    items = []
    for kind, pk, _title in found:
        if kind == "page" and pk in pages:
            items.append({"title": pages[pk].title, "url": page_url(pages[pk]), "type": "Page"})
        elif kind == "document" and pk in documents:
            items.append({"title": documents[pk].title, "url": documents[pk].url, "type": "Document"})
    return items
