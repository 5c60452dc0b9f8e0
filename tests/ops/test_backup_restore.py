"""Backup then restore into an EMPTY database through a separate
``manage.py restore`` process, then compare every page, user and document hash."""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from documents.models import IntranetDocument

ROOT = Path(__file__).resolve().parents[2]
RESTORE_DB = os.environ.get("AILB_RESTORE_DB", "ailb_restore")
QUERIES = {
    "pages": "SELECT id, path, url_path, title, live, content_type_id FROM wagtailcore_page ORDER BY id",
    "documents": "SELECT id, title, file, collection_id FROM documents_intranetdocument ORDER BY id",
    "users": "SELECT id, username, password, email FROM auth_user ORDER BY id",
    "groups": "SELECT id, name FROM auth_group ORDER BY id",
}


def _rows(cursor):
    return {name: [tuple(row) for row in cursor.execute(sql).fetchall()] for name, sql in QUERIES.items()}


def _source_rows():
    with connection.cursor() as cursor:
        result = {}
        for name, sql in QUERIES.items():
            cursor.execute(sql)
            result[name] = [tuple(row) for row in cursor.fetchall()]
        return result


def _sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def content(make_group, make_user):
    from workgroups.membership import Role, set_role

    eau = make_group("eau", "Eau", "ouvert")
    h2 = make_group("hydrogene", "Hydrogène", "prive")
    for index in range(3):
        user = make_user(f"membre{index}")
        set_role(eau if index % 2 else h2, user, Role.MEMBER)
    documents = [
        IntranetDocument.objects.create(
            title=f"Document {index}",
            file=ContentFile(os.urandom(2048) + f"contenu {index}".encode(), name=f"doc-{index}.pdf"),
            collection=(eau if index % 2 else h2).collection,
        )
        for index in range(4)
    ]
    return {"documents": documents}


def _restore_env(database_url, media_root):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="ailb_intranet.settings.dev",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media_root),
        REDIS_URL="",
        DEBUG="False",
    )
    return env


def _run_restore(src, env):
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(src)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _assert_same(source_rows, restored_rows, documents, media_root):
    assert restored_rows == source_rows
    assert len(restored_rows["pages"]) >= 5 and len(restored_rows["documents"]) == 4
    for document in documents:
        assert _sha(media_root / document.file.name) == _sha(document.file.path)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_round_trip_on_postgresql_into_an_empty_database(content, tmp_path):
    backup_dir = tmp_path / "sauvegarde"
    call_command("backup", str(backup_dir))
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["database_engine"] == "postgresql" and manifest["database_file"] == "database.dump"

    db = settings.DATABASES["default"]
    admin = {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"], "password": db["PASSWORD"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{RESTORE_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{RESTORE_DB}"')
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    url = f"postgres://{db['USER']}{password}@{admin['host']}:{admin['port']}/{RESTORE_DB}"
    media_root = tmp_path / "media-restauree"
    result = _run_restore(backup_dir, _restore_env(url, media_root))
    assert result.returncode == 0, result.stderr
    assert "restaurée" in result.stdout

    with psycopg.connect(dbname=RESTORE_DB, **admin) as conn:
        restored = _rows(conn)
    _assert_same(_source_rows(), restored, content["documents"], media_root)

    # A second restore into the now full database is refused and changes nothing.
    again = _run_restore(backup_dir, _restore_env(url, media_root))
    assert again.returncode != 0
    assert "n'est pas vide" in again.stderr


@pytest.mark.django_db(transaction=True)
def test_round_trip_on_sqlite(content, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("variante SQLite")
    backup_dir = tmp_path / "sauvegarde"
    call_command("backup", str(backup_dir))
    target = tmp_path / "restauree.sqlite3"
    media_root = tmp_path / "media-restauree"
    result = _run_restore(backup_dir, _restore_env(f"sqlite:///{target}", media_root))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(target) as conn:
        restored = _rows(conn)
    _assert_same(_source_rows(), restored, content["documents"], media_root)


@pytest.mark.django_db(transaction=True)
def test_bad_backups_are_refused_in_french(content, tmp_path):
    with pytest.raises(CommandError, match="Sauvegarde introuvable"):
        call_command("restore", str(tmp_path / "absente"))

    backup_dir = tmp_path / "sauvegarde"
    call_command("backup", str(backup_dir))
    with pytest.raises(CommandError, match="n'est pas vide"):
        call_command("backup", str(backup_dir))

    media_file = next((backup_dir / "media").rglob("doc-*.pdf"))
    original = media_file.read_bytes()
    media_file.write_bytes(original + b"x")
    with pytest.raises(CommandError, match="Somme de contrôle incorrecte"):
        call_command("restore", str(backup_dir))
    media_file.write_bytes(original)

    manifest_path = backup_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["database_engine"] = "oracle"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="Moteur différent"):
        call_command("restore", str(backup_dir))

    # Through the command line: French message on stderr, non-zero exit.
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(tmp_path / "absente")],
        cwd=ROOT,
        env=_restore_env(f"sqlite:///{tmp_path / 'vide.sqlite3'}", tmp_path / "m"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Sauvegarde introuvable" in result.stderr
