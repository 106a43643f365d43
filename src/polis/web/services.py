from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.audit.services import record_audit
from polis.core.access import require
from polis.core.errors import InvalidTransition
from polis.notify.services import queue_email
from polis.web.models import ContactRequest

if TYPE_CHECKING:
    from polis.accounts.models import User


@dataclass(frozen=True)
class ContactData:
    name: str
    email: str
    phone: str
    subject: str
    message: str


def submit_contact_request(*, data: ContactData) -> ContactRequest:
    """Store a "Contattaci" message and e-mail it to the MGA's support address."""
    with transaction.atomic():
        contact = ContactRequest.objects.create(**data.__dict__, privacy_accepted_at=timezone.now())
        record_audit(actor=None, action="contact.received", target=contact)
        queue_email(
            to=settings.MGA_CONTACT_EMAIL, template="contact_request", context={"contact": contact}
        )
        return contact


def mark_contact_handled(*, actor: User, contact: ContactRequest) -> ContactRequest:
    """An operator marks a contact request as dealt with."""
    require(actor, "view_contact_requests")
    with transaction.atomic():
        contact = ContactRequest.objects.select_for_update().get(pk=contact.pk)
        if contact.handled_at is not None:
            raise InvalidTransition(_("Richiesta già gestita."))
        contact.handled_at = timezone.now()
        contact.handled_by = actor
        contact.save(update_fields=["handled_at", "handled_by"])
        record_audit(actor=actor, action="contact.handled", target=contact)
        return contact
