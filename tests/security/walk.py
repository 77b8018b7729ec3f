"""Requests generated from ``app.url_map``: every route of a face, with values put into its path parameters.

A new route is walked by these tests the day it is added, without anyone listing it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

FACES = {"api": "/api/", "staff": "/staff/", "portal": "/portal/"}
_PARAM = re.compile(r"<(?:(?P<converter>[^:<>]+):)?(?P<name>[^<>]+)>")

# Routes anyone may open: signing in, signing up, resetting a password, the OpenAPI document, static files.
PUBLIC = {"api.issue_token", "api.openapi_document", "staff.login", "staff.vendor", "staff.vendor_dist", "portal.home",
          "portal.login", "portal.signup", "portal.reset_request", "portal.reset", "portal.verify"}

# Values that made 500s in the probe (issue 9 item 8), and their neighbours.
EDGE_VALUES = [
    "9999999999999999999999999",
    "99999999999999999999",
    "2147483648",
    "-1",
    "0",
    "²",
    "१२",  # Devanagari digits: str.isdigit() and int() both accept them
    "0001-01-01",
    "9999-12-31T23:59:59Z",
    "\ud800",
    "Q-0000-000000",
    "..%2F..%2Fetc%2Fpasswd",
    "'\"<>;%00",
    "x" * 300,
]
EDGE_QUERY_NAMES = ["offset", "limit", "page", "per_page", "from", "to", "date_from", "date_to", "q", "status",
                    "ticket", "kind", "scope", "sort", "team", "lane", "assignee", "priority", "sla", "channel",
                    "caller", "customer_number", "process", "task", "next"]
# Parameters read as numbers or dates: each is also tried alone (a refused neighbour could hide its failure).
TYPED_QUERY_NAMES = ["offset", "limit", "page", "per_page", "from", "to", "date_from", "date_to"]
EDGE_QUERY_VALUES = ["99999999999999999999", "2147483648", "-1", "²", "0001-01-01", "\ud800", "x" * 300]


@dataclass(frozen=True)
class Route:
    rule: str
    method: str
    endpoint: str
    params: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"

    def path(self, values: dict[str, str] | str) -> str:
        """The rule with each parameter replaced by ``values[name]`` (or by ``values`` for all of them)."""
        def value(match: re.Match) -> str:
            name = match.group("name")
            raw = values if isinstance(values, str) else values.get(name, "1")
            return quote(raw.encode("utf-8", "surrogatepass"), safe="")

        return _PARAM.sub(value, self.rule)


def routes(app, face: str) -> list[Route]:
    """Every (rule, method) under the face's prefix, in a stable order."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(FACES[face]):
            continue
        params = tuple(m.group("name") for m in _PARAM.finditer(rule.rule))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append(Route(rule.rule, method, rule.endpoint, params))
    return sorted(found, key=lambda r: (r.rule, r.method))


def edge_query(value: str, names: list[str] = EDGE_QUERY_NAMES) -> str:
    """The query parameters ``names`` set to ``value`` (a lone surrogate travels as its raw UTF-8 bytes)."""
    encoded = quote(value.encode("utf-8", "surrogatepass"), safe="")
    return "&".join(f"{name}={encoded}" for name in names)


def walk(client, face_routes: list[Route], values, *, query: str | None = None, data=None,
         headers: dict | None = None, skip_unparametrized_posts: bool = False):
    """Request every route with ``values`` in its path; yield ``(route, response)`` (exceptions re-raised with
    the route named)."""
    for route in face_routes:
        if skip_unparametrized_posts and route.method != "GET" and not route.params:
            continue  # posting hostile values to a create-something route would only add rows
        path = route.path(values)
        try:
            body = data() if callable(data) else data  # a callable: fresh file uploads for every request
            response = client.open(path, method=route.method, query_string=query if route.method == "GET" else None,
                                   data=body if route.method != "GET" else None, headers=headers or {})
        except Exception as err:  # with TESTING the app may raise instead of answering 500
            raise AssertionError(f"{route} ({path}) raised {err!r}") from err
        yield route, response


def server_errors(client, face_routes, **kwargs) -> list[str]:
    """Every (route, value) that answered 5xx: edge values in the path (with every common query parameter set
    to the same value), then in each query parameter alone on the pages without path parameters (lists,
    searches), so one refused parameter does not hide what another one would do."""
    found = []
    for value in EDGE_VALUES:
        for route, response in walk(client, face_routes, value, query=edge_query(value), **kwargs):
            if response.status_code >= 500:
                found.append(f"{route} with {value[:30]!r}: {response.status_code}")
    listings = [r for r in face_routes if r.method == "GET" and not r.params]
    for value in EDGE_QUERY_VALUES:
        for name in TYPED_QUERY_NAMES:
            for route, response in walk(client, listings, {}, query=edge_query(value, [name]), **kwargs):
                if response.status_code >= 500:
                    found.append(f"{route}?{name}={value[:30]!r}: {response.status_code}")
    return found
