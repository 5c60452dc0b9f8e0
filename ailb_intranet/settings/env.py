"""The one place where settings read the environment.

Every variable the intranet understands is declared in ``VARIABLES`` with its
type, default and meaning; ``config/env.example`` documents the same list and a
test keeps the two in step. Values are parsed by django-environ, so
``DATABASE_URL`` and friends follow its well-known URL syntax.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# name -> (type, default, description). A default of REQUIRED means that
# production refuses to start without the variable.
REQUIRED = object()

VARIABLES = {
    "SECRET_KEY": (str, REQUIRED, "Clé secrète Django (production : obligatoire)."),
    "DEBUG": (bool, False, "Mode débogage ; jamais en production."),
    "ALLOWED_HOSTS": (list, REQUIRED, "Noms d'hôte servis, séparés par des virgules."),
    "CSRF_TRUSTED_ORIGINS": (list, [], "Origines https de confiance pour CSRF."),
    "SITE_URL": (str, "http://127.0.0.1:8000", "Adresse publique, pour les liens des courriels."),
    "DATABASE_URL": (str, f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}", "Base de données."),
    "DATABASE_PREPARED_STATEMENTS": (
        bool,
        True,
        "Instructions préparées PostgreSQL pour les requêtes de chaque page (à désactiver derrière un "
        "regroupeur de connexions qui ne les gère pas, comme PgBouncer avant 1.21 en mode transaction).",
    ),
    "REDIS_URL": (str, "", "Redis pour le cache (vide : cache en mémoire locale)."),
    "CELERY_BROKER_URL": (str, "", "Courtier Celery (vide : transport fichiers sous var/)."),
    "CELERY_TASK_ALWAYS_EAGER": (bool, False, "Exécuter les tâches dans le processus (tests)."),
    "MEDIA_ROOT": (str, str(BASE_DIR / "var" / "media"), "Dossier des fichiers déposés."),
    "AWS_STORAGE_BUCKET_NAME": (str, "", "Compartiment S3 des fichiers déposés (vide : dossier MEDIA_ROOT)."),
    "AWS_S3_ENDPOINT_URL": (str, "", "Adresse du service S3 compatible (vide : Amazon S3)."),
    "AWS_S3_REGION_NAME": (str, "", "Région du compartiment S3."),
    "AWS_ACCESS_KEY_ID": (str, "", "Identifiant d'accès S3 (vide : rôle ou profil de la machine)."),
    "AWS_SECRET_ACCESS_KEY": (str, "", "Clé secrète d'accès S3."),
    "STATIC_ROOT": (str, str(BASE_DIR / "var" / "static"), "Dossier des fichiers statiques collectés."),
    "EMAIL_BACKEND": (str, "django.core.mail.backends.smtp.EmailBackend", "Moteur d'envoi."),
    "EMAIL_HOST": (str, "localhost", "Serveur SMTP."),
    "EMAIL_PORT": (int, 25, "Port SMTP."),
    "EMAIL_HOST_USER": (str, "", "Identifiant SMTP."),
    "EMAIL_HOST_PASSWORD": (str, "", "Mot de passe SMTP."),
    "EMAIL_USE_TLS": (bool, False, "STARTTLS vers le serveur SMTP."),
    "EMAIL_FILE_PATH": (str, str(BASE_DIR / "var" / "mail"), "Dossier des courriels (dev)."),
    "DEFAULT_FROM_EMAIL": (str, "AILB Intranet <intranet@ailb.example.org>", "Expéditeur."),
    "DIGEST_REPLY_TO": (str, "", "Adresse de réponse des lettres d'information."),
    "DIGEST_DAILY_HOUR": (int, 8, "Heure (Europe/Paris, 0-23) d'envoi des lettres quotidiennes et hebdomadaires."),
    "DIGEST_WEEKLY_DAY": (int, 1, "Jour d'envoi des lettres hebdomadaires (1 = lundi … 7 = dimanche)."),
    "DIGEST_BATCH_SIZE": (int, 100, "Nombre de lettres par tâche (une connexion SMTP par lot)."),
    "DIGEST_SENDING_LEASE": (int, 600, "Secondes après lesquelles un envoi interrompu est repris."),
    "DIGEST_PARTNER_LINK_MAX_AGE_DAYS": (
        int,
        60,
        "Jours pendant lesquels un lien de document reçu par un partenaire (sans compte) reste valable.",
    ),
    "DOCUMENT_MAX_UPLOAD_SIZE": (int, 100 * 1024 * 1024, "Taille maximale d'un dépôt (octets)."),
    "DOCUMENT_TRASH_RETENTION_DAYS": (int, 30, "Jours en corbeille avant purge."),
    "LOG_LEVEL": (str, "INFO", "Niveau de journalisation."),
}

env = environ.Env()


def get(name, default=None):
    """Read ``name`` with its declared type; ``default`` overrides the declared one."""
    kind, declared_default, _ = VARIABLES[name]
    fallback = declared_default if default is None else default
    parser = {str: env.str, bool: env.bool, int: env.int, list: env.list}[kind]
    present = name in env.ENVIRON
    value = parser(name, default=fallback) if fallback is not REQUIRED else (parser(name) if present else None)
    if kind is list and value is not None:
        # "a.org, b.org" is how people write lists: tolerate the spaces.
        value = [item.strip() for item in value if item.strip()]
    return value


def require(name):
    """Read a variable production cannot run without, failing loudly if absent
    (a default meant for development, such as the SQLite file, does not count)."""
    value = get(name) if name in env.ENVIRON else None
    if value in (None, "", []):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"La variable d'environnement {name} est obligatoire en production.")
    return value


def database(url=None):
    # An empty DATABASE_URL (a blank line in an .env file) means "not set": the embedded default.
    return environ.Env.db_url_config(url or get("DATABASE_URL") or VARIABLES["DATABASE_URL"][1])
