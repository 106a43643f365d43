"""The portfolio import over the API: upload (dry run), the report per row and field, confirm,
progress; another firm sees none of it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from polis.portfolio.tests.factories import csv_bytes, row
from polis.practices.models import Practice
from polis.quotes.tests.factories import demo_product

pytestmark = pytest.mark.django_db


def test_dry_run_report_confirm_and_status(
    client_for, collaborator_a, collaborator_b, django_capture_on_commit_callbacks
):
    # given
    demo_product("RCP")
    api = client_for(collaborator_a)
    data = csv_bytes([row(1), row(2, premio_lordo="-5")])
    # when a firm's administrator uploads a file
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(
            "/api/portfolio-imports",
            {"file": SimpleUploadedFile("p.csv", data), "privacy_declared": "true"},
        )
    # then the dry run has run and nothing is written
    assert created.status_code == 201, created.content
    batch = api.get(f"/api/portfolio-imports/{created.json()['id']}").json()
    assert (batch["status"], batch["total_rows"], batch["error_rows"]) == ("validated", 2, 1)
    assert batch["allowed_actions"] == ["cancel", "confirm"]
    assert not Practice.objects.exists()
    url = f"/api/portfolio-imports/{batch['id']}"
    rows = api.get(f"{url}/rows").json()
    assert rows == [
        {
            "number": 3,
            "outcome": "invalid",
            "errors": [
                {
                    "field": "premio_lordo",
                    "message": "Il premio deve essere maggiore di zero e realistico.",
                }
            ],
            "warnings": [],
            "outcome_message": "",
            "practice_id": None,
        }
    ]
    # and another firm sees nothing of it
    assert client_for(collaborator_b).get(url).status_code == 404
    assert (
        client_for(collaborator_b)
        .post(f"{url}/confirm", {}, content_type="application/json")
        .status_code
        == 404
    )
    # when confirmed, with the version read
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = api.post(
            f"{url}/confirm", {"version": batch["version"]}, content_type="application/json"
        )
    # then
    assert confirmed.status_code == 200
    done = api.get(url).json()
    assert (done["status"], done["progress"], done["created_policies"]) == ("done", 100, 1)
    assert Practice.objects.get().policy_number == "VEC-000001"


def test_a_hostile_file_is_refused_with_its_reason(client_for, collaborator_a):
    response = client_for(collaborator_a).post(
        "/api/portfolio-imports",
        {"file": SimpleUploadedFile("p.xlsx", b"%PDF-1.4"), "privacy_declared": "true"},
    )
    assert response.status_code == 422
    assert "non lo è" in response.json()["detail"]
