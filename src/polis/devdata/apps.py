from django.apps import AppConfig


class DevdataConfig(AppConfig):
    name = "polis.devdata"
    verbose_name = "Dati di sviluppo"
