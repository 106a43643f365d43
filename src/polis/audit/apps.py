from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "polis.audit"
    verbose_name = "Registro attività"
