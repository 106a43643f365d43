"""The insured's page by link: what the client sees, what never shows, and what is refused."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from polis.audit.models import AuditEvent
from polis.claims.models import ClaimEvent
from polis.claims.tests.support import open_claim_on
from polis.insured import services
from polis.insured.models import InsuredLink
from polis.notify.models import OutboundMessage
from polis.signatures.tests.support import PNG

pytestmark = pytest.mark.django_db


def _page(client, token):
    return client.get(f"/assicurato/{token}/")


def test_the_agency_sends_a_link_by_email_and_sms_that_opens_the_claim(
    client, client_for, collaborator_a, claim
):
    # when the agency presses the button on the claim's page
    client_for(collaborator_a).post(f"/link-assicurato/sinistri/{claim.pk}/invia/")
    # then the client gets the link by e-mail and by SMS
    email = OutboundMessage.objects.get(subject__startswith="Segui il tuo sinistro")
    assert email.recipient == claim.practice.client.email
    token = re.search(r"/assicurato/([\w-]+)/", email.body_text).group(1)
    sms = OutboundMessage.objects.get(
        channel=OutboundMessage.Channel.SMS, body_text__contains="link personale"
    )
    assert sms.recipient == claim.practice.client.mobile
    assert f"/assicurato/{token}/" in sms.body_text
    # and the link opens the claim, its stage in plain Italian and what is missing
    html = _page(client, token).content.decode()
    assert claim.number in html
    assert "Abbiamo ricevuto la denuncia e la stiamo controllando." in html
    assert "<li>Lettera del terzo danneggiato</li>" in html
    assert 'name="files"' in html


def test_the_claim_page_shows_no_description_no_third_party_and_no_notes(
    client, collaborator_a, operator, claim
):
    from polis.claims import services as claims

    claims.add_claim_note(
        actor=operator, claim=claim, text="Nota interna: frattura al polso", shared=False
    )
    link = services.send_insured_link(actor=collaborator_a, practice=claim.practice, claim=claim)
    html = _page(client, link.link_token).content.decode()
    assert "errore di calcolo strutturale" not in html  # the description
    assert "Rossi Costruzioni" not in html  # the third party
    assert "frattura" not in html  # a note
    assert "12000" not in html
    assert "12.000" not in html


def test_a_link_never_reaches_another_claim_or_another_file(client, collaborator_a, policy, claim):
    other = open_claim_on(collaborator_a, policy, complete=True)
    link = services.send_insured_link(actor=collaborator_a, practice=policy, claim=claim)
    html = _page(client, link.link_token).content.decode()
    assert other.number not in html
    # a document of the other claim, asked by its id through this link, is refused
    foreign = other.documents.first().file_id
    answer = client.get(f"/assicurato/{link.link_token}/documenti/{foreign}/")
    assert answer.status_code == 410
    assert "non è tra quelli della tua pagina" in answer.content.decode()


def test_the_policy_page_shows_status_period_and_its_documents(client, collaborator_a, policy):
    link = services.send_insured_link(actor=collaborator_a, practice=policy)
    page = _page(client, link.link_token)
    html = page.content.decode()
    assert page.status_code == 200
    assert "In vigore: sei coperto" in html
    assert policy.effective_date.strftime("%d/%m/%Y") in html
    assert policy.end_date.strftime("%d/%m/%Y") in html
    assert "Contratto di polizza" in html
    # the contract downloads through the link
    contract = policy.signed_contract_id or policy.contract_id
    download = client.get(f"/assicurato/{link.link_token}/documenti/{contract}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_opening_the_claim_page_is_recorded_like_any_access_to_claim_data(
    client, collaborator_a, claim
):
    link = services.send_insured_link(actor=collaborator_a, practice=claim.practice, claim=claim)
    _page(client, link.link_token)  # REMOTE_ADDR of the test client: 127.0.0.1
    [access] = AuditEvent.objects.filter(action="claim.accessed", object_id=str(claim.pk))
    assert access.actor is None
    assert access.data == {"role": "Assicurato", "what": "pagina personale dell'assicurato"}
    assert access.ip_address == "127.0.0.1"


def test_an_expired_link_is_refused_with_a_clear_page_offering_a_new_one(
    client, collaborator_a, policy
):
    link = services.send_insured_link(actor=collaborator_a, practice=policy)
    InsuredLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(days=1))
    page = _page(client, link.link_token)
    html = page.content.decode()
    assert page.status_code == 410
    assert "Questo link è scaduto" in html
    assert f"/assicurato/{link.link_token}/nuovo-link/" in html
    assert policy.policy_number not in html
    assert not AuditEvent.objects.filter(action="insured_link.opened").exists()


def test_a_revoked_link_is_refused(client, client_for, collaborator_a, policy):
    link = services.send_insured_link(actor=collaborator_a, practice=policy)
    client_for(collaborator_a).post(f"/link-assicurato/{link.pk}/revoca/")
    page = _page(client, link.link_token)
    assert page.status_code == 410
    assert "revocato dalla tua agenzia" in page.content.decode()
    assert "nuovo-link" not in page.content.decode()


def test_another_firm_cannot_send_or_revoke(client_for, collaborator_a, collaborator_b, policy):
    link = services.send_insured_link(actor=collaborator_a, practice=policy)
    assert client_for(collaborator_b).post(f"/link-assicurato/{link.pk}/revoca/").status_code == 404
    other = client_for(collaborator_b).post(f"/link-assicurato/pratiche/{policy.pk}/invia/")
    assert other.status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None
    assert InsuredLink.objects.count() == 1


def test_a_new_link_replaces_the_previous_one(client, collaborator_a, policy):
    first = services.send_insured_link(actor=collaborator_a, practice=policy)
    second = services.send_insured_link(actor=collaborator_a, practice=policy)
    assert _page(client, first.link_token).status_code == 410
    assert _page(client, second.link_token).status_code == 200


def test_an_unknown_token_is_refused(client):
    page = _page(client, "x" * 43)
    assert page.status_code == 410
    assert "Questo link non esiste" in page.content.decode()


def test_the_insured_uploads_a_missing_document_and_adjuster_and_agency_are_told(
    client, collaborator_a, operator, adjuster, claim
):
    from polis.claims import services as claims

    claims.assign_adjuster(actor=operator, claim=claim, adjuster=adjuster)
    link = services.send_insured_link(actor=collaborator_a, practice=claim.practice, claim=claim)
    # when
    answer = client.post(
        f"/assicurato/{link.link_token}/invia-documento/",
        {"kind": "lettera_terzo", "files": _file("lettera.png", PNG)},
        follow=True,
    )
    # then the document lands on the claim, nothing is missing any more
    assert "Documento ricevuto" in answer.content.decode()
    added = claim.documents.get(kind="lettera_terzo")
    assert added.uploaded_by is None
    assert ClaimEvent.objects.filter(claim=claim, kind="documents").exists()
    told = set(
        OutboundMessage.objects.filter(subject__startswith="Documenti dall'assicurato").values_list(
            "recipient", flat=True
        )
    )
    assert {adjuster.email, operator.email, collaborator_a.email} <= told
    assert 'name="files"' not in answer.content.decode()


def test_an_upload_is_validated_as_everywhere_and_refused_for_a_kind_not_missing(
    client, collaborator_a, claim
):
    link = services.send_insured_link(actor=collaborator_a, practice=claim.practice, claim=claim)
    fake = client.post(
        f"/assicurato/{link.link_token}/invia-documento/",
        {"kind": "lettera_terzo", "files": _file("lettera.pdf", b"not a pdf at all")},
        follow=True,
    )
    present = client.post(
        f"/assicurato/{link.link_token}/invia-documento/",
        {"kind": "modulo", "files": _file("modulo.png", PNG)},
        follow=True,
    )
    assert fake.status_code == 200
    assert "Formato non ammesso" in fake.content.decode()
    assert "Documento ricevuto" not in fake.content.decode()
    assert "non è tra quelli mancanti" in present.content.decode()
    assert claim.documents.count() == 1
    assert not OutboundMessage.objects.filter(
        subject__startswith="Documenti dall'assicurato"
    ).exists()


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def _sent_code():
    sms = OutboundMessage.objects.filter(channel=OutboundMessage.Channel.SMS).latest("pk")
    return re.search(r"Codice (\d{6})", sms.body_text).group(1)


def test_the_insured_renews_an_expired_link_with_codice_fiscale_mobile_and_sms_code(
    client, collaborator_a, policy
):
    link = services.send_insured_link(actor=collaborator_a, practice=policy)
    InsuredLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(days=1))
    person = policy.client
    renew = f"/assicurato/{link.link_token}/nuovo-link/"
    # when the client gives the codice fiscale and the mobile on file
    asked = client.post(
        renew, {"codice_fiscale": person.codice_fiscale.lower(), "mobile": "333 123 4567"}
    )
    assert "Ti abbiamo inviato un codice" in asked.content.decode()
    # and types the code received by SMS
    opened = client.post(renew, {"code": _sent_code()}, follow=True)
    # then the page opens on a new link, valid again; the old one no longer opens
    assert opened.status_code == 200
    assert "In vigore: sei coperto" in opened.content.decode()
    assert _page(client, link.link_token).status_code == 410
    assert AuditEvent.objects.filter(action="insured_link.renewed").count() == 1


def test_a_renewal_with_data_not_on_file_sends_no_code_and_locks_after_five(
    client, collaborator_a, policy
):
    link = services.send_insured_link(actor=collaborator_a, practice=policy)
    renew = f"/assicurato/{link.link_token}/nuovo-link/"
    sms_before = OutboundMessage.objects.filter(channel=OutboundMessage.Channel.SMS).count()
    for _attempt in range(services.MAX_FAILURES):
        answer = client.post(
            renew, {"codice_fiscale": policy.client.codice_fiscale, "mobile": "+393339999999"}
        )
        assert "non corrispondono" in answer.content.decode()
    locked = client.post(
        renew, {"codice_fiscale": policy.client.codice_fiscale, "mobile": "+393331234567"}
    )
    assert locked.status_code == 410
    assert "Troppi tentativi" in locked.content.decode()
    assert OutboundMessage.objects.filter(channel=OutboundMessage.Channel.SMS).count() == (
        sms_before
    )


def test_a_wrong_code_does_not_renew(client, collaborator_a, policy):
    link = services.send_insured_link(actor=collaborator_a, practice=policy)
    renew = f"/assicurato/{link.link_token}/nuovo-link/"
    client.post(renew, {"codice_fiscale": policy.client.codice_fiscale, "mobile": "3331234567"})
    wrong = "000000" if _sent_code() != "000000" else "111111"
    answer = client.post(renew, {"code": wrong})
    assert "Il codice non è corretto" in answer.content.decode()
    assert _page(client, link.link_token).status_code == 200  # the old link still works
    assert not AuditEvent.objects.filter(action="insured_link.renewed").exists()


def test_the_link_goes_by_itself_when_the_agency_tells_the_insured_of_the_claim(
    client, collaborator_a, policy
):
    # when the agency opens a claim and sends the insured the confirmation
    claim = open_claim_on(collaborator_a, policy, complete=False, notify_insured=True)
    # then the insured also gets the personal link of the claim, which opens it
    link = InsuredLink.objects.get(claim=claim)
    assert link.created_by is None
    email = OutboundMessage.objects.get(subject__startswith="Segui il tuo sinistro")
    token = re.search(r"/assicurato/([\w-]+)/", email.body_text).group(1)
    assert claim.number in _page(client, token).content.decode()


def _issued(author):
    from polis.clients.tests.factories import ClientFactory
    from polis.practices import services as practices
    from polis.quotes import services as quotes
    from polis.quotes.tests.factories import demo_product
    from polis.quotes.tests.test_quotes import ARCHITECT

    quote = quotes.create_quote(
        actor=author,
        client=ClientFactory(created_by=author),
        product=demo_product("RCP"),
        answers=ARCHITECT,
        effective_date=timezone.localdate(),
    )
    return practices.issue_practice(
        actor=author, practice=practices.convert_quote(actor=author, quote=quote)
    )


def test_at_issue_the_link_goes_only_when_configured(settings, collaborator_a):
    settings.INSURED_LINK_AT_ISSUE = False
    quiet = _issued(collaborator_a)
    settings.INSURED_LINK_AT_ISSUE = True
    told = _issued(collaborator_a)
    assert not InsuredLink.objects.filter(practice=quiet).exists()
    [link] = InsuredLink.objects.filter(practice=told, claim=None)
    assert link.created_by is None


def test_the_page_speaks_english_to_a_browser_that_prefers_it(client, collaborator_a, policy):
    link = services.send_insured_link(actor=collaborator_a, practice=policy)
    page = client.get(f"/assicurato/{link.link_token}/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = page.content.decode()
    assert '<html lang="en">' in html
    assert "In force: you are covered" in html
    assert "Documents to download" in html
