import datetime
import re

from django.urls import reverse
from django.utils import timezone

from polis.clients.tests.factories import ClientFactory
from polis.privacy import services
from polis.privacy.models import DataSubjectRequest, add_months


def _register(actor, client, kind="access", received_on=None):
    return services.register_request(
        actor=actor,
        client=client,
        kind=kind,
        channel="email",
        received_on=received_on or timezone.localdate(),
        identity_check="Documento allegato",
    )


def test_the_client_page_registers_a_request_and_shows_its_deadline(
    client_for, operator, collaborator_a
):
    # given
    person = ClientFactory(created_by=collaborator_a)
    web = client_for(operator)
    received = timezone.localdate() - datetime.timedelta(days=2)
    assert (
        reverse("privacy:create", args=[person.pk])
        in web.get(reverse("clients:detail", args=[person.pk])).content.decode()
    )
    # when
    response = web.post(
        reverse("privacy:create", args=[person.pk]),
        {
            "kind": "access",
            "channel": "pec",
            "received_on": received.isoformat(),
            "identity_check": "PEC a lui intestata",
        },
        follow=True,
    )
    # then
    request = DataSubjectRequest.objects.get()
    page = response.content.decode()
    assert (request.client, request.channel, request.received_on) == (person, "pec", received)
    assert add_months(received, 1).strftime("%d/%m/%Y") in page
    assert reverse("privacy:export", args=[request.pk]) in page
    assert "Proroga di due mesi" in page


def test_a_future_date_is_refused_on_the_form(client_for, operator, collaborator_a):
    # given
    person = ClientFactory(created_by=collaborator_a)
    # when
    response = client_for(operator).post(
        reverse("privacy:create", args=[person.pk]),
        {
            "kind": "erasure",
            "channel": "email",
            "received_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
            "identity_check": "Documento allegato",
        },
    )
    # then
    assert response.status_code == 200
    assert "non può essere futura" in response.content.decode()
    assert not DataSubjectRequest.objects.exists()


def test_an_erasure_request_names_the_duty_and_offers_no_export(
    client_for, operator, collaborator_a
):
    from polis.claims.tests.support import policy_in_force

    # given
    practice = policy_in_force(collaborator_a)
    request = _register(operator, practice.client, kind="erasure")
    # when
    page = client_for(operator).get(reverse("privacy:detail", args=[request.pk])).content.decode()
    # then
    assert "Contratto e documenti precontrattuali: conservazione 5 anni" in page
    assert reverse("privacy:export", args=[request.pk]) not in page
    assert reverse("privacy:answer", args=[request.pk]) in page


def test_the_page_shows_the_export_hashes_and_never_the_claims_health_data(
    client_for, operator, collaborator_a
):
    from polis.claims.tests.support import open_claim_on, policy_in_force

    # given
    practice = policy_in_force(collaborator_a)
    open_claim_on(collaborator_a, practice, description="Lesione al ginocchio destro")
    request = _register(operator, practice.client)
    web = client_for(operator)
    # when
    response = web.post(reverse("privacy:export", args=[request.pk]), follow=True)
    # then
    request.refresh_from_db()
    page = response.content.decode()
    assert request.export_json_sha256 in page
    assert request.export_pdf_sha256 in page
    assert "ginocchio" not in page


def test_overdue_requests_alert_on_the_dashboard_of_who_handles_them(
    client_for, operator, collaborator_a, collaborator_b
):
    # given
    late = _register(
        operator,
        ClientFactory(created_by=collaborator_a, last_name="Ritardi"),
        received_on=timezone.localdate() - datetime.timedelta(days=40),
    )
    _register(operator, ClientFactory(created_by=collaborator_a, last_name="Puntuali"))
    # when
    pages = {
        user: client_for(user).get(reverse("web:dashboard")).content.decode()
        for user in (operator, collaborator_a, collaborator_b)
    }
    # then
    for user in (operator, collaborator_a):
        assert "Richieste privacy scadute" in pages[user]
        assert reverse("privacy:detail", args=[late.pk]) in pages[user]
        assert "Puntuali" not in pages[user]
    assert "Richieste privacy scadute" not in pages[collaborator_b]


def test_the_register_reads_a_constant_number_of_queries(
    client_for, operator, collaborator_a, django_assert_max_num_queries
):
    # given
    web = client_for(operator)
    _register(operator, ClientFactory(created_by=collaborator_a))
    web.get(reverse("privacy:list"))
    with django_assert_max_num_queries(100) as few:
        web.get(reverse("privacy:list"))
    for _ in range(5):
        _register(operator, ClientFactory(created_by=collaborator_a))
    web.get(reverse("privacy:list"))  # the dashboard's cached figures, as before `few`
    # when
    with django_assert_max_num_queries(100) as many:
        page = web.get(reverse("privacy:list")).content.decode()
    # then
    assert len(re.findall(r'href="/privacy/richieste/\d+/"', page)) == 6
    assert len(many.captured_queries) == len(few.captured_queries)
