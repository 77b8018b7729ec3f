"""The deploy check's view of a notify task: its parameters as the diagram writes them (expressions)."""
from __future__ import annotations

from app.extensions import db
from app.models import WebhookEndpoint
from handlers import notices


def test_a_notify_with_known_literals_has_no_problem(app):
    assert "aviso_demora_cliente" in notices.known_template_names()  # seeded from processes/notices at deploy
    assert notices.parameter_problems({"template": "'aviso_demora_cliente'", "recipient": "'customer'",
                                       "channel": "'portal'"}) == []
    # A value computed at run time is not judged at deploy.
    assert notices.parameter_problems({"template": "aviso['nombre']", "recipient": "quien"}) == []


def test_unknown_template_channel_recipient_and_webhook_are_named_in_spanish(app):
    assert notices.parameter_problems({"template": "'aviso_inexistente'"}) == [
        "No existe la plantilla de aviso aviso_inexistente."]
    assert notices.parameter_problems({"recipient": "'customer'"}) == [
        "La tarea notify necesita el parámetro template (el nombre del aviso)."]
    assert notices.parameter_problems({"template": "'aviso_demora_cliente'", "channel": "'fax'",
                                       "recipient": "'jefe'"}) == [
        "Canal de aviso desconocido: fax (email, portal, inbox o webhook).",
        "Destinatario de aviso desconocido: jefe (customer, assignee, team, supervisor o incident_manager)."]
    assert notices.parameter_problems({"template": "'aviso_demora_cliente'", "channel": "'inbox'"}) == [
        "La bandeja (inbox) solo llega al personal; para el cliente use email o portal."]
    assert notices.parameter_problems({"template": "'aviso_demora_cliente'", "channel": "'webhook'",
                                       "webhook": "'crm'"}) == ["No hay un webhook activo con el código crm."]
    db.session.add(WebhookEndpoint(code="crm", url="https://crm.example.com/h", secret="x" * 20, active=True))
    db.session.commit()
    assert notices.parameter_problems({"template": "'aviso_demora_cliente'", "channel": "'webhook'",
                                       "webhook": "'crm'"}) == []
