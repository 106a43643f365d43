"""Helpers to drive a signature in tests (also used by the authorization table)."""

import re
from io import BytesIO

from PIL import Image

from polis.notify.models import OutboundMessage
from polis.practices import services as practices
from polis.signatures import services
from polis.signatures.services import Visit


def _png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 25), "white").save(out, format="PNG")
    return out.getvalue()


PNG = _png()
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


def last_link_token(email: str) -> str:
    message = (
        OutboundMessage.objects.filter(recipient=email, body_text__contains="/firma/")
        .order_by("-pk")
        .first()
    )
    return re.search(r"/firma/([\w-]+)/", message.body_text).group(1)


def last_code(mobile: str) -> str:
    message = OutboundMessage.objects.filter(recipient=mobile, channel="sms").order_by("-pk")[0]
    return re.search(r"Codice firma (\d{6})", message.body_text).group(1)


def sign_practice(actor, practice):
    """Send `practice` for signature and sign it as its client would; returns the token."""
    send(actor, practice)
    token = last_link_token(practice.client.email)
    services.open_signature_request(token=token, visit=VISIT)
    services.accept_declarations(token=token, visit=VISIT, accepted=True)
    services.send_signature_code(token=token, visit=VISIT)
    services.sign_with_code(token=token, code=last_code(practice.client.mobile), visit=VISIT)
    return token
