import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from polis.accounts.tests.factories import UserFactory
from polis.core.errors import DomainError, PermissionDenied
from polis.documents.models import StoredFile
from polis.documents.tests.test_validation import GOOD
from polis.messaging import selectors, services
from polis.messaging.models import Message, Thread
from polis.notify.models import OutboundMessage

pytestmark = pytest.mark.django_db


def test_collaborator_writes_to_the_mga_and_operators_are_emailed(collaborator_a, operator):
    # when
    thread = services.open_thread(
        actor=collaborator_a,
        firm=collaborator_a.firm,
        title="Preventivo con sinistri",
        body="Potete aiutarmi?",
        base_url="https://polis.example.it",
    )
    # then
    message = thread.messages.get()
    assert (message.from_mga, message.author) == (False, collaborator_a)
    email = OutboundMessage.objects.get(recipient=operator.email)
    assert email.subject == "Comunicazioni: Preventivo con sinistri"
    assert f"https://polis.example.it/comunicazioni/{thread.pk}/" in email.body_text
    assert "Potete aiutarmi?" not in email.body_text  # the text stays on the platform


def test_the_mgas_message_is_emailed_to_the_firms_active_users_only(
    collaborator_a, collaborator_b, operator
):
    # given a deactivated colleague in the firm, and a user of another firm
    former = UserFactory(firm=collaborator_a.firm, is_active=False)
    # when an operator writes to the firm
    services.open_thread(
        actor=operator, firm=collaborator_a.firm, title="Visura", body="Inviate la visura"
    )
    # then only the firm's active users are e-mailed
    recipients = {m.recipient for m in OutboundMessage.objects.all()}
    assert recipients == {collaborator_a.email}
    assert former.email not in recipients


def test_a_firms_message_is_emailed_to_the_active_operators_only(
    collaborator_a, operator, adjuster, admin_user
):
    # given a deactivated operator
    UserFactory(role="operator", is_active=False)
    # when the firm writes to the MGA
    services.open_thread(actor=collaborator_a, firm=collaborator_a.firm, title="Aiuto", body="?")
    # then the active operators are e-mailed, and nobody else
    assert {m.recipient for m in OutboundMessage.objects.all()} == {operator.email}


def test_an_operator_request_waits_for_the_firms_answer(collaborator_a, operator):
    # given
    thread = services.open_thread(
        actor=operator,
        firm=collaborator_a.firm,
        title="Visura",
        body="Inviate la visura camerale",
        is_request=True,
    )
    assert (thread.open_requests, selectors.unread_count(collaborator_a)) == (1, 1)
    # when
    services.post_message(
        actor=collaborator_a,
        thread=thread,
        body="Eccola",
        files=[SimpleUploadedFile("visura.pdf", GOOD["contratto.pdf"])],
    )
    # then
    thread.refresh_from_db()
    assert thread.open_requests == 0
    assert Message.objects.get(is_request=True).answered_at is not None
    assert StoredFile.objects.get().name == "visura.pdf"
    assert selectors.unread_count(operator) == 1
    assert selectors.unread_count(collaborator_a) == 0


def test_firm_b_cannot_post_in_firm_as_thread(collaborator_a, collaborator_b):
    # given
    thread = services.open_thread(
        actor=collaborator_a, firm=collaborator_a.firm, title="X", body="Y"
    )
    # when / then
    with pytest.raises(PermissionDenied):
        services.post_message(actor=collaborator_b, thread=thread, body="intrusione")
    assert thread.messages.count() == 1
    with pytest.raises(PermissionDenied):
        services.open_thread(actor=collaborator_b, firm=collaborator_a.firm, title="X", body="Y")


def test_only_the_mga_sends_requests_and_empty_messages_are_refused(collaborator_a):
    # given
    thread = services.open_thread(
        actor=collaborator_a, firm=collaborator_a.firm, title="X", body="Y"
    )
    # when / then
    with pytest.raises(PermissionDenied):
        services.post_message(actor=collaborator_a, thread=thread, body="Z", is_request=True)
    with pytest.raises(DomainError, match="Scrivi il testo"):
        services.post_message(actor=collaborator_a, thread=thread, body="   ")
    assert thread.messages.count() == 1


def test_a_hostile_attachment_is_refused_and_nothing_is_posted(collaborator_a):
    # given
    thread = services.open_thread(
        actor=collaborator_a, firm=collaborator_a.firm, title="X", body="Y"
    )
    # when / then
    with pytest.raises(DomainError, match="Formato non ammesso"):
        services.post_message(
            actor=collaborator_a,
            thread=thread,
            body="allego",
            files=[SimpleUploadedFile("virus.pdf", b"MZ\x90\x00evil")],
        )
    assert thread.messages.count() == 1
    assert not StoredFile.objects.exists()


def test_inbox_shows_unread_and_open_requests_to_the_collaborator(
    client_for, collaborator_a, operator
):
    # given
    services.open_thread(
        actor=operator,
        firm=collaborator_a.firm,
        title="Documento d'identità",
        body="Manca il documento del contraente",
        is_request=True,
    )
    page = client_for(collaborator_a)
    # when
    inbox = page.get(reverse("messaging:inbox"), {"filtro": "richieste"})
    dashboard = page.get(reverse("web:dashboard"))
    # then
    assert [t.title for t in inbox.context["threads"]] == ["Documento d'identità"]
    assert dashboard.context["unread"] == 1
    assert [t.title for t in dashboard.context["requests_to_answer"]] == ["Documento d'identità"]
    assert "richiesta aperta" in inbox.content.decode()
    assert Thread.objects.count() == 1


def test_the_unread_badge_follows_new_messages_and_reading(
    client_for, collaborator_a, collaborator_b, operator, django_capture_on_commit_callbacks
):
    # given: both firms have seen their dashboard (the badge is cached)
    alfa, beta = client_for(collaborator_a), client_for(collaborator_b)
    for _ in range(2):
        assert alfa.get(reverse("web:dashboard")).context["unread"] == 0
        assert beta.get(reverse("web:dashboard")).context["unread"] == 0
    # when: the MGA writes to firm A
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.open_thread(
            actor=operator, firm=collaborator_a.firm, title="Visura", body="Inviate la visura"
        )
    # then: only firm A's badge counts it
    assert alfa.get(reverse("web:dashboard")).context["unread"] == 1
    assert beta.get(reverse("web:dashboard")).context["unread"] == 0
    # when: the collaborator reads the thread
    with django_capture_on_commit_callbacks(execute=True):
        alfa.get(reverse("messaging:thread", args=[thread.pk]))
    # then
    assert alfa.get(reverse("web:dashboard")).context["unread"] == 0
