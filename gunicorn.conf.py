"""gunicorn settings for `make run` and the Procfile's web process; the environment overrides them.

One process per core (the GIL lets one thread of a process run Python at a time) and a few threads each,
so a request waiting on the database or the network does not hold a core idle. Reads on SQLite begin
deferred (app/__init__.py), so the processes read side by side; writes queue for the write turn
(app/write_turn.py: the threads on a lock, the processes on a file lock) and hold it only while they write.
"""
import multiprocessing
import os

wsgi_app = "app:create_app()"
bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count())
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)  # a worker silent this long is restarted
graceful_timeout = 20  # on SIGTERM, requests in flight get this long to finish
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")  # the reverse proxy (docs/deploy.md)
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
control_socket_disable = True  # no runtime control socket: several servers may run side by side
