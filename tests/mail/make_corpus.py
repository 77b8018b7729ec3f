# ruff: noqa: E501 - the case table reads best one case per line
"""Write tests/mail/corpus/*.eml: one file per case of issue 6, named after it.

Run ``python tests/mail/make_corpus.py`` after changing a case; the files are committed so a reader can
open them. Bytes are written exactly (CRLF line ends, 8-bit where a case needs it). Placeholders filled
in by the tests: ``@@TICKET@@`` (a ticket number) and ``@@OURID@@`` (one of our outgoing Message-IDs,
without brackets), ``@@THEIRID@@`` (an earlier inbound Message-ID).
"""
from __future__ import annotations

import base64
import io
import quopri
import zipfile
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
MARIA = "=?UTF-8?Q?Mar=C3=ADa_L=C3=B3pez?= <maria.lopez@example.com>"
TO = "Soporte Net1 <soporte@net1.mx>"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


def b64(data: bytes) -> str:
    return "\n".join(base64.encodebytes(data).decode().splitlines())


def qp(text: str, charset: str) -> str:
    return quopri.encodestring(text.encode(charset)).decode("ascii")


def mail(headers: list[tuple[str, str]], body: str | bytes, *, mid: str | None = "auto", name: str = "") -> bytes:
    lines = []
    if mid == "auto":
        mid = f"<{name}@cliente.example.com>"
    base = [("From", MARIA), ("To", TO), ("Date", "Mon, 02 Mar 2026 10:15:00 -0600")]
    given = {h.lower() for h, _v in headers}
    for header, value in base:
        if header.lower() not in given:
            lines.append(f"{header}: {value}")
    if mid and "message-id" not in given:
        lines.append(f"Message-ID: {mid}")
    lines += [f"{h}: {v}" for h, v in headers]
    head = "\r\n".join(lines).encode("utf-8") + b"\r\n\r\n"
    if isinstance(body, str):
        body = body.encode("ascii")
    return head + body.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def plain(subject: str, text: str, *extra: tuple[str, str], charset: str = "utf-8", cte: str = "8bit") -> tuple:
    headers = [("Subject", subject), ("MIME-Version", "1.0"),
               ("Content-Type", f'text/plain; charset="{charset}"'), ("Content-Transfer-Encoding", cte), *extra]
    return headers, text


SIMPLE = "Buenas tardes:\n\nDesde ayer no tengo internet; el módem parpadea en rojo.\n\nGracias.\n"


def multipart(subject: str, parts: list[str], subtype: str = "mixed", *extra) -> tuple:
    boundary = f"=_atiende_{subtype}"
    body = "This is a MIME message.\n"
    for part in parts:
        body += f"\n--{boundary}\n{part}"
    body += f"\n--{boundary}--\n"
    headers = [("Subject", subject), ("MIME-Version", "1.0"),
               ("Content-Type", f'multipart/{subtype}; boundary="{boundary}"'), *extra]
    return headers, body


def text_part(text: str, charset: str = "utf-8") -> str:
    return (f'Content-Type: text/plain; charset="{charset}"\nContent-Transfer-Encoding: quoted-printable\n\n'
            + qp(text, charset) + "\n")


def html_part(html: str) -> str:
    return ('Content-Type: text/html; charset="utf-8"\nContent-Transfer-Encoding: base64\n\n'
            + b64(html.encode()) + "\n")


def file_part(filename: str, ctype: str, data: bytes, disposition: str = "attachment", cid: str = "") -> str:
    extra = f"Content-ID: <{cid}>\n" if cid else ""
    return (f'Content-Type: {ctype}; name="{filename}"\nContent-Disposition: {disposition}; '
            f'filename="{filename}"\n{extra}Content-Transfer-Encoding: base64\n\n' + b64(data) + "\n")


def dsn(original: str, inner_type: str = "message/rfc822") -> tuple:
    status = ("Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n"
              "Final-Recipient: rfc822; maria.lopez@example.com\nAction: failed\nStatus: 5.1.1\n"
              "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n")
    inner = (f"Content-Type: {inner_type}\n\nFrom: Atiende <soporte@net1.mx>\nTo: maria.lopez@example.com\n"
             f"Subject: [@@TICKET@@] Hemos recibido su queja\nMessage-ID: <{original}>\n")
    if inner_type == "message/rfc822":
        inner += "\nEstimada María: hemos recibido su queja.\n"
    boundary = "=_dsn"
    body = (f"--{boundary}\nContent-Type: text/plain\n\nNo se pudo entregar su mensaje.\n\n--{boundary}\n{status}\n"
            f"--{boundary}\n{inner}\n--{boundary}--\n")
    return [("From", "Mail Delivery System <MAILER-DAEMON@mx.example.com>"), ("To", "soporte@net1.mx"),
            ("Subject", "Undelivered Mail Returned to Sender"), ("Auto-Submitted", "auto-replied"),
            ("MIME-Version", "1.0"),
            ("Content-Type", f'multipart/report; report-type=delivery-status; boundary="{boundary}"')], body


GMAIL_QUOTE = ("Ya reinicié el módem y sigue igual, las luces están en rojo.\n\n"
               "El lun, 2 mar 2026 a las 10:00, Atiende (<soporte@net1.mx>)\nescribió:\n\n"
               "> Estimada María:\n> Necesitamos más información sobre su queja.\n> ¿Qué luces tiene el módem?\n")
OUTLOOK_QUOTE = ("Adjunto foto del módem.\n\nSaludos,\nMaría\n\n-----Mensaje original-----\n"
                 "De: Atiende <soporte@net1.mx>\nEnviado: lunes, 2 de marzo de 2026 10:00\n"
                 "Para: maria.lopez@example.com\nAsunto: [@@TICKET@@] Necesitamos más información\n\n"
                 "Estimada María: ¿qué luces tiene el módem?\n")
HTML = ("<html><head><style>p {color: red}</style><script>alert('x')</script></head><body>"
        "<p>Hola, <b>no tengo internet</b> desde el lunes &amp; el tel&eacute;fono tampoco funciona.</p>"
        "<p>Mi n&uacute;mero de cliente es C-1001.<br>Gracias</p></body></html>")
XSS = ('<p>Hola<img src=x onerror="alert(1)"><script>document.location="http://evil"</script></p>'
       '<a href="javascript:alert(2)">clic</a><iframe src="http://evil"></iframe><p>Fin del reporte</p>')


def reply(subject, text, *extra, sender=MARIA):
    headers, body = plain(subject, text, *extra, cte="quoted-printable")
    return [("From", sender), *headers], qp(body, "utf-8")


CASES: dict[str, tuple] = {
    # New complaints
    "new_known_customer_plain": plain("Sin internet desde ayer", SIMPLE),
    "new_unknown_sender": [("From", "Pedro Ramírez <Pedro.Ramirez@correo.example.org>"),  # raw UTF-8 header
                           *plain("Falla en mi servicio", SIMPLE)[0]],
    "auto_submitted_no": plain("Sin internet (Auto-Submitted: no)", SIMPLE, ("Auto-Submitted", "no")),
    "no_message_id": plain("Reporte sin identificador", SIMPLE),
    # Encodings
    "subject_rfc2047_q_utf8": plain("=?UTF-8?Q?Sin_se=C3=B1al_en_mi_m=C3=B3dem?=", SIMPLE),
    "subject_rfc2047_b_iso88591": plain("=?ISO-8859-1?B?" + base64.b64encode("Línea caída, ¿qué hago?".encode("latin-1")).decode() + "?=", SIMPLE),
    "subject_rfc2047_windows1252": plain("=?windows-1252?Q?=93Internet_lento=94_=96_urgente?=", SIMPLE),
    "subject_rfc2047_unknown_charset": plain("=?x-desconocido?Q?Instalaci=C3=B3n?=", SIMPLE),
    "body_qp_utf8": plain("Cuerpo quoted-printable UTF-8", qp("Señal intermitente en la habitación; módem ZTE.\n", "utf-8"), cte="quoted-printable"),
    "body_base64_utf8": plain("Cuerpo base64 UTF-8", b64("Señal intermitente en la habitación; módem ZTE.\n".encode()), cte="base64"),
    "body_qp_iso88591": plain("Cuerpo ISO-8859-1", qp("Señal intermitente en la habitación; módem ZTE.\n", "latin-1"), charset="iso-8859-1", cte="quoted-printable"),
    "body_base64_windows1252": plain("Cuerpo Windows-1252", b64("“Señal” intermitente – pago 350 € al mes.\n".encode("cp1252")), charset="windows-1252", cte="base64"),
    "body_8bit_no_charset": ([("Subject", "Sin charset"), ("MIME-Version", "1.0"), ("Content-Type", "text/plain"), ("Content-Transfer-Encoding", "8bit")], "Señal intermitente en la habitación; módem ZTE.\n".encode()),
    "body_wrong_charset_utf8_is_latin1": plain("Charset equivocado (dice utf-8)", "Señal intermitente en la habitación; módem ZTE.\n".encode("latin-1")),
    "body_wrong_charset_latin1_is_utf8": plain("Charset equivocado (dice latin-1)", "Señal intermitente en la habitación; módem ZTE.\n".encode(), charset="iso-8859-1"),
    "body_unknown_charset": plain("Charset desconocido", "Señal intermitente en la habitación; módem ZTE.\n".encode(), charset="x-inventado"),
    "html_only": ([("Subject", "Correo solo HTML"), ("MIME-Version", "1.0"), ("Content-Type", 'text/html; charset="utf-8"'), ("Content-Transfer-Encoding", "quoted-printable")], qp(HTML, "utf-8")),
    "html_only_xss": ([("Subject", "<script>alert(1)</script> Falla"), ("MIME-Version", "1.0"), ("Content-Type", 'text/html; charset="utf-8"')], XSS),
    "multipart_alternative": multipart("Texto y HTML", [text_part("Versión en texto: módem sin luz.\n"), html_part("<p>Versión <b>HTML</b>: módem sin luz.</p>")], "alternative"),
    "multipart_inline_image_and_pdf": multipart("Foto del módem y recibo", [
        'Content-Type: multipart/related; boundary="=_rel"\n\n--=_rel\n' + html_part('<p>Así se ve el módem:</p><img src="cid:modem@x" alt="foto del módem">') + "\n--=_rel\n" + file_part("modem.png", "image/png", PNG, "inline", "modem@x") + "\n--=_rel--\n",
        file_part("recibo.pdf", "application/pdf", PDF)]),
    "attachment_docx": multipart("Contrato adjunto", [text_part("Adjunto el contrato.\n"), file_part("contrato.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx())]),
    "attachment_executable_refused": multipart("Factura", [text_part("Le envío la factura.\n"), file_part("factura.pdf", "application/pdf", EXE)]),
    "attachment_html_refused": multipart("Página", [text_part("Vea la página adjunta.\n"), file_part("pagina.txt", "text/plain", b"<html><script>alert(1)</script></html>")]),
    "attachment_svg_refused": multipart("Dibujo", [text_part("Dibujo del cableado.\n"), file_part("cableado.png", "image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')]),
    "attachment_rfc2231_traversal_name": multipart("Nombre raro", [text_part("Adjunto.\n"), "Content-Type: application/pdf\nContent-Disposition: attachment; filename*=UTF-8''..%2F..%2Fetc%2Frecibo%20de%20pago%C3%B1.pdf\nContent-Transfer-Encoding: base64\n\n" + b64(PDF) + "\n"]),
    "attachment_over_limit": multipart("Archivo grande", [text_part("Adjunto un archivo grande.\n"), file_part("registro.txt", "text/plain", b"linea de registro del modem\n" * 200)]),
    # Header injection (CVE-2024-6923)
    "header_injection_subject": plain("=?UTF-8?Q?Reembolso=0ABcc:_x@evil.example?=", SIMPLE),
    "header_injection_from_name": [("From", "=?UTF-8?Q?Mar=C3=ADa=0D=0ABcc:_x@evil.example?= <maria.lopez@example.com>"), *plain("Nombre con salto", SIMPLE)[0]],
    # Threading
    "reply_in_reply_to_ours": reply("Re: Hemos recibido su queja", "Olvidé decir que el teléfono tampoco funciona.\n", ("In-Reply-To", "<@@OURID@@>")),
    "reply_references_only": reply("Re: su reporte", "Sigo sin servicio.\n", ("References", "<algo@otro.example> <@@OURID@@> <x@cliente.example.com>")),
    "reply_subject_tag_only": reply("RE: [@@TICKET@@] Hemos recibido su queja", "¿Cuándo vendrá el técnico?\n"),
    "reply_to_earlier_inbound": reply("Re: Sin internet desde ayer", "Agrego: la luz LOS está encendida.\n", ("In-Reply-To", "<@@THEIRID@@>")),
    "reply_stranger_subject_tag": reply("Re: [@@TICKET@@] Hemos recibido su queja", "Quiero ver este ticket.\n", sender="Intruso <otro@ajeno.example.net>"),
    "reply_stranger_in_reply_to": reply("Re: Hemos recibido su queja", "Yo también estoy sin internet.\n", ("In-Reply-To", "<@@OURID@@>"), sender="Vecino <vecino@ajeno.example.net>"),
    "reply_details_answer": reply("Re: [@@TICKET@@] Necesitamos más información", GMAIL_QUOTE, ("In-Reply-To", "<@@OURID@@>")),
    "reply_confirmation_yes": reply("Re: [@@TICKET@@] Confirme la resolución", "Sí, gracias.\n\nEl lun, 2 mar 2026, Atiende escribió:\n> ¿Se resolvió su problema?\n"),
    "reply_confirmation_ambiguous": reply("Re: [@@TICKET@@] Confirme la resolución", "Funciona a ratos, no sé si quedó.\n"),
    "reply_gmail_quoted_es": reply("Re: [@@TICKET@@] Necesitamos más información", GMAIL_QUOTE),
    "reply_outlook_quoted": reply("RE: [@@TICKET@@] Necesitamos más información", OUTLOOK_QUOTE),
    "reply_html_gmail_quote": ([("Subject", "Re: [@@TICKET@@] Necesitamos más información"), ("MIME-Version", "1.0"), ("Content-Type", 'text/html; charset="utf-8"')],
                               '<div dir="ltr">Las luces están en rojo.</div><br><div class="gmail_quote"><div class="gmail_attr">El lun, 2 mar 2026 a las 10:00, Atiende escribió:<br></div><blockquote class="gmail_quote">¿Qué luces tiene el módem?</blockquote></div>'),
    # Loops and noise: never a ticket, never an answer
    "auto_submitted_auto_replied": plain("Respuesta automática: fuera de la oficina", "Estoy de vacaciones hasta el lunes.\n", ("Auto-Submitted", "auto-replied")),
    "auto_submitted_auto_generated": plain("Aviso automático", "Este es un aviso generado.\n", ("Auto-Submitted", "auto-generated")),
    "precedence_bulk": plain("Promoción", "Compre ya.\n", ("Precedence", "bulk")),
    "precedence_junk": plain("Oferta", "Compre ya.\n", ("Precedence", "junk")),
    "precedence_list": plain("[lista] Mensaje", "Mensaje de una lista.\n", ("Precedence", "list")),
    "list_id_header": plain("[vecinos] Aviso", "Mensaje de una lista.\n", ("List-Id", "<vecinos.lists.example.com>")),
    "x_autoreply": plain("Fuera de la oficina", "No estoy.\n", ("X-Autoreply", "yes")),
    "x_autorespond": plain("Fuera de la oficina", "No estoy.\n", ("X-Autorespond", "Vacation")),
    "x_auto_response_suppress": plain("Fuera de la oficina", "No estoy.\n", ("X-Auto-Response-Suppress", "All")),
    "x_loop": plain("Bucle", "Mensaje en bucle.\n", ("X-Loop", "soporte@net1.mx")),
    "vacation_reply_threaded": reply("Respuesta automática: [@@TICKET@@] Hemos recibido su queja", "Estoy de vacaciones.\n", ("In-Reply-To", "<@@OURID@@>"), ("Auto-Submitted", "auto-replied")),
    "mailer_daemon_sender": [("From", "MAILER-DAEMON@mx.example.com"), *plain("Returned mail", "Mail could not be delivered.\n")[0]],
    "postmaster_sender": [("From", "Postmaster <postmaster@example.com>"), *plain("Aviso del servidor", "Aviso.\n")[0]],
    "noreply_sender": [("From", "Banco <no-reply@banco.example.com>"), *plain("Su estado de cuenta", "Aviso.\n")[0]],
    # Bounces: an internal note on the ticket
    "bounce_dsn_rfc822": dsn("@@OURID@@"),
    "bounce_dsn_headers_only": dsn("@@OURID@@", "text/rfc822-headers"),
    "bounce_dsn_unknown_original": dsn("nada-que-ver@otro.example"),
}

BODIES = {  # cases whose body is not the headers tuple's second element
    "new_unknown_sender": SIMPLE, "header_injection_from_name": SIMPLE, "mailer_daemon_sender": "Mail could not be delivered.\n",
    "postmaster_sender": "Aviso.\n", "noreply_sender": "Aviso.\n",
}


def build(name: str) -> bytes:
    case = CASES[name]
    if isinstance(case, list):  # headers only; body from BODIES
        headers, body = case, BODIES[name]
    else:
        headers, body = case
    mid = None if name == "no_message_id" else "auto"
    if isinstance(body, str) and not body.isascii():
        body = body.encode("utf-8")
    return mail(list(headers), body, mid=mid, name=name)


def main() -> None:
    CORPUS.mkdir(exist_ok=True)
    for old in CORPUS.glob("*.eml"):
        old.unlink()
    for name in CASES:
        (CORPUS / f"{name}.eml").write_bytes(build(name))
    print(f"{len(CASES)} files in {CORPUS}")


if __name__ == "__main__":
    main()
