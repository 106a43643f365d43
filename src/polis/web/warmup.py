"""Load, once in gunicorn's master, what every request needs, so forked workers start warm.

Without it a new worker answers its first requests in about a second: the URLconf (and with it
every view module) is imported on the first request, the Italian holidays calendar imports a few
hundred modules on first use, and templates compile on first render.
"""

from pathlib import Path

from django.apps import apps
from django.template import engines
from django.urls import get_resolver
from django.utils import timezone

from polis.core.workdays import is_working_day

TEMPLATE_SUFFIXES = {".html", ".txt", ".xml"}


def warm_up() -> int:
    """Import the URLconf and the holidays calendar, and compile the project's templates.

    Returns how many templates were compiled (Django's cached template loader keeps them).
    """
    get_resolver().url_patterns  # noqa: B018 - imports every view module
    is_working_day(timezone.localdate())
    engine = engines["django"]
    engine.engine.template_context_processors  # noqa: B018 - imported on first render
    compiled = 0
    for app in apps.get_app_configs():
        directory = Path(app.path) / "templates"
        if not app.name.startswith("polis.") or not directory.is_dir():
            continue
        for path in directory.rglob("*"):
            if path.suffix in TEMPLATE_SUFFIXES:
                engine.get_template(path.relative_to(directory).as_posix())
                compiled += 1
    return compiled
