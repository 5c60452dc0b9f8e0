from django.conf import settings
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from .. import conf
from ..permissions import can_curate, can_upload, get_group, require_view_group
from ..services.library import (
    FRAGMENT_TIMEOUT,
    LibraryFilters,
    LibraryRows,
    count_key,
    facets,
    facets_key,
    filtered_count,
    filtered_documents,
    library_stamp,
)


def reader_key(user, may_curate, may_upload):
    """What, in the rendered list, depends on the reader: the edit and trash links.

    Animateurs see them on every row, members on their own documents, readers
    nowhere. A member's list therefore differs from every other member's."""
    if may_curate:
        return "animateur"
    if may_upload:
        return f"membre-{user.pk}"
    return "lecteur"


def _fragment(key, html, template, context):
    """A rendered part of the page: ``html`` as read from the cache, or rendered now and cached.

    Rendered without the request: no context processor, no CSRF token, nothing of the
    session can end up in an entry shared by other readers."""
    if html is None:
        html = render_to_string(template, context)
        cache.set(key, html, FRAGMENT_TIMEOUT)
    return mark_safe(html)  # noqa: S308 - our own template's output, escaped when rendered


def library(request, slug):
    group = get_group(slug)
    require_view_group(request.user, group)
    filters = LibraryFilters.from_query(request.GET)
    may_upload, may_curate = can_upload(request.user, group), can_curate(request.user, group)
    documents = filtered_documents(group, filters)
    # Everything cached for this library is keyed by the collection's version (one read),
    # then facets, filtered total and the filters' fragment come in a single round trip.
    stamp = library_stamp(group.collection_id)
    scope = f"{group.slug}:{group.collection_id}:{stamp}"
    filters_fragment = make_template_fragment_key("bibliotheque-filtres", [scope, filters.cache_key()])
    wanted = [facets_key(group.collection_id, stamp), filters_fragment]
    if filters.active:
        wanted.append(count_key(group.collection_id, stamp, filters))
    prefetched = cache.get_many(wanted)
    group_facets = facets(group, stamp, prefetched)
    paginator = Paginator(documents, conf.get("DOCUMENT_LIBRARY_PAGE_SIZE"))
    # Totals come from caches keyed by the collection's version: no COUNT per view.
    if filters.active:
        paginator.count = filtered_count(group, filters, documents, stamp, prefetched)
    else:
        paginator.count = group_facets["total"]
    page = paginator.get_page(request.GET.get("page"))
    # Read only when the list is rendered, not when it comes from the cache.
    page.object_list = LibraryRows(page.object_list)
    reader = reader_key(request.user, may_curate, may_upload)
    list_fragment = make_template_fragment_key("bibliotheque-liste", [scope, filters.cache_key(), page.number, reader])
    shared = {"group": group, "filters": filters, "facets": group_facets, "page_obj": page}
    filters_html = _fragment(
        filters_fragment, prefetched.get(filters_fragment), "documents/_library_filters.html", shared
    )
    list_html = _fragment(
        list_fragment,
        cache.get(list_fragment),
        "documents/_library_list.html",
        {
            **shared,
            # Row links are built from these prefixes instead of one reverse() per link and row.
            "library_url": reverse("documents:library", args=[group.slug]),
            "preview_prefix": reverse("documents:preview", args=[0]).removesuffix("0/"),
            "querystring": filters.querystring(),
            "can_upload": may_upload,
            "can_curate": may_curate,
            "user": request.user,
        },
    )
    return render(
        request,
        "documents/library.html",
        {
            **shared,
            "filters_html": filters_html,
            "list_html": list_html,
            "can_upload": may_upload,
            "can_curate": may_curate,
            "max_upload_mb": conf.get("DOCUMENT_MAX_UPLOAD_SIZE") // (1024 * 1024),
            "accept": ",".join(f".{ext}" for ext in settings.WAGTAILDOCS_EXTENSIONS),
        },
    )
