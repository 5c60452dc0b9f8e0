"""Plone's order of the items in a folder, applied to the imported pages."""

from django.db import transaction
from wagtail.models import Page

from .models import PloneObject

NOT_PAGES = {"Link", "File", "Image"}  # a link is a block of the group, files are documents


def apply_ordering(export, mapping, report):
    """Siblings take Plone's order (``getObjectPosition``) among themselves;
    pages that did not come from Plone stay before them. Only folders whose
    order differs are touched, so a second run changes nothing."""
    order = {uid: pos for uid, pos in (export.ordering() or {}).items() if uid and isinstance(pos, int)}
    if not order:
        return
    # A folder and its default page share one page: the folder's position wins.
    by_page = {}
    for record in PloneObject.objects.filter(target_id__isnull=False).exclude(content_type__in=NOT_PAGES).iterator():
        if record.uid not in order or record.plone_path in mapping:
            continue  # a mapped folder is the working group: the groups keep their own order
        current = by_page.get(record.target_id)
        if current is None or len(record.plone_path) < len(current.plone_path):
            by_page[record.target_id] = record
    pages = Page.objects.filter(pk__in=by_page).only("pk", "path", "depth")
    siblings = {}
    for page in pages:
        siblings.setdefault(page.path[: -Page.steplen], []).append(page)
    for parent_path, children in sorted(siblings.items()):
        current = [p.pk for p in sorted(children, key=lambda p: p.path)]
        wanted = sorted(current, key=lambda pk: (order[by_page[pk].uid], by_page[pk].plone_path))
        label = by_page[wanted[0]].plone_path.rsplit("/", 1)[0] or "/"
        if current == wanted:
            report.add("Ordre", "unchanged", label)
            continue
        with transaction.atomic():
            parent = Page.objects.get(path=parent_path)
            for pk in wanted:
                Page.objects.get(pk=pk).move(parent, pos="last-child")
        report.add("Ordre", "updated", label)
