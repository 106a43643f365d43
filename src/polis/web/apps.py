from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "polis.web"
    verbose_name = "Sito e dashboard"
