from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "polis.notify"
    verbose_name = "Notifiche"
