from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "polis.documents"
    verbose_name = "Documenti"
