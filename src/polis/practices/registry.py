"""Why a practice needs the MGA's review, asked of the domains above `practices`.

`practices` imports no domain above it (DESIGN §4): a domain that knows something about the
practice's client (claims: the recent claims) registers at start-up, in its AppConfig.ready(),
a function that returns its reasons, in the words the review shows (Italian, gettext).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from polis.practices.models import Practice

ReviewReason = Callable[["Practice"], list[str]]

_review_reasons: list[ReviewReason] = []


def add_review_reason(reason: ReviewReason) -> None:
    """Ask `reason(practice)` too whenever the review reasons of a practice are listed."""
    if reason not in _review_reasons:
        _review_reasons.append(reason)


def registered_review_reasons(practice: Practice) -> list[str]:
    """The reasons of every registered domain, in the order they registered."""
    return [text for reason in _review_reasons for text in reason(practice)]


# How the insured is told of their policy or claim (the personal link of `polis.insured`, which
# sits above): called at issue and at a claim's opening, inside the business transaction.
InsuredNotice = Callable[..., None]

_insured_notices: list[InsuredNotice] = []


def add_insured_notice(notice: InsuredNotice) -> None:
    """Call `notice(practice=…, claim=…)` whenever the insured is to be told (claim may be None)."""
    if notice not in _insured_notices:
        _insured_notices.append(notice)


def tell_insured(*, practice: Practice, claim=None) -> None:
    for notice in _insured_notices:
        notice(practice=practice, claim=claim)
