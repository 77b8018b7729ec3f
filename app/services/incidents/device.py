"""The device or service an incident is about: brand, model, serial/IMEI, faults from the registration
form's list (forms/incidencia_registro.schema.json, which an analyst edits) plus free text."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.models import IncidentDetail
from app.models.incident import device_key
from app.services.processes import forms

REGISTRATION_FORM = "incidencia_registro.schema.json"


@dataclass
class Device:
    equipment_brand: str = ""
    equipment_model: str = ""
    device_serial: str = ""
    faults: list[str] = field(default_factory=list)
    fault_notes: str = ""

    def key(self, service_address: str = "") -> str:
        return device_key(self.device_serial, self.equipment_brand, self.equipment_model, service_address)


def parse_device(data: dict | None) -> Device:
    """The device fields of ``data`` checked against the registration form (``ValidationFailed`` per field)."""
    values = {k: v for k, v in (data or {}).items() if k in Device.__dataclass_fields__ and v not in (None, "")}
    forms.validate(REGISTRATION_FORM, values)
    return Device(**{k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()})


def fault_choices() -> dict[str, str]:
    items = forms.load_schema(REGISTRATION_FORM)["properties"]["faults"]["items"]
    return {o["const"]: o.get("title", o["const"]) for o in items.get("oneOf", [])}


def new_detail(device: Device, service_address: str, category: str | None) -> IncidentDetail:
    return IncidentDetail(device_key=device.key(service_address), device_serial=device.device_serial,
                          faults=list(device.faults), fault_notes=device.fault_notes, reported_category=category)
