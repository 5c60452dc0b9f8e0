"""Roles × ways in × visibility: the expected status of every cell.

GIVEN an open group, a private group, each with a news item and a meeting,
and a user for each role (anonymous, member of another group, member,
animateur, administrator)
WHEN each user reaches the content by each way in
THEN the status is the one of the matrix below.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from workgroups.models import FeedToken, MeetingPage, NewsPage

ROLES = ["anonyme", "autre_groupe", "membre", "animateur", "admin"]
LOGIN = "login"  # a redirect to the login page

# way in -> visibility -> expected per role, in ROLES order
MATRIX = {
    "group_page": {
        "ouvert": [LOGIN, 200, 200, 200, 200],
        "prive": [LOGIN, 403, 200, 200, 200],
    },
    "news_page": {
        "ouvert": [LOGIN, 200, 200, 200, 200],
        "prive": [LOGIN, 403, 200, 200, 200],
    },
    "meeting_page": {
        "ouvert": [LOGIN, 200, 200, 200, 200],
        "prive": [LOGIN, 403, 200, 200, 200],
    },
    "group_rss": {
        "ouvert": [LOGIN, 200, 200, 200, 200],
        "prive": [LOGIN, 404, 200, 200, 200],
    },
    "group_ical": {
        "ouvert": [LOGIN, 200, 200, 200, 200],
        "prive": [LOGIN, 404, 200, 200, 200],
    },
    "members_page": {
        "ouvert": [LOGIN, 200, 200, 200, 200],
        "prive": [LOGIN, 404, 200, 200, 200],
    },
    # Wagtail's admin answers a refused edit with a redirect to its dashboard.
    "admin_edit": {
        "ouvert": ["admin_login", "denied", "denied", 200, 200],
        "prive": ["admin_login", "denied", "denied", 200, 200],
    },
}


def _add_content(group):
    news = NewsPage(title=f"Nouvelle {group.slug}", slug="nouvelle", summary="Résumé", body="<p>Texte</p>")
    group.add_child(instance=news)
    news.save_revision().publish()
    meeting = MeetingPage(title=f"Réunion {group.slug}", slug="reunion", start=timezone.now() + timedelta(days=3))
    group.add_child(instance=meeting)
    meeting.save_revision().publish()
    return news, meeting


def _url(way, group, news, meeting):
    return {
        "group_page": group.url,
        "news_page": news.url,
        "meeting_page": meeting.url,
        "group_rss": f"/groupes/{group.slug}/actualites.rss",
        "group_ical": f"/groupes/{group.slug}/agenda.ics",
        "members_page": f"/groupes/{group.slug}/membres/",
        "admin_edit": f"/admin/pages/{group.pk}/edit/",
    }[way]


def _outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/connexion/"):
            return LOGIN
        if location.startswith("/admin/login/"):
            return "admin_login"
        if location.rstrip("/") == "/admin":
            return "denied"
        return f"302 {location}"
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", ["ouvert", "prive"])
@pytest.mark.parametrize("way", list(MATRIX))
def test_permission_matrix(roles, client_for, way, visibility):
    group = roles.open if visibility == "ouvert" else roles.private
    news, meeting = _add_content(group)
    url = _url(way, group, news, meeting)
    outcomes = {role: _outcome(client_for(roles.users[role]).get(url)) for role in ROLES}
    assert outcomes == dict(zip(ROLES, MATRIX[way][visibility], strict=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, sees_private",
    [("autre_groupe", False), ("membre", True), ("animateur", True), ("admin", True)],
)
def test_personal_token_feeds_show_exactly_what_the_owner_may_see(roles, client, role, sees_private):
    """Feed readers have no session: the token alone must carry the owner's rights."""
    _add_content(roles.open)
    _add_content(roles.private)
    token = FeedToken.objects.create(user=roles.users[role]).token
    client.logout()

    ical = client.get(f"/flux/{token}/agenda.ics")
    assert ical.status_code == 200
    summaries = {str(event["summary"]) for event in Calendar.from_ical(ical.content).walk("VEVENT")}
    assert any("Réunion eau" in s for s in summaries)
    assert any("Réunion hydrogene" in s for s in summaries) is sees_private

    rss = client.get(f"/flux/{token}/actualites.rss").content.decode()
    assert "Nouvelle eau" in rss
    assert ("Nouvelle hydrogene" in rss) is sees_private

    private_group_feed = client.get(f"/flux/{token}/groupes/hydrogene/agenda.ics")
    assert private_group_feed.status_code == (200 if sees_private else 404)


@pytest.mark.django_db
def test_revoked_or_unknown_token_gives_nothing(roles, client):
    _add_content(roles.private)
    token = FeedToken.objects.create(user=roles.users["membre"])
    old = token.token
    token.regenerate()
    assert client.get(f"/flux/{old}/agenda.ics").status_code == 404
    assert client.get("/flux/inconnu/actualites.rss").status_code == 404
    assert client.get(f"/flux/{token.token}/agenda.ics").status_code == 200


@pytest.mark.django_db
def test_inactive_users_token_stops_working(roles, client):
    member = roles.users["membre"]
    token = FeedToken.objects.create(user=member).token
    member.is_active = False
    member.save()
    assert client.get(f"/flux/{token}/agenda.ics").status_code == 404


@pytest.mark.django_db
def test_ical_summary_names_the_kind_once(roles, client_for):
    """« Comité technique – Comité technique H2 » read twice in calendars (a new-user review)."""
    from workgroups.models import MeetingKind

    titled_after_kind = MeetingPage(
        title="Comité technique H2", slug="ct-h2", kind=MeetingKind.COTECH,
        start=timezone.now() + timedelta(days=2),
    )  # fmt: skip
    roles.open.add_child(instance=titled_after_kind)
    titled_after_kind.save_revision().publish()
    other = MeetingPage(title="Stations", slug="stations", kind=MeetingKind.COTECH, start=timezone.now())
    roles.open.add_child(instance=other)
    other.save_revision().publish()
    ical = client_for(roles.users["membre"]).get(f"/groupes/{roles.open.slug}/agenda.ics")
    summaries = {str(event["summary"]) for event in Calendar.from_ical(ical.content).walk("VEVENT")}
    assert summaries == {"Comité technique H2", "Comité technique – Stations"}
