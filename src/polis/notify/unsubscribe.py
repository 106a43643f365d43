"""The unsubscribe link of every e-mail (its footer and its List-Unsubscribe header, RFC 2369
and RFC 8058): signed, naming the message (by its uuid, no personal data), never expiring. The
page behind it (`privacy:unsubscribe`) withdraws the marketing consent of that address."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from polis.core.links import current_base_url
from polis.notify.models import OutboundMessage

SALT = "polis.notify.unsubscribe"


def unsubscribe_url(message: OutboundMessage) -> str:
    token = signing.Signer(salt=SALT).sign(str(message.uuid))
    return current_base_url() + reverse("privacy:unsubscribe", args=[token])


def message_for_token(token: str) -> OutboundMessage | None:
    """The e-mail a link came from, or None when the link is forged."""
    try:
        uuid = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    return OutboundMessage.objects.filter(uuid=uuid, channel=OutboundMessage.Channel.EMAIL).first()
