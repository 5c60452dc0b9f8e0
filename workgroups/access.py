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

from django.db import connection
from django.db.models import Q
from wagtail.models import BaseViewRestriction, Collection, CollectionViewRestriction, Page, PageViewRestriction

_CACHE_ATTR = "_ailb_access_cache"
_GROUPS_ATTR = "_ailb_group_ids"
_COLLECTIONS_ATTR = "_ailb_collections"
_ADMIN_ATTR = "_ailb_may_access_admin"


def user_group_ids(user):
    """Ids of the auth groups of ``user`` (loaded with the rest of the access rules, then cached on the user)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    ids = getattr(user, _GROUPS_ATTR, None)
    if ids is None:
        _load(user)
        ids = getattr(user, _GROUPS_ATTR, None)
        if ids is None:  # exotic user objects keep no cache
            ids = frozenset(user.groups.values_list("id", flat=True))
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


_ACCESS_SQL = """
    SELECT 'page', r.id, r.restriction_type, t.path, rg.group_id
      FROM {page_restriction} r JOIN {page} t ON t.id = r.page_id
      LEFT JOIN {page_restriction_groups} rg ON rg.pageviewrestriction_id = r.id
    UNION ALL
    SELECT 'collection', r.id, r.restriction_type, t.path, rg.group_id
      FROM {collection_restriction} r JOIN {collection} t ON t.id = r.collection_id
      LEFT JOIN {collection_restriction_groups} rg ON rg.collectionviewrestriction_id = r.id
    UNION ALL
    SELECT 'path', c.id, NULL, c.path, NULL FROM {collection} c
    UNION ALL
    SELECT 'group', ug.group_id, NULL, NULL, NULL FROM {user_groups} ug WHERE ug.user_id = %s
    UNION ALL
    SELECT 'admin', NULL, NULL, NULL, NULL
     WHERE EXISTS (SELECT 1 FROM {group_permissions} gp JOIN {user_groups} ug ON ug.group_id = gp.group_id
                    WHERE ug.user_id = %s AND gp.permission_id IN ({admin_permission}))
        OR EXISTS (SELECT 1 FROM {user_permissions} up
                    WHERE up.user_id = %s AND up.permission_id IN ({admin_permission}))"""
_ADMIN_PERMISSION_SQL = """SELECT p.id FROM {permission} p JOIN {content_type} ct ON ct.id = p.content_type_id
     WHERE ct.app_label = 'wagtailadmin' AND p.codename = 'access_admin'"""


def _access_statement(user_id):
    """(SQL, params) reading in one round trip what every page of the intranet needs to decide
    what ``user_id`` may see: their groups, every page and collection view restriction with its
    target's path and groups, every collection's path, and whether they may open Wagtail's admin.
    A page used to spend five queries on this; the rows are few (a restriction per private group)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    user_model = get_user_model()
    models = {
        "page_restriction": PageViewRestriction,
        "page_restriction_groups": PageViewRestriction.groups.through,
        "page": Page,
        "collection_restriction": CollectionViewRestriction,
        "collection_restriction_groups": CollectionViewRestriction.groups.through,
        "collection": Collection,
        "user_groups": user_model.groups.through,
        "group_permissions": Group.permissions.through,
        "user_permissions": user_model.user_permissions.through,
        "permission": Permission,
        "content_type": ContentType,
    }
    # Only table names from the models' metadata are formatted in; the user id is a parameter.
    tables = {name: connection.ops.quote_name(model._meta.db_table) for name, model in models.items()}
    admin_permission = _ADMIN_PERMISSION_SQL.format(**tables)
    return _ACCESS_SQL.format(admin_permission=admin_permission, **tables), [user_id, user_id, user_id]


def _load(user):
    """Fill every access cache of ``user`` from one query (see ``_access_statement``)."""
    authenticated = getattr(user, "is_authenticated", False)
    statement, params = _access_statement(user.pk if authenticated else None)
    restrictions = {"page": {}, "collection": {}}
    group_ids, collections, may_access_admin = set(), [], False
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    for kind, pk, restriction_type, path, group_id in rows:
        if kind == "group":
            group_ids.add(pk)
        elif kind == "path":
            collections.append((pk, path))
        elif kind == "admin":
            may_access_admin = True
        else:
            entry = restrictions[kind].setdefault(pk, (restriction_type, path, set()))
            if group_id is not None:
                entry[2].add(group_id)
    group_ids = frozenset(group_ids) if authenticated else frozenset()
    page_restrictions, collection_restrictions = (
        [_Restriction(kind, path, frozenset(ids)) for kind, path, ids in restrictions[name].values()]
        for name in ("page", "collection")
    )
    with contextlib.suppress(AttributeError):  # exotic user objects keep no cache
        setattr(user, _GROUPS_ATTR, group_ids)
        setattr(user, _CACHE_ATTR, _denied_for(user, group_ids, page_restrictions, collection_restrictions))
        setattr(user, _COLLECTIONS_ATTR, tuple(sorted(collections, key=lambda item: item[1])))
        setattr(user, _ADMIN_ATTR, authenticated and (user.is_superuser or user.is_staff or may_access_admin))
    return group_ids, page_restrictions, collection_restrictions


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
        group_ids, page_restrictions, collection_restrictions = _load(user)
        cache = getattr(user, _CACHE_ATTR, None)
        if cache is None:  # exotic user objects keep no cache
            cache = _denied_for(user, group_ids, page_restrictions, collection_restrictions)
    return cache


def may_access_admin(user):
    """Whether ``user`` may open Wagtail's admin (staff, superuser, or the permission through a
    group or directly): read with the other access rules, so the header's link costs no query."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, _ADMIN_ATTR, None) is None:
        _load(user)
    return bool(getattr(user, _ADMIN_ATTR, False))


def access_key(user):
    """Everything that decides what ``user`` may view, hashable: two users with
    the same key pass ``can_view_page`` / ``can_view_document`` for exactly the
    same pages and documents, so a result filtered for one holds for the other."""
    return _denied_paths(user)


def prime_access_cache(users):
    """Fill the cache of many users (their ``groups`` prefetched) with the same
    three queries in all, for batch work such as digests."""
    page_restrictions = _restrictions(PageViewRestriction, "page")
    collection_restrictions = _restrictions(CollectionViewRestriction, "collection")
    collections = tuple(Collection.objects.order_by("path").values_list("pk", "path"))
    for user in users:
        authenticated = getattr(user, "is_authenticated", False)
        group_ids = frozenset(g.pk for g in user.groups.all()) if authenticated else frozenset()
        with contextlib.suppress(AttributeError):
            setattr(user, _GROUPS_ATTR, group_ids)
            setattr(user, _CACHE_ATTR, _denied_for(user, group_ids, page_restrictions, collection_restrictions))
            setattr(user, _COLLECTIONS_ATTR, collections)


def clear_access_cache(user):
    for attr in (_CACHE_ATTR, _GROUPS_ATTR, _COLLECTIONS_ATTR, _ADMIN_ATTR):
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
    return queryset.filter(deleted_at__isnull=True, collection_id__in=visible_collection_ids(user))


def visible_collection_ids(user):
    """Ids of the collections ``user`` may view, in path order (the collections' paths are read
    with the access rules: no query of its own)."""
    collections = getattr(user, _COLLECTIONS_ATTR, None)
    if collections is None:
        _load(user)
        collections = getattr(user, _COLLECTIONS_ATTR, None)
        if collections is None:  # exotic user objects keep no cache
            collections = tuple(Collection.objects.order_by("path").values_list("pk", "path"))
    denied = _denied_paths(user)[1]
    return [pk for pk, path in collections if not path.startswith(denied)]


def can_view_document(user, document):
    if document.deleted_at is not None:
        return False
    path = document.collection.path
    return not any(path.startswith(denied) for denied in _denied_paths(user)[1])


def visible_collections(user, queryset=None):
    queryset = Collection.objects.all() if queryset is None else queryset
    return _exclude_paths(queryset, "path", _denied_paths(user)[1])
