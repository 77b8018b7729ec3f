"""What the worker benchmarks share: a fresh database with the schema, demo staff and deployed processes,
worker processes started side by side, and the machine's load printed beside the figures."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def settings(database: str, folder: str) -> dict:
    """The app's settings for the benchmark and for each worker process it starts."""
    return {"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "bench", "OUTBOX_KICK": False,
            "HUEY_SQLITE_PATH": str(Path(folder) / "huey.sqlite"), "TRUSTED_HOSTS": ["localhost", "127.0.0.1"]}


def fresh_app(database: str | None, folder: str, **overrides):
    """The app on ``database`` (default: a new SQLite file in ``folder``), migrated, with demo data and
    processes deployed. ``database`` must be an empty database; ``overrides`` change settings."""
    from flask_migrate import upgrade

    from app import create_app
    from app.services import demo_service
    from app.services.processes import process_service

    app = create_app({**settings(database or f"sqlite:///{Path(folder) / 'bench.sqlite'}", folder), **overrides})
    logging.disable(logging.INFO)  # the migrations' and the handlers' INFO lines
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        demo_service.load_demo()
        process_service.deploy_directory(app.config["PROCESSES_DIR"])
    return app


def run_workers(script: str, args: list[str], workers: int) -> tuple[float, list[str]]:
    """Start ``workers`` processes of ``script`` at once; return the wall time until the last one ended
    (process start included) and what each printed."""
    started = time.perf_counter()
    processes = [subprocess.Popen([sys.executable, script, *args], stdout=subprocess.PIPE, text=True)
                 for _ in range(workers)]
    outputs = [p.communicate()[0].strip() for p in processes]
    if any(p.returncode for p in processes):
        raise SystemExit(f"a worker failed: {outputs}")
    return time.perf_counter() - started, outputs


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def temporary_folder() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="atiende-bench-")
