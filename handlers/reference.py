"""The operator reference of the analyst guide (docs/guia-analista.md), generated from the registry: every
``@service_task`` with its parameters (from the handler's signature) and the keys of its result (the dict
literals it returns). ``flask processes guide`` rewrites the block between the markers; a test fails while
the guide and the registry disagree.
"""
from __future__ import annotations

import ast
import inspect
import textwrap
from pathlib import Path

from handlers.registry import SERVICE_TASKS

BEGIN = "<!-- operadores: generado por `flask processes guide`, no editar a mano -->"
END = "<!-- fin de operadores -->"


def parameters(name: str) -> list[str]:
    """``status``, ``note = ''``: required ones bare, optional ones with their default (a Python literal)."""
    shown = []
    for parameter in list(inspect.signature(SERVICE_TASKS[name]).parameters.values())[1:]:  # 1st: the context
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        default = parameter.default
        shown.append(f"`{parameter.name}`" if default is inspect.Parameter.empty
                     else f"`{parameter.name} = {default!r}`")
    return shown


def results(name: str) -> list[str]:
    """The keys of the dict literals the handler returns (in order of appearance, without repeats)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(SERVICE_TASKS[name])))
    keys: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Dict):
            keys += [k.value for k in node.value.keys
                     if isinstance(k, ast.Constant) and isinstance(k.value, str) and k.value not in keys]
    return keys


def table() -> str:
    lines = ["| operador | parámetros | resultado (claves) |", "|---|---|---|"]
    for name in sorted(SERVICE_TASKS):
        lines.append(f"| `{name}` | {', '.join(parameters(name)) or '–'} | "
                     f"{', '.join(f'`{k}`' for k in results(name)) or '–'} |")
    return "\n".join(lines)


def block() -> str:
    return f"{BEGIN}\n{table()}\n{END}"


def current_block(text: str) -> str:
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[start:end]


def update(path: str | Path) -> bool:
    """Rewrite the guide's operator block; True when it changed."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    new = text.replace(current_block(text), block())
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text
