"""``flask --app app mail pipe|smtpd|poll-imap|process-pending``: the inbound e-mail transports."""
from __future__ import annotations

import contextlib
import sys
import time

import click
from flask import Flask, current_app

from app.mail import transports
from app.models.attachment import Attachment  # noqa: F401 - the models must be known to Alembic
from app.models.mail import InboundMessage  # noqa: F401

EX_DATAERR, EX_TEMPFAIL = 65, 75  # sysexits.h: the mail server bounces on 65 and retries on 75


def register(app: Flask) -> None:
    @app.cli.group("mail", help="Correo entrante: tubería, servidor SMTP, buzón IMAP y pendientes.")
    def mail_group():
        pass

    @mail_group.command("pipe", help="Recibe un mensaje RFC 5322 por la entrada estándar.")
    def pipe_cmd():
        try:
            raw = transports.read_pipe(sys.stdin.buffer, current_app.config["MAIL_MAX_MESSAGE_BYTES"])
        except transports.MessageTooLarge as err:
            click.echo(f"Mensaje rechazado: {err}", err=True)
            sys.exit(EX_DATAERR)
        try:
            row = _deliver_here(raw, "pipe", "")
        except Exception as err:  # not stored: the mail server keeps it and retries
            click.echo(f"No se pudo guardar el mensaje: {err}", err=True)
            sys.exit(EX_TEMPFAIL)
        click.echo(f"Mensaje #{row.id}: {row.status} ({row.outcome or '-'})")

    @mail_group.command("smtpd", help="Servidor SMTP de recepción al que el servidor de correo reenvía.")
    @click.option("--host", default=None, help="Dirección donde escuchar (por defecto MAIL_INTAKE_HOST).")
    @click.option("--port", default=None, type=int, help="Puerto (por defecto MAIL_INTAKE_PORT).")
    def smtpd_cmd(host, port):
        config = current_app.config
        handler = transports.SMTPIntakeHandler(_deliver_in_app(current_app._get_current_object(), "smtp"),
                                               config["MAIL_INTAKE_RECIPIENTS"])
        controller = transports.smtp_controller(handler, host or config["MAIL_INTAKE_HOST"],
                                                port or config["MAIL_INTAKE_PORT"], config["MAIL_MAX_MESSAGE_BYTES"])
        controller.start()
        click.echo(f"Recibiendo correo en {controller.hostname}:{controller.port} (Ctrl+C para terminar).")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()

    @mail_group.command("poll-imap", help="Lee los mensajes no leídos del buzón IMAP configurado.")
    @click.option("--every", default=0, type=int, help="Repetir cada N segundos (0: una sola vez).")
    def poll_cmd(every):
        app_obj = current_app._get_current_object()
        while True:
            count = poll_once(app_obj)
            click.echo(f"Mensajes recibidos por IMAP: {count}.")
            if not every:
                break
            time.sleep(every)

    @mail_group.command("process-pending", help="Termina de procesar los mensajes guardados y no procesados.")
    @click.option("--limit", default=100, show_default=True, type=int)
    def pending_cmd(limit):
        from app.services.mail import mail_intake_service
        counts = mail_intake_service.process_pending(limit)
        click.echo("Procesados: " + (", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "ninguno") + ".")


def poll_once(app: Flask, factory=None) -> int:
    config = app.config
    client = transports.connect_imap(config, factory)
    try:
        return transports.poll_imap(client, config["MAIL_IMAP_FOLDER"], _deliver_in_app(app, "imap"),
                                    processed_folder=config["MAIL_IMAP_PROCESSED_FOLDER"],
                                    max_bytes=config["MAIL_MAX_MESSAGE_BYTES"])
    finally:
        with contextlib.suppress(Exception):  # the connection may already be gone
            client.logout()


def _deliver_here(raw: bytes, transport: str, envelope_from: str):
    from app.services.mail import mail_intake_service
    return mail_intake_service.receive(raw, transport=transport, envelope_from=envelope_from)


def _deliver_in_app(app: Flask, transport: str):
    def deliver(raw: bytes, envelope_from: str):
        with app.app_context():
            _deliver_here(raw, transport, envelope_from)

    return deliver
