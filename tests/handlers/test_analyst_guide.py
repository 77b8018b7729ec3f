"""The analyst guide (docs/guia-analista.md) follows the code: its operator table is the registry's (regenerate
it with ``flask processes guide``), every operator is explained and every ``ticket`` field is listed."""
from __future__ import annotations

from pathlib import Path

from handlers import SERVICE_TASKS, reference
from tests.staff.conftest import open_complaint

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guia-analista.md"


def test_the_operator_table_is_the_registry_s(app):
    text = GUIDE.read_text(encoding="utf-8")
    assert reference.current_block(text) == reference.block(), "run: flask --app app processes guide"


def test_every_operator_is_explained_after_the_table(app):
    explained = GUIDE.read_text(encoding="utf-8").split(reference.END, 1)[1]
    missing = [name for name in SERVICE_TASKS if f"`{name}`" not in explained]
    assert not missing, f"the guide does not explain {missing}"


def test_every_field_of_the_ticket_snapshot_is_listed(app):
    text = GUIDE.read_text(encoding="utf-8")
    fields = open_complaint().snapshot().keys()
    missing = [f for f in fields if f'`ticket["{f}"]`' not in text]
    assert not missing, f"the guide does not list ticket fields {missing}"


def test_the_guide_command_rewrites_a_stale_table(app, tmp_path, monkeypatch):
    stale = tmp_path / "guia.md"
    stale.write_text(f"antes\n{reference.BEGIN}\n| viejo |\n{reference.END}\ndespués\n", encoding="utf-8")
    monkeypatch.setitem(app.config, "ANALYST_GUIDE", str(stale))
    result = app.test_cli_runner().invoke(args=["processes", "guide"])
    assert result.output.strip() == "Referencia de operadores actualizada."
    text = stale.read_text(encoding="utf-8")
    assert text.startswith("antes\n") and text.endswith("después\n")
    assert reference.current_block(text) == reference.block()
    assert reference.update(stale) is False
