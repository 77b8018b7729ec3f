"""gunicorn.conf.py with every worker under cProfile, for ``bench/http.py --profile DIR``.

One thread per process (cProfile follows the thread that enables it); each worker writes
DIR/worker-<pid>.prof when it exits."""
import cProfile
import os
from pathlib import Path

exec(Path(__file__).resolve().parent.parent.joinpath("gunicorn.conf.py").read_text())  # the served settings

threads = 1
_profile = cProfile.Profile()


def post_worker_init(worker):
    _profile.enable()


def worker_exit(server, worker):
    _profile.disable()
    _profile.dump_stats(str(Path(os.environ["BENCH_PROFILE_DIR"]) / f"worker-{os.getpid()}.prof"))
