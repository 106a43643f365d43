"""Demo data for development (`manage.py seed_demo`): the two demo firms, a user for each
role, the demo catalog and a small portfolio made through the services, idempotently."""

from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.models import Firm, User
from polis.accounts.services import approve_firm
from polis.bordereaux.tasks import generate_last_month
from polis.catalog.models import Insurer, Product
from polis.catalog.services import price
from polis.claims.services import open_claim
from polis.clients.models import Client
from polis.complaints.categories import install_categories
from polis.complaints.models import Category, Complaint
from polis.complaints.services import ComplaintData, register_complaint, submit_complaint
from polis.core.numbering import formatted_number
from polis.devdata.accounting import install_demo_money
from polis.devdata.catalog import ARCHITECT_EXAMPLE, install_demo_catalog
from polis.devdata.ledger import record_demo_events
from polis.devdata.signing import identity_png, link_token, sign_as_client
from polis.ledger.services import publish_log
from polis.notify.delivery import deliver_message
from polis.practices.models import Practice
from polis.practices.selectors import delivery_message
from polis.practices.services import (
    confirm_endorsement,
    convert_quote,
    issue_practice,
    record_demands_and_needs,
    record_payment,
    request_endorsement,
    send_endorsement_for_signature,
    send_practice_for_signature,
)
from polis.quotes.services import create_quote
from polis.web.faq_seed import load_seed_faq
from polis.web.models import FaqEntry

DEMO_PASSWORD = "polis-demo-2026"  # noqa: S105 - development only, refused without DEBUG
# Fixed TOTP key (base32 JBSWY3DPEHPK3PXP) so the demo staff can be added to any app.
DEMO_TOTP_HEX = "48656c6c6f21deadbeef"

FIRMS = [
    {
        "name": "Agenzia Rossi Assicurazioni S.r.l.",
        "partita_iva": "12345670157",
        "rui_section": "A",
        "rui_number": "A000123456",
        "address": "Via Dante 12",
        "city": "Milano",
        "postal_code": "20121",
        "province": "MI",
        "pec": "agenzia.rossi@pec.example.it",
    },
    {
        "name": "Broker Bianchi & Partners S.r.l.",
        "partita_iva": "22222220158",
        "rui_section": "B",
        "rui_number": "B000654321",
        "address": "Corso Vittorio Emanuele 5",
        "city": "Torino",
        "postal_code": "10121",
        "province": "TO",
        "pec": "bianchi.broker@pec.example.it",
    },
]

USERS = [
    ("admin@polis.local", "Anna", "Amministratrice", User.Role.ADMIN, None, False),
    ("operatore@polis.local", "Olga", "Operatrice", User.Role.OPERATOR, None, False),
    ("liquidatore@polis.local", "Luca", "Liquidatore", User.Role.ADJUSTER, None, False),
    ("mario.rossi@agenzia-rossi.example.it", "Mario", "Rossi", User.Role.COLLABORATOR, 0, True),
    ("giulia.verdi@agenzia-rossi.example.it", "Giulia", "Verdi", User.Role.COLLABORATOR, 0, False),
    (
        "paolo.bianchi@bianchi-broker.example.it",
        "Paolo",
        "Bianchi",
        User.Role.COLLABORATOR,
        1,
        True,
    ),
]


# Days from today to the end of the year-old demo policies (negative: already expired).
YEAR_OLD_POLICIES_END_IN = (7, 30, 60, -7)

DEMO_CLIENTS = [
    {
        "kind": Client.Kind.PERSON,
        "first_name": "Lucia",
        "last_name": "Ferri",
        "codice_fiscale": "FRRLCU80A41F205R",
        "birth_date": date(1980, 1, 1),
        "sex": "F",
        "email": "lucia.ferri@example.it",
        "mobile": "+393471234567",
        "address": "Via Torino 5",
        "postal_code": "20123",
        "city": "Milano",
        "province": "MI",
    },
    {
        "kind": Client.Kind.COMPANY,
        "company_name": "Studio Associato Galli",
        "partita_iva": "44444440018",
        "email": "studio@galli.example.it",
        "mobile": "+393351112233",
        "pec": "galli@pec.example.it",
        "address": "Piazza Duomo 2",
        "postal_code": "20122",
        "city": "Milano",
        "province": "MI",
    },
]


@transaction.atomic
def install_demo() -> None:
    """Load the demo data; what is already there is left as it is."""
    load_seed_faq(FaqEntry)
    admin = _user(*USERS[0][:4])  # the administrator, who approves the firms
    # Approved before their people have accounts: no approval e-mails in Posta inviata.
    firms = [_approved_firm(data, admin) for data in FIRMS]
    for email, first, last, role, firm_index, firm_admin in USERS:
        _user(
            email,
            first,
            last,
            role,
            firm=None if firm_index is None else firms[firm_index],
            is_firm_admin=firm_admin,
        )
    author = User.objects.get(email="mario.rossi@agenzia-rossi.example.it")
    _clients(author)
    install_demo_catalog()
    _portfolio(author)
    generate_last_month()
    _complaints(User.objects.get(email="operatore@polis.local"), author.firm)
    install_demo_money()
    record_demo_events()
    transaction.on_commit(publish_log)


def _user(email: str, first: str, last: str, role: str, **extra) -> User:
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email,
        DEMO_PASSWORD,
        first_name=first,
        last_name=last,
        role=role,
        is_staff=role == User.Role.ADMIN,
        is_superuser=role == User.Role.ADMIN,
        **extra,
    )
    if user.requires_two_factor and not user.totpdevice_set.exists():
        TOTPDevice.objects.create(user=user, name="demo", key=DEMO_TOTP_HEX, confirmed=True)
    return user


def _approved_firm(data: dict, admin: User) -> Firm:
    """The firm, approved by the demo administrator as a registration is."""
    firm, _ = Firm.objects.get_or_create(partita_iva=data["partita_iva"], defaults=data)
    if firm.status == Firm.Status.PENDING:
        firm = approve_firm(actor=admin, firm=firm)
    return firm


def _portfolio(author: User) -> None:
    """A policy signed with the FEA, paid and in force, with a claim on it; and an issued
    policy ready to be sent for signature. Made through the services, once."""
    if Practice.objects.filter(firm=author.firm).exists():
        return
    client = Client.objects.filter(firm=author.firm, kind=Client.Kind.PERSON).first()
    practices = []
    for _ in range(2):
        quote = create_quote(
            actor=author,
            client=client,
            product=Product.objects.get(code="RCP"),
            answers=ARCHITECT_EXAMPLE,
            effective_date=timezone.localdate(),
        )
        practice = convert_quote(actor=author, quote=quote)
        record_demands_and_needs(
            actor=author,
            practice=practice,
            answers={"need": "si", "registered": "si", "other_policy": "no"},
            medium=Practice.DeliveryMedium.EMAIL,
            durable_consent=True,
        )
        practices.append(issue_practice(actor=author, practice=practice))
    in_force = practices[0]
    # The pre-contractual documents reach the client before the contract goes in firma.
    deliver_message(delivery_message(in_force).pk)
    send_practice_for_signature(
        actor=author,
        practice=in_force,
        identity_name="carta-identita.png",
        identity_data=identity_png(),
        identity_attested=True,
    )
    sign_as_client(link_token(in_force.client.email), in_force.client.mobile)
    in_force.refresh_from_db()
    record_payment(
        actor=author,
        practice=in_force,
        method="transfer",
        paid_on=timezone.localdate(),
        amount=in_force.instalments[0],
        receipt=SimpleUploadedFile("ricevuta-bonifico.png", identity_png()),
    )
    in_force.refresh_from_db()
    open_claim(
        actor=author,
        practice=in_force,
        claim_type="richiesta_danni",
        event_date=timezone.localdate(),
        reported_on=timezone.localdate(),
        place="Milano",
        description="Il committente contesta un errore nel calcolo dei carichi del solaio.",
        estimated_amount="15000",
        documents={"modulo": [("modulo-denuncia.png", identity_png())]},
    )
    _endorsement_effective(author, in_force)

    _year_old_policies(author)
    _endorsement_in_review(author)


def _endorsement_effective(author: User, policy: Practice) -> None:
    """A variazione lowering the deductible of the policy signed by FEA, signed by the client:
    effective, its additional premium to collect (and in this month's risk bordereau)."""
    endorsement = request_endorsement(
        actor=author,
        practice=policy,
        answers={**policy.answers, "deductible": "1000"},
        effective_date=timezone.localdate(),
        note="Il cliente chiede una franchigia più bassa.",
    )
    confirm_endorsement(actor=author, endorsement=endorsement)
    send_endorsement_for_signature(actor=author, endorsement=endorsement)
    sign_as_client(link_token(policy.client.email), policy.client.mobile)


def _endorsement_in_review(author: User) -> None:
    """A variazione raising the limit of the year-old policy ending last, beyond the product's
    automatic limits: it waits in the operator's Variazioni in revisione."""
    policy = Practice.objects.filter(
        firm=author.firm, status=Practice.Status.IN_FORCE, signed_contract__isnull=True
    ).latest("end_date")
    endorsement = request_endorsement(
        actor=author,
        practice=policy,
        answers={**policy.answers, "limit": "1000000"},
        effective_date=timezone.localdate(),
        note="Il cliente ha acquisito un incarico di progettazione più grande.",
    )
    confirm_endorsement(actor=author, endorsement=endorsement)


def _complaints(operator: User, firm: Firm) -> None:
    """Two complaints in the register, once: one by letter about a collaborator, received 35
    days ago (near its 45-day deadline, on the operators' dashboard), and one through the
    public form about the insurer, to forward."""
    if Complaint.objects.exists():
        return
    install_categories(Category)
    register_complaint(
        actor=operator,
        data=ComplaintData(
            complainant_name="Lucia Ferri",
            complainant_kind=Complaint.ComplainantKind.POLICYHOLDER,
            complainant_email="lucia.ferri@example.it",
            complainant_tax_code="FRRLCU80A41F205R",
            category=Category.objects.get(code="distribution"),
            against=Complaint.Against.COLLABORATOR,
            firm=firm,
            text="Non mi è stata consegnata la documentazione precontrattuale prima della firma.",
        ),
        channel=Complaint.Channel.POST,
        received_on=timezone.localdate() - timedelta(days=35),
    )
    submit_complaint(
        data=ComplaintData(
            complainant_name="Studio Associato Galli",
            complainant_kind=Complaint.ComplainantKind.POLICYHOLDER,
            complainant_email="studio@galli.example.it",
            category=Category.objects.get(code="claim"),
            against=Complaint.Against.INSURER,
            insurer=Insurer.objects.get(ivass_code="D999"),
            text="La compagnia non ha ancora nominato il perito per il sinistro di ottobre.",
        ),
        language="it",
    )


def _year_old_policies(author: User) -> None:
    """Policies placed a year ago and ending now, so that Pratiche in scadenza and
    RINNOVA PRATICA show something at once: ending in 7, 30 and 60 days, and one that
    expired a week ago. Loaded as an older portfolio is (priced with the demo tariff,
    numbered in their year), without the documents of a signature made elsewhere."""
    today = timezone.localdate()
    product = Product.objects.get(code="RCP")
    clients = list(Client.objects.filter(firm=author.firm).order_by("pk"))
    for position, days in enumerate(YEAR_OLD_POLICIES_END_IN):
        end = today + timedelta(days=days)
        start = end - timedelta(days=365)
        tariff, priced, answers = price(
            product=product, on=max(start, date(2026, 1, 1)), answers=ARCHITECT_EXAMPLE
        )
        issued = timezone.make_aware(datetime.combine(start - timedelta(days=5), time(10)))
        Practice.objects.create(
            firm=author.firm,
            client=clients[position % len(clients)],
            product=product,
            tariff=tariff,
            answers=answers,
            effective_date=start,
            end_date=end,
            net=priced.net,
            tax=priced.tax,
            gross=priced.gross,
            commission=priced.commission,
            breakdown=priced.as_json(),
            status=Practice.Status.IN_FORCE if days >= 0 else Practice.Status.EXPIRED,
            policy_number=formatted_number(product.code, start.year),
            issued_at=issued,
            in_force_at=issued,
            created_by=author,
            created_at=issued - timedelta(days=1),
        )


def _clients(author: User) -> None:
    for data in DEMO_CLIENTS:
        key = (
            {"codice_fiscale": data["codice_fiscale"]}
            if "codice_fiscale" in data
            else {"partita_iva": data["partita_iva"]}
        )
        Client.objects.get_or_create(
            firm=author.firm,
            **key,
            defaults={
                **data,
                "created_by": author,
                "privacy_consent_version": "2026-01",
                "privacy_consent_at": timezone.now(),
            },
        )
