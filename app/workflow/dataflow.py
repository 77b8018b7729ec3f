"""Data-flow check over a diagram: every variable an expression reads must be written before it."""
from __future__ import annotations

from app.errors import DeployError


def problems(file: str, process, context, tables: dict) -> list[DeployError]:
    return []
