import pytest


@pytest.mark.django_db
def test_group_page_creation_wires_permissions(roles):
    from wagtail.models import CollectionViewRestriction, PageViewRestriction

    private = roles.private
    assert private.members_group and private.animateurs_group and private.collection
    restriction = PageViewRestriction.objects.get(page=private)
    assert restriction.restriction_type == "groups"
    assert set(restriction.groups.all()) == {private.members_group, private.animateurs_group}
    assert CollectionViewRestriction.objects.get(collection=private.collection).restriction_type == "groups"
