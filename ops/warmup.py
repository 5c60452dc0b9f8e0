"""Warm a newly started web process before it serves anyone.

Django builds several things on first use, inside the first request: the cache
backend (importing the Redis client), the reverse-URL tables of every
namespace, and the compiled templates with their tag libraries. Measured on the
search page, that first request took ~110 ms against ~20 ms for the next ones.
Gunicorn recycles each worker every ~1,000 requests (``max_requests``), so
without this some reader pays it several times a day. ``config/gunicorn.py``
calls ``warm_up()`` once the application is loaded, before freezing its objects
for the collector.

Nothing here touches the database or Redis: a worker must start even while
they are down.
"""

import logging
from pathlib import Path

logger = logging.getLogger("ailb")


def warm_up():
    """Build now what the first request would otherwise build; returns the templates compiled."""
    from django.conf import settings
    from django.core.cache import caches
    from django.urls import get_resolver

    for alias in settings.CACHES:
        caches[alias]  # constructs the backend (imports its client library), without connecting
    _populate(get_resolver())
    return _compile_templates()


def _populate(resolver):
    """Reverse-URL tables of ``resolver`` and of every namespace below it (built lazily by Django)."""
    resolver.reverse_dict  # noqa: B018 — the property builds the tables
    for _prefix, namespaced in resolver.namespace_dict.values():
        _populate(namespaced)


def project_template_names():
    """Names of the project's own templates (its apps' ``templates`` folders and ``DIRS``)."""
    from django.apps import apps
    from django.conf import settings

    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])]
    root = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        folder = Path(config.path).resolve() / "templates"
        if folder.is_dir() and folder.is_relative_to(root) and ".venv" not in folder.parts:
            folders.append(folder)
    names = set()
    for folder in folders:
        names.update(path.relative_to(folder).as_posix() for path in folder.rglob("*.html"))
    return sorted(names)


def _compile_templates():
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines

    compiled = 0
    for name in project_template_names():
        try:
            engines["django"].get_template(name)  # kept by the cached loader (DEBUG off)
            compiled += 1
        except (TemplateDoesNotExist, TemplateSyntaxError):
            # Never a reason to stop a worker from starting: the page using it will show the error.
            logger.warning("Préchauffage : gabarit %s non compilé", name, exc_info=True)
    return compiled
