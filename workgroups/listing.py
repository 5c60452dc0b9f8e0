"""Helpers for lists of pages that come from several groups."""

from .models import WorkingGroupPage


def annotate_groups(pages):
    """Set ``page.workgroup`` (or None) on each page with one query for all of them."""
    pages = list(pages)
    if not pages:
        return pages
    groups = {g.path: g for g in WorkingGroupPage.objects.live().only("id", "title", "slug", "path", "url_path")}
    for page in pages:
        page.workgroup = next((g for path, g in groups.items() if page.path.startswith(path)), None)
    return pages
