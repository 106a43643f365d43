"""SMS backends: `outbox` keeps messages in the app (development), `http` posts to a gateway."""

import json
import urllib.error
import urllib.request

from django.conf import settings


class SmsDeliveryError(Exception):
    pass


class OutboxSmsBackend:
    """Delivery is the outbox row itself, readable by administrators in the app."""

    name = "outbox"

    def send(self, *, to: str, text: str, reference: str) -> str:
        return f"outbox:{reference}"


class HttpGatewaySmsBackend:
    """A generic JSON gateway: POST {to, from, text, reference} with a bearer token.

    The reference is the outbox row's UUID, so a gateway that deduplicates by it never sends
    the same SMS twice even if a delivery is retried after a lost response.
    """

    name = "http"

    def send(self, *, to: str, text: str, reference: str) -> str:
        if not settings.SMS_GATEWAY_URL.startswith(("https://", "http://")):
            raise SmsDeliveryError("SMS_GATEWAY_URL is not configured")
        payload = json.dumps(
            {"to": to, "from": settings.SMS_SENDER, "text": text, "reference": reference}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            settings.SMS_GATEWAY_URL,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
                "Idempotency-Key": reference,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_TIMEOUT) as response:  # noqa: S310
                body = response.read()
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsDeliveryError(str(exc)) from exc
        try:
            return str(json.loads(body or b"{}").get("id", ""))[:100]
        except json.JSONDecodeError:
            return ""


BACKENDS = {"outbox": OutboxSmsBackend, "http": HttpGatewaySmsBackend}


def get_sms_backend():
    return BACKENDS[settings.SMS_BACKEND]()
