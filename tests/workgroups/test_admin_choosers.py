"""The admin's page chooser and explorer apply the same rule as the front office: a private group's
pages (their titles included) are listed only to those who may view them. A new-user review found
« Constitution de la SAS MHOOVE » in a non-member's page chooser."""

import pytest

pytestmark = pytest.mark.django_db

ROLES = ["autre_groupe", "membre", "animateur", "admin"]
SEES_PRIVATE = {"autre_groupe": False, "membre": True, "animateur": True, "admin": True}


@pytest.fixture
def private_news(roles):
    from workgroups.models import NewsPage

    news = NewsPage(title="Constitution de la SAS Zéphyr", slug="zephyr", summary="Résumé", body="<p>Texte</p>")
    roles.private.add_child(instance=news)
    news.save_revision().publish()
    return news


def _admin_client(roles, client_for, role):
    from django.contrib.auth.models import Permission

    user = roles.users[role]
    if not user.is_superuser:  # editors reach the admin through their groups; give it directly here
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return client_for(user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("way", ["chooser_search", "chooser_browse_group", "chooser_browse_home", "explorer"])
def test_private_pages_are_listed_only_to_those_who_may_view_them(roles, client_for, private_news, role, way):
    client = _admin_client(roles, client_for, role)
    home = roles.private.get_parent()
    url = {
        "chooser_search": "/admin/choose-page/search/?q=Zephyr",
        "chooser_browse_group": f"/admin/choose-page/{roles.private.pk}/",
        "chooser_browse_home": f"/admin/choose-page/{home.pk}/",
        "explorer": f"/admin/pages/{home.pk}/",
    }[way]
    response = client.get(url)
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # the explorer sends editors without a page permission away
        assert role == "autre_groupe" and way == "explorer"
        return
    # the chooser's browse view answers JSON holding its HTML (accents escaped); the others, HTML
    body = response.json()["html"] if "json" in response["Content-Type"] else response.content.decode()
    if way in ("chooser_browse_home", "explorer"):
        assert ("Mobilités décarbonées" in body) is SEES_PRIVATE[role]
        assert "Eau" in body  # the open group stays listed
    else:
        assert ("Constitution de la SAS Zéphyr" in body) is SEES_PRIVATE[role]
