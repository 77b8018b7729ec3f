"""No English reaches a page (issue 13): every message id of the Spanish catalog is translated, every message id
the code and the templates use is in it, and templates hold no literal text outside ``_()``."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "app/translations/es/LC_MESSAGES/messages.po"
# Page templates (mail templates live per language under templates/mail/<lang>/ and are Spanish text).
TEMPLATES = sorted(p for p in (ROOT / "app/templates").rglob("*.html") if "mail" not in p.parts)
SOURCES = sorted([*(ROOT / "app").rglob("*.py"), *(ROOT / "handlers").rglob("*.py"), *TEMPLATES])
# Words a page may show as they are: names of the product and the company, a unit.
AS_IS = {"Atiende", "Net1", "KB"}
CALL = re.compile(r"""(?<![\w.])(?:_l?|gettext|lazy_gettext)\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*[,)]""")
# A shown attribute with a word in it (an example number such as "Q-2026-000001" is no word).
VISIBLE_ATTRIBUTE = re.compile(r'\b(?:placeholder|title|aria-label|alt)="([^"{]*[A-Za-z]{3}[^"{]*)"')


def _catalog():
    with CATALOG.open("rb") as handle:
        return read_po(handle)


def _first(value):
    return value[0] if isinstance(value, (tuple, list)) else value


def test_every_message_of_the_spanish_catalog_is_translated():
    untranslated = [m.id for m in _catalog() if m.id and (m.fuzzy or not all(
        m.string if isinstance(m.string, (tuple, list)) else [m.string]))]
    assert untranslated == []


def test_every_message_id_used_is_in_the_spanish_catalog():
    known = {_first(m.id) for m in _catalog() if m.id}
    missing = []
    for path in SOURCES:
        for found in CALL.finditer(path.read_text(encoding="utf-8")):
            message = found.group(1) if found.group(1) is not None else found.group(2)
            message = message.replace('\\"', '"').replace("\\'", "'").replace("\\n", "\n")
            if message not in known:
                missing.append(f"{path.relative_to(ROOT)}: {message}")
    assert missing == []


def _literal_words(source: str) -> list[str]:
    text = re.sub(r"{#.*?#}|{{.*?}}|{%.*?%}", " ", source, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
    text = re.sub(r'[\w-]+="[^"]*"|&\w+;', " ", text)  # attribute fragments a macro builds; entities
    return [w for w in re.findall(r"[^\W\d_][\w-]*", text) if w not in AS_IS]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "app/templates")))
def test_a_template_shows_no_text_outside_the_catalog(path):
    source = path.read_text(encoding="utf-8")
    assert _literal_words(source) == []
    assert VISIBLE_ATTRIBUTE.findall(source) == []


def test_the_template_check_can_fail():
    assert _literal_words('<p>{{ _("Sent") }} Request Entity Too Large</p>') == ["Request", "Entity", "Too", "Large"]
    assert _literal_words('<p title="x">{{ _("Sent") }} · Atiende</p>') == []
