from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_totp.models import TOTPDevice

from polis.accounts.models import Firm, User


def firm_emails(firm_id: int) -> list[str]:
    """The addresses of the active users of a firm (also notify's directory, apps.py)."""
    users = User.objects.filter(firm_id=firm_id, is_active=True).exclude(email="")
    return list(users.values_list("email", flat=True))


def role_emails(role: str) -> list[str]:
    """The addresses of the active users of one role (also notify's directory, apps.py)."""
    users = User.objects.filter(role=role, is_active=True).exclude(email="")
    return list(users.values_list("email", flat=True))


def firms_for_review(*, status: str = Firm.Status.PENDING) -> QuerySet[Firm]:
    return Firm.objects.filter(status=status).order_by("created_at")


def get_firm_for_review(pk: int) -> Firm:
    """Firms are reviewed by MGA staff only; the view checks the capability first."""
    return get_object_or_404(Firm, pk=pk)


def colleagues_of(user: User) -> QuerySet[User]:
    """The firm's users, each with `has_two_factor` (a confirmed authenticator app)."""
    devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        User.objects.filter(firm=user.firm)
        .annotate(has_two_factor=Exists(devices))
        .order_by("last_name", "first_name")
    )
