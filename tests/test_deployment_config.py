"""Deployment configuration: Dockerfile, docker-compose.yml and config/.

No Docker engine runs where the tests run, so these tests are the check that
the files hold together: services and their commands, health checks, start
order, volumes, and the environment shared with ``ailb_intranet/settings``.
"""

import json
import os
import re
import runpy
import shlex
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
APP_SERVICES = ("web", "worker", "beat")
IMAGE_SERVICES = (*APP_SERVICES, "migrate")
TRUE_VALUES = {"true", "on", "ok", "y", "yes", "1"}  # django-environ's


# ---------------------------------------------------------------- helpers


def read_env_file(path):
    """``NAME=value`` lines of an env file, as Docker Compose reads them."""
    values = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        assert sep, f"{path.name}:{number}: NAME=value attendu"
        assert name not in values, f"{path.name}:{number}: {name} en double"
        values[name] = value
    return values


ENV_EXAMPLE = read_env_file(ROOT / "config" / "env.example")


def as_list(command):
    return shlex.split(command) if isinstance(command, str) else list(command)


def interpolate(value):
    """Compose's ``${VAR:-default}`` with the defaults, as on a fresh checkout."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value))


def service_environ(name):
    """What a container of ``name`` receives: its env files, then ``environment``."""
    service = SERVICES[name]
    environ = {}
    env_files = service.get("env_file", [])
    for env_file in [env_files] if isinstance(env_files, str) else env_files:
        environ.update(read_env_file(ROOT / env_file))
    environment = service.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    environ.update({key: interpolate(value) for key, value in environment.items()})
    return environ


def dockerfile_stages():
    """The Dockerfile as stages of ``(INSTRUCTION, arguments)``, one per FROM."""
    lines = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if not line.lstrip().startswith("#")]
    text = re.sub(r"\\\n", " ", "\n".join(lines))
    stages = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        keyword, _, arguments = line.partition(" ")
        if keyword.upper() == "FROM":
            stages.append([])
        stages[-1].append((keyword.upper(), arguments.strip()))
    return stages


def dockerfile_env(stage):
    environ = {}
    for keyword, arguments in stage:
        if keyword == "ENV":
            environ.update(item.split("=", 1) for item in shlex.split(arguments))
    return environ


def volume_mounts(service):
    """``{target: source}`` of a service's volumes (short syntax)."""
    return {mount.split(":")[1]: mount.split(":")[0] for mount in SERVICES[service].get("volumes", [])}


def production_environ(tmp_path):
    """The web container's environment, with file paths moved under ``tmp_path``."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environ.update(service_environ("web"))
    for name in ("MEDIA_ROOT", "STATIC_ROOT", "EMAIL_FILE_PATH"):
        environ[name] = str(tmp_path / name.lower())
    return environ


# ---------------------------------------------------------------- compose


def test_compose_declares_every_service():
    assert set(SERVICES) >= {"web", "worker", "beat", "migrate", "db", "redis", "mailpit"}


def test_app_services_run_the_one_image_built_here():
    builds = {json.dumps(SERVICES[name].get("build"), sort_keys=True) for name in IMAGE_SERVICES}
    images = {SERVICES[name].get("image") for name in IMAGE_SERVICES}
    assert len(builds) == 1 and len(images) == 1, "web, worker, beat et migrate doivent partager build et image"
    build = SERVICES["web"]["build"]
    build = {"context": build} if isinstance(build, str) else build
    assert (ROOT / build.get("context", ".") / build.get("dockerfile", "Dockerfile")).is_file()


def test_commands():
    assert as_list(SERVICES["web"]["command"]) == [
        "gunicorn", "-c", "config/gunicorn.py", "ailb_intranet.wsgi:application",
    ]  # fmt: skip
    worker = as_list(SERVICES["worker"]["command"])
    assert worker[:4] == ["celery", "-A", "ailb_intranet", "worker"]
    assert worker[worker.index("--concurrency") + 1] == "2"
    assert as_list(SERVICES["beat"]["command"])[:4] == ["celery", "-A", "ailb_intranet", "beat"]
    assert as_list(SERVICES["migrate"]["command"]) == ["python", "manage.py", "migrate", "--noinput"]


def test_beat_schedule_file_lives_in_a_named_volume():
    command = as_list(SERVICES["beat"]["command"])
    schedule = PurePosixPath(command[command.index("--schedule") + 1])
    assert volume_mounts("beat").get(str(schedule.parent)) in COMPOSE["volumes"]


def test_health_checks():
    for name in ("web", "db", "redis"):
        assert SERVICES[name].get("healthcheck", {}).get("test"), f"{name} sans healthcheck"
    assert "pg_isready" in " ".join(as_list(SERVICES["db"]["healthcheck"]["test"]))
    assert as_list(SERVICES["redis"]["healthcheck"]["test"])[-2:] == ["redis-cli", "ping"]
    assert "/healthz/" in " ".join(SERVICES["web"]["healthcheck"]["test"])


class _Healthz(BaseHTTPRequestHandler):
    def do_GET(self):
        expected = (
            self.path == "/healthz/"
            and self.headers["Host"] == ENV_EXAMPLE["ALLOWED_HOSTS"].split(",")[0]
            and self.headers["X-Forwarded-Proto"] == "https"
        )
        self.send_response(self.server.reply if expected else 400)
        self.send_header("Location", "/connexion/?next=/healthz/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.parametrize(("reply", "healthy"), [(200, True), (302, False), (500, False)])
def test_web_health_check_wants_a_200_from_healthz(reply, healthy):
    """GIVEN a server answering ``reply`` to the request a proxy would send
    WHEN the web service's health check command runs against it
    THEN it succeeds on 200 only (a redirect to the login page is not health)."""
    test = SERVICES["web"]["healthcheck"]["test"]
    assert test[:2] == ["CMD", "python"]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Healthz)
    server.reply = reply
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        environ = {**service_environ("web"), "PORT": str(server.server_address[1]), "PATH": os.environ["PATH"]}
        result = subprocess.run([sys.executable, *test[2:]], env=environ, capture_output=True, timeout=30)
    finally:
        server.shutdown()
        server.server_close()
    assert (result.returncode == 0) is healthy, result.stderr.decode()


def test_start_order():
    for name in APP_SERVICES:
        depends_on = SERVICES[name]["depends_on"]
        assert depends_on["db"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name
    migrate = SERVICES["migrate"]
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert "migrate" not in migrate["depends_on"]
    # A one-shot service restarted "unless-stopped" would migrate forever.
    assert migrate.get("restart", "no") in ("no", "on-failure")


def test_volumes():
    declared = set(COMPOSE["volumes"])
    assert declared >= {"postgres-data", "media", "beat"}
    for name, service in SERVICES.items():
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            assert source.startswith((".", "/")) or source in declared, f"{name}: volume {source} non déclaré"
    assert volume_mounts("db")["/var/lib/postgresql/data"] == "postgres-data"
    for name in ("web", "worker"):
        assert volume_mounts(name)[service_environ(name)["MEDIA_ROOT"]] == "media", name


def test_no_service_runs_in_debug():
    for name in SERVICES:
        assert service_environ(name).get("DEBUG", "False").lower() not in TRUE_VALUES, name


def test_services_reach_each_other_by_name():
    environ = service_environ("web")
    assert environ["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in environ["DATABASE_URL"]
    assert environ["REDIS_URL"].startswith("redis://redis:6379/")
    assert environ["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
    assert environ["REDIS_URL"] != environ["CELERY_BROKER_URL"], "cache et courtier dans la même base Redis"
    assert (environ["EMAIL_HOST"], environ["EMAIL_PORT"]) == ("mailpit", "1025")
    assert environ["DJANGO_SETTINGS_MODULE"] == "ailb_intranet.settings.production"


# ---------------------------------------------------------------- Dockerfile


def test_dockerfile_builds_in_stages_and_runs_unprivileged():
    stages = dockerfile_stages()
    assert len(stages) >= 2, "image multi-étapes attendue"
    runtime = stages[-1]
    assert runtime[0][1].split()[0] == "python:3.11-slim-bookworm"
    assert any(keyword == "COPY" and arguments.startswith("--from=") for keyword, arguments in runtime)
    users = [arguments for keyword, arguments in runtime if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    installed = " ".join(arguments for keyword, arguments in runtime if keyword == "RUN")
    for package in ("libpq5", "libmagic1", "poppler-utils", "libjpeg62-turbo", "libwebp7"):
        assert package in installed, package
    cmd = [json.loads(arguments) for keyword, arguments in runtime if keyword == "CMD"][-1]
    assert cmd == as_list(SERVICES["web"]["command"])


def test_dockerfile_collects_static_files_with_production_settings():
    runtime = dockerfile_stages()[-1]
    environ = dockerfile_env(runtime)
    collect = [arguments for keyword, arguments in runtime if keyword == "RUN" and "collectstatic" in arguments]
    assert collect, "collectstatic à la construction attendu"
    settings = environ.get("DJANGO_SETTINGS_MODULE")
    assert "DJANGO_SETTINGS_MODULE=ailb_intranet.settings.production" in collect[0] or (
        settings == "ailb_intranet.settings.production"
    )
    assert "SECRET_KEY=" in collect[0] and "ALLOWED_HOSTS=" in collect[0] and "DATABASE_URL=" in collect[0]
    # The throwaway key exists for that one command, never in the image's ENV.
    assert "SECRET_KEY" not in environ
    # Static files are collected where the containers look for them.
    assert environ["STATIC_ROOT"] == ENV_EXAMPLE["STATIC_ROOT"] == service_environ("web")["STATIC_ROOT"]


def test_dockerignore():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    for entry in (".venv", "var", ".git", "node_modules", "test-artifacts"):
        assert entry in ignored, entry
    assert ignored & {"__pycache__", "**/__pycache__"}


# ---------------------------------------------------------------- config/


def test_env_example_documents_exactly_the_settings_variables():
    from ailb_intranet.settings.env import VARIABLES

    assert set(ENV_EXAMPLE) == set(VARIABLES)


def test_env_example_comments_every_variable_and_stays_portable():
    lines = (ROOT / "config" / "env.example").read_text(encoding="utf-8").splitlines()
    for previous, line in zip(lines, lines[1:], strict=False):
        if line and not line.startswith("#"):
            assert previous.startswith("# "), f"commentaire attendu au-dessus de {line}"
    for name, value in ENV_EXAMPLE.items():
        # Quotes are kept literally by some Compose versions; "$" is interpolated.
        assert not value.startswith(("'", '"')) and "$" not in value, name


def test_env_example_is_production_like():
    assert ENV_EXAMPLE["DEBUG"] == "False"
    assert len(ENV_EXAMPLE["SECRET_KEY"]) >= 50 and len(set(ENV_EXAMPLE["SECRET_KEY"])) >= 5
    host = ENV_EXAMPLE["ALLOWED_HOSTS"]
    assert host != "*"
    assert ENV_EXAMPLE["SITE_URL"] == ENV_EXAMPLE["CSRF_TRUSTED_ORIGINS"] == f"https://{host}"


def test_gunicorn_config_reads_the_environment(monkeypatch):
    monkeypatch.setenv("PORT", "9123")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    config = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    assert config["bind"] == "0.0.0.0:9123"
    assert config["workers"] == 3
    assert config["timeout"] == 60
    assert config["accesslog"] == "-"
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0

    monkeypatch.delenv("PORT")
    monkeypatch.delenv("WEB_CONCURRENCY")
    config = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    assert config["bind"] == "0.0.0.0:8000"
    assert 3 <= config["workers"] <= 8


def test_gunicorn_workers_freeze_the_loaded_application():
    """After loading the application a worker freezes its objects: the collector's full passes then
    skip Django's and Wagtail's ~200,000 import-time objects (one ~120 ms pause per ~100 requests)."""
    import gc

    config = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    before = gc.get_freeze_count()
    try:
        config["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > max(before, 100_000)
    finally:
        gc.unfreeze()


def test_nginx_example_keeps_media_private():
    conf = (ROOT / "config" / "nginx.conf.example").read_text()
    assert re.search(r"location\s+/media/\s*\{\s*return\s+404;", conf)
    # The only media handed to Django (which checks permissions): Wagtail image files, one level deep.
    proxied = re.findall(r"location\s+~\s+(\S+)\s*\{\s*proxy_pass\s+http://ailb_web;", conf)
    assert proxied == ["^/media/(images|original_images)/[^/]+$"]
    assert re.search(r"client_max_body_size\s+110m;", conf)
    assert re.search(r"proxy_set_header\s+X-Forwarded-Proto\s+\$scheme;", conf)
    assert "web:8000" in conf


# ---------------------------------------------------------------- production settings


def test_production_settings_from_the_web_container_environment(tmp_path):
    """GIVEN the environment docker-compose gives the web container
    WHEN the production settings load
    THEN every variable arrives with its type."""
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'ALLOWED_HOSTS': s.ALLOWED_HOSTS, 'CSRF_TRUSTED_ORIGINS': s.CSRF_TRUSTED_ORIGINS, 'DEBUG': s.DEBUG,"
        "'ENGINE': s.DATABASES['default']['ENGINE'], 'HOST': s.DATABASES['default']['HOST'],"
        "'CACHE': s.CACHES['default']['BACKEND'], 'BROKER': s.CELERY_BROKER_URL, 'EMAIL_PORT': s.EMAIL_PORT,"
        "'EAGER': s.CELERY_TASK_ALWAYS_EAGER}))"
    )
    environ = production_environ(tmp_path)
    environ["DJANGO_SETTINGS_MODULE"] = "ailb_intranet.settings.production"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    settings = json.loads(result.stdout.strip().splitlines()[-1])
    assert settings == {
        "ALLOWED_HOSTS": ["intranet.ailb.example.org"],
        "CSRF_TRUSTED_ORIGINS": ["https://intranet.ailb.example.org"],
        "DEBUG": False,
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "db",
        "CACHE": "ops.cache.FailSoftRedisCache",
        "BROKER": "redis://redis:6379/1",
        "EMAIL_PORT": 1025,
        "EAGER": False,
    }


def test_check_deploy_passes_with_the_example_environment(tmp_path):
    environ = production_environ(tmp_path)
    environ["DJANGO_SETTINGS_MODULE"] = "ailb_intranet.settings.production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_nginx_example_throttles_the_login_exempt_token_urls():
    """Partner document links, unsubscribe links and token feeds answer without a login:
    their tokens cannot be guessed, but each request costs a lookup (and a download an
    audit entry), so one address may not hammer them."""
    conf = (ROOT / "config" / "nginx.conf.example").read_text()
    zone = re.search(r"limit_req_zone\s+\$binary_remote_addr\s+zone=ailb_tokens:\S+\s+rate=(\d+)r/m;", conf)
    assert zone, "a request-rate zone for the token URLs"
    block = re.search(r"location\s+~\s+\^/\(lettre/document\|desabonnement\|flux\)/\s*\{([^}]*)\}", conf)
    assert block, "one location for the token URLs"
    assert re.search(r"limit_req\s+zone=ailb_tokens\b", block.group(1))
    assert re.search(r"limit_req_status\s+429;", block.group(1))
    assert re.search(r"proxy_pass\s+http://ailb_web;", block.group(1))
    assert re.search(r"proxy_set_header\s+X-Forwarded-Proto\s+\$scheme;", block.group(1))
