"""How the client receives the pre-contractual documents, recorded with the demands and needs
and carried into the delivery record at issuing (Reg. IVASS 40/2018 art. 73, CAP 120-quater)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from polis.clients.tests.factories import ClientFactory
from polis.core.errors import DomainError
from polis.devdata.catalog import NEEDS_QUESTIONNAIRES
from polis.documents.models import StoredFile
from polis.practices import services
from polis.practices.models import Practice
from polis.quotes.tests.factories import demo_product
from polis.quotes.tests.test_quotes import ARCHITECT

pytestmark = pytest.mark.django_db

CONSISTENT = {"need": "si", "registered": "si", "other_policy": "no"}


@pytest.fixture
def practice(collaborator_a):
    product = demo_product("RCP")
    product.needs_questionnaire = NEEDS_QUESTIONNAIRES["RCP"]
    product.save()
    return services.create_practice(
        actor=collaborator_a,
        client=ClientFactory(created_by=collaborator_a),
        product=product,
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )


def _record(actor, practice, **delivery):
    return services.record_demands_and_needs(
        actor=actor, practice=practice, answers=CONSISTENT, **delivery
    )


def test_the_medium_must_be_chosen_and_a_non_paper_one_needs_consent(collaborator_a, practice):
    # when / then
    with pytest.raises(DomainError, match="Indica come il cliente riceve") as missing:
        _record(collaborator_a, practice)
    assert missing.value.field == "medium"
    with pytest.raises(DomainError, match="Senza il consenso del cliente") as no_consent:
        _record(collaborator_a, practice, medium="email")
    assert no_consent.value.field == "durable_consent"
    with pytest.raises(DomainError):
        _record(collaborator_a, practice, medium="fax", durable_consent=True)
    practice.refresh_from_db()
    assert practice.needs == {}


def test_issuing_records_the_documents_but_no_delivery(collaborator_a, practice):
    # given
    _record(collaborator_a, practice, medium="link", durable_consent=True)
    # when
    issued = services.issue_practice(actor=collaborator_a, practice=practice)
    # then: what the client will receive, stored; nothing delivered yet
    assert issued.status == Practice.Status.ISSUED
    assert issued.disclosures[0]["kind"] == "mup"
    for recorded in issued.disclosures:
        assert (recorded["medium"], recorded["durable_consent"]) == ("link", True)
        assert recorded["delivered_at"] is None
        assert StoredFile.objects.get(pk=recorded["file"]).sha256 == recorded["sha256"]


def test_paper_needs_no_consent_and_records_none(collaborator_a, practice):
    # when
    recorded = _record(collaborator_a, practice, medium="paper", durable_consent=True)
    # then
    assert (recorded.needs["medium"], recorded.needs["durable_consent"]) == ("paper", False)


def test_a_refusal_records_no_medium_and_stops_the_issuing(collaborator_a, practice):
    # when
    refused = services.record_demands_and_needs(
        actor=collaborator_a, practice=practice, answers={}, refused=True, medium="email"
    )
    # then
    assert refused.needs["medium"] == ""
    with pytest.raises(DomainError, match="non ha risposto"):
        services.issue_practice(actor=collaborator_a, practice=practice)


def test_needs_recorded_without_the_medium_do_not_allow_issuing(collaborator_a, practice):
    # given: needs collected before the medium was asked
    needs = _record(collaborator_a, practice, medium="paper").needs
    Practice.objects.filter(pk=practice.pk).update(
        needs={k: v for k, v in needs.items() if k not in ("medium", "durable_consent")}
    )
    # when / then
    with pytest.raises(DomainError, match="indica come il cliente riceve i documenti"):
        services.issue_practice(actor=collaborator_a, practice=practice)
    assert Practice.objects.get(pk=practice.pk).status == Practice.Status.DRAFT


def test_the_firm_records_the_medium_from_the_practice_page(client_for, collaborator_a, practice):
    # given
    page = client_for(collaborator_a)
    url = reverse("practices:needs", args=[practice.pk])
    # when
    page.post(url, {**CONSISTENT, "medium": "email"})
    refused = Practice.objects.get(pk=practice.pk).needs
    page.post(url, {**CONSISTENT, "medium": "email", "durable_consent": "1"})
    # then
    assert refused == {}
    recorded = Practice.objects.get(pk=practice.pk).needs
    assert (recorded["medium"], recorded["durable_consent"]) == ("email", True)
    shown = page.get(reverse("practices:detail", args=[practice.pk])).content.decode()
    assert "per e-mail · con il consenso del cliente al supporto durevole non cartaceo" in shown
