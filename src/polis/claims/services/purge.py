"""The retention job's purge of ended claims (their class, and which claims have expired, are
in `polis.claims.retention`)."""

from django.db.models import QuerySet

from polis.claims.models import Claim, ClaimDocument
from polis.claims.retention import REMOVED
from polis.documents.models import StoredFile
from polis.documents.services import delete_files


def pseudonymise_claims(claims: QuerySet[Claim]) -> int:
    """Forget what a claim says of the person (the description, often an injury; the place;
    the third parties; the IBAN) and delete the documents uploaded to it. The quietanze, signed
    with the FEA, are signature evidence and stay for their own term."""
    documents = ClaimDocument.objects.filter(claim__in=claims)
    files = list(StoredFile.objects.filter(pk__in=documents.values("file_id")))
    documents.delete()
    delete_files(files)
    return claims.update(description=REMOVED, place="", third_parties="", payee_iban="")
