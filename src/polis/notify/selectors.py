from django.db.models import QuerySet

from polis.notify.models import OutboundMessage


def sms_outbox() -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.filter(channel=OutboundMessage.Channel.SMS)


def failed_messages() -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.filter(status=OutboundMessage.Status.FAILED)


def mail_outbox() -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.filter(channel=OutboundMessage.Channel.EMAIL)


def sent_email(pk: int) -> OutboundMessage | None:
    return mail_outbox().prefetch_related("attachments").filter(pk=pk).first()
