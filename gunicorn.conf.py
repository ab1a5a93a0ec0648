"""Gunicorn's configuration, read from the working directory by `gunicorn register.wsgi`.

Everything comes from the environment, so that the Procfile's and docker-compose.yml's command
stays the same bare `gunicorn register.wsgi` everywhere.
"""

import os

from register.logs import log_format, syslog_handler

# WEB_BIND wins (make stack binds to loopback); else PORT, as platforms and honcho set it;
# else all interfaces on 8000, as inside the container.
bind = [os.environ.get("WEB_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"]
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Sync workers, one request at a time each, unless WEB_THREADS asks for more threads per worker
# (gunicorn's gthread class). README, "Performance", says which was measured best on two cores.
threads = int(os.environ.get("WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "30"))
# Workers are replaced now and then, so that a slow leak cannot grow for ever.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10
# The heartbeat file on a memory filesystem: a container's disk can stall it.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# The proxies whose X-Forwarded-Proto gunicorn believes: the same TRUSTED_PROXIES whose X-Forwarded-For the
# register believes (register/addresses.py), when they are set; else gunicorn's own default (loopback).
if os.environ.get("TRUSTED_PROXIES", "").strip():
    forwarded_allow_ips = ",".join(p.strip() for p in os.environ["TRUSTED_PROXIES"].split(",") if p.strip())

accesslog = "-"
# The client's address (%(h)s) is written as "-" unless LOG_CLIENT_ADDRESSES=on, and the request line
# without its query string, by register/logs.py's formatters (README, "Logs": no personal data beyond ids).
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(D)sus'

# Gunicorn's own lines through the register's formatters (JSON in production), redacted as every other
# process's, and to syslog as well when LOG_SYSLOG_ADDRESS is set.
_syslog = syslog_handler()
_also = ["syslog"] if _syslog else []
_stream = "ext://sys.stdout"
logconfig_dict = {
    "formatters": {
        "json": {"()": "register.logs.JsonFormatter"},
        "text": {"()": "register.logs.TextFormatter", "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": log_format(), "stream": _stream},
        "error_console": {"class": "logging.StreamHandler", "formatter": log_format(), "stream": _stream},
        **({"syslog": _syslog} if _syslog else {}),
    },
    # Each record once: gunicorn's loggers do not also pass their records to the root's handler.
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console", *_also], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console", *_also], "propagate": False},
    },
}

# Gunicorn's run-time control socket is not used; left on, every gunicorn on a machine would
# share one default path.
control_socket_disable = True
