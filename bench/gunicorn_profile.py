"""gunicorn.conf.py with every worker under cProfile, for ``bench/over_http.py --profile DIR``.

The sync worker, one request at a time in the process's main thread (cProfile follows the thread that
enables it; gthread runs requests in a pool); each worker writes
DIR/worker-<pid>.prof when it exits. The clock is the process's CPU time: waiting for SQLite's write lock or
for PostgreSQL is not what the profile should rank."""
import cProfile
import os
import time
from pathlib import Path

exec(Path(__file__).resolve().parent.parent.joinpath("gunicorn.conf.py").read_text())  # the served settings

worker_class = "sync"
threads = 1  # more than one would switch gunicorn back to gthread
_profile = cProfile.Profile(time.process_time)


def post_worker_init(worker):
    _profile.enable()


def worker_exit(server, worker):
    _profile.disable()
    _profile.dump_stats(str(Path(os.environ["BENCH_PROFILE_DIR"]) / f"worker-{os.getpid()}.prof"))
