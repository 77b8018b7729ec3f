"""A customer registers an incident in the área de cliente: the device, the faults, photos and documents.
If he already has that incident open, he is told so and may add what he wrote (and his files) to it."""
from __future__ import annotations

from app.errors import ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import Customer, Ticket
from app.services.cases import categories
from app.services.incidents import registration
from app.services.incidents.device import parse_device

MIN_DESCRIPTION = 10


def categories_for_customers() -> dict[str, str]:
    return categories.leaf_choices("incident")


def register(customer_id: int, form: dict, faults: list[str], files: list[tuple[str, bytes]],
             add_to: str = "") -> tuple[Ticket, bool]:
    """The new incident (True) or the open one the report joined (False). ``DuplicateFound`` when the
    customer has this incident open and did not choose to add to it."""
    description = (form.get("description") or "").strip()
    errors: dict[str, list[str]] = {}
    if len(description) < MIN_DESCRIPTION:
        errors["description"] = [_("Describe the problem in at least 10 characters.")]
    if form.get("category") not in categories_for_customers():
        errors["category"] = [_("Choose an option.")]
    try:
        device = parse_device({"equipment_brand": form.get("equipment_brand", ""),
                               "equipment_model": form.get("equipment_model", ""),
                               "device_serial": form.get("device_serial", ""), "faults": faults,
                               "fault_notes": form.get("fault_notes", "")})
    except ValidationFailed as err:  # every field's message at once
        errors.update(err.errors)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    customer = db.session.get(Customer, customer_id)
    return registration.register(registration.Registration(
        channel="portal", description=description[:8000], customer_number=customer.number,
        category=form["category"], device=device, files=files, add_to=add_to or None), actor=None)
