"""gunicorn behind nginx (deploy/nginx.conf): `gunicorn -c deploy/gunicorn.conf.py`.

nginx receives every request whole before passing it on, so a sync worker only ever computes; the limits
below match nginx's so a request nginx accepts is never refused here. Environment: GUNICORN_BIND,
GUNICORN_WORKERS, GUNICORN_TIMEOUT (command-line flags override them).
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One more sync worker than cores, not the usual 2 x cores + 1: the portal's requests spend most of their time on
# the CPU (the database answers in a millisecond or two), and with more processes than cores each request runs on
# colder caches. bench/surge.py on this 2-core machine, idle, 75 submits/s offered (issue 12): web CPU per submit
# 28 ms with 1 worker, 35 ms with 2-3, 39-42 ms with 4; accepted 29.4/s with 2, 34.5/s with 3, 30.3/s with 4.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = "sync"

# A request that takes longer is killed and answered 502 by nginx; PDFs and e-mail run in Celery, so 60 s is
# far above any page. On TERM (stop, deploy) running requests get graceful_timeout to finish.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 2

# Request head limits, in step with nginx's large_client_header_buffers 4 8k.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Recycle workers now and then (a slow leak never becomes an outage); jitter so they do not restart together.
max_requests = 2000
max_requests_jitter = 200

# The heartbeat file on tmpfs: a worker blocked on a slow disk is not mistaken for a hung one.
if os.path.isdir("/dev/shm"):  # noqa: S108 - a directory for gunicorn's own heartbeat files
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# nginx writes the access log; gunicorn logs errors to stderr.
accesslog = None
errorlog = "-"

# gunicorn 24+ opens a control socket at ~/.gunicorn/gunicorn.ctl by default: one path shared by every
# gunicorn this user runs on the machine. Not used here.
control_socket_disable = True
