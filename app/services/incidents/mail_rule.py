"""Which kind of case a new e-mail opens, by the analyst's table processes/tipo_caso_correo.dmn (keywords of
subject and body), and the device an e-mail about a fault names (serial number or IMEI)."""
from __future__ import annotations

import re
from pathlib import Path

from flask import current_app

from app.services.incidents.device import Device
from app.workflow import decisions

RULE_FILE = "tipo_caso_correo.dmn"
_SERIAL = re.compile(r"\b(?:imei|n[uú]mero de serie|serie|s/n)\s*[:#]?\s*([A-Za-z0-9-]{6,40})", re.IGNORECASE)


def kind_of_mail(subject: str, body: str) -> str:
    path = Path(current_app.config["PROCESSES_DIR"]) / RULE_FILE
    if not path.is_file():
        return "complaint"
    result = decisions.decide(path.read_bytes(), {"text": f"{subject}\n{body}".lower()})
    return result.get("kind") or "complaint"


def device_in_mail(text: str) -> Device:
    found = _SERIAL.search(text or "")
    return Device(device_serial=found.group(1)) if found else Device()
