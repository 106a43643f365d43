from django.utils import timezone

from polis.accounts.models import Firm
from polis.accounts.tests.factories import FirmFactory
from polis.audit.services import record_audit
from polis.documents.services import store_file
from polis.documents.validation import ValidatedFile
from polis.notify.models import OutboundMessage
from polis.web.models import ContactRequest
from tests.access import ADMIN, COLLAB_A, COLLAB_B, LOGIN, OPERATOR, Rule, expect, only

STAFF = (OPERATOR, ADMIN)
EVERY_USER = (COLLAB_A, COLLAB_B, OPERATOR, "adjuster", ADMIN)
WRONG_LOGIN = {"email": "nessuno@example.it", "password": "sbagliata"}
WRONG_CODE = {"token": "000000"}
BAD_EMAIL = {"email": "non-una-email"}
NEW_PASSWORD = {"new_password1": "Nuova-Password-99", "new_password2": "Nuova-Password-99"}


def arrange(world: dict) -> None:
    world["pending_firm"] = FirmFactory(status=Firm.Status.PENDING)
    record_audit(actor=None, action="firm.registered", target=world["pending_firm"])
    world["contact"] = ContactRequest.objects.create(
        name="Ada",
        email="ada@example.it",
        subject="Info",
        message="Ciao",
        privacy_accepted_at=timezone.now(),
    )
    world["failed_message"] = OutboundMessage.objects.create(
        channel="email", recipient="x@example.it", subject="s", body_text="b", status="failed"
    )
    world["sent_email"] = OutboundMessage.objects.create(
        channel="email", recipient="y@example.it", subject="s", body_text="b", body_html="<p>b</p>"
    )
    world["attachment"] = store_file(
        actor=None,
        validated=ValidatedFile(
            name="a.pdf", content_type="application/pdf", size=4, sha256="0" * 64, content=b"%PDF"
        ),
    )
    world["sent_email"].attachments.add(world["attachment"])


RULES = [
    # Public pages
    Rule("web:home", expect(200)),
    Rule("web:health", expect(200)),
    Rule("web:faq", expect(200)),
    Rule("web:contact", expect(200)),
    Rule("web:contact_done", expect(200)),
    Rule("web:privacy", expect(200)),
    # The language switch of the client's pages: anyone may choose, it only sets a cookie.
    Rule("set_language", expect(302), method="post", data=lambda w: {"language": "en"}),
    Rule("accounts:login", expect(200)),
    # Without a pending login (password step passed) both go back to step one.
    Rule("accounts:login_otp", expect(LOGIN)),
    Rule("accounts:login_enroll", expect(LOGIN)),
    Rule("accounts:logout", expect(302), method="post"),
    Rule("accounts:register", expect(200)),
    Rule("accounts:register_done", expect(200)),
    Rule("accounts:password_reset", expect(200)),
    Rule("accounts:password_reset_done", expect(200)),
    Rule("accounts:password_reset_complete", expect(200)),
    # A forged token shows "link non valido" to anybody, never a form.
    Rule(
        "accounts:password_reset_confirm",
        expect(200),
        kwargs=lambda w: {"uidb64": "MQ", "token": "forged-token"},
    ),
    Rule(
        "accounts:invitation",
        expect(200),
        kwargs=lambda w: {"uidb64": "MQ", "token": "forged-token"},
    ),
    # Logged-in pages
    Rule("web:dashboard", only(*EVERY_USER)),
    Rule("accounts:security", only(*EVERY_USER)),
    Rule("accounts:colleagues", only(COLLAB_A, COLLAB_B)),
    Rule(
        "accounts:firm_two_factor",
        only(COLLAB_A, COLLAB_B, ok=302),
        method="post",
        data=lambda w: {"two_factor_required": "on"},
    ),
    # MGA back office
    Rule("accounts:firm_queue", only(*STAFF)),
    Rule("accounts:firm_review", only(*STAFF), kwargs=lambda w: {"pk": w["pending_firm"].pk}),
    Rule("web:contact_requests", only(*STAFF)),
    Rule(
        "web:contact_request_handled",
        only(*STAFF, ok=302),
        method="post",
        kwargs=lambda w: {"pk": w["contact"].pk},
    ),
    Rule(
        "audit:object_history",
        only(*STAFF),
        kwargs=lambda w: {"object_type": "accounts.firm", "object_id": w["pending_firm"].pk},
    ),
    Rule("notify:sms_outbox", only(ADMIN)),
    # Posta inviata: with the development e-mail backends (the tests' default) only.
    Rule("notify:mail_outbox", only(ADMIN)),
    Rule("notify:mail_detail", only(ADMIN), kwargs=lambda w: {"pk": w["sent_email"].pk}),
    Rule("notify:mail_body", only(ADMIN), kwargs=lambda w: {"pk": w["sent_email"].pk}),
    Rule(
        "notify:mail_attachment",
        only(ADMIN),
        kwargs=lambda w: {"pk": w["sent_email"].pk, "file_pk": w["attachment"].pk},
    ),
    Rule(
        "notify:retry",
        only(ADMIN, ok=302),
        method="post",
        kwargs=lambda w: {"pk": w["failed_message"].pk},
    ),
    # The same pages' forms, posted with input that changes nothing: nobody gets further
    # than the page allows them (the two-factor paths: test_access.py's own section).
    Rule("accounts:login", expect(200), method="post", data=lambda w: WRONG_LOGIN),
    Rule("accounts:login_otp", expect(LOGIN), method="post", data=lambda w: WRONG_CODE),
    Rule("accounts:login_enroll", expect(LOGIN), method="post", data=lambda w: WRONG_CODE),
    Rule("accounts:register", expect(200), method="post"),
    Rule("accounts:password_reset", expect(200), method="post", data=lambda w: BAD_EMAIL),
    Rule(
        "accounts:password_reset_confirm",
        expect(200),
        method="post",
        kwargs=lambda w: {"uidb64": "MQ", "token": "forged-token"},
        data=lambda w: NEW_PASSWORD,
    ),
    Rule(
        "accounts:invitation",
        expect(200),
        method="post",
        kwargs=lambda w: {"uidb64": "MQ", "token": "forged-token"},
        data=lambda w: NEW_PASSWORD,
    ),
    Rule(
        "accounts:security",
        only(*EVERY_USER),
        method="post",
        data=lambda w: {"action": "disable", **WRONG_CODE},
    ),
    Rule("accounts:colleagues", only(COLLAB_A, COLLAB_B), method="post"),
    Rule(
        "accounts:firm_review",
        only(*STAFF),
        method="post",
        kwargs=lambda w: {"pk": w["pending_firm"].pk},
        data=lambda w: {"reject": "1", "reason": ""},
    ),
    Rule("web:contact", expect(200), method="post"),
    # Django admin: administrators with a two-factor session only; see ADMIN_SAMPLE in the test.
    Rule("admin:index", expect(LOGIN, admin=200)),
    Rule("admin:accounts_firm_changelist", expect(LOGIN, admin=200)),
]
