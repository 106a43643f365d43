"""Helpers to drive a signature in tests (also used by the authorization table)."""

from polis.practices import services as practices
from polis.signatures.demo import identity_png, last_code, link_token, sign_as_client
from polis.signatures.services import Visit

__all__ = ["PNG", "VISIT", "last_code", "last_link_token", "send", "sign_practice"]

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
