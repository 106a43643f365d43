import json
import subprocess
import sys

# A fresh interpreter, as a gunicorn master is: import the WSGI module, then serve a worker's
# first requests (pages that read no table) and list what they still had to import or compile.
FIRST_REQUESTS = """
import json, sys
import polis.wsgi
from django.template import engines
from django.test import Client

cache = engines["django"].engine.template_loaders[0].loaders[0].get_template_cache
modules, templates = set(sys.modules), set(cache)
client = Client(HTTP_HOST="localhost")
statuses = [client.get(url).status_code for url in ("/accedi/", "/contattaci/", "/registrati/")]
print(json.dumps({
    "statuses": statuses,
    "imported": sorted(
        m for m in set(sys.modules) - modules if m.startswith(("polis", "holidays"))
    ),
    "compiled": sorted(set(cache) - templates),
}))
"""


def test_a_worker_forked_from_the_wsgi_module_serves_its_first_pages_warm():
    # when
    result = subprocess.run(
        [sys.executable, "-c", FIRST_REQUESTS], capture_output=True, text=True, check=True
    )
    # then
    first = json.loads(result.stdout.strip().splitlines()[-1])
    assert first["statuses"] == [200, 200, 200]
    assert first["imported"] == []
    assert first["compiled"] == []
