#!/usr/bin/env python3
"""Draining the outbox: N queued e-mails delivered by W worker processes to a local SMTP server.

    python bench/outbox.py [--n 10000] [--workers 2] [--database URL_OF_AN_EMPTY_DATABASE]

N mails (a ticket each, as the complaint notices are) are queued in one transaction; an aiosmtpd server
in a process of its own counts what arrives (Message-IDs); W processes (`deliver` mode of this script, as
the worker's `deliver_outbox` task does) run ``outbox_service.deliver_due`` at the same time: batches of
OUTBOX_BATCH claimed under a lease, each batch over one SMTP connection, every outcome committed as the
server answers. Timed: from starting the workers to the last one ending (process start included). Then
every row must be sent and every Message-ID have arrived exactly once. Target: drained within 60 s.
Exit status 1 when the target or the exactly-once check fails.
"""
from __future__ import annotations

import argparse
import signal
import socket
import subprocess
import sys
import time
from collections import Counter

from common import ROOT, fresh_app, load_average, run_workers, settings, temporary_folder

TARGET_SECONDS = 60


def queue(app, n: int) -> None:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Customer, Ticket
    from app.services.transaction import transaction
    from handlers import outbox
    from tests.workload import copy_ticket

    with app.app_context():
        with transaction():
            customer = db.session.scalar(select(Customer).where(Customer.number == "C-1001"))
            ticket = Ticket(kind="complaint", customer=customer, channel="phone", number="Q-2099-BENCH",
                            description="Sin servicio desde ayer")
            db.session.add(ticket)
        ticket_ids = copy_ticket(ticket.id, n, number_prefix="Q-2099-")
        with transaction():
            for n_, ticket_id in enumerate(ticket_ids):
                message = outbox.queue("email", ticket=None, recipient=f"cliente{n_}@example.com",
                                       subject=f"[Q-2099-{n_:06d}] Confirmación de su queja",
                                       body="Estimada clienta:\n\nSu queja quedó registrada.\n")
                message.ticket_id = ticket_id


def deliver(database: str, folder: str, port: str) -> None:
    """One worker process: deliver whatever is due; print how many went and how long that took."""
    from app import create_app
    from app.services.mail import outbox_service

    app = create_app({**settings(database, folder), "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": int(port),
                      "MAIL_USE_TLS": False, "MAIL_USERNAME": ""})
    with app.app_context():
        started = time.perf_counter()
        counts = outbox_service.deliver_due()
        print(f"{counts['sent']} {time.perf_counter() - started:.1f}")


def serve(port: str) -> None:
    """The SMTP server: count the Message-IDs that arrive; print them when told to stop."""
    from aiosmtpd.controller import Controller

    arrived: Counter[str] = Counter()

    class Count:
        async def handle_DATA(self, server, session, envelope):
            for line in envelope.content.split(b"\r\n"):
                if line.lower().startswith(b"message-id:"):
                    arrived[line.split(b":", 1)[1].strip().decode()] += 1
                    break
            return "250 OK"

    controller = Controller(Count(), hostname="127.0.0.1", port=int(port))
    controller.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM})
    controller.stop()
    print(len(arrived), sum(arrived.values()), flush=True)


def check(app, arrived: int, mails: int, n: int) -> tuple[bool, str]:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import OutboxMessage

    with app.app_context():
        statuses = dict(db.session.execute(select(OutboxMessage.status, func.count(OutboxMessage.id))
                                           .group_by(OutboxMessage.status)).all())
    ok = statuses == {"sent": n} and arrived == mails == n
    return ok, f"rows: {statuses}; distinct Message-IDs arrived: {arrived}, mails arrived: {mails}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", help="an EMPTY database (default: a new SQLite file)")
    parser.add_argument("--deliver", nargs=3, metavar=("DATABASE", "FOLDER", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument("--serve", metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.deliver:
        deliver(*args.deliver)
        return 0
    if args.serve:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        serve(args.serve)
        return 0
    with temporary_folder() as folder:
        app = fresh_app(args.database, folder)
        database = app.config["SQLALCHEMY_DATABASE_URI"]
        started = time.perf_counter()
        queue(app, args.n)
        print(f"{args.n} mails queued in {time.perf_counter() - started:.0f} s on {database.split(':')[0]}")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = str(sock.getsockname()[1])
        server = subprocess.Popen([sys.executable, __file__, "--serve", port], stdout=subprocess.PIPE, text=True)
        assert server.stdout.readline().strip() == "ready"
        try:
            seconds, outputs = run_workers(__file__, ["--deliver", database, folder, port], args.workers)
        finally:
            server.send_signal(signal.SIGTERM)
            arrived, mails = (int(v) for v in server.communicate(timeout=60)[0].split())
        ok, summary = check(app, arrived, mails, args.n)
        per_worker = ", ".join(f"{o.split()[0]} in {o.split()[1]} s" for o in outputs)
        print(f"delivered by {args.workers} workers in {seconds:.1f} s ({args.n / seconds:.0f}/s; {per_worker}); "
              f"load average {load_average()}")
        print(summary)
        passed = ok and seconds <= TARGET_SECONDS
        print(f"{'PASS' if passed else 'FAIL'}: all {args.n} delivered exactly once within {TARGET_SECONDS} s")
        return 0 if passed else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
