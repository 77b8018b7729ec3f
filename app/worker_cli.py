"""``flask --app app worker run`` (the background worker) and ``worker sweep`` (one pass, for cron)."""
from __future__ import annotations

import click
from flask import Flask, current_app

from app import worker


def register(app: Flask) -> None:
    @app.cli.group("worker", help="Trabajador en segundo plano: correo saliente, CRM y temporizadores.")
    def worker_group():
        pass

    @worker_group.command("run", help="Atiende la cola de tareas; barre temporizadores y correo cada minuto.")
    @click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1),
                  help="Hilos que ejecutan tareas.")
    def run_cmd(workers):
        app = current_app._get_current_object()
        worker.refresh_statistics(app)  # at start (a database restored or bulk-loaded since), then hourly
        worker.consumer(app, workers).run()

    @worker_group.command("sweep", help="Una pasada ahora: dispara temporizadores vencidos y entrega el correo.")
    def sweep_cmd():
        fired, delivered = worker.sweep(current_app._get_current_object())
        click.echo(f"Temporizadores disparados: {fired}. Mensajes enviados: {delivered['sent']}, "
                   f"por reintentar: {delivered['retry']}, descartados: {delivered['dead']}.")
