"""Helpers to drive a signature in tests (also used by the authorization table)."""

import re

from polis.devdata.signing import identity_png, last_code, link_token, sign_as_client
from polis.notify.models import OutboundMessage
from polis.practices import services as practices
from polis.signatures.services import Visit

__all__ = [
    "PNG",
    "VISIT",
    "last_access_code",
    "last_code",
    "last_link_token",
    "send",
    "sign_practice",
]

PNG = identity_png()
VISIT = Visit(ip="203.0.113.7", user_agent="Mozilla/5.0 (iPhone) test")


def send(actor, practice, **overrides):
    arguments = {
        "actor": actor,
        "practice": practice,
        "identity_name": "carta-identita.png",
        "identity_data": PNG,
        "identity_attested": True,
    } | overrides
    return practices.send_practice_for_signature(**arguments)


last_link_token = link_token


def sign_practice(actor, practice):
    """Send `practice` for signature and sign it as its client would; returns the token."""
    send(actor, practice)
    token = link_token(practice.client.email)
    sign_as_client(token, practice.client.mobile, VISIT)
    return token


def last_access_code(mobile: str) -> str:
    """The latest verification code (for a signed link, the report, a withdrawal) sent to
    `mobile`."""
    message = OutboundMessage.objects.filter(recipient=mobile, channel="sms").order_by("-pk")[0]
    return re.search(r"Codice di verifica (\d{6})", message.body_text).group(1)
