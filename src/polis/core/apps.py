from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "polis.core"
    label = "core"
    verbose_name = "Infrastruttura"

    def ready(self):
        from django.db.backends.signals import connection_created

        from polis.core.pagecache import install

        connection_created.connect(install, dispatch_uid="polis.core.pagecache")
