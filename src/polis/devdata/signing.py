"""The signer's steps taken by code, as a client would on the phone: for demo data and tests.

The code is read from the SMS outbox, where the embedded profile keeps every SMS.
"""

import re
from io import BytesIO

from PIL import Image

from polis.notify.models import OutboundMessage
from polis.signatures import services
from polis.signatures.models import SignatureRequest

DEMO_VISIT = services.Visit(ip="127.0.0.1", user_agent="polis demo")


def link_token(email: str) -> str:
    """The token of the latest signing link e-mailed to `email`."""
    message = (
        OutboundMessage.objects.filter(recipient=email, body_text__contains="/firma/")
        .order_by("-pk")
        .first()
    )
    return re.search(r"/firma/([\w-]+)/", message.body_text).group(1)


def last_code(mobile: str) -> str:
    """The latest signature code sent by SMS to `mobile`."""
    message = OutboundMessage.objects.filter(recipient=mobile, channel="sms").order_by("-pk")[0]
    return re.search(r"\b(\d{6})\b", message.body_text).group(1)  # the code comes first


def sign_as_client(token: str, mobile: str, visit=DEMO_VISIT) -> SignatureRequest:
    """Open the link, acknowledge the documents shown before it (if any), accept, ask for
    the code, type it: the document is signed."""
    request = services.open_signature_request(token=token, visit=visit)
    if services.documents_to_acknowledge(request):
        services.acknowledge_documents(token=token, visit=visit, accepted=True)
    services.accept_declarations(token=token, visit=visit, accepted=True)
    services.send_signature_code(token=token, visit=visit)
    return services.sign_with_code(token=token, code=last_code(mobile), visit=visit)


def identity_png() -> bytes:
    """A small valid PNG standing in for a scanned identity document."""
    out = BytesIO()
    Image.new("RGB", (40, 25), "white").save(out, format="PNG")
    return out.getvalue()
