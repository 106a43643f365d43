"""Uploads are bounded before and while they are read: a request announcing more than the form
limit is refused before its body is read; a file is kept to disk only up to the file limit."""

import io

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory

from polis.documents.uploads import BoundedUploadHandler
from polis.documents.validation import validate_upload

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


class CountingStream(io.RawIOBase):
    """A request body of `size` bytes that counts how much of it is read."""

    def __init__(self, head: bytes, size: int, tail: bytes = b""):
        self.head, self.size, self.tail, self.read_bytes = head, size, tail, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        total = len(self.head) + self.size + len(self.tail)
        count = min(len(buffer), total - self.read_bytes)
        start, end = self.read_bytes, self.read_bytes + count
        body_start, body_end = len(self.head), len(self.head) + self.size
        view = memoryview(buffer)
        for first, last, fill in (
            (0, body_start, lambda a, b: self.head[a:b]),
            (body_start, body_end, lambda a, b: b"0" * (b - a)),
            (body_end, total, lambda a, b: self.tail[a - body_end : b - body_end]),
        ):
            a, b = max(start, first), min(end, last)
            if a < b:
                view[a - start : b - start] = fill(a, b)
        self.read_bytes = end
        return count


def test_a_request_announcing_more_than_the_form_limit_is_refused_unread(
    client_for, collaborator_a, settings
):
    # given: a 100 MB upload announced by Content-Length, the form limit 50 MB
    settings.UPLOAD_REQUEST_MAX_BYTES = 50 * MB
    body = CountingStream(b"--b\r\n", 100 * MB)
    browser = client_for(collaborator_a)
    # when
    response = browser.generic(
        "POST",
        "/sinistri/1/documents/",
        CONTENT_TYPE="multipart/form-data; boundary=b",
        CONTENT_LENGTH=str(100 * MB),
        **{"wsgi.input": body},
    )
    # then
    assert response.status_code == 413
    assert "50 MB" in response.content.decode()
    assert body.read_bytes == 0


def test_the_api_answers_413_in_json(client_for, collaborator_a, settings):
    # given
    settings.UPLOAD_REQUEST_MAX_BYTES = 50 * MB
    # when
    response = client_for(collaborator_a).generic(
        "POST",
        "/api/claims/1/documents",
        CONTENT_TYPE="multipart/form-data; boundary=b",
        CONTENT_LENGTH=str(60 * MB),
        **{"wsgi.input": CountingStream(b"", 60 * MB)},
    )
    # then
    assert response.status_code == 413
    assert "50 MB" in response.json()["detail"]


def test_a_file_past_the_file_limit_is_cut_while_streamed_and_refused(settings):
    # given: a 30 MB part, the file limit 20 MB, the form limit large enough
    settings.UPLOAD_MAX_BYTES = 20 * MB
    settings.UPLOAD_REQUEST_MAX_BYTES = 50 * MB
    head = (
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="grande.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
    )
    tail = b"\r\n--b--\r\n"
    size = 30 * MB
    length = len(head) + size + len(tail)
    request = RequestFactory().generic(
        "POST",
        "/",
        CONTENT_TYPE="multipart/form-data; boundary=b",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": CountingStream(head, size, tail)},
    )
    assert isinstance(request.upload_handlers[0], BoundedUploadHandler)
    # when
    _post, files = MultiPartParser(request.META, request, request.upload_handlers).parse()
    upload = files["files"]
    # then: what reached the disk stops one byte past the limit, and is refused as oversize
    assert isinstance(upload, TemporaryUploadedFile)
    assert upload.size == 20 * MB + 1
    with pytest.raises(Exception, match="dimensione massima di 20 MB"):
        validate_upload(name=upload.name, data=upload.read())
