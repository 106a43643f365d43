"""Serve only the front-end files the pages use, straight from node_modules (npm at set-up).

Listing whole `dist/` folders would make collectstatic hash and compress some 180 files.
"""

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

# URL prefix -> (folder under node_modules, files used, with the source maps they reference)
VENDOR_FILES = {
    "vendor/bootstrap": (
        "bootstrap/dist",
        [
            "css/bootstrap.min.css",
            "css/bootstrap.min.css.map",
            "js/bootstrap.bundle.min.js",
            "js/bootstrap.bundle.min.js.map",
        ],
    ),
    "vendor/htmx": ("htmx.org/dist", ["htmx.min.js"]),
    "vendor/chartjs": ("chart.js/dist", ["chart.umd.min.js", "chart.umd.min.js.map"]),
    # Ed25519 for browsers whose Web Crypto lacks it ("Verifica documento")
    "vendor/noble-ed25519": ("@noble/ed25519", ["index.js"]),
}


class VendorFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.storages = {}
        for prefix, (folder, _files) in VENDOR_FILES.items():
            storage = FileSystemStorage(location=settings.NODE_MODULES / folder)
            storage.prefix = prefix
            self.storages[prefix] = storage

    def find(self, path, find_all=False, **kwargs):
        for prefix, (_folder, files) in VENDOR_FILES.items():
            relative = path.removeprefix(prefix + "/")
            if relative != path and relative in files:
                found = self.storages[prefix].path(relative)
                return [found] if find_all else found
        return [] if find_all else None

    def list(self, ignore_patterns):
        for prefix, (_folder, files) in VENDOR_FILES.items():
            for relative in files:
                yield relative, self.storages[prefix]
