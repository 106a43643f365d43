from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "polis.practices"
    verbose_name = "Pratiche"
