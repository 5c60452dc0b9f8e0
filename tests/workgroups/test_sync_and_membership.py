import pytest
from django.contrib.auth.models import Group
from wagtail.models import (
    CollectionViewRestriction,
    GroupCollectionPermission,
    GroupPagePermission,
    PageLogEntry,
    PageViewRestriction,
    WorkflowPage,
)

from workgroups.membership import Role, members_of, role_of, set_role
from workgroups.sync import sync_group_access


def _codenames(queryset):
    return set(queryset.values_list("permission__codename", flat=True))


@pytest.mark.django_db
def test_creating_a_group_creates_its_groups_collection_permissions_and_workflow(make_group):
    group = make_group("dechets", "Déchets", "ouvert")

    assert group.members_group.name == "Déchets – membres"
    assert group.animateurs_group.name == "Déchets – animateurs"
    assert group.collection.name == "Déchets"
    assert _codenames(GroupPagePermission.objects.filter(group=group.animateurs_group, page=group)) == {
        "add_page", "change_page", "publish_page", "lock_page", "unlock_page",
    }  # fmt: skip
    assert _codenames(GroupPagePermission.objects.filter(group=group.members_group, page=group)) == {"add_page"}
    assert _codenames(
        GroupCollectionPermission.objects.filter(group=group.members_group, collection=group.collection)
    ) == {"add_document", "choose_document"}
    assert "delete_document" in _codenames(
        GroupCollectionPermission.objects.filter(group=group.animateurs_group, collection=group.collection)
    )
    # Open groups are still never public: any logged-in user, nobody else.
    assert PageViewRestriction.objects.get(page=group).restriction_type == "login"
    assert CollectionViewRestriction.objects.get(collection=group.collection).restriction_type == "login"
    workflow = WorkflowPage.objects.get(page=group).workflow
    task = workflow.tasks.get().specific
    assert workflow.name == "Relecture – Déchets"
    assert list(task.groups.all()) == [group.animateurs_group]


@pytest.mark.django_db
def test_changing_visibility_and_title_keeps_everything_in_sync(make_group):
    group = make_group("eau", "Eau", "ouvert")
    group.visibility = "prive"
    group.title = "Eau et assainissement"
    group.save_revision().publish()
    group.refresh_from_db()

    restriction = PageViewRestriction.objects.get(page=group)
    assert restriction.restriction_type == "groups"
    assert set(restriction.groups.all()) == {group.members_group, group.animateurs_group}
    assert CollectionViewRestriction.objects.get(collection=group.collection).restriction_type == "groups"
    assert group.collection.name == "Eau et assainissement"
    assert group.members_group.name == "Eau et assainissement – membres"

    group.visibility = "ouvert"
    group.save_revision().publish()
    restriction = PageViewRestriction.objects.get(page=group)
    assert restriction.restriction_type == "login" and not restriction.groups.exists()


@pytest.mark.django_db
def test_sync_is_idempotent(make_group):
    group = make_group("eau", "Eau", "prive")
    counts = (Group.objects.count(), GroupPagePermission.objects.count(), PageViewRestriction.objects.count())
    sync_group_access(group)
    sync_group_access(group)
    assert (Group.objects.count(), GroupPagePermission.objects.count(), PageViewRestriction.objects.count()) == counts


@pytest.mark.django_db
def test_roles_are_exclusive_and_logged(make_group, make_user):
    group = make_group("eau", "Eau", "ouvert")
    person, actor = make_user("personne"), make_user("chef", superuser=True)
    set_role(group, person, Role.MEMBER, actor=actor)
    set_role(group, person, Role.ANIMATEUR, actor=actor)
    assert role_of(person, group) == Role.ANIMATEUR
    assert not person.groups.filter(pk=group.members_group_id).exists()
    set_role(group, person, None, actor=actor)
    assert role_of(person, group) is None
    entries = PageLogEntry.objects.filter(page=group, action="ailb.membership").order_by("timestamp")
    assert [(e.data["from"], e.data["to"]) for e in entries] == [
        (None, "membre"), ("membre", "animateur"), ("animateur", None),
    ]  # fmt: skip
    assert all(e.user == actor for e in entries)


@pytest.mark.django_db
def test_animateur_manages_members_from_the_group_space(roles, client_for, make_user):
    newcomer = make_user("nouvelle")
    client = client_for(roles.users["animateur"])
    response = client.post("/groupes/eau/membres/", {"user": newcomer.pk, "role": "membre"}, follow=True)
    assert "est désormais membre du groupe" in response.content.decode()
    assert role_of(newcomer, roles.open) == Role.MEMBER

    client.post("/groupes/eau/membres/", {"user": newcomer.pk, "role": "animateur"})
    assert role_of(type(newcomer).objects.get(pk=newcomer.pk), roles.open) == Role.ANIMATEUR
    client.post("/groupes/eau/membres/", {"user": newcomer.pk, "role": ""})
    assert newcomer not in [user for user, _ in members_of(roles.open)]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["autre_groupe", "membre"])
def test_non_animateurs_cannot_change_members(roles, client_for, make_user, role):
    target = make_user("cible")
    response = client_for(roles.users[role]).post("/groupes/eau/membres/", {"user": target.pk, "role": "membre"})
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()
    assert role_of(target, roles.open) is None


@pytest.mark.django_db
def test_bad_member_form_input_gets_a_french_message_and_changes_nothing(roles, client_for):
    client = client_for(roles.users["animateur"])
    before = members_of(roles.open)
    response = client.post("/groupes/eau/membres/", {"user": "999999", "role": "membre"})
    assert response.status_code == 200
    assert "Cette personne n&#x27;existe pas" in response.content.decode()
    response = client.post("/groupes/eau/membres/", {"user": "abc", "role": "chef"})
    assert response.status_code == 200
    assert members_of(roles.open) == before


@pytest.mark.django_db
def test_animateur_cannot_demote_themself(roles, client_for):
    animateur = roles.users["animateur"]
    response = client_for(animateur).post("/groupes/eau/membres/", {"user": animateur.pk, "role": ""}, follow=True)
    assert "Vous ne pouvez pas vous retirer" in response.content.decode()
    assert role_of(type(animateur).objects.get(pk=animateur.pk), roles.open) == Role.ANIMATEUR
