from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from .. import conf
from ..permissions import can_curate, can_upload, get_group, require_view_group
from ..services.library import (
    FRAGMENT_TIMEOUT,
    LibraryFilters,
    LibraryRows,
    facets,
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


def library(request, slug):
    group = get_group(slug)
    require_view_group(request.user, group)
    filters = LibraryFilters.from_query(request.GET)
    documents = filtered_documents(group, filters)
    stamp = library_stamp(group.collection_id)
    group_facets = facets(group, stamp)
    paginator = Paginator(documents, conf.get("DOCUMENT_LIBRARY_PAGE_SIZE"))
    # Totals come from caches keyed by the collection's version: no COUNT per view.
    if filters.active:
        paginator.count = filtered_count(group, filters, documents, stamp)
    else:
        paginator.count = group_facets["total"]
    page = paginator.get_page(request.GET.get("page"))
    # Read only when the list is rendered, not when it comes from the fragment cache.
    page.object_list = LibraryRows(page.object_list)
    may_upload, may_curate = can_upload(request.user, group), can_curate(request.user, group)
    return render(
        request,
        "documents/library.html",
        {
            "group": group,
            # Row links are built from these prefixes instead of one reverse() per link and row.
            "library_url": reverse("documents:library", args=[group.slug]),
            "preview_prefix": reverse("documents:preview", args=[0]).removesuffix("0/"),
            "page_obj": page,
            "filters": filters,
            "facets": group_facets,
            "querystring": filters.querystring(),
            "can_upload": may_upload,
            "can_curate": may_curate,
            "max_upload_mb": conf.get("DOCUMENT_MAX_UPLOAD_SIZE") // (1024 * 1024),
            "accept": ",".join(f".{ext}" for ext in settings.WAGTAILDOCS_EXTENSIONS),
            # Keys of the cached fragments: the collection's version, the filters, the page
            # and, for the list, the reader's rights.
            "fragment_timeout": FRAGMENT_TIMEOUT,
            "library_stamp": f"{group.slug}:{group.collection_id}:{stamp}",
            "filters_key": filters.cache_key(),
            "reader_key": reader_key(request.user, may_curate, may_upload),
        },
    )
