"""gunicorn's settings for the production layout (`make serve`, deploy/panlong-web.service).

Every value can be changed from the environment; the defaults suit one machine behind nginx.
"""

import multiprocessing
import os

from marketplace.logs import FORMATTERS

wsgi_app = "marketplace.wsgi:application"
# Only the web server in front (nginx) talks to gunicorn: the loopback address, never 0.0.0.0.
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
# Sync workers: one request at a time each, one kept database connection each (DB_CONN_MAX_AGE).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30  # a restart (deploy) lets running requests finish
keepalive = 5
# A worker is replaced after this many requests, so that memory cannot creep for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# X-Forwarded-Proto and -For are believed from the web server in front only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "panlong-web"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn's own lines in the site's format (LOG_FORMAT, marketplace/logs.py) on standard output.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": FORMATTERS,
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": os.environ.get("LOG_FORMAT", "json"),
        }
    },
    "loggers": {"gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# No access log here: an address's query string can carry a phone number (the operations view's
# look-ups). nginx logs each request without it (deploy/nginx-panlong.conf).
accesslog = None
errorlog = "-"
