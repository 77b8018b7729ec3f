"""Command-line tools: ``flask --app app processes deploy``, ``flask --app app demo load``, ..."""
from __future__ import annotations

import sys

import click
from flask import Flask, current_app

from app.errors import DeployError, DomainError


def register_cli(app: Flask) -> None:
    from app import worker_cli

    worker_cli.register(app)
    from app import mail_cli

    mail_cli.register(app)

    @app.cli.group("processes", help="Despliegue de los procesos BPMN/DMN de processes/.")
    def processes():
        pass

    @processes.command("deploy", help="Valida y despliega processes/; versiona lo que cambió.")
    @click.option("--directory", default=None, help="Carpeta con los .bpmn/.dmn (por defecto processes/).")
    def deploy_cmd(directory):
        from app.services.processes import process_service
        try:
            results = process_service.deploy_directory(directory or current_app.config["PROCESSES_DIR"])
        except DeployError as err:
            for problem in getattr(err, "all", [err]):
                click.echo(f"ERROR {problem}", err=True)
            click.echo("Despliegue rechazado: las versiones vigentes siguen activas.", err=True)
            sys.exit(1)
        for r in results:
            state = "nueva versión" if r.created else "sin cambios"
            click.echo(f"{r.process_id}: v{r.version} ({state})")

    @processes.command("list", help="Versiones desplegadas.")
    def list_cmd():
        from app.services.processes import process_service
        for v in process_service.versions(None):
            click.echo(f"{v.process_id} v{v.version} {v.content_hash[:12]} {v.deployed_at:%Y-%m-%d %H:%M}")

    @processes.command("guide", help="Regenera la referencia de operadores de docs/guia-analista.md.")
    def guide_cmd():
        from handlers import reference
        changed = reference.update(current_app.config["ANALYST_GUIDE"])
        click.echo("Referencia de operadores actualizada." if changed else "La referencia ya estaba al día.")

    @app.cli.group("demo", help="Datos de demostración.")
    def demo():
        pass

    @demo.command("load", help="Crea equipos, personal de cada carril y clientes de ejemplo.")
    def load_cmd():
        from app.services import demo_service
        demo_service.load_demo()
        click.echo("Datos de demostración cargados.")

    @app.cli.group("review", help="Revisión periódica de los tickets cerrados.")
    def review():
        pass

    @review.command("run", help="Agrupa los tickets cerrados del periodo en problemas recurrentes.")
    @click.option("--start", default=None, help="Primer día (AAAA-MM-DD); por defecto, la semana pasada.")
    @click.option("--end", default=None, help="Último día (AAAA-MM-DD), incluido.")
    def review_run_cmd(start, end):
        from app.services.control import periodic_review
        try:
            if start or end:
                run = periodic_review.run_review(*periodic_review.parse_period(start or "", end or ""), None)
            else:
                run = periodic_review.run_scheduled()
        except DomainError as err:
            click.echo(f"ERROR {err.message} {err.errors or ''}".rstrip(), err=True)
            sys.exit(1)
        if run is None:
            click.echo("La semana pasada ya se revisó.")
        else:
            click.echo(f"Revisión {run.id}: {run.tickets_reviewed} tickets, {len(run.problems)} problemas recurrentes.")

