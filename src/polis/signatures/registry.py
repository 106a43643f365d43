"""What a signature is for: the owning domain registers a handler per kind of subject.

`signatures` imports no domain (DESIGN §4); when a request ends, it calls the handler the
owner registered at start-up, inside the same transaction, so a failing handler leaves
nothing signed.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SubjectHandler:
    # called with the SignatureRequest once the document is signed
    on_signed: Callable
    # called when a request ends unsigned: declined, voided or expired
    on_closed: Callable
    # the staff page of the subject, for links and redirects
    url: Callable


_handlers: dict[str, SubjectHandler] = {}


def register_subject(kind: str, *, on_signed: Callable, on_closed: Callable, url: Callable) -> None:
    _handlers[kind] = SubjectHandler(on_signed=on_signed, on_closed=on_closed, url=url)


def handler_for(kind: str) -> SubjectHandler:
    try:
        return _handlers[kind]
    except KeyError:
        raise LookupError(f"no signature handler registered for {kind!r}") from None
