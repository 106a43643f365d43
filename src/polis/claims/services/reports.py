"""Reports on claims: the access log of who read them and the daily list past their SLA."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from polis.accounts.selectors import role_emails
from polis.audit.services import record_audits
from polis.claims.models import Claim
from polis.claims.selectors import overdue_claims
from polis.core.access import OPERATOR
from polis.notify.services import queue_email

if TYPE_CHECKING:
    from polis.accounts.models import User


def record_claim_access(*, actor: User, claims: list[Claim], what: str) -> None:
    """A read of claims' health data (the page, a document, a quietanza, an API read or an
    export), also when nothing changes: who, in which role, when and from where (the audit
    log's address), and what, in the claim's activity log."""
    with transaction.atomic():
        record_audits(
            actor=actor,
            action="claim.accessed",
            targets=claims,
            data={"role": str(actor.get_role_display()), "what": what},
        )


def send_overdue_report() -> int:
    """Daily: e-mail the operators the open claims past their SLA; returns how many."""
    overdue = list(overdue_claims())
    if not overdue:
        return 0
    with transaction.atomic():
        for email in role_emails(OPERATOR):
            queue_email(to=email, template="claims_overdue", context={"claims": overdue})
    return len(overdue)
