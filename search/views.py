from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .parsing import parse
from .service import KINDS, SORTS, Filters, run_search, suggest_titles


@require_GET
def search(request):
    parsed = parse(request.GET.get("q"))
    filters = Filters.from_querydict(request.GET)
    outcome = run_search(request.user, parsed, filters, request=request)
    base_params = {"q": parsed.text, **filters.as_params()}

    def url_with(**changes):
        params = {**base_params, **changes}
        return "?" + urlencode({key: value for key, value in params.items() if value not in ("", None)})

    facets = []
    labels = {
        "groupe": "Groupe",
        "type": "Type de contenu",
        "fichier": "Type de fichier",
        "tag": "Mot-clé",
        "annee": "Année",
    }
    for name, values in outcome.facets.items():
        current = str(getattr(filters, name) or "")
        options = [
            {"label": label, "count": n, "selected": str(value) == current, "url": url_with(**{name: value}, page="")}
            for value, label, n in values
        ]
        if options:
            facets.append(
                {
                    "name": name,
                    "label": labels[name],
                    "options": options,
                    "clear_url": url_with(**{name: ""}, page="") if current else "",
                }
            )

    group_title = next((g.title for g in outcome.groups if g.slug == filters.groupe), "")
    context = {
        "query": parsed.text,
        "parsed": parsed,
        "filters": filters,
        "outcome": outcome,
        "facets": facets,
        "group_title": group_title,
        "sorts": [
            {
                "label": label,
                "selected": key == filters.tri,
                "url": url_with(tri=key if key != "pertinence" else "", page=""),
            }
            for key, label in SORTS.items()
        ],
        "previous_url": url_with(page=outcome.page - 1) if outcome.has_previous else "",
        "next_url": url_with(page=outcome.page + 1) if outcome.has_next else "",
        "first_page_url": url_with(page=""),
        "kinds": KINDS,
        "has_filters": bool(filters.as_params().keys() - {"tri", "facettes"}),
        "clear_filters_url": url_with(groupe="", type="", fichier="", tag="", annee="", page=""),
        "with_facets_url": "" if filters.facettes else url_with(facettes=""),
    }
    return render(request, "search/search.html", context)


@require_GET
def suggestions(request):
    items = suggest_titles(request.user, request.GET.get("q") or "")
    response = JsonResponse({"suggestions": items})
    response["Cache-Control"] = "private, no-store"
    return response
