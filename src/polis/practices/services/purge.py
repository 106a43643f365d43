"""The retention job's purge of expired practices (their classes, and which practices have
expired, are in `polis.practices.retention`)."""

from django.db.models import QuerySet

from polis.practices.models import Practice


def pseudonymise_practices(practices: QuerySet[Practice]) -> int:
    """Forget the answers to the questionnaire and to the demands and needs (they may describe
    the client's health or business). The policy number, dates, premium and signed documents
    stay: the signature evidence has its own, longer term, and the register holds only hashes."""
    return practices.update(answers={}, needs={})
