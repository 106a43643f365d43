"""The demo data's bordereaux pass the mandatory-field check (issue #23, "done when")."""

import pytest
from django.core.management import call_command
from django.db.models.functions import TruncMonth
from django.utils import timezone

from polis.bordereaux import services
from polis.bordereaux.models import Bordereau
from polis.catalog.models import Insurer
from polis.claims.models import Claim
from polis.practices.models import Endorsement, Practice


@pytest.mark.django_db
def test_every_bordereau_of_the_demo_data_passes_the_mandatory_field_check(settings, operator):
    # given the demo data
    settings.DEBUG = True
    call_command("seed_demo")
    months = {
        m.date()
        for m in Practice.objects.filter(issued_at__isnull=False)
        .annotate(m=TruncMonth("issued_at"))
        .values_list("m", flat=True)
    } | {timezone.localdate().replace(day=1)}
    # when every month with written policies is generated, for every insurer and kind
    for month in months:
        for insurer in Insurer.objects.all():
            for kind in Bordereau.Kind.values:
                services.generate_bordereau(actor=operator, insurer=insurer, month=month, kind=kind)
    # then each is complete, and together they hold every written policy and the claims
    bordereaux = Bordereau.objects.all()
    assert {(b.status, b.missing) for b in bordereaux} == {(Bordereau.Status.COMPLETE, 0)}
    risk_rows = sum(b.rows for b in bordereaux if b.kind == Bordereau.Kind.RISK)
    written = Practice.objects.filter(issued_at__isnull=False).count()
    endorsed = Endorsement.objects.filter(status=Endorsement.Status.EFFECTIVE).count()
    assert endorsed > 0
    assert risk_rows == written + endorsed
    assert Claim.objects.exists()
    assert sum(b.rows for b in bordereaux if b.kind == Bordereau.Kind.CLAIMS) > 0
