"""Private by default: every view needs a login, except a short, reviewed list.

``IntranetLoginRequiredMiddleware`` lets through views marked ``@login_not_required``
and everything under /admin/ (Wagtail checks admin access itself). These tests
make a new exemption a deliberate act: it must be added to the list below, with
its reason."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# route -> why it may answer without a login
REVIEWED_EXEMPTIONS = {
    "healthz/": "container healthcheck; answers {'status': 'ok'} and nothing else",
    "connexion/": "the login form itself (django-axes throttles it)",
    "_util/login/": "Wagtail's login form for restricted pages, same throttling",
    "flux/<str:token>/actualites.rss": "personal feed: the 256-bit secret token is the credential",
    "flux/<str:token>/actualites.atom": "personal feed",
    "flux/<str:token>/agenda.ics": "personal calendar",
    "flux/<str:token>/groupes/<slug:slug>/agenda.ics": "personal group calendar",
    "flux/<str:token>/groupes/<slug:slug>/actualites.rss": "personal group feed",
    "desabonnement/<str:token>/": "one-click unsubscribe (RFC 8058): signed token",
    "lettre/document/<str:token>/": "partner document link: signed, expiring, rule re-checked",
}


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_only_the_reviewed_views_answer_without_a_login():
    exempt = {
        route
        for route, view in _routes(get_resolver().url_patterns)
        if getattr(view, "login_required", True) is False and not route.startswith("admin/")
    }
    assert exempt == set(REVIEWED_EXEMPTIONS)


def _plain_admin_routes():
    """Admin URLs without parameters, the ones an anonymous visitor can type."""
    for route, _view in _routes(get_resolver().url_patterns):
        if route.startswith("admin/") and not re.search(r"[<(\[\\^$?*+]", route):
            yield "/" + route


@pytest.mark.django_db
def test_every_admin_url_refuses_an_anonymous_visitor(site_tree):
    """The middleware exempts all of /admin/ because Wagtail checks access there;
    a view mounted under /admin/ without that check would be public."""
    client = Client()
    routes = sorted(set(_plain_admin_routes()))
    assert "/admin/documents/" in routes
    # Wagtail's own public admin pages: its login and password reset forms, and the
    # JavaScript translation catalogue and icon sprite (static assets, no data).
    public = {
        "/admin/login/",
        "/admin/password_reset/",
        "/admin/password_reset/done/",
        "/admin/password_reset/complete/",
        "/admin/jsi18n/",
        "/admin/sprite/",
    }
    answered = []
    for route in routes:
        if route in public:
            continue
        response = client.get(route)
        refused = (
            response["Location"].startswith("/admin/login/")
            if response.status_code in (301, 302)
            else response.status_code in (401, 403, 404, 405)
        )
        if not refused:
            answered.append((route, response.status_code))
    assert answered == []
