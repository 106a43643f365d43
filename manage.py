#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polis.settings")
    # manage.py is the developer's tool: development settings unless the environment says
    # otherwise. The app itself (gunicorn, Celery) starts with DEBUG off; production sets DEBUG=0.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
