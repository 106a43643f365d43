"""Who to tell: the e-mail addresses of a firm's users or of one role's, asked of `accounts`.

The leaves (signatures, ledger, ...) import no domain (DESIGN §4): `accounts` registers its
answers at start-up, in its AppConfig.ready(), and a leaf asks here.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Directory:
    # the active users of the firm with that id
    firm_emails: Callable[[int], list[str]]
    # the active users of that role (polis.core.access: OPERATOR, ADMIN, ...)
    role_emails: Callable[[str], list[str]]


_directory: Directory | None = None


def register_directory(
    *, firm_emails: Callable[[int], list[str]], role_emails: Callable[[str], list[str]]
) -> None:
    global _directory  # set once, at start-up
    _directory = Directory(firm_emails=firm_emails, role_emails=role_emails)


def _registered() -> Directory:
    if _directory is None:
        raise LookupError("no directory of recipients registered (polis.accounts)")
    return _directory


def firm_emails(firm_id: int) -> list[str]:
    """The addresses of the active users of a firm."""
    return _registered().firm_emails(firm_id)


def role_emails(role: str) -> list[str]:
    """The addresses of the active users of one role."""
    return _registered().role_emails(role)
