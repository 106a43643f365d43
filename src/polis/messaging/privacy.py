"""The messages about a client's practices and claims, for his data-subject requests
(registered in `apps.py`). Threads name their subject by type and id, so the client's subjects
are read through his reverse relations: this app still imports no domain."""

from django.db.models import Q

from polis.messaging.models import Message


def export_client(client) -> list[dict]:
    about = Q(
        thread__subject_type="practice",
        thread__subject_id__in=[str(pk) for pk in client.practices.values_list("pk", flat=True)],
    ) | Q(
        thread__subject_type="claim",
        thread__subject_id__in=[str(pk) for pk in client.claims.values_list("pk", flat=True)],
    )
    messages = Message.objects.filter(about).select_related("thread").order_by("created_at", "pk")
    return [
        {
            "conversazione": message.thread.title,
            "inviato_il": message.created_at.isoformat(),
            "testo": message.body,
        }
        for message in messages
    ]
