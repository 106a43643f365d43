"""The MGA's review: who may approve, decline, ask for information and answer, from which
status; answers from the practice page, the Comunicazioni thread and the API."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from polis.audit.models import AuditEvent
from polis.core.errors import DomainError, InvalidTransition, PermissionDenied
from polis.messaging.models import Message
from polis.practices import services
from polis.practices.models import Practice
from polis.practices.selectors import thread_of, uploaded_documents
from polis.practices.tests.factories import PracticeFactory
from polis.signatures.tests.support import PNG

pytestmark = pytest.mark.django_db
S = Practice.Status

ACTIONS = {
    "issue": lambda p, u: services.issue_practice(actor=u["collaborator"], practice=p),
    "approve": lambda p, u: services.approve_practice(actor=u["operator"], practice=p),
    "decline": lambda p, u: services.decline_practice(
        actor=u["operator"], practice=p, reason="Rischio fuori assunzione"
    ),
    "request_information": lambda p, u: services.request_practice_information(
        actor=u["operator"], practice=p, text="Serve la visura camerale"
    ),
    "answer": lambda p, u: services.answer_practice_information(
        actor=u["collaborator"], practice=p, text="Ecco la visura"
    ),
}
# Where each action may start (DESIGN §3), and where it leads (issue: within the limits).
ALLOWED = {
    "issue": {S.DRAFT: S.ISSUED},
    "approve": {S.IN_REVIEW: S.ISSUED},
    "decline": {S.IN_REVIEW: S.DECLINED, S.INFO_REQUESTED: S.DECLINED},
    "request_information": {S.IN_REVIEW: S.INFO_REQUESTED},
    "answer": {S.INFO_REQUESTED: S.IN_REVIEW},
}


@pytest.mark.parametrize("action", ACTIONS)
def test_each_review_action_from_every_status(action, collaborator_a, operator):
    users = {"collaborator": collaborator_a, "operator": operator}
    for status in S.values:
        practice = PracticeFactory(created_by=collaborator_a, status=status)
        if status in ALLOWED[action]:
            ACTIONS[action](practice, users)
            practice.refresh_from_db()
            assert practice.status == ALLOWED[action][status], (action, status)
        else:
            with pytest.raises(InvalidTransition):
                ACTIONS[action](practice, users)
            practice.refresh_from_db()
            assert practice.status == status, (action, status)
    assert not Message.objects.exclude(thread__subject_type="practice").exists()


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve", S.IN_REVIEW), ("decline", S.IN_REVIEW), ("request_information", S.IN_REVIEW)],
)
def test_only_the_mga_reviews(action, status, collaborator_a, adjuster):
    practice = PracticeFactory(created_by=collaborator_a, status=status)
    for outsider in (collaborator_a, adjuster):
        with pytest.raises(PermissionDenied):
            ACTIONS[action](practice, {"operator": outsider})
    practice.refresh_from_db()
    assert practice.status == status


def test_only_the_practices_firm_answers(collaborator_b, operator, collaborator_a):
    practice = PracticeFactory(created_by=collaborator_a, status=S.INFO_REQUESTED)
    for outsider in (collaborator_b, operator):
        with pytest.raises(PermissionDenied):
            ACTIONS["answer"](practice, {"collaborator": outsider})
    practice.refresh_from_db()
    assert practice.status == S.INFO_REQUESTED
    assert thread_of(practice) is None


def test_a_practice_in_review_is_not_issued_by_the_firm_even_under_a_raised_limit(
    collaborator_a,
):
    practice = PracticeFactory(created_by=collaborator_a, status=S.IN_REVIEW)
    practice.product.auto_issue_max_gross = Decimal("100000")
    practice.product.save()
    with pytest.raises(InvalidTransition, match="In revisione"):
        services.issue_practice(actor=collaborator_a, practice=practice)


def _asked(collaborator, operator) -> Practice:
    practice = PracticeFactory(created_by=collaborator, status=S.IN_REVIEW)
    return services.request_practice_information(
        actor=operator, practice=practice, text="Serve il documento d'identità"
    )


def test_answering_in_the_comunicazioni_thread_puts_the_practice_back_in_review(
    client_for, collaborator_a, operator
):
    # given: the request is a to-do in the practice's thread
    practice = _asked(collaborator_a, operator)
    thread = thread_of(practice)
    assert thread.open_requests == 1
    # when: the collaborator answers from the thread, with a file
    response = client_for(collaborator_a).post(
        reverse("messaging:thread", args=[thread.pk]),
        {"body": "Ecco il documento", "files": SimpleUploadedFile("carta.png", PNG)},
    )
    # then: the to-do is done, the practice waits for the MGA again, the file is on the practice
    assert response.status_code == 302
    practice.refresh_from_db()
    thread.refresh_from_db()
    assert (practice.status, thread.open_requests) == (S.IN_REVIEW, 0)
    [document] = uploaded_documents(practice)
    assert (document.file.name, document.uploaded_by) == ("carta.png", collaborator_a)
    assert AuditEvent.objects.filter(action="practice.info_answered", actor=collaborator_a).exists()
    page = client_for(operator).get(reverse("practices:detail", args=[practice.pk]))
    assert reverse("practices:document", args=[practice.pk, document.pk]) in page.text
    assert "Approva ed emetti" in page.text


def test_the_firm_answers_with_documents_only_from_the_practice_page(
    client_for, collaborator_a, operator
):
    practice = _asked(collaborator_a, operator)
    page = client_for(collaborator_a)
    # nothing to say and nothing attached: refused, still waiting
    page.post(reverse("practices:answer_information", args=[practice.pk]), {"text": " "})
    practice.refresh_from_db()
    assert practice.status == S.INFO_REQUESTED
    # a document alone answers
    response = page.post(
        reverse("practices:answer_information", args=[practice.pk]),
        {"text": "", "files": SimpleUploadedFile("visura.png", PNG)},
        follow=True,
    )
    assert "Risposta inviata" in response.text
    practice.refresh_from_db()
    assert practice.status == S.IN_REVIEW
    assert thread_of(practice).messages.last().body == "Documenti inviati: visura.png."
    assert [d.file.name for d in uploaded_documents(practice)] == ["visura.png"]


def test_a_bad_file_in_the_answer_changes_nothing(collaborator_a, operator):
    practice = _asked(collaborator_a, operator)
    with pytest.raises(DomainError):
        services.answer_practice_information(
            actor=collaborator_a,
            practice=practice,
            text="Ecco",
            files=[SimpleUploadedFile("virus.exe", b"MZ\x90\x00")],
        )
    practice.refresh_from_db()
    assert practice.status == S.INFO_REQUESTED
    assert thread_of(practice).messages.count() == 1
    assert uploaded_documents(practice) == []


def test_answering_a_practice_declined_meanwhile_is_refused(collaborator_a, operator):
    practice = _asked(collaborator_a, operator)
    services.decline_practice(actor=operator, practice=practice, reason="Fuori assunzione")
    with pytest.raises(InvalidTransition, match="non sta aspettando informazioni"):
        services.answer_practice_information(actor=collaborator_a, practice=practice, text="Ecco")
    assert thread_of(practice).messages.count() == 1


def test_a_stale_information_request_sends_nothing(collaborator_a, operator, admin_user):
    practice = PracticeFactory(created_by=collaborator_a, status=S.IN_REVIEW)
    seen = practice.version
    services.decline_practice(actor=admin_user, practice=practice, reason="No", version=seen)
    with pytest.raises(DomainError, match="modificata da un altro utente"):
        services.request_practice_information(
            actor=operator, practice=practice, text="Serve la visura", version=seen
        )
    practice.refresh_from_db()
    assert practice.status == S.DECLINED
    assert thread_of(practice) is None


def test_mga_attachments_in_the_thread_join_the_practice_documents(
    client_for, collaborator_a, operator
):
    practice = _asked(collaborator_a, operator)
    client_for(operator).post(
        reverse("messaging:thread", args=[thread_of(practice).pk]),
        {"body": "Vi mandiamo il modulo da compilare", "files": SimpleUploadedFile("m.png", PNG)},
    )
    practice.refresh_from_db()
    assert practice.status == S.INFO_REQUESTED  # the MGA's own message answers nothing
    [document] = uploaded_documents(practice)
    assert (document.uploaded_by, document.label) == (operator, "Allegato alle comunicazioni")


def test_declining_a_practice_waiting_for_information_clears_the_firms_to_do(
    client_for, collaborator_a, operator
):
    from polis.messaging.services import withdraw_requests

    practice = _asked(collaborator_a, operator)
    thread = thread_of(practice)
    with pytest.raises(PermissionDenied):
        withdraw_requests(actor=collaborator_a, thread=thread)
    home = client_for(collaborator_a)
    assert list(home.get(reverse("web:dashboard")).context["requests_to_answer"]) == [thread]
    services.decline_practice(actor=operator, practice=practice, reason="Fuori assunzione")
    assert list(home.get(reverse("web:dashboard")).context["requests_to_answer"]) == []
    assert "Richiesta ritirata" in home.get(reverse("messaging:thread", args=[thread.pk])).text


def test_the_queue_lists_the_longest_waiting_first_with_actions(
    client_for, collaborator_a, operator, admin_user
):
    from datetime import timedelta

    from django.utils import timezone

    # given: an old draft sent to review today, and a recent one sent three days ago
    now = timezone.now()
    today = PracticeFactory(
        created_by=collaborator_a,
        status=S.IN_REVIEW,
        created_at=now - timedelta(days=40),
        submitted_at=now,
    )
    waiting = PracticeFactory(
        created_by=collaborator_a,
        status=S.INFO_REQUESTED,
        created_at=now - timedelta(days=4),
        submitted_at=now - timedelta(days=3),
    )
    PracticeFactory(created_by=collaborator_a, status=S.DRAFT)
    staff = client_for(operator)
    queue = reverse("practices:review_queue")
    # when
    page = staff.get(queue)
    # then: by time in the MGA's hands, with their age
    assert [p.pk for p in page.context["page"]] == [waiting.pk, today.pk]
    assert "in attesa da 3\xa0giorni" in page.text
    # approving from the queue stays on the queue; a second click on the stale row changes nothing
    response = staff.post(
        reverse("practices:approve", args=[today.pk]),
        {"version": today.version, "next": queue},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == queue
    assert [p.pk for p in response.context["page"]] == [waiting.pk]
    stale = client_for(admin_user).post(
        reverse("practices:decline", args=[today.pk]),
        {"version": today.version, "reason": "No", "next": queue},
        HTTP_REFERER=queue,
        follow=True,
    )
    assert "modificata da un altro utente" in stale.text
    today.refresh_from_db()
    assert today.status == S.ISSUED


def test_a_refused_move_changes_nothing(collaborator_a, operator):
    # given
    issued = PracticeFactory(created_by=collaborator_a, status=S.ISSUED, review_reason="")
    # when / then
    with pytest.raises(InvalidTransition) as refused:
        services.decline_practice(actor=operator, practice=issued, reason="Fuori assunzione")
    assert refused.value.message == "La pratica è «Emessa»: non può passare a «Rifiutata»."
    row = Practice.objects.get(pk=issued.pk)
    assert (row.status, row.review_reason, row.version) == (S.ISSUED, "", issued.version)
    assert not AuditEvent.objects.filter(object_id=str(issued.pk)).exists()


def test_sending_to_review_records_when(collaborator_a):
    practice = PracticeFactory(created_by=collaborator_a, status=S.DRAFT)
    practice.product.auto_issue_max_gross = Decimal("100")
    practice.product.save()
    sent = services.issue_practice(actor=collaborator_a, practice=practice)
    assert sent.status == S.IN_REVIEW
    assert sent.submitted_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_firm_answering_while_the_operator_declines(collaborator_a, operator):
    # given: both lock the thread, then the practice — never the other way round
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent row locks need PostgreSQL")
    for _ in range(5):
        practice = _asked(collaborator_a, operator)
        barrier, unexpected = threading.Barrier(2), []

        def run(action, practice=practice, barrier=barrier, unexpected=unexpected):
            try:
                barrier.wait()
                action(practice)
            except InvalidTransition:
                pass  # the answer came too late: the practice was declined
            except Exception as error:  # a deadlock would land here
                unexpected.append(error)
            finally:
                connection.close()

        # when
        threads = [
            threading.Thread(
                target=run,
                args=[
                    lambda p: services.answer_practice_information(
                        actor=collaborator_a, practice=p, text="Ecco la visura"
                    )
                ],
            ),
            threading.Thread(
                target=run,
                args=[lambda p: services.decline_practice(actor=operator, practice=p, reason="No")],
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # then: declined, no request left open, an answer kept only if it came first
        assert unexpected == []
        practice.refresh_from_db()
        thread = thread_of(practice)
        assert (practice.status, thread.open_requests) == (S.DECLINED, 0)
        answered = thread.messages.filter(from_mga=False).exists()
        assert (
            answered
            == AuditEvent.objects.filter(
                action="practice.info_answered", object_id=str(practice.pk)
            ).exists()
        )
