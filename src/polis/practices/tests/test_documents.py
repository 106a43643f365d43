"""Per-practice documents: one list with the uploads and the generated documents, each download
authorized by the practice and logged."""

import re

import pytest
from django.urls import reverse

from polis.audit.models import AuditEvent
from polis.practices import services
from polis.practices.tests.factories import PracticeFactory
from polis.practices.tests.test_completion import pay
from polis.signatures.tests.support import PNG

pytestmark = pytest.mark.django_db


def test_one_list_of_documents_each_downloaded_only_by_who_may_see_the_practice(
    client_for, collaborator_a, collaborator_b, operator
):
    # given: an issued contract, a paid instalment and an identity document
    practice = PracticeFactory(created_by=collaborator_a, status="draft")
    services.add_practice_documents(
        actor=collaborator_a, practice=practice, kind="altro", uploads=[("carta.png", PNG)]
    )
    practice = services.issue_practice(actor=collaborator_a, practice=practice)
    practice.status = "signed"
    practice.save()
    pay(collaborator_a, practice)
    page = client_for(collaborator_a).get(reverse("practices:detail", args=[practice.pk])).text
    # then: the list names each of them with a download link
    for label in (
        "Contratto",
        "Ricevuta della rata 1 di 2",
        "Altro documento",
        "Modello Unico Precontrattuale (MUP)",
        "Informativa sul trattamento dei dati personali (art. 13 GDPR)",
    ):
        assert label in page, label
    base = reverse("practices:detail", args=[practice.pk])
    links = {
        link
        for link in re.findall(r'href="([^"]+)">Scarica<', page)
        if link.startswith((base, "/pagamenti/"))
    }
    # contract, receipt, upload, the MUP and the privacy notice stored at issuing (product
    # documents are the catalog's)
    assert len(links) == 5
    for link in links:
        for reader in (collaborator_a, operator):
            response = client_for(reader).get(link)
            assert response.status_code == 200, link
            assert response["Cache-Control"] == "private, no-store"
        assert client_for(collaborator_b).get(link).status_code == 404, link
    assert AuditEvent.objects.filter(action="document.downloaded").count() == 10
