from polis.notify.models import OutboundMessage


def sms_outbox():
    return OutboundMessage.objects.filter(channel=OutboundMessage.Channel.SMS)


def failed_messages():
    return OutboundMessage.objects.filter(status=OutboundMessage.Status.FAILED)
