"""Backup and restore of the whole intranet: the database (pg_dump / SQLite's
online backup) and the media folder, with a manifest whose checksums are
verified before anything is restored."""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import connection

MANIFEST = "manifest.json"
MEDIA_DIR = "media"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator, in French."""


def app_version():
    try:
        return metadata.version("ailb-intranet")
    except metadata.PackageNotFoundError:
        return "inconnue"


def engine_name():
    return connection.vendor  # "postgresql" or "sqlite"


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------ PostgreSQL


def _pg_tool(name):
    """The client matching the server's major version: pg_dump refuses newer servers."""
    with connection.cursor():
        major = connection.pg_version // 10000
    candidate = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"Outil {name} introuvable : installez le client PostgreSQL {major}.")
    return found


def _pg_args_and_env():
    db = settings.DATABASES["default"]
    args = ["--no-password"]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env, db["NAME"]


def _run(command, env=None):
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"Échec de {Path(command[0]).name} : {result.stderr.strip()[-2000:]}")


def _dump_database(dest):
    if engine_name() == "postgresql":
        target = dest / "database.dump"
        args, env, name = _pg_args_and_env()
        options = ["--format=custom", "--no-owner", "--no-acl", "--file", str(target)]
        _run([_pg_tool("pg_dump"), *args, *options, name], env)
        return target
    if engine_name() == "sqlite":
        target = dest / "database.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return target
    raise BackupError(f"Moteur de base de données non pris en charge : {engine_name()}.")


def _database_is_empty():
    return not connection.introspection.table_names()


def _load_database(src, filename):
    if engine_name() == "postgresql":
        args, env, name = _pg_args_and_env()
        options = ["--no-owner", "--no-acl", "--exit-on-error", "--dbname", name]
        _run([_pg_tool("pg_restore"), *args, *options, str(src / filename)], env)
        return
    connection.ensure_connection()
    with sqlite3.connect(src / filename) as source:
        source.backup(connection.connection)
    source.close()


# ------------------------------------------------------------------ public


def backup(dest):
    """Write a full backup into the new or empty folder ``dest``; return the manifest."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"Le dossier de destination {dest} n'est pas vide : choisissez un dossier neuf.")
    dest.mkdir(parents=True, exist_ok=True)
    database_file = _dump_database(dest)
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir():
        shutil.copytree(media_root, dest / MEDIA_DIR, dirs_exist_ok=True)
    else:
        (dest / MEDIA_DIR).mkdir()
    files = [
        {"path": str(path.relative_to(dest)), "size": path.stat().st_size, "sha256": sha256_of(path)}
        for path in sorted(p for p in dest.rglob("*") if p.is_file())
    ]
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "app_version": app_version(),
        "database_engine": engine_name(),
        "database_file": database_file.name,
        "files": files,
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def read_and_verify(src):
    """The manifest of ``src`` after checking every file against it."""
    src = Path(src)
    if not src.is_dir():
        raise BackupError(f"Sauvegarde introuvable : {src} n'existe pas ou n'est pas un dossier.")
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{src} ne contient pas de {MANIFEST} : ce n'est pas une sauvegarde de l'intranet.") from None
    except ValueError as exc:
        raise BackupError(f"{MANIFEST} illisible : {exc}.") from None
    for entry in manifest.get("files", []):
        path = src / entry["path"]
        if not path.resolve().is_relative_to(src.resolve()):
            raise BackupError(f"Chemin refusé dans le manifeste : {entry['path']}.")
        if not path.is_file():
            raise BackupError(f"Fichier manquant dans la sauvegarde : {entry['path']}.")
        if sha256_of(path) != entry["sha256"]:
            raise BackupError(f"Somme de contrôle incorrecte pour {entry['path']} : la sauvegarde est altérée.")
    return manifest


def restore(src):
    """Restore the backup ``src`` into an empty database and media folder."""
    src = Path(src)
    manifest = read_and_verify(src)
    if manifest.get("database_engine") != engine_name():
        raise BackupError(
            f"Moteur différent : la sauvegarde vient de {manifest.get('database_engine')}, "
            f"la base configurée est {engine_name()}."
        )
    if not _database_is_empty():
        raise BackupError("La base de données cible n'est pas vide : la restauration demande une base neuve.")
    media_root = Path(settings.MEDIA_ROOT)
    media_entries = [e for e in manifest["files"] if e["path"].startswith(MEDIA_DIR + "/")]
    for entry in media_entries:
        target = media_root / entry["path"][len(MEDIA_DIR) + 1 :]
        if target.exists() and sha256_of(target) != entry["sha256"]:
            raise BackupError(f"Le dossier des médias contient déjà un autre {target} : rien n'a été restauré.")
    _load_database(src, manifest["database_file"])
    for entry in media_entries:
        target = media_root / entry["path"][len(MEDIA_DIR) + 1 :]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / entry["path"], target)
    return manifest
