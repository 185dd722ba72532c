"""gunicorn settings for the portal: `gunicorn -c gunicorn.conf.py wsgi:app` (README, Production deployment; the
benchmark's HTTP part uses this file too). Options given on the command line win over these; the environment may
set PORTAL_BIND, WEB_CONCURRENCY (workers) and PORTAL_THREADS.

- Workers and threads: one worker per core (at least two, so that one slow request or a restarting worker never
  leaves nobody to answer) and 4 threads each. Pages are CPU-bound Python (the GIL lets one thread run at a time);
  the threads overlap the waits on PostgreSQL and on slow clients. On 2 cores: 2 x 4.
- preload_app: the app is imported once, in the master, before the workers are forked: start-up pays for the
  imports once instead of once per worker on the same cores, a restarted worker is ready at once, and the workers
  share the master's memory pages copy-on-write. gc.freeze() before each fork keeps the garbage collector from
  touching (and so copying) those pages. Nothing connects to the database in the master; post_fork drops the pool
  anyway, so that no connection is ever shared between processes.
- max_requests with jitter: each worker is replaced after 500-550 requests (not all at once), which bounds the
  memory a long-running worker's heap can gather; with preload the replacement is a fork, ready in milliseconds.
  Measured (bench, scale 10, PostgreSQL): after 1,000 requests a worker held 127-145 MB RSS, after 500 at most
  97 MB (target 100), for about 7% fewer requests per second in the mix (within run-to-run noise).
- malloc (glibc), set with mallopt here, before the workers are forked, so it needs no environment: a fixed mmap
  threshold of 256 KiB, so that big blocks are always mapped apart and given back when freed (by default glibc
  raises the threshold after the first big free, and then each sign-in's 19 MiB argon2 buffer stays in the heap:
  +20 MB per worker after a few sign-ins, measured); and two heap arenas per process instead of up to 8 per core
  for the threads. No measurable cost in speed.
- when_ready: the templates every page uses and each language's catalogue and locale data are loaded in the
  master before the first fork (portal/warmup.py, 0.07 s), so the workers share them instead of each loading its
  own copy (8.5 MB a worker, measured).
- timeout 30 s (nginx's proxy_read_timeout): a worker silent for longer is restarted; graceful_timeout 20 s lets
  requests in flight finish on a restart or deploy; keepalive 5 s for the proxy's connections.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import sys

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or 0) or max(2, len(os.sched_getaffinity(0)))
worker_class = "gthread"
threads = int(os.environ.get("PORTAL_THREADS") or 4)
preload_app = True
max_requests = 500
max_requests_jitter = 50
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = "info"

M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8  # glibc's mallopt parameter numbers


def _tune_malloc(arenas: int = 2, mmap_threshold: int = 256 * 1024) -> None:
    name = ctypes.util.find_library("c")
    if not name or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(M_ARENA_MAX, arenas)
        libc.mallopt(M_MMAP_THRESHOLD, mmap_threshold)
    except (OSError, AttributeError):  # not glibc (musl has no arenas to limit)
        pass


_tune_malloc()


def when_ready(server) -> None:
    """Before the first fork: what every worker would load for itself is loaded once, and shared (portal/warmup)."""
    app = getattr(sys.modules.get("wsgi"), "app", None)
    if app is not None:
        from portal.warmup import warm_up

        server.log.info("Warmed up: %s", warm_up(app))


def pre_fork(server, worker) -> None:
    gc.freeze()  # everything imported so far stays out of the collector's way, and its pages shared


def post_fork(server, worker) -> None:
    wsgi = sys.modules.get("wsgi")
    app = getattr(wsgi, "app", None)
    if app is None:
        return
    from committees.db import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)  # a connection opened before the fork stays the master's
