from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from polis.core.access import ADJUSTER, COLLABORATOR, require
from polis.signatures.models import SignatureCode, SignatureRequest

if TYPE_CHECKING:
    from polis.accounts.models import User
    from polis.signatures.models import Evidence


def signature_requests_visible_to(user: User) -> QuerySet[SignatureRequest]:
    """Collaborators see their firm's requests; MGA staff see all; adjusters act on quietanze
    only through the claims they are assigned."""
    require(user, "manage_signatures")
    requests = SignatureRequest.objects.select_related("document", "signed_document", "report")
    if user.role == COLLABORATOR:
        requests = requests.filter(firm_id=user.firm_id)
    elif user.role == ADJUSTER:
        requests = requests.none()
    return requests


def get_signature_request_for(user: User, pk: int) -> SignatureRequest:
    request = signature_requests_visible_to(user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def requests_for_subject(user: User, kind: str, subject_id: int) -> QuerySet[SignatureRequest]:
    return signature_requests_visible_to(user).filter(subject_kind=kind, subject_id=subject_id)


def open_requests_for_subject(kind: str, subject_id: int) -> QuerySet[SignatureRequest]:
    """The subject's requests still waiting for the signer (for its owner to void them)."""
    return SignatureRequest.objects.filter(
        subject_kind=kind, subject_id=subject_id, status__in=SignatureRequest.OPEN
    )


def latest_signed_request(kind: str, subject_id: int) -> SignatureRequest | None:
    """The subject's latest signed request, with how the signer was identified."""
    return (
        SignatureRequest.objects.filter(
            subject_kind=kind, subject_id=subject_id, status=SignatureRequest.Status.SIGNED
        )
        .select_related("identity_document", "identified_by", "signer")
        .order_by("-signed_at")
        .first()
    )


def latest_requests_by_subject(
    kind: str, subject_ids: Iterable[int]
) -> dict[int, SignatureRequest]:
    """The latest request of each of those subjects, by subject id."""
    requests = SignatureRequest.objects.filter(
        subject_kind=kind, subject_id__in=subject_ids
    ).order_by("created_at")
    return {request.subject_id: request for request in requests}


def evidence_of(request: SignatureRequest) -> list[Evidence]:
    return list(request.evidence.all())


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_by_token(token: str, *, lock: bool = False) -> SignatureRequest | None:
    requests = SignatureRequest.objects.select_related("signer", "document")
    if lock:
        requests = requests.select_for_update(of=("self",))
    return requests.filter(token_hash=hash_token(token)).first()


def signer_id_for_token(token: str) -> int | None:
    """The signer a link belongs to, for the per-signer request limit."""
    return (
        SignatureRequest.objects.filter(token_hash=hash_token(token))
        .values_list("signer_id", flat=True)
        .first()
    )


def access_code_pending(request: SignatureRequest) -> bool:
    """Whether a verification code was sent and can still be typed."""
    return request.codes.filter(
        purpose=SignatureCode.Purpose.ACCESS,
        used_at=None,
        superseded=False,
        expires_at__gt=timezone.now(),
    ).exists()
