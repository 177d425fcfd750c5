"""gunicorn settings the image, `make run` and the tests share: `gunicorn -c berkeleytime/gunicorn.conf.py`.

Command-line options (bind, workers, timeouts) still come from the caller.

Workers are threaded (berkeleytime/gunicorn_workers.py): GUNICORN_THREADS
threads each (default 4), and a request reaches a thread only once its headers
have all arrived, so clients that connect and send nothing, or send headers a
byte at a time, cost no thread (idle ones are closed after `keepalive` seconds,
unfinished headers after GUNICORN_HEADER_TIMEOUT, default 10 s). Django keeps
one database connection per thread (CONN_MAX_AGE), so a pod holds up to
workers x threads connections to PostgreSQL.

Each worker builds the API's parameter table (berkeleytime/parameters.py) as it
boots, before it takes a request.

This file also prepares Prometheus's multiprocess mode, which must be in place
before any worker imports prometheus_client:

- PROMETHEUS_MULTIPROC_DIR set (the chart mounts an emptyDir there): its old
  files are removed at start, so a restarted server starts counting from zero
  as Prometheus expects;
- unset: a fresh temporary directory is made, and removed when gunicorn exits.

When a worker exits its live gauges are dropped; its counters and histograms
stay in the sums, as counters must.
"""

import glob
import os
import shutil
import tempfile

worker_class = "berkeleytime.gunicorn_workers.HeaderDeadlineThreadWorker"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 5

_created_dir = None
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(_metrics_dir, exist_ok=True)
else:
    _metrics_dir = _created_dir = tempfile.mkdtemp(prefix="bt-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir


def on_starting(server):
    for path in glob.glob(os.path.join(_metrics_dir, "*.db")):
        os.remove(path)


def post_worker_init(worker):
    from berkeleytime.parameters import prepare

    prepare()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _created_dir:
        shutil.rmtree(_created_dir, ignore_errors=True)


# gunicorn's own lines (start, worker boots and exits) in the same format as
# Django's: JSON outside development, so every stdout line is one object for
# the log shipper. Requests are logged by Django (berkeleytime.access, with
# their request id), not by gunicorn's access log.
_development = os.environ.get("BT_ENVIRONMENT", "development") == "development"
if os.environ.get("LOG_FORMAT", "text" if _development else "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "berkeleytime.logging.RequestIdFilter"}},
        "formatters": {"json": {"()": "berkeleytime.logging.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
                "filters": ["request_id"],
            }
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
