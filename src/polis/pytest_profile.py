"""pytest plugin, loaded before Django (`-p` in pyproject's addopts): the tests run in the
embedded development profile, as `make run` does, unless the environment sets DEBUG itself.
The settings default to DEBUG off, and pytest-django imports them before any conftest runs.

Under pytest-xdist (`make test` runs `-n auto`) each worker has a VAR_DIR of its own, a
folder inside the shared one: the development keys, CA and TSA that a worker creates on first
use never race with another worker's. What the tests leave for people to read (screenshots,
reliability figures) still goes to the shared folder, `POLIS_TEST_SHARED_VAR_DIR`."""

import os
from pathlib import Path

os.environ.setdefault("DEBUG", "1")

if worker := os.environ.get("PYTEST_XDIST_WORKER"):
    shared = Path(os.environ.get("POLIS_VAR_DIR") or Path(__file__).resolve().parents[2] / "var")
    os.environ["POLIS_TEST_SHARED_VAR_DIR"] = str(shared)
    os.environ["POLIS_VAR_DIR"] = str(shared / "workers" / worker)

# Hypothesis' deadline and "too slow" health check time the examples: on a shared 2-core machine
# they fail a property for the machine's load, not for the code. Speed lives in bench/.
from hypothesis import HealthCheck, settings

settings.register_profile("polis", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("polis")
