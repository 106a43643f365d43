"""gunicorn settings for the production profile; every value can be overridden by env."""

import gc
import multiprocessing
import os

# A page's queries are short: launching parallel workers for them costs more than it saves and
# takes the cores other requests are waiting for (the renewals' count: 14 → 7 ms at 1M). Background
# jobs (Celery) keep PostgreSQL's parallel plans. libpq reads PGOPTIONS when a worker connects.
os.environ.setdefault("PGOPTIONS", "-c max_parallel_workers_per_gather=0")

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Workers are recycled now and then (a leak can't grow forever); the app is loaded once in the
# master, so a recycled worker is a fork, not a 2-second import with requests queued behind it.
preload_app = True
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "20000"))
# Each worker restarts after a different count, so they never all restart together under load.
max_requests_jitter = max_requests // 2
accesslog = "-"
# No query strings in the access log: they may carry search terms with personal data.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def pre_fork(server, worker):
    """The master's objects (Django and the app, loaded once) live as long as the process: frozen,
    a worker's garbage collections skip them and leave their memory pages shared with the
    master."""
    gc.freeze()
