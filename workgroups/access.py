"""One rule for who may see what.

The rule is Wagtail's own: page view restrictions and collection view
restrictions (kept in sync with each group's visibility by ``sync.py``). Wagtail
applies them to a *request*; feeds, calendars, digests and search have a *user*
and no session, so the same restrictions are evaluated here for a user and
turned into query filters. There are only a handful of restrictions (one per
private group plus the site root), so the filters stay small and the queries
do not grow with the content.
"""

import contextlib

from django.db.models import Q
from wagtail.models import BaseViewRestriction, CollectionViewRestriction, PageViewRestriction

_CACHE_ATTR = "_ailb_access_cache"


def _user_group_ids(user):
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(user.groups.values_list("id", flat=True))


def _passes(restriction, user, group_ids):
    kind = restriction.restriction_type
    if kind == BaseViewRestriction.NONE:
        return True
    if kind == BaseViewRestriction.LOGIN:
        return bool(getattr(user, "is_authenticated", False))
    if kind == BaseViewRestriction.GROUPS:
        if getattr(user, "is_superuser", False):
            return True
        return any(group.pk in group_ids for group in restriction.groups.all())
    # Shared passwords have no place in a members' intranet: treat as closed.
    return False


def _denied_paths(user):
    """(page paths, collection paths) that ``user`` may not see, cached on the user."""
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        group_ids = _user_group_ids(user)
        page_paths = [
            r.page.path
            for r in PageViewRestriction.objects.select_related("page").prefetch_related("groups")
            if not _passes(r, user, group_ids)
        ]
        collection_paths = [
            r.collection.path
            for r in CollectionViewRestriction.objects.select_related("collection").prefetch_related("groups")
            if not _passes(r, user, group_ids)
        ]
        cache = (tuple(page_paths), tuple(collection_paths))
        with contextlib.suppress(AttributeError):  # exotic user objects keep no cache
            setattr(user, _CACHE_ATTR, cache)
    return cache


def prime_access_cache(users):
    """Fill the cache of many users (their ``groups`` prefetched) with the same
    four queries in all, for batch work such as digests."""
    page_restrictions = list(PageViewRestriction.objects.select_related("page").prefetch_related("groups"))
    collection_restrictions = list(
        CollectionViewRestriction.objects.select_related("collection").prefetch_related("groups")
    )
    for user in users:
        group_ids = frozenset(g.pk for g in user.groups.all()) if getattr(user, "is_authenticated", False) else ()
        cache = (
            tuple(r.page.path for r in page_restrictions if not _passes(r, user, group_ids)),
            tuple(r.collection.path for r in collection_restrictions if not _passes(r, user, group_ids)),
        )
        with contextlib.suppress(AttributeError):
            setattr(user, _CACHE_ATTR, cache)


def clear_access_cache(user):
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _exclude_paths(queryset, field, paths):
    if not paths:
        return queryset
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return queryset.exclude(condition)


def visible_pages(user, queryset):
    """``queryset`` (of pages) narrowed to what ``user`` may view."""
    return _exclude_paths(queryset, "path", _denied_paths(user)[0])


def can_view_page(user, page):
    return not any(page.path.startswith(path) for path in _denied_paths(user)[0])


def page_path_filter(user, field="path"):
    """A ``Q`` that keeps only viewable pages, for queries joined through ``field``."""
    condition = Q()
    for path in _denied_paths(user)[0]:
        condition &= ~Q(**{f"{field}__startswith": path})
    return condition


def visible_documents(user, queryset=None):
    """Active (not trashed) documents in collections ``user`` may view.

    Filters on a list of collection ids (there are few collections) rather than
    a join, so the same queryset also works with Wagtail search backends."""
    if queryset is None:
        from documents.models import IntranetDocument as Document

        queryset = Document.objects.all()
    collection_ids = list(visible_collections(user).values_list("pk", flat=True))
    return queryset.filter(deleted_at__isnull=True, collection_id__in=collection_ids)


def can_view_document(user, document):
    if document.deleted_at is not None:
        return False
    path = document.collection.path
    return not any(path.startswith(denied) for denied in _denied_paths(user)[1])


def visible_collections(user, queryset=None):
    from wagtail.models import Collection

    queryset = Collection.objects.all() if queryset is None else queryset
    return _exclude_paths(queryset, "path", _denied_paths(user)[1])
