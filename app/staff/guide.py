"""The analyst guide (docs/guia-analista.md), rendered for every signed-in staff member (the blueprint asks
for the sign-in): the help link of the workspace and of the notice editor lead here."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from flask import current_app, render_template
from markdown_it import MarkdownIt
from markupsafe import Markup

from app.staff import bp


@bp.get("/guide")
def guide():
    path = Path(current_app.config["ANALYST_GUIDE"])
    return render_template("staff/guide.html", html=_render(path, path.stat().st_mtime_ns))


@lru_cache(maxsize=2)
def _render(path: Path, _mtime: int) -> Markup:
    """Markdown to HTML (raw HTML in the file is escaped); headings get ids so sections can be linked."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(path.read_text(encoding="utf-8"))
    for heading, inline in zip(tokens, tokens[1:], strict=False):
        if heading.type == "heading_open":
            heading.attrSet("id", slug(inline.content))
    return Markup(md.renderer.render(tokens, md.options, {}))  # noqa: S704 - markdown-it escaped the text


def slug(text: str) -> str:
    """"Lenguaje de plantillas" -> "lenguaje-de-plantillas" (accents dropped), as the guide's links write it."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
