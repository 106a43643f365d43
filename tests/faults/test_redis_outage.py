"""Redis (cache and broker) stops during a burst: pages keep working, no work is lost or doubled."""

import time

import pytest
from django.core.cache import caches

from polis.celery import app
from polis.notify import delivery
from polis.notify.models import OutboundMessage
from polis.web.models import ContactRequest
from tests.reliability import report

BURST = 60


@pytest.mark.services
@pytest.mark.django_db(transaction=True)  # after-commit publishing runs for real
def test_redis_stops_mid_burst(client, settings, redis_server, mailoutbox):
    server = redis_server
    try:
        # given: cache and broker on a private Redis, real publishing (no eager tasks)
        settings.CACHES = {
            "default": {
                "BACKEND": "polis.core.cache_backend.RedisCache",
                "LOCATION": server.url,
            }
        }
        settings.CONTACT_RATE = "1000/h"
        app.close()
        app.conf.update(broker_url=server.url, task_always_eager=False)
        statuses, slowest = [], 0.0
        # when: a burst of "Contattaci" messages, Redis killed after a third of them
        for number in range(BURST):
            if number == BURST // 3:
                server.stop()
            started = time.monotonic()
            response = client.post(
                "/contattaci/",
                {
                    "name": "Ada",
                    "email": "ada@example.it",
                    "subject": f"Richiesta {number}",
                    "message": "Ciao",
                    "privacy": "on",
                },
            )
            slowest = max(slowest, time.monotonic() - started)
            statuses.append(response.status_code)
        queued_while_down = OutboundMessage.objects.filter(status="pending").count()
        # then: every page answered, every message is stored and queued in the outbox
        assert statuses == [302] * BURST
        assert ContactRequest.objects.count() == BURST
        assert OutboundMessage.objects.count() == BURST
        # when: Redis returns and the sweeper runs (twice: the second finds nothing to do)
        server.start()
        caches["default"].clear()
        delivered = delivery.deliver_due_messages() + delivery.deliver_due_messages()
        # then: each message delivered exactly once
        subjects = [message.subject for message in mailoutbox]
        assert delivered == BURST
        assert len(subjects) == len(set(subjects)) == BURST
        report(
            "Redis stopped during a burst",
            requests=BURST,
            errors=sum(status >= 500 for status in statuses),
            queued=queued_while_down,
            delivered=delivered,
            duplicated=len(subjects) - len(set(subjects)),
            slowest_request_ms=round(slowest * 1000),
        )
    finally:
        app.close()
        app.conf.update(
            broker_url=settings.CELERY_BROKER_URL,
            task_always_eager=settings.CELERY_TASK_ALWAYS_EAGER,
        )
