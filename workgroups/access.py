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
from dataclasses import dataclass

from django.db.models import Q
from wagtail.models import BaseViewRestriction, CollectionViewRestriction, PageViewRestriction

_CACHE_ATTR = "_ailb_access_cache"
_GROUPS_ATTR = "_ailb_group_ids"


def user_group_ids(user):
    """Ids of the auth groups of ``user`` (one query, then cached on the user)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    ids = getattr(user, _GROUPS_ATTR, None)
    if ids is None:
        ids = frozenset(user.groups.values_list("id", flat=True))
        with contextlib.suppress(AttributeError):
            setattr(user, _GROUPS_ATTR, ids)
    return ids


@dataclass(frozen=True)
class _Restriction:
    kind: str
    path: str
    group_ids: frozenset


def _restrictions(model, target):
    """Every restriction of ``model`` with its target's path and group ids: one query."""
    grouped = {}
    for pk, kind, path, group_id in model.objects.values_list("pk", "restriction_type", f"{target}__path", "groups"):
        entry = grouped.setdefault(pk, (kind, path, set()))
        if group_id is not None:
            entry[2].add(group_id)
    return [_Restriction(kind, path, frozenset(ids)) for kind, path, ids in grouped.values()]


def _passes(restriction, user, group_ids):
    kind = restriction.kind
    if kind == BaseViewRestriction.NONE:
        return True
    if kind == BaseViewRestriction.LOGIN:
        return bool(getattr(user, "is_authenticated", False))
    if kind == BaseViewRestriction.GROUPS:
        return getattr(user, "is_superuser", False) or bool(restriction.group_ids & group_ids)
    # Shared passwords have no place in a members' intranet: treat as closed.
    return False


def _denied_for(user, group_ids, page_restrictions, collection_restrictions):
    return (
        tuple(r.path for r in page_restrictions if not _passes(r, user, group_ids)),
        tuple(r.path for r in collection_restrictions if not _passes(r, user, group_ids)),
    )


def _denied_paths(user):
    """(page paths, collection paths) that ``user`` may not see, cached on the user."""
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = _denied_for(
            user,
            user_group_ids(user),
            _restrictions(PageViewRestriction, "page"),
            _restrictions(CollectionViewRestriction, "collection"),
        )
        with contextlib.suppress(AttributeError):  # exotic user objects keep no cache
            setattr(user, _CACHE_ATTR, cache)
    return cache


def access_key(user):
    """Everything that decides what ``user`` may view, hashable: two users with
    the same key pass ``can_view_page`` / ``can_view_document`` for exactly the
    same pages and documents, so a result filtered for one holds for the other."""
    return _denied_paths(user)


def prime_access_cache(users):
    """Fill the cache of many users (their ``groups`` prefetched) with the same
    two queries in all, for batch work such as digests."""
    page_restrictions = _restrictions(PageViewRestriction, "page")
    collection_restrictions = _restrictions(CollectionViewRestriction, "collection")
    for user in users:
        authenticated = getattr(user, "is_authenticated", False)
        group_ids = frozenset(g.pk for g in user.groups.all()) if authenticated else frozenset()
        with contextlib.suppress(AttributeError):
            setattr(user, _CACHE_ATTR, _denied_for(user, group_ids, page_restrictions, collection_restrictions))


def clear_access_cache(user):
    for attr in (_CACHE_ATTR, _GROUPS_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


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
