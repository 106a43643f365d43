"""Uploads bounded before and while they are read.

- `UploadLimitMiddleware` refuses a request whose Content-Length exceeds the form limit
  (`UPLOAD_REQUEST_MAX_BYTES`) with 413, before anything reads its body.
- `BoundedUploadHandler`, first of `FILE_UPLOAD_HANDLERS`, passes on to Django's handlers (memory
  up to FILE_UPLOAD_MAX_MEMORY_SIZE, then a temporary file) at most one byte past
  `UPLOAD_MAX_BYTES` of each file, and stops a body sent without a length once it passes the
  form limit: what is kept is bounded, and validation refuses the oversize file by its size.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _


def _too_large_message() -> str:
    return _(
        "La richiesta supera la dimensione massima di %(mb)s MB: carica meno file per volta."
    ) % {"mb": settings.UPLOAD_REQUEST_MAX_BYTES // (1024 * 1024)}


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.UPLOAD_REQUEST_MAX_BYTES:
            message = _too_large_message()
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "field": None}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class BoundedUploadHandler(FileUploadHandler):
    """Cut each file one byte past UPLOAD_MAX_BYTES while it streams (see the module doc)."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.kept = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_REQUEST_MAX_BYTES:
            raise RequestDataTooBig(_too_large_message())
        room = settings.UPLOAD_MAX_BYTES + 1 - self.kept
        if room <= 0:
            return None  # the rest of the file reaches no handler
        self.kept += min(room, len(raw_data))
        return raw_data[:room]

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) returns the file
