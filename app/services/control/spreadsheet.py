"""What every exported table shares: a cell a spreadsheet shows as text, never runs as a formula."""
from __future__ import annotations


def safe_cell(value: str) -> str:
    """A ticket's or a person's text may start like a formula (``=HYPERLINK(...)``): quote it."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
