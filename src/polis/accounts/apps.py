from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "polis.accounts"
    verbose_name = "Utenti e agenzie"
