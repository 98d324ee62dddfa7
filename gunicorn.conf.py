"""Gunicorn, the production app server: `gunicorn` in the project folder reads this file.

    .venv/bin/gunicorn            # with the settings of .env / the environment

Each value can be changed from the environment without editing this file. Behind a reverse
proxy (nginx, a load balancer) that terminates TLS, bind to 127.0.0.1 or a private address.
"""

import multiprocessing
import os
from pathlib import Path

import environ

# The same `.env` as Django's settings; variables in the environment win.
environ.Env.read_env(Path(__file__).resolve().parent / ".env", overwrite=False)

wsgi_app = "reportsite.wsgi:application"

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Synchronous workers: Django's views here are short and CPU-bound. Gunicorn's own advice is
# (2 × cores) + 1; WEB_CONCURRENCY is the name most platforms already set.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = timeout
# Replace each worker after a few thousand requests so that a slow leak cannot grow forever;
# the jitter keeps the workers from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = max_requests // 10
# Load the site once, in the master, and fork each worker from it: a worker replaced after
# max_requests, a crash or a timeout starts in ~30 ms of CPU instead of ~400 ms (importing
# Django and the apps again), and the workers share the loaded code's memory. Nothing
# connects to the database, Redis or S3 while loading (connections open on first use, in
# each worker). New code needs Gunicorn restarted, not a HUP (which forks the old code).
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in ("1", "true", "yes", "on")

# Workers' heartbeat files in memory rather than on a possibly slow disk.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Which proxies may set X-Forwarded-* for Gunicorn (comma-separated addresses, or * when only
# the proxy can reach this server). Django's own SECURE_PROXY_SSL_HEADER is set in .env.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Access and error logs to standard output/error, where systemd or the container collects them.
# Behind nginx, which logs every request itself, GUNICORN_ACCESS_LOG=off spares each request
# a second log line (a few per cent of a worker's time on the consent endpoint).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
if accesslog.strip().lower() in ("", "off", "none", "false", "0"):
    accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Gunicorn 25+ opens a control socket under ~/.gunicorn/ for `gunicornc`. Two instances on
# one machine (blue/green deploys, tests, benchmarks) would remove each other's, so it is off
# unless GUNICORN_CONTROL_SOCKET=true (the same as the `--no-control-socket` flag otherwise).
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET", "false").lower() not in (
    "1",
    "true",
    "yes",
    "on",
)


def post_worker_init(worker):
    """Responses do not name the software that serves them (Gunicorn adds `Server: gunicorn`
    to every response it writes): one less hint for whoever looks for a known weakness."""
    from gunicorn.http import wsgi

    if getattr(wsgi.Response.default_headers, "hides_server", False):
        return
    default_headers = wsgi.Response.default_headers

    def without_server(response):
        return [line for line in default_headers(response) if not line.startswith("Server:")]

    without_server.hides_server = True
    wsgi.Response.default_headers = without_server
