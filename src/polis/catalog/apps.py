from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "polis.catalog"
    verbose_name = "Catalogo prodotti"
