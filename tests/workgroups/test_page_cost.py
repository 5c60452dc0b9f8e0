"""The home page and a group page run a fixed number of SQL queries, whatever
the number of news items and meetings."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from workgroups.models import MeetingPage, NewsPage


def _add(group, n, offset=0):
    for i in range(offset, offset + n):
        news = NewsPage(title=f"Actualité {i}", slug=f"actualite-{i}", summary="Résumé", body="<p>x</p>")
        group.add_child(instance=news)
        news.save_revision().publish()
        meeting = MeetingPage(title=f"Réunion {i}", slug=f"reunion-{i}", start=timezone.now() + timedelta(days=i + 1))
        group.add_child(instance=meeting)
        meeting.save_revision().publish()


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/groupes/eau/", "/agenda/", "/actualites/", "/groupes/"])
def test_page_cost_does_not_grow_with_content(roles, client_for, url):
    client = client_for(roles.users["membre"])
    _add(roles.open, 2)
    _add(roles.private, 1, offset=100)
    client.get(url)  # warm Wagtail's site-root cache
    small = _count(client, url)
    _add(roles.open, 12, offset=10)
    _add(roles.private, 6, offset=200)
    large = _count(client, url)
    assert large == small


@pytest.mark.django_db
@pytest.mark.parametrize("url, expected", [("/", 13), ("/groupes/eau/", 15)])
def test_exact_query_count_of_home_and_group_page(roles, client_for, django_assert_num_queries, url, expected):
    """Session and user, site routing, view restrictions, then each block of the
    page once. Pinned exactly: a change here must be a conscious one."""
    client = client_for(roles.users["membre"])
    _add(roles.open, 5)
    client.get(url)
    with django_assert_num_queries(expected):
        client.get(url)
