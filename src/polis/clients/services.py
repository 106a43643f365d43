"""The client registry of each firm."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from polis.audit.services import record_audit, record_audits
from polis.clients.audit import ClientAudit
from polis.clients.models import Client
from polis.core.access import require
from polis.core.errors import DomainError, PermissionDenied
from polis.notify.services import queue_email

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from polis.accounts.models import Firm, User
    from polis.notify.models import OutboundMessage

PRIVACY_NOTICE_VERSION = "2026-01"
MARKETING_FROM_AGENCY = "agency_form"  # ticked on the client's form by his agency


class DuplicateClient(DomainError):
    """The firm already has a client with this codice fiscale or partita IVA."""

    def __init__(self, existing: Client):
        super().__init__(
            _("Questo cliente è già presente nel tuo portafoglio."),
            field="codice_fiscale" if existing.codice_fiscale else "partita_iva",
        )
        self.existing = existing


@dataclass(frozen=True)
class ClientData:
    kind: str
    email: str
    address: str
    postal_code: str
    city: str
    province: str
    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    codice_fiscale: str = ""
    partita_iva: str = ""
    birth_date: date | None = None
    sex: str = ""
    mobile: str = ""
    pec: str = ""
    language: str = "it"
    marketing_consent: bool = False


def _duplicate_of(firm: Firm, data: ClientData, exclude_pk: int | None = None) -> Client | None:
    clients = Client.objects.filter(firm=firm).exclude(pk=exclude_pk)
    for field in ("codice_fiscale", "partita_iva"):
        value = getattr(data, field)
        if value and (existing := clients.filter(**{field: value}).first()):
            return existing
    return None


def _fields(data: ClientData) -> dict:
    fields = asdict(data)
    consent = fields.pop("marketing_consent")
    fields["marketing_consent_at"] = timezone.now() if consent else None
    fields["marketing_consent_source"] = MARKETING_FROM_AGENCY if consent else ""
    fields["marketing_consent_version"] = settings.MARKETING_CONSENT_VERSION if consent else ""
    return fields


def create_client(*, actor: User, data: ClientData) -> Client:
    """Add a client to the actor's firm, with the privacy notice version accepted now.

    A codice fiscale or partita IVA already in the firm raises DuplicateClient with the record.
    """
    require(actor, "work_portfolio")
    with transaction.atomic():
        if existing := _duplicate_of(actor.firm, data):
            raise DuplicateClient(existing)
        client = Client.objects.create(
            firm=actor.firm,
            created_by=actor,
            privacy_consent_version=PRIVACY_NOTICE_VERSION,
            privacy_consent_at=timezone.now(),
            **_fields(data),
        )
        record_audit(actor=actor, action=ClientAudit.CREATED, target=client)
        return client


def record_privacy_notice_delivered(*, client_id: int, version: str, at: datetime) -> None:
    """The privacy notice `version` reached the client at `at` (called by whoever proved the
    delivery, inside its transaction). An older delivery confirmed late changes nothing."""
    Client.objects.filter(
        Q(privacy_notice_delivered_at__isnull=True) | Q(privacy_notice_delivered_at__lte=at),
        pk=client_id,
    ).update(privacy_notice_version=version, privacy_notice_delivered_at=at)


def update_client(*, actor: User, client: Client, data: ClientData) -> Client:
    """Correct a client's data; the kind and the firm never change."""
    require(actor, "work_portfolio")
    if client.firm_id != actor.firm_id:
        raise PermissionDenied(_("Non hai i permessi per questo cliente."))
    if data.kind != client.kind:
        raise DomainError(_("Il tipo di cliente non si può cambiare."), field="kind")
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client.pk)
        if existing := _duplicate_of(client.firm, data, exclude_pk=client.pk):
            raise DuplicateClient(existing)
        fields = _fields(data)
        if client.marketing_consent_at and data.marketing_consent:
            for name in ("marketing_consent_at", "marketing_consent_source"):
                fields[name] = getattr(client, name)  # keep the first time
            fields["marketing_consent_version"] = client.marketing_consent_version
        elif client.marketing_consent_at and not data.marketing_consent:
            record_audit(
                actor=actor,
                action=ClientAudit.MARKETING_WITHDRAWN,
                target=client,
                data={"source": MARKETING_FROM_AGENCY},
            )
        for name, value in fields.items():
            setattr(client, name, value)
        client.save(update_fields=list(fields))
        record_audit(actor=actor, action=ClientAudit.UPDATED, target=client)
        return client


ERASED_NAME = "Interessato cancellato"


def erase_client(*, actor: User, client: Client) -> Client:
    """Erase a client's personal data (GDPR art. 17): the row stays, so that the records that
    point to it stay whole, with every identifying field replaced by a placeholder. The caller
    (`polis.privacy`) has checked that no retention duty keeps them."""
    require(actor, "handle_privacy_requests")
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client.pk)
        _erase(client)
        record_audit(actor=actor, action=ClientAudit.ERASED, target=client)
        return client


def _erase(client: Client) -> None:
    client.first_name, client.last_name = "", ERASED_NAME
    client.company_name = ERASED_NAME if client.kind == Client.Kind.COMPANY else ""
    client.codice_fiscale, client.partita_iva = f"CANCELLATO{client.pk:06d}"[:16], ""
    client.birth_date, client.sex = None, ""
    client.email = f"cancellato-{client.pk}@invalid.invalid"
    client.mobile = client.pec = client.address = client.postal_code = ""
    client.city = client.province = ""
    client.marketing_consent_at = None
    client.marketing_consent_source = client.marketing_consent_version = ""
    client.save()


def erase_forgotten_clients(clients: QuerySet[Client]) -> int:
    """The retention job: erase, as above, the clients of whom no other record is left
    (`polis.clients.retention`)."""
    erased = list(clients.select_for_update(of=("self",)))
    for client in erased:
        _erase(client)
    record_audits(actor=None, action=ClientAudit.ERASED, targets=erased)
    return len(erased)


def restrict_client(*, actor: User, client: Client) -> Client:
    """Mark a client's data as restricted (GDPR art. 18): kept, processed no further."""
    require(actor, "handle_privacy_requests")
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client.pk)
        if client.processing_restricted_at is None:
            client.processing_restricted_at = timezone.now()
            client.save(update_fields=["processing_restricted_at"])
            record_audit(actor=actor, action=ClientAudit.RESTRICTED, target=client)
        return client


def withdraw_marketing_consent(*, actor: User, client: Client) -> Client:
    """The client objects to direct marketing (GDPR art. 21(3)): nothing promotional is sent
    to him any more."""
    require(actor, "handle_privacy_requests")
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client.pk)
        _withdraw_marketing(client, actor=actor, source="privacy_request")
        return client


def withdraw_marketing_by_address(*, email: str) -> int:
    """The person clicked the unsubscribe link of an e-mail sent to `email` (no login: the
    signed link is the key): every client with that address stops receiving promotional
    messages. Returns how many consents were withdrawn."""
    with transaction.atomic():
        clients = list(
            Client.objects.select_for_update().filter(
                email__iexact=email, marketing_consent_at__isnull=False
            )
        )
        for client in clients:
            _withdraw_marketing(client, actor=None, source="email_link")
        return len(clients)


def _withdraw_marketing(client: Client, *, actor: User | None, source: str) -> None:
    if client.marketing_consent_at is None:
        return
    client.marketing_consent_at = None
    client.marketing_consent_source = client.marketing_consent_version = ""
    client.save(
        update_fields=[
            "marketing_consent_at",
            "marketing_consent_source",
            "marketing_consent_version",
        ]
    )
    record_audit(
        actor=actor, action=ClientAudit.MARKETING_WITHDRAWN, target=client, data={"source": source}
    )


def check_processing_allowed(client: Client) -> None:
    """GDPR art. 18: a client whose processing is restricted is kept, not processed for anything
    new (no quote, no practice, no marketing) until the restriction is lifted."""
    if client.processing_restricted_at is not None:
        raise DomainError(
            _(
                "Il trattamento dei dati di questo cliente è limitato su sua richiesta "
                "(art. 18 GDPR): non si possono avviare nuove operazioni."
            ),
            code="processing_restricted",
        )


def send_promotional_email(*, client: Client, template: str, context: dict) -> OutboundMessage:
    """The one way polis sends anything promotional (offers, newsletters): only to a client who
    consented to it, separately from the contract, and whose processing is not restricted."""
    if client.marketing_consent_at is None:
        raise DomainError(
            _("Il cliente non ha dato il consenso alle comunicazioni commerciali."),
            code="no_marketing_consent",
        )
    check_processing_allowed(client)
    return queue_email(
        to=client.email,
        template=template,
        context={"client": client, **context},
        language=client.language,
    )
