"""Celery application.

With CELERY_BROKER_URL unset tasks run eagerly in the calling process (embedded default);
with a broker they go to real workers and periodic jobs to beat.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polis.settings")

app = Celery("polis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
