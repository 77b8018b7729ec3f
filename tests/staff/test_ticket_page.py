"""The ticket page: header, timeline with who and when, internal comments, attachments, the diagram."""
import json
import re

from tests.staff.conftest import open_complaint, ready_task, validate

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_header_timeline_and_diagram(staff):
    ticket = open_complaint(channel="social")
    validate(ticket)
    supervisor = staff("supervisor")
    page = supervisor.get(f"/staff/tickets/{ticket.number}").get_data(True)
    for text in (ticket.number, "María López", "redes sociales", "Soporte técnico nivel 1", "Diagnóstico",
                 "Queja · Lentitud en la conexión",
                 "Visible para el cliente", "Interno", "Ana Agente"):
        assert text in page, text
    diagrams = re.findall(r'data-src="([^"]+)"\s+data-completed="([^"]+)" data-current="([^"]+)"', page)
    assert len(diagrams) == 1  # both rounds of the collaboration draw on one diagram
    src, completed, current = diagrams[0]
    path = json.loads(completed.replace("&#34;", '"'))
    assert "validar_reporte" in path
    assert "marcar_diagnostico" in path  # a service task of the running round: its trace is kept on every save
    assert json.loads(current.replace("&#34;", '"')) == ["diagnostico"]
    xml = supervisor.get(src)
    assert xml.mimetype == "application/xml" and b"queja_atencion" in xml.data


def test_internal_comment_and_attachment(staff):
    ticket = open_complaint()
    agent = staff("agente")
    agent.post(f"/staff/tickets/{ticket.number}/comments", {"text": "Cliente llamó dos veces <script>"})
    agent.post(f"/staff/tickets/{ticket.number}/attachments", {"file": (__import__("io").BytesIO(PNG), "foto.png")},
               content_type="multipart/form-data")
    page = agent.get(f"/staff/tickets/{ticket.number}").get_data(True)
    assert "Cliente llamó dos veces &lt;script&gt;" in page
    link = re.search(r'href="(/staff/tickets/[^"]+/attachments/\d+)">foto.png', page).group(1)
    download = agent.get(link)
    assert download.data == PNG and "attachment" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"  # a customer's file: never in a shared cache
    assert staff("campo1").get(link, expect=404)


def test_an_empty_comment_is_refused(staff):
    ticket = open_complaint()
    response = staff("agente").post(f"/staff/tickets/{ticket.number}/comments", {"text": "  "},
                                    follow_redirects=True, expect=200)
    assert "Escriba el comentario." in response.get_data(True)


def test_a_technician_of_another_team_does_not_see_the_ticket(staff):
    ticket = open_complaint()
    validate(ticket)
    assert ready_task(ticket, "diagnostico").candidate_team == "soporte_n1"
    staff("redes1").get(f"/staff/tickets/{ticket.number}", expect=404)
