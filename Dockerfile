# syntax=docker/dockerfile:1
# Intranet AILB: one image for web (gunicorn), worker and beat (celery) and
# migrations. See docker-compose.yml and config/README.md.

# ---- builder: the project and its dependencies, installed in /opt/venv ----
FROM python:3.11-slim-bookworm AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH

RUN apt-get update \
 && apt-get install --yes --no-install-recommends build-essential libpq-dev \
 && rm -rf /var/lib/apt/lists/* \
 && python -m venv /opt/venv

WORKDIR /src

# Dependencies first, read from pyproject.toml alone: this layer is reused
# until the dependencies change.
COPY pyproject.toml ./
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep=chr(10))" \
      > /tmp/requirements.txt \
 && pip install --requirement /tmp/requirements.txt

# Then the project itself.
COPY . .
RUN pip install --no-deps .

# ---- runtime: no compiler, non-root user ----
FROM python:3.11-slim-bookworm AS runtime

# libmagic1: file type detection; poppler-utils: PDF text and previews;
# libpq5, libjpeg, libwebp: PostgreSQL client and image libraries; postgresql-client:
# pg_dump/pg_restore for manage.py backup (same major version, 15, as the db service).
RUN apt-get update \
 && apt-get install --yes --no-install-recommends \
      libpq5 postgresql-client libmagic1 poppler-utils libjpeg62-turbo libwebp7 libwebpmux3 libwebpdemux2 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system ailb \
 && useradd --system --gid ailb --create-home --home-dir /home/ailb --shell /usr/sbin/nologin ailb

# The code runs from /app (PYTHONPATH), where manage.py and var/ live.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=ailb_intranet.settings.production \
    STATIC_ROOT=/app/var/static \
    MEDIA_ROOT=/app/var/media \
    PORT=8000

COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY . .

# Static files are collected, compressed and fingerprinted into the image
# (served by whitenoise). The key, host and database URL exist for this command
# only (collectstatic connects to no database).
# The code stays owned by root, precompiled; the application writes only in
# var/media, var/mail and var/beat (volumes in docker-compose.yml).
RUN SECRET_KEY=collectstatic-at-build-time-only-never-used-to-serve-requests \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://collectstatic@localhost/none \
    python manage.py collectstatic --noinput --verbosity 0 \
 && python -m compileall -q . \
 && mkdir -p var/media var/mail var/beat \
 && chown ailb:ailb var/media var/mail var/beat

USER ailb
EXPOSE 8000

# No HEALTHCHECK here: worker and beat share this image and serve no HTTP;
# docker-compose.yml checks the web service.
CMD ["gunicorn", "-c", "config/gunicorn.py", "ailb_intranet.wsgi:application"]
