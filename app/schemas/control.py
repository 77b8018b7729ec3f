"""The control dashboard's filter (query string of the page, the exports and the API) and its sections."""
from __future__ import annotations

from datetime import date, timedelta

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from app import clock
from app.i18n import _l
from app.models import CHANNELS, PRIORITIES
from app.schemas.base import ApiSchema, string
from app.services.control.dashboard import SECTIONS
from app.services.control.filters import ControlFilter

DEFAULT_DAYS = 30
MAX_DAYS = 1100  # three years: the monthly series stays readable and the queries bounded
_CHOICE = _l("Value not allowed.")


def _day(**kwargs) -> fields.Date:
    return fields.Date(validate=validate.Range(min=date(1970, 1, 1), max=date(2199, 12, 31),
                                               error=_l("Date out of range.")), **kwargs)


class ControlFilterSchema(ApiSchema):
    start = _day(data_key="from")
    end = _day(data_key="to")
    kind = string(20, load_default="")
    category = string(120, load_default="")
    priority = fields.String(load_default="", validate=validate.OneOf(("", *PRIORITIES), error=_CHOICE))
    channel = fields.String(load_default="", validate=validate.OneOf(("", *CHANNELS), error=_CHOICE))
    team = string(40, load_default="")
    technician = string(80, load_default="")
    segment = string(30, load_default="")
    zone = string(80, load_default="")
    service = string(30, load_default="")

    @validates_schema
    def _period(self, data, **_kw):
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise ValidationError({"to": [_l("Must be later than the start date.")]})
        if start and end and (end - start).days > MAX_DAYS:
            raise ValidationError({"to": [_l("The period may span at most three years.")]})

    @post_load
    def _filter(self, data, **_kw) -> ControlFilter:
        """Without dates: the last 30 days; with one of them: 30 days from or up to it."""
        start, end = data.pop("start", None), data.pop("end", None)
        if end is None:
            end = start + timedelta(days=DEFAULT_DAYS - 1) if start else clock.office_today()
        start = start or end - timedelta(days=DEFAULT_DAYS - 1)
        return ControlFilter(start=start, end=end, **{k: v.strip() for k, v in data.items()})


class DashboardQuerySchema(ControlFilterSchema):
    section = fields.String(validate=validate.OneOf(tuple(SECTIONS), error=_CHOICE), load_default=None)

    @post_load
    def _filter(self, data, **kw):
        section = data.pop("section", None)
        return super()._filter(data, **kw), section


class ColumnSchema(ApiSchema):
    key = fields.String()
    label = fields.String()


class TableSchema(ApiSchema):
    key = fields.String()
    title = fields.String()
    columns = fields.List(fields.Nested(ColumnSchema))
    rows = fields.List(fields.Dict(), metadata={"description": "One object per row, keyed by the column keys."})


class SectionSchema(ApiSchema):
    key = fields.String()
    title = fields.String()
    figures = fields.Dict(metadata={"description": "Headline numbers of the section (null: nothing to measure)."})
    tables = fields.List(fields.Nested(TableSchema))


class DashboardSchema(ApiSchema):
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    filters = fields.Dict(metadata={"description": "The narrowing filters applied."})
    sections = fields.List(fields.Nested(SectionSchema))
