"""Checks of decision tables: the hit policy is one SpiffWorkflow knows, and under UNIQUE no two rules may
match the same case (SpiffWorkflow silently takes the first; any standard DMN tool rejects the table).

Cells are Python (docs/architecture.md): each one is read as the set of values it matches — any (``-``), a
literal, ``? in [...]``/``? not in [...]``, ``? is None``/``? is not None``, comparisons (``< 5``,
``? >= 1 and ? < 10``). A cell written any other way could match anything, so two such rules are reported as
overlapping: the analyst makes them disjoint or chooses FIRST.
"""
from __future__ import annotations

import ast
import math
from dataclasses import dataclass

from app.errors import DeployError
from app.i18n import _
from app.workflow.xmlmodel import dmn_tables

HIT_POLICIES = ("UNIQUE", "FIRST", "PRIORITY", "ANY", "COLLECT", "RULE ORDER", "OUTPUT ORDER")


@dataclass(frozen=True)
class Cell:
    kind: str  # any | in | not_in | range | opaque
    values: frozenset = frozenset()
    low: float = -math.inf
    high: float = math.inf
    low_closed: bool = True
    high_closed: bool = True


ANY = Cell("any")


def problems(file: str, tree) -> list[DeployError]:
    errors = []
    for table in dmn_tables(tree, file).values():
        node = table.node
        if table.hit_policy not in HIT_POLICIES:
            errors.append(DeployError(_("The decision table «%(table)s» has the hit policy %(policy)s, which does "
                                        "not exist (use UNIQUE, FIRST or COLLECT).", table=table.decision_id,
                                        policy=table.hit_policy), file=file, element=node.get("id", ""),
                                      line=node.sourceline, element_name=table.decision_id))
        if table.hit_policy in ("UNIQUE", "ANY"):
            errors += _overlaps(file, table)
    return errors


def _overlaps(file: str, table) -> list[DeployError]:
    rules = [(rule, [parse(c) for c in cells_in], cells_out) for rule, cells_in, cells_out in table.rules]
    errors = []
    for index, (rule, cells, outputs) in enumerate(rules):
        for earlier, earlier_cells, earlier_outputs in rules[:index]:
            if table.hit_policy == "ANY" and outputs == earlier_outputs:
                continue
            if all(overlap(a, b) for a, b in zip(earlier_cells, cells, strict=False)):
                errors.append(DeployError(
                    _("Rules «%(first)s» and «%(second)s» of the table «%(table)s» can both match the same case, "
                      "which the hit policy %(policy)s forbids: make them exclusive, or use FIRST if the order of "
                      "the rules decides.", first=earlier.get("id", ""), second=rule.get("id", ""),
                      table=table.decision_id, policy=table.hit_policy),
                    file=file, element=rule.get("id", ""), line=rule.sourceline, element_name=table.decision_id))
                break
    return errors


def parse(cell: str) -> Cell:
    text = (cell or "").strip()
    if text in ("", "-"):
        return ANY
    try:
        return Cell("in", frozenset([_literal(ast.parse(text, mode="eval").body)]))
    except (SyntaxError, ValueError, TypeError):
        pass
    if text[:1] in "<>=!" and not text.startswith("?"):
        text = "? " + text
    try:
        return _condition(ast.parse(text.replace("?", "_x_"), mode="eval").body)
    except (SyntaxError, ValueError, TypeError):
        return Cell("opaque")


def _literal(node):
    value = ast.literal_eval(node)
    if isinstance(value, list | dict | set | tuple):
        raise ValueError("not a single value")
    return value


def _is_input(node) -> bool:
    return isinstance(node, ast.Name) and node.id == "_x_"


def _condition(node) -> Cell:
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
        cells = [_condition(v) for v in node.values]
        if all(c.kind == "range" for c in cells):
            return _intersect_ranges(cells)
        raise ValueError("a mixed conjunction")
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and _is_input(node.left)):
        raise ValueError("not a comparison with the input")
    op, right = node.ops[0], node.comparators[0]
    if isinstance(op, ast.In | ast.NotIn):
        values = frozenset(_literal(e) for e in right.elts) if isinstance(right, ast.List | ast.Tuple | ast.Set) \
            else None
        if values is None:
            raise ValueError("not a literal list")
        return Cell("in" if isinstance(op, ast.In) else "not_in", values)
    value = ast.literal_eval(right)
    if isinstance(op, ast.Eq | ast.Is):
        return Cell("in", frozenset([value]))
    if isinstance(op, ast.NotEq | ast.IsNot):
        return Cell("not_in", frozenset([value]))
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError("an order on something else than a number")
    if isinstance(op, ast.Lt | ast.LtE):
        return Cell("range", high=value, high_closed=isinstance(op, ast.LtE))
    if isinstance(op, ast.Gt | ast.GtE):
        return Cell("range", low=value, low_closed=isinstance(op, ast.GtE))
    raise ValueError("an operator this check does not read")


def _intersect_ranges(cells: list[Cell]) -> Cell:
    low = max(cells, key=lambda c: (c.low, not c.low_closed))
    high = min(cells, key=lambda c: (c.high, c.high_closed))
    return Cell("range", low=low.low, low_closed=low.low_closed, high=high.high, high_closed=high.high_closed)


def _in_range(value, cell: Cell) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    above = value > cell.low or (value == cell.low and cell.low_closed)
    below = value < cell.high or (value == cell.high and cell.high_closed)
    return above and below


def overlap(a: Cell, b: Cell) -> bool:
    """May one value match both cells? (True when the check cannot tell.)"""
    if "any" in (a.kind, b.kind) or "opaque" in (a.kind, b.kind):
        return True
    if a.kind == "not_in" and b.kind == "not_in":
        return True
    if b.kind == "in":
        a, b = b, a
    if a.kind == "in":
        if b.kind == "in":
            return bool(a.values & b.values)
        if b.kind == "not_in":
            return bool(a.values - b.values)
        return any(_in_range(v, b) for v in a.values)
    if "not_in" in (a.kind, b.kind):
        return True
    low = max((a.low, not a.low_closed), (b.low, not b.low_closed))
    high = min((a.high, a.high_closed), (b.high, b.high_closed))
    return low[0] < high[0] or (low[0] == high[0] and not low[1] and high[1])
