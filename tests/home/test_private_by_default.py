import pytest

PRIVATE_URLS = [
    "/", "/groupes/", "/groupes/eau/", "/groupes/eau/membres/", "/actualites/", "/agenda/", "/recherche/?q=eau",
    "/actualites/flux.rss", "/actualites/flux.atom", "/agenda.ics", "/mon-compte/flux/", "/documents/1/x.pdf",
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_anonymous_visitors_only_get_the_login_page(roles, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


@pytest.mark.django_db
def test_login_page_is_public_french_and_logs_in(roles, client):
    page = client.get("/connexion/")
    assert page.status_code == 200
    assert "Connexion à l'intranet" in page.content.decode()
    bad = client.post("/connexion/", {"username": "membre", "password": "faux"})
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in bad.content.decode()
    ok = client.post("/connexion/", {"username": "membre", "password": "motdepasse-test"})
    assert ok.status_code == 302 and ok["Location"] == "/"


@pytest.mark.django_db
def test_healthcheck_is_public_and_checks_the_database(client):
    response = client.get("/healthz/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_wagtail_admin_keeps_its_own_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, shown", [("membre", True), ("animateur", True), ("admin", True), ("sans_groupe", False)]
)
def test_admin_link_only_for_people_who_may_enter_the_admin(roles, client_for, make_user, role, shown):
    user = make_user("isole") if role == "sans_groupe" else roles.users[role]
    page = client_for(user).get("/").content.decode()
    assert ('href="/admin/">Administration' in page) is shown
