"""Lines of business of the customer's service, and which are self-service (the customer files his own
late-response or disagreement follow-up in the área de cliente): data from
``processes/followups/lines_of_business.json`` at deploy, edited by an admin in the browser."""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from app.errors import Forbidden, NotFound
from app.extensions import db
from app.i18n import _
from app.models import Customer, LineOfBusiness, User
from app.services.transaction import transaction

LINES_FILE = "followups/lines_of_business.json"


def load(processes_dir: str) -> int:
    path = Path(processes_dir) / LINES_FILE
    if not path.is_file():
        return 0
    added = 0
    with transaction():
        for position, item in enumerate(json.loads(path.read_text(encoding="utf-8"))["lines"]):
            if db.session.get(LineOfBusiness, item["code"]) is None:
                db.session.add(LineOfBusiness(code=item["code"], label=item["label"],
                                              self_service=item.get("self_service", False), position=position))
                added += 1
    return added


def all_lines() -> list[LineOfBusiness]:
    return list(db.session.scalars(select(LineOfBusiness).order_by(LineOfBusiness.position)))


def line_of(customer: Customer) -> LineOfBusiness | None:
    return db.session.get(LineOfBusiness, customer.service_line) if customer.service_line else None


def set_self_service(code: str, self_service: bool, actor: User) -> LineOfBusiness:
    if not actor.has_role("admin"):
        raise Forbidden(_("Only an administrator edits the lines of business."))
    with transaction():
        line = db.session.get(LineOfBusiness, code)
        if line is None:
            raise NotFound(_("There is no line of business %(code)s.", code=code))
        line.self_service = self_service
    return line
