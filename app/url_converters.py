"""URL converters that refuse what the database cannot hold: ``<int:...>`` matches 1..2**31-1 only.

Ids are 32-bit integer columns (PostgreSQL ``integer``); a larger number in a URL (or a zero, or digits of
another script) names nothing, so the route does not match and the answer is a 404, never a database
overflow (issue 9, item 8). Registered app-wide as ``int``: every ``<int:...>`` route gets it by construction.
"""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    regex = r"[0-9]{1,10}"  # ASCII digits only; ``\d`` also matches other scripts' digits

    def __init__(self, url_map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
