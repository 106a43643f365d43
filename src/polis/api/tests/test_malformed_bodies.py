"""A request body the server cannot read is the client's error (400), never a server error."""

import re

import pytest
from django.test import Client

from conftest import login_verified
from polis.api.api import api

pytestmark = pytest.mark.django_db

PATHS = api.get_openapi_schema(path_prefix="")["paths"]
WRITES = [re.sub(r"\{\w+\}", "1", path) for path, methods in PATHS.items() if "post" in methods]
# The operations whose body is JSON (the others take a multipart upload, or no body at all).
JSON_WRITES = [
    re.sub(r"\{\w+\}", "1", path)
    for path, methods in PATHS.items()
    if "application/json" in methods.get("post", {}).get("requestBody", {}).get("content", {})
]


def test_every_write_operation_is_tried():
    # a new write operation joins both tests below (their parameters are the schema's paths)
    assert len(WRITES) == 38


def post_as_browser(user, path: str, content_type: str):
    """POST a truncated multipart body with the session and CSRF token a browser would send."""
    browser = Client(enforce_csrf_checks=True)
    login_verified(browser, user)
    browser.get("/")
    return browser.generic(
        "POST",
        "/api" + path,
        data=b'--zz\r\nContent-Disposition: form-data; name="x"\r\n\r\n',
        content_type=content_type,
        HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value,
    )


@pytest.mark.parametrize("path", WRITES)
@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
def test_a_multipart_body_without_a_boundary_is_a_400(collaborator_a, path, content_type):
    # when
    response = post_as_browser(collaborator_a, path, content_type)
    # then
    assert response.status_code == 400


@pytest.mark.parametrize("path", JSON_WRITES)
def test_a_multipart_body_sent_to_a_json_operation_is_a_400(collaborator_a, path):
    # when: the CSRF check reads the form, then the operation wants the raw JSON body
    response = post_as_browser(collaborator_a, path, "multipart/form-data; boundary=zz")
    # then
    assert response.status_code == 400
    assert "Content-Type" in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        (
            "post",
            "/api/price",
            {"product": "RC\x00P", "effective_date": "2026-01-01", "answers": {}},
        ),
        (
            "post",
            "/api/price",
            {"product": "RCP", "effective_date": "2026-01-01", "answers": {"a": "\x00"}},
        ),
        ("get", "/api/claims?q=%00", None),
        ("get", "/api/practices?status=a%00", None),
    ],
)
def test_a_nul_character_is_a_400_not_a_database_error(
    client_for, collaborator_a, method, path, body
):
    # PostgreSQL cannot store or compare NUL: the API refuses it before any query
    browser = client_for(collaborator_a)
    if method == "post":
        response = browser.post(path, body, content_type="application/json")
    else:
        response = browser.get(path)
    assert response.status_code == 400
    if method == "get":  # a body's error is ninja's "Cannot parse request body"
        assert "NUL" in response.json()["detail"]
