from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from .. import conf
from ..permissions import can_curate, can_upload, get_group, require_view_group
from ..services.library import LibraryFilters, facets, filtered_documents


def library(request, slug):
    group = get_group(slug)
    require_view_group(request.user, group)
    filters = LibraryFilters.from_query(request.GET)
    documents = filtered_documents(group, filters)
    group_facets = facets(group)
    paginator = Paginator(documents, conf.get("DOCUMENT_LIBRARY_PAGE_SIZE"))
    if not filters.active:
        paginator.count = group_facets["total"]  # known from the cached facets: no COUNT query
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
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
            "querystring": query.urlencode(),
            "can_upload": can_upload(request.user, group),
            "can_curate": can_curate(request.user, group),
            "max_upload_mb": conf.get("DOCUMENT_MAX_UPLOAD_SIZE") // (1024 * 1024),
            "accept": ",".join(f".{ext}" for ext in settings.WAGTAILDOCS_EXTENSIONS),
        },
    )
