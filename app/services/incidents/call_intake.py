"""An agent registers an incident while on the call (or answering social media): the caller is a known
customer; if he already has this incident open, the agent sees it and adds the call to it or says it is new."""
from __future__ import annotations

from app.errors import Forbidden, ValidationFailed
from app.i18n import _
from app.models import Ticket, User
from app.services.accounts.permissions import may_take_calls
from app.services.cases import categories
from app.services.incidents import registration
from app.services.incidents.device import parse_device

CHANNELS = ("phone", "social")


def categories_for_staff() -> dict[str, str]:
    return categories.leaf_choices("incident")


def take_incident(values: dict, faults: list[str], files: list[tuple[str, bytes]], actor: User) -> tuple[Ticket, bool]:
    """The new incident (True) or the open one the call was added to (False); ``DuplicateFound`` names the open
    one when the agent has not yet chosen."""
    if not may_take_calls(actor):
        raise Forbidden(_("Only the contact center takes calls."))
    errors: dict[str, list[str]] = {}
    description = (values.get("description") or "").strip()
    if not description:
        errors["description"] = [_("This field is required.")]
    if not (values.get("customer_number") or "").strip():
        errors["customer_number"] = [_("This field is required.")]
    if values.get("category") not in categories_for_staff():
        errors["category"] = [_("Choose an option.")]
    if values.get("channel") not in CHANNELS:
        errors["channel"] = [_("Value not allowed.")]
    try:
        device = parse_device({**{k: values.get(k, "") for k in ("equipment_brand", "equipment_model", "device_serial",
                                                                   "fault_notes")}, "faults": faults})
    except ValidationFailed as err:  # every field's message at once
        errors.update(err.errors)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    return registration.register(registration.Registration(
        channel=values["channel"], description=description[:5000], customer_number=values["customer_number"].strip(),
        category=values["category"], device=device, files=files, confirm_new=values.get("confirm_new") == "1",
        add_to=values.get("add_to") or None), actor)
