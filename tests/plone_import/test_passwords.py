"""Members log in with their Plone password; the hash is upgraded at first login."""

import contextlib
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, identify_hasher
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from plone_import.hashers import PloneSSHAPasswordHasher, from_plone

from .conftest import PLONE_PASSWORD, plone_ssha

pytestmark = pytest.mark.django_db

WITH_PLONE = override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "plone_import.hashers.PloneSSHAPasswordHasher",
    ]
)


def import_export(export_dir, blob_dir):
    # The export's two broken items make the command fail; members are imported regardless.
    with contextlib.suppress(CommandError):
        call_command("import_plone", str(export_dir), "--map", "/eau=eau", "--blob-home", str(blob_dir),
                     stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip


@WITH_PLONE
def test_member_logs_in_with_plone_password_and_hash_is_upgraded(eau, collective_export, client):
    import_export(*collective_export)
    marie = get_user_model().objects.get(username="marie")
    assert identify_hasher(marie.password).algorithm == "plone_ssha"

    wrong = client.post("/connexion/", {"username": "marie", "password": "pas-le-bon"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    marie.refresh_from_db()
    assert marie.password.startswith("plone_ssha$")  # a failed attempt changes nothing

    response = client.post("/connexion/", {"username": "marie", "password": PLONE_PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(marie.pk)
    marie.refresh_from_db()
    assert marie.password.startswith("md5$") and "SSHA" not in marie.password
    assert marie.check_password(PLONE_PASSWORD)

    # The upgraded password keeps working, and a re-import does not put the Plone hash back.
    client.logout()
    import_export(*collective_export)
    marie.refresh_from_db()
    assert marie.password.startswith("md5$")
    assert client.post("/connexion/", {"username": "marie", "password": PLONE_PASSWORD}).status_code == 302


@WITH_PLONE
def test_malformed_plone_hash_fails_cleanly(make_user, client):
    user = make_user("abime")
    get_user_model().objects.filter(pk=user.pk).update(password="plone_ssha${SSHA}@@pas-du-base64@@")
    response = client.post("/connexion/", {"username": "abime", "password": "nimporte"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    for value in ("plone_ssha${SSHA}", "plone_ssha${SSHA}QUJD", "plone_ssha${SHA}" + "A" * 40, "plone_ssha$x"):
        assert check_password("nimporte", value) is False
        assert "algorithm" in PloneSSHAPasswordHasher().safe_summary(value)


def test_hasher_reads_zope_ssha_and_sha():
    import base64
    import hashlib

    hasher = PloneSSHAPasswordHasher()
    assert hasher.verify(PLONE_PASSWORD, "plone_ssha$" + plone_ssha(PLONE_PASSWORD))
    assert not hasher.verify(PLONE_PASSWORD + "x", "plone_ssha$" + plone_ssha(PLONE_PASSWORD))
    assert hasher.verify("été", "plone_ssha$" + plone_ssha("été", salt=b"\x00\xff12"))  # UTF-8, binary salt
    plain_sha = "{SHA}" + base64.b64encode(hashlib.sha1(b"secret").digest()).decode()  # noqa: S324
    assert hasher.verify("secret", from_plone(plain_sha))
    encoded = hasher.encode("secret", hasher.salt())
    assert hasher.verify("secret", encoded) and hasher.must_update(encoded)
    assert from_plone("") is None and from_plone("{CRYPT}abZ1x9") is None
    with pytest.raises(ValueError, match="illisible"):
        from_plone("{SSHA}yyy")
    with pytest.raises(ValueError, match="illisible"):
        from_plone("{BCRYPT}$2b$12$abc")


def plone_bcrypt(password):
    """What AuthEncoding stores with the bcrypt package: {BCRYPT} + bcrypt.hashpw(password, gensalt())."""
    import bcrypt

    return "{BCRYPT}" + bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()


WITH_BCRYPT = override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.BCryptPasswordHasher",
        "plone_import.hashers.PloneSSHAPasswordHasher",
    ]
)


@WITH_BCRYPT
def test_plone_bcrypt_member_logs_in_and_hash_is_upgraded(make_user, client):
    user = make_user("jeanne")
    get_user_model().objects.filter(pk=user.pk).update(password=from_plone(plone_bcrypt("Quimper-2021-été")))
    assert identify_hasher(get_user_model().objects.get(pk=user.pk).password).algorithm == "bcrypt"

    assert client.post("/connexion/", {"username": "jeanne", "password": "pas-le-bon"}).status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post("/connexion/", {"username": "jeanne", "password": "Quimper-2021-été"})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert user.password.startswith("md5$") and user.check_password("Quimper-2021-été")


@WITH_BCRYPT
def test_plone_bcrypt_variants_are_read():
    import bcrypt

    raw = bcrypt.hashpw(b"secret", bcrypt.gensalt(rounds=4)).decode()
    for variant in ("$2a$", "$2b$", "$2y$"):
        encoded = from_plone("{BCRYPT}" + variant + raw[4:])
        assert encoded == "bcrypt$" + variant + raw[4:]
        assert check_password("secret", encoded) and not check_password("secreT", encoded)
