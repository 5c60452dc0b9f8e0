"""The typed environment reader of the settings."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from ailb_intranet.settings import env


@pytest.fixture
def environ(monkeypatch):
    def set_(**values):
        for name in env.VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_


def test_types_are_parsed(environ):
    environ(DEBUG="true", EMAIL_PORT="2525", ALLOWED_HOSTS="a.example.org, b.example.org", EMAIL_USE_TLS="0")
    assert env.get("DEBUG") is True
    assert env.get("EMAIL_PORT") == 2525
    assert env.get("ALLOWED_HOSTS") == ["a.example.org", "b.example.org"]
    assert env.get("EMAIL_USE_TLS") is False


def test_defaults_apply_and_required_ones_are_none_when_absent(environ):
    environ()
    assert env.get("DEBUG") is False
    assert env.get("DOCUMENT_TRASH_RETENTION_DAYS") == 30
    assert env.get("SECRET_KEY") is None
    assert env.get("DATABASE_URL").startswith("sqlite:///") and env.get("DATABASE_URL").endswith("var/db.sqlite3")


def test_require_fails_loudly_in_french(environ):
    environ()
    with pytest.raises(ImproperlyConfigured, match="La variable d'environnement SECRET_KEY est obligatoire"):
        env.require("SECRET_KEY")


def test_database_urls(environ):
    config = env.database("postgres://ailb:secret@db:5432/ailb")
    assert (config["ENGINE"], config["NAME"], config["HOST"], config["PORT"], config["USER"]) == (
        "django.db.backends.postgresql", "ailb", "db", 5432, "ailb",
    )  # fmt: skip
    assert env.database("sqlite:////tmp/x.sqlite3")["ENGINE"] == "django.db.backends.sqlite3"


def test_empty_database_url_means_the_embedded_default(environ):
    environ(DATABASE_URL="")
    config = env.database()
    assert config["ENGINE"] == "django.db.backends.sqlite3" and config["NAME"].endswith("var/db.sqlite3")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL est obligatoire"):
        env.require("DATABASE_URL")


def test_bad_integer_is_an_error(environ):
    environ(EMAIL_PORT="vingt-cinq")
    with pytest.raises(ValueError):
        env.get("EMAIL_PORT")


def test_every_variable_is_documented_in_french():
    for name, (kind, _default, description) in env.VARIABLES.items():
        assert kind in (str, bool, int, list), name
        assert description and description[0].isupper(), name
