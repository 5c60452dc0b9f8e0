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

from ops.db import fetchall_prepared

_ATTR = "_ailb_access"


def user_group_ids(user):
    """Ids of the auth groups of ``user`` (read with the rest of the access rules)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return _access(user).group_ids


@dataclass(frozen=True)
class _Restriction:
    kind: str
    path: str
    group_ids: frozenset


@dataclass(frozen=True)
class _Access:
    """What decides what a user may see, read once per user object."""

    group_ids: frozenset
    denied: tuple  # (page paths, collection paths) the user may not see
    collections: tuple  # every collection as (id, path), in path order
    may_access_admin: bool | None  # None: not read (``prime_access_cache``)


def _grouped(rows):
    """Restrictions from rows of (pk, type, target path, group id or None), one row per group."""
    grouped = {}
    for pk, kind, path, group_id in rows:
        entry = grouped.setdefault(pk, (kind, path, set()))
        if group_id is not None:
            entry[2].add(group_id)
    return [_Restriction(kind, path, frozenset(ids)) for kind, path, ids in grouped.values()]


def _restrictions(model, target):
    """Every restriction of ``model`` with its target's path and group ids: one query."""
    return _grouped(model.objects.values_list("pk", "restriction_type", f"{target}__path", "groups"))


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
    """``user``'s access rules from one query (see ``_access_statement``)."""
    authenticated = getattr(user, "is_authenticated", False)
    statement, params = _access_statement(user.pk if authenticated else None)
    rows = fetchall_prepared(statement, params)  # every page runs it: parsed and planned once per connection
    group_ids = frozenset(pk for kind, pk, *_rest in rows if kind == "group") if authenticated else frozenset()
    page_restrictions, collection_restrictions = (
        _grouped(row[1:] for row in rows if row[0] == name) for name in ("page", "collection")
    )
    return _Access(
        group_ids=group_ids,
        denied=_denied_for(user, group_ids, page_restrictions, collection_restrictions),
        collections=tuple(sorted(((row[1], row[3]) for row in rows if row[0] == "path"), key=lambda c: c[1])),
        may_access_admin=authenticated
        and (user.is_superuser or user.is_staff or any(row[0] == "admin" for row in rows)),
    )


def _access(user, reload=False):
    """The access rules of ``user``, read once and kept on the user object (a request's user,
    a digest's recipient)."""
    access = None if reload else getattr(user, _ATTR, None)
    if access is None:
        access = _load(user)
        with contextlib.suppress(AttributeError):  # exotic user objects keep no cache
            setattr(user, _ATTR, access)
    return access


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
    """(page paths, collection paths) that ``user`` may not see."""
    return _access(user).denied


def may_access_admin(user):
    """Whether ``user`` may open Wagtail's admin (staff, superuser, or the permission through a
    group or directly): read with the other access rules, so the header's link costs no query."""
    if not getattr(user, "is_authenticated", False):
        return False
    access = _access(user)
    if access.may_access_admin is None:
        access = _access(user, reload=True)
    return access.may_access_admin


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
        denied = _denied_for(user, group_ids, page_restrictions, collection_restrictions)
        with contextlib.suppress(AttributeError):
            setattr(user, _ATTR, _Access(group_ids, denied, collections, may_access_admin=None))


def clear_access_cache(user):
    if hasattr(user, _ATTR):
        delattr(user, _ATTR)


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
    access = _access(user)
    return [pk for pk, path in access.collections if not path.startswith(access.denied[1])]


def can_view_document(user, document):
    if document.deleted_at is not None:
        return False
    path = document.collection.path
    return not any(path.startswith(denied) for denied in _denied_paths(user)[1])


def visible_collections(user, queryset=None):
    queryset = Collection.objects.all() if queryset is None else queryset
    return _exclude_paths(queryset, "path", _denied_paths(user)[1])
