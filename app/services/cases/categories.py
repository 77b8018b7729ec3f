"""The category taxonomy (categoría 1 / 2 / 3): a tree whose leaves are what a case carries.

Each leaf lists the kinds that may use it, its default team and its default priority. Forms and DMN
tables read the leaf codes from here instead of repeating them. Deploy adds the leaves a kind file
names (and their parents); it never changes a node an admin edited.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import PRIORITIES, CaseKind, Category, Team, User, reference
from app.services.cases.kinds import KindFile, all_kinds, require_admin
from app.services.transaction import transaction

_LEAF_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


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


def leaves(kind: str | None = None) -> list[Category]:
    """The active leaves a case of ``kind`` may carry (every kind's when None), in tree order; a leaf under
    an inactive parent is inactive too."""
    found = []

    def walk(nodes):
        for node in nodes:
            if node.category.is_leaf:
                if kind is None or kind in (node.category.kinds or []):
                    found.append(node.category)
            else:
                walk(node.children)

    walk(tree(include_inactive=False))
    return found


def leaf_choices(kind: str | None) -> dict[str, str]:
    """``{code: label}`` of the active leaves of ``kind``: what a form offers."""
    return {leaf.code: leaf.label for leaf in leaves(kind)}


def leaf_options(kind: str | None) -> list[dict]:
    """The active leaves of ``kind`` as JSON Schema ``oneOf`` entries, headed by their branch (kept across
    transactions with the reference data: every validation of a form with categories read the taxonomy)."""
    options = reference.cached(("category_options", kind), lambda: tuple(
        (leaf.code, leaf.label, " › ".join(leaf.path[:-1])) for leaf in leaves(kind)))
    return [{"const": code, "title": label, "x-group": group} for code, label, group in options]


def leaf_label(code: str | None) -> str | None:
    leaf = Category.leaf(code)
    return leaf.label if leaf else code


def codes_under(code: str) -> list[str]:
    """The code itself and the codes of every category below it (the taxonomy is a small table): a filter on a
    level-1/2 node matches the leaves under it."""
    rows = db.session.execute(select(Category.id, Category.parent_id, Category.code)).all()
    children: dict[int | None, list] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    found = [code]
    stack = [row.id for row in rows if row.code == code]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child.code)
            stack.append(child.id)
    return found


def leaf_paths() -> dict[str, str]:
    """Leaf code -> "level 1 › level 2 › level 3", for every leaf (one query)."""
    paths: dict[str, str] = {}

    def walk(nodes, above):
        for node in nodes:
            labels = [*above, node.category.label]
            if node.category.is_leaf:
                paths[node.category.code] = " › ".join(labels)
            walk(node.children, labels)

    walk(tree(), [])
    return paths


def leaf_codes() -> set[str]:
    """Every leaf code there is (active or not): what a DMN table or a form may name."""
    return set(db.session.scalars(select(Category.code).where(Category.level == Category.LEAF_LEVEL)))


# -- admin (in the browser) --------------------------------------------------------------------------

@dataclass
class CategoryDetails:
    """What an admin may change about a node; the last three only matter for a leaf."""

    label: str = ""
    active: bool = True
    kinds: list[str] = field(default_factory=list)
    team: str = ""  # team code, "" for none
    priority: str = ""  # alta | media | baja, "" for none


@dataclass
class CategoryPage:
    category: Category
    children: list[Category]
    kinds: list[CaseKind]
    teams: list[Team]
    priorities: tuple[str, ...]


def category_page(category_id: int, actor: User) -> CategoryPage:
    require_admin(actor)
    node = _get(category_id)
    return CategoryPage(category=node, children=list(node.children), kinds=all_kinds(),
                        teams=list(db.session.scalars(select(Team).order_by(Team.name))), priorities=PRIORITIES)


def admin_tree(actor: User) -> list[TreeNode]:
    require_admin(actor)
    return tree()


def create_category(parent_id: int | None, label: str, code: str, actor: User) -> Category:
    """A new node under ``parent_id`` (a level-1 node when None). A leaf needs its code (what forms, tables
    and tickets use); the others take one made from the label."""
    require_admin(actor)
    parent = _get(parent_id) if parent_id is not None else None
    if parent is not None and parent.is_leaf:
        raise ValidationFailed(_("A category of level 3 has no subcategories."))
    level = parent.level + 1 if parent else 1
    label, code = (label or "").strip(), (code or "").strip()
    errors = _label_errors(label)
    if level < Category.LEAF_LEVEL:
        code = slug(label) if parent is None else f"{parent.code}.{slug(label)}"
        if db.session.scalar(select(Category.id).where(Category.code == code)) is not None:
            errors.setdefault("label", []).append(_("There is already a category with this name here."))
    elif not _LEAF_CODE.match(code):
        errors["code"] = [_("Up to 40 lowercase letters without accents, digits or underscores, starting with "
                            "a letter.")]
    elif db.session.scalar(select(Category.id).where(Category.code == code)) is not None:
        errors["code"] = [_("A category already has this code.")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    with transaction():
        node = Category(code=code, label=label, parent=parent, level=level, position=_next_position(parent),
                        kinds=[], deployed_kinds=[], active=True)
        db.session.add(node)
    return node


def update_category(category_id: int, details: CategoryDetails, actor: User) -> Category:
    """Rename, (de)activate; for a leaf also its kinds, default team and default priority. The code stays."""
    require_admin(actor)
    node = _get(category_id)
    label = (details.label or "").strip()
    errors = _label_errors(label)
    team = None
    if node.is_leaf:
        known_kinds = {kind.code for kind in all_kinds()}
        if any(kind not in known_kinds for kind in details.kinds):
            errors["kinds"] = [_("Value not allowed.")]
        if details.priority and details.priority not in PRIORITIES:
            errors["priority"] = [_("Value not allowed.")]
        if details.team:
            team = db.session.scalar(select(Team).where(Team.code == details.team))
            if team is None:
                errors["team"] = [_("Value not allowed.")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    with transaction():
        node.label, node.active = label, bool(details.active)
        if node.is_leaf:
            node.kinds = [kind.code for kind in all_kinds() if kind.code in details.kinds]
            node.default_team, node.default_priority = team, details.priority or None
    return node


def _get(category_id: int) -> Category:
    node = db.session.get(Category, category_id)
    if node is None:
        raise NotFound(_("That category does not exist."))
    return node


def _label_errors(label: str) -> dict[str, list[str]]:
    if not label:
        return {"label": [_("This field is required.")]}
    if len(label) > 160:
        return {"label": [_("At most %(n)s characters.", n=160)]}
    return {}


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
