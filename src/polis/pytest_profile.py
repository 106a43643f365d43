"""pytest plugin, loaded before Django (`-p` in pyproject's addopts): the tests run in the
embedded development profile, as `make run` does, unless the environment sets DEBUG itself.
The settings default to DEBUG off, and pytest-django imports them before any conftest runs."""

import os

os.environ.setdefault("DEBUG", "1")
