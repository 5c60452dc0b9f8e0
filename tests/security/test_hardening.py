import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import GroupPagePermission, ModelLogEntry

from documents.models import IntranetDocument
from ops.cache import FailSoftRedisCache

PASSWORD = "motdepasse-test"


@pytest.mark.django_db
def test_security_headers_on_intranet_pages(client, make_user, site_tree):
    client.force_login(make_user("marie"))
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_wagtail_admin_is_outside_the_csp_but_still_not_frameable(client, make_user, site_tree):
    client.force_login(make_user("root", superuser=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
    assert response["X-Frame-Options"] == "DENY"


def _fail_login(client, url, username, times):
    for _ in range(times):
        response = client.post(url, {"username": username, "password": "mauvais"})
    return response


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
@pytest.mark.parametrize("login_url", ["/connexion/", "/admin/login/"])
def test_login_is_locked_after_five_failures_with_a_french_page(client, make_user, site_tree, login_url):
    make_user("paul")
    response = _fail_login(client, login_url, "paul", 4)
    assert response.status_code == 200  # still the form
    response = _fail_login(client, login_url, "paul", 1)
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    # Even the right password is refused while locked out.
    response = client.post(login_url, {"username": "paul", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
def test_a_success_before_the_limit_resets_the_counter(client, make_user, site_tree):
    make_user("paul")
    _fail_login(client, "/connexion/", "paul", 4)
    assert client.post("/connexion/", {"username": "paul", "password": PASSWORD}).status_code == 302
    client.logout()
    assert _fail_login(client, "/connexion/", "paul", 4).status_code == 200


def _unthrottle(device):
    """django-otp throttles after a wrong code (1 s, then 2 s…): skip the wait."""
    device.refresh_from_db()
    device.throttle_reset(commit=False)
    device.last_t = -1  # a code is accepted once; the test replays the current one
    device.save()


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.django_db
def test_two_factor_enrolment_then_every_login_asks_for_a_code(client, roles):
    animateur = roles.users["animateur"]
    client.force_login(animateur)
    page = client.get("/mon-compte/double-authentification/")
    assert page.status_code == 200
    assert "data:image/svg+xml;base64," in page.content.decode()
    device = TOTPDevice.objects.get(user=animateur, confirmed=False)

    bad = client.post("/mon-compte/double-authentification/", {"token": "000000"})
    assert "Code incorrect" in bad.content.decode()
    assert 'aria-describedby="token-errors"' in bad.content.decode()
    _unthrottle(device)
    client.post("/mon-compte/double-authentification/", {"token": _code(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert ModelLogEntry.objects.filter(action="ailb.2fa.enable", object_id=str(animateur.pk)).exists()

    client.logout()
    response = client.post("/connexion/", {"username": "animateur", "password": PASSWORD})
    assert response.status_code == 302
    # Logged in by password only: every page leads to the code page, the admin too.
    for url in ("/", "/groupes/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/verification/")
    assert client.post("/connexion/verification/?next=/groupes/", {"token": "123"}).status_code == 200
    _unthrottle(device)
    response = client.post("/connexion/verification/", {"token": _code(device), "next": "/groupes/"})
    assert response.status_code == 302 and response["Location"] == "/groupes/"
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_two_factor_is_offered_to_admins_and_animateurs_only(client_for, roles):
    assert client_for(roles.users["membre"]).get("/mon-compte/double-authentification/").status_code == 403
    assert client_for(roles.users["admin"]).get("/mon-compte/double-authentification/").status_code == 200
    assert client_for(roles.users["animateur"]).get("/mon-compte/double-authentification/").status_code == 200


@pytest.mark.django_db
def test_verification_refuses_an_outside_next(client, roles):
    animateur = roles.users["animateur"]
    device = TOTPDevice.objects.create(user=animateur, name="t", confirmed=True)
    client.post("/connexion/", {"username": "animateur", "password": PASSWORD})
    response = client.post("/connexion/verification/", {"token": _code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_download_is_written_to_the_audit_log_and_shown_to_admins(client_for, roles):
    document = IntranetDocument.objects.create(
        title="Compte rendu", file=ContentFile(b"%PDF-1.4 contenu", name="cr.pdf"), collection=roles.open.collection
    )
    member = roles.users["membre"]
    response = client_for(member).get(document.url)
    assert response.status_code == 200
    b"".join(response.streaming_content) if response.streaming else response.content
    entry = ModelLogEntry.objects.get(action="ailb.document.download", object_id=str(document.pk))
    assert entry.user_id == member.pk

    report = client_for(roles.users["admin"]).get("/admin/reports/site-history/")
    assert report.status_code == 200
    assert "Téléchargement" in report.content.decode()


@pytest.mark.django_db
def test_group_permission_changes_are_audited(roles):
    group = Group.objects.create(name="Relecteurs")
    before = ModelLogEntry.objects.filter(action="ailb.permission").count()
    permission = Permission.objects.get(codename="change_page")
    GroupPagePermission.objects.create(group=group, page=roles.open, permission=permission)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.filter(group=group).delete()
    entries = ModelLogEntry.objects.filter(action="ailb.permission").order_by("pk")[before:]
    assert [e.data["change"] for e in entries] == ["ajout", "add", "retrait"]
    assert all(e.object_id == str(group.pk) for e in entries)


def test_redis_cache_fails_soft_when_redis_is_down():
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    cache = FailSoftRedisCache("redis://127.0.0.1:1/0", {})
    assert cache.get("clé", "défaut") == "défaut"
    assert cache.set("clé", 1) is None
    assert cache.add("clé", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("clé") is False
    assert cache.get_or_set("clé", 3) == 3
    assert cache.incr("compteur") == 1


@pytest.mark.django_db
def test_version_downloads_are_audited_too(roles, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.services.upload import create_document

    member = roles.users["membre"]
    document = create_document(
        SimpleUploadedFile("compte-rendu.txt", b"Compte rendu du bureau"), collection=roles.open.collection, user=member
    )
    response = client_for(member).get(f"/documents/version/{document.pk}/1/")
    assert response.status_code == 200
    entry = ModelLogEntry.objects.get(action="ailb.document.download", object_id=str(document.pk))
    assert entry.user_id == member.pk and entry.data["version"] == 1
