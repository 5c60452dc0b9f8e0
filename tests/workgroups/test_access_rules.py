"""The access rules of a user are read in one query and agree with Django's and Wagtail's own checks."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Collection

from workgroups import access

ROLES = ["anonyme", "autre_groupe", "membre", "animateur", "admin"]


def fresh(user):
    """The user as a new request loads it: no access cache yet."""
    return AnonymousUser() if user is None else get_user_model().objects.get(pk=user.pk)


def collections_by_orm(user):
    """Visible collections through the queryset path (the restrictions' own paths)."""
    return list(access.visible_collections(fresh(user)).order_by("path").values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_one_query_answers_groups_restrictions_collections_and_admin_link(roles, role):
    user = fresh(roles.users[role])
    with CaptureQueriesContext(connection) as captured:
        access.user_group_ids(user)
        access.visible_collection_ids(user)
        access.may_access_admin(user)
        access.visible_pages(user, roles.open.__class__.objects.all())
        access.can_view_page(user, roles.private)
    assert len(captured) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_visible_collections_match_the_restrictions(roles, role):
    user = roles.users[role]
    ids = access.visible_collection_ids(fresh(user))
    assert ids == collections_by_orm(user)
    private = roles.private.collection_id
    assert (private in ids) is (role in ("membre", "animateur", "admin"))
    if role == "anonyme":  # private by default: the root collection is restricted to logged-in users
        assert ids == []
    else:
        assert roles.open.collection_id in ids and Collection.get_first_root_node().pk in ids


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_group_ids_match_the_users_groups(roles, role):
    user = roles.users[role]
    expected = frozenset(user.groups.values_list("pk", flat=True)) if user else frozenset()
    assert access.user_group_ids(fresh(user)) == expected


@pytest.mark.django_db
def test_admin_link_follows_djangos_permission_check(roles, make_user):
    """Through a group (members), directly on the user, by superuser status, and not at all."""
    direct, nobody = make_user("direct"), make_user("personne")
    direct.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    cases = [*(roles.users[role] for role in ROLES if role != "anonyme"), direct, nobody]
    for user in cases:
        user = fresh(user)
        assert access.may_access_admin(user) is user.has_perm("wagtailadmin.access_admin"), user.username
    assert access.may_access_admin(fresh(direct)) and not access.may_access_admin(fresh(nobody))
    assert access.may_access_admin(AnonymousUser()) is False


@pytest.mark.django_db
def test_a_new_request_sees_a_group_made_private_at_once(roles):
    """Nothing is kept between requests: the rules are read again with each user object."""
    from workgroups.models import WorkingGroupPage

    outsider = roles.users["autre_groupe"]
    assert roles.open.collection_id in access.visible_collection_ids(fresh(outsider))
    group = WorkingGroupPage.objects.get(pk=roles.open.pk)
    group.visibility = "prive"
    group.save_revision().publish()
    assert roles.open.collection_id not in access.visible_collection_ids(fresh(outsider))
    assert not access.can_view_page(fresh(outsider), group)


@pytest.mark.django_db
def test_every_kind_of_restriction_through_the_single_query(roles, make_user):
    """Each restriction type Wagtail offers, on collections and on pages, read by the one query:
    none → everyone logged in; login → logged-in users; groups → its groups and superusers;
    password → nobody (no shared passwords in a members' intranet)."""
    from django.contrib.auth.models import Group
    from wagtail.models import CollectionViewRestriction, PageViewRestriction

    from home.models import ContentPage

    root = Collection.get_first_root_node()
    group = Group.objects.create(name="Comité restreint")
    insider, outsider = make_user("dedans"), make_user("dehors")
    insider.groups.add(group)
    admin = roles.users["admin"]
    collections, pages = {}, {}
    for kind in ("none", "login", "groups", "password"):
        collections[kind] = root.add_child(name=f"Collection {kind}")
        restriction = CollectionViewRestriction.objects.create(
            collection=collections[kind], restriction_type=kind, password="secret" if kind == "password" else ""
        )
        page = ContentPage(title=f"Page {kind}", slug=f"page-{kind}")
        roles.open.add_child(instance=page)
        pages[kind] = page
        page_restriction = PageViewRestriction.objects.create(
            page=page, restriction_type=kind, password="secret" if kind == "password" else ""
        )
        if kind == "groups":
            restriction.groups.add(group)
            page_restriction.groups.add(group)
    expected = {
        "anonyme": set(),
        "dedans": {"none", "login", "groups"},
        "dehors": {"none", "login"},
        "admin": {"none", "login", "groups"},
    }
    for name, user in {"anonyme": None, "dedans": insider, "dehors": outsider, "admin": admin}.items():
        ids = access.visible_collection_ids(fresh(user))
        assert {kind for kind, c in collections.items() if c.pk in ids} == expected[name], name
        reader = fresh(user)
        assert {kind for kind, page in pages.items() if access.can_view_page(reader, page)} == expected[name], name
