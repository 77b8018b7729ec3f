"""A decision table evaluated on its own, outside any instance (e.g. which kind of case an e-mail opens),
with the same restricted script engine the diagrams use."""
from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

from app.workflow.engine import SCRIPT_ENGINE, new_parser


def decide(dmn_xml: bytes, data: dict) -> dict:
    """The outputs of the first matching rule of the file's decision for ``data`` ({} when none matches)."""
    engine = _engine(dmn_xml)
    task = SimpleNamespace(data=dict(data), workflow=SimpleNamespace(script_engine=SCRIPT_ENGINE))
    return dict(engine.result(task))


@lru_cache(maxsize=8)
def _engine(dmn_xml: bytes):
    parser = new_parser()
    parser.add_dmn_str(dmn_xml)
    [decision_id] = list(parser.dmn_parsers)  # one decision per file
    return parser.get_engine(decision_id, None)
