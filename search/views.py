from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Page

from workgroups.access import visible_documents, visible_pages


def search(request):
    query = (request.GET.get("q") or "").strip()[:200]
    pages = documents = None
    if query:
        pages = Paginator(visible_pages(request.user, Page.objects.live()).search(query), 20).get_page(
            request.GET.get("page")
        )
        documents = visible_documents(request.user).search(query)[:20]
    return render(request, "search/search.html", {"query": query, "pages": pages, "documents": documents})
