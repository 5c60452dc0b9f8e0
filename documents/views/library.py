from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from .. import conf
from ..permissions import can_curate, can_upload, get_group, require_view_group
from ..services.library import LibraryFilters, facets, filtered_documents


def library(request, slug):
    group = get_group(slug)
    require_view_group(request.user, group)
    filters = LibraryFilters.from_query(request.GET)
    documents = filtered_documents(group, filters)
    page = Paginator(documents, conf.get("DOCUMENT_LIBRARY_PAGE_SIZE")).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "documents/library.html",
        {
            "group": group,
            "page_obj": page,
            "filters": filters,
            "facets": facets(group),
            "querystring": query.urlencode(),
            "can_upload": can_upload(request.user, group),
            "can_curate": can_curate(request.user, group),
            "max_upload_mb": conf.get("DOCUMENT_MAX_UPLOAD_SIZE") // (1024 * 1024),
            "accept": ",".join(f".{ext}" for ext in settings.WAGTAILDOCS_EXTENSIONS),
        },
    )
