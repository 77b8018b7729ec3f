"""The category taxonomy (categoría 1 / 2 / 3): a tree whose leaves are what a case carries.

Each leaf lists the kinds that may use it, its default team and its default priority. Forms and DMN
tables read the leaf codes from here instead of repeating them. Deploy adds the leaves a kind file
names (and their parents); it never changes a node an admin edited.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.models import Category, Team
from app.services.cases.kinds import KindFile


@dataclass
class TreeNode:
    category: Category
    children: list[TreeNode]


def tree(*, include_inactive: bool = True) -> list[TreeNode]:
    """The whole taxonomy, level 1 first, each level in its order."""
    rows = list(db.session.scalars(select(Category).order_by(Category.level, Category.position, Category.id)))
    by_parent: dict[int | None, list[Category]] = {}
    for row in rows:
        if include_inactive or row.active:
            by_parent.setdefault(row.parent_id, []).append(row)

    def build(parent_id):
        return [TreeNode(c, build(c.id)) for c in by_parent.get(parent_id, [])]

    return build(None)


def leaves(kind: str | None = None, *, include_inactive: bool = False) -> list[Category]:
    """The leaves a case of ``kind`` may carry (every kind's when None), in tree order; a leaf under an
    inactive parent is inactive too."""
    found = []

    def walk(nodes):
        for node in nodes:
            if node.category.is_leaf:
                if kind is None or kind in (node.category.kinds or []):
                    found.append(node.category)
            else:
                walk(node.children)

    walk(tree(include_inactive=include_inactive))
    return found


def leaf_choices(kind: str | None) -> dict[str, str]:
    """``{code: label}`` of the active leaves of ``kind``: what a form offers."""
    return {leaf.code: leaf.label for leaf in leaves(kind)}


def leaf_label(code: str | None) -> str | None:
    leaf = Category.leaf(code)
    return leaf.label if leaf else code


def leaf_codes() -> set[str]:
    """Every leaf code there is (active or not): what a DMN table or a form may name."""
    return set(db.session.scalars(select(Category.code).where(Category.level == Category.LEAF_LEVEL)))


# -- deploy ------------------------------------------------------------------------------------------

def merge_from_kind(file: KindFile) -> list[str]:
    """Add the leaves ``file`` names that are missing (with their parents); add the kind to an existing
    leaf unless a deploy did so before (an admin may have taken it away since). Returns warnings."""
    warnings = []
    kind = file.data["code"]
    for entry in file.data.get("categories", []):
        leaf = db.session.scalar(select(Category).where(Category.code == entry["code"]))
        if leaf is None:
            parent = _parent_of(entry["path"][:2])
            team = _team(entry.get("team"))
            if entry.get("team") and team is None:
                warnings.append(f"{file.name}: {entry['code']}: el equipo {entry['team']} no existe")
            leaf = Category(code=entry["code"], label=entry["path"][2], parent=parent, level=Category.LEAF_LEVEL,
                            position=_next_position(parent), kinds=[], deployed_kinds=[],
                            default_team=team, default_priority=entry.get("priority"), active=True)
            db.session.add(leaf)
        elif not leaf.is_leaf:
            warnings.append(f"{file.name}: {entry['code']}: ese código es de una categoría que no es hoja")
            continue
        if kind not in (leaf.deployed_kinds or []):
            leaf.deployed_kinds = [*(leaf.deployed_kinds or []), kind]
            if kind not in (leaf.kinds or []):
                leaf.kinds = [*(leaf.kinds or []), kind]
        db.session.flush()
    return warnings


def _parent_of(labels: list[str]) -> Category:
    """The level-1 and level-2 nodes of a path, created when missing (found by code, made from the labels,
    so a node an admin renamed is still found)."""
    parent = None
    for level, label in enumerate(labels, start=1):
        code = slug(label) if parent is None else f"{parent.code}.{slug(label)}"
        node = db.session.scalar(select(Category).where(Category.code == code))
        if node is None:
            node = Category(code=code, label=label, parent=parent, level=level, position=_next_position(parent),
                            kinds=[], deployed_kinds=[], active=True)
            db.session.add(node)
            db.session.flush()
        parent = node
    return parent


def _next_position(parent: Category | None) -> int:
    query = select(func.max(Category.position)).where(
        Category.parent_id == parent.id if parent is not None else Category.parent_id.is_(None))
    with db.session.no_autoflush:
        current = db.session.scalar(query)
    return 0 if current is None else current + 1


def _team(code: str | None) -> Team | None:
    return db.session.scalar(select(Team).where(Team.code == code)) if code else None


def slug(label: str) -> str:
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:50] or "categoria"
