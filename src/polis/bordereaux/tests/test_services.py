"""The monthly job and an operator's generation: one bordereau per insurer, month and kind."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from polis.audit.models import AuditEvent
from polis.bordereaux import services, tasks
from polis.bordereaux.models import Binder, Bordereau
from polis.bordereaux.tests.support import full_binder
from polis.catalog.models import Insurer
from polis.core.errors import PermissionDenied
from polis.documents.models import StoredFile
from polis.practices.models import Practice
from polis.practices.tests.factories import PracticeFactory

ROME = ZoneInfo("Europe/Rome")
JANUARY = datetime.date(2026, 1, 1)


@pytest.mark.django_db
def test_the_job_makes_both_bordereaux_of_every_insurer_and_running_it_again_replaces_them(
    collaborator_a, monkeypatch
):
    # given a policy written in November, and today 1 December (the job's day)
    full_binder()
    PracticeFactory(
        created_by=collaborator_a,
        status=Practice.Status.ISSUED,
        issued_at=datetime.datetime(2026, 11, 30, 10, tzinfo=ROME),
    )
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: datetime.date(2026, 12, 1))
    insurers = Insurer.objects.count()
    # when the job runs twice
    assert tasks.generate_last_month() == 2 * insurers
    first = {(b.insurer_id, b.kind): (b.pk, b.xlsx_id) for b in Bordereau.objects.all()}
    assert tasks.generate_last_month() == 2 * insurers
    # then one bordereau per insurer and kind, for November, the same rows with new files
    bordereaux = Bordereau.objects.all()
    assert len(bordereaux) == 2 * insurers
    assert {b.month for b in bordereaux} == {datetime.date(2026, 11, 1)}
    for b in bordereaux:
        pk, old_xlsx = first[(b.insurer_id, b.kind)]
        assert b.pk == pk
        assert b.xlsx_id != old_xlsx
        assert b.version == 2
        assert not StoredFile.objects.filter(pk=old_xlsx).exists()
    risk = Bordereau.objects.get(insurer=Binder.objects.get().insurer, kind="risk")
    assert (risk.rows, risk.status) == (1, Bordereau.Status.COMPLETE)
    assert AuditEvent.objects.filter(action="bordereau.generated").count() == 4 * insurers


@pytest.mark.django_db
def test_a_bordereau_with_missing_fields_is_marked_and_becomes_complete_once_the_binder_is_set(
    collaborator_a, operator
):
    # given a policy of an insurer without binder references
    PracticeFactory(
        created_by=collaborator_a,
        status=Practice.Status.ISSUED,
        issued_at=datetime.datetime(2026, 1, 9, 10, tzinfo=ROME),
    )
    insurer = full_binder().insurer
    Binder.objects.all().delete()
    # when generated
    bordereau = services.generate_bordereau(
        actor=operator, insurer=insurer, month=JANUARY, kind="risk"
    )
    # then it is incomplete, with the missing columns counted and a report to download
    assert bordereau.status == Bordereau.Status.INCOMPLETE
    assert bordereau.missing_by_column["CR0005"] == 1
    assert bordereau.report is not None
    # and once the binder is filled in, generating it again makes it complete
    full_binder()
    again = services.generate_bordereau(
        actor=operator, insurer=insurer, month=JANUARY, kind="risk", version=bordereau.version
    )
    assert (again.pk, again.status, again.missing, again.report) == (
        bordereau.pk,
        Bordereau.Status.COMPLETE,
        0,
        None,
    )
    event = AuditEvent.objects.filter(action="bordereau.generated").order_by("pk").last()
    assert event.data == {"from": "incomplete", "to": "complete", "rows": 1, "missing": 0}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["collaborator_a", "adjuster"])
def test_only_the_mga_s_staff_generates_and_downloads(who, request, operator):
    user = request.getfixturevalue(who)
    insurer = full_binder().insurer
    with pytest.raises(PermissionDenied):
        services.generate_bordereau(actor=user, insurer=insurer, month=JANUARY, kind="claims")
    assert not Bordereau.objects.exists()
    made = services.generate_bordereau(
        actor=operator, insurer=insurer, month=JANUARY, kind="claims"
    )
    with pytest.raises(PermissionDenied):
        services.download_bordereau(actor=user, bordereau=made, part="xlsx")
    assert not AuditEvent.objects.filter(action="bordereau.downloaded").exists()


def test_the_job_is_scheduled_monthly():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["bordereaux"]
    assert entry["task"] == "polis.bordereaux.tasks.generate_last_month"
    assert entry["schedule"].day_of_month == {1}
